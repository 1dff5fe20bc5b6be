"""Survey answers from other channels: Google Forms, the public-service portal (Cổng dịch vụ
công), Zalo forms… exported as CSV or XLSX, read through a YAML mapping.

The mapping names the column of each field and maps the channel's scale onto the form's
three levels (tot / dat / chua_dat); see form_templates/channels/google_forms.example.yaml.
Every row gets a stable id from a hash of its cells, so importing the same export twice adds
nothing (the store skips known ids) and an identical row inside one file is counted once.
Rows that cannot be read are reported by their spreadsheet row number and not imported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from formkit.analyze.records import ResponseRecord
from formkit.analyze.tallies import LEVELS
from formkit.catalogue import say
from formkit.errors import InputError
from formkit.spec.model import FieldKind, FormSpec
from formkit.textnorm import fold, nfc

MAPPING_HINT = "hint.channels.mapping"  # catalogue code of the what-to-do line
DEFAULT_TIME_FORMATS = (
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M", "%Y-%m-%d", "%m/%d/%Y %H:%M:%S", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y",
)


@dataclass(frozen=True)
class BadRow:
    row: int  # spreadsheet row number (the header is row 1 unless header_row says otherwise)
    reason: str


class ImportedResponses(list[ResponseRecord]):
    """The records read from an export (a plain list), with what was left out and why."""

    def __init__(self, records: Sequence[ResponseRecord] = (), bad_rows: Sequence[BadRow] = (),
                 duplicate_rows: Sequence[int] = (), empty_rows: int = 0,
                 source: Path | None = None, channel: str = "", label: str = ""):
        super().__init__(records)
        self.bad_rows = list(bad_rows)
        self.duplicate_rows = list(duplicate_rows)
        self.empty_rows = empty_rows
        self.source = source
        self.channel = channel
        self.label = label


@dataclass
class FieldRule:
    field_id: str
    column: str
    values: dict[str, Any] = field(default_factory=dict)  # folded answer → stored value
    contains: str = ""  # flags: ticked when the cell contains this text (multi-select cells)


@dataclass
class Mapping_:
    path: Path
    label: str
    header_row: int
    sheet: str
    delimiter: str
    encoding: str
    time_column: str
    time_formats: tuple[str, ...]
    unit_column: str
    unit_default: str
    unit_values: dict[str, str]
    fields: list[FieldRule]


def _key(value: Any) -> str:
    """Cell value → comparison key: 5, 5.0 and " 5 " all become "5"; accents folded."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return fold(str(value))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return nfc(str(value))


def load_mapping(path: Path, spec: FormSpec | None = None) -> Mapping_:
    """Read and check a channel mapping; with the survey spec, field ids and values are
    checked against the template too."""
    def fail(where: str, msg: str) -> InputError:
        return InputError(f"{path}: {where}: {msg}", hint=MAPPING_HINT)

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(say("error.channels.mapping_missing", path=path),
                         hint=say(MAPPING_HINT)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(say("error.channels.mapping_yaml", path=path, detail=str(exc)),
                         hint=say(MAPPING_HINT)) from exc
    if not isinstance(raw, dict):
        raise fail("(top level)", "must be a mapping of keys")
    scales_raw = raw.get("scales") or {}
    if not isinstance(scales_raw, dict):
        raise fail("scales", "must map scale names to {answer: level}")
    scales: dict[str, dict[str, str]] = {}
    for name, table in scales_raw.items():
        if not isinstance(table, dict) or not table:
            raise fail(f"scales.{name}", "must map each answer to tot, dat or chua_dat")
        bad = {k: v for k, v in table.items() if v not in LEVELS}
        if bad:
            raise fail(f"scales.{name}", f"levels must be tot, dat or chua_dat; got {bad}")
        scales[name] = {_key(k): v for k, v in table.items()}
    ts = raw.get("timestamp") or {}
    if not isinstance(ts, dict) or not isinstance(ts.get("column"), str):
        raise fail("timestamp", "needs `column:` (the column with the date of the answer)")
    formats = ts.get("formats") or list(DEFAULT_TIME_FORMATS)
    unit = raw.get("unit") or {}
    if not isinstance(unit, dict):
        raise fail("unit", "must be a mapping with column / default / values")
    fields_raw = raw.get("fields")
    if not isinstance(fields_raw, dict) or not fields_raw:
        raise fail("fields", "must map field ids (c1.thai_do_giao_tiep, …) to columns")
    rules: list[FieldRule] = []
    for fid, rule in fields_raw.items():
        where = f"fields.{fid}"
        if not isinstance(rule, dict) or not isinstance(rule.get("column"), str):
            raise fail(where, "needs `column:`")
        values: dict[str, Any] = {}
        if "scale" in rule:
            if rule["scale"] not in scales:
                raise fail(where, f"unknown scale {rule['scale']!r}; defined: {sorted(scales)}")
            values.update(scales[rule["scale"]])
        if "values" in rule:
            if not isinstance(rule["values"], dict):
                raise fail(where, "`values` must map answers to stored values")
            values.update({_key(k): v for k, v in rule["values"].items()})
        contains = rule.get("contains", "")
        if not values and not contains:
            raise fail(where, "give a `scale`, `values` or (for a tick box) `contains`")
        if spec is not None:
            f = spec.fields.get(fid)
            if f is None or f.kind is FieldKind.TEXT:
                choice = ", ".join(x.id for x in spec.choice_fields)
                raise fail(where, f"not a choice field of form {spec.code}; use one of: "
                           f"{choice}")
            allowed: set[Any] = ({True, False} if f.kind is FieldKind.FLAG
                                 else {o.value for o in f.options})
            wrong = {v for v in values.values() if v not in allowed}
            if wrong:
                raise fail(where, f"values {sorted(map(str, wrong))} are not options of {fid} "
                           f"({sorted(map(str, allowed))})")
        rules.append(FieldRule(fid, nfc(rule["column"]), values, nfc(contains)))
    return Mapping_(
        path=path, label=nfc(raw.get("label", "")), header_row=int(raw.get("header_row", 1)),
        sheet=str(raw.get("sheet") or ""), delimiter=str(raw.get("delimiter") or ""),
        encoding=str(raw.get("encoding") or "utf-8-sig"), time_column=nfc(ts["column"]),
        time_formats=tuple(formats), unit_column=nfc(unit.get("column", "")),
        unit_default=str(unit.get("default", "")),
        unit_values={_key(k): str(v) for k, v in (unit.get("values") or {}).items()},
        fields=rules,
    )


def _read_rows(path: Path, m: Mapping_) -> list[list[Any]]:
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(say("error.channels.export_missing", path=path))
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise InputError(say("error.channels.xlsx", path=path, detail=str(exc))) from exc
        try:
            if m.sheet and m.sheet not in wb.sheetnames:
                raise InputError(say("error.channels.sheet", path=path, sheet=repr(m.sheet),
                                     sheets=str(wb.sheetnames)), hint=say(MAPPING_HINT))
            ws = wb[m.sheet] if m.sheet else wb.worksheets[0]
            return [list(r) for r in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
    if suffix in (".csv", ".txt", ".tsv"):
        try:
            text = path.read_text(encoding=m.encoding)
        except UnicodeDecodeError as exc:
            raise InputError(say("error.channels.encoding", path=path, encoding=m.encoding,
                                 detail=str(exc)), hint=say("hint.channels.encoding")) from exc
        delimiter = m.delimiter
        if not delimiter:
            try:
                delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
            except csv.Error:
                delimiter = ","
        return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    raise InputError(say("error.channels.export_type", path=path, suffix=repr(suffix)))


def _parse_time(value: Any, formats: Sequence[str]) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and 20000 < value < 80000:  # an Excel serial day
        return (datetime(1899, 12, 30) + timedelta(days=float(value))).date()
    text = _cell_text(value)
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _column_index(header: list[str], name: str) -> int | None:
    wanted = fold(name)
    for i, h in enumerate(header):
        if fold(h) == wanted:
            return i
    return None


def import_responses(path: Path, channel: str, mapping_path: Path,
                     spec: FormSpec | None = None) -> ImportedResponses:
    """Read a channel export into ResponseRecords (see the module docstring).

    Raises InputError when the file or the mapping cannot be used at all (missing columns
    are all named at once); single bad rows are listed in `.bad_rows` instead.
    """
    channel = channel.strip()
    if not channel or not channel.replace("_", "").replace("-", "").isalnum():
        raise InputError(say("error.channels.name", channel=repr(channel)),
                         hint=say("hint.channels.name"))
    m = load_mapping(mapping_path, spec)
    rows = _read_rows(path, m)
    h = m.header_row - 1
    if len(rows) <= h:
        raise InputError(say("error.channels.header_row", path=path, row=m.header_row,
                             rows=len(rows)))
    header = [_cell_text(v) for v in rows[h]]
    needed = {"timestamp": m.time_column, **{r.field_id: r.column for r in m.fields}}
    if m.unit_column:
        needed["unit"] = m.unit_column
    index = {k: _column_index(header, col) for k, col in needed.items()}
    missing = sorted({needed[k] for k, i in index.items() if i is None})
    if missing:
        raise InputError(
            say("error.channels.columns", path=path,
                missing=", ".join(repr(c) for c in missing),
                columns=", ".join(repr(c) for c in header if c)), hint=say(MAPPING_HINT))
    records: list[ResponseRecord] = []
    bad: list[BadRow] = []
    dups: list[int] = []
    empty = 0
    seen: set[str] = set()
    for offset, row in enumerate(rows[h + 1:]):
        number = m.header_row + 1 + offset
        cells = [_cell_text(v) for v in row]
        if not any(cells):
            empty += 1
            continue
        row = list(row) + [None] * (len(header) - len(row))
        digest = hashlib.sha256(json.dumps([channel, cells], ensure_ascii=False)
                                .encode("utf-8")).hexdigest()[:20]
        if digest in seen:
            dups.append(number)
            continue
        problems: list[str] = []
        when = _parse_time(row[index["timestamp"]], m.time_formats)  # type: ignore[index]
        if when is None:
            problems.append(f"cột {m.time_column!r}: không đọc được ngày "
                            f"{_cell_text(row[index['timestamp']])!r}")  # type: ignore[index]
        answers: dict[str, Any] = {}
        for rule in m.fields:
            raw = row[index[rule.field_id]]  # type: ignore[index]
            key = _key(raw)
            if rule.contains:
                answers[rule.field_id] = fold(rule.contains) in key
                continue
            if key == "":
                answers[rule.field_id] = None
            elif key in rule.values:
                answers[rule.field_id] = rule.values[key]
            else:
                problems.append(f"cột {rule.column!r}: giá trị {_cell_text(raw)!r} không có "
                                "trong thang đo của tệp ánh xạ")
        unit = m.unit_default
        if m.unit_column:
            raw_unit = _key(row[index["unit"]])  # type: ignore[index]
            if raw_unit:
                if raw_unit in m.unit_values:
                    unit = m.unit_values[raw_unit]
                else:
                    problems.append(f"cột {m.unit_column!r}: đơn vị "
                                    f"{_cell_text(row[index['unit']])!r} "  # type: ignore[index]
                                    "không có trong `unit.values`")
        if problems:
            bad.append(BadRow(number, "; ".join(problems)))
            continue
        seen.add(digest)
        assert when is not None
        records.append(ResponseRecord(
            response_id=f"{channel}:{digest}", year=when.year, received=when, unit=unit,
            channel=channel, answers=answers,
        ))
    return ImportedResponses(records, bad, dups, empty, path, channel, m.label)


def channel_label(mapping_path: Path) -> str:
    """The human name of a channel from its mapping (`label:`), '' when none."""
    try:
        raw = yaml.safe_load(mapping_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return ""
    return nfc(raw.get("label", "")) if isinstance(raw, Mapping) else ""
