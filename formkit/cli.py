"""Command line: parse, call the verbs (formkit.app, formkit.api), print. No logic of its own."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from formkit import api
from formkit.catalogue import say
from formkit.errors import BatchIncomplete, FormkitError

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="formkit: biểu mẫu, đọc phiếu khảo sát và hồ sơ ISO (QT.SCT.05).")
forms_app = typer.Typer(no_args_is_help=True, help="Build the printable forms.")
app.add_typer(forms_app, name="forms")

console = Console()
err = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path | None, typer.Option("--workspace", "-w", help="Folder with formkit.toml (default: .)")
]


def _settings(workspace: Path | None) -> api.Settings:
    return api.load_settings(workspace)


@app.command()
def init(workspace: WorkspaceOpt = None,
         force: Annotated[bool, typer.Option(help="Replace an existing formkit.toml")] = False):
    """Write formkit.toml with the Đắk Lắk defaults (agency, units, ISO control data)."""
    path = api.init_workspace(workspace or Path.cwd(), force=force)
    console.print(f"Wrote {path}. Edit it to match your agency.")


@forms_app.command("build")
def forms_build(
    form: Annotated[list[str], typer.Option("--form", "-f", help="05-01 and/or 05-02")] = None,
    year: Annotated[int, typer.Option(help="Year printed on the form")] = date.today().year,
    unit: Annotated[str | None, typer.Option(help="Unit code from formkit.toml")] = None,
    copies: Annotated[int, typer.Option(help="Numbered copies (0: one unnumbered copy)",
                                        min=0, max=5000)] = 0,
    first_serial: Annotated[int | None, typer.Option(help="First serial (default: next free)",
                                                     min=1)] = None,
    pages: Annotated[int, typer.Option(help="Register pages (05-01)", min=1, max=500)] = 1,
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help="DOCX only")] = False,
    workspace: WorkspaceOpt = None,
):
    """Build forms as DOCX and print-ready PDF under exports/forms/."""
    settings = _settings(workspace)
    forms = form or ["05-01", "05-02"]
    with console.status("Building forms (LibreOffice)…"):
        results = api.build(settings, forms, year, unit, copies, first_serial, pages,
                            pdf=not no_pdf)
    for r in results:
        serials = (f", serials {r.serials[0]}–{r.serials[-1]}" if r.serials and r.serials[0]
                   else "")
        console.print(f"[green]✓[/] {r.form}: {r.docx}" + (f"\n  {r.pdf}" if r.pdf else "")
                      + f"\n  layout {r.layout.version}{serials}")
    from rich.markup import escape

    from formkit.config import issue_notes

    for note in issue_notes(settings):
        console.print(f"[yellow]![/] {escape(note)}")


@forms_app.command("cancel")
def forms_cancel(
    first: Annotated[int, typer.Option("--from", help="First serial to cancel", min=1)],
    last: Annotated[int, typer.Option("--to", help="Last serial to cancel", min=1)],
    reason: Annotated[str, typer.Option(help="Why (in hỏng, mất, không phát …)")],
    form: Annotated[str, typer.Option("--form", "-f", help="05-02")] = "05-02",
    year: Annotated[int, typer.Option(help="Year printed on the form")] = date.today().year,
    unit: Annotated[str | None, typer.Option(help="Unit code from formkit.toml")] = None,
    workspace: WorkspaceOpt = None,
):
    """Cancel issued numbered copies (spoilt, lost, never handed out): they are never issued
    again and leave the response rate."""
    from formkit.app.forms import cancel_copies

    settings = _settings(workspace)
    rec = cancel_copies(settings, form, year, unit, first, last, reason, None)
    console.print(f"[green]✓[/] Đã hủy phiếu số {rec['first']:06d}–{rec['last']:06d} "
                  f"({form} {year} {rec['unit'] or ''}): {rec['reason']}")


@app.command()
def read(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders: PDF, PNG, JPEG, TIFF, "
                                                     "DOCX")],
    received: Annotated[str | None, typer.Option(help="Date received (dd/mm/yyyy or "
                                                      "yyyy-mm-dd); default: file date")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit code for sheets without one")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the batch report "
                                                                  "and sheets as JSON")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for overlays and crops "
                                                  "(default exports/read/<time>)")] = None,
    no_ocr: Annotated[bool, typer.Option("--no-ocr", help="Skip free-text OCR")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Store nothing")] = False,
    workspace: WorkspaceOpt = None,
    jobs: Annotated[int | None, typer.Option(help="Processes reading pages (default: one "
                                                  "per core)")] = None,
):
    """Read returned surveys (scans, PDFs, filled DOCX) and report every page."""
    from formkit.app.intake import blank_page_reason
    from formkit.cli_support import print_batch, read_with_progress

    settings = _settings(workspace)
    report = read_with_progress(settings, paths, received, unit, out, not no_ocr, dry_run,
                                console, jobs)
    if json_out:
        api.write_json(report.to_json(), json_out)
    for note in report.notes:  # what the run repaired first (batches of killed runs)
        console.print(f"[yellow]![/] {note}")
    print_batch(report, console)
    if json_out:
        console.print(f"JSON: {json_out}")
    blank_reason = blank_page_reason()
    blank = sum(1 for p in report.pages if p.outcome == "rejected" and p.reason == blank_reason)
    if blank:
        # the back sides of a two-sided scan: nothing is lost, the batch is complete
        console.print(f"Trang trắng / blank pages: {blank} (mặt sau của bản quét hai mặt?), "
                      "bỏ qua / skipped.")
    rejected = report.count("rejected") - blank
    if rejected:
        raise BatchIncomplete(say("error.batch.rejected", count=rejected))


def _mount_parts() -> None:
    """Sub-commands of the later stages live in formkit/cli_parts/."""
    from formkit.cli_parts import backup as backup_cli
    from formkit.cli_parts import evaluation
    from formkit.cli_parts import web as web_cli
    from formkit.cli_parts.doctor import doctor as doctor_cmd
    from formkit.cli_parts.records import export_register_cmd, register_app, review_app
    from formkit.cli_parts.simulate import simulate as simulate_cmd

    evaluation.register(app)
    app.command("simulate")(simulate_cmd)
    app.command("doctor")(doctor_cmd)
    web_cli.register(app)
    app.add_typer(register_app, name="register")
    app.add_typer(review_app, name="review")
    export_app = typer.Typer(no_args_is_help=True, help="Workbooks for people (Excel).")
    export_app.command("register")(export_register_cmd)
    app.add_typer(export_app, name="export")
    from formkit.cli_parts.directory import directory_app

    app.add_typer(directory_app, name="directory")
    backup_cli.register(app)
    from formkit.cli_parts import actions as actions_cli

    actions_cli.register(app)


_mount_parts()


def _exit_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl+C, so cleanup code (scratch folders, LibreOffice) runs."""
    import signal

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    try:
        signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (embedded use): keep the default
        pass


def main() -> None:
    _exit_on_sigterm()
    try:
        app()
    except FormkitError as exc:
        # escaped: a file name or command in the message may hold [brackets]
        err.print(f"[red]Lỗi / error:[/] {escape(str(exc))}")
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
