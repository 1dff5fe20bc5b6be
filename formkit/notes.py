"""Page reasons and field notes as catalogue messages: how the reader's words are kept and
shown (see formkit.catalogue for the codes and their wording).

A page's reason is one `Message`. In memory it is the Message itself; in the batch JSON it
is `Message.to_json()` (code, parameters and both texts); in the database it is
`Message.dumps()` in the pages table's text column.

A field's note is several messages (the reader's doubts, one each). It travels as one text,
`FieldResult.note`: a JSON list of {code, params} (`join`), so that the sheet result JSON,
the store and the parallel readers keep carrying a plain string.

Texts stored before codes existed (English) are shown as they were stored: nothing is
translated by pattern, and nothing is hidden.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from formkit.catalogue import Message, loads, render, say

Part = Message | str | None

#: notes whose `boxes` parameter lists option values: a face with the field's options shows
#: their labels instead ("Ô chưa rõ: Tốt.")
BOX_LISTS = frozenset({"note.boxes.unclear", "note.boxes.ticked", "note.boxes.pale",
                       "note.boxes.filled", "note.boxes.other_mark", "note.boxes.stray"})
#: notes that name the question a field depends on (`condition`, a field id) and its answers
#: (`value`, `wanted`, option values) and the reading's `status`: a face with the form shows
#: the question's label and the options' labels instead
CONDITIONS = frozenset({"note.condition.contradiction", "note.condition.unsettled",
                        "note.condition.implied"})
#: the OCR's doubts about one reading: shown together after one lead-in
DOUBTS = "note.doubt."
#: notes for developers (the ink share of a text zone): kept in the JSON, not shown in
#: Vietnamese to the office
DEVELOPER_ONLY = frozenset({"note.text.ink"})

_DECODER = json.JSONDecoder()


def join(*parts: Part) -> str:
    """One field note from messages, notes joined before, or plain text (a reader that has
    no code for it yet); empty parts are left out. "" when nothing is left."""
    out: list[Message] = []
    for part in parts:
        for m in messages(part):
            out.append(m if isinstance(m, Message) else say("text", text=m))
    if not out:
        return ""
    return json.dumps([{"code": m.code, "params": m.params} for m in out],
                      ensure_ascii=False, sort_keys=True, default=str)


def messages(note: Part) -> list[Message | str]:
    """The parts of a field note: Messages, and plain texts stored before codes (split at
    "; " as they were written)."""
    if note is None or note == "":
        return []
    if isinstance(note, Message):
        return [note]
    text = str(note).strip()
    out: list[Message | str] = []
    if text.startswith("[{"):
        try:
            data, end = _DECODER.raw_decode(text)
        except ValueError:
            data, end = None, 0
        if isinstance(data, list):
            out.extend(Message(str(d.get("code", "text")), dict(d.get("params") or {}))
                       for d in data if isinstance(d, Mapping))
            text = text[end:].lstrip(" ;")
    out.extend(p.strip() for p in text.split("; ") if p.strip())
    return out


def codes(note: Part) -> list[str]:
    """The codes of a field note, in order (plain texts are "text")."""
    return [m.code if isinstance(m, Message) else "text" for m in messages(note)]


def note_text(note: Part, lang: str = "vi", labels: Mapping[str, str] | None = None,
              conditions: Callable[[str], tuple[str, Mapping[str, str]] | None] | None = None,
              statuses: Mapping[str, str] | None = None) -> str:
    """A field note for a person (vi) or a script (en), one sentence per part. With the
    field's option labels, boxes are named by their labels, not by their codes; with
    `conditions` (field id → its label and option labels) and `statuses` (status → words),
    a note about the question a field depends on names it and its answers as printed."""
    out: list[str] = []
    doubts: list[str] = []

    def flush() -> None:
        if doubts:
            out.append(render(say("note.doubts", doubts=", ".join(doubts)), lang))
            doubts.clear()

    for m in messages(note):
        if isinstance(m, str):
            flush()
            out.append(m)
            continue
        if m.code.startswith(DOUBTS):
            doubts.append(render(m, lang))
            continue
        flush()
        if lang == "vi" and m.code in DEVELOPER_ONLY:
            continue
        if labels and m.code in BOX_LISTS and isinstance(m.params.get("boxes"), str):
            names = [labels.get(v.strip(), v.strip()) for v in m.params["boxes"].split(", ")]
            m = Message(m.code, {**m.params, "boxes": ", ".join(names)})
        if m.code in CONDITIONS and conditions is not None:
            m = _condition_worded(m, conditions, statuses or {})
        out.append(render(m, lang))
    flush()
    return " ".join(t for t in out if t)


def _condition_worded(m: Message,
                      conditions: Callable[[str], tuple[str, Mapping[str, str]] | None],
                      statuses: Mapping[str, str]) -> Message:
    found = conditions(str(m.params.get("condition", "")))
    if found is None:
        return m
    label, options = found
    params = dict(m.params, condition=f"“{label}”")
    for key in ("value", "wanted"):
        if key in params:
            params[key] = options.get(str(params[key]), params[key])
    if "status" in params:
        params["status"] = statuses.get(str(params["status"]), params["status"]).lower()
    return Message(m.code, params)


def reason(value: Any) -> Message | str | None:
    """A page reason from any of its forms: a Message, its JSON (`to_json`, from a batch
    report), its stored text (`dumps`), or plain text stored before codes."""
    if value is None or value == "":
        return None
    if isinstance(value, Message):
        return value
    if isinstance(value, Mapping):
        if "code" in value:
            return Message(str(value["code"]), dict(value.get("params") or {}))
        return None
    return loads(str(value))


def reason_text(value: Any, lang: str = "vi") -> str:
    """A page reason for a person (vi) or a script (en)."""
    return render(reason(value), lang)


def reason_json(value: Any) -> dict[str, Any] | str:
    """A page reason for the batch JSON: code, parameters and both texts ("" for none)."""
    r = reason(value)
    if r is None:
        return ""
    return r.to_json() if isinstance(r, Message) else say("text", text=r).to_json()


def reason_stored(value: Any) -> str:
    """A page reason for the database's text column (`Message.dumps`, "" for none)."""
    r = reason(value)
    if r is None:
        return ""
    return r.dumps() if isinstance(r, Message) else r
