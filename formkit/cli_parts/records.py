"""Command-line parts for the records: the register (BM.QT.SCT.05-01), its workbook, and the
review queue. Thin: parse, call formkit.app, print with rich.

Wired into formkit/cli.py by:
    app.add_typer(register_app, name="register")
    app.add_typer(review_app, name="review")
    export_app.command("register")(export_register_cmd)   # formkit export register --year
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from formkit.app import register as reg
from formkit.app.review import (
    NO_GUESS,
    REVIEW_INVALID,
    STATUS_LABELS,
    ReviewRecord,
    choices,
    export_workbook,
    group_reading,
    import_review,
    machine_label,
    machine_offer,
    note_vn,
    parse_choice,
    sheet_label,
    value_label,
)
from formkit.app.workspace import current_user, open_store
from formkit.catalogue import say
from formkit.config import Settings, load_settings
from formkit.errors import InputError

console = Console()

register_app = typer.Typer(no_args_is_help=True,
                           help="Sổ ghi nhận ý kiến của khách hàng (BM.QT.SCT.05-01).")
review_app = typer.Typer(
    invoke_without_command=True,
    help="Duyệt các ô máy đọc chưa chắc chắn. Without a sub-command: review in the terminal, "
    "one item at a time.")

#: short source names for the terminal table (the workbook uses the full labels)
SOURCE_SHORT = {"khieu_nai": "Khiếu nại", "tiep_dan": "Tiếp dân", "truyen_thong": "Truyền thông",
                "hop": "Họp", "cap_tren": "Cấp trên", "khao_sat": "Khảo sát"}

WorkspaceOpt = Annotated[
    Path | None, typer.Option("--workspace", "-w", help="Folder with formkit.toml (default: .)")
]
ReviewerOpt = Annotated[
    str | None, typer.Option("--reviewer", "-r", help="Your name, kept with each correction "
                             "(default: the login name)")
]


def _settings(workspace: Path | None) -> Settings:
    return load_settings(workspace)


def _entries_table(entries: list[reg.RegisterRecord], labels: dict[str, str]) -> Table:
    table = Table(show_lines=False)
    for header in ("#", "Ngày", "Khách hàng", "Nội dung", "Nhóm", "Nguồn", "Đơn vị",
                   "Tình trạng"):
        table.add_column(header, overflow="fold", no_wrap=header in ("#", "Ngày"))
    for e in entries:
        group = labels.get(e.group, e.group) + (" ✎" if e.group_override else "")
        table.add_row(str(e.id), f"{e.entry_date:%d/%m/%Y}", e.customer, e.content, group,
                      SOURCE_SHORT.get(e.source, e.source), e.unit,
                      reg.status_label(e.status))
    return table


# ---- register --------------------------------------------------------------------------

@register_app.command("add")
def register_add(
    content: Annotated[str, typer.Option("--content", "-c", help="Nội dung ý kiến")],
    on: Annotated[str | None, typer.Option("--date", "-d",
                                           help="Ngày tháng, dd/mm/yyyy (default: today)")] = None,
    customer: Annotated[str, typer.Option(help="Tên khách hàng")] = "",
    receiver: Annotated[str, typer.Option(help="Người tiếp nhận")] = "",
    unit: Annotated[str | None, typer.Option(help="Unit code or name (formkit.toml)")] = None,
    source: Annotated[str, typer.Option(
        help="khieu_nai, tiep_dan, truyen_thong, hop, cap_tren, khao_sat")] = "khieu_nai",
    confirmation: Annotated[str, typer.Option(help="Xác nhận của trưởng phòng/đơn vị")] = "",
    status: Annotated[str, typer.Option(help="pending (Chưa xử lý) or handled (Đã xử lý)")]
    = "pending",
    group: Annotated[str | None, typer.Option(
        help="Opinion group code or name; kept over the rules")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Add one entry to the register."""
    settings = _settings(workspace)
    e = reg.add_entry(settings, None, entry_date=on or date.today(), content=content,
                      customer=customer, receiver=receiver, unit=unit, source=source,
                      confirmation=confirmation, status=status, group=group)
    labels = reg.group_rules(settings).labels()
    console.print(f"[green]✓[/] Entry #{e.id} added ({e.entry_date:%d/%m/%Y}), group "
                  f"“{labels.get(e.group, e.group)}”.")


@register_app.command("list")
def register_list(
    year: Annotated[int | None, typer.Option(help="Year")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit code or name")] = None,
    source: Annotated[str | None, typer.Option(help="Source code or label")] = None,
    group: Annotated[str | None, typer.Option(help="Opinion group code or name")] = None,
    status: Annotated[str | None, typer.Option(help="handled or pending")] = None,
    search: Annotated[str | None, typer.Option("--search", "-s",
                                               help="Text, accents optional")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """List register entries (filters combine)."""
    settings = _settings(workspace)
    rules = reg.group_rules(settings)
    entries = reg.list_entries(settings, year=year, unit=unit, source=source, group=group,
                               status=status, text=search, rules=rules)
    if not entries:
        console.print("No entries match. / Không có ý kiến nào phù hợp.")
        return
    console.print(_entries_table(entries, rules.labels()))
    console.print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}.")


@register_app.command("import")
def register_import(
    path: Annotated[Path, typer.Argument(help="Register as .xlsx or .csv")],
    skip_bad: Annotated[bool, typer.Option("--skip-bad",
                                           help="Import the good rows, report the bad")] = False,
    source: Annotated[str, typer.Option(help="Source of rows without a “Nguồn” column")]
    = "khieu_nai",
    unit: Annotated[str | None, typer.Option(help="Unit of rows without a “Đơn vị” column")]
    = None,
    columns: Annotated[str | None, typer.Option(
        help="Where the columns are when the headers are not recognised, e.g. "
             "\"ngay=A,khach_hang=B,noi_dung=Nội dung\" (letter, number or header text)")]
    = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Import a register kept in Excel or CSV (columns found by their Vietnamese headers)."""
    settings = _settings(workspace)
    with console.status(f"Importing {path.name}…"):
        report = reg.import_register(settings, path, None, skip_bad=skip_bad,
                                     default_source=source, default_unit=unit, columns=columns)
    console.print("Cột / columns: " + "; ".join(
        f"{col} ← {where}" for col, where in report.mapping.items()))
    console.print(f"[green]✓[/] {path.name} (sheet “{report.sheet}”): {report.added} added, "
                  f"{report.duplicates} already in the register.")
    if report.problems:
        console.print(f"[yellow]{len(report.problems)} bad row(s) skipped:[/]")
        for p in report.problems:
            console.print(f"  row {p.row}: {p.reason}")


@register_app.command("classify")
def register_classify(
    year: Annotated[int | None, typer.Option(help="Only this year")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Show the rule that matched")]
    = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Group the entries by the keyword rules (form_templates/feedback_groups.yaml)."""
    settings = _settings(workspace)
    rules = reg.group_rules(settings)
    results = reg.classify(settings, None, year=year, explain=explain, rules=rules)
    if explain:
        table = Table()
        for header in ("#", "Nhóm", "Theo", "Giải thích"):
            table.add_column(header, overflow="fold")
        for r in results:
            table.add_row(str(r.entry_id), f"{r.group} {r.name}",
                          "người dùng" if r.by == "person" else "quy tắc", r.explanation or "")
        console.print(table)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.group] = counts.get(r.group, 0) + 1
    summary = Table(title=f"{len(results)} entr{'y' if len(results) == 1 else 'ies'} by "
                          "group / theo nhóm ý kiến")
    summary.add_column("Nhóm")
    summary.add_column("Số ý kiến", justify="right")
    for code, name in rules.labels().items():
        if counts.get(code):
            summary.add_row(f"{code}. {name}", str(counts[code]))
    console.print(summary)
    changed = sum(1 for r in results if r.changed)
    console.print(f"{changed} entr{'y' if changed == 1 else 'ies'} changed group by the rules; "
                  f"{sum(1 for r in results if r.by == 'person')} kept a person's group.")


@register_app.command("from-surveys")
def register_from_surveys(
    year: Annotated[int, typer.Option(help="Survey year")] = date.today().year,
    workspace: WorkspaceOpt = None,
) -> None:
    """Copy the reviewed “Ý kiến khác” comments of the year's surveys into the register."""
    settings = _settings(workspace)
    r = reg.comments_to_register(settings, year, None)
    console.print(f"[green]✓[/] {r.added} comment(s) added, {r.already_there} already there.")
    if r.waiting_review:
        console.print(f"[yellow]{r.waiting_review} comment(s) wait for review[/] "
                      "(run `formkit review`, then this command again).")


@register_app.command("set-group")
def register_set_group(
    entry: Annotated[int, typer.Argument(help="Entry number (#)")],
    group: Annotated[str | None, typer.Argument(help="Group code or name")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Give the entry back to the rules")]
    = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Set an entry's opinion group by hand (the rules never overwrite it)."""
    if not group and not clear:
        raise InputError(say("error.register.group_missing"))
    settings = _settings(workspace)
    e = reg.set_group(settings, entry, None if clear else group, None)
    console.print(f"[green]✓[/] Entry #{e.id}: group {e.group}"
                  + (" (by the rules)" if clear else " (kept over the rules)") + ".")


@register_app.command("set-status")
def register_set_status(
    entry: Annotated[int, typer.Argument(help="Entry number (#)")],
    status: Annotated[str, typer.Argument(help="handled (Đã xử lý) or pending (Chưa xử lý)")],
    on: Annotated[str | None, typer.Option("--on", help="Day it was handled, dd/mm/yyyy "
                                                        "(default: today)")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Mark an entry handled (on a day, for the on-time ratios) or pending."""
    settings = _settings(workspace)
    e = reg.set_status(settings, entry, status, None, handled_on=on)
    console.print(f"[green]✓[/] Entry #{e.id}: {reg.status_label(e.status)}.")


def export_register_cmd(
    year: Annotated[int, typer.Option(help="Year of the register")] = date.today().year,
    workspace: WorkspaceOpt = None,
) -> None:
    """Write the register workbook exports/<year>/BM.QT.SCT.05-01_<year>.xlsx."""
    settings = _settings(workspace)
    done = reg.export_workbook(settings, year)
    path, count = done.path, done.entries
    console.print(f"[green]✓[/] {path}", soft_wrap=True)
    if count:
        console.print(f"{count} entr{'y' if count == 1 else 'ies'} of {year}.")
    else:
        console.print(f"[yellow]No entries for {year}[/]: the workbook says “Không có ý kiến "
                      "nào được ghi nhận”. Add or import entries first if that is wrong.")


# ---- review ----------------------------------------------------------------------------

@review_app.callback()
def review_main(ctx: typer.Context, reviewer: ReviewerOpt = None,
                workspace: WorkspaceOpt = None,
                group: Annotated[bool, typer.Option(
                    "--group", "-g", help="First the tick items of one question the machine "
                    "read the same way, a group at a time: type the numbers it read wrong, "
                    "Enter accepts the rest")] = False) -> None:
    """Review in the terminal: each pending item, the machine's reading, your answer."""
    if ctx.invoked_subcommand is not None:
        return
    settings = _settings(workspace)
    name = reviewer or current_user()
    with open_store(settings) as store:
        items = store.review_queue()
        if not items:
            console.print("Nothing to review. / Không có mục nào cần duyệt.")
            return
        done = 0
        if group:
            grouped, stop = _review_groups(store, items, name)
            done += grouped
            if stop:
                console.print(f"{done} item(s) reviewed, {len(items) - done} left in the "
                              "queue.")
                return
            items = [i for i in items if i.id in {q.id for q in store.review_queue()}]
        for n, item in enumerate(items, start=1):
            outcome = _review_one(store, item, n, len(items), name)
            if outcome == "quit":
                break
            done += outcome == "done"
    left = len(items) - done
    console.print(f"{done} item(s) reviewed, {left} left in the queue.")


def _review_groups(store: Any, items: list[ReviewRecord], reviewer: str) -> tuple[int, bool]:
    """Group verification in the terminal: per question and machine reading, the sheets
    and crops numbered; the numbers typed were read wrong (a tick box is flipped, a choice
    row is left for one-at-a-time review), the rest is accepted. Returns (decided, quit)."""
    groups: dict[tuple[str, str, str], list[tuple[ReviewRecord, Any]]] = {}
    evidence = store.machine_evidence(items)
    for i in items:
        reading = group_reading(i.kind, i.machine_value, i.machine_status, evidence[i.id])
        if reading is not NO_GUESS:
            groups.setdefault((i.form, i.field, repr(reading)), []).append((i, reading))
    done = 0
    for members in sorted(groups.values(), key=len, reverse=True):
        for start in range(0, len(members), 30):
            chunk = [i for i, _r in members[start:start + 30]]
            first, guess = members[start]
            spec_field = store.spec_field(first.form, first.field)
            label = spec_field.label if spec_field else first.field
            reading = value_label(first.kind, guess, spec_field)
            console.rule(f"{label}: máy đọc [bold]{reading}[/] ({len(chunk)} ô)")
            for n, i in enumerate(chunk, start=1):
                console.print(f"[cyan]{n:>2}[/] phiếu {sheet_label(i)}  {i.crop_path or '—'}",
                              soft_wrap=True)
            while True:
                try:
                    typed = typer.prompt("Số các ô máy đọc sai (Enter = tất cả đúng, "
                                         "s = bỏ qua nhóm, q = thoát)", default="",
                                         show_default=False).strip().lower()
                except typer.Abort:
                    return done, True
                if typed == "q":
                    return done, True
                if typed == "s":
                    break
                try:
                    wrong = {int(x) for x in typed.replace(",", " ").split()}
                except ValueError:
                    console.print("[yellow]Gõ các số, cách nhau bởi dấu cách.[/]")
                    continue
                if not wrong <= set(range(1, len(chunk) + 1)):
                    console.print(f"[yellow]Các số phải từ 1 đến {len(chunk)}.[/]")
                    continue
                decisions = []
                for n, i in enumerate(chunk, start=1):
                    if n not in wrong:
                        decisions.append((i.id, guess, ""))
                    elif i.kind == "flag":
                        decisions.append((i.id, not guess, ""))
                done += store.apply_reviews(decisions, reviewer) if decisions else 0
                console.print(f"[green]✓[/] {len(decisions)} ô đã ghi"
                              + (f", {len(wrong)} ô để duyệt từng mục" if any(
                                  chunk[n - 1].kind != "flag" for n in wrong) else ""))
                break
    return done, False


def _review_one(store: Any, item: ReviewRecord, n: int, total: int, reviewer: str) -> str:
    spec_field = store.spec_field(item.form, item.field)
    label = spec_field.label if spec_field else item.field
    machine = machine_label(item.kind, item.machine_value, item.machine_status, spec_field)
    reason = (STATUS_LABELS.get(item.machine_status, item.machine_status)
              if item.machine_status != "ok" else "độ tin cậy thấp")
    console.rule(f"[{n}/{total}] Phiếu {sheet_label(item)}")
    console.print(f"[bold]{label}[/]")
    if item.kind != "text":
        console.print(f"Máy đọc: [bold]{machine or '(trống)'}[/]  · độ tin cậy "
                      f"{item.confidence:.0%}  · {reason}")
    why = note_vn(store.machine_note(item), spec_field, store.spec(item.form))
    if why:
        console.print(f"Vì sao cần kiểm tra: {why}", soft_wrap=True)
    console.print(f"Ảnh vùng đọc: {item.crop_path or '—'}", soft_wrap=True)
    console.print(f"Ảnh cả trang: {item.overlay_path or '—'}", soft_wrap=True)
    options = choices(item.kind, spec_field)
    if options:
        console.print("  ".join(f"[cyan]{i}[/] {lab}" for i, (lab, _v) in
                                enumerate(options, start=1)))
    can_accept = machine_offer(item.kind, item.machine_value, item.machine_status,
                               item.confidence)
    if item.kind == "text" and item.machine_value and not can_accept:
        console.print(f"[dim]Máy đoán (chưa chắc, không dùng làm giá trị): "
                      f"{item.machine_value}[/]", soft_wrap=True)
    prompt = ("Giá trị đúng (" + ("Enter = đồng ý với máy, " if can_accept else "")
              + ("- = không viết gì, ? = không đọc được, " if item.kind == "text" else "")
              + "s = bỏ qua, q = thoát)")
    while True:
        try:
            typed = typer.prompt(prompt, default="", show_default=False).strip()
        except typer.Abort:
            return "quit"
        if typed.lower() == "q":
            return "quit"
        if typed.lower() == "s":
            return "skipped"
        if not typed:
            if not can_accept:
                console.print("[yellow]Máy không có giá trị đủ tin cậy ở ô này, hãy chọn hoặc "
                              "gõ một giá trị (no trustworthy reading here).[/]")
                continue
            value = item.machine_value
        elif item.kind == "text" and typed in ("-", "?"):
            value = None if typed == "-" else REVIEW_INVALID
        else:
            try:
                value = parse_choice(item.kind, typed, spec_field)
            except InputError as exc:
                console.print(f"[red]{exc.message}[/] {exc.hint}")
                continue
        store.apply_review(item.id, value, reviewer)
        console.print(f"[green]✓[/] {value_label(item.kind, value, spec_field) or '—'}")
        return "done"


@review_app.command("export")
def review_export(
    path: Annotated[Path | None, typer.Argument(
        help="Workbook to write (default: exports/review/duyet_phieu_<time>.xlsx)")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Write the pending review items to a workbook, with the crops and drop-down lists."""
    settings = _settings(workspace)
    with console.status("Writing the review workbook…"):
        out, count = export_workbook(settings, path)
    console.print(f"[green]✓[/] {out} ({count} item(s) to review)", soft_wrap=True)


@review_app.command("import")
def review_import(
    path: Annotated[Path, typer.Argument(help="The review workbook, filled in")],
    reviewer: ReviewerOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Apply the corrections of a review workbook (all rows checked first)."""
    settings = _settings(workspace)
    report = import_review(settings, path, reviewer or current_user())
    console.print(f"[green]✓[/] {report.applied} correction(s) applied, {report.unchanged} "
                  f"already applied, {report.left_pending} row(s) left for later.")
