"""Build printable forms: DOCX → PDF (one batched LibreOffice call) → layout.

The layout version printed in each QR code is the hash of the layout extracted from the
rendered PDF. When no layout is known yet for this design (template + agency wording +
renderer), one copy is rendered first to learn it; afterwards the layout of the final PDF
is checked against it, so a QR code can never name a layout that is not the printed one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from formkit.catalogue import say
from formkit.config import Settings, Unit
from formkit.errors import OutputError, TemplateError
from formkit.identity import PageIdentity
from formkit.render.docx_writer import PrintJob, substitutions, write_docx
from formkit.render.stamp import stamp_copies
from formkit.spec.layout import Layout, LayoutRegistry, layout_filename, registry
from formkit.spec.layout_extract import extract_layout, write_reference_pages
from formkit.spec.model import FormSpec

RENDERER_VERSION = "3"
PLACEHOLDER_VERSION = "00000000"
LEDGER = "issued_serials.jsonl"


@dataclass
class BuildRequest:
    spec: FormSpec
    year: int
    unit: Unit | None = None
    copies: int = 0  # 0: one unnumbered copy
    first_serial: int | None = None  # None: next free serial for this form/year/unit
    pages: int = 1  # register pages


@dataclass
class BuildResult:
    form: str
    docx: Path
    pdf: Path | None
    layout: Layout
    layout_path: Path
    serials: list[int] = field(default_factory=list)


def design_key(spec: FormSpec, settings: Settings, pages: int = 1) -> str:
    subs = substitutions(settings, 2000)
    subs.pop("nam")
    blob = json.dumps([RENDERER_VERSION, spec.design_hash(), subs, settings.agency_name,
                       settings.province, spec.kind == "register" and pages], ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _output_dir(settings: Settings) -> Path:
    out = settings.exports_dir / "forms"
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise OutputError(say("error.forms.write", folder=str(out),
                              detail=exc.strerror or str(exc))) from exc
    return out


def _ledger_path(settings: Settings) -> Path:
    return settings.exports_dir / "forms" / LEDGER


def _ledger(settings: Settings, form: str, year: int, unit: str | None) -> list[dict]:
    path = _ledger_path(settings)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if rec.get("form") == form and rec.get("year") == year and (
            unit is None or rec.get("unit", "") == unit
        ):
            out.append(rec)
    return out


def issued_serials(settings: Settings, form: str, year: int, unit: str | None = None
                   ) -> list[dict]:
    """Every numbered batch issued (for response rates): form, year, unit, first, last,
    count; the count leaves out the serials of the batch cancelled since."""
    recs = _ledger(settings, form, year, unit)
    cancels = [r for r in recs if r.get("cancelled")]
    out = []
    for rec in (r for r in recs if not r.get("cancelled")):
        first, last = int(rec["first"]), int(rec["last"])
        gone = sum(max(0, min(last, int(c["last"])) - max(first, int(c["first"])) + 1)
                   for c in cancels if c.get("unit", "") == rec.get("unit", ""))
        out.append({**rec, "count": int(rec.get("count", last - first + 1)) - gone})
    return out


def cancelled_serials(settings: Settings, form: str, year: int, unit: str | None = None
                      ) -> list[dict]:
    """The ranges of issued serials cancelled (spoilt, lost, never handed out)."""
    return [r for r in _ledger(settings, form, year, unit) if r.get("cancelled")]


def cancel_serials(settings: Settings, form: str, year: int, unit: str, first: int,
                   last: int, reason: str, actor: str | None = None) -> dict:
    """Record serials first..last as cancelled: they stay in the ledger (never issued again)
    and leave the count of copies handed out. Refused unless the whole range was issued
    and none of it is cancelled already."""
    from formkit.errors import InputError

    reason = unicodedata.normalize("NFC", reason.strip())
    if not reason:
        raise InputError(say("error.forms.cancel_reason"), hint=say("hint.forms.cancel_reason"))
    if first < 1 or last < first:
        raise InputError(say("error.forms.range", first=first, last=last),
                         hint=say("hint.forms.range"))
    issued = [r for r in _ledger(settings, form, year, unit) if not r.get("cancelled")]
    covered = set()
    for r in issued:
        covered.update(range(int(r["first"]), int(r["last"]) + 1))
    missing = [n for n in range(first, last + 1) if n not in covered]
    if missing:
        raise InputError(say("error.forms.never_issued", serial=f"{missing[0]:06d}", form=form,
                             year=year, unit=unit), hint=say("hint.forms.never_issued"))
    for c in cancelled_serials(settings, form, year, unit):
        if int(c["first"]) <= last and first <= int(c["last"]):
            raise InputError(say("error.forms.already_cancelled",
                                 serial=f"{max(first, int(c['first'])):06d}"),
                             hint=say("hint.nothing_changed"))
    rec = {"form": form, "year": year, "unit": unit, "first": first, "last": last,
           "cancelled": True, "reason": reason, "by": actor or "",
           "cancelled_at": datetime.now().isoformat(timespec="seconds")}
    path = _ledger_path(settings)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return rec


def next_serial(settings: Settings, form: str, year: int, unit: str) -> int:
    """The serial after every one ever issued, cancelled ones included (never reused)."""
    recs = _ledger(settings, form, year, unit)
    return 1 + max((int(r["last"]) for r in recs), default=0)


def _stem(settings: Settings, req: BuildRequest, serials: list[int]) -> str:
    parts = [settings.form_code(req.spec.code), str(req.year)]
    if req.unit:
        parts.append(req.unit.code)
    if serials and serials[0]:
        parts.append(f"{serials[0]:06d}-{serials[-1]:06d}")
    return "_".join(parts)


def _known_layout(settings: Settings, req: BuildRequest, reg: LayoutRegistry) -> Layout | None:
    return reg.by_design_key(design_key(req.spec, settings, req.pages))


def _learn_layouts(settings: Settings, reqs: list[BuildRequest], reg: LayoutRegistry,
                   convert) -> None:
    """Render one placeholder copy of each design with no known layout; record its layout."""
    todo = [r for r in reqs if _known_layout(settings, r, reg) is None]
    if not todo:
        return
    with tempfile.TemporaryDirectory(prefix="formkit-layout-") as tmp:
        tmpdir = Path(tmp)
        docs = []
        for i, r in enumerate(todo):
            job = PrintJob(r.spec, settings, r.year, r.unit, (0,), PLACEHOLDER_VERSION,
                           r.pages)
            docs.append(write_docx(job, tmpdir / f"probe{i}.docx"))
        pdfs = convert(docs, tmpdir)
        for r, pdf in zip(todo, pdfs, strict=True):
            _check_page_count(pdf, r, 1)
            lay = extract_layout(pdf, r.spec, settings.form_code(r.spec.code),
                                 pages=r.pages if r.spec.kind == "register" else None)
            lay.design_key = design_key(r.spec, settings, r.pages)
            lay.save(settings.layouts_dir / layout_filename(r.spec.code, lay.version))
            if r.spec.kind == "survey":
                write_reference_pages(pdf, lay, settings.layouts_dir)
            reg.add(lay)


def _check_page_count(pdf: Path, req: BuildRequest, copies: int) -> None:
    """Each copy must print on exactly its pages: text that grew (a longer agency name, a
    changed template) must not push a question onto an extra page unnoticed."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        n = len(doc)
    finally:
        doc.close()
    per_copy = req.pages if req.spec.kind == "register" else req.spec.page_count
    if n != per_copy * copies:
        raise TemplateError(
            say("error.forms.overflow", file=pdf.name, pages=n, per_copy=per_copy, copies=copies),
            hint=say("hint.forms.overflow"))


def build_forms(settings: Settings, reqs: list[BuildRequest], make_pdf: bool = True,
                convert=None) -> list[BuildResult]:
    """Write DOCX (and PDF) for every request; PDFs come from one LibreOffice call."""
    if convert is None:
        from formkit._exec.soffice import convert_to_pdf as convert
    out_dir = _output_dir(settings)
    reg = registry(settings)
    if make_pdf:
        _learn_layouts(settings, reqs, reg, convert)
    results: list[BuildResult] = []
    plans = []
    for r in reqs:
        lay = _known_layout(settings, r, reg)
        if lay is None:
            raise TemplateError(say("error.forms.no_layout", form=r.spec.code),
                                hint=say("hint.forms.no_layout"))
        unit_code = r.unit.code if r.unit else ""
        if r.copies and r.spec.kind == "survey":
            first = r.first_serial or next_serial(settings, r.spec.code, r.year, unit_code)
            serials = list(range(first, first + r.copies))
        else:
            serials = [0]
        # the DOCX is the editable master (one copy, serial left blank); numbered copies
        # are stamped onto its PDF
        job = PrintJob(r.spec, settings, r.year, r.unit, (0,), lay.version, r.pages)
        docx = write_docx(job, out_dir / f"{_stem(settings, r, [0])}.docx")
        plans.append((r, lay, serials, docx))

    pdfs: list[Path | None] = [None] * len(plans)
    if make_pdf and plans:
        # convert into a scratch folder, then move: a failed run leaves no half PDF behind
        with tempfile.TemporaryDirectory(prefix="formkit-pdf-", dir=out_dir) as tmp:
            made = convert([p[3] for p in plans], Path(tmp))
            for i, ((r, lay, serials, _docx), pdf) in enumerate(zip(plans, made, strict=True)):
                _check_page_count(pdf, r, 1)
                check = extract_layout(pdf, r.spec, lay.form_code,
                                       pages=r.pages if r.spec.kind == "register" else None)
                if check.version != lay.version:
                    raise TemplateError(
                        say("error.forms.layout_drift", file=pdf.name, printed=check.version,
                            qr=lay.version), hint=say("hint.forms.layout_drift"))
                if serials[0]:
                    dest = out_dir / f"{_stem(settings, r, serials)}.pdf"
                    unit_code = r.unit.code if r.unit else ""
                    pages = len(lay.pages)
                    idents = [[PageIdentity(r.spec.code, lay.version, r.year, unit_code, sn,
                                            k + 1, pages) for k in range(pages)]
                              for sn in serials]
                    stamp_copies(pdf, lay, idents, dest)
                else:
                    dest = out_dir / pdf.name
                    shutil.move(str(pdf), dest)
                pdfs[i] = dest

    ledger = _ledger_path(settings)
    for (r, lay, serials, docx), pdf in zip(plans, pdfs, strict=True):
        lay_path = settings.layouts_dir / layout_filename(r.spec.code, lay.version)
        if not lay_path.exists():
            lay.save(lay_path)
        if r.spec.kind == "survey" and pdf is not None and reg.reference(lay, 1) is None:
            # a layout known from before references existed: its clean pages, once
            write_reference_pages(pdf, lay, settings.layouts_dir)
        if serials and serials[0] and pdf is not None:
            rec = {"form": r.spec.code, "year": r.year, "unit": r.unit.code if r.unit else "",
                   "first": serials[0], "last": serials[-1], "count": len(serials),
                   "layout": lay.version, "file": docx.name,
                   "issued_at": datetime.now().isoformat(timespec="seconds")}
            with ledger.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        results.append(BuildResult(r.spec.code, docx, pdf, lay, lay_path, serials))
    return results
