"""The verbs of formkit as Python functions, for scripts, the CLI and the web app.
Each takes a Settings (see formkit.config.load_settings) and returns plain results;
failures raise formkit.errors exceptions with a message that says what to do."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from formkit.config import Settings, load_settings, write_default_config
from formkit.errors import InputError, OutputError
from formkit.render.build import BuildRequest, BuildResult, build_forms
from formkit.spec import FormSpec, load_form, template_path

__all__ = ["Settings", "load_settings", "init_workspace", "load_spec", "build", "BuildResult",
           "read", "parse_vn_date", "write_json"]


def init_workspace(path: Path, force: bool = False) -> Path:
    """Write formkit.toml with the Đắk Lắk defaults; return its path."""
    return write_default_config(path, force=force)


def load_spec(settings: Settings, form: str) -> FormSpec:
    return load_form(template_path(settings.templates_dir, form))


def build(settings: Settings, forms: list[str], year: int, unit: str | None = None,
          copies: int = 0, first_serial: int | None = None, pages: int = 1,
          pdf: bool = True) -> list[BuildResult]:
    """Build the given forms ("05-01", "05-02") as DOCX and PDF under exports/forms/."""
    u = settings.unit(unit)
    reqs = [BuildRequest(load_spec(settings, f), year, u, copies, first_serial, pages)
            for f in forms]
    return build_forms(settings, reqs, make_pdf=pdf)


_VN_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")


def parse_vn_date(text: str) -> date:
    """dd/mm/yyyy (Vietnamese order) or yyyy-mm-dd."""
    m = _VN_DATE.match(text)
    try:
        if m:
            return date(int(m[3]), int(m[2]), int(m[1]))
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{text!r} is not a date.",
                         hint="Write dates as dd/mm/yyyy, e.g. 05/01/2026.") from None


def write_json(data: dict, path: Path) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str),
                       encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise OutputError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    return path


def read(settings: Settings, paths: list[Path], received: date | None = None,
         unit: str | None = None, out_dir: Path | None = None, ocr: bool = True,
         store: bool = True, progress: Callable | None = None, jobs: int | None = None):
    """Read returned surveys; store the batch unless store=False. Returns the BatchReport.
    jobs: worker processes reading pages (default: one per core; 1 reads in this process)."""
    from formkit.scan import read_paths
    from formkit.scan.batch import default_jobs
    from formkit.store import open_store

    if unit:
        settings.unit(unit)  # unknown codes fail early with the list of known ones
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs {jobs}: the number of reading processes must be 1 or more.",
                         hint="Leave --jobs out to use one process per core.")
    jobs = jobs or default_jobs()
    if not store:
        report = read_paths(settings, paths, received, unit, out_dir, ocr=ocr,
                            progress=progress, jobs=jobs)
    else:
        # pages read in earlier batches are duplicates, not counted twice
        with open_store(settings) as st:
            known = st.known_pages()
        report = read_paths(settings, paths, received, unit, out_dir, ocr=ocr,
                            progress=progress, known_pages=known, jobs=jobs)
        with open_store(settings) as st:
            st.save_batch(report.to_json(), report.sheets)
    if out_dir is not None:
        write_json(report.to_json(), out_dir / "batch.json")
    return report
