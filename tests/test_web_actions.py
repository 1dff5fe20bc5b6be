"""The corrective-action page of the web app lists the year's actions and their counts."""

from __future__ import annotations

from datetime import date

import pytest

from formkit.store import actions as act

from . import register_kit as reg
from .web_helpers import close_web, make_web


@pytest.fixture
def web(tmp_path):
    w = make_web(tmp_path / "ws")
    yield w
    close_web(w)


def test_action_page_lists_actions_with_origin_status_and_overdue_mark(web):
    year = date.today().year - 1  # a past year: judged as of its 31 December
    e = reg.add_entry(web.store, entry_date=date(year, 1, 5), content="Trả kết quả trễ hạn",
                      actor="staff")
    act.open_action(web.store, entry_id=e.id, action="Bố trí thêm người", owner="Phòng QLCN",
                    due_on=date(year, 1, 6), opened_on=date(year, 1, 5), cause="Thiếu người")
    a2 = act.open_action(web.store, criterion="c4.dung_thoi_han", action="Rà soát quy trình",
                         owner="Văn phòng", due_on=date(year, 12, 31),
                         opened_on=date(year, 1, 5))
    act.close_action(web.store, a2.id, "Đã rà soát, không còn trễ", True,
                     closed_on=date(year, 1, 6))
    page = web.client("staff").get(f"/khac-phuc/?nam={year}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Bố trí thêm người" in html and f"Sổ ghi nhận #{e.id}" in html
    assert "Tiêu chí: Đúng thời hạn quy định" in html
    assert "Đã mở <b>2</b>, đã hoàn thành <b>1</b>" in html
    assert "quá hạn <b>1</b> (tính đến 31/12/" in html
    assert "Có hiệu lực. Đã rà soát" in html
    assert web.app.test_client().get("/khac-phuc/").status_code in (302, 401)
