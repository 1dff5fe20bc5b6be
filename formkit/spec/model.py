"""The form model. A survey is a sequence of elements (title, paragraphs, questions, tick-box
grids, choices, free-text zones); fields and their boxes are derived from it, in print order.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class FieldKind(StrEnum):
    SINGLE = "single"  # exactly one option of several (a grid row, a choice)
    FLAG = "flag"  # one tick box on its own; several flags may be ticked (multi-select)
    TEXT = "text"  # free text written on ruled lines


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    id: str
    kind: FieldKind
    label: str
    options: tuple[Option, ...] = ()
    lines: int = 0
    #: (field id, value): this field may only be answered when that field has that value
    only_if: tuple[str, str] | None = None

    def option(self, value: str) -> Option:
        for o in self.options:
            if o.value == value:
                return o
        raise KeyError(f"{self.id} has no option {value!r}")


@dataclass(frozen=True)
class Box:
    """One printed tick box: the field it belongs to and the option it stands for."""

    field_id: str
    value: str  # option value; "x" for a flag
    label: str

    @property
    def key(self) -> str:
        return f"{self.field_id}={self.value}"


@dataclass(frozen=True)
class Element:
    type: str
    text: str = ""
    lines: tuple[str, ...] = ()
    style: str = ""
    field_ids: tuple[str, ...] = ()  # fields this element prints, in order


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    width_mm: float


@dataclass
class FormSpec:
    code: str  # short code, e.g. "05-02"
    kind: str  # "survey" or "register"
    title: str
    orientation: str
    source: str  # the YAML file it came from
    elements: list[Element] = field(default_factory=list)
    fields: dict[str, Field] = field(default_factory=dict)
    columns: list[Column] = field(default_factory=list)
    year_line: str = ""
    row_height_mm: float = 12.0

    @property
    def boxes(self) -> list[Box]:
        """Every tick box in print order (the order the renderer lays them out)."""
        out: list[Box] = []
        for el in self.elements:
            for fid in el.field_ids:
                f = self.fields[fid]
                if f.kind is FieldKind.FLAG:
                    out.append(Box(fid, "x", f.label))
                elif f.kind is FieldKind.SINGLE:
                    out.extend(Box(fid, o.value, o.label) for o in f.options)
        return out

    @property
    def page_count(self) -> int:
        """Printed pages of one survey copy (page breaks + 1); registers vary."""
        return 1 + sum(1 for e in self.elements if e.type == "page_break")

    @property
    def text_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if f.kind is FieldKind.TEXT]

    @property
    def choice_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if f.kind is not FieldKind.TEXT]

    def design_hash(self) -> str:
        """Hash of everything that decides the printed geometry (not of the agency's wording
        substitutions, which the layout check covers)."""
        payload = {
            "code": self.code,
            "kind": self.kind,
            "elements": [asdict(e) for e in self.elements],
            "fields": {k: asdict(v) for k, v in self.fields.items()},
            "columns": [asdict(c) for c in self.columns],
            "row_height_mm": self.row_height_mm,
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]
