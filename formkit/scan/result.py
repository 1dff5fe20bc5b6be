"""Results of reading returned forms: the contract between the scan stage, the store,
the review step and the exports (documented in the README, "Sheet result JSON").

Field statuses:
  ok            a value was read with enough confidence
  blank         nothing marked / written
  multiple      several options of a single-choice field are marked
  contradiction the answer conflicts with another (c2.muc_do ticked while c2.phien_ha = khong)
  uncertain     evidence is ambiguous; a person must decide
  unreadable    the field could not be measured (e.g. outside the scanned area)
Box states: checked, empty, filled (completely filled = cancelled), uncertain.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    OK = "ok"
    BLANK = "blank"
    MULTIPLE = "multiple"
    CONTRADICTION = "contradiction"
    UNCERTAIN = "uncertain"
    UNREADABLE = "unreadable"


class BoxState(StrEnum):
    CHECKED = "checked"
    EMPTY = "empty"
    FILLED = "filled"
    UNCERTAIN = "uncertain"


#: statuses that send a field to the review queue (besides low confidence)
REVIEW_STATUSES = {Status.MULTIPLE, Status.CONTRADICTION, Status.UNCERTAIN, Status.UNREADABLE}


@dataclass
class BoxEvidence:
    value: str  # option value ("x" for a flag)
    state: BoxState
    fill: float  # share of dark pixels in the box interior, 0..1
    score: float  # mark strength after removing the printed border and stray lines, 0..1
    confidence: float
    circled: bool = False  # a ring of ink around an otherwise empty box
    faint: bool = False  # uncertain only because of a pale trace (pencil? residue?)
    # darkness of the mark's darkest part (share of the print's black; 1.0 when not measured)
    peak: float = 1.0

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("peak")  # a measurement behind the state, not part of the reading
        d["state"] = str(self.state)
        for flag in ("circled", "faint"):
            if not d[flag]:
                d.pop(flag)
        return d


@dataclass
class FieldResult:
    field: str
    kind: str  # single, flag, text
    value: Any  # option value, True/False for a flag, text for a text field, None
    status: Status
    confidence: float
    boxes: list[BoxEvidence] = field(default_factory=list)
    text_confidence: float | None = None  # OCR mean word confidence 0..1, text fields
    crop: str | None = None  # path of the crop image (relative to the batch folder)
    page: int = 0
    source: str = "scan"  # scan, docx, pdf, review
    note: str = ""  # the reader's doubts: catalogue messages (formkit.notes.join)

    @property
    def needs_review(self) -> bool:
        from formkit.thresholds import T

        return self.status in REVIEW_STATUSES or self.confidence < T.review_confidence

    def to_json(self) -> dict[str, Any]:
        d = {
            "field": self.field, "kind": self.kind, "value": self.value,
            "status": str(self.status), "confidence": round(self.confidence, 3),
            "needs_review": self.needs_review, "page": self.page, "source": self.source,
        }
        if self.boxes:
            d["boxes"] = [b.to_json() for b in self.boxes]
        if self.text_confidence is not None:
            d["text_confidence"] = round(self.text_confidence, 3)
        if self.crop:
            d["crop"] = self.crop
        if self.note:
            d["note"] = self.note
        return d


@dataclass
class PageSource:
    file: str  # path of the input file as given
    page: int  # 1-based page (or frame) index inside that file
    form_page: int  # page number of the form (from the QR)
    sha256: str  # of the decoded page image, for duplicate detection
    rotation: int = 0  # degrees the scan was turned to read it
    overlay: str | None = None  # overlay PNG path
    quality: float = 1.0  # registration quality 0..1


@dataclass
class SheetResult:
    form: str
    layout: str
    year: int
    unit: str
    serial: int
    received: str | None  # ISO date
    pages: list[PageSource] = field(default_factory=list)
    fields: dict[str, FieldResult] = field(default_factory=dict)
    complete: bool = True  # all pages of the copy were read

    @property
    def sheet_key(self) -> str:
        return f"{self.form}/{self.year}/{self.unit or '-'}/{self.serial}/{self.layout}"

    @property
    def review_fields(self) -> list[FieldResult]:
        return [f for f in self.fields.values() if f.needs_review]

    def answers(self) -> dict[str, Any]:
        """field id → value, only for fields whose status is ok or blank."""
        return {k: f.value for k, f in self.fields.items()
                if f.status in (Status.OK, Status.BLANK)}

    def to_json(self) -> dict[str, Any]:
        return {
            "form": self.form, "layout": self.layout, "year": self.year, "unit": self.unit,
            "serial": self.serial, "received": self.received, "complete": self.complete,
            "pages": [asdict(p) for p in self.pages],
            "fields": {k: f.to_json() for k, f in self.fields.items()},
            "review_count": len(self.review_fields),
        }
