"""The message catalogue: every code is worded in both languages over the same parameters,
messages survive storage, and errors speak Vietnamese to people and English to scripts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from formkit import catalogue
from formkit.catalogue import CATALOGUE, Message, loads, placeholders, render, say
from formkit.errors import InputError, RefusedError

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_entry_has_both_languages_over_the_same_parameters(code):
    vi, en = CATALOGUE[code]
    assert vi.strip() and en.strip(), code
    assert placeholders(vi) == placeholders(en), code


def test_every_code_said_in_the_product_is_in_the_catalogue():
    said = re.compile(r"""\bsay\(\s*["']([a-z_][\w.]*)["']""")
    missing = set()
    for path in (ROOT / "formkit").rglob("*.py"):
        for code in said.findall(path.read_text(encoding="utf-8")):
            if code not in CATALOGUE:
                missing.add(f"{path.relative_to(ROOT)}: {code}")
    assert not missing, sorted(missing)


def test_unknown_code_fails_where_it_is_said():
    with pytest.raises(KeyError):
        say("page.no_such_thing")


def test_message_round_trips_through_its_stored_form():
    message = say("text", text="Nguyễn Văn A")
    back = loads(message.dumps())
    assert back == message
    assert render(back, "vi") == "Nguyễn Văn A"


def test_plain_stored_text_is_shown_as_it_is():
    assert loads("blank page") == "blank page"
    assert render(loads("blank page")) == "blank page"
    assert render(None) == ""


def test_missing_parameter_renders_visibly_instead_of_failing():
    catalogue.CATALOGUE["test.sample"] = ("Phiếu {serial}", "Sheet {serial}")
    try:
        assert render(Message("test.sample", {})) == "Phiếu {serial}"
    finally:
        del catalogue.CATALOGUE["test.sample"]


def test_parameters_are_stored_in_nfc():
    decomposed = "Nguye\u0302\u0303n"
    assert say("text", text=decomposed).params["text"] == "Nguyễn"


def test_error_speaks_vietnamese_with_its_hint_and_english_for_scripts():
    exc = InputError(say("text", text="tệp hỏng"))
    assert str(exc).startswith("tệp hỏng\n→ Kiểm tra tệp")
    assert "Check the file" in exc.text("en")
    data = exc.to_json()
    assert data["code"] == "text" and data["exit_code"] == 5
    assert "Kiểm tra tệp" in data["vi"] and "Check the file" in data["en"]


def test_refusal_has_no_hint_and_an_empty_hint_overrides_the_class_hint():
    assert RefusedError("x").hint == ""
    assert InputError("x", hint="").hint == ""
