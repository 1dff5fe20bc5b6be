"""LibreOffice (headless) for DOCX → PDF conversion."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from formkit import fsutil
from formkit.catalogue import say
from formkit.errors import ExternalProgramError, OutputError

CANDIDATES = ("soffice", "libreoffice")


def find_soffice() -> str:
    override = os.environ.get("FORMKIT_SOFFICE")
    if override:
        if Path(override).exists() or shutil.which(override):
            return override
        raise ExternalProgramError(
            say("error.exec.override_missing", variable="FORMKIT_SOFFICE", path=override),
            hint=say("hint.exec.override", variable="FORMKIT_SOFFICE", program="soffice"))
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    raise ExternalProgramError(say("error.soffice.missing"), hint=say("hint.soffice.install"))


#: free space under which a LibreOffice failure is blamed on the disk, not on LibreOffice
MIN_FREE_BYTES = 64 * 1024 * 1024
_DISK_WORDS = ("no space", "disk full", "enospc", "quota", "write error")


def convert_to_pdf(docx_files: list[Path], out_dir: Path, timeout: float = 600) -> list[Path]:
    """Convert many documents in one LibreOffice call (much faster than one call each).

    Each call gets its own throw-away profile so that concurrent conversions do not clash
    and nothing is written to the user's ~/.config. LibreOffice runs under
    formkit._exec.guard in a process group of its own: it is ended with formkit (even when
    formkit is killed) and its profile folder is removed on every exit path. A failure is
    diagnosed: LibreOffice missing (exit 6), the disk full (exit 7, OutputError), or
    LibreOffice failing (exit 6, with its message).
    """
    if not docx_files:
        return []
    exe = find_soffice()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        profile = tempfile.mkdtemp(prefix="formkit-lo-")
    except OSError as exc:
        raise _disk_or(exc, out_dir) from exc
    scratch = [profile] + ([str(out_dir)] if out_dir.name.startswith("formkit-") else [])
    cmd = [
        sys.executable, "-m", "formkit._exec.guard", os.pathsep.join(scratch), "--",
        exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
        "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out_dir),
        *[str(p) for p in docx_files],
    ]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "HOME": profile})
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(proc)
            raise ExternalProgramError(
                say("error.soffice.timeout", files=len(docx_files), seconds=f"{timeout:.0f}"),
                hint=say("hint.soffice.timeout")) from None
        except BaseException:  # Ctrl+C, SIGTERM turned into SystemExit: end LibreOffice too
            _stop(proc)
            raise
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    outputs = [out_dir / (p.stem + ".pdf") for p in docx_files]
    missing = [p for p in outputs if not p.exists() or p.stat().st_size == 0]
    if proc.returncode != 0 or missing:
        detail = " ".join((stderr or stdout or "").strip().splitlines()[-3:])
        free = fsutil.free_bytes(out_dir)
        if any(w in detail.lower() for w in _DISK_WORDS) or (
                free is not None and free < MIN_FREE_BYTES):
            for p in missing:
                p.unlink(missing_ok=True)
            raise OutputError(say("error.soffice.disk_full", folder=str(out_dir),
                                  free=fsutil.human_bytes(free)),
                              hint=say("hint.free_disk"))
        raise ExternalProgramError(
            say("error.soffice.failed", files=", ".join(p.name for p in missing) or "—",
                status=proc.returncode, detail=detail or "—"),
            hint=say("hint.soffice.failed"))
    return outputs


def _stop(proc: subprocess.Popen) -> None:
    """End the guard, which ends LibreOffice's group and removes the scratch folders."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _disk_or(exc: OSError, folder: Path) -> OutputError:
    return fsutil.output_error(folder / "x.pdf", exc, "PDF")
