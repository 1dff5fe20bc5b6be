"""The first verbs of formkit as Python functions, kept under this name for scripts (the
verbs of every area are in formkit.app: intake, review, register, evaluation, archive).
Each takes a Settings (see formkit.config.load_settings) and returns plain results;
failures raise formkit.errors exceptions with a message that says what to do."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from formkit.app.intake import read
from formkit.catalogue import say
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
        raise InputError(say("error.date.invalid", text=repr(text)),
                         hint=say("hint.date.format")) from None


def write_json(data: dict, path: Path) -> Path:
    from formkit import fsutil

    return fsutil.write_json(path, data)
