"""Signing in and out, and changing one's own password."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from formkit.errors import FormkitError
from formkit.web import users as U
from formkit.web.app import (
    ctx,
    form_status,
    requires,
    safe_next,
    session_token,
    show_error,
    stale_form_response,
    user,
)
from formkit.web.security import new_token

bp = Blueprint("auth", __name__)


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login() -> Any:
    c = ctx()
    target = safe_next(request.values.get("next")) or url_for("dashboard.index")
    if g.get("user") is not None and request.method == "GET":
        return redirect(target)
    no_users = U.count_users(c.store) == 0
    if request.method == "POST":
        name = U.normalize_name(request.form.get("name", ""))[:40]
        password = request.form.get("password", "")
        address = request.remote_addr or ""
        wait = c.throttle.wait_for(address, name)
        if wait > 0:
            flash(f"Đăng nhập sai nhiều lần từ máy này: thử lại sau {_seconds_vn(wait)}.",
                  "error")
            return render_template("login.html", name=name, next=target, no_users=no_users), 429
        u = U.authenticate(c.store, name, password) if name and password else None
        if u is None:
            c.throttle.failed(address, name)
            if name:
                U.record_failed_login(c.store, name, address)
            flash("Tên đăng nhập hoặc mật khẩu không đúng (hoặc tài khoản đã bị khóa).", "error")
            return render_template("login.html", name=name, next=target, no_users=no_users), 401
        c.throttle.succeeded(address, name)
        session.clear()  # a fresh session: nothing from before the login carries over
        session.permanent = True
        token = U.start_session(c.store, u.id, request.remote_addr or "")
        session.update(sid=token, csrf=new_token())
        return redirect(target)
    return render_template("login.html", name="", next=target, no_users=no_users)


def _seconds_vn(wait: float) -> str:
    seconds = int(wait) + 1
    return f"{seconds} giây" if seconds < 90 else f"{seconds // 60 + 1} phút"


@bp.route("/dang-xuat", methods=["POST"])
def logout() -> Any:
    token = session_token()
    if token:
        U.end_session(ctx().store, token, "logout")  # a copy of the cookie is dead too
    session.clear()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/tai-khoan", methods=["GET", "POST"])
@requires("staff")
def account() -> Any:
    c = ctx()
    if request.method == "POST":
        status = form_status()
        if status != "ok":
            return stale_form_response(status, url_for("auth.account"))
        current = request.form.get("current", "")
        new, again = request.form.get("new", ""), request.form.get("again", "")
        if U.authenticate(c.store, user().name, current) is None:
            flash("Mật khẩu hiện tại không đúng.", "error")
        elif new != again:
            flash("Hai lần nhập mật khẩu mới không giống nhau.", "error")
        else:
            try:
                U.set_password(c.store, user().id, new, user().name,
                               keep_session=session_token())
            except FormkitError as exc:
                show_error(exc)
            else:
                flash("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.", "success")
                return redirect(url_for("dashboard.index"))
    return render_template("account.html")
