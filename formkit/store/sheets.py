"""Batches of read sheets: saving a scan run (idempotent, one transaction per sheet or
page, so a run cut off is completed by its rerun), the batches and the fate of every page."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from formkit import notes
from formkit.catalogue import say
from formkit.errors import InputError
from formkit.store.base import (
    PAPER_CHANNEL,
    StoreBase,
    current_user,
    dumps,
    is_local_rejection,
    iso_date,
    iso_datetime,
    loads,
    now,
    resolve_path,
    text_nfc,
)
from formkit.store.models import (
    Answer,
    Batch,
    Page,
    ReviewItem,
    Sheet,
)
from formkit.store.rows import BatchSummary

if TYPE_CHECKING:  # importing formkit.scan at run time would load OpenCV for nothing
    from formkit.scan.result import SheetResult


class SheetStore(StoreBase):
    """Saving and listing batches, sheets and pages."""


    @staticmethod
    def _page_key(sha256: str | None, file: str, page: int) -> str:
        if sha256:
            return sha256
        return "file:" + hashlib.sha256(f"{file}#{page}".encode()).hexdigest()[:64]

    def _page_slot(self, s: Session, sha256: str | None, file: str,
                   page: int) -> tuple[str | None, Page | None]:
        """(key to insert this page under, or None when it is stored already; the stored
        row at that location, if any). A page is identified by its image hash; the same
        image found again at another file/page (a copy of a scan file) gets its own row with
        a key derived from the location, so every input page keeps its line."""
        key = self._page_key(sha256, file, page)
        row = s.scalar(select(Page).where(Page.page_key == key))
        if row is None:
            return key, None
        if (row.file, row.page_index) == (file, page):
            return None, row
        alt = key[:64] + ":" + hashlib.sha256(f"{file}#{page}".encode()).hexdigest()[:15]
        row = s.scalar(select(Page).where(Page.page_key == alt))
        return (alt, None) if row is None else (None, row)

    def save_batch(self, report: Mapping[str, Any], sheets: Sequence[SheetResult],
                   actor: str | None = None) -> int:
        """Store the sheets read in one scan run and the fate of every input page.

        `report` is the scan stage's batch report (formkit.scan.batch.BatchReport.to_json());
        used keys (all optional):
          started, finished  ISO times of the run
          inputs / files     the input file paths
          batch_dir          folder that relative crop and overlay paths are relative to
          channel            channel of these sheets (default "giay", paper)
          pages              list of {file, page, sha256, outcome, reason, sheet (or
                             sheet_key), form_page, overlay}; outcome is read, duplicate or
                             rejected
        Idempotent: sheets are keyed by SheetResult.sheet_key and pages by sha256, so
        rerunning the same files adds nothing twice, and a run that was cut off is completed
        by its rerun. Returns the batch id.
        """
        report = dict(report)
        inputs = [str(p) for p in (report.get("inputs") or report.get("files") or [])]
        report_pages = [dict(p) for p in report.get("pages") or []]
        batch_dir = report.get("batch_dir") or report.get("folder")
        channel = str(report.get("channel") or PAPER_CHANNEL)
        actor = actor if actor is not None else current_user()

        keys = sorted(
            {self._page_key(p.sha256, p.file, p.page) for sh in sheets for p in sh.pages}
            | {self._page_key(p.get("sha256"), str(p.get("file", "")), int(p.get("page", 0)))
               for p in report_pages}
        )
        # a page rejected for a local reason (disk, internal error) and read now changes
        # the fingerprint, so the rerun is stored instead of being taken for the same run
        local = sorted(self._page_key(p.get("sha256"), str(p.get("file", "")),
                                      int(p.get("page", 0)))
                       for p in report_pages if is_local_rejection(p.get("reason")))
        fingerprint = hashlib.sha256(
            dumps({"inputs": sorted(inputs), "pages": keys,
                   "sheets": sorted(sh.sheet_key for sh in sheets)}
                  | ({"local": local} if local else {})).encode()
        ).hexdigest()

        from formkit.store.batches import owner

        with self.write_session() as s:
            batch = s.scalar(select(Batch).where(Batch.fingerprint == fingerprint))
            if batch is not None and batch.status == "finished":
                return batch.id
            meta = {k: v for k, v in report.items() if k not in ("pages", "sheets")}
            if batch is None:
                batch = Batch(
                    fingerprint=fingerprint,
                    started=iso_datetime(report.get("started")) or now(),
                    status="running", input_files=dumps(inputs),
                    report=dumps(meta | {"owner": owner()}),
                )
                s.add(batch)
                s.flush()
            else:  # cut off before (running or interrupted): this run completes it
                if batch.status != "running":
                    self.audit(s, "batch_resumed", actor, batch=batch.id, was=batch.status)
                batch.status = "running"
                batch.report = dumps((loads(batch.report) or {}) | meta | {"owner": owner()})
            batch_id = batch.id

        already_stored = 0
        sheet_pages: set[tuple[str, int]] = set()
        for sheet in sheets:
            sheet_pages |= {(p.file, p.page) for p in sheet.pages}
            with self.write_session() as s:
                if not self._save_sheet(s, batch_id, sheet, batch_dir, channel):
                    already_stored += 1

        for p in report_pages:
            file, index = str(p.get("file", "")), int(p.get("page", 0))
            if (file, index) in sheet_pages:
                continue  # stored with its sheet
            with self.write_session() as s:
                key, stored = self._page_slot(s, p.get("sha256"), file, index)
                outcome = str(p.get("outcome") or "rejected")
                if outcome not in ("read", "duplicate", "rejected"):
                    outcome = "rejected"
                if key is None:
                    if stored is not None and stored.outcome == "rejected" \
                            and is_local_rejection(stored.reason):
                        # read again after a local failure: the page gets its new fate
                        stored.outcome, stored.batch_id = outcome, batch_id
                        stored.reason = str(p.get("reason") or "")
                        stored.form_page = p.get("form_page")
                        stored.sheet_key = p.get("sheet_key") or p.get("sheet")
                    continue
                s.add(Page(batch_id=batch_id, file=file, page_index=index,
                           form_page=p.get("form_page"), page_key=key, sha256=p.get("sha256"),
                           outcome=outcome, reason=str(p.get("reason") or ""),
                           sheet_key=p.get("sheet_key") or p.get("sheet"),
                           overlay=resolve_path(p.get("overlay"), batch_dir), created=now()))

        with self.write_session() as s:
            batch = s.get(Batch, batch_id)
            assert batch is not None
            self.recount_batch(s, batch)
            batch.already_stored = already_stored
            batch.finished = iso_datetime(report.get("finished")) or now()
            batch.status = "finished"
            self.audit(s, "batch_saved", actor, batch=batch_id, inputs=len(inputs),
                       pages=batch.pages_total, sheets=batch.sheets_added,
                       duplicates=batch.duplicates, rejected=batch.rejected,
                       review_items=batch.review_items)
        return batch_id

    @staticmethod
    def recount_batch(s: Session, batch: Batch) -> None:
        """Set a batch's counts from the pages and sheets it owns (also for a batch cut off
        before its end, which owns what it stored)."""
        by_outcome = dict(s.execute(
            select(Page.outcome, func.count()).where(Page.batch_id == batch.id)
            .group_by(Page.outcome)).all())
        batch.pages_total = sum(by_outcome.values())
        batch.duplicates = by_outcome.get("duplicate", 0)
        batch.rejected = by_outcome.get("rejected", 0)
        batch.sheets_added = s.scalar(
            select(func.count()).select_from(Sheet).where(Sheet.batch_id == batch.id)) or 0
        batch.review_items = s.scalar(
            select(func.count()).select_from(ReviewItem).join(Sheet)
            .where(Sheet.batch_id == batch.id)) or 0

    def _save_sheet(self, s: Session, batch_id: int, sheet: SheetResult,
                    batch_dir: str | None, channel: str) -> bool:
        """Insert one sheet with its answers, review items and pages; False when a sheet
        with its key was already stored (its new pages are then recorded as duplicates)."""
        if self.settings.anonymous_surveys:  # [privacy]: the respondent's name is not kept
            from formkit.store.privacy import without_names

            sheet = without_names(sheet)
        key = sheet.sheet_key
        existing = s.scalar(select(Sheet).where(Sheet.sheet_key == key))
        created = now()
        if existing is not None and not existing.complete:
            if self._complete_sheet(s, existing, sheet, batch_id, batch_dir):
                return True
        if existing is not None:
            for p in sheet.pages:
                page_key, _stored = self._page_slot(s, p.sha256, p.file, p.page)
                if page_key is None:
                    continue
                s.add(Page(batch_id=batch_id, file=p.file, page_index=p.page,
                           form_page=p.form_page, page_key=page_key, sha256=p.sha256,
                           outcome="duplicate",
                           reason=say("page.stored.same_copy", sheet=key,
                                      batch=existing.batch_id).dumps(),
                           sheet_key=key, overlay=resolve_path(p.overlay, batch_dir),
                           created=created))
            return existing.batch_id == batch_id

        row = Sheet(sheet_key=key, form=sheet.form, layout=sheet.layout, year=sheet.year,
                    unit=sheet.unit or "", serial=sheet.serial,
                    received=iso_date(sheet.received), channel=channel,
                    complete=sheet.complete, result_json=dumps(sheet.to_json()),
                    batch_id=batch_id, created=created, anonymized=False)
        s.add(row)
        s.flush()
        overlays = {p.form_page: p.overlay for p in sheet.pages}
        single_overlay = sheet.pages[0].overlay if len(sheet.pages) == 1 else None
        for field_id, fr in sheet.fields.items():
            value = dumps(text_nfc(fr.value))
            s.add(Answer(sheet_id=row.id, field=field_id, kind=fr.kind, value=value,
                         status=str(fr.status), confidence=float(fr.confidence),
                         machine_value=value, source=fr.source))
            if fr.needs_review:
                overlay = overlays.get(fr.page) or single_overlay
                s.add(ReviewItem(sheet_id=row.id, field=field_id, kind=fr.kind,
                                 machine_value=value, machine_status=str(fr.status),
                                 confidence=float(fr.confidence),
                                 crop_path=resolve_path(fr.crop, batch_dir),
                                 overlay_path=resolve_path(overlay, batch_dir),
                                 status="pending", note="", created=created))
        for p in sheet.pages:
            page_key, known = self._page_slot(s, p.sha256, p.file, p.page)
            if page_key is None:
                if known is not None and known.outcome != "read":
                    # rejected before (e.g. its layout was unknown) and read now
                    known.reason = _read_later(batch_id, known.outcome, known.reason)
                    known.outcome, known.sheet_key, known.batch_id = "read", key, batch_id
                continue
            s.add(Page(batch_id=batch_id, file=p.file, page_index=p.page,
                       form_page=p.form_page, page_key=page_key, sha256=p.sha256,
                       outcome="read", reason="", sheet_key=key,
                       overlay=resolve_path(p.overlay, batch_dir), created=created))
        return True

    def _complete_sheet(self, s: Session, existing: Sheet, sheet: SheetResult, batch_id: int,
                        batch_dir: str | None) -> bool:
        """A sheet stored incomplete (a page missing or rejected for a local reason) gets
        the fields of the pages read now. Answers a person already corrected are kept.
        True when at least one new page was added."""
        stored_pages = {fp for (fp,) in s.execute(
            select(Page.form_page).where(Page.sheet_key == existing.sheet_key,
                                         Page.outcome == "read")).all()}
        new_pages = {p.form_page for p in sheet.pages} - stored_pages
        if not new_pages:
            return False
        answers = {a.field: a for a in s.scalars(
            select(Answer).where(Answer.sheet_id == existing.id)).all()}
        items = {r.field: r for r in s.scalars(
            select(ReviewItem).where(ReviewItem.sheet_id == existing.id)).all()}
        created = now()
        overlays = {p.form_page: p.overlay for p in sheet.pages}
        for field_id, fr in sheet.fields.items():
            if fr.page not in new_pages:
                continue
            value = dumps(text_nfc(fr.value))
            a = answers.get(field_id)
            if a is None:
                s.add(Answer(sheet_id=existing.id, field=field_id, kind=fr.kind, value=value,
                             status=str(fr.status), confidence=float(fr.confidence),
                             machine_value=value, source=fr.source))
            elif a.value == a.machine_value:  # not corrected by a person
                a.value = a.machine_value = value
                a.status, a.confidence = str(fr.status), float(fr.confidence)
            else:
                continue
            item = items.get(field_id)
            if item is not None and item.status == "pending":
                if fr.needs_review:
                    item.machine_value, item.machine_status = value, str(fr.status)
                    item.confidence = float(fr.confidence)
                    item.crop_path = resolve_path(fr.crop, batch_dir)
                    item.overlay_path = resolve_path(overlays.get(fr.page), batch_dir)
                else:  # decided by the reading of the missing page
                    item.status, item.corrected_value = "done", value
                    item.reviewer, item.reviewed_at = "formkit", created
                    item.note = f"page {fr.page} read by batch {batch_id}"
            elif item is None and fr.needs_review:
                s.add(ReviewItem(sheet_id=existing.id, field=field_id, kind=fr.kind,
                                 machine_value=value, machine_status=str(fr.status),
                                 confidence=float(fr.confidence),
                                 crop_path=resolve_path(fr.crop, batch_dir),
                                 overlay_path=resolve_path(overlays.get(fr.page), batch_dir),
                                 status="pending", note="", created=created))
        old = loads(existing.result_json) or {}
        new = sheet.to_json()
        merged_fields = dict(old.get("fields") or {})
        merged_fields.update({k: v for k, v in (new.get("fields") or {}).items()
                              if (v or {}).get("page") in new_pages})
        merged_pages = [p for p in old.get("pages") or []
                        if p.get("form_page") not in new_pages]
        merged_pages += [p for p in new.get("pages") or [] if p.get("form_page") in new_pages]
        existing.result_json = dumps(old | {"fields": merged_fields, "pages": merged_pages})
        from formkit.spec.layout import LayoutRegistry

        layout = LayoutRegistry([self.settings.templates_dir / "layouts",
                                 self.settings.layouts_dir]).get(existing.layout)
        existing.complete = bool(sheet.complete) or (
            layout is not None and len(stored_pages | new_pages) >= len(layout.pages))
        for p in sheet.pages:
            if p.form_page not in new_pages:
                continue
            page_key, known = self._page_slot(s, p.sha256, p.file, p.page)
            if page_key is None:
                if known is not None and known.outcome != "read":
                    known.reason = _read_later(batch_id, known.outcome, known.reason)
                    known.outcome, known.sheet_key, known.batch_id = "read", existing.sheet_key, \
                        batch_id
                    known.form_page = p.form_page
                continue
            s.add(Page(batch_id=batch_id, file=p.file, page_index=p.page,
                       form_page=p.form_page, page_key=page_key, sha256=p.sha256,
                       outcome="read",
                       reason=say("page.stored.completes", sheet=existing.sheet_key).dumps(),
                       sheet_key=existing.sheet_key, overlay=resolve_path(p.overlay, batch_dir),
                       created=created))
        self.audit(s, "sheet_completed", None, sheet=existing.id, batch=batch_id,
                   pages=sorted(new_pages))
        return True

    def batch(self, batch_id: int) -> BatchSummary:
        with self.read_session() as s:
            b = s.get(Batch, batch_id)
            if b is None:
                raise InputError(say("error.store.no_batch", id=batch_id, where=self.where),
                                 hint=say("error.store.no_batch.hint"))
            return self._batch_summary(b)

    def batches(self) -> list[BatchSummary]:
        with self.read_session() as s:
            return [self._batch_summary(b)
                    for b in s.scalars(select(Batch).order_by(Batch.id)).all()]

    @staticmethod
    def _batch_summary(b: Batch) -> BatchSummary:
        return BatchSummary(b.id, b.started, b.finished, b.status, loads(b.input_files) or [],
                            b.pages_total or 0, b.sheets_added or 0, b.duplicates or 0,
                            b.rejected or 0, b.review_items or 0, b.already_stored or 0)

    def pages(self, batch_id: int | None = None) -> list[dict[str, Any]]:
        """Every stored page with its outcome (read, duplicate, rejected) and reason."""
        with self.read_session() as s:
            q = select(Page).order_by(Page.id)
            if batch_id is not None:
                q = q.where(Page.batch_id == batch_id)
            return [{"id": p.id, "batch": p.batch_id, "file": p.file, "page": p.page_index,
                     "sha256": p.sha256, "outcome": p.outcome, "reason": p.reason,
                     "sheet_key": p.sheet_key} for p in s.scalars(q).all()]

    def known_pages(self) -> set[tuple[tuple[str, str, int, str, int], int]]:
        """(copy key, form page) of every page already read into a numbered sheet, in the
        shape formkit.scan.batch.read_paths(known_pages=...) takes: a page scanned again in
        a later batch is then reported as a duplicate instead of being read twice."""
        with self.read_session() as s:
            q = (select(Sheet.form, Sheet.layout, Sheet.year, Sheet.unit, Sheet.serial,
                        Page.form_page)
                 .join(Page, Page.sheet_key == Sheet.sheet_key)
                 .where(Page.outcome == "read", Sheet.serial > 0, Page.form_page.is_not(None)))
            return {((form, layout, year, unit, serial), form_page)
                    for form, layout, year, unit, serial, form_page in s.execute(q).all()}


def _read_later(batch_id: int, outcome: str, reason: str | None) -> str:
    """The reason of a page rejected before and read now: by which batch, and what it was."""
    before = ", ".join(t for t in (outcome, notes.reason_text(reason)) if t)
    return say("page.stored.read_later", batch=batch_id, before=before).dumps()
