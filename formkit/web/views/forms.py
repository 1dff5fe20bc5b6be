"""Biểu mẫu: build the survey (numbered copies) and the register book through
formkit.api.build, list what was built, and the download of files under exports/."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for

from formkit import api
from formkit.errors import FormkitError
from formkit.render.build import LEDGER
from formkit.web.app import ctx, form_status, requires, show_error, stale_form_response, user

bp = Blueprint("forms", __name__)

DOWNLOAD_TYPES = {".pdf": "application/pdf",
                  ".docx": "application/vnd.openxmlformats-officedocument."
                           "wordprocessingml.document",
                  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  ".csv": "text/csv", ".json": "application/json", ".png": "image/png"}


def file_rows(folder: Path, patterns: tuple[str, ...], limit: int = 40) -> list[dict[str, Any]]:
    """Files of a folder under exports/ for a download list, newest first."""
    c = ctx()
    found: list[Path] = []
    for pattern in patterns:
        found += [p for p in folder.glob(pattern) if p.is_file()]
    found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return [{"name": p.name, "rel": p.relative_to(c.settings.exports_dir).as_posix(),
             "size": p.stat().st_size, "time": datetime.fromtimestamp(p.stat().st_mtime)}
            for p in found[:limit]]


def _ledger(year: int) -> list[dict[str, Any]]:
    path = ctx().settings.exports_dir / "forms" / LEDGER
    out = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("year") == year:
                out.append(rec)
    return out


@bp.route("/bieu-mau", methods=["GET"])
@requires("staff")
def index() -> Any:
    c = ctx()
    year = date.today().year
    try:
        year = int(request.args.get("nam", year))
    except ValueError:
        pass
    return render_template("forms.html", units=c.settings.units, year=year,
                           files=file_rows(c.settings.exports_dir / "forms",
                                           ("*.pdf", "*.docx")),
                           ledger=_ledger(year), codes=c.settings.form_codes)


@bp.route("/bieu-mau", methods=["POST"])
@requires("staff")
def build() -> Any:
    c = ctx()
    status = form_status()
    if status != "ok":
        return stale_form_response(status, url_for("forms.index"))
    form = request.form.get("form", "05-02")
    try:
        if form not in ("05-01", "05-02"):
            raise ValueError(form)
        year = int(request.form.get("year", date.today().year))
        copies = int(request.form.get("copies") or 0)
        pages = int(request.form.get("pages") or 1)
        if not 2000 <= year <= 2100 or not 0 <= copies <= 5000 or not 1 <= pages <= 500:
            raise ValueError("range")
    except ValueError:
        flash("Năm (2000–2100), số bản (0–5000) hoặc số trang (1–500) không hợp lệ.", "error")
        return redirect(url_for("forms.index"))
    unit = request.form.get("unit") or None
    if form == "05-02" and copies > 0 and request.form.get("confirm") != "1":
        # numbered copies are recorded as issued and their numbers never reused: ask first
        issued = [r for r in _ledger(year) if r.get("form") == form
                  and (r.get("unit") or None) == unit]
        before = sum(int(r.get("last", 0)) - int(r.get("first", 0)) + 1 for r in issued)
        return render_template(
            "confirm.html", title=f"Phát {copies} phiếu khảo sát đánh số?",
            message=f"Sẽ tạo và ghi vào sổ phiếu đã phát {copies} bản đánh số của năm {year}"
                    + (f", đơn vị {unit}" if unit else "") + ". "
                    + (f"Đã phát trước đó {before} bản ({len(issued)} lần). "
                       if issued else "Chưa phát bản nào. ")
                    + "Số thứ tự đã phát không dùng lại được; chỉ bấm đồng ý nếu cần in thêm.",
            action=url_for("forms.build"),
            fields={"form": form, "year": year, "unit": unit or "", "copies": copies,
                    "pages": pages},
            button=f"Đồng ý phát {copies} bản", cancel=url_for("forms.index", nam=year))
    try:
        results = api.build(c.settings, [form], year, unit=unit,
                            copies=copies if form == "05-02" else 0, pages=pages)
    except FormkitError as exc:
        show_error(exc)
        return redirect(url_for("forms.index"))
    with c.store.write_session() as s:
        for r in results:
            c.store.audit(s, "web_forms_build", user().name, form=r.form, year=year, unit=unit,
                          copies=len([x for x in r.serials if x]), layout=r.layout.version,
                          files=[Path(r.docx).name] + ([Path(r.pdf).name] if r.pdf else []))
    for r in results:
        serials = [x for x in r.serials if x]
        flash(f"Đã tạo {r.form}: {Path(r.pdf or r.docx).name}"
              + (f", số {serials[0]}–{serials[-1]}" if serials else ""), "success")
    return redirect(url_for("forms.index", nam=year))


@bp.route("/tai-ve/<path:rel>")
@requires("staff")
def download(rel: str) -> Any:
    """A file under exports/: forms for every role, everything else for Ban ISO."""
    c = ctx()
    root = c.settings.exports_dir.resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        abort(404)
    top = path.relative_to(root).parts[0]
    if top != "forms" and not user().can("iso"):
        abort(403)
    mime = DOWNLOAD_TYPES.get(path.suffix.lower())
    if mime is None:
        abort(404)
    return send_file(path, mimetype=mime, as_attachment=True, download_name=path.name)
