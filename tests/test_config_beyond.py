"""[privacy] and [indicators] settings of formkit.toml (issue 18)."""

from __future__ import annotations

import pytest

from formkit.config import ConfigError, load_settings, write_default_config


def _write(tmp_path, extra: str):
    path = write_default_config(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return load_settings(tmp_path)


def test_defaults_are_named_and_off(tmp_path):
    s = _write(tmp_path, "")
    assert (s.anonymous_surveys, s.feedback_deadline_days, s.sample_margin) == (False, 10, 0.05)
    assert s.files_handled == {} and s.reference_figures == []


def test_indicator_settings_are_read(tmp_path):
    s = _write(tmp_path, """
[indicators.files_handled]
"2026" = 2000
[indicators.files_overdue]
"2026" = 12
[[indicators.reference]]
label = "SIPAS toàn quốc"
year = 2023
percent = 82.66
""")
    assert s.files_handled == {2026: 2000} and s.files_overdue == {2026: 12}
    assert [(r.label, r.year, r.percent) for r in s.reference_figures] == [
        ("SIPAS toàn quốc", 2023, 82.66)]


@pytest.mark.parametrize("bad, message", [
    ('[indicators.files_handled]\n"năm" = 10\n', "is not \"year\" = count"),
    ("[[indicators.reference]]\nlabel = \"x\"\nyear = 2023\npercent = 182\n", "percent (0–100)"),
])
def test_bad_indicator_settings_say_what_to_write(tmp_path, bad, message):
    with pytest.raises(ConfigError) as err:
        _write(tmp_path, bad)
    assert message in err.value.text("en")
    assert err.value.code.startswith("error.config.")


def test_bad_margin_and_anonymous_flag_are_refused(tmp_path):
    path = write_default_config(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("margin = 0.05", "margin = 5"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(tmp_path)
    assert err.value.code == "error.config.margin"
    assert "margin phải là một phân số giữa 0 và 1" in err.value.message
    path.write_text(text.replace("anonymous_surveys = false", "anonymous_surveys = \"có\""),
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="anonymous_surveys"):
        load_settings(tmp_path)
