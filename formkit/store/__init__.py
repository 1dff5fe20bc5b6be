"""The records of formkit: read sheets, the review queue, survey responses of every
channel and the register BM.QT.SCT.05-01, in one SQLAlchemy database (SQLite by default).

    from formkit.store import open_store
    with open_store(settings) as store:
        batch_id = store.save_batch(report, sheets)
        records = store.responses(2025)

The Store (formkit.store.core) is made of parts by concern: sessions and the audit line
(base), batches and sheets (sheets), responses (responses), the review queue (queue) and
retention (retention). Register entries are in formkit.store.register (its import in
register_import, its groups in register_groups, survey answers in register_surveys);
spreadsheet files in spreadsheets; corrective actions in actions; web accounts and the audit
log's page in accounts; review values and labels in formkit.store.review. The store imports
no stage: what it needs computed (the opinion groups) the application layer hands in.
"""

from formkit.store.core import PAPER_CHANNEL, Store, open_store
from formkit.store.migrations import SCHEMA_VERSION
from formkit.store.review import REVIEW_INVALID
from formkit.store.rows import BatchSummary, RegisterRecord, ReviewRecord, StoredSheet

__all__ = [
    "PAPER_CHANNEL", "REVIEW_INVALID", "SCHEMA_VERSION", "BatchSummary", "RegisterRecord",
    "ReviewRecord", "Store", "StoredSheet", "open_store",
]
