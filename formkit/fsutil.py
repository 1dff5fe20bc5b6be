"""The one atomic writer: every file formkit writes goes to a temporary name beside its
target, is flushed to disk (fsync), then renamed over the target. A crash or a full disk
therefore leaves either the old file or the new one, never half a file, and a failure is
raised as OutputError naming the folder (and, when the disk is full, the free space).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from formkit.catalogue import say
from formkit.errors import OutputError

#: errno values that mean "the disk (or the quota) is full"
NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}


def free_bytes(folder: Path) -> int | None:
    """Free space where `folder` lives (its nearest existing parent), or None."""
    p = Path(folder)
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        return shutil.disk_usage(p).free
    except OSError:
        return None


def human_bytes(n: int | None) -> str:
    if n is None:
        return "không rõ"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}".replace(".", ",")
        n /= 1024  # type: ignore[assignment]
    return str(n)


def is_no_space(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in NO_SPACE


def output_error(path: Path, exc: BaseException, what: str = "") -> OutputError:
    """The OutputError (exit 7) that says why `path` could not be written."""
    folder = Path(path).parent
    label = f"{what} {path}" if what else str(path)
    if is_no_space(exc):
        return OutputError(
            f"Không đủ chỗ trên đĩa / no space left: cannot write {label}; folder {folder} "
            f"has {human_bytes(free_bytes(folder))} free.",
            hint="Free some disk space (or choose another folder), then run the same command "
            "again: nothing was half-stored and the rerun completes the work.")
    if isinstance(exc, PermissionError):
        return OutputError(
            f"Cannot write {label}: permission denied ({exc.strerror}).",
            hint="Close the file if it is open in Excel or LibreOffice, or choose a folder you "
            "can write to, then run the command again.")
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return OutputError(f"Cannot write {label}: {reason}.")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not supported here (e.g. Windows); the rename itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: Path, what: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `path` (same suffix, so writers that look at it keep
    working); when the block ends without error the file is fsynced and renamed to `path`.
    On any error the temporary file is removed and OSError becomes OutputError."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.stem[:40]}-", suffix=f"{path.suffix}.part",
                                    dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise output_error(path, exc, what) from exc
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        raise output_error(path, exc, what) from exc
    finally:
        if tmp.exists():
            try:
                tmp.unlink()
            except OSError:
                pass


def write_bytes(path: Path, data: bytes, what: str = "") -> Path:
    with atomic_path(path, what) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_text(path: Path, text: str, what: str = "", encoding: str = "utf-8") -> Path:
    return write_bytes(path, text.encode(encoding), what)


def write_json(path: Path, data: Any, what: str = "", indent: int | None = 1) -> Path:
    return write_text(path, json.dumps(data, ensure_ascii=False, indent=indent, default=str),
                      what)


def write_image(path: Path, image: Any, params: list[int] | None = None,
                what: str = "image") -> Path:
    """Encode with OpenCV (the format follows the suffix) and write atomically; a failed
    encoding is an error, never a silently missing file."""
    import cv2

    ok, buf = cv2.imencode(Path(path).suffix or ".png", image, params or [])
    if not ok:
        raise OutputError(say("error.image.encode", what=what, path=path))
    return write_bytes(path, buf.tobytes(), what)
