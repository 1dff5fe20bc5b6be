"""Người dùng (admin): accounts, roles, password resets, locking."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from formkit.errors import FormkitError
from formkit.web import users as U
from formkit.web.app import ctx, form_status, requires, show_error, stale_form_response, user

bp = Blueprint("admin", __name__, url_prefix="/nguoi-dung")


@bp.route("/", methods=["GET"])
@requires("admin")
def users() -> Any:
    return render_template("users.html", users=U.list_users(ctx().store), roles=U.ROLES)


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
    try:
        if action == "role":
            u = U.set_role(c.store, user_id, request.form.get("role", ""), user().name)
            flash(f"“{u.name}” nay là {u.role_label}.", "success")
        elif action == "password":
            u = U.set_password(c.store, user_id, request.form.get("password", ""), user().name)
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
