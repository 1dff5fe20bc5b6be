"""Personal data: anonymous surveys store no name; the report and the summary workbook
carry no personal name or phone number (redacted by rule), checked by searching every
file written for each name and number fed in."""

from __future__ import annotations

import html
import json
import shutil
import zipfile
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from formkit.analyze.privacy import NAME_MARK, PHONE_MARK, redact
from formkit.export.annual import evaluate_from_store
from formkit.scan.result import FieldResult, Status
from formkit.store import actions as act
from formkit.store import open_store
from formkit.store.models import Answer, Sheet
from formkit.textnorm import fold

from . import register_kit as reg
from .records_helpers import make_sheet, report_for

RESPONDENTS = ("Nguyễn Văn Bình", "Công ty TNHH Hoa Sen Đắk Lắk", "Hợp tác xã Ea Kar Xanh")
CUSTOMER, RECEIVER, OWNER = "Phạm Thị Lụa", "Đinh Công Tráng", "Y Blik Niê"
MENTIONED = "Trần Thị Hoa"
PHONES = ("0912 345 678", "+84 905.123.456", "(0262) 3852 123")
DIGITS = ("912345678", "905123456", "2623852123")


@pytest.mark.parametrize("text, expected", [
    ("Chị Lan hướng dẫn tận tình", f"Chị {NAME_MARK} hướng dẫn tận tình"),
    ("Cảm ơn cán bộ Trần Thị Hoa", f"Cảm ơn cán bộ {NAME_MARK}"),
    ("Ông Lê Văn Tám phản ánh", f"Ông {NAME_MARK} phản ánh"),
    ("Gọi 0912 345 678 hoặc +84 905.123.456", f"Gọi {PHONE_MARK} hoặc {PHONE_MARK}"),
    ("Nộp ngày 12/03/2026, mã 000.00.12.H12-260312-0001",
     "Nộp ngày 12/03/2026, mã 000.00.12.H12-260312-0001"),
    ("Thời gian giải quyết còn chậm, Sở Công Thương cần cải thiện",
     "Thời gian giải quyết còn chậm, Sở Công Thương cần cải thiện"),
])
def test_redaction_rules_remove_names_and_phones_and_keep_the_rest(text, expected):
    assert redact(text) == expected


def test_known_names_are_removed_whatever_their_case_or_spacing():
    assert redact("công ty tnhh  hoa sen đắk lắk góp ý", RESPONDENTS) == f"{NAME_MARK} góp ý"


def _sheet(serial: int, name: str, comment: str):
    s = make_sheet(serial, year=2026, received=f"2026-03-{serial + 1:02d}", name=name,
                   comment=comment)
    s.fields["c3.y_kien_khac"] = FieldResult("c3.y_kien_khac", "text",
                                             f"Liên hệ {PHONES[serial % 3]}", Status.OK, 0.95,
                                             page=2, text_confidence=0.95)
    return s


def _texts(path) -> str:
    """Every text part of a DOCX/XLSX (XML, all sheets, headers, properties) or a PDF."""
    if path.suffix == ".pdf":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            return "\n".join(p.extract_text() or "" for p in pdf.pages)
    with zipfile.ZipFile(path) as z:
        # openpyxl writes "ê" as "&#234;": unescape, or a search for a Vietnamese name
        # would find nothing whether it is there or not
        return "\n".join(html.unescape(z.read(n).decode("utf-8", "replace"))
                         for n in z.namelist() if n.endswith((".xml", ".rels")))


def test_report_and_summary_carry_none_of_the_names_and_phones_fed_in(workspace):
    pdf = shutil.which("soffice") is not None
    with open_store(workspace) as store:
        sheets = [_sheet(i, name, f"Cán bộ {MENTIONED} nhiệt tình, cảm ơn {CUSTOMER}")
                  for i, name in enumerate(RESPONDENTS, 1)]
        store.save_batch(report_for(sheets), sheets)
        e = reg.add_entry(store, entry_date="05/03/2026", customer=CUSTOMER,
                          receiver=RECEIVER, content=f"Gọi {PHONES[0]} nhưng không ai nghe")
        act.open_action(store, entry_id=e.id, action=f"Anh {RECEIVER} trực điện thoại",
                        owner=OWNER, due_on="31/03/2026", opened_on="06/03/2026")
        out = evaluate_from_store(workspace, 2026, store, pdf=pdf,
                                  report_date=date(2027, 1, 5))
    files = [out.summary, out.report.docx] + ([out.report.pdf] if pdf else [])
    for path in files:
        text = _texts(path)
        folded = fold(text)
        for name in (*RESPONDENTS, CUSTOMER, RECEIVER, OWNER, MENTIONED):
            assert fold(name) not in folded, f"{name!r} in {path.name}"
        digits = "".join(ch for ch in text if ch.isdigit() or ch == "\n")
        for d in DIGITS:
            assert d not in digits.replace("\n", ""), f"{d} in {path.name}"
    # the comments are quoted (redacted), so the search above searched where names would be
    report = _texts(out.report.docx)
    assert f"Cán bộ {NAME_MARK} nhiệt tình" in report and PHONE_MARK in report
    summary = _texts(out.summary)
    assert f"Anh {NAME_MARK} trực điện thoại" in summary


def test_anonymous_surveys_store_no_name_anywhere_in_the_database(workspace):
    settings = replace(workspace, anonymous_surveys=True)
    with open_store(settings) as store:
        sheet = make_sheet(1, year=2026, name="Nguyễn Văn Bình",
                           review={"to_chuc": ("Nguyễn Văn Bình", "uncertain", 0.4)})
        store.save_batch(report_for([sheet]), [sheet])
        with store.read_session() as s:
            row = s.scalar(select(Sheet))
            answer = s.scalar(select(Answer).where(Answer.field == "to_chuc"))
            assert json.loads(answer.value) is None and answer.status == "blank"
            assert "Bình" not in row.result_json
        assert not [i for i in store.review_queue() if i.field == "to_chuc"]
    with open_store(workspace) as store:  # the setting off: the name is kept as read
        sheet = make_sheet(2, year=2026, name="Nguyễn Văn Bình")
        store.save_batch(report_for([sheet]), [sheet])
        assert store.sheets(2026)[-1].answers["to_chuc"] == "Nguyễn Văn Bình"
