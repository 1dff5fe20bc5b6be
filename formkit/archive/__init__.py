"""Sealed yearly archive: manifest of SHA-256 sums, verification, retention and disposal."""

from formkit.archive.manifest import (
    CATEGORIES,
    VerifyReport,
    archive_dir,
    dispose_from,
    retain_until,
    seal,
    verify,
)
from formkit.archive.retention import DisposalResult, RetentionEntry, dispose, retention_status

__all__ = [
    "CATEGORIES", "DisposalResult", "RetentionEntry", "VerifyReport", "archive_dir",
    "dispose", "dispose_from", "retain_until", "retention_status", "seal", "verify",
]
