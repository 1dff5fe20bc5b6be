"""The store a face holds open for its lifetime (the web app: one per process; a review
sitting in the terminal) and lends to the verbs (`store=`), so a request does not open the
database again; and who is at the keyboard when no one logged in."""

from formkit.store import Store, open_store
from formkit.store.core import current_user

__all__ = ["Store", "current_user", "open_store"]
