"""LibreOffice (headless) for DOCX → PDF conversion."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from formkit.errors import ExternalProgramError

CANDIDATES = ("soffice", "libreoffice")


def find_soffice() -> str:
    override = os.environ.get("FORMKIT_SOFFICE")
    if override:
        if Path(override).exists() or shutil.which(override):
            return override
        raise ExternalProgramError(
            f"FORMKIT_SOFFICE points to {override!r}, which does not exist.",
            hint="Unset FORMKIT_SOFFICE or point it at the soffice program.",
        )
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    raise ExternalProgramError(
        "LibreOffice (soffice) was not found, so no PDF can be made.",
        hint="Install it with `make setup` (or `apt-get install libreoffice-writer-nogui`); "
        "the DOCX files are written anyway.",
    )


def convert_to_pdf(docx_files: list[Path], out_dir: Path, timeout: float = 600) -> list[Path]:
    """Convert many documents in one LibreOffice call (much faster than one call each).

    Each call gets its own throw-away profile so that concurrent conversions do not clash
    and nothing is written to the user's ~/.config.
    """
    if not docx_files:
        return []
    exe = find_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="formkit-lo-") as profile:
        cmd = [
            exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
            "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out_dir),
            *[str(p) for p in docx_files],
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  env={**os.environ, "HOME": profile})
        except subprocess.TimeoutExpired:
            raise ExternalProgramError(
                f"LibreOffice did not finish converting {len(docx_files)} file(s) within "
                f"{timeout:.0f} s.",
                hint="Try fewer copies per build, or check that no LibreOffice window is stuck.",
            ) from None
    outputs = [out_dir / (p.stem + ".pdf") for p in docx_files]
    missing = [p for p in outputs if not p.exists()]
    if proc.returncode != 0 or missing:
        detail = (proc.stderr or proc.stdout or "").strip().splitlines()[-3:]
        raise ExternalProgramError(
            f"LibreOffice failed to convert {', '.join(p.name for p in missing) or 'the files'} "
            f"(exit {proc.returncode}): {' '.join(detail) or 'no message'}.",
        )
    return outputs
