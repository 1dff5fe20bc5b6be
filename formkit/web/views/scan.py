"""Quét phiếu: upload scans (PDF and images), read them in the background with live
progress, and the batch report with every page's outcome."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for

from formkit.api import parse_vn_date
from formkit.errors import FormkitError
from formkit.web.app import ctx, form_status, requires, show_error, stale_form_response, user
from formkit.web.jobs import ScanJob, new_job_id
from formkit.web.messages import JOB_STATES, OUTCOMES, reason_vn
from formkit.web.uploads import UploadRefused, inbox_dir, save_upload

bp = Blueprint("scan", __name__, url_prefix="/quet-phieu")


def _job_or_404(job_id: str) -> ScanJob:
    job = ctx().jobs.get(job_id)
    if job is None:
        abort(404)
    return job


def _progress(job: ScanJob) -> dict[str, Any]:
    return {"id": job.id, "state": job.state, "state_label": JOB_STATES.get(job.state, job.state),
            "done": job.done, "total": job.total, "percent": job.percent,
            "outcomes": job.outcomes, "error": job.error,
            "finished": job.state in ("finished", "failed", "interrupted")}


@bp.route("/", methods=["GET"])
@requires("staff")
def index() -> Any:
    c = ctx()
    return render_template("scan.html", jobs=c.jobs.recent(), units=c.settings.units,
                           max_mb=c.max_upload_bytes // (1024 * 1024), states=JOB_STATES)


@bp.route("/", methods=["POST"])
@requires("staff")
def upload() -> Any:
    c = ctx()
    status = form_status()
    if status != "ok":
        return stale_form_response(status, url_for("scan.index"))
    received = None
    unit = request.form.get("unit") or None
    try:
        if request.form.get("received", "").strip():
            received = parse_vn_date(request.form["received"])
        if unit:
            unit = c.settings.unit(unit).code  # type: ignore[union-attr]
    except FormkitError:
        flash("Ngày nhận phiếu hoặc đơn vị không hợp lệ (ngày viết dd/mm/yyyy). Chưa tải lên "
              "tệp nào.", "error")
        return redirect(url_for("scan.index"))
    files = [f for f in request.files.getlist("files") if f and (f.filename or f.content_length)]
    if not files:
        flash("Chưa chọn tệp nào để tải lên.", "error")
        return redirect(url_for("scan.index"))
    inbox = inbox_dir(c.settings.scans_dir)
    saved, refused = [], []
    for f in files:
        try:
            saved.append(save_upload(f.stream, f.filename, inbox, c.max_upload_bytes,
                                     user().name))
        except UploadRefused as exc:
            refused.append(str(exc))
        except OSError as exc:
            refused.append(f"Không ghi được tệp vào {inbox}: {exc.strerror or exc}.")
    for message in refused:
        flash(message, "error")
    if not saved:
        return redirect(url_for("scan.index"))
    job = ScanJob(id=new_job_id(), user=user().name,
                  created=datetime.now().isoformat(timespec="seconds"),
                  files=[s.__dict__ for s in saved],
                  received=received.isoformat() if received else None, unit=unit,
                  ocr=request.form.get("ocr") == "1")
    with c.store.write_session() as s:
        c.store.audit(s, "web_upload", user().name, job=job.id,
                      files=[Path(x.path).name for x in saved],
                      pages=sum(x.pages for x in saved), refused=len(refused))
    c.jobs.submit(job)
    flash(f"Đã nhận {len(saved)} tệp ({sum(x.pages for x in saved)} trang); đang đọc.", "success")
    return redirect(url_for("scan.job", job_id=job.id))


@bp.route("/<job_id>")
@requires("staff")
def job(job_id: str) -> Any:
    c = ctx()
    j = _job_or_404(job_id)
    names = {f["path"]: f["original"] for f in j.files}
    report = c.jobs.batch_report(j) if j.state == "finished" else None
    pages = []
    for p in (report or {}).get("pages", []):
        pages.append({"file": names.get(p.get("file"), Path(p.get("file", "")).name),
                      "page": p.get("page"), "outcome": p.get("outcome"),
                      "outcome_label": OUTCOMES.get(p.get("outcome"), p.get("outcome")),
                      "sheet": p.get("sheet") or "", "reason": reason_vn(p.get("reason"))})
    batch = None
    if j.batch_id is not None:
        try:
            batch = c.store.batch(j.batch_id)
        except FormkitError:
            batch = None
    return render_template("scan_job.html", job=j, progress=_progress(j), pages=pages,
                           batch=batch, counts=(report or {}).get("counts", {}),
                           states=JOB_STATES)


@bp.route("/<job_id>/tien-do.json")
@requires("staff")
def progress(job_id: str) -> Any:
    return jsonify(_progress(_job_or_404(job_id)))


@bp.route("/<job_id>/doc-lai", methods=["POST"])
@requires("staff")
def retry(job_id: str) -> Any:
    c = ctx()
    status = form_status()
    if status != "ok":
        return stale_form_response(status, url_for("scan.job", job_id=job_id))
    old = _job_or_404(job_id)
    if old.state not in ("failed", "interrupted"):
        flash("Lô này không cần đọc lại.", "info")
        return redirect(url_for("scan.job", job_id=job_id))
    missing = [f["original"] for f in old.files if not Path(f["path"]).is_file()]
    if missing:
        show_error(FormkitError("Không còn tệp gốc: " + ", ".join(missing)))
        return redirect(url_for("scan.job", job_id=job_id))
    job = ScanJob(id=new_job_id(), user=user().name,
                  created=datetime.now().isoformat(timespec="seconds"), files=old.files,
                  received=old.received, unit=old.unit, ocr=old.ocr, retry_of=old.id)
    with c.store.write_session() as s:
        c.store.audit(s, "web_upload_retry", user().name, job=job.id, retry_of=old.id)
    c.jobs.submit(job)
    return redirect(url_for("scan.job", job_id=job.id))
