"""Tamper evidence for sealed archives.

Every manifest entry is chained (each link is the SHA-256 of the previous link and the
entry), the head of the chain and the retention dates are signed with an HMAC whose key
lives in the workspace (`.formkit/archive.key`), outside every archive folder, and a copy
of the sealed manifest is kept beside the key (`.formkit/seals/<year>.json`) and its head
in the database's audit log. Editing a file together with its hash, replacing a file with
size and hash updated, deleting a file with its entry or changing the retention dates
breaks the signature, and the sealed copy says exactly which entry changed. A disposal
record is signed the same way, so a forged disposal.json is told apart from a real one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from formkit import fsutil
from formkit.config import Settings
from formkit.errors import FormkitError

KEY_FILE = "archive.key"
SIGNATURE = "signature"  # field of a signed document holding its HMAC
CHAIN_START = "0" * 64

log = logging.getLogger(__name__)


def state_dir(settings: Settings) -> Path:
    return Path(settings.workspace) / ".formkit"


def key_path(settings: Settings) -> Path:
    return state_dir(settings) / KEY_FILE


def load_key(settings: Settings, create: bool = False) -> bytes | None:
    path = key_path(settings)
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        if not create:
            return None
    except ValueError:
        return None  # a damaged key signs nothing; verify reports it
    key = secrets.token_bytes(32)
    fsutil.write_text(path, key.hex() + "\n", what="archive key")
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
    return key


def canonical(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chain(entries: list[dict[str, Any]]) -> list[str]:
    """The link of every entry (the last one is the head)."""
    links, prev = [], CHAIN_START
    for e in entries:
        body = {k: v for k, v in e.items() if k != "chain"}
        prev = hashlib.sha256(prev.encode() + canonical(body)).hexdigest()
        links.append(prev)
    return links


def sign(doc: dict[str, Any], key: bytes) -> str:
    body = {k: v for k, v in doc.items() if k != SIGNATURE}
    return hmac.new(key, canonical(body), hashlib.sha256).hexdigest()


def signature_ok(doc: dict[str, Any], key: bytes | None) -> bool | None:
    """True/False, or None when there is no key to check with."""
    if key is None:
        return None
    given = doc.get(SIGNATURE)
    return isinstance(given, str) and hmac.compare_digest(given, sign(doc, key))


def seal_copy_path(settings: Settings, year: int) -> Path:
    return state_dir(settings) / "seals" / f"{year}.json"


def save_seal_copy(settings: Settings, year: int, manifest: dict[str, Any]) -> None:
    fsutil.write_json(seal_copy_path(settings, year), manifest, what="sealed manifest copy",
                      indent=None)


def load_seal_copy(settings: Settings, year: int) -> dict[str, Any] | None:
    try:
        return json.loads(seal_copy_path(settings, year).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def record_in_audit(settings: Settings, action: str, **details: Any) -> bool:
    """The chain head in the database's audit log (best effort: an archive can be sealed
    with --no-store; the key and the sealed copy still protect it)."""
    try:
        from formkit.store import open_store

        with open_store(settings) as st, st.write_session() as s:
            st.audit(s, action, None, **details)
        return True
    except FormkitError as exc:  # the database is optional here (open_store words its errors)
        log.warning("archive %s not recorded in the audit log: %s", action, exc.text("en"))
        return False


def audited_heads(settings: Settings, year: int) -> list[str]:
    """Chain heads the audit log recorded for `year` at sealing, oldest first."""
    try:
        from sqlalchemy import select

        from formkit.store import open_store
        from formkit.store.models import AuditLog

        with open_store(settings) as st, st.read_session() as s:
            rows = s.scalars(select(AuditLog.details).where(AuditLog.action == "archive_sealed")
                             .order_by(AuditLog.id)).all()
    except FormkitError as exc:  # no database: the seal copy and the key still check it
        log.warning("audit log not read for the archive of %s: %s", year, exc.text("en"))
        return []
    heads = []
    for text in rows:
        try:
            d = json.loads(text)
        except ValueError:
            continue
        if d.get("year") == year and d.get("head"):
            heads.append(d["head"])
    return heads


def diff_entries(sealed: list[dict[str, Any]], now: list[dict[str, Any]]) -> list[str]:
    """What changed in the manifest's file list since sealing, entry by entry."""
    a = {e["path"]: e for e in sealed}
    b = {e["path"]: e for e in now}
    out = []
    for path in sorted(a.keys() - b.keys()):
        out.append(f"{path}: entry removed from manifest.json (file deleted with its entry?)")
    for path in sorted(b.keys() - a.keys()):
        out.append(f"{path}: entry added to manifest.json after sealing")
    for path in sorted(a.keys() & b.keys()):
        changed = [k for k in ("size", "sha256", "category", "personal")
                   if a[path].get(k) != b[path].get(k)]
        if changed:
            out.append(f"{path}: {', '.join(changed)} changed in manifest.json since sealing "
                       f"(sealed sha256 {a[path].get('sha256', '')[:12]}…)")
    return out
