"""Indicators beside the procedure's own: the satisfaction ratios of QĐ 766/QĐ-TTg (2022)
that formkit's records can compute, the survey read as SIPAS elements (QĐ 2640/QĐ-BNV,
method QĐ 1001/QĐ-BNV), the sample size needed for a margin of ±e, reference figures from
the settings, and the counts of corrective actions (QT.SCT.04).

Every figure carries its formula and the data it used, so that what is printed is what was
computed. Pure functions over tallies and plain records; no database, no files.

The mapping of the survey onto SIPAS (documented here, quoted by the report and workbook):
- SIPAS measures five elements: access to the service, the administrative procedure, the
  official handling the work, the result, and the handling of feedback. Form BM.QT.SCT.05-02
  asks about two of them: the official (Câu hỏi 1, four rows, and Câu hỏi 2, harassment) and
  the result (Câu hỏi 3, accuracy and objectivity; Câu hỏi 4, on time). Câu hỏi 5 is the
  overall satisfaction. Access and procedure have no question on the form; the handling of
  feedback is not asked of survey respondents (the register ratios below stand beside it).
- The form's scale has three levels, SIPAS's five. "Tốt" and "Đạt yêu cầu" count as
  "hài lòng" (satisfied), as in the procedure's own rate; "Chưa đạt yêu cầu" does not. A
  stricter reading that counts only "Tốt" is shown beside it, because "Đạt yêu cầu" may be
  read as SIPAS's "Bình thường" (neither satisfied nor dissatisfied). For Câu hỏi 2,
  "Không" (no harassment) is the satisfied answer.
- An element's share is pooled: satisfied answers of its rows over their valid answers. The
  SIPAS-like index is the plain mean of the shares of the elements the form measures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from formkit.analyze.tallies import DAT, TOT, YearTallies
from formkit.analyze.wording import num, pct
from formkit.config import Settings
from formkit.store.records import FeedbackTiming  # a record the register hands over

# ---- the documented mapping -------------------------------------------------------------
LEVEL_MAPPING = ("Thang đo 3 mức của phiếu: “Tốt” và “Đạt yêu cầu” được tính là hài lòng; "
                 "“Chưa đạt yêu cầu” là không hài lòng. Cách đọc chặt (chỉ “Tốt” là hài lòng) "
                 "được nêu bên cạnh vì “Đạt yêu cầu” có thể tương ứng mức “Bình thường” của "
                 "SIPAS. Câu hỏi 2: “Không” (không bị phiền hà, sách nhiễu) là hài lòng.")


@dataclass(frozen=True)
class ElementSpec:
    code: str
    name: str
    questions: tuple[str, ...]  # field-id prefixes (c1, c3 …) of the survey; () = not asked
    harassment: bool = False  # Câu hỏi 2 counts in this element ("Không" = satisfied)
    note: str = ""


#: SIPAS elements and the survey questions that measure them (module docstring)
SIPAS_ELEMENTS: tuple[ElementSpec, ...] = (
    ElementSpec("tiep_can", "Tiếp cận dịch vụ", (),
                note="Phiếu không có câu hỏi về tiếp cận dịch vụ."),
    ElementSpec("thu_tuc", "Thủ tục hành chính", (),
                note="Phiếu không có câu hỏi về thủ tục; “Tuân thủ đúng quy trình” đánh giá "
                "công chức nên thuộc yếu tố công chức."),
    ElementSpec("cong_chuc", "Công chức trực tiếp giải quyết công việc", ("c1",), True,
                note="Câu hỏi 1 (4 tiêu chí) và Câu hỏi 2 (phiền hà, sách nhiễu)."),
    ElementSpec("ket_qua", "Kết quả giải quyết công việc", ("c3", "c4"),
                note="Câu hỏi 3 (chính xác, khách quan) và Câu hỏi 4 (đúng thời hạn)."),
    ElementSpec("phan_anh", "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị", (),
                note="Không hỏi người trả lời phiếu; xem các tỷ lệ theo Sổ ghi nhận ý kiến."),
)
OVERALL_QUESTION = "c5"
SIPAS_INDEX_FORMULA = ("Chỉ số tham chiếu SIPAS = trung bình cộng tỷ lệ hài lòng của các yếu tố "
                       "SIPAS mà phiếu đo được (tỷ lệ của một yếu tố = số câu trả lời hài lòng "
                       "của các câu hỏi thuộc yếu tố / số câu trả lời hợp lệ của các câu hỏi đó)")
SAMPLE_FORMULA = "n = N / (1 + N·e²), làm tròn lên"


# ---- records and results ------------------------------------------------------------------
class ActionLike(Protocol):
    opened_on: date
    due_on: date
    status: str
    closed_on: date | None
    effective: bool | None


@dataclass(frozen=True)
class Ratio:
    code: str  # "766-1" …
    name: str
    formula: str
    data: str  # what the figure used, in words
    numerator: int | None
    denominator: int | None
    note: str = ""

    @property
    def value(self) -> float | None:
        if self.numerator is None or not self.denominator:
            return None
        return self.numerator / self.denominator


@dataclass(frozen=True)
class ElementShare:
    code: str
    name: str
    fields: tuple[str, ...]  # the survey fields it pools (labels via the scheme)
    satisfied: int  # Tốt + Đạt (Câu hỏi 2: Không)
    satisfied_strict: int  # Tốt only (Câu hỏi 2: Không)
    valid: int
    note: str

    @property
    def measured(self) -> bool:
        return bool(self.fields)

    @property
    def share(self) -> float | None:
        return self.satisfied / self.valid if self.valid else None

    @property
    def share_strict(self) -> float | None:
        return self.satisfied_strict / self.valid if self.valid else None


@dataclass(frozen=True)
class SampleSize:
    population: int | None  # N: files handled in the year (settings); None when not given
    margin: float  # e
    collected: int  # responses with at least one valid answer

    @property
    def needed(self) -> int | None:
        return sample_size(self.population, self.margin) if self.population else None

    @property
    def enough(self) -> bool | None:
        needed = self.needed
        return None if needed is None else self.collected >= needed


@dataclass(frozen=True)
class Reference:
    label: str
    year: int
    share: float  # 0..1


@dataclass(frozen=True)
class ActionCounts:
    opened: int  # opened in the year
    closed: int  # of those, closed
    overdue: int  # of those, open past the due date or closed after it
    effective: int  # closed and verified effective
    as_of: date

    @property
    def open(self) -> int:
        return self.opened - self.closed


@dataclass(frozen=True)
class Indicators:
    year: int
    as_of: date
    deadline_days: int
    ratios: tuple[Ratio, ...]
    elements: tuple[ElementShare, ...]
    sample: SampleSize
    references: tuple[Reference, ...]

    @property
    def sipas_index(self) -> float | None:
        shares = [e.share for e in self.elements if e.measured and e.share is not None]
        return sum(shares) / len(shares) if shares else None

    @property
    def sipas_index_strict(self) -> float | None:
        shares = [e.share_strict for e in self.elements
                  if e.measured and e.share_strict is not None]
        return sum(shares) / len(shares) if shares else None

    def ratio(self, code: str) -> Ratio:
        for r in self.ratios:
            if r.code == code:
                return r
        raise KeyError(code)


# ---- arithmetic ---------------------------------------------------------------------------
def sample_size(population: int, margin: float = 0.05) -> int:
    """n = N / (1 + N·e²) rounded up (Yamane; the Ministry's training material):
    N = 2,000, e = 5 % → 333.3 → 334."""
    if population <= 0:
        raise ValueError("the population must be positive")
    return math.ceil(population / (1 + population * margin * margin) - 1e-9)


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days (Monday–Friday) after `start`. Public holidays are not
    known to formkit: a deadline over Tết comes out a few days early (stricter)."""
    d = start
    left = days
    while left > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            left -= 1
    return d


def count_actions(actions: Iterable[ActionLike], year: int, as_of: date) -> ActionCounts:
    """Corrective actions opened in `year`: how many, closed, overdue (open after the due
    date as of `as_of`, or closed after it) and verified effective."""
    mine = [a for a in actions if a.opened_on.year == year]
    closed = [a for a in mine if a.status == "closed"]
    overdue = sum(1 for a in mine if (a.closed_on > a.due_on if a.status == "closed"
                                      and a.closed_on is not None else as_of > a.due_on))
    return ActionCounts(len(mine), len(closed), overdue,
                        sum(1 for a in closed if a.effective), as_of)


# ---- the indicators -----------------------------------------------------------------------
def _element(spec: ElementSpec, t: YearTallies) -> ElementShare:
    sat = strict = valid = 0
    fields: list[str] = []
    for c in t.current.criteria:
        if c.criterion.field_id.split(".", 1)[0] in spec.questions:
            fields.append(c.criterion.field_id)
            sat += c.count(TOT) + c.count(DAT)
            strict += c.count(TOT)
            valid += c.valid
    if spec.harassment:
        h = t.current.harassment
        fields.append(t.scheme.harassment_field)
        sat += h.no
        strict += h.no
        valid += h.valid
    return ElementShare(spec.code, spec.name, tuple(fields), sat, strict, valid, spec.note)


def _register_ratios(year: int, timing: Sequence[FeedbackTiming] | None, deadline_days: int,
                     as_of: date, praise: frozenset[str]) -> list[Ratio]:
    where = (f"Sổ ghi nhận ý kiến năm {year} (không tính khen ngợi và mục đã hủy); thời hạn "
             f"xử lý {deadline_days} ngày làm việc kể từ ngày ghi nhận; tính đến "
             f"{as_of:%d/%m/%Y}")
    name1 = "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn"
    formula1 = "số phản ánh, kiến nghị đã xử lý trong thời hạn / tổng số phản ánh, kiến nghị"
    name2 = "Tỷ lệ phản ánh, kiến nghị không quá hạn, không bị đánh giá không hài lòng"
    formula2 = ("(số phản ánh, kiến nghị − số không hài lòng hoặc quá hạn) / số phản ánh, "
                "kiến nghị")
    if timing is None:
        missing = "Không có dữ liệu Sổ ghi nhận ý kiến kèm theo."
        return [Ratio("766-1", name1, formula1, missing, None, None),
                Ratio("766-2", name2, formula2, missing, None, None)]
    items = [f for f in timing if f.received.year == year and f.group not in praise]
    total = len(items)
    on_time = late = undated = 0
    for f in items:
        due = add_working_days(f.received, deadline_days)
        if f.handled and f.handled_on is not None:
            if f.handled_on <= due:
                on_time += 1
            else:
                late += 1
        elif f.handled:
            undated += 1  # handled, day unknown: cannot be shown on time, not shown late
        elif as_of > due:
            late += 1  # still pending after its deadline
    note1 = (f"{num(undated)} mục đã xử lý nhưng không ghi ngày xử lý: không tính là đúng "
             "hạn." if undated else "")
    note2 = ("Sổ ghi nhận không ghi ý kiến đánh giá của người phản ánh về kết quả xử lý, nên "
             "chỉ trừ số quá hạn (đã xử lý sau thời hạn hoặc chưa xử lý khi đã hết hạn): tỷ lệ "
             "này là giới hạn trên.")
    return [
        Ratio("766-1", name1, formula1, f"{where}: {num(total)} mục, {num(on_time)} đúng hạn.",
              on_time, total, note1),
        Ratio("766-2", name2, formula2, f"{where}: {num(total)} mục, {num(late)} quá hạn.",
              total - late, total, note2),
    ]


def _files_ratio(year: int, t: YearTallies, files: int | None, files_overdue: int | None,
                 complaints: int | None) -> Ratio:
    name = "Tỷ lệ hồ sơ không bị đánh giá không hài lòng, phản ánh hoặc quá hạn"
    formula = "(số hồ sơ − số hồ sơ không hài lòng, bị phản ánh hoặc quá hạn) / số hồ sơ"
    if not files:
        return Ratio("766-3", name, formula,
                     f"Chưa có số hồ sơ đã giải quyết năm {year} (khai báo trong tệp cài "
                     "đặt formkit.toml, mục chỉ số).",
                     None, None)
    overall = [c for c in t.current.criteria
               if c.criterion.field_id.split(".", 1)[0] == OVERALL_QUESTION]
    unsatisfied = sum(c.valid - c.count(TOT) - c.count(DAT) for c in overall)
    overdue = files_overdue or 0
    deducted = min(files, overdue + (complaints or 0) + unsatisfied)
    data = (f"{num(files)} hồ sơ (cài đặt); trừ {num(overdue)} hồ sơ quá hạn (cài đặt), "
            f"{num(complaints or 0)} phản ánh, khiếu nại trong Sổ ghi nhận, {num(unsatisfied)} "
            "phiếu “Chưa đạt yêu cầu” ở Câu hỏi 5.")
    note = ("Mỗi phản ánh và mỗi phiếu không hài lòng được coi là một hồ sơ riêng (trừ nhiều "
            "nhất), nên tỷ lệ là giới hạn dưới." +
            ("" if files_overdue is not None else
             " Tệp cài đặt chưa khai báo số hồ sơ quá hạn: tính là 0."))
    return Ratio("766-3", name, formula, data, files - deducted, files, note)


def _survey_ratios(t: YearTallies) -> list[Ratio]:
    out: list[Ratio] = []
    cur = t.current
    for c in cur.criteria:
        prefix = c.criterion.field_id.split(".", 1)[0]
        if prefix not in (OVERALL_QUESTION, "c4"):
            continue
        code = "KS-1" if prefix == OVERALL_QUESTION else "KS-3"
        out.append(Ratio(
            code, f"Tỷ lệ người trả lời hài lòng: {c.criterion.label}",
            "(số “Tốt” + số “Đạt yêu cầu”) / số câu trả lời hợp lệ",
            f"Phiếu khảo sát năm {t.year}, {c.criterion.question}: {num(c.valid)} câu trả lời "
            f"hợp lệ.", c.count(TOT) + c.count(DAT), c.valid))
    h = cur.harassment
    out.append(Ratio("KS-2", "Tỷ lệ người trả lời không bị phiền hà, sách nhiễu",
                     "số trả lời “Không” / số trả lời hợp lệ của Câu hỏi 2",
                     f"Phiếu khảo sát năm {t.year}: {num(h.valid)} câu trả lời hợp lệ, "
                     f"{num(h.yes)} trả lời “Có”.", h.no, h.valid))
    return sorted(out, key=lambda r: r.code)


def compute_indicators(t: YearTallies, *, as_of: date, deadline_days: int = 10,
                       timing: Sequence[FeedbackTiming] | None = None,
                       files_handled: Mapping[int, int] | None = None,
                       files_overdue: Mapping[int, int] | None = None,
                       margin: float = 0.05,
                       references: Iterable[tuple[str, int, float]] = (),
                       praise_groups: Iterable[str] = ()) -> Indicators:
    """The indicators of `t.year`. `timing`: register entries with their handled dates
    (None: not available); `praise_groups`: group codes of compliments (not feedback to
    handle); `references`: (label, year, percent) figures published by others."""
    year = t.year
    praise = frozenset(praise_groups)
    files = (files_handled or {}).get(year)
    overdue_files = (files_overdue or {}).get(year)
    complaints = None
    if timing is not None:
        complaints = sum(1 for f in timing if f.received.year == year
                         and f.source == "khieu_nai" and f.group not in praise)
    ratios = [*_register_ratios(year, timing, deadline_days, as_of, praise),
              _files_ratio(year, t, files, overdue_files, complaints), *_survey_ratios(t)]
    return Indicators(
        year=year, as_of=as_of, deadline_days=deadline_days, ratios=tuple(ratios),
        elements=tuple(_element(e, t) for e in SIPAS_ELEMENTS),
        sample=SampleSize(files, margin, t.current.answered),
        references=tuple(Reference(label, y, p / 100.0) for label, y, p in references))


def sample_sentence(s: SampleSize) -> str:
    """"Cỡ mẫu cần cho sai số ±5%: 334 phiếu (N = 2.000 hồ sơ); đã thu 120 phiếu." """
    # the formula itself is in the appendix and the workbook's formula column: a sentence
    # of the report body reads without symbols
    if s.needed is None:
        return (f"Chưa có số hồ sơ đã giải quyết trong năm nên chưa tính được cỡ mẫu cần thiết; "
                f"đã thu {num(s.collected)} phiếu có trả lời.")
    verdict = "đủ" if s.enough else "chưa đủ"
    return (f"Với {num(s.population or 0)} hồ sơ đã giải quyết trong năm, cần ít nhất "
            f"{num(s.needed)} phiếu để sai số không quá ±{pct(s.margin, 0)}; đã thu "
            f"{num(s.collected)} phiếu có trả lời ({verdict}).")


def praise_groups(group_labels: Mapping[str, str]) -> frozenset[str]:
    """Group codes whose name is a compliment ("Khen ngợi"): opinions, not feedback to handle."""
    from formkit.textnorm import fold

    return frozenset(code for code, label in group_labels.items() if "khen" in fold(label))


def indicators_for(settings: Settings, t: YearTallies,
                   timing: Sequence[FeedbackTiming] | None = None,
                   as_of: date | None = None) -> Indicators:
    """compute_indicators with the workspace's settings ([indicators] of formkit.toml).
    `as_of` defaults to today, or to the year's last day for a past year."""
    if as_of is None:
        as_of = min(date.today(), date(t.year, 12, 31))
    return compute_indicators(
        t, as_of=as_of, deadline_days=settings.feedback_deadline_days, timing=timing,
        files_handled=settings.files_handled, files_overdue=settings.files_overdue,
        margin=settings.sample_margin,
        references=[(r.label, r.year, r.percent) for r in settings.reference_figures],
        praise_groups=praise_groups(t.group_labels))


def indicator_sentences(ind: Indicators) -> list[str]:
    """The report's paragraphs on the national indicators (figures as in the tables)."""
    out = [
        "Ngoài các tiêu chí của Quy trình, báo cáo tính các tỷ lệ về mức độ hài lòng theo Bộ "
        "chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp "
        "(Quyết định số 766/QĐ-TTg năm 2022) mà dữ liệu của Sổ ghi nhận ý kiến và phiếu khảo "
        "sát cho phép tính, và đọc kết quả khảo sát theo các yếu tố của Chỉ số hài lòng về sự "
        "phục vụ hành chính (SIPAS). Mỗi tỷ lệ nêu công thức và dữ liệu đã dùng.",
        LEVEL_MAPPING,
    ]
    if ind.sipas_index is not None:
        out.append(f"Chỉ số tham chiếu SIPAS của đơn vị năm {ind.year} là "
                   f"{pct(ind.sipas_index)} (cách đọc chặt, chỉ tính “Tốt”: "
                   f"{pct(ind.sipas_index_strict)}); chỉ số này chỉ gồm các yếu tố mà phiếu đo "
                   "được nên không so sánh trực tiếp được với SIPAS toàn quốc.")
    if ind.references:
        refs = "; ".join(f"{r.label} năm {r.year}: {pct(r.share, 2)}" for r in ind.references)
        out.append(f"Số liệu tham chiếu (do cơ quan khác công bố, không do đơn vị tính): "
                   f"{refs}.")
    out.append(sample_sentence(ind.sample))
    return out


def action_sentence(c: ActionCounts, procedure: str) -> str:
    """"Hành động khắc phục (QT.SCT.04) năm 2026: đã mở 4, đã hoàn thành 2 …" """
    if not c.opened:
        return (f"Trong năm chưa mở hành động khắc phục nào theo Quy trình {procedure} "
                f"(tính đến {c.as_of:%d/%m/%Y}).")
    return (f"Hành động khắc phục theo Quy trình {procedure} mở trong năm: {num(c.opened)}; "
            f"đã hoàn thành {num(c.closed)} (trong đó {num(c.effective)} được kiểm tra là có "
            f"hiệu lực); còn đang thực hiện {num(c.open)}; quá hạn {num(c.overdue)} (tính đến "
            f"{c.as_of:%d/%m/%Y}).")
