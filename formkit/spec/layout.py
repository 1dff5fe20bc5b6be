"""The layout of a printed form: where, in mm from the page's top-left corner, every
registration mark, QR code, tick box and free-text zone of every page is. Extracted from
the rendered PDF (formkit.spec.layout_extract) and read by the scan stage, which
therefore never needs LibreOffice. The version is a hash of the geometry."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from formkit.catalogue import say
from formkit.errors import InputError, TemplateError

if TYPE_CHECKING:
    from formkit.config import Settings

FORMAT = 1


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def as_list(self) -> list[float]:
        return [round(self.x, 2), round(self.y, 2), round(self.w, 2), round(self.h, 2)]


@dataclass(frozen=True)
class BoxPos:
    field: str
    value: str
    label: str
    rect: Rect

    @property
    def key(self) -> str:
        return f"{self.field}={self.value}"


@dataclass(frozen=True)
class ZonePos:
    field: str
    rect: Rect
    #: ruled guide lines: (x0, x1, y) in mm; handwriting sits just above each
    lines: tuple[tuple[float, float, float], ...]


@dataclass
class PageLayout:
    page: int
    marks: list[Rect]  # top-left, top-right, bottom-left, bottom-right
    qr: Rect
    boxes: list[BoxPos] = field(default_factory=list)
    zones: list[ZonePos] = field(default_factory=list)


@dataclass
class Layout:
    form: str
    form_code: str
    page_size: tuple[float, float]
    pages: list[PageLayout]
    design_key: str = ""
    version: str = ""

    def geometry_hash(self) -> str:
        """Layout version: hash of the rounded geometry (0.25 mm), ids included."""

        def q(v: float) -> float:
            return round(v * 4) / 4

        def qr(r: Rect) -> list[float]:
            return [q(r.x), q(r.y), q(r.w), q(r.h)]

        payload = [self.form, [q(v) for v in self.page_size]]
        for p in self.pages:
            payload.append([
                p.page, [qr(m) for m in p.marks], qr(p.qr),
                [[b.field, b.value, qr(b.rect)] for b in p.boxes],
                [[z.field, qr(z.rect)] for z in p.zones],
            ])
        blob = json.dumps(payload, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:8]

    def page(self, number: int) -> PageLayout:
        for p in self.pages:
            if p.page == number:
                return p
        raise KeyError(number)

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "form": self.form,
            "form_code": self.form_code,
            "version": self.version,
            "design_key": self.design_key,
            "page_size_mm": list(self.page_size),
            "pages": [
                {
                    "page": p.page,
                    "marks": [m.as_list() for m in p.marks],
                    "qr": p.qr.as_list(),
                    "boxes": [{"field": b.field, "value": b.value, "label": b.label,
                               "rect": b.rect.as_list()} for b in p.boxes],
                    "zones": [{"field": z.field, "rect": z.rect.as_list(),
                               "lines": [list(map(lambda v: round(v, 2), ln))
                                         for ln in z.lines]} for z in p.zones],
                }
                for p in self.pages
            ],
        }

    @classmethod
    def from_json(cls, data: dict, source: str = "layout") -> Layout:
        try:
            if data.get("format") != FORMAT:
                raise InputError(say("error.layout.format", source=source,
                                     found=repr(data.get("format")), expected=FORMAT),
                                 hint=say("hint.layout.rebuild"))
            pages = []
            for p in data["pages"]:
                pages.append(PageLayout(
                    page=int(p["page"]),
                    marks=[Rect(*m) for m in p["marks"]],
                    qr=Rect(*p["qr"]),
                    boxes=[BoxPos(b["field"], b["value"], b["label"], Rect(*b["rect"]))
                           for b in p["boxes"]],
                    zones=[ZonePos(z["field"], Rect(*z["rect"]),
                                   tuple(tuple(ln) for ln in z["lines"])) for z in p["zones"]],
                ))
            return cls(data["form"], data["form_code"], tuple(data["page_size_mm"]), pages,
                       data.get("design_key", ""), data["version"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(say("error.layout.invalid", source=source, detail=repr(exc)),
                             hint=say("hint.layout.rebuild")) from exc

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1),
                       encoding="utf-8")
        tmp.replace(path)
        return path


def layout_filename(form: str, version: str) -> str:
    return f"layout_{form}_{version}.json"


def reference_filename(form: str, version: str, page: int) -> str:
    """The clean printed page of a layout, rendered at the reader's resolution (PNG beside
    the layout file): what the reader compares a scan with to see marks that are not print."""
    return f"layout_{form}_{version}.p{page}.png"


class LayoutRegistry:
    """Known layouts by version: the committed ones beside the templates, then the ones
    built in this workspace."""

    def __init__(self, folders: list[Path]):
        self.folders = [f for f in folders if f.is_dir()]
        self._by_version: dict[str, Layout] | None = None

    def _load(self) -> dict[str, Layout]:
        if self._by_version is None:
            self._by_version = {}
            for folder in self.folders:
                for path in sorted(folder.glob("layout_*.json")):
                    try:
                        data = json.loads(path.read_text(encoding="utf-8"))
                    except (OSError, ValueError) as exc:
                        raise TemplateError(
                            say("error.layout.read", path=path, detail=str(exc))) from exc
                    lay = Layout.from_json(data, str(path))
                    self._by_version.setdefault(lay.version, lay)
        return self._by_version

    def get(self, version: str) -> Layout | None:
        return self._load().get(version)

    def by_design_key(self, key: str) -> Layout | None:
        for lay in self._load().values():
            if lay.design_key == key:
                return lay
        return None

    def versions(self) -> list[str]:
        return sorted(self._load())

    def add(self, layout: Layout) -> None:
        self._load()[layout.version] = layout

    def reference(self, layout: Layout, page: int) -> Path | None:
        """The clean page image of `layout` page `page`, if one was rendered (see
        reference_filename); None for layouts built before references existed."""
        name = reference_filename(layout.form, layout.version, page)
        for folder in self.folders:
            if (folder / name).is_file():
                return folder / name
        return None


def registry(settings: Settings) -> LayoutRegistry:
    """The layouts a workspace knows: the committed ones beside the templates, then its own
    builds (here, not in render/, so the reader needs nothing from the renderer)."""
    return LayoutRegistry([settings.templates_dir / "layouts", settings.layouts_dir])
