"""Sentences of the annual report written from the figures, and the drafted proposals.

Pure functions of YearTallies → Vietnamese text, kept apart from the DOCX layout so that they
can be tested and so that the workbook and a future web page can show the same words.
Numbers follow Vietnamese usage: decimal comma, thousands dot ("1.234", "92,5%").

Size (just over 500 lines): one sentence writer per section of the report, kept together
so that the report's wording is read and reviewed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from formkit.analyze.stats import Change, Proportion
from formkit.analyze.tallies import CHUA_DAT, CriterionTally, YearTallies

# the wording of figures lives in formkit.analyze.wording; re-exported for the callers
from formkit.analyze.wording import (
    MISSING,
    QUARTER_NAMES,
    Period,
    dec,
    extremes,
    join_list,
    num,
    pct,
    share_phrase,
    signed_points,  # noqa: F401  (re-exported: the report and workbooks call N.signed_points)
    tie_phrase,
    vn_date,
)
from formkit.textnorm import fold
from formkit.thresholds import T, Thresholds


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
        return (f"{what} {current_label} {verb} {pct(cur.rate)} ({num(cur.n)} phiếu); "
                f"{reference_label} {MISSING} để so sánh.")
    if not cur.n:
        return (f"{what}: {current_label} {MISSING}; {reference_label} {verb} "
                f"{pct(ref.rate)} ({num(ref.n)} phiếu).")
    pts = change.points or 0.0
    base = f"{what} {current_label} {verb} {pct(cur.rate)} ({num(cur.n)} phiếu)"
    if round(pts, 1) == 0:
        return f"{base}, không thay đổi so với {reference_label} ({pct(ref.rate)})."
    moved = "tăng" if pts > 0 else "giảm"
    body = (f"{base}, {moved} {dec(abs(pts))} điểm phần trăm so với {reference_label} "
            f"({pct(ref.rate)}, {num(ref.n)} phiếu)")
    if change.significant:
        return f"{body}; mức {moved} vượt biên sai số, là thay đổi thực sự."
    return (f"{body}; mức {moved} này nằm trong biên sai số, chưa đủ căn cứ để kết luận có "
            "thay đổi thực sự.")


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
    if bad:
        kept = share_phrase(t.current.answered, t.current.responses)
        out.append(f"Được đưa vào phân tích: {kept}; {num(bad)} phiếu không có câu trả lời "
                   "hợp lệ cho tiêu chí nào.")
    elif t.current.responses:
        out.append(f"Cả {num(t.current.responses)} phiếu đều được đưa vào phân tích.")
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
    best, worst = extremes(rated, key=lambda c: c.rate or 0.0)
    idx = t.current.index_proportion
    out = [
        f"Chỉ số hài lòng chung năm {t.year} đạt {pct(idx.rate)}, tính trên {num(idx.n)} phiếu; "
        f"với số phiếu này, giá trị thực nằm trong khoảng {interval_text(idx)}.",
    ]
    if best != worst:
        out.append(
            f"Tỷ lệ hài lòng cao nhất ({pct(best[0].rate)}) thuộc về "
            f"{tie_phrase([criterion_name(c) for c in best], 'tiêu chí', 'tiêu chí')}; "
            f"thấp nhất ({pct(worst[0].rate)}) là "
            f"{tie_phrase([criterion_name(c) for c in worst], 'tiêu chí', 'tiêu chí')}.")
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
            ups.append(f"{criterion_name(c)} (+{dec(ch.points or 0)} điểm phần trăm)")
        elif ch.direction < 0:
            downs.append(f"{criterion_name(c)} (−{dec(abs(ch.points or 0))} điểm phần trăm)")
    if t.previous.answered:
        if ups:
            out.append("Các tiêu chí tăng thực sự (vượt biên sai số) so với năm trước: "
                       + "; ".join(ups) + ".")
        if downs:
            out.append("Các tiêu chí giảm thực sự (vượt biên sai số) so với năm trước: "
                       + "; ".join(downs) + ".")
        if not ups and not downs:
            out.append("Thay đổi của từng tiêu chí so với năm trước đều nằm trong biên sai số.")
    return out


def quarter_sentences(t: YearTallies, period: Period | None = None) -> list[str]:
    """Each quarter against the same quarter last year (a partial quarter says so), moves
    between quarters, and for quarters with few sheets the margin their own interval shows."""
    out = []
    label = period.quarter_label if period else QUARTER_NAMES.__getitem__
    for row in t.quarters:
        q = label(row.quarter)
        state = period.quarter_state(row.quarter) if period else "full"
        if state == "none" and not row.current.answered:
            out.append(f"{q}: {MISSING} của năm {t.year}.")
            continue
        reference = f"cùng kỳ năm {t.previous_year}"
        if state == "partial":
            reference = f"cả {QUARTER_NAMES[row.quarter]} năm {t.previous_year}"
        out.append(change_sentence(f"{q}: chỉ số hài lòng chung", row.year_on_year,
                                   f"năm {t.year}", reference))
    if period and period.partial_quarters:
        names = join_list([QUARTER_NAMES[q] for q in period.partial_quarters])
        out.append(f"{names} năm {t.year} mới có số liệu đến ngày "
                   f"{vn_date(period.last)}; so sánh với cả quý của năm "  # type: ignore[arg-type]
                   f"{t.previous_year} chỉ mang tính tham khảo.")
    moves = []
    for row in t.quarters[1:]:
        ch = row.vs_prior_quarter
        if ch is None or not ch.comparable:
            continue
        q, prev_q = QUARTER_NAMES[row.quarter], QUARTER_NAMES[row.quarter - 1]
        if ch.direction:
            moves.append(f"{q} {'tăng' if ch.direction > 0 else 'giảm'} "
                         f"{dec(abs(ch.points or 0))} điểm phần trăm so với {prev_q} (vượt "
                         "biên sai số)")
    if moves:
        out.append("Giữa các quý trong năm: " + "; ".join(moves) + ".")
    elif any(r.current.answered for r in t.quarters):
        out.append("Chênh lệch giữa các quý trong năm đều nằm trong biên sai số.")
    small = [r for r in t.quarters if 0 < r.current.answered < 30]
    if small:
        parts = [f"{label(r.quarter)} ({num(r.current.answered)} phiếu, chỉ số có thể lệch "
                 f"đến {reach_text(r.current.index_proportion)})" for r in small]
        out.append("Lưu ý: " + "; ".join(parts) + " có ít phiếu nên biên sai số lớn (xem "
                   "khoảng tin cậy trong bảng); cần thận trọng khi so sánh.")
    return out


def reach_text(p: Proportion) -> str:
    """The larger distance from the rate to an end of its 95% interval, as the table shows
    it: "16,2 điểm phần trăm" (the interval is not symmetric near 100%)."""
    if not p.n or p.rate is None:
        return "–"
    lo, hi = p.interval  # type: ignore[misc]
    return f"{dec(100 * max(p.rate - lo, hi - p.rate))} điểm phần trăm"


def harassment_sentences(t: YearTallies) -> list[str]:
    h = t.current.harassment
    if not h.valid:
        return ["Không có câu trả lời hợp lệ cho Câu hỏi 2 (phiền hà, sách nhiễu)."]
    parts = []
    for share, what in ((h.none_share, "không bị phiền hà, sách nhiễu"),
                        (h.some_share, "có một lần hoặc một số lần"),
                        (h.many_share, "tình trạng này phổ biến hoặc rất phổ biến")):
        if share:
            parts.append(f"{pct(share)} cho biết {what}")
        else:
            parts.append(f"không có phiếu nào cho biết {what}")
    out = [f"Về Câu hỏi 2, trong {num(h.valid)} phiếu trả lời hợp lệ: " + "; ".join(parts) + "."]
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


def is_compliment(label: str) -> bool:
    """A compliment ("Khen ngợi") is an opinion, not a complaint to be handled."""
    return "khen" in fold(label)


def complaint_counts(t: YearTallies) -> tuple[int, int, int]:
    """(complaints, handled complaints, compliments) of the year."""
    praise = [g for g in t.feedback.by_group if is_compliment(g.label)]
    compliments = sum(g.count for g in praise)
    handled = t.feedback.handled - sum(g.handled for g in praise)
    return t.feedback.total - compliments, handled, compliments


def previous_count(t: YearTallies, n: int) -> str:
    """Last year's figure of the register: "chưa có dữ liệu" when last year has no entry."""
    return num(n) if t.feedback.previous_total else MISSING


def feedback_sentences(t: YearTallies) -> list[str]:
    f = t.feedback
    if not f.total:
        return [f"Trong năm {t.year} không ghi nhận phản ánh, kiến nghị nào trong Sổ ghi nhận "
                "ý kiến của khách hàng và các nguồn khác."]
    complaints, handled, compliments = complaint_counts(t)
    prev = (f"năm {t.previous_year}: {num(f.previous_total)}" if f.previous_total
            else f"năm {t.previous_year}: {MISSING}")
    out = [f"Trong năm {t.year} ghi nhận {num(f.total)} ý kiến từ các nguồn ({prev})"
           + (f", trong đó {num(compliments)} ý kiến khen ngợi" if compliments else "") + "."]
    if complaints:
        out.append(f"Có {num(complaints)} ý kiến phản ánh, kiến nghị; đã xử lý {num(handled)} "
                   f"ý kiến ({pct(handled / complaints)}).")
        top = sorted((g for g in f.by_group if g.count and not is_compliment(g.label)),
                     key=lambda g: -g.count)[:3]
        out.append("Các nhóm phản ánh, kiến nghị nhiều nhất: "
                   + "; ".join(f"{g.label} ({num(g.count)})" for g in top) + ".")
        if complaints - handled:
            out.append(f"Còn {num(complaints - handled)} ý kiến phản ánh, kiến nghị chưa được "
                       "xử lý xong.")
    return out


@dataclass(frozen=True)
class CommentGroup:
    """The written comments of the survey in one opinion group."""

    label: str
    count: int
    quotes: tuple[str, ...]


def summarise_comments(comments: list[tuple[str, str]], quotes_per_group: int = 2,
                       quote_chars: int = 160) -> list[CommentGroup]:
    """(group label, comment text) pairs → groups, largest first; compliments last; a few
    short quotes each (the first ones, trimmed at a word)."""
    by: dict[str, list[str]] = {}
    for label, text in comments:
        text = " ".join(text.split())
        if text:
            by.setdefault(label, []).append(text)
    out = []
    for label, texts in by.items():
        quotes = []
        for text in texts[:quotes_per_group]:
            if len(text) > quote_chars:
                text = text[:quote_chars].rsplit(" ", 1)[0] + "…"
            quotes.append(text)
        out.append(CommentGroup(label, len(texts), tuple(quotes)))
    out.sort(key=lambda g: (is_compliment(g.label), -g.count, g.label))
    return out


def comment_sentences(groups: list[CommentGroup]) -> list[str]:
    if not groups:
        return ["Không có phiếu nào ghi ý kiến khác."]
    total = sum(g.count for g in groups)
    complaints = [g for g in groups if not is_compliment(g.label)]
    praise = sum(g.count for g in groups if is_compliment(g.label))
    out = [f"Có {num(total)} ý kiến ghi thêm trên phiếu khảo sát"
           + (f", trong đó {num(praise)} ý kiến khen ngợi" if praise else "") + "."]
    if complaints:
        out.append("Các ý kiến góp ý, phản ánh theo nhóm: "
                   + "; ".join(f"{g.label} ({num(g.count)})" for g in complaints) + ".")
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
            reasons.append(f"tỷ lệ hài lòng giảm {dec(abs(ch.points or 0))} điểm phần trăm so "
                           f"với năm {t.previous_year} ({pct(ch.reference.rate)} → "
                           f"{pct(ch.current.rate)}), vượt biên sai số")
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
    complaints, handled, _ = complaint_counts(t)
    if complaints - handled:
        out.append(Proposal(
            title="Hoàn thành xử lý phản ánh, kiến nghị còn tồn",
            reason=f"còn {num(complaints - handled)} trong {num(complaints)} ý kiến phản ánh, "
                   "kiến nghị trong năm chưa được xử lý xong.",
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
                trend = (f", {moved} năm {t.previous_year} {dec(abs(ch.points or 0))} điểm phần "
                         "trăm; chênh lệch vượt biên sai số")
            elif round(ch.points or 0.0, 1) == 0:
                trend = f", bằng năm {t.previous_year}"
            else:
                moved = "cao hơn" if (ch.points or 0) > 0 else "thấp hơn"
                trend = (f", {moved} năm {t.previous_year} {dec(abs(ch.points or 0))} điểm phần "
                         "trăm nhưng chênh lệch nằm trong biên sai số")
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
            parts.append("tỷ lệ hài lòng giảm vượt biên sai số so với năm trước ở các tiêu chí "
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
        limits.append(f"với {num(idx.n)} phiếu, chỉ số chung có thể lệch đến "
                      f"{reach_text(idx)}")
    rr = t.response_rate
    if rr.rate is not None and rr.rate < th.response_rate_min:
        limits.append(f"tỷ lệ thu hồi phiếu giấy thấp ({pct(rr.rate)})")
    if len(t.by_channel) > 1:
        limits.append("người trả lời trực tuyến tự lựa chọn tham gia")
    if limits:
        out.append("Hạn chế của kết quả khảo sát: " + "; ".join(limits) + ".")
    return out
