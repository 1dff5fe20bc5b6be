"""The annual report on customer satisfaction (QT.SCT.05, 5.3) as DOCX, then PDF.

Layout per Nghị định 30/2020/NĐ-CP (formkit.render.official): A4, Times New Roman 14 pt,
two-column header, "Số: …/BC-<abbr>", italic place and date, "BÁO CÁO" and its subject,
sections I–IV, page numbers in the top margin from page 2, signature and "Nơi nhận:".
Every sentence with a figure comes from formkit.analyze.narrative.

Size (just over 500 lines): the report is one document written top to bottom, section by
section; the official layout helpers it uses live in formkit.render.official.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from formkit.analyze import indicators as I
from formkit.analyze import narrative as N
from formkit.analyze import stats as S
from formkit.analyze.privacy import Redactor
from formkit.analyze.tallies import CHUA_DAT, DAT, TOT, YearTallies
from formkit.analyze.wording import Period, count_or_missing
from formkit.catalogue import say
from formkit.config import Settings
from formkit.errors import OutputError, TemplateError
from formkit.export.charts import criteria_bars_png, quarter_trend_png
from formkit.render import docx_xml as X
from formkit.render import official as O
from formkit.render.docx_writer import substitutions
from formkit.spec import load_form, template_path
from formkit.thresholds import T, Thresholds

BODY_PT = 14.0
TABLE_PT = 12.0
W = O.CONTENT_W


@dataclass(frozen=True)
class RecordState:
    """What the records of the year are, beside their figures: the dates they cover, the
    readings still waiting for review (a preview is a draft), the units with register
    entries and the survey's written comments by opinion group."""

    period: Period | None = None
    pending: int = 0
    preview: bool = False
    feedback_units: tuple[str, ...] = ()
    comments: tuple[N.CommentGroup, ...] = ()
    #: register entries with their handled dates (None: the on-time ratios show no data)
    timing: tuple[I.FeedbackTiming, ...] | None = None
    #: corrective actions (QT.SCT.04) of the store, for their counts and the review sheet
    actions: tuple[I.ActionLike, ...] = ()
    as_of: date | None = None  # the day "overdue" is judged on (default: today)
    #: names formkit knows (respondents, customers, receivers, owners): redacted from every
    #: quoted text of the report and the summary (formkit.analyze.privacy)
    personal_names: tuple[str, ...] = ()

    def redactor(self) -> Redactor:
        return Redactor(self.personal_names)

    def indicators(self, settings: Settings, t: YearTallies) -> I.Indicators:
        return I.indicators_for(settings, t, self.timing, self.as_of)

    def action_counts(self, year: int) -> I.ActionCounts:
        as_of = self.as_of or min(date.today(), date(year, 12, 31))
        return I.count_actions(self.actions, year, as_of)

    @property
    def draft(self) -> bool:
        return self.preview or self.pending > 0

    def draft_note(self) -> str:
        """"DỰ THẢO – còn 17 kết quả đọc phiếu chờ duyệt; số liệu chưa chính thức"."""
        if self.pending:
            return (f"DỰ THẢO – còn {N.num(self.pending)} kết quả đọc phiếu chờ duyệt; "
                    "số liệu chưa chính thức")
        return "DỰ THẢO – số liệu chưa chính thức"


@dataclass
class ReportResult:
    docx: Path
    pdf: Path | None
    charts: list[Path] = field(default_factory=list)


def default_recipients(settings: Settings) -> list[str]:
    return ["Giám đốc Sở (để báo cáo)", "Các Phó Giám đốc Sở", "Các phòng, đơn vị thuộc Sở",
            f"Lưu: VT, {settings.iso_unit}"]


def report_subject(settings: Settings, year: int) -> list[str]:
    return ["Kết quả khảo sát, đánh giá sự hài lòng của tổ chức, cá nhân",
            f"đối với sự phục vụ của {settings.agency_short_name} năm {year}"]


def _form_name(settings: Settings, short: str) -> str:
    """"Sổ ghi nhận ý kiến của khách hàng" from the template title (not from this code)."""
    try:
        title = load_form(template_path(settings.templates_dir, short)).title
    except TemplateError:
        return settings.form_code(short)
    return title[:1] + title[1:].lower()


def _count_pct(count: int, share: float | None) -> str:
    return f"{N.num(count)} ({N.pct(share)})" if share is not None else N.num(count)


class _Report:
    def __init__(self, settings: Settings, year: int, t: YearTallies, chart_dir: Path,
                 th: Thresholds, state: RecordState | None = None):
        self.s, self.year, self.t, self.th = settings, year, t, th
        self.state = state or RecordState()
        self.period = self.state.period
        self.chart_dir = chart_dir
        self.doc = Document()
        self.charts: list[Path] = []
        self.subs = substitutions(settings, year)
        self._table_no = 0
        self._chart_no = 0
        O.setup_document(self.doc, BODY_PT)
        O.page_numbers(self.doc, 13,
                       draft_note=self.state.draft_note() if self.state.draft else None)

    # ---- small blocks ----------------------------------------------------------------------
    def p(self, text: str, **kw):
        return O.body(self.doc, text, size=BODY_PT, **kw)

    def paras(self, texts: Sequence[str]) -> None:
        for text in texts:
            self.p(text)

    def caption(self, text: str, kind: str = "table") -> None:
        if kind == "table":
            self._table_no += 1
            label = f"Bảng {self._table_no}. {text}"
        else:
            self._chart_no += 1
            label = f"Biểu đồ {self._chart_no}. {text}"
        O.body(self.doc, label, size=12, bold=kind == "table", italic=kind != "table",
               indent_mm=0, align=WD_ALIGN_PARAGRAPH.CENTER, before=3, after=3,
               line=1.0, keep_next=kind == "table")

    def table(self, title: str, header: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float], align: Sequence[str] | None = None,
              bold_last: bool = False) -> None:
        self.caption(title)
        O.data_table(self.doc, header, rows, widths, TABLE_PT, align, bold_last)
        O.body(self.doc, "", size=6, after=3, indent_mm=0)

    def picture(self, png: Path, title: str, width_mm: float = 150.0) -> None:
        self.charts.append(png)
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = 0
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(str(png), width=Mm(width_mm))
        self.caption(title, "chart")

    # ---- sections --------------------------------------------------------------------------
    def front(self, number: str | None, report_date: date) -> None:
        O.agency_header(self.doc, self.s, W, O.number_line("BC", self.s.abbreviation, number),
                        O.date_line(self.s.place, report_date), agency_rule_indent_mm=24.0)
        O.title_block(self.doc, "BÁO CÁO", report_subject(self.s, self.year))

    def section_i(self) -> None:
        s, t = self.s, self.t
        O.heading(self.doc, "I. Mục đích, phạm vi và phương pháp")
        O.heading(self.doc, "1. Mục đích", level=2)
        self.p(f"Thực hiện Quy trình {s.procedure} về thu thập và phân tích sự thỏa mãn của "
               f"khách hàng thuộc Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015, "
               f"{s.agency_short_name} tổng hợp, đánh giá mức độ hài lòng của tổ chức, cá nhân "
               f"đối với sự phục vụ của {s.agency_short_name} năm {self.year}, làm căn cứ cho "
               "việc xem xét của lãnh đạo và đề ra các biện pháp nâng cao chất lượng cung cấp "
               "dịch vụ hành chính công.")
        O.heading(self.doc, "2. Phạm vi", level=2)
        # every unit with data: survey answers or register entries
        codes = [u.key for u in t.by_unit if u.key]
        codes += [c for c in self.state.feedback_units if c not in codes]
        order = {u.code: i for i, u in enumerate(s.units)}
        units = [t.unit_label(c) for c in sorted(codes, key=lambda c: (order.get(c, 99), c))]
        period = (self.period.sentence() if self.period
                  else f"Số liệu năm {self.year}")
        scope = (f"{period}; so sánh giữa các quý trong năm và với cùng kỳ năm "
                 f"{t.previous_year}")
        if units:
            scope += f". Có số liệu của {len(units)} đơn vị: {N.join_list(units)}"
        self.p(scope + ".")
        if self.period and self.period.partial_quarters:
            names = N.join_list([N.QUARTER_NAMES[q] for q in self.period.partial_quarters])
            self.p(f"{names} chưa đủ số liệu cả quý; các bảng ghi rõ ngày cuối cùng có số liệu.")
        O.heading(self.doc, "3. Phương pháp", level=2)
        survey = _form_name(s, "05-02")
        register = _form_name(s, "05-01")
        channels = [t.channel_label(c.key) for c in t.by_channel]
        self.p(f"Nguồn thông tin: {survey} ({s.form_code('05-02')}); {register} "
               f"({s.form_code('05-01')}); phản ánh, kiến nghị qua công tác tiếp dân, các phương "
               "tiện truyền thông, các cuộc họp và cấp có thẩm quyền (mục 5.2 của Quy trình)."
               + (f" Kênh khảo sát: {', '.join(channels)}." if channels else ""))
        self.p("Cách tính: với mỗi tiêu chí, tỷ lệ hài lòng là phần các ý kiến “Tốt” và “Đạt "
               "yêu cầu” trong số câu trả lời hợp lệ; chỉ số hài lòng chung là trung bình của "
               "các tỷ lệ đó. Vì chỉ một phần khách hàng trả lời phiếu, mỗi tỷ lệ được ghi kèm "
               "khoảng giá trị mà con số thực nhiều khả năng nằm trong (khoảng tin cậy 95%); "
               "một thay đổi chỉ được coi là thực sự khi vượt quá biên sai số đó. Công thức "
               "chi tiết ở Phụ lục.")

    def section_ii(self) -> None:
        t, sch = self.t, self.t.scheme
        O.heading(self.doc, "II. Kết quả khảo sát và tổng hợp ý kiến")
        # 1. returns
        O.heading(self.doc, "1. Kết quả thu phiếu khảo sát", level=2)
        self.paras(N.response_sentences(t))
        rr = t.response_rate
        rows = [["Số phiếu giấy phát hành (có đánh số)", N.num(rr.issued) if rr.issued else "–"],
                ["Số phiếu giấy thu về", N.num(rr.returned_paper)],
                ["Tỷ lệ phản hồi (phiếu giấy)", N.pct(rr.rate)]]
        if rr.other_channels:
            rows.append(["Số ý kiến qua kênh trực tuyến", N.num(rr.other_channels)])
        rows += [["Số phiếu đưa vào phân tích", N.num(t.current.answered)],
                 ["Số phiếu có câu đánh dấu không hợp lệ", N.num(t.current.with_invalid)]]
        tr = t.current.transactions
        for fid, label in sch.flags:
            n = tr.by_flag.get(fid, 0)
            rows.append([f"Nội dung giao dịch: {label}",
                         _count_pct(n, n / tr.responses if tr.responses else None)])
        self.table("Kết quả thu phiếu", ["Chỉ tiêu", "Số lượng"], rows, [115, 50], ["l", "c"])
        if self.state.pending:
            self.p(f"Còn {N.num(self.state.pending)} kết quả đọc phiếu chờ người duyệt; bản dự "
                   "thảo này tính chúng theo kết quả máy đọc.", italic=True)
        if len(t.by_channel) > 1:
            rows = [[t.channel_label(c.key), N.num(c.answered), N.pct(c.index),
                     N.interval_text(c.index_proportion)] for c in t.by_channel]
            self.table("Kết quả theo kênh khảo sát",
                       ["Kênh", "Số phiếu", S.INDEX_NAME, "Khoảng tin cậy 95%"], rows,
                       [55, 30, 40, 40])
            self.paras(N.channel_sentences(t))

        # 2. criteria
        O.heading(self.doc, "2. Mức độ hài lòng theo từng tiêu chí", level=2)
        lv = sch.level_labels
        rows = []
        for c in t.current.criteria:
            rows.append([c.criterion.question, c.criterion.label,
                         _count_pct(c.tot, c.share(TOT)), _count_pct(c.dat, c.share(DAT)),
                         _count_pct(c.chua_dat, c.share(CHUA_DAT)), N.num(c.valid),
                         f"{N.num(c.blank)} / {N.num(c.invalid)}"])
        self.table(f"Kết quả đánh giá theo tiêu chí năm {self.year}",
                   ["Câu hỏi", "Tiêu chí", lv[TOT], lv[DAT], lv[CHUA_DAT], "Hợp lệ",
                    "Trống / không hợp lệ"], rows, [19, 38, 22, 22, 22, 19, 23],
                   ["c", "l", "c", "c", "c", "c", "c"])
        rows = []
        for c in t.current.criteria:
            ch = t.criterion_year_on_year(c.criterion.field_id)
            rows.append([c.criterion.label, N.pct(c.rate), N.interval_text(c.satisfied),
                         N.pct(ch.reference.rate), N.signed_points(ch.points), N.verdict(ch)])
        idx = t.index_year_on_year
        rows.append([S.INDEX_NAME, N.pct(idx.current.rate), N.interval_text(idx.current),
                     N.pct(idx.reference.rate), N.signed_points(idx.points), N.verdict(idx)])
        self.table(f"{S.RATE_NAME} theo tiêu chí, so với năm {t.previous_year}",
                   ["Tiêu chí", f"{S.RATE_NAME} {self.year}", "Khoảng tin cậy 95%",
                    f"Năm {t.previous_year}", "Thay đổi (điểm phần trăm)", "Đánh giá"], rows,
                   [40, 23, 27, 20, 20, 35], ["l", "c", "c", "c", "c", "c"], bold_last=True)
        self.paras(N.criteria_sentences(t, self.th))
        self.paras(N.year_on_year_sentences(t))
        self.picture(criteria_bars_png(t, self.chart_dir / f"tieu_chi_{self.year}.png"),
                     f"Tỷ lệ các mức đánh giá theo tiêu chí năm {self.year}")

        # 3. harassment
        O.heading(self.doc, "3. Phiền hà, sách nhiễu (Câu hỏi 2)", level=2)
        h = t.current.harassment
        yes = sch.harassment_labels.get(sch.harassment_yes, sch.harassment_yes)
        no = sch.harassment_labels.get(sch.harassment_no, sch.harassment_no)
        rows = [[no, N.num(h.no), N.pct(h.share(h.no))]]
        for value, label in sch.frequency_labels.items():
            n = h.yes_by_level.get(value, 0)
            rows.append([f"{yes} – {label}", N.num(n), N.pct(h.share(n))])
        if h.yes_unspecified:
            rows.append([f"{yes} – không ghi mức độ", N.num(h.yes_unspecified),
                         N.pct(h.share(h.yes_unspecified))])
        rows.append(["Cộng (phiếu trả lời hợp lệ)", N.num(h.valid),
                     N.pct(1.0 if h.valid else None)])
        self.table("Ý kiến về phiền hà, sách nhiễu", ["Trả lời", "Số phiếu", "Tỷ lệ"], rows,
                   [95, 35, 35], ["l", "c", "c"], bold_last=True)
        extra = []
        if h.blank or h.level_without_answer:
            extra.append(f"bỏ trống {N.num(h.blank + h.level_without_answer)}")
        if h.invalid:
            extra.append(f"không hợp lệ {N.num(h.invalid)}")
        if h.contradictions:
            extra.append(f"mâu thuẫn {N.num(h.contradictions)}")
        self.paras(N.harassment_sentences(t))
        if extra:
            self.p("Không tính vào tỷ lệ: " + ", ".join(extra) + " phiếu.")

        # 4. quarters
        O.heading(self.doc, "4. So sánh các quý trong năm và cùng kỳ năm trước", level=2)
        rows = []
        for row in t.quarters:
            ch = row.year_on_year
            label = (self.period.quarter_label(row.quarter) if self.period
                     else N.QUARTER_NAMES[row.quarter])
            none = (self.period is not None and not row.current.answered
                    and self.period.quarter_state(row.quarter) == "none")
            rows.append([label, N.MISSING if none else N.num(row.current.answered),
                         N.pct(row.current.index), N.interval_text(row.current.index_proportion),
                         count_or_missing(row.previous.answered,
                                            bool(t.previous.responses)),
                         N.pct(row.previous.index),
                         N.signed_points(ch.points), N.verdict(ch)])
        ch = t.index_year_on_year
        rows.append(["Cả năm", N.num(t.current.answered), N.pct(t.current.index),
                     N.interval_text(t.current.index_proportion), N.num(t.previous.answered),
                     N.pct(t.previous.index), N.signed_points(ch.points), N.verdict(ch)])
        self.table(f"{S.INDEX_NAME} theo quý, năm {self.year} và cùng kỳ năm {t.previous_year}",
                   ["Kỳ", f"Số phiếu {self.year}", f"Chỉ số {self.year}", "Khoảng tin cậy 95%",
                    f"Số phiếu {t.previous_year}", f"Chỉ số {t.previous_year}",
                    "Thay đổi (điểm phần trăm)", "Đánh giá"], rows,
                   [22, 16, 17, 26, 16, 17, 19, 32], bold_last=True)
        self.picture(quarter_trend_png(t, self.chart_dir / f"theo_quy_{self.year}.png"),
                     f"{S.INDEX_NAME} theo quý năm {self.year} so với năm {t.previous_year}")
        self.paras(N.quarter_sentences(t, self.period))

        # 5. units
        if len([u for u in t.by_unit if u.key]) > 1:
            O.heading(self.doc, "5. Kết quả theo đơn vị", level=2)
            rows = [[t.unit_label(u.key), N.num(u.answered), N.pct(u.index),
                     N.interval_text(u.index_proportion),
                     N.pct(u.criterion(t.scheme.criteria[-1].field_id).share(CHUA_DAT))]
                    for u in t.by_unit]
            last = t.scheme.criteria[-1].label
            self.table("Kết quả theo đơn vị", ["Đơn vị", "Số phiếu", S.INDEX_NAME,
                                              "Khoảng tin cậy 95%",
                                              f"“{lv[CHUA_DAT]}” – {last}"],
                       rows, [55, 22, 30, 30, 28])
            n_comments, n_feedback = "6", "7"
        else:
            n_comments, n_feedback = "5", "6"

        # written comments of the survey, by opinion group
        O.heading(self.doc, f"{n_comments}. Ý kiến ghi thêm trên phiếu khảo sát", level=2)
        groups = list(self.state.comments)
        clean = self.state.redactor()  # the report leaves the ISO team: no names, no phones
        self.paras(N.comment_sentences(groups))
        if groups:
            rows = [[str(i + 1), g.label, N.num(g.count),
                     "\n".join(f"“{clean(q)}”" for q in g.quotes)]
                    for i, g in enumerate(groups)]
            self.table("Ý kiến ghi thêm trên phiếu theo nhóm ý kiến",
                       ["STT", "Nhóm ý kiến", "Số ý kiến", "Trích một số ý kiến"], rows,
                       [12, 50, 20, 83], ["c", "l", "c", "l"])

        # 6. feedback
        O.heading(self.doc, f"{n_feedback}. Phản ánh, kiến nghị từ các nguồn", level=2)
        f = t.feedback
        self.paras(N.feedback_sentences(t))
        if f.total:
            # compliments are listed apart: nothing in them is to be handled
            groups = sorted(f.by_group, key=lambda g: N.is_compliment(g.label))
            rows = [[str(i + 1), g.label, N.num(g.count), N.pct(g.share),
                     "–" if N.is_compliment(g.label) else N.num(g.handled),
                     N.previous_count(t, f.previous_by_group.get(g.code, 0))]
                    for i, g in enumerate(groups)]
            _complaints, handled, _praise = N.complaint_counts(t)
            rows.append(["", "Cộng", N.num(f.total), N.pct(1.0), N.num(handled),
                         N.previous_count(t, f.previous_total)])
            self.table("Phản ánh, kiến nghị theo nhóm ý kiến",
                       ["STT", "Nhóm ý kiến", "Số lượng", "Tỷ lệ", "Đã xử lý",
                        f"Năm {t.previous_year}"], rows, [12, 68, 20, 20, 22, 23],
                       ["c", "l", "c", "c", "c", "c"], bold_last=True)
            rows = [[g.label, N.num(g.count), N.pct(g.share), N.num(g.handled),
                     N.pct(g.handled_share)] for g in f.by_source]
            self.table("Phản ánh, kiến nghị theo nguồn tiếp nhận",
                       ["Nguồn", "Số lượng", "Tỷ lệ", "Đã xử lý", "Tỷ lệ xử lý"], rows,
                       [70, 22, 22, 25, 26])

        self.indicators_part(str(int(n_feedback) + 1))

    def indicators_part(self, number: str) -> None:
        """QĐ 766/QĐ-TTg ratios, the survey read as SIPAS elements, sample size, references."""
        ind = self.state.indicators(self.s, self.t)
        O.heading(self.doc, f"{number}. Các chỉ số theo Quyết định 766/QĐ-TTg và SIPAS",
                  level=2)
        self.paras(I.indicator_sentences(ind))
        rows = [[r.code, r.name, r.formula,
                 f"{N.num(r.numerator)}/{N.num(r.denominator)}" if r.value is not None
                 else "–", N.pct(r.value), f"{r.data} {r.note}".strip()] for r in ind.ratios]
        self.table("Tỷ lệ hài lòng tính được từ dữ liệu của đơn vị",
                   ["Mã", "Chỉ số", "Công thức", "Số liệu", "Tỷ lệ", "Dữ liệu đã dùng"], rows,
                   [13, 32, 36, 17, 15, 52], ["c", "l", "l", "c", "c", "l"])
        labels = {c.field_id: c.label for c in self.t.scheme.criteria}
        labels[self.t.scheme.harassment_field] = "Phiền hà, sách nhiễu (Câu hỏi 2)"
        rows = [[e.name, "; ".join(labels.get(f, f) for f in e.fields) or e.note,
                 N.pct(e.share) if e.measured else "không đo",
                 N.pct(e.share_strict) if e.measured else "–"] for e in ind.elements]
        rows.append(["Chỉ số tham chiếu SIPAS", "Trung bình các yếu tố đo được",
                     N.pct(ind.sipas_index), N.pct(ind.sipas_index_strict)])
        self.table("Kết quả khảo sát theo các yếu tố SIPAS",
                   ["Yếu tố SIPAS", "Câu hỏi của phiếu", "Hài lòng (Tốt + Đạt)",
                    "Chỉ tính Tốt"], rows, [45, 70, 25, 25], ["l", "l", "c", "c"],
                   bold_last=True)

    def section_iii(self) -> None:
        O.heading(self.doc, "III. Đánh giá chung")
        self.paras(N.assessment_paragraphs(self.t, self.s.corrective_procedure, self.th))

    def section_iv(self) -> None:
        O.heading(self.doc, "IV. Đề xuất, kiến nghị")
        proposals = N.draft_proposals(self.t, self.s.corrective_procedure, self.th)
        if not proposals:
            self.p("Các tiêu chí đều đạt yêu cầu; đề nghị các phòng tiếp tục duy trì chất lượng "
                   "phục vụ, thực hiện khảo sát định kỳ và cập nhật đầy đủ Sổ ghi nhận ý kiến "
                   "của khách hàng.")
        for i, pr in enumerate(proposals, 1):
            para = self.p("")
            X.set_run_font(para.add_run(f"{i}. {pr.title}. "), O.FONT, BODY_PT, bold=True)
            X.set_run_font(para.add_run(f"Căn cứ: {pr.reason[:1].upper()}{pr.reason[1:]} "),
                           O.FONT, BODY_PT)
            X.set_run_font(para.add_run("Biện pháp đề xuất: "), O.FONT, BODY_PT, italic=True)
            X.set_run_font(para.add_run(pr.action), O.FONT, BODY_PT)
        corrective = [pr for pr in proposals if pr.corrective]
        self.p(I.action_sentence(self.state.action_counts(self.year),
                                 self.s.corrective_procedure))
        if corrective:
            self.p(f"Các đề xuất mục {', '.join(str(proposals.index(c) + 1) for c in corrective)}"
                   f" cần được lập phiếu yêu cầu hành động khắc phục theo Quy trình "
                   f"{self.s.corrective_procedure} và theo dõi hiệu lực trong kỳ đánh giá sau.")
        # the closing sentence stays on the page of the signature block
        self.p(f"Trên đây là báo cáo kết quả khảo sát, đánh giá sự hài lòng của tổ chức, cá nhân "
               f"năm {self.year} của {self.s.agency_short_name}./.", keep_next=True)

    def appendix(self) -> None:
        """Phụ lục: the formulas behind the figures, on a page of their own."""
        p = O.body(self.doc, "", indent_mm=0)
        p.paragraph_format.page_break_before = True
        O.heading(self.doc, "Phụ lục. Cách tính các chỉ số")
        rows = [[S.RATE_NAME, S.RATE_FORMULA],
                [S.INDEX_NAME, f"{S.INDEX_FORMULA}. {S.INDEX_DESCRIPTION}"],
                ["Khoảng tin cậy 95%", f"Tính theo phương pháp Wilson ({S.INTERVAL_NAME}): "
                 "khoảng giá trị mà tỷ lệ thực của mọi khách hàng nằm trong với độ tin cậy 95%."],
                ["So sánh hai năm, hai quý", f"{S.TEST_NAME}. {S.TEST_DESCRIPTION}"],
                ["Ngưỡng “Chưa đạt yêu cầu”",
                 f"{N.pct(self.th.unsatisfied_share_max, 0)} số câu trả lời hợp lệ của một "
                 "tiêu chí"],
                ["Ngưỡng tỷ lệ phản hồi", N.pct(self.th.response_rate_min, 0)],
                ["Chỉ số tham chiếu SIPAS", f"{I.SIPAS_INDEX_FORMULA}. {I.LEVEL_MAPPING}"],
                ["Cỡ mẫu cần thiết", f"{I.SAMPLE_FORMULA}; N là số hồ sơ đã giải quyết trong "
                 "năm, e là sai số cho phép"]]
        self.table("Công thức và ngưỡng sử dụng", ["Nội dung", "Cách tính"], rows, [45, 120],
                   ["l", "l"])

    def build(self, number: str | None, report_date: date, recipients: Sequence[str]) -> None:
        self.front(number, report_date)
        self.section_i()
        self.section_ii()
        self.section_iii()
        self.section_iv()
        O.body(self.doc, "", size=6, after=6, indent_mm=0, keep_next=True)
        O.signature_block(self.doc, self.s, recipients, W)
        self.appendix()
        props = self.doc.core_properties
        props.title = " ".join(report_subject(self.s, self.year))
        props.keywords = f"formkit {self.s.procedure} {self.year}"
        X.set_document_properties(self.doc, self.s.agency_short_name)
        props.comments = self.state.draft_note() if self.state.draft else ""


def write_report_docx(settings: Settings, year: int, tallies: YearTallies, path: Path, *,
                      number: str | None = None, report_date: date | None = None,
                      recipients: Sequence[str] | None = None, thresholds: Thresholds = T,
                      chart_dir: Path | None = None, state: RecordState | None = None
                      ) -> ReportResult:
    """Write the annual report DOCX (charts as PNG beside it, or in chart_dir)."""
    if tallies.year != year:
        raise ValueError(f"tallies are for {tallies.year}, not {year}")
    chart_dir = chart_dir or path.parent / "charts"
    rep = _Report(settings, year, tallies, chart_dir, thresholds, state)
    try:
        rep.build(number, report_date or date.today(),
                  list(recipients) if recipients else default_recipients(settings))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        rep.doc.save(str(tmp))
        tmp.replace(path)
    except OSError as exc:
        raise OutputError(say("error.report.write", path=str(path),
                              detail=exc.strerror or str(exc))) from exc
    return ReportResult(path, None, rep.charts)


def report_to_pdf(docx: Path, convert: Callable[[list[Path], Path], list[Path]] | None = None
                  ) -> Path:
    """PDF beside the DOCX, through LibreOffice (one call); atomic: converted in a scratch
    folder, then moved, so a failed run leaves no half PDF."""
    if convert is None:
        from formkit._exec.soffice import convert_to_pdf as convert
    with tempfile.TemporaryDirectory(prefix="formkit-report-", dir=docx.parent) as tmp:
        (made,) = convert([docx], Path(tmp))
        dest = docx.with_suffix(".pdf")
        made.replace(dest)
    return dest


def write_report(settings: Settings, year: int, tallies: YearTallies, path: Path, *,
                 pdf: bool = True, number: str | None = None, report_date: date | None = None,
                 recipients: Sequence[str] | None = None, thresholds: Thresholds = T,
                 state: RecordState | None = None) -> ReportResult:
    """DOCX, charts and (unless pdf=False) the PDF of the annual report."""
    result = write_report_docx(settings, year, tallies, path, number=number,
                               report_date=report_date, recipients=recipients,
                               thresholds=thresholds, state=state)
    if pdf:
        result.pdf = report_to_pdf(result.docx)
    return result


__all__ = ["RecordState", "ReportResult", "write_report", "write_report_docx", "report_to_pdf",
           "default_recipients", "report_subject"]
