"""The verbs of formkit as Python functions, for scripts, the CLI and the web app.
Each takes a Settings (see formkit.config.load_settings) and returns plain results;
failures raise formkit.errors exceptions with a message that says what to do."""

from __future__ import annotations

from pathlib import Path

from formkit.config import Settings, load_settings, write_default_config
from formkit.render.build import BuildRequest, BuildResult, build_forms
from formkit.spec import FormSpec, load_form, template_path

__all__ = ["Settings", "load_settings", "init_workspace", "load_spec", "build", "BuildResult"]


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
