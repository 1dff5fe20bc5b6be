"""Cancelling issued numbered copies: recorded, never issued again, out of the count."""

from __future__ import annotations

import json

import pytest

from formkit import api
from formkit.app.forms import cancel_copies
from formkit.errors import InputError
from formkit.render.build import issued_serials, next_serial


def _issue(settings, first: int, last: int) -> None:
    path = settings.exports_dir / "forms" / "issued_serials.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"form": "05-02", "year": 2026, "unit": "QLCN", "first": first,
                             "last": last, "count": last - first + 1}) + "\n")


@pytest.fixture
def settings(tmp_path):
    api.init_workspace(tmp_path / "ws")
    return api.load_settings(tmp_path / "ws")


def test_a_cancelled_range_leaves_the_count_and_is_never_issued_again(settings):
    _issue(settings, 1, 20)
    cancel_copies(settings, "05-02", 2026, "QLCN", 15, 20, "in hỏng", "iso1")
    batches = issued_serials(settings, "05-02", 2026, "QLCN")
    assert sum(b["count"] for b in batches) == 14
    assert next_serial(settings, "05-02", 2026, "QLCN") == 21


def test_serials_never_issued_or_already_cancelled_are_refused_and_nothing_changes(settings):
    _issue(settings, 1, 10)
    ledger = settings.exports_dir / "forms" / "issued_serials.jsonl"
    with pytest.raises(InputError, match="chưa từng được phát"):
        cancel_copies(settings, "05-02", 2026, "QLCN", 8, 12, "mất", None)
    cancel_copies(settings, "05-02", 2026, "QLCN", 9, 10, "mất", None)
    before = ledger.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="đã bị hủy"):
        cancel_copies(settings, "05-02", 2026, "QLCN", 10, 10, "mất", None)
    with pytest.raises(InputError, match="lý do"):
        cancel_copies(settings, "05-02", 2026, "QLCN", 1, 1, "  ", None)
    assert ledger.read_text(encoding="utf-8") == before


def test_the_cancellation_is_in_the_audit_log_with_its_reason(settings):
    from formkit.store import open_store

    _issue(settings, 1, 5)
    cancel_copies(settings, "05-02", 2026, "QLCN", 2, 3, "không phát", "iso1")
    with open_store(settings) as st:
        entries = [a for a in st.audit_log() if a["action"] == "serials_cancelled"]
    assert entries and entries[0]["actor"] == "iso1"
    assert entries[0]["details"]["reason"] == "không phát"
