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

from formkit.errors import InputError
from formkit.spec.model import Field
from formkit.textnorm import fold, nfc, reword, wording
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

# the reader's notes on a field (formkit.scan.boxes / decide), part by part
_NOTES = wording([
    (r"^page too noisy to be sure no pale mark is there$",
     "Trang nhiều vết nhiễu: không chắc là ô không có dấu bút chì mờ."),
    (r"^(\d+) other answers on this page are pale traces.*$",
     r"\1 câu khác trên trang này chỉ có vết mờ: ô này có thể có dấu quá mờ."),
    (r"^the only mark is a filled box.*$",
     "Dấu duy nhất là một ô tô kín: người trả lời hủy, hay tô ô để chọn?"),
    (r"^answered, but (\S+) \(asked only if (\S+)\) is (\w+).*$",
     r"Có trả lời, nhưng câu \1 (chỉ hỏi khi \2) chưa đọc rõ: kiểm tra cả hai câu."),
    (r"^answered although (\S+) = (\S+) \(asked only if (\S+)\)$",
     r"Có trả lời dù câu \1 = \2 (chỉ hỏi khi \3)."),
    (r"^answered while (\S+) is blank.*$", r"Có trả lời dù câu \1 để trống."),
    (r"^unclear box: (.*)$", r"Ô chưa rõ: \1."),
    (r"^ticked: (.*)$", r"Ô được đánh dấu: \1."),
    (r"^pale trace in (.*)$", r"Vết mờ ở ô: \1."),
    (r"^cancelled by filling: (.*)$", r"Ô tô kín (coi là hủy): \1."),
    (r"^answer circled$", "Ô trả lời được khoanh tròn."),
    (r"^mark outside the boxes by (\S+) .*$",
     r"Có nét vẽ ngoài ô, cạnh lựa chọn \1 (khoanh tròn, đánh dấu bên cạnh hay gạch chân?)."),
    (r"^ink in the question outside its boxes.*$",
     "Có nét vẽ trong câu hỏi nhưng ngoài các ô, không rõ chọn ô nào."),
    (r"^another mark outside the boxes by (.*)$",
     r"Ngoài ô đã đánh dấu còn có nét vẽ cạnh lựa chọn \1."),
    (r"^the box is neither clearly ticked nor empty$",
     "Ô không rõ là có đánh dấu hay để trống."),
    # free text (formkit.scan.text); the bare ink share is for developers, not shown
    (r"^ink [\d.]+$", ""),
    (r"^ink [\d.]+: marks but no text$", "Có vài nét nhưng không có chữ."),
    (r"^ink [\d.]+ but no text recognised$", "Có chữ viết nhưng máy không nhận ra chữ nào."),
    (r"^the zone lies outside the scan$", "Vùng viết nằm ngoài ảnh quét."),
    (r"^text not read \(OCR disabled\)$", "Chưa đọc chữ viết (đã tắt OCR)."),
    (r"^page missing from the batch$", "Thiếu trang này trong lô quét."),
    (r"^not measured$", "Chưa đo được."),
])

# the OCR's doubts about a reading, "reason ×count, …" (formkit.scan.text._assess)
_TEXT_DOUBTS = wording([
    (r"^not a Vietnamese letter ×(\d+)$", r"\1 từ có ký tự không phải chữ Việt"),
    (r"^not a syllable ×(\d+)$", r"\1 từ không phải âm tiết tiếng Việt"),
    (r"^symbol ×(\d+)$", r"\1 ký hiệu lạ"),
    (r"^unsure word ×(\d+)$", r"\1 từ máy đọc không chắc"),
    (r"^mixed case ×(\d+)$", r"\1 từ lẫn chữ hoa và chữ thường"),
    (r"^capitals inside lower-case text ×(\d+)$", r"\1 từ viết hoa giữa câu chữ thường"),
    (r"^fragment ×(\d+)$", r"\1 mảnh từ bị tách rời"),
    (r"^letters and digits mixed ×(\d+)$", r"\1 từ lẫn chữ và số"),
    (r"^(\d+) characters for (\d+) mm of writing$",
     r"chỉ \1 ký tự cho \2 mm chữ viết (có thể sót chữ)"),
])


def _text_doubts_vn(part: str) -> str | None:
    """"not a syllable ×2, symbol ×1" in Vietnamese, or None when it is not such a list."""
    out = [reword(item, _TEXT_DOUBTS) for item in part.split(", ")]
    if None in out:
        return None
    return "Máy đọc chữ không chắc: " + ", ".join(out) + "."


# notes that name boxes by their option value ("unclear box: tot, dat")
_BOX_LISTS = ("unclear box: ", "ticked: ", "pale trace in ", "cancelled by filling: ")


def note_vn(note: str | None, spec_field: Field | None = None) -> str:
    """The reader's note on a field in Vietnamese, part by part ('; ' between parts);
    unknown parts are kept as they are. With the field, boxes are named by their labels
    ("Ô chưa rõ: Tốt."), not by their codes."""
    labels = {o.value: o.label for o in spec_field.options} if spec_field else {}
    out = []
    for part in (note or "").split("; "):
        part = part.strip()
        if not part:
            continue
        for head in _BOX_LISTS:
            if labels and part.startswith(head):
                names = part[len(head):].split(", ")
                part = head + ", ".join(labels.get(n.strip(), n) for n in names)
        worded = reword(part, _NOTES)
        part = (_text_doubts_vn(part) or part) if worded is None else worded
        if part:
            out.append(part)
    return " ".join(out)


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
            raise InputError(f"{prefix}a text field needs text, got {value!r}.")
        text = nfc(value)
        return text or None
    if kind == "flag":
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        raise InputError(f"{prefix}a tick box is either ticked (True) or not (False), "
                         f"got {value!r}.")
    if value is None or value == REVIEW_INVALID:
        return value
    if not isinstance(value, str):
        raise InputError(f"{prefix}expected an option value, got {value!r}.")
    if spec_field is not None and spec_field.options:
        allowed = [o.value for o in spec_field.options]
        if value not in allowed:
            labels = ", ".join(f"{o.value} ({o.label})" for o in spec_field.options)
            raise InputError(
                f"{prefix}{value!r} is not an option of {spec_field.id}.",
                hint=f"Use one of: {labels}; or leave it blank.",
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
        raise InputError(f"{where}: empty answer." if where else "Empty answer.")
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
    raise InputError(f"{prefix}{typed!r} is not one of the answers for this field.",
                     hint=f"Choose one of: {shown}.")
