"""Kiểm tra: the review queue. The crop and the page overlay beside the machine's reading;
keys 1, 2, 3 … choose an answer and move on. Every decision goes through
Store.apply_review (audit-logged with the reviewer's login name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from formkit.errors import FormkitError
from formkit.export.review_xlsx import sheet_label
from formkit.render.docx_writer import fill, substitutions
from formkit.store.review import (
    STATUS_LABELS,
    VALID_STATUSES,
    choices,
    machine_label,
    note_vn,
    value_label,
)
from formkit.store.rows import ReviewRecord
from formkit.web.app import ctx, form_status, requires, show_error, stale_form_response, user

bp = Blueprint("review", __name__, url_prefix="/kiem-tra")

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def _order(item: ReviewRecord) -> tuple[Any, ...]:
    # the queue's own order (Store.review_queue): year, unit, serial, sheet, item
    return (item.year, item.unit, item.serial, item.sheet_id, item.id)


def _int_arg(name: str) -> int | None:
    try:
        return int(request.args[name])
    except (KeyError, ValueError):
        return None


def _item_or_none(item_id: int) -> ReviewRecord | None:
    try:
        return ctx().store.review_item(item_id)
    except FormkitError:
        return None


@bp.route("/")
@requires("iso")
def index() -> Any:
    c = ctx()
    queue = c.store.review_queue()
    item: ReviewRecord | None = None
    wanted, after = _int_arg("id"), _int_arg("sau")
    if wanted is not None:
        item = _item_or_none(wanted)
        if item is None:
            abort(404)
    elif queue:
        item = queue[0]
        if after is not None:
            done = _item_or_none(after)
            if done is not None:
                item = next((q for q in queue if _order(q) > _order(done)), queue[0])
    if item is None:
        return render_template("review.html", item=None, queue=[], total=0)
    spec_field = c.store.spec_field(item.form, item.field)
    options = choices(item.kind, spec_field)
    position = next((i for i, q in enumerate(queue, start=1) if q.id == item.id), None)
    upcoming = [q for q in queue if q.id != item.id][:12]
    labels = {q.id: _field_label(q) for q in [item, *upcoming]}
    return render_template(
        "review.html", item=item, queue=upcoming, total=len(queue), position=position,
        options=options, labels=labels, sheet=sheet_label(item),
        machine=machine_label(item.kind, item.machine_value, item.machine_status, spec_field),
        status_label=STATUS_LABELS.get(item.machine_status, item.machine_status),
        can_accept=item.machine_status in VALID_STATUSES,
        corrected=value_label(item.kind, item.corrected_value, spec_field)
        if item.status == "done" else None,
        question=_question(item), why=note_vn(c.store.machine_note(item)))


def _field_label(item: ReviewRecord) -> str:
    f = ctx().store.spec_field(item.form, item.field)
    return f.label if f else item.field


def _question(item: ReviewRecord) -> str:
    """The question text a field belongs to (the label alone, "Tốt", can be ambiguous)."""
    spec = ctx().store.spec(item.form)
    if spec is None:
        return ""
    question = ""
    for el in spec.elements:
        if el.type == "question":
            question = el.text
        if item.field in el.field_ids:
            return fill(question, substitutions(ctx().settings, item.year))
    return ""


@bp.route("/<int:item_id>", methods=["POST"])
@requires("iso")
def decide(item_id: int) -> Any:
    c = ctx()
    after = url_for("review.index", sau=item_id)
    status = form_status()
    if status != "ok":
        return stale_form_response(status, after)
    with c.review_lock:
        # check and apply under one lock: two people on the same item cannot both apply
        item = _item_or_none(item_id)
        if item is None:
            abort(404)
        if item.status != "pending":
            when = f"{item.reviewed_at:%H:%M %d/%m/%Y}" if item.reviewed_at else ""
            spec_field = c.store.spec_field(item.form, item.field)
            flash(f"Mục này đã được {item.reviewer or 'người khác'} kiểm tra lúc {when} "
                  f"(giá trị: {value_label(item.kind, item.corrected_value, spec_field) or '—'}"
                  "). Lựa chọn của bạn không được ghi.", "warning")
            return redirect(after)
        spec_field = c.store.spec_field(item.form, item.field)
        action = request.form.get("action", "")
        try:
            if action == "accept":
                if item.machine_status not in VALID_STATUSES:
                    flash("Máy không có kết quả hợp lệ cho mục này: hãy chọn một đáp án.",
                          "error")
                    return redirect(url_for("review.index", id=item_id))
                value = item.machine_value
            elif item.kind == "text":
                value = request.form.get("text", "")
            else:
                options = choices(item.kind, spec_field)
                try:
                    index = int(request.form.get("choice", ""))
                    if index < 1:
                        raise IndexError(index)
                    value = options[index - 1][1]
                except (ValueError, IndexError):
                    flash("Chưa chọn đáp án hợp lệ.", "error")
                    return redirect(url_for("review.index", id=item_id))
            done = c.store.apply_review(item_id, value, user().name,
                                        note=request.form.get("note", "").strip()[:500])
        except FormkitError as exc:
            show_error(exc)
            return redirect(url_for("review.index", id=item_id))
    flash(f"Đã ghi: {_field_label(done)} = "
          f"{value_label(done.kind, done.corrected_value, spec_field) or '(trống)'}.", "success")
    return redirect(after)


@bp.route("/<int:item_id>/anh/<which>")
@requires("iso")
def image(item_id: int, which: str) -> Any:
    """The crop or the page overlay of a review item; only paths the store recorded for
    that item are served, never a path from the request."""
    item = _item_or_none(item_id)
    if item is None or which not in ("crop", "overlay"):
        abort(404)
    raw = item.crop_path if which == "crop" else item.overlay_path
    if not raw:
        abort(404)
    path = Path(raw)
    if not path.is_absolute():
        path = ctx().settings.workspace / path
    mime = IMAGE_TYPES.get(path.suffix.lower())
    if mime is None or not path.is_file():
        abort(404)
    return send_file(path, mimetype=mime, max_age=0)
