"""Read a batch of returned surveys: every input page ends as read, duplicate or rejected
(with its reason); pages are joined into sheets by their copy serial, in any order and
across files. Pages are processed one at a time, so memory does not grow with the batch.

Size (over 500 lines): the batch life cycle is one sequence (intake, identity, the page's
fields, joining into sheets, duplicates, the report) sharing the reader's state; the
measuring and deciding live in boxes, question, text and decide.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import cv2
import numpy as np

from formkit import fsutil, notes
from formkit.catalogue import Message, say
from formkit.config import Settings
from formkit.errors import OutputError
from formkit.identity import PageIdentity
from formkit.scan import boxes as B
from formkit.scan import load
from formkit.scan import question as Q
from formkit.scan.locate import (
    AlignedPage,
    LocateError,
    estimate_px_per_mm,
    find_qr,
    place,
    thumbnail,
)
from formkit.scan.result import (
    BoxEvidence,
    BoxState,
    FieldResult,
    PageSource,
    SheetResult,
    Status,
)
from formkit.spec.layout import Layout, LayoutRegistry, PageLayout
from formkit.spec.model import FieldKind, FormSpec
from formkit.thresholds import T

log = logging.getLogger("formkit.scan")

READ, DUPLICATE, REJECTED = "read", "duplicate", "rejected"

# the reason of a page with nothing printed on it: the back side of a two-sided scan
BLANK_PAGE = say("page.blank")

STATE_COLOURS = {  # BGR for the overlay
    BoxState.CHECKED: (40, 170, 40),
    BoxState.EMPTY: (170, 170, 170),
    BoxState.FILLED: (0, 140, 255),
    BoxState.UNCERTAIN: (0, 0, 230),
}


@dataclass
class PageOutcome:
    file: str
    page: int
    outcome: str  # read, duplicate, rejected
    reason: Message | str = ""  # a catalogue Message (plain text: a reader not on codes yet)
    sheet: str | None = None  # sheet key
    form_page: int | None = None
    sha256: str = ""
    overlay: str | None = None
    seconds: float = 0.0


@dataclass
class BatchReport:
    started: str
    finished: str = ""
    inputs: list[str] = field(default_factory=list)
    pages: list[PageOutcome] = field(default_factory=list)
    sheets: list[SheetResult] = field(default_factory=list)
    #: what the run found to repair before it started (batches of killed runs …)
    notes: list[str] = field(default_factory=list)
    #: (JSON, page label) of the pages read by their wording: kept by the store so that a
    #: re-scan in a later batch is found (formkit.scan.legacy, formkit.store.fingerprints)
    legacy_fingerprints: list[tuple[str, str]] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for p in self.pages if p.outcome == outcome)

    @property
    def review_count(self) -> int:
        return sum(len(s.review_fields) for s in self.sheets)

    def to_json(self) -> dict:
        return {
            "started": self.started, "finished": self.finished, "inputs": self.inputs,
            "counts": {"pages": len(self.pages), READ: self.count(READ),
                       DUPLICATE: self.count(DUPLICATE), REJECTED: self.count(REJECTED),
                       "sheets": len(self.sheets), "review": self.review_count},
            "pages": [asdict(p) | {"reason": notes.reason_json(p.reason)} for p in self.pages],
            "sheets": [_with_notes(s.to_json()) for s in self.sheets],
        }


def _with_notes(sheet: dict) -> dict:
    """A sheet's JSON for the batch report: each field note also as its messages with both
    texts, for readers of the JSON (the stored sheet keeps the note alone)."""
    for f in sheet.get("fields", {}).values():
        if f.get("note"):
            f["notes"] = [m.to_json() if isinstance(m, Message) else m
                          for m in notes.messages(f["note"])]
    return sheet


#: marks the temporary name of an overlay or crop written by a worker (see BatchReader.merge)
STAGE_MARK = "stage-"


@dataclass
class PageRead:
    """What one page tells on its own (BatchReader.analyse), before the batch decides
    whether it is a duplicate and which sheet it joins (BatchReader.merge)."""

    outcome: PageOutcome  # as far as the page alone decides (read or rejected)
    ok: bool  # the page image could be decoded
    ident: PageIdentity | None = None  # set once its copy and page are known
    fields: dict[str, FieldResult] | None = None  # a read page's fields
    source: PageSource | None = None
    staged: list[tuple[str, str]] = field(default_factory=list)  # (temporary, final) paths
    legacy: object | None = None  # formkit.scan.legacy.LegacyPage: read by its wording


@dataclass
class _FileNames:
    """Names of a page's overlay and crops; under a stage, temporary names recorded."""

    stem: str
    stage: str | None
    staged: list[tuple[str, str]]

    def path(self, final: Path) -> Path:
        if self.stage is None:
            return final
        tmp = final.with_name(f"{final.stem}.{STAGE_MARK}{self.stage}{final.suffix}")
        self.staged.append((str(tmp), str(final)))
        return tmp


def _discard(staged: list[tuple[str, str]]) -> None:
    for tmp, _ in staged:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _publish(res: PageRead) -> None:
    """Give a merged page's files their final names, and its results those names."""
    if not res.staged:
        return
    final = dict(res.staged)
    for tmp, name in res.staged:
        try:
            os.replace(tmp, name)
        except FileNotFoundError:
            pass
    for f in (res.fields or {}).values():
        f.crop = final.get(f.crop, f.crop) if f.crop else f.crop
    if res.source is not None and res.source.overlay:
        res.source.overlay = final.get(res.source.overlay, res.source.overlay)
    if res.outcome.overlay:
        res.outcome.overlay = final.get(res.outcome.overlay, res.outcome.overlay)


@dataclass
class _Open:
    """A sheet being assembled from its pages."""

    sheet: SheetResult
    pages_seen: set[int] = field(default_factory=set)


class BatchReader:
    def __init__(self, settings: Settings, registry: LayoutRegistry, specs: dict[str, FormSpec],
                 received: date | None = None, unit: str | None = None,
                 out_dir: Path | None = None, ocr: bool = True,
                 known_pages: set[tuple] | None = None):
        self.settings = settings
        self.registry = registry
        self.specs = specs
        self.received = received
        self.unit = unit.upper() if unit else None
        self.out_dir = out_dir
        self.ocr = ocr
        self.ppm = T.work_px_per_mm
        self.seen_pages: set[tuple] = set(known_pages or ())
        self.seen_hashes: set[str] = set()
        self.open: dict[tuple, _Open] = {}
        self.order: list[tuple] = []
        self._unnumbered = 0
        self._text_reader = _text_reader() if ocr else None

    # ---- one page -----------------------------------------------------------------------
    def read_page(self, pg: load.PageImage) -> PageOutcome:
        """Read one page and add it to the batch (analyse, then merge)."""
        if pg.ok and pg.sha256 in self.seen_hashes:
            # an image already read: not even analysed
            return self.merge(PageRead(PageOutcome(load.label(pg.file), pg.index, REJECTED,
                                                   sha256=pg.sha256), True))
        return self.merge(self.analyse(pg, self.seen_pages))

    def analyse(self, pg: load.PageImage, seen_pages: set[tuple] | None = None,
                stage: str | None = None) -> PageRead:
        """Everything one page tells without the rest of the batch (the costly part, run
        in worker processes by formkit.scan.workers). A page whose copy and page number
        are in `seen_pages` stops there (a duplicate). With `stage`, overlay and crop files
        are written under a temporary name that merge() renames, or removes when the page
        turns out to be a duplicate."""
        t0 = time.perf_counter()
        res = PageRead(PageOutcome(load.label(pg.file), pg.index, REJECTED, sha256=pg.sha256),
                       pg.ok)
        try:
            self._analyse(pg, res, seen_pages or set(), stage)
        except OutputError as exc:
            # the work folder cannot be written (full disk, permissions): every later page
            # would fail the same way, so the run stops here and stores nothing half-done
            cause = exc.__cause__
            if isinstance(cause, OSError) and fsutil.is_no_space(cause):
                raise fsutil.output_error(Path(cause.filename or self.out_dir or "."), cause,
                                          "crop image") from cause
            raise
        except Exception as exc:  # a bad page never stops the batch; the reason is kept
            log.info("page %s of %s: internal error while reading", pg.index, pg.file,
                        exc_info=True)
            res.outcome.outcome = REJECTED
            res.outcome.reason = say("page.local.internal_error", detail=repr(exc))
            res.fields, res.source = None, None
        res.outcome.seconds = round(time.perf_counter() - t0, 4)
        return res

    def _analyse(self, pg: load.PageImage, res: PageRead, seen_pages: set[tuple],
                 stage: str | None) -> None:
        out = res.outcome
        if not pg.ok:
            out.reason = pg.error
            return
        gray = pg.image
        ppm_scan = estimate_px_per_mm(gray, pg.dpi)
        if ppm_scan * 25.4 < T.min_dpi * 0.6:
            out.reason = say("page.low_resolution", dpi=f"{ppm_scan * 25.4:.0f}")
            return
        small = thumbnail(gray, ppm_scan)
        thr = min(200, int(np.percentile(small, 95)) - 60)
        if float((small < thr).mean()) < T.blank_page_ink:
            out.reason = BLANK_PAGE
            return
        qr = find_qr(gray, ppm_scan, small)
        if qr is None:
            from formkit.scan import legacy  # the department's own form, read by its wording

            if legacy.analyse(self, pg, gray, ppm_scan, res):
                return
            out.reason = say("page.no_qr")
            return
        try:
            ident = PageIdentity.decode(qr.payload)
        except ValueError:
            out.reason = say("page.bad_qr", payload=repr(qr.payload[:40]))
            return
        out.form_page = ident.page
        layout = self.registry.get(ident.layout)
        if layout is None:
            out.reason = say("page.unknown_layout", layout=ident.layout, form=ident.form,
                             year=ident.year)
            return
        spec = self.specs.get(ident.form)
        if spec is None or spec.kind != "survey":
            out.reason = say("page.not_survey", form=layout.form_code)
            return
        try:
            page_layout = layout.page(ident.page)
        except KeyError:
            out.reason = say("page.no_such_page", page=ident.page, layout=ident.layout)
            return
        res.ident = ident  # from here on, merge() decides whether the page is a duplicate
        if ident.serial and (ident.copy_key, ident.page) in seen_pages:
            return
        try:
            placement = place(gray, pg.dpi, qr, ident, page_layout)
        except LocateError as exc:
            out.reason = exc.reason
            return
        aligned = AlignedPage(gray, placement, layout.page_size, self.ppm)
        files = _FileNames(self._file_stem(ident), stage, res.staged)
        fields = self._read_fields(spec, layout, page_layout, aligned, placement.quality,
                                   files, ident)
        src = PageSource(load.label(pg.file), pg.index, ident.page, pg.sha256,
                         placement.rotation,
                         quality=round(placement.quality, 3))
        if self.out_dir is not None:
            src.overlay = self._overlay(aligned, page_layout, fields, files, ident.page)
            out.overlay = src.overlay
        res.fields, res.source = fields, src
        out.outcome = READ
        if placement.marks_found < 4:
            out.reason = say("page.few_marks", found=placement.marks_found)

    def merge(self, res: PageRead) -> PageOutcome:
        """Add an analysed page to the batch, in input order: the duplicate checks against
        the pages merged before it, then its sheet."""
        out = res.outcome
        ident = res.ident
        if res.ok and out.sha256 in self.seen_hashes:
            _discard(res.staged)
            return PageOutcome(out.file, out.page, DUPLICATE, say("page.same_image"),
                               sha256=out.sha256, seconds=out.seconds)
        if ident is not None and ident.serial and (ident.copy_key, ident.page) in \
                self.seen_pages:
            _discard(res.staged)
            return PageOutcome(out.file, out.page, DUPLICATE,
                               say("page.sheet_read", serial=f"{ident.serial:06d}",
                                   page=ident.page), sheet=self._sheet_key(ident),
                               form_page=ident.page, sha256=out.sha256, seconds=out.seconds)
        if out.outcome != READ or ident is None or res.fields is None or res.source is None:
            _discard(res.staged)
            return out
        if res.legacy is not None:
            from formkit.scan import legacy

            twin = legacy.duplicate_of(self, res.legacy, out)
            if twin is not None:
                return PageOutcome(out.file, out.page, DUPLICATE, twin, sha256=out.sha256,
                                   form_page=ident.page, seconds=out.seconds)
        _publish(res)
        sheet = self._sheet_for(ident, Path(out.file))
        sheet.sheet.fields.update(res.fields)
        sheet.sheet.pages.append(res.source)
        sheet.pages_seen.add(ident.page)
        if res.legacy is not None:  # a one-page print holds both parts of the form
            sheet.pages_seen.update(res.legacy.parts)
        self.seen_pages.add((ident.copy_key, ident.page))
        self.seen_hashes.add(out.sha256)
        out.sheet = sheet.sheet.sheet_key
        return out

    def _file_stem(self, ident: PageIdentity) -> str:
        """The overlay and crop names of the page's sheet (as _safe gives for the sheet)."""
        unit = ident.unit or (self.unit or "")
        return f"{ident.form}_{ident.year}_{unit or 'x'}_{ident.serial:06d}_{ident.layout}"

    # ---- sheets -------------------------------------------------------------------------
    def _sheet_key(self, ident: PageIdentity) -> str:
        return f"{ident.form}/{ident.year}/{ident.unit or '-'}/{ident.serial}/{ident.layout}"

    def _sheet_for(self, ident: PageIdentity, file: Path) -> _Open:
        if ident.serial:
            key = ident.copy_key
        else:
            # unnumbered copies: a page joins the latest unnumbered sheet of the same file
            # that lacks this page; otherwise it starts a new sheet
            key = None
            for k in reversed(self.order):
                o = self.open[k]
                if k[0] == "unnumbered" and k[1] == str(file) and \
                        ident.page not in o.pages_seen and o.sheet.layout == ident.layout:
                    key = k
                    break
            if key is None:
                self._unnumbered += 1
                key = ("unnumbered", str(file), self._unnumbered)
        if key not in self.open:
            received = self.received or _file_date(file)
            unit = ident.unit or (self.unit or "")
            serial = ident.serial
            sheet = SheetResult(ident.form, ident.layout, ident.year, unit, serial,
                                received.isoformat() if received else None)
            self.open[key] = _Open(sheet)
            self.order.append(key)
        return self.open[key]

    def finish(self) -> list[SheetResult]:
        sheets = []
        for key in self.order:
            o = self.open[key]
            layout = self.registry.get(o.sheet.layout)
            pages = len(layout.pages) if layout else len(o.pages_seen)
            if o.sheet.layout == "theo-noi-dung":  # read by its wording: both parts needed
                pages = 2
            o.sheet.complete = len(o.pages_seen) == pages
            if not o.sheet.serial and key[0] == "unnumbered":
                # unnumbered sheets get a stable key from their first page's image hash
                o.sheet.serial = 0
            o.sheet.pages.sort(key=lambda p: p.form_page)
            spec = self.specs[o.sheet.form]
            # fields of missing pages are unreadable (not silently blank)
            if not o.sheet.complete:
                for f in spec.fields.values():
                    if f.id not in o.sheet.fields:
                        kind = "text" if f.kind is FieldKind.TEXT else (
                            "flag" if f.kind is FieldKind.FLAG else "single")
                        o.sheet.fields[f.id] = FieldResult(
                            f.id, kind, None, Status.UNREADABLE, 0.0,
                            note=notes.join(say("note.page_missing")))
            B.apply_conditions(spec, o.sheet.fields)
            # keep fields in template order
            o.sheet.fields = {fid: o.sheet.fields[fid] for fid in spec.fields
                              if fid in o.sheet.fields}
            sheets.append(o.sheet)
        return sheets

    # ---- fields -------------------------------------------------------------------------
    def _stray_ink(self, layout: Layout, page: PageLayout, aligned: AlignedPage,
                   measures: list, marked: set[str]) -> tuple[dict[str, Q.StrayInk], float]:
        """Ink in each question row that is neither print nor inside a box (see
        formkit.scan.question), and the page's show-through level; nothing when this layout
        has no reference page."""
        ref_path = self.registry.reference(layout, page.page)
        if ref_path is None or not measures:
            return {}, 0.0
        ref = Q.load_reference(str(ref_path), aligned.shape)
        if ref is None:
            return {}, 0.0
        rows = Q.rows_for(ref_path, ref, page, self.ppm)
        shifts: dict[str, list[tuple[float, float]]] = {}
        for box, m in measures:
            shifts.setdefault(box.field, []).append(m.shift_mm)
        med = {f: (float(np.median([s[0] for s in v])) * self.ppm,
                   float(np.median([s[1] for s in v])) * self.ppm) for f, v in shifts.items()}
        local = None
        if any(m.offset_mm != (0.0, 0.0) for _, m in measures):
            # the page does not lie flat: the print moves along a row too, box by box
            local = {}
            for box, m in measures:
                local.setdefault(box.field, []).append(
                    ((m.rect_px[0] + m.rect_px[2]) / 2, m.shift_mm[0] * self.ppm,
                     m.shift_mm[1] * self.ppm))
        return Q.stray_ink(aligned, ref, rows, page, {b.key: m.rect_px for b, m in measures},
                           med, self.ppm, marked, local)

    def _read_fields(self, spec: FormSpec, layout: Layout, page: PageLayout,
                     aligned: AlignedPage, quality: float, files: _FileNames,
                     ident: PageIdentity
                     ) -> dict[str, FieldResult]:
        by_field: dict[str, list] = {}
        measures = B.follow_unflat_page(aligned, self.ppm, list(page.boxes),
                                        [B.measure_box(aligned, self.ppm, box)
                                         for box in page.boxes])
        quality = B.alignment_quality(quality, [m for _, m in measures])
        line_floor = B.page_line_floor([m for _, m in measures])
        for box, m in measures:
            ev = B.classify_box(m, box.value, line_floor)
            by_field.setdefault(box.field, []).append((box, m, ev))
        marked = {box.key for box, _m, ev in (i for v in by_field.values() for i in v)
                  if ev.state is not BoxState.EMPTY}
        stray, haze = self._stray_ink(layout, page, aligned, measures, marked)
        pale_level = haze + T.show_through_margin
        if pale_level > T.question_ink_level:
            # the reverse shows through: pale ink and faint strokes count only above it
            # (measured again, on such pages only)
            for items in by_field.values():
                for i, (box, first, first_ev) in enumerate(items):
                    m = B.measure_box(aligned, self.ppm, box, pale_level, first.offset_mm)
                    ev = B.classify_box(m, box.value, max(line_floor, haze))
                    if ev.state is BoxState.EMPTY and first_ev.state is not BoxState.EMPTY \
                            and first.peak >= pale_level:
                        # ink darker than what shows through never vanishes: a pale pencil
                        # tick is thin, and little of it is left above the raised level
                        ev = BoxEvidence(box.value, BoxState.UNCERTAIN, ev.fill, ev.score, 0.35)
                    items[i] = (box, m, ev)
        for items in by_field.values():
            for i, (box, m, ev) in enumerate(items):
                items[i] = (box, m, B.doubt_pale_mark(ev, m, haze))
        results: dict[str, FieldResult] = {}
        for fid, items in by_field.items():
            res = B.decide_choice(spec, fid, [ev for _, _, ev in items], ident.page, quality,
                                  line_floor)
            B.weigh_stray_ink(res, stray.get(fid))
            results[fid] = res
        B.doubt_blanks_on_pale_pages(list(results.values()))
        if self.out_dir is not None:
            for fid, items in by_field.items():
                if results[fid].needs_review:
                    results[fid].crop = self._crop_boxes(
                        aligned, [m.rect_px for _, m, _ in items], files, fid)
        if page.zones:
            crops = None
            if self.out_dir is not None:
                crops = [files.path(self.out_dir / "crops" / f"{files.stem}_{z.field}.png")
                         for z in page.zones]
            if self._text_reader is not None:
                # one Tesseract call for all the zones of a page
                texts = self._text_reader(aligned.full(), self.ppm, page.zones,
                                          crop_paths=crops, page=ident.page)
            else:
                texts = [FieldResult(z.field, "text", None, Status.UNREADABLE, 0.0,
                                     page=ident.page, note=notes.join(say("note.ocr_off")))
                         for z in page.zones]
            for res in texts:
                if res.status is not Status.BLANK:
                    res.confidence *= quality
                results[res.field] = res
        return results

    def _crop_boxes(self, aligned: AlignedPage, rects: list[tuple[int, int, int, int]],
                    files: _FileNames, fid: str) -> str:
        pad = int(4 * self.ppm)
        x0 = max(0, min(r[0] for r in rects) - int(60 * self.ppm))
        x1 = min(aligned.shape[1], max(r[2] for r in rects) + pad)
        y0 = max(0, min(r[1] for r in rects) - pad)
        y1 = min(aligned.shape[0], max(r[3] for r in rects) + pad)
        path = files.path(self.out_dir / "crops" / f"{files.stem}_{fid}.png")
        fsutil.write_image(path, aligned.crop(x0, y0, x1, y1), what="crop image")
        return str(path)

    def _overlay(self, aligned: AlignedPage, page: PageLayout, fields: dict[str, FieldResult],
                 files: _FileNames, form_page: int) -> str:
        f = 0.5  # half resolution keeps overlays small and quick to write
        img = cv2.cvtColor(aligned.scaled(self.ppm * f), cv2.COLOR_GRAY2BGR)
        s = self.ppm * f
        for box in page.boxes:
            res = fields.get(box.field)
            ev = next((b for b in (res.boxes if res else []) if b.value == box.value), None)
            colour = STATE_COLOURS.get(ev.state if ev else BoxState.UNCERTAIN)
            r = box.rect
            p0 = (int((r.x - 0.8) * s), int((r.y - 0.8) * s))
            p1 = (int((r.x + r.w + 0.8) * s), int((r.y + r.h + 0.8) * s))
            cv2.rectangle(img, p0, p1, colour, 2)
            if res is not None and res.needs_review:
                cv2.circle(img, (int((r.x + r.w + 3) * s), int(r.cy * s)), 4, (0, 0, 230), -1)
        for zone in page.zones:
            res = fields.get(zone.field)
            r = zone.rect
            colour = (200, 120, 0) if res is None or not res.needs_review else (0, 0, 230)
            cv2.rectangle(img, (int(r.x * s), int(r.y * s)),
                          (int((r.x + r.w) * s), int((r.y + r.h) * s)), colour, 1)
        img = _with_legend(img)
        path = files.path(self.out_dir / "overlays" / f"{files.stem}_p{form_page}.png")
        fsutil.write_image(path, img, [cv2.IMWRITE_PNG_COMPRESSION, 1], what="overlay")
        return str(path)


# what the overlay's colours mean, in the staff's language
LEGEND = ((BoxState.CHECKED, "đã đánh dấu"), (BoxState.EMPTY, "để trống"),
          (BoxState.FILLED, "tô kín (hủy)"), (BoxState.UNCERTAIN, "chưa rõ"))


def _with_legend(img: np.ndarray) -> np.ndarray:
    """The overlay with a strip above it saying what each colour means (PIL draws the
    Vietnamese; OpenCV's fonts have no diacritics)."""
    from PIL import Image, ImageDraw

    from formkit.spec.fonts import font

    strip_h = 26
    canvas = Image.new("RGB", (img.shape[1], img.shape[0] + strip_h), (255, 255, 255))
    canvas.paste(Image.fromarray(img[:, :, ::-1]), (0, strip_h))
    draw = ImageDraw.Draw(canvas)
    face = font(15)
    x = 8
    for state, label in LEGEND:
        b, g, r = STATE_COLOURS[state]
        draw.rectangle((x, 7, x + 12, 19), outline=(r, g, b), width=2)
        draw.text((x + 17, 4), label, fill=(0, 0, 0), font=face)
        x += 30 + int(draw.textlength(label, font=face))
    draw.ellipse((x, 9, x + 8, 17), fill=(230, 0, 0))
    draw.text((x + 13, 4), "cần người kiểm tra", fill=(0, 0, 0), font=face)
    return np.asarray(canvas)[:, :, ::-1].copy()


def _nothing_filled(sheet: SheetResult) -> bool:
    return all(f.status is Status.BLANK or (f.kind == "flag" and f.value is False
                                            and f.status is Status.OK)
               for f in sheet.fields.values())


def _file_date(path: Path) -> date | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).date()
    except OSError:
        return None


def _text_reader() -> Callable | None:
    try:
        from formkit.scan.text import read_text_zones
    except ImportError:
        return None
    return read_text_zones


def _digital_readers() -> tuple[Callable | None, Callable | None]:
    try:
        from formkit.scan.digital import read_docx, read_pdf_digital
    except ImportError:
        return None, None
    return read_docx, read_pdf_digital


#: pages of a PDF given to a worker at a time (several workers share a long scan)
TASK_PAGES = 4


@dataclass
class PlanItem:
    """One step of a batch in input order: pages [start, stop) of a scanned file, or a
    digital file already read (its page outcomes)."""

    file: Path
    start: int = 0
    stop: int | None = None
    digital: list[PageOutcome] | None = None
    pages: int = 1  # pages the step covers (progress)


def default_jobs() -> int:
    """Worker processes when --jobs is not given: one per core."""
    return max(1, os.cpu_count() or 1)


def read_paths(settings: Settings, paths: list[Path], received: date | None = None,
               unit: str | None = None, out_dir: Path | None = None, ocr: bool = True,
               progress: Callable[[int, int, PageOutcome], None] | None = None,
               known_pages: set[tuple] | None = None, jobs: int = 1,
               legacy_known: list[tuple[str, str]] | None = None) -> BatchReport:
    """Read every page of the given files and folders. Never raises for a bad page or file:
    each becomes a rejected outcome with its reason. With jobs > 1 the pages are analysed
    in that many worker processes (formkit.scan.workers) and merged here in input order,
    so the report is the same as with jobs = 1. legacy_known: fingerprints of pages without
    a serial kept by earlier batches (formkit.store.fingerprints.known)."""
    from formkit.spec import load_forms
    from formkit.spec.layout import registry as layout_registry

    report = BatchReport(started=datetime.now().isoformat(timespec="seconds"),
                         inputs=[str(p) for p in paths])
    specs = load_forms(settings.templates_dir)
    reader = BatchReader(settings, layout_registry(settings), specs, received, unit, out_dir,
                         ocr, known_pages)
    if legacy_known:
        from formkit.scan import legacy

        legacy.remember(reader, legacy_known)
    files, refused = load.expand_paths(paths)
    for path, reason in refused:
        outcome = DUPLICATE if reason.code == load.SAME_FILE else REJECTED
        report.pages.append(PageOutcome(load.label(path), 0, outcome, reason))
    counts = [load.count_pages(f) for f in files]
    total = sum(counts)
    done = 0
    digital_sheets: list[SheetResult] = []

    def on_page(outcome: PageOutcome) -> None:
        nonlocal done
        report.pages.append(outcome)
        done += 1
        if progress:
            progress(done, max(total, done), outcome)

    def on_digital(item: PlanItem) -> None:
        nonlocal done
        report.pages.extend(item.digital or [])
        done += item.pages
        if progress and report.pages:
            progress(done, total, report.pages[-1])

    plan = _plan(files, counts, settings, received, digital_sheets)
    workers = min(jobs, total // 2)  # a page or two: starting workers costs more
    if workers > 1:
        from formkit.scan.workers import read_in_workers

        read_in_workers(reader, plan, workers, on_page, on_digital)
    else:
        for item in plan:
            if item.digital is not None:
                on_digital(item)
                continue
            for pg in load.iter_pages(item.file, item.start, item.stop):
                on_page(reader.read_page(pg))
    report.sheets = reader.finish() + digital_sheets
    report.legacy_fingerprints = [(fp.to_json(), where) for fp, where in
                                  reader.__dict__.get("legacy_new", [])]
    report.finished = datetime.now().isoformat(timespec="seconds")
    return report


def _plan(files: list[Path], counts: list[int], settings: Settings, received: date | None,
          digital_sheets: list[SheetResult]) -> Iterator[PlanItem]:
    """The batch's steps in input order; digital files are read here (no OCR, quick)."""
    read_docx, read_pdf_digital = _digital_readers()
    for f, n in zip(files, counts, strict=True):
        kind = load.kind_of(f)
        if kind in ("docx", "pdf"):
            got = BatchReport(started="")
            if _read_digital(f, kind == "docx", settings, read_docx, read_pdf_digital, got,
                             digital_sheets, received):
                yield PlanItem(f, digital=got.pages, pages=n)
                continue
        if kind == "pdf" and n > TASK_PAGES:
            for start in range(0, n, TASK_PAGES):
                stop = min(n, start + TASK_PAGES)
                yield PlanItem(f, start, stop, pages=stop - start)
        else:
            yield PlanItem(f, pages=n)


def _read_digital(f: Path, is_docx: bool, settings: Settings, read_docx, read_pdf_digital,
                  report: BatchReport, sheets: list[SheetResult],
                  received: date | None = None) -> bool:
    """DOCX and text-layer PDFs are read without OCR; True when the file was handled."""
    from formkit.errors import FormkitError

    reader = read_docx if is_docx else read_pdf_digital
    if reader is None:
        if is_docx:
            report.pages.append(PageOutcome(load.label(f), 1, REJECTED,
                                            say("page.docx_unavailable")))
        return is_docx
    try:
        found = reader(f, settings)
    except FormkitError as exc:
        if not is_docx:
            return False  # a PDF goes to the scan path: every page gets its own row
        report.pages.append(PageOutcome(load.label(f), 1, REJECTED, exc.msg))
        return True
    except Exception as exc:  # a reader bug or a library's own error on a damaged file
        if not is_docx:
            # the scan path reads the PDF again and gives each page its own reason
            log.info("%s: text-layer reading failed (%r); read as a scan", f, exc)
            return False
        report.pages.append(PageOutcome(load.label(f), 1, REJECTED,
                                        say("page.unreadable_docx", detail=repr(exc))))
        return True
    if found is None:  # a PDF without a text layer: a scan
        return False
    for s in found:
        if _nothing_filled(s):
            # the issued form itself (a print file dropped among the scans), not a reply
            for p in s.pages:
                report.pages.append(PageOutcome(load.label(f), p.page, REJECTED,
                                                say("page.blank_form"), form_page=p.form_page))
            continue
        if s.received is None:
            d = received or _file_date(f)
            s.received = d.isoformat() if d else None
        sheets.append(s)
        for p in s.pages:
            report.pages.append(PageOutcome(load.label(f), p.page, READ, sheet=s.sheet_key,
                                            form_page=p.form_page))
    return True
