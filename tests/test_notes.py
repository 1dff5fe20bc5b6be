"""Page reasons and field notes as catalogue codes (formkit.notes): how they are kept, how old
texts stored before codes are shown, and how each face words them."""

from __future__ import annotations

import json

from formkit.catalogue import CATALOGUE, Message, placeholders, say
from formkit.notes import (
    codes,
    join,
    messages,
    note_text,
    reason,
    reason_json,
    reason_stored,
    reason_text,
)
from formkit.store.review import note_vn
from formkit.web.messages import reason_vn


def test_no_template_uses_code_as_a_parameter_name():
    # say(code, **params): a parameter called "code" could never be given
    assert not [k for k, (vi, en) in CATALOGUE.items()
                if "code" in placeholders(vi) | placeholders(en)]


def test_a_note_keeps_its_messages_in_order_and_leaves_empty_parts_out():
    note = join(say("note.boxes.unclear", boxes="tot, dat"), None, "",
                join(say("note.noisy_page")))
    assert codes(note) == ["note.boxes.unclear", "note.noisy_page"]
    assert json.loads(note)[0] == {"code": "note.boxes.unclear", "params": {"boxes": "tot, dat"}}
    assert join() == "" and join(None, "") == ""


def test_a_note_names_boxes_by_their_labels_in_vietnamese_and_by_codes_in_english():
    note = join(say("note.boxes.unclear", boxes="tot, dat"), say("note.noisy_page"))
    labels = {"tot": "Tốt", "dat": "Đạt yêu cầu"}
    assert note_text(note, "vi", labels) == (
        "Ô chưa rõ: Tốt, Đạt yêu cầu. Trang nhiều vết nhiễu: không chắc là ô không có dấu "
        "bút chì mờ.")
    assert note_text(note, "en") == (
        "unclear box: tot, dat page too noisy to be sure no pale mark is there")


def test_the_ocr_doubts_are_gathered_after_one_lead_in_and_the_ink_share_is_not_shown():
    note = join(say("note.text.ink", ink="0.0154"), say("note.doubt.not_syllable", count=2),
                say("note.doubt.symbol", count=1))
    assert note_vn(note) == ("Máy đọc chữ không chắc: 2 từ không phải âm tiết tiếng Việt, "
                             "1 ký hiệu lạ.")
    assert note_text(note, "en") == "ink 0.0154 OCR doubts: not a syllable ×2, symbol ×1"


def test_a_note_stored_before_codes_is_shown_as_it_was_stored():
    assert messages("ticked: tot, dat; answer circled") == ["ticked: tot, dat", "answer circled"]
    assert note_vn("ticked: tot, dat; answer circled") == "ticked: tot, dat answer circled"


def test_plain_text_added_after_a_coded_note_is_kept_beside_it():
    # a reader not on codes yet joins its own text with "; " (formkit.scan.legacy today)
    note = join(say("note.circled")) + "; boxes located by the form's wording"
    assert messages(note) == [say("note.circled"), "boxes located by the form's wording"]
    assert note_vn(note) == "Ô trả lời được khoanh tròn. boxes located by the form's wording"


def test_a_reason_survives_the_batch_json_and_the_database_in_every_form():
    said = say("page.low_resolution", dpi="34")
    stored = reason_stored(said)
    assert reason(stored) == said == reason(reason_json(said)) == reason(said)
    assert reason_json(said)["vi"] == ("Độ phân giải quá thấp (khoảng 34 dpi): quét lại ở "
                                       "150–300 dpi.")
    assert reason_text(stored, "en") == "resolution too low (about 34 dpi): scan at 150–300 dpi"
    assert reason_vn(stored) == reason_vn(reason_json(said)) == reason_json(said)["vi"]


def test_a_reason_stored_before_codes_is_shown_as_stored_and_none_is_empty():
    assert reason_vn("blank page") == "blank page"
    assert reason_stored("blank page") == "blank page"
    assert reason_vn(None) == reason_vn("") == "" and reason_json(None) == ""
    assert reason_json("blank page")["code"] == "text"


def test_an_internal_error_is_stored_so_the_store_reads_the_page_again():
    from formkit.store.core import is_local_rejection

    assert is_local_rejection(reason_stored(say("page.local.internal_error", detail="x")))
    assert not is_local_rejection(reason_stored(say("page.blank")))


def test_a_message_with_an_unknown_code_still_shows_something():
    assert reason_vn(Message("page.removed_later", {})) == "page.removed_later"


def test_a_note_about_the_question_a_field_depends_on_names_it_and_its_answers_as_printed():
    from pathlib import Path

    from formkit.spec import load_forms

    spec = load_forms(Path(__file__).resolve().parents[1] / "form_templates")["05-02"]
    note = join(say("note.condition.unsettled", condition="c2.phien_ha", wanted="co",
                    status="uncertain"),
                say("note.boxes.stray", boxes="mot_lan", area="3.1"))
    text = note_vn(note, spec.fields["c2.muc_do"], spec)
    assert "“Phiền hà, sách nhiễu”" in text and "chỉ hỏi khi Có" in text
    assert "không chắc chắn" in text and "Một lần" in text
    assert "c2.phien_ha" not in text and "uncertain" not in text and "mot_lan" not in text
