"""Vietnamese labels of the web pages: page outcomes, job states, and the catalogue's wording
of page reasons and errors (formkit.catalogue; nothing is translated from English here).
Presentation only: a text stored before codes existed is shown as it is, so nothing is
hidden from the office."""

from __future__ import annotations

from typing import Any

from formkit import notes
from formkit.catalogue import say
from formkit.errors import FormkitError

OUTCOMES = {o: say(f"page.outcome.{o}").vi() for o in ("read", "duplicate", "rejected")}
JOB_STATES = {"queued": "Đang chờ", "running": "Đang đọc", "finished": "Đã xong",
              "failed": "Lỗi", "interrupted": "Bị gián đoạn"}


def reason_vn(reason: Any) -> str:
    """A page's reason in Vietnamese: a code from a batch report or the database, through
    the catalogue; a text stored before codes, as it is."""
    return notes.reason_text(reason, "vi").strip()


def error_vn(exc: BaseException) -> str:
    """An error for the office: a formkit error's message and what to do, in Vietnamese from
    the catalogue; any other exception as it says itself."""
    if isinstance(exc, FormkitError):
        message, hint = exc.message, exc.hint
    else:
        message, hint = str(exc), ""
    return f"{message} {('→ ' + hint) if hint else ''}".strip()
