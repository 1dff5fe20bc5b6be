"""Báo cáo: the register workbook, the annual summary and report, sealing the year's
archive, verifying it, retention dates, and the audit log. Each button calls the verb the
CLI calls (formkit.app), which writes the web_* audit entry."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from formkit.api import parse_vn_date
from formkit.app import archive as archive_verbs
from formkit.app import evaluation as evaluation_verbs
from formkit.app import register as reg
from formkit.app.present import pct
from formkit.errors import FormkitError
from formkit.web.app import ctx, form_status, requires, show_error, stale_form_response, user
from formkit.web.views.dashboard import year_arg, year_choices
from formkit.web.views.forms import file_rows

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")


def _year_from_form() -> int | None:
    try:
        year = int(request.form.get("year", ""))
    except ValueError:
        return None
    return year if 2000 <= year <= date.today().year + 1 else None


def _guard(endpoint: str = "reports.index") -> tuple[int | None, Any]:
    """(year, None) for a fresh form with a valid year; else (None, the response)."""
    status = form_status()
    if status != "ok":
        return None, stale_form_response(status, url_for(endpoint))
    year = _year_from_form()
    if year is None:
        flash("Năm không hợp lệ.", "error")
        return None, redirect(url_for(endpoint))
    return year, None


def _audit(action: str, **details: Any) -> None:
    c = ctx()
    with c.store.write_session() as s:
        c.store.audit(s, action, user().name, **details)


@bp.route("/")
@requires("iso")
def index() -> Any:
    c = ctx()
    year = year_arg()
    folder = c.settings.exports_dir / str(year)
    try:
        retention = archive_verbs.retention(c.settings)
    except FormkitError as exc:
        show_error(exc)
        retention = []
    return render_template(
        "reports.html", year=year, years=year_choices(year),
        files=file_rows(folder, ("*.xlsx", "*.docx", "*.pdf")) if folder.is_dir() else [],
        sealed=archive_verbs.is_sealed(c.settings, year), retention=retention,
        entries=len(reg.list_entries(c.settings, year=year, store=c.store)), today=date.today())


@bp.route("/so-ghi-nhan", methods=["POST"])
@requires("iso")
def register_workbook() -> Any:
    c = ctx()
    year, stop = _guard()
    if stop:
        return stop
    try:
        path = reg.export_workbook(c.settings, year, user().name, store=c.store,
                                   audit_as="web_export_register").path
    except FormkitError as exc:
        show_error(exc)
    else:
        flash(f"Đã lập sổ ghi nhận năm {year}: {path.name}.", "success")
    return redirect(url_for("reports.index", nam=year))


@bp.route("/bao-cao-nam", methods=["POST"])
@requires("iso")
def annual() -> Any:
    c = ctx()
    year, stop = _guard()
    if stop:
        return stop
    try:
        on = parse_vn_date(request.form["date"]) if request.form.get("date") else None
        out = evaluation_verbs.annual_report(
            c.settings, year, user().name, pdf=request.form.get("pdf") == "1",
            number=request.form.get("number") or None, report_date=on,
            preview=request.form.get("preview") == "1", store=c.store,
            audit_as="web_annual_report")
    except FormkitError as exc:
        show_error(exc)
    else:
        files = [out.summary.name, out.report.docx.name] + (
            [out.report.pdf.name] if out.report.pdf else [])
        t = out.tallies
        flash(f"Đã lập báo cáo năm {year}: {t.current.answered} phiếu, chỉ số hài lòng chung "
              f"{pct(t.current.index)}. Tệp: {', '.join(files)}.", "success")
    return redirect(url_for("reports.index", nam=year))


@bp.route("/niem-phong", methods=["POST"])
@requires("iso")
def seal_year() -> Any:
    c = ctx()
    year, stop = _guard()
    if stop:
        return stop
    try:
        sealed = archive_verbs.seal_year(c.settings, year, user().name,
                                         replace=request.form.get("replace") == "1",
                                         store=c.store, audit_as="web_archive_seal")
    except FormkitError as exc:
        show_error(exc)
    else:
        flash(f"Đã niêm phong hồ sơ năm {year}: {sealed.count} tệp trong {sealed.folder.name}/ "
              "(kèm manifest.json với mã SHA-256).", "success")
    return redirect(url_for("reports.index", nam=year))


@bp.route("/xac-minh", methods=["POST"])
@requires("iso")
def verify_year() -> Any:
    c = ctx()
    year, stop = _guard()
    if stop:
        return stop
    try:
        rep = archive_verbs.verify_year(c.settings, year, user().name, store=c.store,
                                        audit_as="web_archive_verify")
    except FormkitError as exc:
        show_error(exc)
    else:
        if rep.ok:
            flash(f"Hồ sơ năm {year}: {rep.checked} tệp khớp với manifest.", "success")
        else:
            flash(f"Hồ sơ năm {year} KHÔNG khớp manifest: {len(rep.changed)} tệp đã bị sửa, "
                  f"{len(rep.missing)} tệp bị thiếu, {len(rep.added)} tệp lạ. Khôi phục từ bản "
                  "sao lưu.", "error")
    return redirect(url_for("reports.index", nam=year))


def _audit_filter() -> tuple[Any, dict[str, str]]:
    from formkit.web.auditlog import AuditFilter

    f = {k: request.args.get(k, "").strip()[:80] for k in ("nguoi", "thao_tac", "tu", "den")}
    days: dict[str, date | None] = {}
    for key in ("tu", "den"):
        days[key] = None
        if f[key]:
            try:
                days[key] = parse_vn_date(f[key]) if "/" in f[key] \
                    else date.fromisoformat(f[key])
            except (FormkitError, ValueError, OverflowError):
                flash(f"Ngày “{f[key][:20]}” không hợp lệ: viết dd/mm/yyyy. Bỏ qua điều kiện "
                      "này.", "error")
                f[key] = ""
    return AuditFilter(actor=f["nguoi"], action=f["thao_tac"], since=days["tu"],
                       until=days["den"]), f


@bp.route("/nhat-ky")
@requires("iso")
def audit_log() -> Any:
    from formkit.web import auditlog

    c = ctx()
    flt, f = _audit_filter()
    lines, total = auditlog.query(c.store, flt, limit=200)
    actors, actions = auditlog.choices(c.store)
    return render_template("audit.html", lines=lines, total=total, f=f, actors=actors,
                           actions=actions)


@bp.route("/nhat-ky.xlsx")
@requires("iso")
def audit_export() -> Any:
    from flask import Response

    from formkit.web import auditlog

    c = ctx()
    flt, f = _audit_filter()
    lines, total = auditlog.query(c.store, flt, limit=100_000)
    _audit("web_export_audit", lines=len(lines),
           filtered=any(f.values()))
    title = f"Nhật ký thao tác formkit – {c.settings.agency_short_name} – lập lúc " \
            f"{date.today():%d/%m/%Y}"
    name = f"nhat_ky_{date.today():%Y%m%d}.xlsx"
    return Response(auditlog.workbook(lines, title), headers={
        "Content-Disposition": f'attachment; filename="{name}"'},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
