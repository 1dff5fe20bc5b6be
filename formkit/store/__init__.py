"""The records of formkit: read sheets, the review queue, survey responses of every
channel and the register BM.QT.SCT.05-01, in one SQLAlchemy database (SQLite by default).

    from formkit.store import open_store
    with open_store(settings) as store:
        batch_id = store.save_batch(report, sheets)
        records = store.responses(2025)

Register functions (add, list, import, classify, survey comments) are in
formkit.store.register; review values and labels in formkit.store.review.
"""

from formkit.store.core import PAPER_CHANNEL, Store, open_store
from formkit.store.migrations import SCHEMA_VERSION
from formkit.store.review import REVIEW_INVALID
from formkit.store.rows import BatchSummary, RegisterRecord, ReviewRecord, StoredSheet

__all__ = [
    "PAPER_CHANNEL", "REVIEW_INVALID", "SCHEMA_VERSION", "BatchSummary", "RegisterRecord",
    "ReviewRecord", "Store", "StoredSheet", "open_store",
]
