"""What a reviewer may answer for a field, and how it is shown in Vietnamese.

A corrected value is one of:
  - an option value of a single-choice field ("tot", "dat", "chua_dat", …),
  - True / False for a tick box on its own (flag),
  - text for a free-text field,
  - None: nothing was marked or written (the answer is blank),
  - REVIEW_INVALID: a person confirms the answer is not valid (e.g. two boxes really ticked,
    or handwriting nobody can read); it stays out of the statistics like an unreviewed
    invalid reading.
Labels come from the survey template; the codes above are what the database keeps.
"""

from __future__ import annotations

from typing import Any

from formkit import notes
from formkit.catalogue import say
from formkit.errors import InputError
from formkit.spec.model import Field, FormSpec
from formkit.textnorm import fold, nfc
from formkit.thresholds import T

REVIEW_INVALID = "!invalid"

BLANK_LABEL = "Để trống (không trả lời)"
INVALID_LABEL = "Không hợp lệ"
ILLEGIBLE_LABEL = "Không đọc được chữ"
NOTHING_WRITTEN_LABEL = "Không viết gì"
FLAG_LABELS = {True: "Có đánh dấu", False: "Không đánh dấu"}

#: machine statuses (scan.result.Status) as the office reads them
STATUS_LABELS = {
    "ok": "Đọc được",
    "blank": "Để trống",
    "multiple": "Đánh nhiều ô",
    "contradiction": "Mâu thuẫn với câu trả lời khác",
    "uncertain": "Không chắc chắn",
    "unreadable": "Không đọc được",
    "invalid": "Không hợp lệ (đã duyệt)",
}

def note_vn(note: str | None, spec_field: Field | None = None,
            spec: FormSpec | None = None) -> str:
    """The reader's note on a field in Vietnamese, through the catalogue (formkit.notes).
    With the field, boxes are named by their labels ("Ô chưa rõ: Tốt."), not by their
    codes; with the form, so is the question the field depends on."""
    labels = {o.value: o.label for o in spec_field.options} if spec_field else {}

    def condition(field_id: str) -> tuple[str, dict[str, str]] | None:
        f = spec.fields.get(field_id) if spec is not None else None
        return (f.label, {o.value: o.label for o in f.options}) if f is not None else None

    return notes.note_text(note, "vi", labels, condition if spec is not None else None,
                           STATUS_LABELS)


#: answer statuses that count in the statistics
VALID_STATUSES = ("ok", "blank")


def choices(kind: str, spec_field: Field | None) -> list[tuple[str, Any]]:
    """(label, value) pairs a reviewer can pick for a choice field, in the template's
    order; empty for free text."""
    if kind == "flag":
        return [(FLAG_LABELS[True], True), (FLAG_LABELS[False], False)]
    if kind == "single":
        options = [(o.label, o.value) for o in spec_field.options] if spec_field else []
        return [*options, (BLANK_LABEL, None), (INVALID_LABEL, REVIEW_INVALID)]
    return []


def normalize_value(kind: str, value: Any, spec_field: Field | None,
                    where: str = "") -> Any:
    """Check a corrected value against the field and return it in stored form."""
    prefix = f"{where}: " if where else ""
    if kind == "text":
        if value is None or value == REVIEW_INVALID:  # nothing written / illegible
            return value
        if not isinstance(value, str):
            raise InputError(say("error.review.text_needed", prefix=prefix, value=repr(value)))
        text = nfc(value)
        return text or None
    if kind == "flag":
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        raise InputError(say("error.review.tick_value", prefix=prefix, value=repr(value)))
    if value is None or value == REVIEW_INVALID:
        return value
    if not isinstance(value, str):
        raise InputError(say("error.review.option_expected", prefix=prefix, value=repr(value)))
    if spec_field is not None and spec_field.options:
        allowed = [o.value for o in spec_field.options]
        if value not in allowed:
            labels = ", ".join(f"{o.value} ({o.label})" for o in spec_field.options)
            raise InputError(
                say("error.review.not_option", prefix=prefix, value=repr(value),
                    field=spec_field.id),
                hint=say("hint.review.use_one_of", labels=labels),
            )
    return value


def value_label(kind: str, value: Any, spec_field: Field | None) -> str:
    """A stored value as the office reads it ("Tốt", "Có đánh dấu", the text itself)."""
    if value == REVIEW_INVALID:
        return ILLEGIBLE_LABEL if kind == "text" else INVALID_LABEL
    if kind == "flag":
        return FLAG_LABELS[bool(value)]
    if value is None or value == "":
        return BLANK_LABEL if kind == "single" else ""
    if kind == "single" and spec_field is not None:
        for o in spec_field.options:
            if o.value == value:
                return o.label
    return str(value)


def machine_label(kind: str, value: Any, status: str, spec_field: Field | None) -> str:
    """What the machine read, for the reviewer: "—" when it has no value to offer (several
    boxes, unreadable …), rather than a misleading "blank"."""
    if value is None and status not in VALID_STATUSES:
        return "—"
    return value_label(kind, value, spec_field)


def machine_offer(kind: str, value: Any, status: str, confidence: float) -> bool:
    """Whether the machine's reading may be offered as the answer, for a person to accept
    with one key. A tick reading needs a valid status. Text needs an OCR confidence at
    which readings were measured right ≥ 95 % of the time (T.text_prefill_confidence):
    under it the text is a hint to look at, never a value to accept."""
    if status not in VALID_STATUSES:
        return False
    if kind == "text":
        return bool(value) and confidence >= T.text_prefill_confidence
    return True


_NO_GUESS = object()


def group_reading(kind: str, value: Any, status: str,
                  evidence: dict[str, Any] | None = None) -> Any:
    """The reading a tick item is shown with, preselected, in a group grid, or NO_GUESS when
    it has none (it is then decided one at a time). A person looks at every crop of a grid,
    so an unsure reading is checked there like a sure one. Where the reader gave no value,
    its box evidence makes the guess: several boxes ticked → not valid; one box marked,
    even faintly → that box; nothing marked → blank."""
    if kind == "text":
        return NO_GUESS
    if status in VALID_STATUSES or (status == "uncertain" and value is not None):
        return value
    if status == "multiple":
        return REVIEW_INVALID if kind == "single" else NO_GUESS
    if status != "uncertain" or not evidence:
        return NO_GUESS
    boxes = [b for b in evidence.get("boxes") or [] if isinstance(b, dict)]
    marked = [b for b in boxes if b.get("state") in ("checked", "uncertain")]
    if kind == "flag":
        return bool(marked) if boxes else NO_GUESS
    if len(marked) == 1 and marked[0].get("value") is not None:
        return marked[0]["value"]
    if not marked and boxes:
        return None
    return NO_GUESS


NO_GUESS = _NO_GUESS


def trusted_machine_label(kind: str, value: Any, status: str, confidence: float,
                          spec_field: Field | None) -> str:
    """machine_label where the machine has something a person may accept, else ''."""
    if not machine_offer(kind, value, status, confidence):
        return ""
    return machine_label(kind, value, status, spec_field)


def parse_choice(kind: str, typed: str, spec_field: Field | None, where: str = "") -> Any:
    """A label, an option value or (in the terminal) a number typed by a person → value.

    Accent- and case-insensitive: "dat yeu cau", "Đạt yêu cầu" and "dat" are the same."""
    if kind == "text":
        return normalize_value(kind, typed, spec_field, where)
    wanted = fold(typed)
    if not wanted:
        if where:
            raise InputError(say("error.review.empty_at", where=where))
        raise InputError(say("error.review.empty"))
    options = choices(kind, spec_field)
    for number, (label, value) in enumerate(options, start=1):
        candidates = {fold(label), str(number)}
        if isinstance(value, str):
            candidates.add(fold(value))
        if kind == "flag":
            candidates |= {"x", "co", "yes", "1", "true"} if value else {"khong", "no", "0",
                                                                         "false"}
        if wanted in candidates:
            return value
    # "a. Một lần" may be typed without its letter
    for label, value in options:
        bare = fold(label).split(". ", 1)[-1]
        if wanted == bare:
            return value
    shown = "; ".join(f"{i}. {label}" for i, (label, _v) in enumerate(options, start=1))
    prefix = f"{where}: " if where else ""
    raise InputError(say("error.review.not_answer", prefix=prefix, value=repr(typed)),
                     hint=say("hint.review.choose_one_of", shown=shown))
