"""Fingerprints of pages read without a serial (the department's own form, issue 19), kept so
that a re-scan of the same paper in a later batch is found too. Each row is one read page:
the batch that stored it, where it was (file and page, as a person would look for it) and
the ink of its answers (formkit.scan.legacy_fingerprint.Fingerprint.to_json)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, Table, Text, insert, select
from sqlalchemy.engine import Connection

from formkit.store.models import LegacyFingerprint

FINGERPRINTS = LegacyFingerprint.__table__


def create_table(conn: Connection) -> None:
    """The table as migration 6 made it (kept here, apart from the models, as every
    migration spells out its own tables)."""
    md = MetaData()
    Table("batches", md, Column("id", Integer, primary_key=True))  # exists
    Table("legacy_fingerprints", md,
          Column("id", Integer, primary_key=True),
          Column("batch_id", Integer, ForeignKey("batches.id", ondelete="CASCADE"),
                 index=True),
          Column("page_label", Text),
          Column("fingerprint", Text),
          Column("created", DateTime))
    md.create_all(conn)


def save(store, batch_id: int, items: list[tuple[str, str]]) -> None:
    """Keep the fingerprints (JSON, page label) of a stored batch's pages."""
    if not items:
        return
    now = datetime.now().replace(microsecond=0)
    with store.engine.begin() as conn:
        conn.execute(insert(FINGERPRINTS), [
            {"batch_id": batch_id, "page_label": label, "fingerprint": fp, "created": now}
            for fp, label in items])


def known(store) -> list[tuple[str, str]]:
    """(fingerprint JSON, "lô N: file trang P") of every page kept by earlier batches."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(FINGERPRINTS.c.fingerprint, FINGERPRINTS.c.batch_id,
                                   FINGERPRINTS.c.page_label).order_by(FINGERPRINTS.c.id))
        return [(fp, f"lô {batch}: {label}") for fp, batch, label in rows]
