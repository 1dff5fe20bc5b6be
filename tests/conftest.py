from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from formkit import api
from formkit.config import load_settings

REPO = Path(__file__).resolve().parent.parent


def make_workspace(path: Path):
    api.init_workspace(path)
    return load_settings(path)


@pytest.fixture
def workspace(tmp_path: Path):
    return make_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict:
    """Both forms built once through the real LibreOffice: 3 numbered survey copies and a
    2-page register. Shared by the slow round-trip tests (read-only)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed (run `make setup`)")
    ws = tmp_path_factory.mktemp("built")
    settings = make_workspace(ws)
    survey = api.build(settings, ["05-02"], 2026, unit="QLCN", copies=3)[0]
    register = api.build(settings, ["05-01"], 2026, pages=2)[0]
    return {"settings": settings, "survey": survey, "register": register}
