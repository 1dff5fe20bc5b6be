"""One store session per verb: opened here unless the caller lends one (the web app keeps a
store per request), closed here only if opened here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from formkit.config import Settings
from formkit.store import Store, open_store


@contextmanager
def session(settings: Settings, store: Store | None = None) -> Iterator[Store]:
    if store is not None:
        yield store
        return
    own = open_store(settings)
    try:
        yield own
    finally:
        own.close()
