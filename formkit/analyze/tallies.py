"""Tallies of the annual evaluation (QT.SCT.05, 5.3): per criterion, per quarter against the
same quarter of the previous year, per unit and channel, the harassment question, the
transaction types, the response rate and the feedback of every source.

Pure functions over ResponseRecord / FeedbackRecord lists returning frozen dataclasses; no
database, no files. Labels come from the survey template (FormSpec), never from this code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from formkit.analyze.records import FeedbackRecord, ResponseRecord
from formkit.analyze.stats import Change, Proportion, overall_index
from formkit.errors import TemplateError
from formkit.spec.model import FieldKind, FormSpec
from formkit.textnorm import nfc

# Stable option values of BM.QT.SCT.05-02 (the contract of the template, not labels).
TOT, DAT, CHUA_DAT = "tot", "dat", "chua_dat"
LEVELS = (TOT, DAT, CHUA_DAT)
SOME_LEVELS = ("mot_lan", "mot_so_lan")  # "some" harassment, as SIPAS reports it
MANY_LEVELS = ("pho_bien", "rat_pho_bien")  # "many"
PAPER_CHANNEL = "giay"

#: Default names of the channels; an import mapping may give its own label.
DEFAULT_CHANNEL_LABELS = {
    PAPER_CHANNEL: "Phiếu giấy",
    "google_forms": "Google Forms",
    "dvc": "Cổng Dịch vụ công",
    "zalo": "Zalo",
}

#: Sources of feedback named in QT.SCT.05 section 5.2 (codes as stored in the register).
DEFAULT_SOURCE_LABELS = {
    "khieu_nai": "Phản ánh, khiếu nại của khách hàng",
    "tiep_dan": "Công tác tiếp dân",
    "truyen_thong": "Phương tiện truyền thông",
    "hop": "Cuộc họp, trao đổi trực tiếp",
    "cap_tren": "Cấp có thẩm quyền (kể cả cấp trên)",
    "khao_sat": "Kết quả thăm dò (lấy ý kiến)",
}

#: Suggested opinion groups (domain notes; no official list exists). Callers pass the
#: editable list of the classifier when there is one; these are only the fallback.
DEFAULT_GROUP_LABELS = {
    "1": "Tiếp cận, hướng dẫn, cơ sở vật chất",
    "2": "Hồ sơ, thủ tục (giấy tờ, đi lại nhiều lần)",
    "3": "Thái độ của công chức",
    "4": "Phiền hà, sách nhiễu, chi phí không chính thức",
    "5": "Thời gian giải quyết, trả kết quả trễ hạn",
    "6": "Tính chính xác, khách quan của kết quả",
    "7": "Phí, lệ phí",
    "8": "Dịch vụ công trực tuyến, công nghệ thông tin",
    "9": "Giải quyết phản ánh, khiếu nại",
    "10": "Quy định, chính sách",
    "11": "Khen ngợi",
    "12": "Khác",
    "khac": "Khác",
}


# ---- what the template says -------------------------------------------------------------
@dataclass(frozen=True)
class Criterion:
    field_id: str  # e.g. "c1.thai_do_giao_tiep"
    label: str  # "Thái độ giao tiếp" (from the template)
    question: str  # "Câu hỏi 1" (the part of the question text before the colon)
    question_text: str  # the whole question, with the template's {co_quan} placeholders


@dataclass(frozen=True)
class SurveyScheme:
    """The parts of the survey template that the evaluation needs, with their labels."""

    criteria: tuple[Criterion, ...]
    level_labels: Mapping[str, str]  # tot → "Tốt", dat → "Đạt yêu cầu", chua_dat → …
    harassment_field: str  # c2.phien_ha
    harassment_yes: str  # "co"
    harassment_no: str  # "khong"
    harassment_labels: Mapping[str, str]  # co → "Có", khong → "Không"
    harassment_question: str
    frequency_field: str  # c2.muc_do
    frequency_labels: Mapping[str, str]  # mot_lan → "a. Một lần", … in template order
    flags: tuple[tuple[str, str], ...]  # (field id, label) of the transaction-type boxes

    def criterion(self, field_id: str) -> Criterion:
        for c in self.criteria:
            if c.field_id == field_id:
                return c
        raise KeyError(field_id)


def _question_head(text: str) -> str:
    head = text.split(":", 1)[0].strip()
    return head if len(head) < 20 else text


def survey_scheme(spec: FormSpec) -> SurveyScheme:
    """Read criteria, the harassment question and the transaction flags from the template.

    A criterion is any single-choice field whose options are exactly tot/dat/chua_dat; the
    frequency field is the one answered only when the harassment question is "yes".
    """
    if spec.kind != "survey":
        raise TemplateError(f"{spec.source}: the evaluation needs the survey (05-02), got "
                            f"a {spec.kind}.")
    criteria: list[Criterion] = []
    question = ""
    harassment_question = ""
    level_labels: dict[str, str] = {}
    for el in spec.elements:
        if el.type == "question":
            question = el.text
        for fid in el.field_ids:
            f = spec.fields[fid]
            values = tuple(o.value for o in f.options)
            if f.kind is FieldKind.SINGLE and set(values) == set(LEVELS):
                criteria.append(Criterion(fid, f.label, _question_head(question), question))
                if not level_labels:
                    level_labels = {o.value: o.label for o in f.options}
            elif f.only_if is not None and not harassment_question:
                harassment_question = question
    freq = [f for f in spec.fields.values() if f.only_if is not None]
    if not criteria or not freq:
        raise TemplateError(
            f"{spec.source}: the evaluation needs rating rows with options tot/dat/chua_dat and "
            "a frequency question with only_if (c2.muc_do); the template has "
            f"{len(criteria)} rating rows and {len(freq)} conditional questions."
        )
    frequency = freq[0]
    h_field_id, h_yes = frequency.only_if  # type: ignore[misc]
    h_field = spec.fields[h_field_id]
    h_values = [o.value for o in h_field.options]
    h_no = next((v for v in h_values if v != h_yes), "")
    missing = [v for v in (*SOME_LEVELS, *MANY_LEVELS) if v not in
               {o.value for o in frequency.options}]
    if missing:
        raise TemplateError(f"{spec.source}: {frequency.id} lacks the options {missing}.")
    flags = tuple((f.id, nfc(f.label.lstrip("-– ").strip())) for f in spec.fields.values()
                  if f.kind is FieldKind.FLAG)
    return SurveyScheme(
        criteria=tuple(criteria),
        level_labels=level_labels,
        harassment_field=h_field_id,
        harassment_yes=h_yes,
        harassment_no=h_no,
        harassment_labels={o.value: o.label for o in h_field.options},
        harassment_question=harassment_question,
        frequency_field=frequency.id,
        frequency_labels={o.value: o.label for o in frequency.options},
        flags=flags,
    )


# ---- tallies of one slice of responses ---------------------------------------------------
@dataclass(frozen=True)
class CriterionTally:
    criterion: Criterion
    tot: int = 0
    dat: int = 0
    chua_dat: int = 0
    blank: int = 0  # not answered
    invalid: int = 0  # several boxes, uncertain or unreadable and not reviewed, unknown value

    @property
    def valid(self) -> int:
        return self.tot + self.dat + self.chua_dat

    def count(self, level: str) -> int:
        return {TOT: self.tot, DAT: self.dat, CHUA_DAT: self.chua_dat}[level]

    def share(self, level: str) -> float | None:
        """Share of the valid answers at this level (None with no valid answer)."""
        return self.count(level) / self.valid if self.valid else None

    @property
    def satisfied(self) -> Proportion:
        return Proportion(self.tot + self.dat, self.valid)

    @property
    def rate(self) -> float | None:
        return self.satisfied.rate


@dataclass(frozen=True)
class HarassmentTally:
    """Câu hỏi 2, reported as a distribution like SIPAS: none / some / many."""

    no: int = 0
    yes_by_level: Mapping[str, int] = field(default_factory=dict)
    yes_unspecified: int = 0  # "Có" without a (valid) frequency
    blank: int = 0
    invalid: int = 0
    contradictions: int = 0  # "Không" together with a frequency
    level_without_answer: int = 0  # a frequency ticked, Có/Không left blank

    @property
    def yes(self) -> int:
        return sum(self.yes_by_level.values()) + self.yes_unspecified

    @property
    def valid(self) -> int:
        return self.no + self.yes

    @property
    def some(self) -> int:
        return sum(self.yes_by_level.get(v, 0) for v in SOME_LEVELS)

    @property
    def many(self) -> int:
        return sum(self.yes_by_level.get(v, 0) for v in MANY_LEVELS)

    def share(self, count: int) -> float | None:
        return count / self.valid if self.valid else None

    @property
    def none_share(self) -> float | None:
        return self.share(self.no)

    @property
    def some_share(self) -> float | None:
        return self.share(self.some)

    @property
    def many_share(self) -> float | None:
        return self.share(self.many)

    @property
    def yes_proportion(self) -> Proportion:
        return Proportion(self.yes, self.valid)


@dataclass(frozen=True)
class TransactionTally:
    """Phần II: what the respondents came for (both boxes may be ticked)."""

    responses: int
    by_flag: Mapping[str, int]  # field id → responses that ticked it
    both: int
    neither: int


@dataclass(frozen=True)
class SliceTally:
    key: str  # "2026", "2026-Q1", unit code, channel name
    responses: int
    answered: int  # responses with at least one valid criterion answer
    with_invalid: int  # responses with at least one invalid field
    criteria: tuple[CriterionTally, ...]
    harassment: HarassmentTally
    transactions: TransactionTally

    def criterion(self, field_id: str) -> CriterionTally:
        for c in self.criteria:
            if c.criterion.field_id == field_id:
                return c
        raise KeyError(field_id)

    @property
    def index(self) -> float | None:
        """INDEX_FORMULA (formkit.analyze.stats.overall_index) over this slice."""
        return overall_index(c.rate for c in self.criteria)

    @property
    def index_proportion(self) -> Proportion:
        """The index as a proportion of the responding forms, for its interval and tests."""
        idx = self.index
        return Proportion((idx or 0.0) * self.answered, self.answered if idx is not None else 0)

    @property
    def contradictions(self) -> int:
        return self.harassment.contradictions


def _harassment(records: Sequence[ResponseRecord], s: SurveyScheme) -> HarassmentTally:
    no = blank = invalid = contra = orphan = unspecified = 0
    levels: Counter[str] = Counter()
    known = set(s.frequency_labels)
    for r in records:
        if s.harassment_field in r.invalid:
            invalid += 1
            continue
        answer = r.answers.get(s.harassment_field)
        level_invalid = s.frequency_field in r.invalid
        level = None if level_invalid else r.answers.get(s.frequency_field)
        has_level = level_invalid or level is not None
        if answer == s.harassment_no:
            if has_level:
                contra += 1
            else:
                no += 1
        elif answer == s.harassment_yes:
            if level in known:
                levels[level] += 1
            else:
                unspecified += 1
        elif answer is None:
            if has_level:
                orphan += 1
            else:
                blank += 1
        else:
            invalid += 1
    return HarassmentTally(no, {v: levels.get(v, 0) for v in s.frequency_labels}, unspecified,
                           blank, invalid, contra, orphan)


def tally(records: Sequence[ResponseRecord], scheme: SurveyScheme, key: str = "") -> SliceTally:
    """Count one slice of responses (already selected by year, quarter, unit or channel)."""
    counts = {c.field_id: Counter() for c in scheme.criteria}
    answered = with_invalid = 0
    flag_counts: Counter[str] = Counter()
    both = neither = 0
    flag_ids = [fid for fid, _ in scheme.flags]
    for r in records:
        any_valid = False
        for fid, counter in counts.items():
            if fid in r.invalid:
                counter["invalid"] += 1
                continue
            value = r.answers.get(fid)
            if value is None or value == "":
                counter["blank"] += 1
            elif value in LEVELS:
                counter[value] += 1
                any_valid = True
            else:
                counter["invalid"] += 1  # a value the form cannot produce
        answered += any_valid
        with_invalid += bool(r.invalid)
        ticked = [fid for fid in flag_ids if r.answers.get(fid) is True]
        flag_counts.update(ticked)
        both += len(ticked) == len(flag_ids) and len(flag_ids) > 1
        neither += not ticked
    criteria = tuple(
        CriterionTally(c, counts[c.field_id][TOT], counts[c.field_id][DAT],
                       counts[c.field_id][CHUA_DAT], counts[c.field_id]["blank"],
                       counts[c.field_id]["invalid"])
        for c in scheme.criteria
    )
    transactions = TransactionTally(len(records), {f: flag_counts.get(f, 0) for f in flag_ids},
                                    both, neither)
    return SliceTally(key, len(records), answered, with_invalid, criteria,
                      _harassment(records, scheme), transactions)


def select(records: Iterable[ResponseRecord], year: int | None = None,
           quarter: int | None = None, unit: str | None = None,
           channel: str | None = None) -> list[ResponseRecord]:
    """The records of a year, quarter (1–4), unit code and/or channel (None: any)."""
    return [r for r in records
            if (year is None or r.year == year)
            and (quarter is None or r.quarter == quarter)
            and (unit is None or r.unit == unit)
            and (channel is None or r.channel == channel)]


# ---- comparisons -------------------------------------------------------------------------
@dataclass(frozen=True)
class QuarterRow:
    """One quarter of the year beside the same quarter of the previous year."""

    quarter: int
    current: SliceTally
    previous: SliceTally
    prior_quarter: SliceTally | None  # the quarter before, same year (None for Q1)

    @property
    def year_on_year(self) -> Change:
        return Change(self.current.index_proportion, self.previous.index_proportion)

    @property
    def vs_prior_quarter(self) -> Change | None:
        if self.prior_quarter is None:
            return None
        return Change(self.current.index_proportion, self.prior_quarter.index_proportion)

    def criterion_year_on_year(self, field_id: str) -> Change:
        return Change(self.current.criterion(field_id).satisfied,
                      self.previous.criterion(field_id).satisfied)


@dataclass(frozen=True)
class ResponseRate:
    issued: int | None  # numbered paper copies issued for the year (None: unknown)
    returned_paper: int  # paper responses read for the year
    other_channels: int  # responses from online channels (no issued count exists)
    answered: int  # responses (all channels) with at least one valid criterion answer

    @property
    def rate(self) -> float | None:
        if not self.issued:
            return None
        return self.returned_paper / self.issued


# ---- feedback (register BM.QT.SCT.05-01 and every other source) --------------------------
@dataclass(frozen=True)
class FeedbackCount:
    code: str
    label: str
    count: int
    handled: int
    total: int  # of the whole year, for the share

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.total else None

    @property
    def handled_share(self) -> float | None:
        return self.handled / self.count if self.count else None


@dataclass(frozen=True)
class FeedbackTally:
    total: int
    handled: int
    by_group: tuple[FeedbackCount, ...]
    by_source: tuple[FeedbackCount, ...]
    matrix: Mapping[tuple[str, str], int]  # (group, source) → count
    by_quarter: Mapping[int, int]
    previous_total: int
    previous_by_group: Mapping[str, int]

    @property
    def handled_share(self) -> float | None:
        return self.handled / self.total if self.total else None

    @property
    def unhandled(self) -> int:
        return self.total - self.handled


def _group_sort_key(code: str) -> tuple[int, int, str]:
    # numbered groups in their order, then anything else alphabetically, "khac" last
    if code.isdigit():
        return (0, int(code), "")
    return (2 if code == "khac" else 1, 0, code)


def tally_feedback(year: int, feedback: Iterable[FeedbackRecord],
                   group_labels: Mapping[str, str] | None = None,
                   source_labels: Mapping[str, str] | None = None) -> FeedbackTally:
    """Feedback of `year` by group and by source, with how much was handled; the previous
    year's counts by group come along for the comparison."""
    groups = {**DEFAULT_GROUP_LABELS, **(group_labels or {})}
    sources = {**DEFAULT_SOURCE_LABELS, **(source_labels or {})}
    records = list(feedback)
    this = [f for f in records if f.received.year == year]
    rest = [f for f in records if f.received.year == year - 1]
    prev_counts: Counter[str] = Counter(f.group for f in rest)
    total = len(this)
    by_g: Counter[str] = Counter(f.group for f in this)
    by_g_h: Counter[str] = Counter(f.group for f in this if f.handled)
    by_s: Counter[str] = Counter(f.source for f in this)
    by_s_h: Counter[str] = Counter(f.source for f in this if f.handled)
    matrix: Counter[tuple[str, str]] = Counter((f.group, f.source) for f in this)
    quarters: Counter[int] = Counter((f.received.month - 1) // 3 + 1 for f in this)
    # groups of either year, so a group that disappeared still shows last year's count
    group_rows = tuple(
        FeedbackCount(g, groups.get(g, f"Nhóm {g}"), by_g[g], by_g_h[g], total)
        for g in sorted(set(by_g) | set(prev_counts), key=_group_sort_key)
    )
    source_order = [s for s in sources if s in by_s] + sorted(s for s in by_s if s not in sources)
    source_rows = tuple(FeedbackCount(s, sources.get(s, s), by_s[s], by_s_h[s], total)
                        for s in source_order)
    return FeedbackTally(total, sum(by_g_h.values()), group_rows, source_rows, dict(matrix),
                         {q: quarters.get(q, 0) for q in (1, 2, 3, 4)}, len(rest),
                         dict(prev_counts))


# ---- the whole year ----------------------------------------------------------------------
@dataclass(frozen=True)
class YearTallies:
    year: int
    scheme: SurveyScheme
    current: SliceTally
    previous: SliceTally
    quarters: tuple[QuarterRow, ...]
    undated: int  # responses of the year without a date: in the year, in no quarter
    by_unit: tuple[SliceTally, ...]
    by_channel: tuple[SliceTally, ...]
    response_rate: ResponseRate
    feedback: FeedbackTally
    unit_labels: Mapping[str, str]
    channel_labels: Mapping[str, str]
    group_labels: Mapping[str, str]

    @property
    def previous_year(self) -> int:
        return self.year - 1

    @property
    def index_year_on_year(self) -> Change:
        return Change(self.current.index_proportion, self.previous.index_proportion)

    def criterion_year_on_year(self, field_id: str) -> Change:
        return Change(self.current.criterion(field_id).satisfied,
                      self.previous.criterion(field_id).satisfied)

    def unit_label(self, code: str) -> str:
        return self.unit_labels.get(code, code or "Không xác định")

    def channel_label(self, code: str) -> str:
        return self.channel_labels.get(code, code)


def tally_year(year: int, responses: Iterable[ResponseRecord], scheme: SurveyScheme,
               feedback: Iterable[FeedbackRecord] = (), issued: int | None = None,
               unit_labels: Mapping[str, str] | None = None,
               channel_labels: Mapping[str, str] | None = None,
               group_labels: Mapping[str, str] | None = None,
               source_labels: Mapping[str, str] | None = None) -> YearTallies:
    """Everything the summary workbook and the annual report show for `year`.

    `responses` and `feedback` may hold several years (the store's answers for this year
    and the previous one, concatenated); each record is placed by its own year.
    `issued` is the number of numbered paper copies issued for the year
    (sum of `count` in formkit.render.build.issued_serials(settings, "05-02", year)).
    """
    all_responses = list(responses)
    cur = select(all_responses, year=year)
    prev = select(all_responses, year=year - 1)
    quarters: list[QuarterRow] = []
    prior: SliceTally | None = None
    for q in (1, 2, 3, 4):
        c = tally(select(cur, quarter=q), scheme, f"{year}-Q{q}")
        p = tally(select(prev, quarter=q), scheme, f"{year - 1}-Q{q}")
        quarters.append(QuarterRow(q, c, p, prior))
        prior = c
    current = tally(cur, scheme, str(year))
    units = sorted({r.unit for r in cur})
    channels = sorted({r.channel for r in cur}, key=lambda ch: (ch != PAPER_CHANNEL, ch))
    paper = sum(1 for r in cur if r.channel == PAPER_CHANNEL)
    return YearTallies(
        year=year,
        scheme=scheme,
        current=current,
        previous=tally(prev, scheme, str(year - 1)),
        quarters=tuple(quarters),
        undated=sum(1 for r in cur if r.received is None),
        by_unit=tuple(tally(select(cur, unit=u), scheme, u) for u in units),
        by_channel=tuple(tally(select(cur, channel=ch), scheme, ch) for ch in channels),
        response_rate=ResponseRate(issued, paper, len(cur) - paper, current.answered),
        feedback=tally_feedback(year, feedback, group_labels, source_labels),
        unit_labels=dict(unit_labels or {}),
        channel_labels={**DEFAULT_CHANNEL_LABELS, **(channel_labels or {})},
        group_labels={**DEFAULT_GROUP_LABELS, **(group_labels or {})},
    )


def issued_count(batches: Iterable[Mapping]) -> int:
    """Total copies in the ledger batches of formkit.render.build.issued_serials."""
    total = 0
    for b in batches:
        if "count" in b:
            total += int(b["count"])
        else:
            total += int(b["last"]) - int(b["first"]) + 1
    return total
