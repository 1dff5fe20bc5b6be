"""Digitally filled forms (formkit.scan.digital) and the shared field decisions
(formkit.scan.decide).

A filled DOCX is made the way a respondent makes one: the built formkit DOCX opened with
python-docx, an X typed into box cells, one box shaded instead, text typed on the zone
lines. The slow tests print that DOCX to PDF through LibreOffice and read the PDF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import _Cell

from formkit import api
from formkit.catalogue import say
from formkit.errors import InputError, TemplateError
from formkit.notes import codes, join, note_text
from formkit.render import docx_xml as X
from formkit.render.docx_writer import PrintJob, write_docx
from formkit.scan import digital as D
from formkit.scan.decide import decide_fields
from formkit.scan.result import BoxState, Status

from .conftest import make_workspace

FORM = "05-02"
#: what the respondent ticks (field → option; True for a flag) and which tick is a shading
ANSWERS = {
    "noi_dung.giai_quyet_tthc": True,
    "c1.thai_do_giao_tiep": "tot",
    "c1.lang_nghe_y_kien": "dat",
    "c1.tan_tinh_chu_dao": "tot",
    "c2.phien_ha": "co",
    "c2.muc_do": "mot_lan",
    "c3.chinh_xac_khach_quan": "dat",
    "c5.muc_do_hai_long": "tot",
}
SHADED = {("c5.muc_do_hai_long", "tot")}
TEXTS = {
    "to_chuc": "Công ty TNHH Thương mại Đắk Lắk Xanh",
    "noi_dung.chi_tiet": "Cấp Giấy phép kinh doanh bán lẻ sản phẩm rượu",
    "c1.y_kien_khac": "Cán bộ hướng dẫn rất nhiệt tình.",
}


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> dict:
    """The editable master DOCX of the survey, built from the committed layout (no
    LibreOffice needed unless the layout has to be learnt)."""
    ws = tmp_path_factory.mktemp("digital")
    settings = make_workspace(ws)
    try:
        res = api.build(settings, [FORM], 2026, unit="QLCN", pdf=False)[0]
    except TemplateError:
        if shutil.which("soffice") is None:
            pytest.skip("no committed layout matches and LibreOffice is not installed")
        res = api.build(settings, [FORM], 2026, unit="QLCN")[0]
    return {"settings": settings, "docx": res.docx, "layout": res.layout,
            "spec": api.load_spec(settings, FORM)}


# ---- filling a DOCX as a respondent would ----------------------------------------------------
def _box_cells(doc) -> list:
    cells = []
    for tbl in doc.element.body.iter(qn("w:tbl")):
        rows = D._row_cells(tbl)
        if not any(D._is_guide_cell(tc) for row in rows for tc in row):
            cells += [tc for row in rows for tc in row if D._is_box_cell(tc)]
    return cells


def _zone_tables(doc) -> list:
    return [tbl for tbl in doc.element.body.iter(qn("w:tbl"))
            if any(D._is_guide_cell(tc) for row in D._row_cells(tbl) for tc in row)]


def fill_docx(src: Path, dst: Path, spec, copies: list[tuple[dict, dict]],
              shaded: set = frozenset(), mark: str = "X") -> Path:
    """copies: per copy (answers, texts). Ticks are typed as `mark` (or shaded)."""
    doc = Document(str(src))
    cells, zones = _box_cells(doc), _zone_tables(doc)
    boxes, n_zones = spec.boxes, len(D._text_fields(spec))
    for c, (answers, texts) in enumerate(copies):
        for k, box in enumerate(boxes):
            want = answers.get(box.field_id)
            if want is True and box.value == "x" or want == box.value or (
                    isinstance(want, set) and box.value in want):
                cell = _Cell(cells[c * len(boxes) + k], None)
                if (box.field_id, box.value) in shaded:
                    X.set_cell_shading(cell, "FFC000")
                else:
                    cell.paragraphs[0].add_run(mark)
        for k, (fid, _prompt) in enumerate(D._text_fields(spec)):
            if fid in texts:
                tbl = zones[c * n_zones + k]
                lines = [tc for row in D._row_cells(tbl) for tc in row if D._is_guide_cell(tc)]
                _Cell(lines[0], None).paragraphs[0].add_run(texts[fid])
    doc.save(str(dst))
    return dst


def _values(sheet) -> dict:
    return {k: f.value for k, f in sheet.fields.items()}


def _expected(spec, answers: dict, texts: dict) -> dict:
    out = {}
    for fid, f in spec.fields.items():
        if f.kind.value == "text":
            out[fid] = texts.get(fid, "")
        elif f.kind.value == "flag":
            out[fid] = answers.get(fid) is True
        else:
            out[fid] = answers.get(fid)
    return out


# ---- DOCX -------------------------------------------------------------------------------------
def test_filled_docx_reads_into_the_right_values(master, tmp_path):
    spec = master["spec"]
    path = fill_docx(master["docx"], tmp_path / "filled.docx", spec, [(ANSWERS, TEXTS)],
                     shaded=SHADED)
    sheets = D.read_docx(path, master["settings"])
    assert len(sheets) == 1
    sheet = sheets[0]
    assert (sheet.form, sheet.layout, sheet.year, sheet.unit) == (
        FORM, master["layout"].version, 2026, "QLCN")
    assert _values(sheet) == _expected(spec, ANSWERS, TEXTS)
    assert list(sheet.fields) == list(spec.fields)  # template order
    for f in sheet.fields.values():
        assert f.source == "docx" and f.confidence == 1.0 and not f.needs_review, f
    assert sheet.fields["c5.muc_do_hai_long"].note == join(say("note.digital.shaded",
                                                                boxes="tot"))
    assert note_text(sheet.fields["c5.muc_do_hai_long"].note, "en") == "tot: shaded"
    assert sheet.fields["c1.y_kien_khac"].page == 2 and sheet.fields["to_chuc"].page == 1
    assert [p.form_page for p in sheet.pages] == [1, 2]
    assert sheet.fields["c4.y_kien_khac"].status is Status.BLANK
    assert sheet.fields["noi_dung.tiep_nhan_xu_ly"].value is False


def test_two_ticks_and_a_contradiction_in_a_docx_go_to_review(master, tmp_path):
    spec = master["spec"]
    answers = {"c3.chinh_xac_khach_quan": {"tot", "dat"}, "c2.phien_ha": "khong",
               "c2.muc_do": "pho_bien"}
    path = fill_docx(master["docx"], tmp_path / "odd.docx", spec, [(answers, {})])
    f = D.read_docx(path, master["settings"])[0].fields
    assert f["c3.chinh_xac_khach_quan"].status is Status.MULTIPLE
    assert f["c3.chinh_xac_khach_quan"].value is None
    assert f["c2.muc_do"].status is Status.CONTRADICTION and f["c2.muc_do"].value == "pho_bien"
    assert "c2.phien_ha" in f["c2.muc_do"].note
    assert f["c2.muc_do"].needs_review and f["c3.chinh_xac_khach_quan"].needs_review


@pytest.mark.parametrize("mark", ["☒", "☑", "✓", "✔", "x", "X"])
def test_every_usual_tick_character_counts_as_checked(master, tmp_path, mark):
    spec = master["spec"]
    path = fill_docx(master["docx"], tmp_path / "m.docx", spec,
                     [({"c4.dung_thoi_han": "dat"}, {})], mark=mark)
    assert D.read_docx(path, master["settings"])[0].fields["c4.dung_thoi_han"].value == "dat"


def test_other_text_in_a_box_is_uncertain_and_an_empty_ballot_box_is_empty():
    assert D.mark_from_text("v").state is BoxState.UNCERTAIN
    assert D.mark_from_text("ok").state is BoxState.UNCERTAIN
    assert D.mark_from_text("☐").state is BoxState.EMPTY
    assert D.mark_from_text("  ").state is BoxState.EMPTY
    assert D.mark_from_text("", shaded=True).state is BoxState.CHECKED


def test_wingdings_tick_symbol_counts_as_checked(master, tmp_path):
    spec = master["spec"]
    doc = Document(str(master["docx"]))
    k = next(i for i, b in enumerate(spec.boxes) if b.key == "c4.dung_thoi_han=tot")
    run = _Cell(_box_cells(doc)[k], None).paragraphs[0].add_run()
    sym = OxmlElement("w:sym")
    sym.set(qn("w:font"), "Wingdings")
    sym.set(qn("w:char"), "F0FC")
    run._r.append(sym)
    doc.save(str(tmp_path / "sym.docx"))
    f = D.read_docx(tmp_path / "sym.docx", master["settings"])[0].fields["c4.dung_thoi_han"]
    assert f.value == "tot" and f.status is Status.OK


def test_each_copy_of_a_numbered_docx_keeps_its_serial(master, tmp_path):
    """Several numbered copies in one DOCX: boxes map copy by copy, serials from the QR."""
    settings, spec, lay = master["settings"], master["spec"], master["layout"]
    job = PrintJob(spec, settings, 2026, settings.unit("QLCN"), (16, 17), lay.version)
    src = write_docx(job, tmp_path / "two.docx")
    second = ({"c1.thai_do_giao_tiep": "chua_dat"}, {"c4.y_kien_khac": "Cần thêm chỗ ngồi."})
    path = fill_docx(src, tmp_path / "two_filled.docx", spec, [(ANSWERS, TEXTS), second])
    sheets = D.read_docx(path, settings)
    assert [s.serial for s in sheets] == [16, 17]
    assert _values(sheets[0]) == _expected(spec, ANSWERS, TEXTS)
    assert _values(sheets[1]) == _expected(spec, *second)
    assert [p.page for p in sheets[1].pages] == [3, 4]


def test_without_qr_codes_the_footer_text_identifies_each_copy(master, tmp_path):
    settings, spec, lay = master["settings"], master["spec"], master["layout"]
    job = PrintJob(spec, settings, 2026, settings.unit("QLCN"), (16, 17), lay.version)
    doc = Document(str(write_docx(job, tmp_path / "two.docx")))
    for section in doc.sections:  # e.g. a converter that dropped the footer pictures
        for blip in section.footer._element.xpath(".//a:blip"):
            blip.getparent().remove(blip)
    doc.save(str(tmp_path / "noqr.docx"))
    sheets = D.read_docx(tmp_path / "noqr.docx", settings)
    assert [(s.serial, s.unit, s.layout) for s in sheets] == [
        (16, "QLCN", lay.version), (17, "QLCN", lay.version)]


def test_a_docx_that_is_not_a_formkit_form_is_refused_with_the_reason(master, tmp_path):
    doc = Document()
    doc.add_paragraph("Phiếu khảo sát tự làm")
    doc.add_table(2, 2)
    doc.save(str(tmp_path / "other.docx"))
    with pytest.raises(InputError) as err:
        D.read_docx(tmp_path / "other.docx", master["settings"])
    assert err.value.code == "error.digital.not_formkit_docx"
    assert "không phải biểu mẫu của formkit" in err.value.message
    assert "not a formkit form" in err.value.text("en")


def test_a_file_that_is_not_a_docx_at_all_is_refused(master, tmp_path):
    bad = tmp_path / "fake.docx"
    bad.write_bytes(b"this is not a zip file")
    with pytest.raises(InputError) as err:
        D.read_docx(bad, master["settings"])
    assert err.value.code == "error.digital.not_docx" and "fake.docx" in err.value.message


def test_a_docx_of_an_unknown_layout_version_is_refused(master, tmp_path):
    doc = Document(str(master["docx"]))
    # what a form built by another workspace looks like from here
    doc.core_properties.subject = "formkit:05-02:deadbeef:2026"
    for section in doc.sections:  # and its QR codes would say the same
        for blip in section.footer._element.xpath(".//a:blip"):
            blip.getparent().remove(blip)
    doc.save(str(tmp_path / "foreign.docx"))
    with pytest.raises(InputError) as err:
        D.read_docx(tmp_path / "foreign.docx", master["settings"])
    assert err.value.code == "error.digital.unknown_layout"
    assert err.value.msg.params["version"] == "deadbeef"


def test_a_docx_whose_tables_were_changed_is_refused(master, tmp_path):
    doc = Document(str(master["docx"]))
    cell = _box_cells(doc)[3]
    tr = cell.getparent()
    tr.getparent().remove(tr)  # a row of boxes deleted
    doc.save(str(tmp_path / "cut.docx"))
    with pytest.raises(InputError) as err:
        D.read_docx(tmp_path / "cut.docx", master["settings"])
    assert err.value.code == "error.digital.boxes_changed"


# ---- PDF ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_pdf_made_from_a_filled_docx_reads_the_same(master, tmp_path):
    from formkit._exec.soffice import convert_to_pdf

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed (run `make setup`)")
    spec = master["spec"]
    answers = {**ANSWERS, "c3.chinh_xac_khach_quan": {"tot", "dat"}}
    path = fill_docx(master["docx"], tmp_path / "filled.docx", spec, [(answers, TEXTS)],
                     shaded=SHADED)
    from_docx = D.read_docx(path, master["settings"])
    (pdf,) = convert_to_pdf([path], tmp_path / "pdf")
    from_pdf = D.read_pdf_digital(pdf, master["settings"])
    assert from_pdf is not None and len(from_pdf) == 1
    assert _values(from_pdf[0]) == _values(from_docx[0])
    assert {k: f.status for k, f in from_pdf[0].fields.items()} == {
        k: f.status for k, f in from_docx[0].fields.items()}
    assert from_pdf[0].fields["c3.chinh_xac_khach_quan"].status is Status.MULTIPLE
    assert all(f.source == "pdf" for f in from_pdf[0].fields.values())
    assert from_pdf[0].layout == master["layout"].version and from_pdf[0].unit == "QLCN"


@pytest.mark.slow
def test_stamped_numbered_pdf_is_identified_copy_by_copy_from_its_qr_codes(built):
    survey = built["survey"]
    sheets = D.read_pdf_digital(survey.pdf, built["settings"])
    assert sheets is not None
    assert [s.serial for s in sheets] == survey.serials
    assert all(f.status in (Status.BLANK, Status.OK) for s in sheets
               for f in s.fields.values())
    assert not any(s.answers().get("c1.thai_do_giao_tiep") for s in sheets)


def test_pdf_without_a_text_layer_is_left_to_the_scan_reader(master, tmp_path):
    from PIL import Image

    scan = tmp_path / "scan.pdf"
    Image.new("L", (1654, 2339), 255).save(scan, "PDF", resolution=200)
    assert D.read_pdf_digital(scan, master["settings"]) is None


def test_a_damaged_pdf_is_left_to_the_scan_reader_which_refuses_it(master, tmp_path):
    from formkit.scan import read_paths

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n garbage")
    # PDFium repairs more damage than pdfminer: the scan path gets its chance
    assert D.read_pdf_digital(bad, master["settings"]) is None
    report = read_paths(master["settings"], [bad], ocr=False)
    assert [p.outcome for p in report.pages] == ["rejected"]
    assert report.pages[0].reason.code == "page.unreadable_pdf"
    assert "unreadable or truncated PDF" in report.pages[0].reason.en()


# ---- decisions shared by every reader ----------------------------------------------------------
def test_decisions_single_multiple_blank_flag_and_uncertain(master):
    spec = master["spec"]
    d = decide_fields(spec, {"c1.thai_do_giao_tiep": {"tot"}, "c1.lang_nghe_y_kien":
                             {"tot", "dat"}, "noi_dung.giai_quyet_tthc": {"x"}},
                      {"c3.chinh_xac_khach_quan": {"dat"}}, unreadable={"c5.muc_do_hai_long"})
    assert d["c1.thai_do_giao_tiep"] == ("tot", Status.OK, "")
    assert d["c1.lang_nghe_y_kien"][:2] == (None, Status.MULTIPLE)
    assert d["c1.tan_tinh_chu_dao"][:2] == (None, Status.BLANK)
    assert d["noi_dung.giai_quyet_tthc"][:2] == (True, Status.OK)
    assert d["noi_dung.tiep_nhan_xu_ly"][:2] == (False, Status.OK)
    assert d["c3.chinh_xac_khach_quan"][:2] == (None, Status.UNCERTAIN)
    assert d["c5.muc_do_hai_long"][:2] == (None, Status.UNREADABLE)
    assert set(d) == {f.id for f in spec.choice_fields}


def test_frequency_ticked_with_no_harassment_is_a_contradiction_but_not_with_yes(master):
    spec = master["spec"]
    bad = decide_fields(spec, {"c2.phien_ha": {"khong"}, "c2.muc_do": {"mot_lan"}}, {})
    assert bad["c2.muc_do"][:2] == ("mot_lan", Status.CONTRADICTION)
    assert bad["c2.phien_ha"][:2] == ("khong", Status.OK)
    good = decide_fields(spec, {"c2.phien_ha": {"co"}, "c2.muc_do": {"mot_lan"}}, {})
    assert good["c2.muc_do"][:2] == ("mot_lan", Status.OK)
    implied = decide_fields(spec, {"c2.muc_do": {"mot_lan"}}, {})
    assert implied["c2.muc_do"].status is Status.OK
    assert codes(implied["c2.muc_do"].note) == ["note.condition.implied"]
    assert "implies" in note_text(implied["c2.muc_do"].note, "en")


def test_frequency_answered_while_the_harassment_answer_is_unclear_goes_to_review(master):
    spec = master["spec"]
    unclear = decide_fields(spec, {"c2.muc_do": {"mot_lan"}}, {"c2.phien_ha": {"khong"}})
    assert unclear["c2.phien_ha"][:2] == (None, Status.UNCERTAIN)
    assert unclear["c2.muc_do"][:2] == ("mot_lan", Status.UNCERTAIN)
    assert "c2.phien_ha" in unclear["c2.muc_do"].note
    both = decide_fields(spec, {"c2.phien_ha": {"co", "khong"}, "c2.muc_do": {"mot_lan"}}, {})
    assert both["c2.muc_do"][:2] == ("mot_lan", Status.UNCERTAIN)
    gone = decide_fields(spec, {"c2.muc_do": {"mot_lan"}}, {}, unreadable={"c2.phien_ha"})
    assert gone["c2.muc_do"].status is Status.UNCERTAIN
    # an unanswered frequency needs nothing from the condition
    quiet = decide_fields(spec, {}, {"c2.phien_ha": {"khong"}})
    assert quiet["c2.muc_do"][:2] == (None, Status.BLANK)


def test_decisions_refuse_unknown_fields_and_options(master):
    with pytest.raises(ValueError):
        decide_fields(master["spec"], {"c9.nope": {"tot"}}, {})
    with pytest.raises(ValueError):
        decide_fields(master["spec"], {"c1.thai_do_giao_tiep": {"rat_tot"}}, {})
