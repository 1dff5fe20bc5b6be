"""Optimistic concurrency for the edit forms: no lost updates.

A form carries, in a hidden `version` field, a short fingerprint of every field it shows
as it was when the page was made ("status:1a2b…;group:9f8e…"). On save:
  - a field whose value in the database no longer matches its fingerprint was changed by
    someone else since: the save is refused and the message names those fields (with their
    value now), nothing is written;
  - a field whose submitted value matches its fingerprint was not touched by this person:
    it is not written (only the fields the person changed are).
Fingerprints, not values, so a 5,000-character text does not travel twice; the check and
the write happen under one lock of the app (waitress runs one process).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any


def _fp(value: Any) -> str:
    text = "" if value is None else str(value)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def make_version(values: Mapping[str, Any]) -> str:
    """The hidden `version` value of a form showing these fields."""
    return ";".join(f"{k}:{_fp(v)}" for k, v in values.items())


def parse_version(text: str | None) -> dict[str, str] | None:
    """Field → fingerprint; None when missing or malformed (a page from before this check,
    or a forged form: treated as stale)."""
    if not text or len(text) > 4000:
        return None
    out: dict[str, str] = {}
    for part in text.split(";"):
        key, sep, fp = part.partition(":")
        if not sep or not key or len(fp) != 16:
            return None
        out[key] = fp
    return out


def changed_since(version: Mapping[str, str], current: Mapping[str, Any]) -> list[str]:
    """Fields whose stored value differs from what the form was made from."""
    return [k for k, v in current.items() if k not in version or version[k] != _fp(v)]


def edited(version: Mapping[str, str], submitted: Mapping[str, Any]) -> list[str]:
    """Fields the person changed on the form (submitted value ≠ the value shown)."""
    return [k for k, v in submitted.items() if k not in version or version[k] != _fp(v)]
