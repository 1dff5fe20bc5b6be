"""Keyword classification of feedback into opinion groups (form_templates/feedback_groups.yaml)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from formkit.analyze.classify import classify_text, group_labels, load_rules
from formkit.errors import TemplateError

from .errors_kit import raises_en


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@pytest.mark.parametrize("text, group", [
    ("Bãi đỗ xe chật, không có biển chỉ dẫn", "1"),
    ("Phải đi lại nhiều lần để bổ sung giấy tờ", "2"),
    ("Cán bộ có thái độ cáu gắt, hách dịch", "3"),
    ("Cán bộ gây phiền hà, đòi tiền bồi dưỡng", "4"),
    ("Hồ sơ trả kết quả trễ hạn", "5"),
    ("Kết quả thẩm định có sai sót, nhầm lẫn", "6"),
    ("Mức thu lệ phí cao", "7"),
    ("Cổng dịch vụ công trực tuyến hay bị lỗi, không đăng nhập được", "8"),
    ("Đơn khiếu nại gửi từ tháng trước chưa được trả lời", "9"),
    ("Quy định chồng chéo, bất cập", "10"),
    ("Xin cảm ơn cán bộ đã hướng dẫn tận tình, chu đáo", "11"),
    ("Hôm nay trời đẹp", "khac"),
    ("", "khac"),
])
def test_each_kind_of_feedback_goes_to_its_group(rules, text, group):
    assert classify_text(text, rules).code == group


def test_text_typed_without_accents_matches_accented_keywords(rules):
    match = classify_text("ho so tra ket qua tre han", rules)
    assert match.code == "5" and "trễ hạn" in match.keywords


def test_decomposed_unicode_classifies_like_composed(rules):
    text = "Cán bộ gây phiền hà, sách nhiễu"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert classify_text(nfd, rules) == classify_text(text, rules)


def test_accented_text_must_match_the_keywords_accents(rules):
    # "phí" (fee) must not be found in "phi lý" (absurd), nor "sai" (wrong) in "sài"
    assert classify_text("Việc này thật phi lý", rules).code == "khac"
    assert classify_text("Xe đi Sài Gòn", rules).code == "khac"
    assert classify_text("Thu phí quá cao", rules).code == "7"


def test_tone_mark_placement_does_not_matter(rules):
    old_style = unicodedata.normalize("NFC", "Máy điều hoà hỏng")  # hoà, not hòa
    assert classify_text(old_style, rules).code == "1"


def test_keywords_match_whole_words_only(rules):
    # "chậm" inside "chậmchạp" (no space) or "phí" inside "phíp" is not the word
    assert classify_text("chamchap", rules).code == "khac"


def test_negated_phrases_do_not_count_for_the_group(rules):
    match = classify_text("Cán bộ không gây phiền hà, rất nhiệt tình", rules)
    assert match.code == "11"
    assert classify_text("Cán bộ không nhiệt tình", rules).code == "3"


def test_ties_go_to_the_group_listed_first(tmp_path):
    path = tmp_path / "groups.yaml"
    path.write_text("groups:\n"
                    "  - {code: a, name: Nhóm A, keywords: [chậm]}\n"
                    "  - {code: b, name: Nhóm B, keywords: [cáu gắt]}\n",
                    encoding="utf-8")
    rules = load_rules(path)
    assert classify_text("chậm và cáu gắt", rules).code == "a"
    path.write_text("groups:\n"
                    "  - {code: b, name: Nhóm B, keywords: [cáu gắt]}\n"
                    "  - {code: a, name: Nhóm A, keywords: [chậm]}\n",
                    encoding="utf-8")
    assert classify_text("chậm và cáu gắt", load_rules(path)).code == "b"


def test_explanation_names_the_keywords_that_matched(rules):
    match = classify_text("Cán bộ gây phiền hà, đòi tiền", rules)
    assert match.explanation == "từ khóa: “phiền hà”, “đòi tiền”"
    assert match.rule == "4: phiền hà; đòi tiền"
    assert classify_text("Trời đẹp", rules).explanation.startswith("không khớp")


def test_group_labels_are_vietnamese_and_end_with_khac():
    labels = group_labels()
    assert labels["3"] == "Thái độ của công chức"
    assert labels["khac"] == "Khác"
    assert len(labels) == 12


@pytest.mark.parametrize("yaml_text, message", [
    ("groups: 5", "needs a list"),
    ("groups:\n  - {code: '1', name: A, keywords: [x]}\n  - {code: '1', name: B, "
     "keywords: [y]}\n", "used twice"),
    ("groups:\n  - {code: '1', name: A}\n", "at least one keyword"),
    ("groups:\n  - {code: 'Một', name: A, keywords: [x]}\n", "short code"),
    ("groups:\n  - {code: '1', keywords: [x]}\n", "name: missing"),
    ("groups: [\n", "not valid YAML"),
])
def test_a_broken_rules_file_names_the_file_and_the_key(tmp_path, yaml_text, message):
    path = tmp_path / "feedback_groups.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with raises_en(TemplateError, message) as err:
        load_rules(path)
    assert str(path) in str(err.value)


def test_an_edited_rules_file_is_read_again(tmp_path):
    path: Path = tmp_path / "groups.yaml"
    path.write_text("groups:\n  - {code: a, name: A, keywords: [chậm]}\n", encoding="utf-8")
    assert classify_text("chậm", load_rules(path)).code == "a"
    path.write_text("groups:\n  - {code: b, name: B, keywords: [chậm, trễ]}\n",
                    encoding="utf-8")
    assert classify_text("chậm", load_rules(path)).code == "b"
