"""Importing a register kept in Excel (.xlsx) or CSV into BM.QT.SCT.05-01: the file checked,
its header row found (tolerant of wording, accents and capitals), every row checked before
anything is written, rows already in the register skipped. The file is only read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from formkit.catalogue import Message, say
from formkit.errors import InputError
from formkit.store.core import Store, current_user, now
from formkit.store.models import RegisterEntry
from formkit.store.register import (
    fingerprint,
    parse_date,
    parse_source,
    parse_status,
    parse_unit,
    searchable,
)
from formkit.store.register_groups import Grouping, needs_groups
from formkit.store.spreadsheets import (
    check_spreadsheet_file,
    read_csv_rows,
    read_xlsx_formulas,
    read_xlsx_rows,
)
from formkit.textnorm import fold, nfc

#: register columns: id → (required, header aliases; the first is the official wording)
HEADERS: dict[str, tuple[bool, tuple[str, ...]]] = {
    "ngay": (True, ("Ngày tháng", "Ngày", "Ngày tháng năm", "Ngày tiếp nhận", "Ngày nhận",
                    "Ngày ghi nhận", "Thời gian")),
    "khach_hang": (True, ("Tên khách hàng", "Khách hàng", "Họ và tên", "Họ tên",
                          "Tên tổ chức, cá nhân", "Tổ chức, cá nhân", "Người phản ánh",
                          "Tên người phản ánh")),
    "noi_dung": (True, ("Nội dung ý kiến phản ánh của khách hàng",
                        "Nội dung ý kiến phản ảnh của khách hàng", "Nội dung",
                        "Nội dung ý kiến", "Nội dung phản ánh", "Nội dung phản ảnh",
                        "Ý kiến phản ánh", "Ý kiến")),
    "nguoi_tiep_nhan": (False, ("Người tiếp nhận", "Cán bộ tiếp nhận", "Người nhận")),
    "xac_nhan": (False, ("Xác nhận của trưởng phòng/đơn vị", "Xác nhận của trưởng phòng",
                         "Xác nhận của lãnh đạo", "Xác nhận")),
    "nguon": (False, ("Nguồn", "Nguồn ý kiến", "Nguồn thông tin")),
    "don_vi": (False, ("Đơn vị", "Phòng", "Đơn vị tiếp nhận", "Phòng, đơn vị")),
    "tinh_trang": (False, ("Tình trạng", "Trạng thái", "Tình trạng xử lý", "Kết quả xử lý")),
    "nhom": (False, ("Nhóm ý kiến", "Nhóm")),
    # the day it was handled: the on-time ratios of QĐ 766/QĐ-TTg (schema v5)
    "ngay_xu_ly": (False, ("Ngày xử lý", "Ngày giải quyết", "Ngày trả lời",
                           "Ngày hoàn thành", "Ngày xử lý xong")),
}
HEADER_SCAN_ROWS = 30


def _header_key(value: Any) -> str:
    return re.sub(r"[^\w]+", " ", fold(str(value) if value is not None else "")).strip()


_ALIAS_INDEX = {_header_key(a): col for col, (_req, aliases) in HEADERS.items()
                for a in aliases}
#: longest aliases first, so "Nội dung ý kiến …" is tried before "Nội dung"
_ALIAS_PREFIXES = sorted(_ALIAS_INDEX.items(), key=lambda kv: -len(kv[0]))


def header_column(value: Any) -> str | None:
    """The register column a header cell names: an alias exactly (accents, case, spacing
    and punctuation ignored), or a header that starts with an alias as whole words
    ("Nội dung ý kiến phản ánh" → the content column), or a shortened official wording
    ("Nội dung ý kiến phản ánh của" is a prefix of it)."""
    key = _header_key(value)
    if not key:
        return None
    if key in _ALIAS_INDEX:
        return _ALIAS_INDEX[key]
    for alias, col in _ALIAS_PREFIXES:
        if key.startswith(alias + " "):
            return col
    for alias, col in _ALIAS_PREFIXES:
        if len(key) >= 8 and alias.startswith(key + " "):
            return col
    return None


def _column_index(spec: str, header: list[Any]) -> int | None:
    """A --columns target: a letter (B), a 1-based number (2) or a header text."""
    spec = spec.strip()
    if re.fullmatch(r"[A-Za-z]{1,3}", spec):
        n = 0
        for ch in spec.upper():
            n = n * 26 + ord(ch) - 64
        return n - 1
    if spec.isdigit():
        return int(spec) - 1
    want = _header_key(spec)
    for i, cell in enumerate(header):
        if _header_key(cell) == want:
            return i
    return None


def parse_columns(text: str | None) -> dict[str, str]:
    """"ngay=A,noi_dung=Nội dung ý kiến,khach_hang=3" → {column id: target}."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        col, sep, target = part.partition("=")
        col = col.strip()
        if not sep or col not in HEADERS or not target.strip():
            raise InputError(say("error.store.register.bad_columns", part=part.strip(),
                                 columns=", ".join(HEADERS)))
        out[col] = target.strip()
    return out


@dataclass(frozen=True)
class RowProblem:
    row: int  # row number as the spreadsheet shows it (1-based)
    reason: str


@dataclass
class ImportReport:
    path: Path
    sheet: str
    #: column id → the header (or column) of the file it was taken from: shown to the user
    mapping: dict[str, str] = field(default_factory=dict)
    added: int = 0
    duplicates: int = 0  # already in the register (or twice in the file)
    skipped_bad: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    entry_ids: list[int] = field(default_factory=list)


class RegisterImportError(InputError):
    """A register file with bad rows; `problems` lists each row and its reason."""

    def __init__(self, message: Message | str, problems: Sequence[RowProblem],
                 hint: Message | str | None = None):
        super().__init__(message, hint)
        self.problems = list(problems)


def _find_header(rows: list[tuple[int, list[Any]]], override: dict[str, str] | None = None
                 ) -> tuple[int, dict[str, int]] | None:
    """(index in rows, column id → cell index) of the first row naming the required
    columns (after the --columns override); None when there is none."""
    required = {c for c, (req, _a) in HEADERS.items() if req}
    override = override or {}
    for index, (_num, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping: dict[str, int] = {}
        for col, target in override.items():
            ci = _column_index(target, cells)
            if ci is not None:
                mapping[col] = ci
        taken = set(mapping.values())
        for ci, cell in enumerate(cells):
            col = header_column(cell)
            if col and col not in mapping and ci not in taken:
                mapping[col] = ci
        named = {c for c, t in override.items() if not _is_position(t)}
        if required <= mapping.keys() and named <= mapping.keys() and (
                any(header_column(c) for c in cells) or named):
            return index, mapping
    if override and required <= override.keys() and all(_is_position(t)
                                                        for t in override.values()):
        # every column given by position: the file may have no header row at all
        return -1, {c: _column_index(t, []) or 0 for c, t in override.items()}
    return None


def _is_position(target: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]{1,3}|\d+", target.strip()))


def _column_letter(ci: int) -> str:
    out = ""
    ci += 1
    while ci:
        ci, r = divmod(ci - 1, 26)
        out = chr(65 + r) + out
    return out


def _in_english(exc: InputError) -> str:
    """A row's reason as the import report has always written it (message and hint)."""
    return f"{exc.msg.en()} {exc.hint_msg.en() if exc.hint_msg else ''}"


def _expected_headers() -> str:
    parts = []
    for _col, (req, aliases) in HEADERS.items():
        parts.append(f"“{aliases[0]}”" + ("" if req else " (optional)"))
    return ", ".join(parts)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


def import_register(store: Store, path: Path | str, skip_bad: bool = False,
                    default_source: str = "khieu_nai", default_unit: str | None = None,
                    actor: str | None = None, rules: Grouping | None = None,
                    today: date | None = None,
                    columns: dict[str, str] | str | None = None) -> ImportReport:
    """Import a register kept in Excel (.xlsx) or CSV. Columns are found by their
    Vietnamese headers (accent- and case-insensitive; see HEADERS). Every row is checked
    first; a file with bad rows imports nothing (RegisterImportError lists each row and its
    reason) unless `skip_bad`, which imports the good rows and reports the bad ones.
    Rows already in the register are skipped, so importing a file twice adds nothing.
    Headers are matched tolerantly (see header_column); `columns` ("ngay=A,noi_dung=Nội
    dung") overrides the matching, and report.mapping says which column was taken for
    which. Formula cells are bad rows (their cached results are never imported silently).
    The file itself is only read."""
    path = Path(path)
    override = parse_columns(columns) if isinstance(columns, str) else dict(columns or {})
    kind = check_spreadsheet_file(path)
    sheets = read_xlsx_rows(path) if kind == "xlsx" else read_csv_rows(path)
    found = None
    for title, rows in sheets:
        header = _find_header(rows, override)
        if header is not None:
            found = (title, rows, header)
            break
    if found is None:
        names = ", ".join(f"“{t}”" for t, _r in sheets)
        raise InputError(say("error.store.register.no_header", file=path.name,
                             rows=HEADER_SCAN_ROWS, sheets=names,
                             expected=_expected_headers()),
                         hint=say("error.store.register.no_header.hint"))
    title, rows, (header_index, columns_at) = found
    header_cells = rows[header_index][1] if header_index >= 0 else []
    formulas = read_xlsx_formulas(path, title) if kind == "xlsx" else {}
    rules = needs_groups(rules, "import_register")
    actor = actor if actor is not None else current_user()
    default_source = parse_source(default_source)
    default_unit_code = parse_unit(store, default_unit)
    today = today or date.today()
    report = ImportReport(path=path, sheet=title)
    for col, ci in sorted(columns_at.items(), key=lambda kv: kv[1]):
        head = _cell_text(header_cells[ci]) if ci < len(header_cells) else ""
        report.mapping[col] = f"{_column_letter(ci)}" + (f" “{head}”" if head else "")
    columns = columns_at

    prepared: list[dict[str, Any]] = []
    seen_in_file: dict[str, int] = {}
    for position, (row_number, cells) in enumerate(rows[header_index + 1:]):
        def cell(col: str, cells: list[Any] = cells) -> Any:
            ci = columns.get(col)
            return cells[ci] if ci is not None and ci < len(cells) else None

        values = {col: cell(col) for col in columns}
        texts = {col: _cell_text(v) for col, v in values.items()}
        if not any(texts.values()):
            continue  # an empty line of the book
        if position == 0 and all(_NUMBERING.match(t) for t in texts.values() if t):
            continue  # the "(1) (2) (3) …" line printed under the headers
        if _ALIAS_INDEX.get(_header_key(texts.get("ngay"))) == "ngay" and \
                _ALIAS_INDEX.get(_header_key(texts.get("noi_dung"))) == "noi_dung":
            continue  # the header repeated on a later page
        reasons: list[str] = []
        used = set(columns.values())
        for ci, formula in formulas.get(row_number, []):
            if ci in used:
                reasons.append(f"cell {_column_letter(ci)}{row_number} holds a formula "
                               f"({formula[:40]}); its result is not imported as typed text "
                               "— paste the values instead (Paste Special → Values)")
        try:
            day = parse_date(values.get("ngay"), today)
        except ValueError as exc:
            day = None
            reasons.append(f"date (Ngày tháng): {exc}")
        content = texts.get("noi_dung", "")
        if not content:
            reasons.append("the feedback content (Nội dung) is empty")
        source, unit, status, override = default_source, default_unit_code, "pending", None
        try:
            if texts.get("nguon"):
                source = parse_source(texts["nguon"])
        except InputError as exc:
            reasons.append(_in_english(exc))
        try:
            if texts.get("don_vi"):
                unit = parse_unit(store, texts["don_vi"])
        except InputError as exc:
            reasons.append(_in_english(exc))
        try:
            if texts.get("tinh_trang"):
                status = parse_status(texts["tinh_trang"])
        except InputError as exc:
            reasons.append(_in_english(exc))
        handled_on = None
        if texts.get("ngay_xu_ly"):
            try:
                handled_on = parse_date(values.get("ngay_xu_ly"), today)
            except ValueError as exc:
                reasons.append(f"date handled (Ngày xử lý): {exc}")
            else:
                if day is not None and handled_on < day:
                    reasons.append(f"date handled (Ngày xử lý) {handled_on:%d/%m/%Y} is "
                                   f"before the date received {day:%d/%m/%Y}")
                elif not texts.get("tinh_trang"):
                    status = "handled"  # a day handled says it was handled
                elif status != "handled":
                    reasons.append("a date handled (Ngày xử lý) is given but the status "
                                   "says not handled (Tình trạng)")
        match = rules.match(content)
        if texts.get("nhom"):
            code = rules.resolve(texts["nhom"])
            if code is None:
                reasons.append(f"unknown opinion group {texts['nhom']!r} (Nhóm ý kiến)")
            elif code != match.code:
                override = code  # a person's choice written in the book
        if reasons:
            report.problems.append(RowProblem(row_number, "; ".join(reasons)))
            continue
        assert day is not None
        customer = texts.get("khach_hang", "")
        receiver = texts.get("nguoi_tiep_nhan", "")
        fp = fingerprint(day, customer, content, receiver, unit, source)
        if fp in seen_in_file:
            report.duplicates += 1
            continue
        seen_in_file[fp] = row_number
        prepared.append(dict(
            entry_date=day, customer=customer, content=content, receiver=receiver,
            unit=unit, source=source, confirmation=texts.get("xac_nhan", ""), status=status,
            group_code=match.code, group_rule=match.rule, group_override=override,
            fingerprint=fp,
            search_text=searchable(customer, content, receiver, texts.get("xac_nhan", "")),
            import_file=path.name, import_row=row_number,
            handled_on=handled_on if status == "handled" else None))

    if report.problems and not skip_bad:
        shown = "\n".join(f"  row {p.row}: {p.reason}" for p in report.problems[:30])
        more = len(report.problems) - 30
        raise RegisterImportError(
            say("error.store.register.bad_rows", file=path.name, sheet=title,
                count=len(report.problems),
                rows=shown + (f"\n  … and {more} more" if more > 0 else ""),
                columns="; ".join(f"{c} ← {w}" for c, w in report.mapping.items())),
            report.problems, hint=say("error.store.register.bad_rows.hint"))
    report.skipped_bad = len(report.problems)

    created = now()
    with store.write_session() as s:
        known: set[str] = set()
        fps = [p["fingerprint"] for p in prepared]
        for i in range(0, len(fps), 500):
            known |= set(s.scalars(select(RegisterEntry.fingerprint)
                                   .where(RegisterEntry.fingerprint.in_(fps[i:i + 500]))).all())
        if any(p["source"] == "khao_sat" for p in prepared):
            # entries made from surveys carry the sheet's key as fingerprint: the same line
            # coming back in an exported-then-imported register is found by its text
            for row in s.execute(select(
                    RegisterEntry.entry_date, RegisterEntry.customer, RegisterEntry.content,
                    RegisterEntry.receiver, RegisterEntry.unit)
                    .where(RegisterEntry.fingerprint.like("khao_sat:%"))).all():
                known.add(fingerprint(row[0], row[1] or "", row[2] or "", row[3] or "",
                                      row[4] or "", "khao_sat"))
        new_rows = []
        for p in prepared:
            if p["fingerprint"] in known:
                report.duplicates += 1
                continue
            new_rows.append({**p, "created": created, "created_by": actor, "updated": None,
                             "sheet_id": None})
        if new_rows:
            # one executemany instead of an ORM object per row: 5,000 rows in a blink
            s.execute(insert(RegisterEntry), new_rows)
        new_fps = [r["fingerprint"] for r in new_rows]
        for i in range(0, len(new_fps), 500):
            report.entry_ids += s.scalars(select(RegisterEntry.id).where(
                RegisterEntry.fingerprint.in_(new_fps[i:i + 500]))).all()
        report.entry_ids.sort()
        report.added = len(new_rows)
        store.audit(s, "register_import", actor, file=path.name, sheet=title,
                    added=report.added, duplicates=report.duplicates,
                    skipped_bad=report.skipped_bad)
    return report
