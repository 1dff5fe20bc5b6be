"""Command-line part: `formkit actions …`, corrective actions under QT.SCT.04 and the survey
answers that ask for handling (formkit.store.actions, formkit.store.register_surveys.survey_alerts).

Wired into formkit/cli.py by:  actions_cli.register(app)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from formkit.app.actions import open_store
from formkit.catalogue import say
from formkit.config import load_settings
from formkit.errors import InputError

console = Console()
actions_app = typer.Typer(no_args_is_help=True,
                          help="Corrective actions (QT.SCT.04) and survey answers to handle.")
WorkspaceOpt = Annotated[Path | None, typer.Option("--workspace", "-w",
                                                   help="Folder with formkit.toml")]


@actions_app.command("sync")
def actions_sync(
    year: Annotated[int, typer.Option(help="Survey year")] = date.today().year,
    workspace: WorkspaceOpt = None,
) -> None:
    """Add a register entry (source khảo sát) for each survey answering “Có” to harassment
    or “Chưa đạt yêu cầu” with a comment; running it again adds nothing."""
    from formkit.app.actions import survey_alerts

    with open_store(load_settings(workspace)) as store:
        added, already = survey_alerts(store, year)
    console.print(f"[green]✓[/] {added} entr(y/ies) added to the register, {already} already "
                  "there.")


@actions_app.command("open")
def actions_open(
    action: Annotated[str, typer.Option(help="What will be done (Biện pháp khắc phục)")],
    owner: Annotated[str, typer.Option(help="Who does it (Người/đơn vị thực hiện)")],
    due: Annotated[str, typer.Option(help="Due date dd/mm/yyyy (Thời hạn)")],
    entry: Annotated[int | None, typer.Option(help="From register entry #")] = None,
    criterion: Annotated[str | None, typer.Option(
        help="From a survey criterion, e.g. c4.dung_thoi_han")] = None,
    cause: Annotated[str, typer.Option(help="Cause found (Nguyên nhân)")] = "",
    problem: Annotated[str, typer.Option(help="The problem (default: the entry's content "
                                              "or the criterion)")] = "",
    unit: Annotated[str | None, typer.Option(help="Unit code")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Open a corrective action from a register entry or a criterion under its threshold."""
    from formkit.app.actions import open_action

    with open_store(load_settings(workspace)) as store:
        a = open_action(store, action=action, owner=owner, due_on=due, entry_id=entry,
                        criterion=criterion, cause=cause, problem=problem, unit=unit)
    console.print(f"[green]✓[/] Corrective action #{a.id} opened, due {a.due_on:%d/%m/%Y}.")


@actions_app.command("close")
def actions_close(
    action_id: Annotated[int, typer.Argument(help="Action number (#)")],
    verification: Annotated[str, typer.Option(help="What was checked (Kiểm tra hiệu lực)")],
    effective: Annotated[bool, typer.Option("--effective/--not-effective",
                                            help="Did the problem stop?")],
    on: Annotated[str | None, typer.Option("--on", help="Day closed, dd/mm/yyyy")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Close an action with the verification of its effect."""
    from formkit.app.actions import close_action

    with open_store(load_settings(workspace)) as store:
        a = close_action(store, action_id, verification, effective, closed_on=on)
    console.print(f"[green]✓[/] Corrective action #{a.id} closed on {a.closed_on:%d/%m/%Y}.")


@actions_app.command("list")
def actions_list(
    year: Annotated[int | None, typer.Option(help="Year opened")] = None,
    status: Annotated[str | None, typer.Option(help="open or closed")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """List corrective actions, with those past their due date marked."""
    from formkit.app.actions import list_actions, status_label

    with open_store(load_settings(workspace)) as store:
        actions = list_actions(store, year=year, status=status)
    if not actions:
        raise InputError(say("error.actions.none"), hint=say("hint.actions.open"))
    table = Table()
    for header in ("#", "Mở", "Nguồn", "Biện pháp", "Người thực hiện", "Hạn", "Tình trạng"):
        table.add_column(header, overflow="fold")
    today = date.today()
    for a in actions:
        origin = f"Sổ #{a.entry_id}" if a.entry_id is not None else a.criterion or ""
        state = status_label(a.status) + (" (quá hạn)" if a.overdue(today) else "")
        table.add_row(str(a.id), f"{a.opened_on:%d/%m/%Y}", origin, a.action, a.owner,
                      f"{a.due_on:%d/%m/%Y}", state)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(actions_app, name="actions")
