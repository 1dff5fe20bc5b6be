"""The Flask application: context, access control, CSRF and one-time form tokens, error
pages. The pages themselves are blueprints in formkit/web/views/.

Access rules, applied before every request:
  - a POST (or any other unsafe method) without the session's CSRF token is refused (400),
    whoever sends it;
  - every page except the login page and the static files needs a signed-in user; a visitor
    without one is sent to the login page;
  - each view names the least role it needs (staff < iso < admin).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from formkit.app.present import dec, num, pct, signed_points
from formkit.app.workspace import Store, open_store
from formkit.config import Settings
from formkit.errors import FormkitError
from formkit.web import users as U
from formkit.web.jobs import JobRunner
from formkit.web.messages import error_vn
from formkit.web.security import LoginThrottle, OneTimeTokens, new_token, same_token

log = logging.getLogger("formkit.web")

DEFAULT_MAX_UPLOAD_MB = 200
#: a session unused this long ends (the person signs in again)
DEFAULT_IDLE_MINUTES = 60
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PUBLIC_ENDPOINTS = {"auth.login", "static", "favicon"}

F = TypeVar("F", bound=Callable[..., Any])

#: ids in paths above this are no id of ours (SQLite's INTEGER holds 2**63 - 1)
MAX_ID = 2**53


class BoundedInt(IntegerConverter):
    """<int:…> that answers 404 to a number no database id can be, instead of letting it
    reach the database (where it overflows: a 500)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _has_nul(text: str) -> bool:
    return "\x00" in text


def _bad_input() -> str | None:
    """Why this request's path, query or form cannot be taken at all, else None. A NUL
    byte has no place in any of them (file names, numbers, text) and breaks file-system
    calls further down."""
    if _has_nul(request.path):
        return "Địa chỉ trang có ký tự không hợp lệ."
    sources = [request.args] + ([request.form] if request.method not in SAFE_METHODS else [])
    for values in sources:
        for key, value in values.items(multi=True):
            if _has_nul(key) or _has_nul(value):
                return "Dữ liệu gửi lên có ký tự không hợp lệ (ký tự NUL)."
    return None


@dataclass
class WebContext:
    settings: Settings
    store: Store
    jobs: JobRunner
    max_upload_bytes: int
    tokens: OneTimeTokens = field(default_factory=OneTimeTokens)
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    #: one decision at a time on the review queue: check "still pending" and apply together
    review_lock: threading.Lock = field(default_factory=threading.Lock)
    cache: dict[Any, Any] = field(default_factory=dict)
    cache_lock: threading.Lock = field(default_factory=threading.Lock)
    #: edits check "unchanged since the form was made" and write together (versions.py)
    edit_lock: threading.Lock = field(default_factory=threading.Lock)


def ctx() -> WebContext:
    return current_app.extensions["formkit"]


def user() -> U.WebUser:
    """The signed-in user (views run only after the guard has found one)."""
    return g.user


def requires(role: str) -> Callable[[F], F]:
    """View decorator: the least role that may use the view."""

    def deco(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            u = g.get("user")
            if u is None:
                return redirect(url_for("auth.login", next=request.full_path))
            if not u.can(role):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_role = role  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return deco


def form_status() -> str:
    """Consume the one-time token of the submitted form: 'ok', 'used' or 'unknown'."""
    return ctx().tokens.consume(request.form.get("form_token"), user().id)


def stale_form_response(status: str, target: str) -> Response:
    """The answer to a form that may not be applied (submitted twice, or too old)."""
    if status == "used":
        flash("Biểu mẫu này đã được gửi một lần; lần gửi lại không được thực hiện "
              "(không có gì bị ghi hai lần).", "warning")
    else:
        flash("Biểu mẫu đã quá hạn (máy chủ vừa khởi động lại hoặc trang mở quá lâu). Chưa có "
              "gì thay đổi; hãy làm lại thao tác.", "warning")
    return redirect(target)


def show_error(exc: BaseException) -> None:
    flash(error_vn(exc), "error")


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: '/x?y', never '//host', '/\\host' (browsers read it as
    '//host'), 'http://host', nor anything with control characters (CR/LF would split the
    Location header)."""
    if not target or len(target) > 2000:
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _same_origin() -> bool:
    """A state-changing request must come from our own pages: its Origin (or, when a
    browser sends none, its Referer) names this host. Neither header: allowed (old
    clients, scripts); the CSRF token still has to match."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if origin is None:
        return True
    if origin == "null":  # sandboxed frames, file:// pages
        return False
    return urlsplit(origin).netloc.lower() == request.host.lower()


def _load_user() -> U.WebUser | None:
    """The user of this request's server-side session; a cookie whose session has ended
    (logout, password or role change, idle timeout) is cleared."""
    token = session.get("sid")
    if not isinstance(token, str) or not token:
        return None
    u = U.session_user(ctx().store, token, current_app.config["FORMKIT_IDLE_MINUTES"])
    if u is None:
        session.clear()
        g.session_ended = True
        return None
    return u


def session_token() -> str | None:
    token = session.get("sid")
    return token if isinstance(token, str) else None


def _csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = new_token()
    return token


def _form_guard() -> Markup:
    """Hidden inputs every form carries: the session's CSRF token, and a one-time token."""
    parts = [f'<input type="hidden" name="csrf_token" value="{_csrf_token()}">']
    u = g.get("user")
    if u is not None:
        parts.append(f'<input type="hidden" name="form_token" '
                     f'value="{ctx().tokens.issue(u.id)}">')
    return Markup("".join(parts))


NAV = [  # (endpoint, label, least role)
    ("dashboard.index", "Tổng quan", "staff"),
    ("scan.index", "Quét phiếu", "staff"),
    ("review.index", "Kiểm tra", "iso"),
    ("register.index", "Sổ ghi nhận", "staff"),
    ("actions.index", "Khắc phục", "staff"),
    ("forms.index", "Biểu mẫu", "staff"),
    ("reports.index", "Báo cáo", "iso"),
    ("admin.users", "Người dùng", "admin"),
]


def create_app(settings: Settings, store: Store | None = None,
               max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB, warm_up: bool = False,
               idle_minutes: int = DEFAULT_IDLE_MINUTES) -> Flask:
    """The app for one workspace. Opens the store (and creates the web tables) unless one
    is given. `warm_up` computes this year's overview in the background at once (the
    server does; tests need not)."""
    app = Flask(__name__)
    app.url_map.converters["int"] = BoundedInt  # before any route is added
    store = store or open_store(settings)
    U.ensure_tables(store)
    max_bytes = int(max_upload_mb * 1024 * 1024)
    app.config.update(
        SECRET_KEY=U.secret_key(store),
        SESSION_COOKIE_NAME="formkit_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        # the whole request may carry several files; each file is checked on its own too
        MAX_CONTENT_LENGTH=max_bytes + 1024 * 1024,
        JSON_AS_ASCII=False,
        FORMKIT_IDLE_MINUTES=idle_minutes,
    )
    app.extensions["formkit"] = WebContext(settings, store, JobRunner(settings, store),
                                           max_bytes)
    app.jinja_env.globals.update(form_guard=_form_guard, csrf_token=_csrf_token, NAV=NAV,
                                 agency=settings.agency_name, short_name=settings.agency_short_name)
    app.jinja_env.filters.update(pct=pct, num=num, dec=dec, points=signed_points,
                                 vndate=_vndate, vntime=_vntime)

    from formkit.web.views import admin, auth, dashboard, forms, register, reports, review, scan

    @app.route("/favicon.ico")
    def favicon() -> Any:
        # browsers ask for it on their own; answered without a login, nothing to protect
        return redirect(url_for("static", filename="favicon.svg"))

    for bp in (auth.bp, dashboard.bp, scan.bp, review.bp, register.bp, forms.bp, reports.bp,
               admin.bp):
        app.register_blueprint(bp)
    from formkit.web.views import actions as actions_view

    app.register_blueprint(actions_view.bp)

    if warm_up:
        dashboard.warm_up(app)

    @app.before_request
    def guard() -> Any:
        problem = _bad_input()
        if problem:
            return _error_page(400, problem + " Kiểm tra lại địa chỉ hoặc nội dung đã nhập.")
        if request.method not in SAFE_METHODS:
            if not _same_origin():
                return _error_page(403, "Yêu cầu bị từ chối: biểu mẫu được gửi từ một trang "
                                   "web khác, không phải từ formkit. Mở formkit và làm lại "
                                   "thao tác từ trang của formkit.")
            sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")
            if not same_token(session.get("csrf"), sent):
                return _error_page(400, "Yêu cầu bị từ chối: thiếu mã bảo vệ biểu mẫu (CSRF) "
                                   "hoặc phiên làm việc đã hết hạn. Tải lại trang rồi thử lại.")
        g.user = _load_user()
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if g.user is None:
            if g.get("session_ended"):
                flash("Phiên làm việc đã kết thúc (đăng xuất, đổi mật khẩu hoặc vai trò, hoặc "
                      "để lâu không dùng). Hãy đăng nhập lại.", "warning")
            if request.method in SAFE_METHODS and request.endpoint != "scan.progress":
                wanted = request.full_path.rstrip("?")
                return redirect(url_for("auth.login", next=safe_next(wanted)))
            return _error_page(401, "Cần đăng nhập.", login=True)
        return None

    @app.after_request
    def headers(resp: Response) -> Response:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        if request.endpoint != "static":
            # pages and downloads carry personal data: never kept by a browser or proxy
            resp.headers["Cache-Control"] = "no-store"
            resp.headers.pop("ETag", None)
        return resp

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        messages = {
            403: "Tài khoản của bạn không có quyền mở trang này.",
            404: "Không có trang này.",
            405: "Thao tác không hợp lệ cho trang này.",
            413: f"Tệp tải lên quá lớn: giới hạn {max_upload_mb} MB một lần. Chia nhỏ tệp "
                 "hoặc quét ở 200–300 dpi.",
        }
        return _error_page(exc.code or 500, messages.get(exc.code or 0, exc.description or ""))

    @app.errorhandler(FormkitError)
    def formkit_error(exc: FormkitError) -> Any:
        return _error_page(500 if exc.exit_code in (1, 8) else 400, error_vn(exc))

    @app.errorhandler(OverflowError)
    def overflow(exc: OverflowError) -> Any:
        # a number far beyond any id or year reached the database or the calendar
        return _error_page(404, "Không có mục này: số đã nhập quá lớn. Kiểm tra lại địa chỉ.")

    @app.errorhandler(Exception)
    def internal_error(exc: Exception) -> Any:
        from sqlalchemy.exc import DataError

        if isinstance(exc, DataError):  # PostgreSQL's word for the same overflow
            return _error_page(404, "Không có mục này: giá trị đã nhập nằm ngoài giới hạn.")
        log.exception("unhandled error")
        return _error_page(500, "Lỗi nội bộ của formkit. Chưa có gì bị ghi dở; báo cho quản trị "
                           "viên kèm thời điểm xảy ra.")

    return app


def _error_page(code: int, message: str, login: bool = False) -> tuple[str, int]:
    if request.accept_mimetypes.best == "application/json" or request.path.endswith(".json"):
        from flask import jsonify

        return jsonify({"error": message}), code  # type: ignore[return-value]
    return render_template("error.html", code=code, message=message, login=login), code


def _vndate(d: Any) -> str:
    if d is None or d == "":
        return ""
    if isinstance(d, str):
        from datetime import date, datetime

        try:
            d = datetime.fromisoformat(d) if "T" in d else date.fromisoformat(d)
        except ValueError:
            return d
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _vntime(d: Any) -> str:
    if d is None or d == "":
        return ""
    if isinstance(d, str):
        from datetime import datetime

        try:
            d = datetime.fromisoformat(d)
        except ValueError:
            return d
    return f"{d:%H:%M} {_vndate(d)}" if hasattr(d, "hour") else _vndate(d)
