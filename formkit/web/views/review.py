"""Kiểm tra: the review queue. The crop and the page overlay beside the machine's reading;
keys 1, 2, 3 … choose an answer and move on. Every decision goes through the application
verb formkit.app.review.apply_decisions (audit-logged with the reviewer's login name).

Three ways through the queue:
  - group verification (/kiem-tra/nhom): the tick items of one question that the machine read
    the same way, as a grid of crops with the reading preselected; a click flips a tick box,
    a single-choice row shows its options as chips (a click or a digit key picks another),
    Enter saves the whole grid;
  - transcription (/kiem-tra/?loai=chu): written zones one at a time, the crop at twice its
    printed size, an empty box unless the OCR is measured trustworthy (store.review.
    machine_offer), type-ahead of known names for the organisation, the opinion group of a
    comment suggested while typing;
  - one at a time (/kiem-tra/): everything, hard items included.
A decided item can be reopened by an iso user; the new decision is kept beside the old one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from formkit.app import review as verbs
from formkit.app.review import (
    NAME_FIELD,
    NO_GUESS,
    REVIEW_INVALID,
    STATUS_LABELS,
    ReviewRecord,
    choices,
    group_reading,
    known_names,
    machine_label,
    machine_offer,
    note_vn,
    sheet_label,
    suggest,
    value_label,
)
from formkit.errors import FormkitError
from formkit.render.docx_writer import fill, substitutions
from formkit.thresholds import T
from formkit.web.app import (
    ctx,
    form_status,
    requires,
    safe_next,
    show_error,
    stale_form_response,
    user,
)

bp = Blueprint("review", __name__, url_prefix="/kiem-tra")

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


KINDS = {"chu": ("text",), "o": ("single", "flag")}  # ?loai=: written zones / tick boxes
SCREEN_PX_PER_MM = 96 / 25.4  # a CSS pixel is 1/96 inch


def _order(item: ReviewRecord) -> tuple[Any, ...]:
    # the queue's own order (Store.review_queue): year, unit, serial, sheet, item
    return (item.year, item.unit, item.serial, item.sheet_id, item.id)


def _int_arg(name: str) -> int | None:
    try:
        return int(request.args[name])
    except (KeyError, ValueError):
        return None


def _ids(raw: str | None) -> list[int]:
    return [int(x) for x in (raw or "").split(",") if x.strip().isdigit()]


def _item_or_none(item_id: int) -> ReviewRecord | None:
    try:
        return ctx().store.review_item(item_id)
    except FormkitError:
        return None


def _offer(item: ReviewRecord) -> bool:
    return machine_offer(item.kind, item.machine_value, item.machine_status, item.confidence)


def _crop_width(item: ReviewRecord) -> int | None:
    """CSS width that shows a written zone at twice its printed size (crops are cut from
    the page aligned at T.work_px_per_mm)."""
    path = _image_path(item, "crop")
    if path is None:
        return None
    try:
        from PIL import Image

        with Image.open(path) as im:
            width_px = im.size[0]
    except OSError:
        return None
    return round(width_px / T.work_px_per_mm * SCREEN_PX_PER_MM * 2)


@bp.route("/")
@requires("iso")
def index() -> Any:
    c = ctx()
    kind = request.args.get("loai", "")
    queue = [q for q in c.store.review_queue() if kind not in KINDS or q.kind in KINDS[kind]]
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
    counts = _counts()
    if item is None:
        return render_template("review.html", item=None, queue=[], total=0, kind=kind,
                               counts=counts)
    spec_field = c.store.spec_field(item.form, item.field)
    options = choices(item.kind, spec_field)
    position = next((i for i, q in enumerate(queue, start=1) if q.id == item.id), None)
    upcoming = [q for q in queue if q.id != item.id][:12]
    labels = {q.id: _field_label(q) for q in [item, *upcoming]}
    offer = _offer(item)
    # text: the machine's reading is the value only when measured trustworthy, else a hint
    hint = (item.machine_value if item.kind == "text" and not offer
            and isinstance(item.machine_value, str) else "")
    return render_template(
        "review.html", item=item, queue=upcoming, total=len(queue), position=position,
        options=options, labels=labels, sheet=sheet_label(item), kind=kind, counts=counts,
        machine=machine_label(item.kind, item.machine_value, item.machine_status, spec_field)
        if item.kind != "text" else "",
        status_label=STATUS_LABELS.get(item.machine_status, item.machine_status),
        can_accept=offer, prefill=item.machine_value if item.kind == "text" and offer else "",
        hint=hint, crop_width=_crop_width(item) if item.kind == "text" else None,
        is_name=item.field == NAME_FIELD,
        has_crop=_image_path(item, "crop") is not None,
        has_overlay=_image_path(item, "overlay") is not None,
        corrected=value_label(item.kind, item.corrected_value, spec_field)
        if item.status == "done" else None,
        history=[{**d, "label": value_label(item.kind, d["value"], spec_field)}
                 for d in c.store.review_decisions(item.id)] if item.status == "done" else [],
        then=_then_args(), reopening=request.args.get("sua") == "1",
        question=_question(item), why=note_vn(c.store.machine_note(item), spec_field,
                                       c.store.spec(item.form)))


def _counts() -> dict[str, int]:
    """Pending items per way through the queue, for the tabs."""
    queue = ctx().store.review_queue()
    groups = _groups(queue)
    return {"all": len(queue), "chu": sum(1 for q in queue if q.kind == "text"),
            "nhom": sum(len(v) for v in groups.values())}


def _then_args() -> dict[str, str]:
    """Where a chain of flipped grid items continues: the next ids and the way back."""
    out = {}
    if request.args.get("tiep"):
        out["tiep"] = ",".join(str(i) for i in _ids(request.args.get("tiep")))
    back = safe_next(request.args.get("ve"))
    if back and back.startswith(bp.url_prefix + "/"):
        out["ve"] = back
    return out


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


def _after_decision(item_id: int, kind: str) -> str:
    """The next page: the next flipped grid item, the grid again, or the next in the queue."""
    chain = _ids(request.form.get("tiep"))
    back = safe_next(request.form.get("ve"))
    back = back if back and back.startswith(bp.url_prefix + "/") else None
    if chain:
        args = {"id": chain[0]}
        if chain[1:]:
            args["tiep"] = ",".join(map(str, chain[1:]))
        if back:
            args["ve"] = back
        return url_for("review.index", **args)
    if back:
        return back
    return url_for("review.index", sau=item_id, **({"loai": kind} if kind in KINDS else {}))


@bp.route("/<int:item_id>", methods=["POST"])
@requires("iso")
def decide(item_id: int) -> Any:
    c = ctx()
    after = _after_decision(item_id, request.form.get("loai", ""))
    reopen = request.form.get("reopen") == "1"
    status = form_status()
    if status != "ok":
        return stale_form_response(status, after)
    here = url_for("review.index", id=item_id, **_then_args_from_form())
    with c.review_lock:
        # check and apply under one lock: two people on the same item cannot both apply
        item = _item_or_none(item_id)
        if item is None:
            abort(404)
        spec_field = c.store.spec_field(item.form, item.field)
        if item.status != "pending" and not reopen:
            when = f"{item.reviewed_at:%H:%M %d/%m/%Y}" if item.reviewed_at else ""
            flash(f"Mục này đã được {item.reviewer or 'người khác'} kiểm tra lúc {when} "
                  f"(giá trị: {value_label(item.kind, item.corrected_value, spec_field) or '—'}"
                  "). Lựa chọn của bạn không được ghi.", "warning")
            return redirect(after)
        action = request.form.get("action", "")
        try:
            if action == "accept":
                if not _offer(item):
                    flash("Máy không có kết quả đủ tin cậy cho mục này: hãy chọn hoặc gõ "
                          "đáp án.", "error")
                    return redirect(here)
                value = item.machine_value
            elif action == "nothing" and item.kind == "text":
                value = None
            elif action == "illegible" and item.kind == "text":
                value = REVIEW_INVALID
            elif item.kind == "text":
                value = request.form.get("text", "").strip()
                if not value:
                    # an empty box is never taken for "nothing written": that has its key
                    flash("Chưa gõ nội dung. Nếu trên phiếu không viết gì, bấm “Không viết gì” "
                          "(Alt+T); nếu không đọc được, bấm “Không đọc được” (Alt+K).", "error")
                    return redirect(here)
            else:
                options = choices(item.kind, spec_field)
                try:
                    index = int(request.form.get("choice", ""))
                    if index < 1:
                        raise IndexError(index)
                    value = options[index - 1][1]
                except (ValueError, IndexError):
                    flash("Chưa chọn đáp án hợp lệ.", "error")
                    return redirect(here)
            verbs.apply_decisions(
                c.settings, [(item_id, value, request.form.get("note", "").strip()[:500])],
                user().name, reopen=reopen, store=c.store)
            done = c.store.review_item(item_id)
        except FormkitError as exc:
            show_error(exc)
            return redirect(here)
    flash(f"Đã ghi{' lại' if reopen else ''}: {_field_label(done)} = "
          f"{value_label(done.kind, done.corrected_value, spec_field) or '(trống)'}.", "success")
    return redirect(url_for("review.index", id=item_id) if reopen else after)


def _then_args_from_form() -> dict[str, str]:
    out = {}
    if request.form.get("tiep"):
        out["tiep"] = request.form["tiep"]
    if request.form.get("ve"):
        out["ve"] = request.form["ve"]
    return out


# ---- group verification --------------------------------------------------------------------

def _readings(items: list[ReviewRecord]) -> dict[int, Any]:
    """The reading each tick item is shown with in a grid (items without one left out)."""
    evidence = ctx().store.machine_evidence([i for i in items if i.kind != "text"])
    out = {}
    for i in items:
        if i.kind == "text":
            continue
        reading = group_reading(i.kind, i.machine_value, i.machine_status, evidence.get(i.id))
        if reading is not NO_GUESS:
            out[i.id] = reading
    return out


def _group_key(item: ReviewRecord, reading: Any) -> tuple[str, str, str]:
    return (item.form, item.field, json.dumps(reading))


def _groups(queue: list[ReviewRecord]
            ) -> dict[tuple[str, str, str], list[tuple[ReviewRecord, Any]]]:
    """Pending tick items with a reading to preselect, by question and reading."""
    readings = _readings(queue)
    out: dict[tuple[str, str, str], list[tuple[ReviewRecord, Any]]] = {}
    for q in queue:
        if q.id in readings:
            out.setdefault(_group_key(q, readings[q.id]), []).append((q, readings[q.id]))
    return out


def _cell_label(item: ReviewRecord, value: Any) -> str:
    return value_label(item.kind, value, ctx().store.spec_field(item.form, item.field))


# a chip is small: the two answers every row has, in short
CHIP_SHORT = {None: "Để trống", REVIEW_INVALID: "Không hợp lệ"}


def _chips(item: ReviewRecord, reading: Any) -> list[dict[str, Any]]:
    """The options of a single-choice row as chips, in the template's order and numbered as
    on the one-at-a-time page, the grid's reading preselected. A chip's value is the option
    value as JSON, like the reading the page carries (r<id>)."""
    spec_field = ctx().store.spec_field(item.form, item.field)
    return [{"n": n, "label": label, "short": CHIP_SHORT.get(value, label),
             "value": json.dumps(value), "machine": value == reading}
            for n, (label, value) in enumerate(choices(item.kind, spec_field), start=1)]


def _chip_choice(item: ReviewRecord, raw: str) -> tuple[bool, Any]:
    """(True, value) for a chip value the row offers, else (False, None). Matched against
    the JSON of each option, so a value sent by hand is never parsed."""
    spec_field = ctx().store.spec_field(item.form, item.field)
    for _label, value in choices(item.kind, spec_field):
        if raw == json.dumps(value):
            return True, value
    return False, None


@bp.route("/nhom")
@requires("iso")
def groups() -> Any:
    """The list of groups; one group as a grid (?mau=&truong=&may=); or every group, one
    section after the other, 30 crops a page (?tat_ca=1): one Enter for many questions."""
    c = ctx()
    all_groups = _groups(c.store.review_queue())
    form, field_id, reading = (request.args.get("mau", ""), request.args.get("truong", ""),
                               request.args.get("may"))
    key = (form, field_id, reading or "")
    everything = request.args.get("tat_ca") == "1"
    ordered = sorted(all_groups.items(), key=lambda kv: -len(kv[1]))
    if everything and all_groups:
        members = [m for _k, ms in ordered for m in ms][:T.review_group_size]
        left = sum(len(ms) for ms in all_groups.values())
    elif reading is not None and key in all_groups:
        members = all_groups[key][:T.review_group_size]
        left = len(all_groups[key])
    else:
        rows = []
        for (f, fid, raw), ms in ordered:
            first, guess = ms[0]
            rows.append({"form": f, "field": fid, "reading": raw, "count": len(ms),
                         "label": _field_label(first), "question": _question(first),
                         "value": _cell_label(first, guess)})
        return render_template("review_groups.html", rows=rows, counts=_counts(), grid=None,
                               kind="nhom", total=sum(r["count"] for r in rows))
    notes = c.store.machine_notes([i for i, _r in members])
    cells = []
    for i, guess in members:
        spec_field = c.store.spec_field(i.form, i.field)
        cells.append({
            "item": i, "sheet": sheet_label(i),
            "why": note_vn(notes[i.id], spec_field, c.store.spec(i.form)),
            "label": _field_label(i), "value": _cell_label(i, guess),
            "reading": json.dumps(guess),
            "chips": _chips(i, guess) if i.kind == "single" else [],
            "flipped": _cell_label(i, not guess) if i.kind == "flag" else "Sai: kiểm tra riêng"})
    first, guess = members[0]
    return render_template(
        "review_groups.html", grid=cells, counts=_counts(), kind="nhom", everything=everything,
        form=form, field=field_id, reading=reading, left=left,
        label=_field_label(first), question="" if everything else _question(first),
        value=_cell_label(first, guess))


@bp.route("/nhom", methods=["POST"])
@requires("iso")
def group_decide() -> Any:
    c = ctx()
    everything = request.form.get("tat_ca") == "1"
    grid = (url_for("review.groups", tat_ca=1) if everything else url_for(
        "review.groups", mau=request.form.get("mau", ""), truong=request.form.get("truong", ""),
        may=request.form.get("may", "")))
    status = form_status()
    if status != "ok":
        return stale_form_response(status, grid)
    shown = _ids(request.form.get("ids"))
    flips = set(_ids(",".join(request.form.getlist("flip"))))
    hard: list[int] = []
    with c.review_lock:
        decisions: list[tuple[int, Any, str]] = []
        items = [i for i in (_item_or_none(x) for x in shown) if i is not None]
        # every chip is checked before anything is written: one bad value saves nothing
        picked: dict[int, Any] = {}
        for item in items:
            raw = request.form.get(f"c{item.id}")
            if item.kind != "single" or raw is None:
                continue
            ok, picked[item.id] = _chip_choice(item, raw)
            if not ok:
                options = ", ".join(label for label, _v in choices(
                    item.kind, c.store.spec_field(item.form, item.field)))
                flash(f"Lựa chọn “{raw[:40]}” gửi cho ô {_field_label(item)} của phiếu "
                      f"{sheet_label(item)} không phải là một đáp án của câu này (các đáp án: "
                      f"{options}). Không ô nào được ghi: hãy tải lại trang và chọn lại.",
                      "error")
                return redirect(grid)
        readings = _readings(items)
        gone, changed = len(shown) - len(items), 0
        for item in items:
            # decided meanwhile by someone else, or not the reading the page showed: left alone
            if (item.status != "pending" or item.id not in readings
                    or request.form.get(f"r{item.id}") != json.dumps(readings[item.id])):
                gone += 1
                continue
            value = readings[item.id]
            if item.id in picked:
                # the chip: the reading kept or another option, stored as one at a time would
                decisions.append((item.id, picked[item.id], ""))
                changed += picked[item.id] != value
            elif item.id not in flips:
                decisions.append((item.id, value, ""))
            elif item.kind == "flag":
                decisions.append((item.id, not value, "đảo khi kiểm tra theo nhóm"))
            else:
                # a choice row flipped on a grid without chips (a page opened before them)
                hard.append(item.id)
        try:
            if decisions:
                verbs.apply_decisions(c.settings, decisions, user().name, store=c.store)
        except FormkitError as exc:
            show_error(exc)
            return redirect(grid)
    note = f" ({gone} mục đã được người khác kiểm tra, không ghi lại)" if gone else ""
    if changed:
        note = f", {changed} mục chọn lại đáp án{note}"
    flash(f"Đã ghi {len(decisions)} mục theo nhóm{note}."
          + (f" Còn {len(hard)} mục máy đọc sai: chọn đáp án đúng cho từng mục." if hard
             else ""), "success")
    if hard:
        args: dict[str, Any] = {"id": hard[0], "ve": grid}
        if hard[1:]:
            args["tiep"] = ",".join(map(str, hard[1:]))
        return redirect(url_for("review.index", **args))
    return redirect(grid)


# ---- transcription helpers ------------------------------------------------------------------

@bp.route("/goi-y")
@requires("iso")
def suggest_names() -> Any:
    """Known organisation names for what was typed (JSON, best first)."""
    typed = request.args.get("q", "")[:200]
    names = known_names(ctx().store, ctx().settings,
                        directory=request.args.get("danh_ba", "1") != "0")
    return jsonify([{"name": k.name, "tax_code": k.tax_code, "source": k.source}
                    for k in suggest(names, typed)])


@bp.route("/danh-ba", methods=["POST"])
@requires("iso")
def directory_upload() -> Any:
    """Import the department's directory of organisations (XLSX/CSV) for the type-ahead."""
    back = safe_next(request.form.get("ve")) or url_for("review.index", loai="chu")
    status = form_status()
    if status != "ok":
        return stale_form_response(status, back)
    upload = request.files.get("file")
    suffix = Path(upload.filename or "").suffix.lower() if upload else ""
    if upload is None or suffix not in (".xlsx", ".csv"):
        flash("Chọn một tệp danh bạ .xlsx hoặc .csv (cột “Tên tổ chức”, “Mã số thuế”).",
              "error")
        return redirect(back)
    import tempfile

    with tempfile.TemporaryDirectory(dir=ctx().settings.workspace) as tmp:
        path = Path(tmp) / f"danh_ba{suffix}"
        upload.save(path)
        try:
            count, _kept_in = verbs.import_customer_directory(ctx().settings, path)
        except FormkitError as exc:
            show_error(exc)
            return redirect(back)
    flash(f"Đã nhập danh bạ: {count} tổ chức.", "success")
    return redirect(back)


@bp.route("/nhom-y-kien")
@requires("iso")
def suggest_group() -> Any:
    """The opinion group the classification rules give a comment being typed (JSON)."""
    text = request.args.get("text", "")[:2000]
    if not text.strip():
        return jsonify({})
    m = verbs.suggest_group(ctx().settings, text)
    return jsonify({"code": m.code, "name": m.name, "why": m.explanation})


def _image_path(item: ReviewRecord, which: str) -> Path | None:
    raw = item.crop_path if which == "crop" else item.overlay_path
    if not raw:
        return None
    path = Path(raw)
    if not path.is_absolute():
        path = ctx().settings.workspace / path
    return path if path.is_file() else None


@bp.route("/<int:item_id>/anh/<which>")
@requires("iso")
def image(item_id: int, which: str) -> Any:
    """The crop or the page overlay of a review item; only paths the store recorded for
    that item are served, never a path from the request."""
    item = _item_or_none(item_id)
    if item is None or which not in ("crop", "overlay"):
        abort(404)
    path = _image_path(item, which)
    mime = IMAGE_TYPES.get(path.suffix.lower()) if path is not None else None
    if path is None or mime is None:
        abort(404)
    return send_file(path, mimetype=mime, max_age=0)
