"""The store a face holds open for its lifetime (the web app: one per process) and lends to
the verbs (`store=`), so a request does not open the database again."""

from formkit.store import Store, open_store

__all__ = ["Store", "open_store"]
