"""The verbs of formkit as Python functions, for scripts, the CLI and the web app.
Each takes a Settings (see formkit.config.load_settings) and returns plain results;
failures raise formkit.errors exceptions with a message that says what to do."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from formkit.config import Settings, load_settings, write_default_config
from formkit.errors import InputError
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
    from formkit import fsutil

    return fsutil.write_json(path, data)


@contextmanager
def _work_folder(out_dir: Path | None, stored: list[bool]) -> Iterator[None]:
    """Claim the run's work folder; if the run fails before anything was stored, the folder
    it created is removed (scratch never outlives a failed run)."""
    if out_dir is None:
        yield
        return
    from formkit.store.batches import claim_folder, unmark_run

    created = claim_folder(out_dir)
    try:
        yield
    except BaseException:
        if created and not stored[0]:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    unmark_run(out_dir)


def read(settings: Settings, paths: list[Path], received: date | None = None,
         unit: str | None = None, out_dir: Path | None = None, ocr: bool = True,
         store: bool = True, progress: Callable | None = None, jobs: int | None = None):
    """Read returned surveys; store the batch unless store=False. Returns the BatchReport.
    Batches of earlier runs that were killed are closed first (see formkit.store.batches).
    jobs: worker processes reading pages (default: one per core; 1 reads in this process)."""
    from formkit.scan import read_paths
    from formkit.scan.batch import default_jobs
    from formkit.store import open_store
    from formkit.store.batches import close_own_batches, recover

    if unit:
        settings.unit(unit)  # unknown codes fail early with the list of known ones
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs {jobs}: the number of reading processes must be 1 or more.",
                         hint="Leave --jobs out to use one process per core.")
    jobs = jobs or default_jobs()
    stored = [False]
    notes: list[str] = []
    with _work_folder(out_dir, stored):
        if not store:
            report = read_paths(settings, paths, received, unit, out_dir, ocr=ocr,
                                progress=progress, jobs=jobs)
        else:
            # pages read in earlier batches are duplicates, not counted twice
            with open_store(settings) as st:
                notes = recover(settings, st).describe()
                known = st.known_pages()
            report = read_paths(settings, paths, received, unit, out_dir, ocr=ocr,
                                progress=progress, known_pages=known, jobs=jobs)
            data = report.to_json()
            if out_dir is not None:
                data["batch_dir"] = str(out_dir)
            with open_store(settings) as st:
                stored[0] = True
                try:
                    st.save_batch(data, report.sheets)
                except BaseException:
                    close_own_batches(st)
                    raise
        report.notes = notes
        if out_dir is not None:
            write_json(report.to_json(), out_dir / "batch.json")
    return report
