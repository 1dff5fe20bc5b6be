"""Template loading and validation, and agency settings: fast, no external programs."""

from __future__ import annotations

from pathlib import Path

import pytest

from formkit.config import load_settings, write_default_config
from formkit.errors import ConfigError, TemplateError
from formkit.spec import load_form
from formkit.spec.model import FieldKind

from .errors_kit import raises_en

REPO = Path(__file__).resolve().parent.parent
SURVEY = REPO / "form_templates" / "BM.QT.SCT.05-02.yaml"
REGISTER = REPO / "form_templates" / "BM.QT.SCT.05-01.yaml"

SURVEY_FIELDS = {
    "to_chuc": FieldKind.TEXT,
    "noi_dung.tiep_nhan_xu_ly": FieldKind.FLAG,
    "noi_dung.giai_quyet_tthc": FieldKind.FLAG,
    "noi_dung.chi_tiet": FieldKind.TEXT,
    "c1.thai_do_giao_tiep": FieldKind.SINGLE,
    "c1.lang_nghe_y_kien": FieldKind.SINGLE,
    "c1.tan_tinh_chu_dao": FieldKind.SINGLE,
    "c1.tuan_thu_quy_trinh": FieldKind.SINGLE,
    "c1.y_kien_khac": FieldKind.TEXT,
    "c2.phien_ha": FieldKind.SINGLE,
    "c2.muc_do": FieldKind.SINGLE,
    "c3.chinh_xac_khach_quan": FieldKind.SINGLE,
    "c3.y_kien_khac": FieldKind.TEXT,
    "c4.dung_thoi_han": FieldKind.SINGLE,
    "c4.y_kien_khac": FieldKind.TEXT,
    "c5.muc_do_hai_long": FieldKind.SINGLE,
}


def test_survey_template_has_the_stable_field_ids_and_kinds():
    spec = load_form(SURVEY)
    assert {k: v.kind for k, v in spec.fields.items()} == SURVEY_FIELDS
    levels = ["tot", "dat", "chua_dat"]
    for fid in ("c1.thai_do_giao_tiep", "c3.chinh_xac_khach_quan", "c5.muc_do_hai_long"):
        assert [o.value for o in spec.fields[fid].options] == levels
    assert [o.value for o in spec.fields["c2.phien_ha"].options] == ["co", "khong"]
    assert [o.value for o in spec.fields["c2.muc_do"].options] == [
        "mot_lan", "mot_so_lan", "pho_bien", "rat_pho_bien"]
    assert spec.fields["c2.muc_do"].only_if == ("c2.phien_ha", "co")
    assert len(spec.boxes) == 2 + 7 * 3 + 2 + 4


def test_register_template_has_the_five_official_columns_in_order():
    spec = load_form(REGISTER)
    assert [c.id for c in spec.columns] == ["ngay", "khach_hang", "noi_dung",
                                            "nguoi_tiep_nhan", "xac_nhan"]
    assert spec.columns[2].label == "Nội dung ý kiến phản ánh của khách hàng"


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def _mutated(tmp_path: Path, old: str, new: str) -> Path:
    text = SURVEY.read_text(encoding="utf-8")
    assert old in text
    return _write(tmp_path, text.replace(old, new, 1))


def test_missing_label_is_reported_with_file_and_key(tmp_path):
    path = _mutated(tmp_path, '{id: c1.lang_nghe_y_kien, label: "Lắng nghe ý kiến"}',
                    "{id: c1.lang_nghe_y_kien}")
    with pytest.raises(TemplateError) as exc:
        load_form(path)
    assert str(path) in str(exc.value)
    assert "rows[1].label" in str(exc.value)


def test_duplicate_field_id_is_refused(tmp_path):
    path = _mutated(tmp_path, "id: c1.lang_nghe_y_kien", "id: c1.thai_do_giao_tiep")
    with pytest.raises(TemplateError, match="duplicate id 'c1.thai_do_giao_tiep'"):
        load_form(path)


def test_unknown_option_set_names_the_known_ones(tmp_path):
    path = _mutated(tmp_path, "options: co_khong", "options: yes_no")
    with pytest.raises(TemplateError, match="unknown option set 'yes_no'.*co_khong"):
        load_form(path)


def test_invalid_yaml_is_a_template_error(tmp_path):
    with raises_en(TemplateError, "not valid YAML"):
        load_form(_write(tmp_path, "code: [unclosed\n"))


def test_unknown_element_type_is_refused(tmp_path):
    path = _mutated(tmp_path, "type: closing", "type: footer")
    with pytest.raises(TemplateError, match="unknown element type 'footer'"):
        load_form(path)


def test_init_writes_defaults_and_refuses_to_overwrite(tmp_path):
    path = write_default_config(tmp_path)
    s = load_settings(tmp_path)
    assert s.source == path
    assert s.province == "UBND TỈNH ĐẮK LẮK"
    assert s.form_code("05-02") == "BM.QT.SCT.05-02"
    assert s.unit("qlcn").name == "Phòng Quản lý Công nghiệp"
    with pytest.raises(ConfigError) as err:
        write_default_config(tmp_path)
    assert err.value.code == "error.config.exists" and "đã có" in err.value.message


def test_malformed_config_names_the_file(tmp_path):
    (tmp_path / "formkit.toml").write_text("[agency\nname = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_settings(tmp_path)
    assert "formkit.toml" in str(exc.value)
    assert exc.value.exit_code == 3


def test_config_with_wrong_type_names_the_key(tmp_path):
    (tmp_path / "formkit.toml").write_text('[agency]\nname = 5\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(tmp_path)
    assert "'name' should be str" in err.value.text("en")
    assert "khóa 'name' phải có kiểu str" in err.value.message


def test_unknown_unit_lists_the_known_codes(tmp_path):
    write_default_config(tmp_path)
    with pytest.raises(ConfigError) as err:
        load_settings(tmp_path).unit("XYZ")
    assert err.value.code == "error.config.unknown_unit"
    assert "Không có mã đơn vị 'XYZ'" in err.value.message and "QLCN" in err.value.message


def test_another_agency_changes_the_file_not_the_code(tmp_path):
    write_default_config(tmp_path)
    text = (tmp_path / "formkit.toml").read_text(encoding="utf-8")
    text = text.replace('name = "SỞ CÔNG THƯƠNG"', 'name = "SỞ TƯ PHÁP"')
    (tmp_path / "formkit.toml").write_text(text, encoding="utf-8")
    assert load_settings(tmp_path).agency_name == "SỞ TƯ PHÁP"
