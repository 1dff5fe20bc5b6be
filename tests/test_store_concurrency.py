"""A batch being stored while the web app edits the same database (review decisions and
register entries), on SQLite and PostgreSQL: every row of both ends up stored."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from formkit.config import load_settings
from formkit.store import open_store

from . import register_kit as reg
from .records_helpers import make_sheet, report_for

SHEETS = 60
EDITS = 60


def _save_batch(ws: str, barrier) -> None:
    sheets = [make_sheet(100 + i, review={"c1.lang_nghe_y_kien": (None, "multiple", 0.3)},
                         scan_file=f"batch-{i}.png") for i in range(SHEETS)]
    with open_store(load_settings(Path(ws))) as store:
        barrier.wait(60)
        store.save_batch(report_for(sheets), sheets)


def _edit(ws: str, barrier) -> None:
    with open_store(load_settings(Path(ws))) as store:
        items = store.review_queue()
        barrier.wait(60)
        for i in range(EDITS):
            reg.add_entry(store, entry_date="05/05/2025", customer=f"Khách web {i}",
                          content=f"Ý kiến nhập trên web số {i}", actor="lan")
            if i < len(items):
                store.apply_review(items[i].id, "dat", "lan")


def test_a_batch_saved_while_the_web_app_edits_loses_no_row(workspace):
    first = [make_sheet(i, review={"c1.lang_nghe_y_kien": (None, "multiple", 0.3)})
             for i in range(1, 11)]
    with open_store(workspace) as store:
        store.save_batch(report_for(first), first)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=f, args=(str(workspace.workspace), barrier))
             for f in (_save_batch, _edit)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    assert [p.exitcode for p in procs] == [0, 0]
    with open_store(workspace) as store:
        assert len(store.sheets()) == 10 + SHEETS
        assert len(reg.list_entries(store)) == EDITS
        queue = store.review_queue(pending_only=False)
        assert len(queue) == 10 + SHEETS
        assert sum(1 for q in queue if q.status == "done") == 10


def test_the_web_app_adding_entries_while_a_batch_is_stored_loses_no_row(workspace):
    """The web app's own requests (register entries typed in the browser) against a
    `formkit read` storing its batch in another process."""
    from formkit.web import create_app, users

    from .web_helpers import PASSWORDS, Web, close_web, tokens

    with open_store(workspace) as store:
        users.ensure_tables(store)
        users.create_user(store, "staff", PASSWORDS["staff"], "staff", full_name="Người staff",
                          actor="test")
    app = create_app(workspace)
    app.config["TESTING"] = True
    web = Web(workspace, app, app.extensions["formkit"].store)
    try:
        c = web.client("staff")
        ctx = multiprocessing.get_context("spawn")
        barrier = ctx.Barrier(2)
        batch = ctx.Process(target=_save_batch, args=(str(workspace.workspace), barrier))
        batch.start()
        barrier.wait(60)
        for i in range(EDITS // 2):
            data = {**tokens(c, "/so-ghi-nhan/them"), "date": "05/03/2026",
                    "customer": f"Khách web {i}", "content": f"Phản ánh số {i}",
                    "receiver": "Lan", "unit": "", "source": "khieu_nai", "confirmation": "",
                    "status": "pending", "group": "", "next": "list"}
            assert c.post("/so-ghi-nhan/them", data=data).status_code == 302
        batch.join(180)
        assert batch.exitcode == 0
        assert len(reg.list_entries(web.store)) == EDITS // 2
        assert len(web.store.sheets()) == SHEETS
    finally:
        close_web(web)
