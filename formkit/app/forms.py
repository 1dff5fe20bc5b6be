"""Form verbs: numbered copies handed out, and ranges of them cancelled (spoilt in print,
lost, never handed out). Building itself is formkit.api.build (formkit.render.build)."""

from __future__ import annotations

from formkit.app import _audit
from formkit.app._session import session
from formkit.config import Settings
from formkit.render.build import cancel_serials, cancelled_serials, issued_serials
from formkit.store import Store

__all__ = ["cancel_copies", "cancelled_serials", "issued_serials"]


def cancel_copies(settings: Settings, form: str, year: int, unit: str | None, first: int,
                  last: int, reason: str, actor: str | None, *,
                  audit_as: str | None = "serials_cancelled",
                  store: Store | None = None) -> dict:
    """Cancel serials first..last of an issued numbered batch: recorded in the issued-serials
    ledger (never issued again, left out of the response rate) and in the audit log."""
    code = settings.unit(unit).code if unit else ""
    rec = cancel_serials(settings, form, year, code, first, last, reason, actor)
    with session(settings, store) as st:
        _audit.record(st, audit_as, actor, form=form, year=year, unit=code, first=first,
                      last=last, reason=rec["reason"])
    return rec
