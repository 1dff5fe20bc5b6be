"""Uploads: checked by content, size and pixel count; kept unchanged under scans/inbox/<date>/
with a generated name; read in the background with progress; every page in the report."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from formkit.app.intake import file_kind as sniff
from formkit.catalogue import loads, say
from formkit.web.uploads import UploadRefused, display_name, save_upload

from .web_helpers import close_web, make_web, tokens


@pytest.fixture
def web(tmp_path):
    w = make_web(tmp_path / "ws", max_upload_mb=1)
    yield w
    close_web(w)


def _png(size=(1240, 1754), colour=255, mode="L") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, colour).save(buf, format="PNG", dpi=(150, 150))
    return buf.getvalue()


def _upload(c, files: list[tuple[bytes, str]], follow_redirects: bool = False, **fields):
    data = {**tokens(c, "/quet-phieu/"), "received": "", "unit": "", "ocr": "1", **fields,
            "files": [(io.BytesIO(content), name) for content, name in files]}
    r = c.post("/quet-phieu/", data=data, content_type="multipart/form-data")
    if follow_redirects and r.status_code == 302:
        return c.get(r.headers["Location"])  # the page the person sees next
    return r


def _inbox(web) -> Path:
    return web.settings.scans_dir / "inbox" / date.today().isoformat()


def _kept(web) -> list[Path]:
    folder = _inbox(web)
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) \
        if folder.exists() else []


def test_sniffing_looks_at_the_content_not_the_name():
    assert sniff(b"%PDF-1.7\n") == "pdf"
    assert sniff(b"\x00" * 10 + b"%PDF-1.4") == "pdf"  # junk before the header
    assert sniff(_png((10, 10))) == "png"
    assert sniff(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff(b"II*\x00") == "tiff" and sniff(b"MM\x00*") == "tiff"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert sniff(b"GIF89a\x10\x00") == "gif"
    assert sniff(b"PK\x03\x04") is None and sniff(b"<html>") is None and sniff(b"") is None
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\Users\\lan\\phieu 1.pdf") == "phieu 1.pdf"
    assert display_name("a\x00b\nc.png") == "abc.png"


def test_a_file_that_is_not_a_pdf_or_image_is_refused_whatever_its_name(web):
    c = web.client("staff")
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as zf:
        zf.writestr("a.txt", "x" * 1000)
    r = _upload(c, [(b"<html><script>alert(1)</script></html>", "phieu.pdf"),
                    (zbuf.getvalue(), "scan.png"), (b"%PDF-1.7 broken", "hong.pdf")],
                follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "“phieu.pdf” không phải PDF hay ảnh quét" in page
    assert "“scan.png” không phải PDF hay ảnh quét" in page
    assert "“hong.pdf”: PDF bị hỏng" in page
    assert _kept(web) == []
    assert not any(p.name.endswith(".part") for p in _inbox(web).glob(".*"))


def test_a_decompression_bomb_is_refused_before_anything_decodes_it(web):
    bomb = _png((13000, 13000), 1, mode="1")  # 169 megapixels in a few kilobytes
    assert len(bomb) < 1024 * 1024
    r = _upload(web.client("staff"), [(bomb, "bom.png")], follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "ảnh quá lớn" in page and "bom giải nén" in page
    assert _kept(web) == []


def test_too_large_uploads_are_refused_with_a_clear_message(web):
    c = web.client("staff")
    big = _png() + os.urandom(3 * 1024 * 1024)
    r = _upload(c, [(big, "lon.png")])
    assert r.status_code == 413
    assert "quá lớn: giới hạn 1 MB" in r.get_data(as_text=True)
    # under the request limit but over the per-file one
    r = _upload(c, [(_png() + os.urandom(1100 * 1024), "vua.png")], follow_redirects=True)
    assert "“vua.png” quá lớn" in r.get_data(as_text=True)
    assert _kept(web) == []
    with pytest.raises(UploadRefused, match="quá lớn"):
        save_upload(io.BytesIO(b"%PDF-" + b"x" * 100), "x.pdf", _inbox(web), 50, "t")


def test_a_path_in_the_file_name_is_only_display_text(web, tmp_path):
    c = web.client("staff")
    content = _png()
    r = _upload(c, [(content, "../../../../tmp/evil/../phieu cua toi.png")])
    assert r.status_code == 302
    kept = _kept(web)
    assert len(kept) == 1 and kept[0].parent == _inbox(web)
    assert kept[0].suffix == ".png" and "evil" not in kept[0].name and ".." not in kept[0].name
    assert hashlib.sha256(kept[0].read_bytes()).digest() == hashlib.sha256(content).digest()
    assert not stat.S_IMODE(kept[0].stat().st_mode) & 0o222  # kept read-only
    job_page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "phieu cua toi.png" in job_page and "evil" not in job_page
    ledger = (_inbox(web) / ".uploads.jsonl").read_text(encoding="utf-8")
    assert "phieu cua toi.png" in ledger and '"uploaded_by": "staff"' in ledger


def test_a_batch_runs_in_the_background_and_reports_every_page(web):
    c = web.client("staff")
    content = _png()
    r = _upload(c, [(content, "trang_trang.png"), (b"not an image", "ghi_chu.txt")],
                received="15/06/2026")
    assert r.status_code == 302
    job_url = r.headers["Location"]
    job_id = job_url.rstrip("/").split("/")[-1]
    progress = c.get(f"{job_url}/tien-do.json").get_json()
    assert progress["total"] == 1 and progress["state"] in ("queued", "running", "finished")
    assert web.app.extensions["formkit"].jobs.wait_idle(60)
    progress = c.get(f"{job_url}/tien-do.json").get_json()
    assert progress["finished"] and progress["done"] == 1 and progress["percent"] == 100
    page = c.get(job_url).get_data(as_text=True)
    assert "trang_trang.png" in page and "Bị từ chối" in page and "Trang trắng." in page
    assert (web.settings.exports_dir / "read" / job_id / "batch.json").exists()
    kept = _kept(web)
    assert len(kept) == 1 and kept[0].read_bytes() == content  # never modified
    actions = [(a["action"], a["actor"]) for a in web.store.audit_log(10)]
    assert ("web_upload", "staff") in actions and ("batch_saved", "staff") in actions
    pages = web.store.pages()
    assert len(pages) == 1 and pages[0]["outcome"] == "rejected"
    # the database keeps the code, every face words it from the catalogue
    assert loads(pages[0]["reason"]) == say("page.blank")
    listing = c.get("/quet-phieu/").get_data(as_text=True)
    assert job_id in listing and "Đã xong" in listing


def test_an_interrupted_batch_can_be_read_again(web):
    c = web.client("staff")
    r = _upload(c, [(_png(), "a.png")])
    runner = web.app.extensions["formkit"].jobs
    assert runner.wait_idle(60)
    job_id = r.headers["Location"].rstrip("/").split("/")[-1]
    job = runner.get(job_id)
    # as if the server had stopped while it was reading
    job.state = "running"
    runner._save(job)
    with runner._lock:
        runner._jobs.pop(job_id)
    page = c.get(f"/quet-phieu/{job_id}").get_data(as_text=True)
    assert "Bị gián đoạn" in page and "Đọc lại" in page
    t = tokens(c, f"/quet-phieu/{job_id}")
    r = c.post(f"/quet-phieu/{job_id}/doc-lai", data=t)
    assert r.status_code == 302 and r.headers["Location"] != f"/quet-phieu/{job_id}"
    assert runner.wait_idle(60)
    assert runner.get(r.headers["Location"].split("/")[-1]).state == "finished"
    assert len(web.store.pages()) == 1  # the same page is not stored twice


def test_reading_in_the_worker_thread_gives_the_same_report(web):
    """The reading process is the server's choice; the thread path reads the same way."""
    runner = web.app.extensions["formkit"].jobs
    runner.isolate = False
    c = web.client("staff")
    r = _upload(c, [(_png(), "trang.png")])
    assert runner.wait_idle(60)
    job = runner.get(r.headers["Location"].rstrip("/").split("/")[-1])
    assert job.state == "finished" and job.outcomes == {"read": 0, "duplicate": 0,
                                                        "rejected": 1}
