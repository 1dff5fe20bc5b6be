"""Người dùng (admin): accounts, roles, password resets, locking."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from formkit.errors import FormkitError
from formkit.web import users as U
from formkit.web.app import ctx, form_status, requires, show_error, stale_form_response, user
from formkit.web.versions import changed_since, make_version, parse_version


def user_version(u: U.WebUser) -> str:
    """What an admin's form for this account was made from (role and locked state)."""
    return make_version({"role": u.role, "active": u.active})


def _version_input(u: U.WebUser) -> Markup:
    return Markup(f'<input type="hidden" name="version" value="{user_version(u)}">')

bp = Blueprint("admin", __name__, url_prefix="/nguoi-dung")


@bp.route("/", methods=["GET"])
@requires("admin")
def users() -> Any:
    return render_template("users.html", users=U.list_users(ctx().store), roles=U.ROLES,
                           version_input=_version_input)


@bp.route("/", methods=["POST"])
@requires("admin")
def add() -> Any:
    c = ctx()
    status = form_status()
    if status != "ok":
        return stale_form_response(status, url_for("admin.users"))
    password = request.form.get("password", "")
    if password != request.form.get("again", ""):
        flash("Hai lần nhập mật khẩu không giống nhau.", "error")
        return redirect(url_for("admin.users"))
    try:
        u = U.create_user(c.store, request.form.get("name", ""), password,
                          request.form.get("role", "staff"),
                          request.form.get("full_name", "")[:120], actor=user().name)
    except FormkitError as exc:
        show_error(exc)
    else:
        flash(f"Đã tạo tài khoản “{u.name}” ({u.role_label}).", "success")
    return redirect(url_for("admin.users"))


@bp.route("/<int:user_id>", methods=["POST"])
@requires("admin")
def change(user_id: int) -> Any:
    c = ctx()
    status = form_status()
    if status != "ok":
        return stale_form_response(status, url_for("admin.users"))
    action = request.form.get("action")
    if action == "role" and user_id == user().id and request.form.get("role") != "admin" \
            and request.form.get("confirm") != "1":
        return render_template(
            "confirm.html", title="Bỏ quyền quản trị của chính mình?",
            message=f"Bạn sắp đổi vai trò của chính mình thành “"
                    f"{U.ROLES.get(request.form.get('role', ''), '?')}”. Sau đó bạn không quản "
                    "lý được tài khoản nữa và phải đăng nhập lại; chỉ một quản trị viên khác "
                    "cấp lại được quyền.",
            action=url_for("admin.change", user_id=user_id),
            fields={"action": "role", "role": request.form.get("role", ""),
                    "version": request.form.get("version", "")},
            button="Đồng ý bỏ quyền quản trị", cancel=url_for("admin.users"))
    try:
        with c.edit_lock:
            before = U.get_user(c.store, user_id)
            if before is None:
                flash(f"Không có tài khoản số {user_id}.", "error")
                return redirect(url_for("admin.users"))
            if action in ("role", "disable", "enable"):
                version = parse_version(request.form.get("version"))
                current = {"role": before.role, "active": before.active}
                stale = list(current) if version is None else changed_since(version, current)
                if stale:
                    flash(f"Tài khoản “{before.name}” đã được người khác đổi sau khi bạn mở "
                          f"trang (nay: {before.role_label}, "
                          f"{'đang hoạt động' if before.active else 'đã khóa'}). Thay đổi của "
                          "bạn CHƯA được lưu; xem lại rồi làm lại nếu vẫn cần.", "error")
                    return redirect(url_for("admin.users"))
            if action == "role":
                u = U.set_role(c.store, user_id, request.form.get("role", ""), user().name)
                flash(f"“{u.name}” nay là {u.role_label}."
                      + (" Các phiên đăng nhập của tài khoản này đã kết thúc."
                         if u.role != before.role else ""), "success")
            elif action == "password":
                u = U.set_password(c.store, user_id, request.form.get("password", ""),
                                   user().name)
                flash(f"Đã đặt mật khẩu mới cho “{u.name}”.", "success")
            elif action in ("disable", "enable"):
                if action == "disable" and user_id == user().id:
                    flash("Không tự khóa tài khoản của chính mình.", "error")
                else:
                    u = U.set_active(c.store, user_id, action == "enable", user().name)
                    flash(f"Đã {'mở khóa' if u.active else 'khóa'} tài khoản “{u.name}”.",
                          "success")
            else:
                flash("Thao tác không hợp lệ.", "error")
    except FormkitError as exc:
        show_error(exc)
    return redirect(url_for("admin.users"))
