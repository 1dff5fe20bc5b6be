"""Helpers of the web app tests: a workspace with users, logging in with the Flask test
client, the hidden tokens of a page, sample scans made from a built form, and the app served
on a free localhost port in a background thread."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formkit import api
from formkit.config import Settings, load_settings
from formkit.store import open_store
from formkit.web import users

PASSWORDS = {"admin": "quantri-2026", "iso": "ban-iso-2026", "staff": "canbo-2026"}


def make_web_workspace(path: Path) -> Settings:
    """A fresh workspace with one user per role (named after the role)."""
    api.init_workspace(path)
    settings = load_settings(path)
    with open_store(settings) as store:
        users.ensure_tables(store)
        for role, password in PASSWORDS.items():
            users.create_user(store, role, password, role, full_name=f"Người {role}",
                              actor="test")
    return settings


def hidden(html: str, name: str) -> str:
    """The value of the first hidden input called `name` in a page."""
    m = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert m, f"no hidden input {name!r} in the page"
    return m.group(1)


def login(client: Any, name: str, password: str | None = None) -> Any:
    page = client.get("/dang-nhap")
    return client.post("/dang-nhap", data={
        "csrf_token": hidden(page.get_data(as_text=True), "csrf_token"), "name": name,
        "password": password or PASSWORDS[name]})


def tokens(client: Any, url: str) -> dict[str, str]:
    """csrf_token and a fresh form_token, taken from the page at `url`; with the version the
    (first) edit form was made from, when the page has one."""
    html = client.get(url).get_data(as_text=True)
    out = {"csrf_token": hidden(html, "csrf_token"), "form_token": hidden(html, "form_token")}
    if 'name="version"' in html:
        out["version"] = hidden(html, "version")
    return out


def account_form(client: Any, user_id: int) -> dict[str, str]:
    """csrf, form token and version of the account form for `user_id` on the users page."""
    html = client.get("/nguoi-dung/").get_data(as_text=True)
    m = re.search(rf'action="/nguoi-dung/{user_id}"[^>]*>.*?name="version" value="([^"]+)"',
                  html, re.S)
    assert m, f"no form for account {user_id}"
    return {"csrf_token": hidden(html, "csrf_token"), "form_token": hidden(html, "form_token"),
            "version": m.group(1)}


# ---- sample scans --------------------------------------------------------------------------

ANSWERS = {
    "noi_dung.tiep_nhan_xu_ly": True,
    "c1.thai_do_giao_tiep": "tot", "c1.lang_nghe_y_kien": "dat",
    "c1.tan_tinh_chu_dao": "tot", "c1.tuan_thu_quy_trinh": "tot",
    "c2.phien_ha": "khong",
    "c3.chinh_xac_khach_quan": "dat", "c4.dung_thoi_han": "tot",
    "c5.muc_do_hai_long": "tot",
}


#: rows of the first copy where a second box is ticked too ("several boxes": review items)
DOUBLE_TICKS = {"c1.thai_do_giao_tiep": "dat", "c3.chinh_xac_khach_quan": "tot",
                "c5.muc_do_hai_long": "dat"}


def sample_scans(settings: Settings, out: Path, copies: int = 2) -> dict[str, Any]:
    """Build `copies` numbered surveys (LibreOffice), print them to 200-dpi images, tick the
    answers, and tick a second box in three rows of the first copy (three review items).
    Writes the first copy as a scanner PDF and the others as PNG pages; returns the paths."""
    import pypdfium2 as pdfium
    from PIL import Image

    from .scanhelp import draw_mark, fill_sheet, render_page

    built = api.build(settings, ["05-02"], 2026, unit="QLCN", copies=copies)[0]
    out.mkdir(parents=True, exist_ok=True)
    dpi = 200
    files: list[Path] = []
    doc = pdfium.PdfDocument(str(built.pdf))
    pages_per_copy = len(doc) // copies
    doc.close()
    for copy in range(copies):
        pages = [render_page(built.pdf, pages_per_copy * copy + i, dpi)
                 for i in range(pages_per_copy)]
        fill_sheet(pages, built.layout, ANSWERS, dpi)
        if copy == 0:
            for img, page in zip(pages, built.layout.pages, strict=True):
                for box in page.boxes:
                    if DOUBLE_TICKS.get(box.field) == box.value:
                        draw_mark(img, box.rect, dpi)
            images = [Image.fromarray(p) for p in pages]
            pdf = out / "may_quet_lo_1.pdf"
            images[0].save(pdf, save_all=True, append_images=images[1:], resolution=dpi)
            files.append(pdf)
        else:
            for i, img in enumerate(pages, start=1):
                png = out / f"phieu_{copy + 1}_trang_{i}.png"
                Image.fromarray(img).save(png, dpi=(dpi, dpi))
                files.append(png)
    return {"files": files, "built": built}


# ---- a live server -----------------------------------------------------------------------

@dataclass
class LiveServer:
    settings: Settings
    url: str
    server: Any
    app: Any
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        ctx = self.app.extensions["formkit"]
        ctx.jobs.stop()
        ctx.store.close()


def start_server(settings: Settings, max_upload_mb: int = 200) -> LiveServer:
    from formkit.web.server import build_server

    server, app = build_server(settings, "127.0.0.1", 0, max_upload_mb=max_upload_mb)
    thread = threading.Thread(target=server.serve_forever, name="formkit-web-test",
                              daemon=True)
    thread.start()
    return LiveServer(settings, f"http://127.0.0.1:{server.port}", server, app, thread)


# ---- fixtures (import them into a test module to use them) --------------------------------

@dataclass
class Web:
    settings: Settings
    app: Any
    store: Any

    def client(self, name: str | None = None) -> Any:
        """A test client, signed in as `name` (admin, iso, staff) or anonymous."""
        c = self.app.test_client()
        if name:
            r = login(c, name)
            assert r.status_code == 302, r.get_data(as_text=True)
        return c


def make_web(path: Path, max_upload_mb: int = 200) -> Web:
    from formkit.web import create_app

    settings = make_web_workspace(path)
    app = create_app(settings, max_upload_mb=max_upload_mb)
    app.config["TESTING"] = True
    return Web(settings, app, app.extensions["formkit"].store)


def close_web(web: Web) -> None:
    ctx = web.app.extensions["formkit"]
    ctx.jobs.wait_idle(60)
    ctx.jobs.stop()
    ctx.store.close()
