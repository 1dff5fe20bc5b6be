"""Sổ ghi nhận (BM.QT.SCT.05-01): the list with filters and an accent-insensitive search,
adding entries, and changing an entry's handling status and opinion group (a person's group
is kept over the rules). All through formkit.store.register."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from formkit.app import register as reg
from formkit.errors import FormkitError
from formkit.web.app import ctx, form_status, requires, show_error, stale_form_response, user
from formkit.web.messages import error_vn
from formkit.web.versions import changed_since, edited, make_version, parse_version

bp = Blueprint("register", __name__, url_prefix="/so-ghi-nhan")

PAGE_SIZE = 100
MIN_YEAR = 2000
LIMITS = {"customer": 300, "content": 5000, "receiver": 200, "confirmation": 300}
FIELD_LABELS = {"customer": "Tên khách hàng", "content": "Nội dung ý kiến",
                "receiver": "Người tiếp nhận", "confirmation": "Xác nhận của trưởng phòng"}
#: every field a form can change, as the stale-save message names it
ALL_LABELS = {"date": "ngày tiếp nhận", "customer": "tên khách hàng",
              "content": "nội dung ý kiến", "receiver": "người tiếp nhận", "unit": "đơn vị",
              "source": "nguồn ý kiến", "confirmation": "xác nhận của trưởng phòng",
              "status": "tình trạng", "group": "nhóm ý kiến"}
TEXT_FIELDS = ("date", "customer", "content", "receiver", "unit", "source", "confirmation")


def _state(e: Any) -> dict[str, str]:
    """The fields of an entry the forms show, as the forms show them."""
    return {"date": f"{e.entry_date:%d/%m/%Y}", "customer": e.customer, "content": e.content,
            "receiver": e.receiver, "unit": e.unit, "source": e.source,
            "confirmation": e.confirmation, "status": e.status,
            "group": e.group_override or ""}


def _shown(field: str, value: str) -> str:
    if field == "status":
        return reg.status_label(value)
    if field == "source":
        return reg.source_label(value)
    if field == "group":
        labels = reg.group_rules(ctx().settings).labels()
        return labels.get(value, value) if value else "theo quy tắc"
    value = value or "(trống)"
    return value if len(value) <= 80 else value[:77] + "…"


def stale_message(entry_id: int, fields: list[str], current: dict[str, str]) -> str:
    now = "; ".join(f"{ALL_LABELS[f]} nay là “{_shown(f, current[f])}”" for f in fields)
    return (f"Ý kiến #{entry_id} đã được người khác sửa sau khi bạn mở trang ({now}). "
            "Thay đổi của bạn CHƯA được lưu, không có gì bị ghi đè. Xem bản mới nhất rồi "
            "làm lại nếu vẫn cần.")


def _vocab() -> dict[str, Any]:
    c = ctx()
    return {"units": c.settings.units, "sources": reg.SOURCES, "statuses": reg.STATUSES,
            "groups": reg.group_rules(c.settings).labels()}


@bp.route("/")
@requires("staff")
def index() -> Any:
    c = ctx()
    f = {k: request.args.get(k, "").strip() for k in ("nam", "don_vi", "nguon", "nhom",
                                                      "tinh_trang", "tim")}
    year = None
    if f["nam"]:
        try:
            year = int(f["nam"])
        except ValueError:
            year = None
        if year is None or not MIN_YEAR <= year <= date.today().year + 1:
            flash(f"Năm “{f['nam'][:12]}” không hợp lệ: chọn một năm từ {MIN_YEAR} đến "
                  f"{date.today().year + 1}. Đang hiện mọi năm.", "error")
            year, f["nam"] = None, ""
    try:
        entries = reg.list_entries(c.settings, store=c.store, year=year, unit=f["don_vi"] or None,
                                   source=f["nguon"] or None, group=f["nhom"] or None,
                                   status=f["tinh_trang"] or None, text=f["tim"] or None,
                                   include_voided=True)
    except FormkitError as exc:
        show_error(exc)
        entries = []
    entries.reverse()  # newest first: what the office typed last is what it looks for
    try:
        page = max(1, int(request.args.get("trang", 1)))
    except ValueError:
        page = 1
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = min(page, pages)
    shown = entries[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return render_template("register.html", entries=shown, count=len(entries), page=page,
                           pages=pages, f=f, years=range(date.today().year + 1, 2019, -1),
                           source_label=reg.source_label, status_label=reg.status_label,
                           **_vocab())


def _form_values() -> dict[str, str]:
    keys = ("date", "customer", "content", "receiver", "unit", "source", "confirmation",
            "status", "group")
    return {k: request.form.get(k, "").strip() for k in keys}


def _check(values: dict[str, str]) -> list[str]:
    """Vietnamese messages for the form's own rules (the store checks the rest)."""
    problems = []
    if not values["date"]:
        problems.append("Chưa nhập ngày tiếp nhận.")
    else:
        try:
            reg.parse_date(values["date"])
        except ValueError:
            problems.append("Ngày tiếp nhận không hợp lệ: viết dd/mm/yyyy (ví dụ 05/03/2026), "
                            "không sau hôm nay, không trước năm 2000.")
    if not values["content"]:
        problems.append("Chưa nhập nội dung ý kiến.")
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            problems.append(f"{FIELD_LABELS[key]} dài quá {limit} ký tự.")
    return problems


@bp.route("/them", methods=["GET", "POST"])
@requires("staff")
def add() -> Any:
    c = ctx()
    values = {"date": f"{date.today():%d/%m/%Y}", "customer": "", "content": "",
              "receiver": user().display, "unit": "", "source": "khieu_nai",
              "confirmation": "", "status": "pending", "group": ""}
    errors: list[str] = []
    if request.method == "POST":
        values = _form_values()
        status = form_status()
        if status == "used":
            return stale_form_response(status, url_for("register.index"))
        if status != "ok":
            # keep what was typed: the person checks it and saves again
            errors.append("Biểu mẫu đã quá hạn nên chưa được lưu. Nội dung vẫn còn dưới đây: "
                          "kiểm tra rồi bấm Lưu lần nữa.")
        else:
            errors = _check(values)
            if not errors:
                try:
                    e = reg.add_entry(
                        c.settings, user().name, store=c.store,
                        entry_date=values["date"], content=values["content"],
                        customer=values["customer"], receiver=values["receiver"],
                        unit=values["unit"] or None, source=values["source"] or "khieu_nai",
                        confirmation=values["confirmation"],
                        status=values["status"] or "pending", group=values["group"] or None)
                except FormkitError as exc:
                    errors.append(error_vn(exc))
                else:
                    labels = reg.group_rules(c.settings).labels()
                    flash(f"Đã thêm mục #{e.id} ({e.entry_date:%d/%m/%Y}), nhóm “"
                          f"{labels.get(e.group, e.group)}”"
                          + (" (người dùng chọn)." if e.group_override else " (theo quy tắc)."),
                          "success")
                    if request.form.get("next") == "more":
                        return redirect(url_for("register.add"))
                    return redirect(url_for("register.index"))
    return render_template("register_form.html", v=values, errors=errors, **_vocab()), (
        400 if errors else 200)


@bp.route("/<int:entry_id>", methods=["GET", "POST"])
@requires("staff")
def edit(entry_id: int) -> Any:
    c = ctx()
    try:
        e = reg.get_entry(c.settings, entry_id, store=c.store)
    except FormkitError:
        abort(404)
    if request.method == "POST":
        status = form_status()
        if status != "ok":
            return stale_form_response(status, url_for("register.edit", entry_id=entry_id))
        version = parse_version(request.form.get("version"))
        wanted = {"status": request.form.get("status", e.status),
                  "group": request.form.get("group", "")}
        changed: list[str] = []
        with c.edit_lock:
            e = reg.get_entry(c.settings, entry_id, store=c.store)
            current = {k: _state(e)[k] for k in wanted}
            stale = list(current) if version is None else changed_since(version, current)
            if e.voided_at is not None:
                flash(f"Ý kiến #{entry_id} đã bị hủy; không sửa được.", "error")
                return redirect(url_for("register.edit", entry_id=entry_id))
            if stale:
                flash(stale_message(entry_id, stale, current), "error")
                return redirect(url_for("register.edit", entry_id=entry_id))
            mine = edited(version or {}, wanted)
            try:
                if "status" in mine:
                    e = reg.set_status(c.settings, entry_id, wanted["status"], user().name,
                                       store=c.store)
                    changed.append("tình trạng")
                if "group" in mine:  # "" gives the entry back to the rules
                    e = reg.set_group(c.settings, entry_id, wanted["group"] or None,
                                      user().name, store=c.store)
                    changed.append("nhóm ý kiến")
            except FormkitError as exc:
                show_error(exc)
                return redirect(url_for("register.edit", entry_id=entry_id))
        flash(f"Đã lưu mục #{entry_id}: " + (", ".join(changed) if changed
                                             else "không có gì thay đổi") + ".", "success")
        return redirect(url_for("register.edit", entry_id=entry_id))
    rules = reg.group_rules(c.settings)
    state = _state(e)
    return render_template("register_entry.html", e=e, rule_group=rules.name(e.group_code),
                           version=make_version({k: state[k] for k in ("status", "group")}),
                           source_label=reg.source_label, status_label=reg.status_label,
                           **_vocab())


@bp.route("/<int:entry_id>/sua", methods=["GET", "POST"])
@requires("staff")
def edit_text(entry_id: int) -> Any:
    """Correct what was written (date, customer, content, receiver, unit, source,
    confirmation); status and group stay on the entry page."""
    c = ctx()
    try:
        e = reg.get_entry(c.settings, entry_id, store=c.store)
    except FormkitError:
        abort(404)
    values = _state(e)
    version_text = make_version({k: values[k] for k in TEXT_FIELDS})
    errors: list[str] = []
    if request.method == "POST":
        typed = {k: v for k, v in _form_values().items() if k in TEXT_FIELDS}
        values = {**values, **typed}
        status = form_status()
        if status == "used":
            return stale_form_response(status, url_for("register.edit", entry_id=entry_id))
        if status != "ok":
            errors.append("Biểu mẫu đã quá hạn nên chưa được lưu. Nội dung vẫn còn dưới đây: "
                          "kiểm tra rồi bấm Lưu lần nữa.")
        else:
            errors = _check(values)
        if not errors:
            version = parse_version(request.form.get("version"))
            with c.edit_lock:
                e = reg.get_entry(c.settings, entry_id, store=c.store)
                current = {k: _state(e)[k] for k in TEXT_FIELDS}
                stale = list(current) if version is None else changed_since(version, current)
                if e.voided_at is not None:
                    errors.append(f"Ý kiến #{entry_id} đã bị hủy; không sửa được.")
                elif stale:
                    # what was typed stays on the form, now made from the newest entry: the
                    # person sees the message, checks, and saves again on purpose
                    errors.append(stale_message(entry_id, stale, current))
                    version_text = make_version(current)
                elif not edited(version or {}, typed):
                    flash(f"Mục #{entry_id}: không có gì thay đổi.", "info")
                    return redirect(url_for("register.edit", entry_id=entry_id))
                else:
                    try:
                        # unchanged fields are written with the value they have now (the
                        # check above just proved it), so only the edited ones change
                        reg.update_entry(
                            c.settings, entry_id, user().name, store=c.store,
                            entry_date=values["date"],
                            content=values["content"], customer=values["customer"],
                            receiver=values["receiver"], unit=values["unit"] or None,
                            source=values["source"] or "khieu_nai",
                            confirmation=values["confirmation"])
                    except FormkitError as exc:
                        errors.append(error_vn(exc))
                    else:
                        names = ", ".join(ALL_LABELS[k] for k in edited(version or {}, typed))
                        flash(f"Đã sửa mục #{entry_id}: {names}.", "success")
                        return redirect(url_for("register.edit", entry_id=entry_id))
    return render_template("register_form.html", v=values, errors=errors, editing=e,
                           version=version_text, **_vocab()), (400 if errors else 200)


@bp.route("/<int:entry_id>/huy", methods=["POST"])
@requires("staff")
def void(entry_id: int) -> Any:
    """Void an entry written by mistake, with a reason (never deleted; audited)."""
    c = ctx()
    status = form_status()
    if status != "ok":
        return stale_form_response(status, url_for("register.edit", entry_id=entry_id))
    reason = request.form.get("reason", "").strip()[:500]
    if len(reason) < 5:
        flash("Ghi lý do hủy (ít nhất 5 ký tự), ví dụ “ghi trùng với mục #12”. Chưa hủy gì.",
              "error")
        return redirect(url_for("register.edit", entry_id=entry_id))
    try:
        with c.edit_lock:
            reg.void_entry(c.settings, entry_id, reason, user().name, store=c.store)
    except FormkitError as exc:
        if exc.code == "error.store.register.no_entry":
            abort(404)
        show_error(exc)
    else:
        flash(f"Đã hủy mục #{entry_id}. Mục vẫn nằm trong sổ, có ghi lý do; không được tính "
              "trong báo cáo.", "success")
    return redirect(url_for("register.edit", entry_id=entry_id))


@bp.route("/xuat")
@requires("staff")
def export() -> Any:
    """The register of one year as the official workbook (five columns of BM.QT.SCT.05-01
    first, A4 landscape), narrowed by the list's filters (unit, source, group, status,
    search). Voided entries are left out, as in the reports. Audited."""
    c = ctx()
    f = {k: request.args.get(k, "").strip() for k in ("nam", "don_vi", "nguon", "nhom",
                                                      "tinh_trang", "tim")}
    this = date.today().year
    try:
        year = int(f["nam"] or this)
    except ValueError:
        year = 0
    if not MIN_YEAR <= year <= this + 1:
        flash(f"Năm không hợp lệ: chọn một năm từ {MIN_YEAR} đến {this + 1}.", "error")
        return redirect(url_for("register.index"))
    try:
        data, _count = reg.workbook_download(
            c.settings, year, user().name, unit=f["don_vi"], source=f["nguon"],
            group=f["nhom"], status=f["tinh_trang"], text=f["tim"], store=c.store,
            audit_as="web_export_register")
    except FormkitError as exc:
        show_error(exc)
        return redirect(url_for("register.index"))
    name = f"{c.settings.form_code('05-01')}_{year}" + (f"_{f['don_vi']}" if f["don_vi"]
                                                        else "") + ".xlsx"
    return Response(data, headers={
        "Content-Disposition": f'attachment; filename="{name}"'},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/tu-phieu-khao-sat", methods=["POST"])
@requires("iso")
def from_surveys() -> Any:
    c = ctx()
    status = form_status()
    if status != "ok":
        return stale_form_response(status, url_for("register.index"))
    try:
        year = int(request.form.get("year", date.today().year))
        r = reg.comments_to_register(c.settings, year, user().name, store=c.store)
    except (FormkitError, ValueError) as exc:
        show_error(exc)
    else:
        flash(f"Ý kiến khác trong phiếu khảo sát năm {year}: thêm {r.added}, đã có "
              f"{r.already_there}, còn {r.waiting_review} chờ kiểm tra.", "success")
    return redirect(url_for("register.index"))


@bp.route("/phan-loai", methods=["POST"])
@requires("iso")
def classify() -> Any:
    c = ctx()
    status = form_status()
    if status != "ok":
        return stale_form_response(status, url_for("register.index"))
    try:
        year = int(request.form.get("year", date.today().year))
        results = reg.classify(c.settings, user().name, year=year, store=c.store)
    except (FormkitError, ValueError) as exc:
        show_error(exc)
    else:
        changed = sum(1 for r in results if r.changed)
        kept = sum(1 for r in results if r.by == "person")
        flash(f"Đã phân loại {len(results)} ý kiến năm {year}: {changed} đổi nhóm theo quy "
              f"tắc, {kept} giữ nhóm do người dùng chọn.", "success")
    return redirect(url_for("register.index", nam=request.form.get("year", "")))
