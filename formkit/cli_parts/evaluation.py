"""CLI of the annual evaluation: report, responses import, archive (seal, verify), retention
(status, dispose). Thin: parse, call a verb of formkit.app, print. Wire it with
`evaluation.register(app)`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from formkit.app import archive as archive_verbs
from formkit.app import evaluation as evaluation_verbs
from formkit.app.present import pct
from formkit.catalogue import say
from formkit.config import load_settings
from formkit.errors import InputError, RefusedError

console = Console()

WorkspaceOpt = Annotated[
    Path | None, typer.Option("--workspace", "-w", help="Folder with formkit.toml (default: .)")
]
YearOpt = Annotated[int, typer.Option("--year", "-y", help="Year of the records")]

responses_app = typer.Typer(no_args_is_help=True,
                            help="Survey answers from other channels (Google Forms, portal).")
archive_app = typer.Typer(invoke_without_command=True,
                          help="Seal a year's records (manifest of SHA-256 sums); verify it.")
retention_app = typer.Typer(invoke_without_command=True,
                            help="Retention dates of sealed years; dispose of expired ones.")


def _parse_date(text: str | None) -> date | None:
    from formkit.api import parse_vn_date

    return parse_vn_date(text) if text else None


def report(
    year: Annotated[int, typer.Option("--year", "-y", help="Year to evaluate")],
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help="DOCX and workbook only")] = False,
    number: Annotated[str | None, typer.Option(help="Report number (Số …/BC-…)")] = None,
    on: Annotated[str | None, typer.Option("--date", help="Date of the report, DD/MM/YYYY")]
    = None,
    preview: Annotated[bool, typer.Option(
        help="A draft while readings still wait for review: counts them as read, and every "
        "page says DỰ THẢO (without it the report is refused, exit 9)")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Annual evaluation: summary workbook and report (DOCX, PDF) under exports/<year>/."""
    settings = load_settings(workspace)
    with console.status("Tổng hợp và lập báo cáo…"):
        out = evaluation_verbs.annual_report(settings, year, None, pdf=not no_pdf,
                                             number=number, report_date=_parse_date(on),
                                             preview=preview)
    t = out.tallies
    if out.state is not None and out.state.draft:
        console.print(f"[yellow]![/] {out.state.draft_note()}: mỗi trang ghi DỰ THẢO.")
    if not settings.signer_name:
        console.print("[yellow]![/] Chưa khai báo signer_name trong formkit.toml: báo cáo để "
                      "trống dòng họ tên người ký.")
    console.print(f"[green]✓[/] {t.current.answered} phiếu năm {year} "
                  f"({t.previous.answered} năm {year - 1}); chỉ số hài lòng chung "
                  f"{pct(t.current.index)}")
    console.print(f"  {out.summary}\n  {out.report.docx}"
                  + (f"\n  {out.report.pdf}" if out.report.pdf else ""))


@responses_app.command("import")
def responses_import(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX export", exists=True,
                                         dir_okay=False)],
    channel: Annotated[str, typer.Option(help="Channel name, e.g. google_forms or dvc")],
    mapping: Annotated[Path, typer.Option(help="YAML mapping of columns and scales",
                                          exists=True, dir_okay=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and report; store nothing")]
    = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Import survey answers of another channel (rows are deduplicated by their hash)."""
    settings = load_settings(workspace)
    done = evaluation_verbs.import_responses(settings, file, channel, mapping, dry_run=dry_run)
    records, added, skipped = done.records, done.added, done.skipped
    console.print(f"{file.name}: {len(records)} dòng hợp lệ"
                  + ("" if dry_run else f", thêm {added}, bỏ qua {skipped} đã có")
                  + (f", {len(records.duplicate_rows)} dòng trùng trong tệp"
                     if records.duplicate_rows else ""))
    if records.bad_rows:
        table = Table(title=f"{len(records.bad_rows)} dòng không nhập được")
        table.add_column("Dòng", justify="right")
        table.add_column("Lý do")
        for b in records.bad_rows:
            table.add_row(str(b.row), b.reason)
        console.print(table)


def _parse_adds(adds: list[str] | None) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for item in adds or []:
        category, sep, path = item.partition("=")
        if not sep or not category or not path:
            raise InputError(say("error.archive.add_option", item=repr(item)))
        out.setdefault(category.strip(), []).append(Path(path))
    return out


@archive_app.callback()
def archive_seal(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", "-y", help="Year to seal")] = None,
    add: Annotated[list[str] | None, typer.Option(
        help="More files: CATEGORY=PATH (register, sheets, scans, review, …); repeatable")]
    = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not read the database")]
    = False,
    replace: Annotated[bool, typer.Option(help="Rebuild an existing (not disposed) archive")]
    = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Seal a year: copy register, summary, report, sheet data, scans and review files into
    exports/<year>/archive with manifest.json (SHA-256, sizes, retention date)."""
    if ctx.invoked_subcommand is not None:
        return
    if year is None:
        raise typer.BadParameter("give --year (or use `archive verify PATH`)")
    settings = load_settings(workspace)
    sealed = archive_verbs.seal_year(settings, year, None, extra=_parse_adds(add),
                                     use_store=not no_store, replace=replace)
    folder, manifest = sealed.folder, sealed.manifest
    table = Table(title=f"Lưu trữ năm {year}: {folder}")
    table.add_column("Loại")
    table.add_column("Số tệp", justify="right")
    for category in sorted({f["category"] for f in manifest["files"]}):
        n = sum(1 for f in manifest["files"] if f["category"] == category)
        table.add_row(category, str(n))
    console.print(table)
    console.print(f"Lưu đến hết {manifest['retain_until']}; "
                  f"được hủy từ {manifest['dispose_from']}.")


@archive_app.command("verify")
def archive_verify(
    path: Annotated[Path, typer.Argument(help="Archive folder or its manifest.json")],
) -> None:
    """Check every file against manifest.json: changed, missing or added files."""
    rep = archive_verbs.verify_archive(path)
    for label, items, colour in (("Đã thay đổi", rep.changed, "red"),
                                 ("Bị thiếu", rep.missing, "red"),
                                 ("Thêm vào", rep.added, "yellow")):
        for item in items:
            console.print(f"[{colour}]{label}:[/] {item}")
    for problem in rep.problems:  # the manifest or disposal record itself was altered
        console.print(f"[red]Giả mạo / tampered:[/] {problem}")
    if rep.disposed:
        console.print(f"{len(rep.disposed)} tệp đã hủy theo biên bản.")
    if rep.ok:
        console.print(f"[green]✓[/] {rep.checked} tệp khớp với manifest ({rep.folder}).")
    else:
        raise RefusedError(say("error.archive.differs", folder=str(rep.folder),
                               changed=len(rep.changed), missing=len(rep.missing),
                               added=len(rep.added), problems=len(rep.problems)),
                           hint=say("hint.archive.restore_files"))


@retention_app.callback()
def retention_list(
    ctx: typer.Context,
    on: Annotated[str | None, typer.Option("--date", help="Check as of DD/MM/YYYY")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """List sealed years, their retention dates and which are due for disposal."""
    if ctx.invoked_subcommand is not None:
        return
    settings = load_settings(workspace)
    entries = archive_verbs.retention(settings, _parse_date(on))
    if not entries:
        console.print("Chưa có năm nào được niêm phong lưu trữ.")
        return
    table = Table(title="Thời hạn lưu trữ")
    for col in ("Năm", "Lưu đến", "Hủy từ", "Tệp", "Có dữ liệu cá nhân", "Trạng thái"):
        table.add_column(col)
    for e in entries:
        state = (f"đã hủy {e.disposed_at}" if e.disposed_at
                 else "[bold red]đến hạn hủy[/]" if e.due else "đang lưu")
        table.add_row(str(e.year), e.retain_until.strftime("%d/%m/%Y"),
                      e.dispose_from.strftime("%d/%m/%Y"), str(e.files), str(e.personal_files),
                      state)
    console.print(table)


@retention_app.command("dispose")
def retention_dispose(
    year: YearOpt,
    confirm: Annotated[str | None, typer.Option(
        help="The year typed again (asked interactively when missing)")] = None,
    operator: Annotated[str, typer.Option(help="Name of the person disposing")] = "",
    remove_originals: Annotated[bool, typer.Option(
        help="Also delete the original files outside the archive (only unchanged ones)")]
    = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Destroy the personal-data records of an expired year and write the biên bản hủy."""
    settings = load_settings(workspace)
    if confirm is None:
        confirm = typer.prompt(f"Hủy vĩnh viễn hồ sơ năm {year}? Gõ lại năm để xác nhận")
    res = archive_verbs.dispose_year(settings, year, confirm, operator,
                                     remove_originals=remove_originals, today=date.today())
    console.print(f"[green]✓[/] Đã hủy {len(res.removed)} tệp; giữ lại {len(res.kept)} tệp "
                  f"không chứa dữ liệu cá nhân. Cơ sở dữ liệu: {res.anonymized}")
    console.print(f"  Biên bản: {res.record}")
    if res.sources_left:
        console.print(f"[yellow]Còn {len(res.sources_left)} tệp gốc ngoài thư mục lưu trữ[/] "
                      "(xem phụ lục biên bản; dùng --remove-originals để xóa).")


def register(app: typer.Typer) -> None:
    """Add the evaluation commands to the main app."""
    app.command("report")(report)
    app.add_typer(responses_app, name="responses")
    app.add_typer(archive_app, name="archive")
    app.add_typer(retention_app, name="retention")
