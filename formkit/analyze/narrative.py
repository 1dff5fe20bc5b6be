"""Sentences of the annual report written from the figures, and the drafted proposals.

Pure functions of YearTallies → Vietnamese text, kept apart from the DOCX layout so that they
can be tested and so that the workbook and a future web page can show the same words.
Numbers follow Vietnamese usage: decimal comma, thousands dot ("1.234", "92,5%").
"""

from __future__ import annotations

from dataclasses import dataclass

from formkit.analyze.stats import Change, Proportion
from formkit.analyze.tallies import CHUA_DAT, CriterionTally, YearTallies
from formkit.thresholds import T, Thresholds

QUARTER_NAMES = {1: "Quý I", 2: "Quý II", 3: "Quý III", 4: "Quý IV"}


# ---- numbers -----------------------------------------------------------------------------
def num(n: int | float) -> str:
    """1234 → "1.234"."""
    return f"{int(round(n)):,}".replace(",", ".")


def dec(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}".replace(",", "§").replace(".", ",").replace("§", ".")


def pct(share: float | None, digits: int = 1) -> str:
    """0.925 → "92,5%"; None → "–" (no data)."""
    if share is None:
        return "–"
    return dec(100.0 * share, digits) + "%"


def signed_points(points: float | None, digits: int = 1) -> str:
    """+3.24 → "+3,2"; None → "–". The unit (điểm %) is written by the caller."""
    if points is None:
        return "–"
    if round(points, digits) == 0:
        return dec(0.0, digits)
    return ("+" if points > 0 else "−") + dec(abs(points), digits)


def interval_text(p: Proportion) -> str:
    """"88,8–97,8%" (Wilson 95 %)."""
    if not p.n:
        return "–"
    lo, hi = p.interval  # type: ignore[misc]
    return f"{dec(100 * lo)}–{dec(100 * hi)}%"


def margin_text(p: Proportion) -> str:
    m = p.margin
    return "–" if m is None else f"±{dec(100 * m)} điểm %"


def p_text(p: float | None) -> str:
    if p is None:
        return "–"
    return "p < 0,001" if p < 0.001 else f"p = {dec(p, 3)}"


def verdict(change: Change) -> str:
    """Short verdict for a table cell."""
    if not change.comparable:
        return "Không có số liệu so sánh"
    if change.significant:
        return "Tăng có ý nghĩa" if (change.points or 0) > 0 else "Giảm có ý nghĩa"
    return "Trong biên sai số"


def change_sentence(what: str, change: Change, current_label: str, reference_label: str,
                    verb: str = "đạt") -> str:
    """One sentence saying what rose, what fell and what stays within the margin of error.
    `verb` joins the subject and its value ("đạt" for a rate, "là" for a problem share)."""
    cur, ref = change.current, change.reference
    if not cur.n and not ref.n:
        return f"{what}: chưa có số liệu trong {current_label} và {reference_label}."
    if not ref.n:
        return (f"{what} {current_label} {verb} {pct(cur.rate)} (n = {num(cur.n)}); "
                f"{reference_label} không có số liệu để so sánh.")
    if not cur.n:
        return (f"{what}: {current_label} chưa có số liệu; {reference_label} {verb} "
                f"{pct(ref.rate)} (n = {num(ref.n)}).")
    pts = change.points or 0.0
    base = f"{what} {current_label} {verb} {pct(cur.rate)} (n = {num(cur.n)})"
    if round(pts, 1) == 0:
        return f"{base}, không thay đổi so với {reference_label} ({pct(ref.rate)})."
    moved = "tăng" if pts > 0 else "giảm"
    body = (f"{base}, {moved} {dec(abs(pts))} điểm phần trăm so với {reference_label} "
            f"({pct(ref.rate)}, n = {num(ref.n)})")
    if change.significant:
        return f"{body}; mức {moved} vượt biên sai số ({p_text(change.p_value)}), có ý nghĩa " \
               "thống kê."
    return (f"{body}; mức {moved} này nằm trong biên sai số ({p_text(change.p_value)}), chưa đủ "
            "căn cứ để kết luận có thay đổi thực sự.")


# ---- sections of the report --------------------------------------------------------------
def response_sentences(t: YearTallies) -> list[str]:
    rr = t.response_rate
    out = []
    if rr.issued:
        out.append(
            f"Trong năm {t.year} đã phát hành {num(rr.issued)} phiếu khảo sát có đánh số, thu về "
            f"{num(rr.returned_paper)} phiếu giấy, đạt tỷ lệ phản hồi {pct(rr.rate)}."
        )
    else:
        out.append(f"Trong năm {t.year} thu về {num(rr.returned_paper)} phiếu khảo sát giấy "
                   "(không có số liệu phiếu phát hành để tính tỷ lệ phản hồi).")
    if rr.other_channels:
        out.append(f"Ngoài ra có {num(rr.other_channels)} ý kiến khảo sát qua các kênh trực "
                   "tuyến; các kết quả được tổng hợp chung và trình bày riêng theo từng kênh.")
    bad = t.current.responses - t.current.answered
    out.append(
        f"Tổng số phiếu được đưa vào phân tích là {num(t.current.answered)} trên "
        f"{num(t.current.responses)} phiếu"
        + (f" ({num(bad)} phiếu không có câu trả lời hợp lệ cho tiêu chí nào)." if bad else ".")
    )
    if t.undated:
        out.append(f"{num(t.undated)} phiếu không xác định được ngày nên chỉ được tính vào "
                   "kết quả cả năm, không tính vào quý nào.")
    return out


def criterion_name(c: CriterionTally) -> str:
    return f"“{c.criterion.label}” ({c.criterion.question})"


def criteria_sentences(t: YearTallies, th: Thresholds = T) -> list[str]:
    rated = [c for c in t.current.criteria if c.valid]
    if not rated:
        return ["Chưa có câu trả lời hợp lệ nào cho các tiêu chí đánh giá."]
    best = max(rated, key=lambda c: c.rate or 0.0)
    worst = min(rated, key=lambda c: c.rate or 0.0)
    idx = t.current.index_proportion
    out = [
        f"Chỉ số hài lòng chung năm {t.year} đạt {pct(idx.rate)} (khoảng tin cậy 95%: "
        f"{interval_text(idx)}, tính trên {num(idx.n)} phiếu).",
    ]
    if best is not worst:
        out.append(f"Tiêu chí có tỷ lệ hài lòng cao nhất là {criterion_name(best)} với "
                   f"{pct(best.rate)}; thấp nhất là {criterion_name(worst)} với "
                   f"{pct(worst.rate)}.")
    over = [c for c in rated if (c.share(CHUA_DAT) or 0.0) > th.unsatisfied_share_max]
    if over:
        names = "; ".join(f"{criterion_name(c)}: {pct(c.share(CHUA_DAT))}" for c in over)
        out.append(f"Tỷ lệ ý kiến “Chưa đạt yêu cầu” vượt ngưỡng {pct(th.unsatisfied_share_max, 0)}"
                   f" ở {len(over)} tiêu chí: {names}.")
    else:
        out.append(f"Không có tiêu chí nào có tỷ lệ ý kiến “Chưa đạt yêu cầu” vượt ngưỡng "
                   f"{pct(th.unsatisfied_share_max, 0)}.")
    blanks = sum(c.blank for c in t.current.criteria)
    invalid = sum(c.invalid for c in t.current.criteria)
    if blanks or invalid:
        out.append(f"Các câu bỏ trống ({num(blanks)} lượt) và đánh dấu không hợp lệ "
                   f"({num(invalid)} lượt) được thống kê riêng, không tính vào tỷ lệ.")
    return out


def year_on_year_sentences(t: YearTallies) -> list[str]:
    out = [change_sentence("Chỉ số hài lòng chung", t.index_year_on_year, f"năm {t.year}",
                           f"năm {t.previous_year}")]
    ups, downs = [], []
    for c in t.current.criteria:
        ch = t.criterion_year_on_year(c.criterion.field_id)
        if ch.direction > 0:
            ups.append(f"{criterion_name(c)} (+{dec(ch.points or 0)} điểm %)")
        elif ch.direction < 0:
            downs.append(f"{criterion_name(c)} (−{dec(abs(ch.points or 0))} điểm %)")
    if t.previous.answered:
        if ups:
            out.append("Các tiêu chí tăng có ý nghĩa thống kê so với năm trước: "
                       + "; ".join(ups) + ".")
        if downs:
            out.append("Các tiêu chí giảm có ý nghĩa thống kê so với năm trước: "
                       + "; ".join(downs) + ".")
        if not ups and not downs:
            out.append("Thay đổi của từng tiêu chí so với năm trước đều nằm trong biên sai số.")
    return out


def quarter_sentences(t: YearTallies) -> list[str]:
    out = []
    for row in t.quarters:
        q = QUARTER_NAMES[row.quarter]
        out.append(change_sentence(f"{q}: chỉ số hài lòng chung", row.year_on_year,
                                   f"năm {t.year}", f"cùng kỳ năm {t.previous_year}"))
    moves = []
    for row in t.quarters[1:]:
        ch = row.vs_prior_quarter
        if ch is None or not ch.comparable:
            continue
        q, prev_q = QUARTER_NAMES[row.quarter], QUARTER_NAMES[row.quarter - 1]
        if ch.direction:
            moves.append(f"{q} {'tăng' if ch.direction > 0 else 'giảm'} "
                         f"{dec(abs(ch.points or 0))} điểm % so với {prev_q} (có ý nghĩa "
                         "thống kê)")
    if moves:
        out.append("Giữa các quý trong năm: " + "; ".join(moves) + ".")
    elif any(r.current.answered for r in t.quarters):
        out.append("Chênh lệch giữa các quý trong năm đều nằm trong biên sai số.")
    small = [QUARTER_NAMES[r.quarter] for r in t.quarters if 0 < r.current.answered < 30]
    if small:
        out.append(f"Lưu ý: {', '.join(small)} có dưới 30 phiếu nên biên sai số lớn "
                   "(khoảng ±8 đến ±15 điểm %); cần thận trọng khi so sánh.")
    return out


def harassment_sentences(t: YearTallies) -> list[str]:
    h = t.current.harassment
    if not h.valid:
        return ["Không có câu trả lời hợp lệ cho Câu hỏi 2 (phiền hà, sách nhiễu)."]
    out = [
        f"Về Câu hỏi 2, trong {num(h.valid)} phiếu trả lời hợp lệ có {pct(h.none_share)} cho "
        f"biết không bị phiền hà, sách nhiễu; {pct(h.some_share)} cho biết có một lần hoặc một "
        f"số lần; {pct(h.many_share)} cho biết tình trạng này phổ biến hoặc rất phổ biến."
    ]
    if h.yes_unspecified:
        out.append(f"{num(h.yes_unspecified)} phiếu trả lời “Có” nhưng không ghi rõ mức độ.")
    if h.contradictions:
        out.append(f"{num(h.contradictions)} phiếu mâu thuẫn (chọn “Không” nhưng lại đánh dấu "
                   "mức độ) được thống kê riêng, không tính vào tỷ lệ.")
    prev = t.previous.harassment
    if prev.valid:
        out.append(change_sentence("Tỷ lệ phiếu cho biết có phiền hà, sách nhiễu",
                                   Change(h.yes_proportion, prev.yes_proportion),
                                   f"năm {t.year}", f"năm {t.previous_year}", verb="là"))
    return out


def channel_sentences(t: YearTallies) -> list[str]:
    if len(t.by_channel) < 2:
        return []
    parts = [f"{t.channel_label(s.key)}: {num(s.answered)} phiếu, chỉ số {pct(s.index)}"
             for s in t.by_channel]
    return ["Theo kênh khảo sát — " + "; ".join(parts) + ". Người trả lời qua kênh trực tuyến "
            "tự lựa chọn tham gia nên kết quả các kênh được trình bày riêng để tham khảo, "
            "không dùng để so sánh trực tiếp."]


def feedback_sentences(t: YearTallies) -> list[str]:
    f = t.feedback
    if not f.total:
        return [f"Trong năm {t.year} không ghi nhận phản ánh, kiến nghị nào trong Sổ ghi nhận "
                "ý kiến của khách hàng và các nguồn khác."]
    top = sorted((g for g in f.by_group if g.count), key=lambda g: -g.count)[:3]
    out = [
        f"Trong năm {t.year} ghi nhận {num(f.total)} ý kiến phản ánh, kiến nghị từ các nguồn "
        f"(năm {t.previous_year}: {num(f.previous_total)}); đã xử lý {num(f.handled)} ý kiến "
        f"({pct(f.handled_share)}).",
        "Các nhóm ý kiến nhiều nhất: "
        + "; ".join(f"{g.label} ({num(g.count)}, {pct(g.share)})" for g in top) + ".",
    ]
    if f.unhandled:
        out.append(f"Còn {num(f.unhandled)} ý kiến chưa được xử lý xong.")
    return out


# ---- assessment and proposals ------------------------------------------------------------
@dataclass(frozen=True)
class Proposal:
    title: str
    reason: str  # the figures that triggered it
    action: str  # the suggested measure
    corrective: bool  # open a corrective action under the corrective procedure (QT.SCT.04)
    field_id: str = ""


#: Suggested measures per criterion (drafts: the office edits them in the DOCX). Keyed by
#: stable field id, then by question prefix, so a renamed label keeps its measure.
ACTIONS = {
    "c1.thai_do_giao_tiep": "Quán triệt quy tắc ứng xử, văn hóa công sở; tập huấn kỹ năng "
    "giao tiếp cho công chức tiếp nhận và trả kết quả",
    "c1.lang_nghe_y_kien": "Bố trí thời gian, kênh tiếp nhận và phản hồi ý kiến của tổ chức, "
    "cá nhân; người tiếp nhận ghi đầy đủ ý kiến vào Sổ ghi nhận ý kiến của khách hàng",
    "c1.tan_tinh_chu_dao": "Hướng dẫn đầy đủ, một lần thành phần hồ sơ; rà soát tài liệu "
    "hướng dẫn tại Bộ phận một cửa và trên cổng dịch vụ công",
    "c1.tuan_thu_quy_trinh": "Rà soát việc tuân thủ các quy trình ISO có liên quan; kiểm tra "
    "đột xuất việc thực hiện quy trình tại các phòng",
    "c3": "Rà soát khâu thẩm định, kiểm tra hồ sơ; bổ sung bước kiểm tra chéo trước khi trình "
    "ký kết quả",
    "c4": "Theo dõi tiến độ từng hồ sơ trên hệ thống một cửa điện tử, cảnh báo hồ sơ sắp đến "
    "hạn; thông báo và xin lỗi tổ chức, cá nhân khi trễ hạn",
    "c5": "Phân tích nguyên nhân chưa hài lòng từ các ý kiến khác và Sổ ghi nhận ý kiến; đề ra "
    "biện pháp cải tiến cụ thể cho từng nguyên nhân",
}


def action_for(field_id: str) -> str:
    return ACTIONS.get(field_id) or ACTIONS.get(field_id.split(".", 1)[0], ACTIONS["c5"])


def draft_proposals(t: YearTallies, corrective_procedure: str, th: Thresholds = T
                    ) -> list[Proposal]:
    """A proposal for every criterion whose "Chưa đạt yêu cầu" share passes the threshold or
    that fell significantly against last year, plus harassment, unhandled feedback and a low
    response rate. Corrective ones name the corrective procedure."""
    out: list[Proposal] = []
    for c in t.current.criteria:
        fid = c.criterion.field_id
        reasons = []
        share = c.share(CHUA_DAT)
        if share is not None and share > th.unsatisfied_share_max:
            reasons.append(f"tỷ lệ ý kiến “Chưa đạt yêu cầu” {pct(share)} ({num(c.chua_dat)}/"
                           f"{num(c.valid)}), vượt ngưỡng {pct(th.unsatisfied_share_max, 0)}")
        ch = t.criterion_year_on_year(fid)
        if ch.direction < 0:
            reasons.append(f"tỷ lệ hài lòng giảm {dec(abs(ch.points or 0))} điểm % so với năm "
                           f"{t.previous_year} ({pct(ch.reference.rate)} → {pct(ch.current.rate)}"
                           f", {p_text(ch.p_value)})")
        if reasons:
            out.append(Proposal(
                title=f"Cải thiện tiêu chí {criterion_name(c)}",
                reason="; ".join(reasons) + ".",
                action=f"{action_for(fid)}; mở hành động khắc phục theo Quy trình "
                       f"{corrective_procedure}.",
                corrective=True,
                field_id=fid,
            ))
    h = t.current.harassment
    if h.yes:
        out.append(Proposal(
            title="Xác minh ý kiến về phiền hà, sách nhiễu",
            reason=f"{num(h.yes)} phiếu ({pct(h.share(h.yes))}) cho biết có phiền hà, sách nhiễu"
                   + (f", trong đó {num(h.many)} phiếu cho biết phổ biến hoặc rất phổ biến"
                      if h.many else "") + ".",
            action="Thanh tra Sở phối hợp các phòng xác minh theo thời gian, bộ phận giao dịch; "
                   "công khai đường dây nóng, hòm thư góp ý; xử lý nghiêm vi phạm nếu có. "
                   f"Mở hành động khắc phục theo Quy trình {corrective_procedure} khi xác định "
                   "được nguyên nhân.",
            corrective=bool(h.many),
            field_id=t.scheme.harassment_field,
        ))
    f = t.feedback
    if f.unhandled:
        out.append(Proposal(
            title="Hoàn thành xử lý phản ánh, kiến nghị còn tồn",
            reason=f"còn {num(f.unhandled)}/{num(f.total)} ý kiến phản ánh, kiến nghị trong năm "
                   "chưa được xử lý xong.",
            action="Các phòng rà soát Sổ ghi nhận ý kiến của khách hàng, xử lý và trả lời dứt "
                   "điểm các ý kiến còn tồn; lãnh đạo phòng xác nhận vào sổ.",
            corrective=False,
        ))
    rr = t.response_rate
    if rr.rate is not None and rr.rate < th.response_rate_min:
        out.append(Proposal(
            title="Nâng tỷ lệ thu hồi phiếu khảo sát",
            reason=f"tỷ lệ phản hồi phiếu giấy {pct(rr.rate)} ({num(rr.returned_paper)}/"
                   f"{num(rr.issued or 0)}), thấp hơn mức {pct(th.response_rate_min, 0)}.",
            action="Phát phiếu ngay khi trả kết quả tại Bộ phận một cửa, bố trí hòm phiếu; bổ "
                   "sung khảo sát qua mã QR để tăng số ý kiến.",
            corrective=False,
        ))
    return out


def assessment_paragraphs(t: YearTallies, corrective_procedure: str, th: Thresholds = T
                          ) -> list[str]:
    """Section III: strengths, weaknesses, limits — each sentence from a figure."""
    out: list[str] = []
    idx = t.current.index_proportion
    if idx.n:
        rate = idx.rate or 0.0
        if rate >= 0.90:
            opening = "Tổ chức, cá nhân đánh giá cao chất lượng phục vụ"
        elif rate >= 0.75:
            opening = "Nhìn chung, tổ chức, cá nhân đánh giá tích cực chất lượng phục vụ"
        else:
            opening = "Còn nhiều ý kiến chưa hài lòng với chất lượng phục vụ"
        ch = t.index_year_on_year
        trend = ""
        if ch.comparable:
            if ch.direction:
                moved = "cao hơn" if ch.direction > 0 else "thấp hơn"
                trend = (f", {moved} năm {t.previous_year} {dec(abs(ch.points or 0))} điểm %; "
                         "chênh lệch có ý nghĩa thống kê")
            elif round(ch.points or 0.0, 1) == 0:
                trend = f", bằng năm {t.previous_year}"
            else:
                moved = "cao hơn" if (ch.points or 0) > 0 else "thấp hơn"
                trend = (f", {moved} năm {t.previous_year} {dec(abs(ch.points or 0))} điểm % "
                         "nhưng chênh lệch nằm trong biên sai số")
        out.append(f"{opening}: chỉ số hài lòng chung đạt {pct(idx.rate)}{trend}.")
    good = [c for c in t.current.criteria if c.valid and (c.rate or 0) >= 0.95]
    if good:
        out.append("Ưu điểm: các tiêu chí " + ", ".join(f"“{c.criterion.label}”" for c in good)
                   + " có tỷ lệ hài lòng từ 95% trở lên.")
    over = [c for c in t.current.criteria
            if (c.share(CHUA_DAT) or 0.0) > th.unsatisfied_share_max]
    down = [c for c in t.current.criteria
            if t.criterion_year_on_year(c.criterion.field_id).direction < 0]
    if over or down:
        parts = []
        if over:
            parts.append(f"tỷ lệ ý kiến “Chưa đạt yêu cầu” vượt ngưỡng "
                         f"{pct(th.unsatisfied_share_max, 0)} ở các tiêu chí "
                         + ", ".join(f"“{c.criterion.label}” ({pct(c.share(CHUA_DAT))})"
                                     for c in over))
        if down:
            parts.append("tỷ lệ hài lòng giảm có ý nghĩa so với năm trước ở các tiêu chí "
                         + ", ".join(f"“{c.criterion.label}”" for c in down))
        out.append("Tồn tại, hạn chế: " + "; ".join(parts) + ".")
    else:
        out.append("Không có tiêu chí nào vượt ngưỡng ý kiến chưa đạt hoặc giảm có ý nghĩa so "
                   "với năm trước.")
    h = t.current.harassment
    if h.yes:
        out.append(f"Vẫn còn {num(h.yes)} phiếu phản ánh có phiền hà, sách nhiễu; cần xác minh "
                   "và xử lý.")
    limits = []
    if idx.n:
        limits.append(f"với {num(idx.n)} phiếu, biên sai số của chỉ số chung khoảng "
                      f"{margin_text(idx)}")
    rr = t.response_rate
    if rr.rate is not None and rr.rate < th.response_rate_min:
        limits.append(f"tỷ lệ thu hồi phiếu giấy thấp ({pct(rr.rate)})")
    if len(t.by_channel) > 1:
        limits.append("người trả lời trực tuyến tự lựa chọn tham gia")
    if limits:
        out.append("Hạn chế của kết quả khảo sát: " + "; ".join(limits) + ".")
    return out
