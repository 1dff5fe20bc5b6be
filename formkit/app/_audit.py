"""The audit entry a verb writes for its face (the web app names its entries web_*; the
command line has so far written none for these verbs, so it passes no name)."""

from __future__ import annotations

from typing import Any

from formkit.store import Store


def record(store: Store, action: str | None, actor: str | None, **details: Any) -> None:
    if action is None:
        return
    with store.write_session() as s:
        store.audit(s, action, actor, **details)
