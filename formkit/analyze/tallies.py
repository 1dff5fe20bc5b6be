"""Tallies of the annual evaluation (QT.SCT.05, 5.3): per criterion, per quarter against the
same quarter of the previous year, per unit and channel, the harassment question, the
transaction types, the response rate and the feedback of every source.

Pure functions over ResponseRecord / FeedbackRecord lists returning frozen dataclasses; no
database, no files. Labels come from the survey template (FormSpec), never from this code.

Size (over 500 lines): each tally is short, and all of them share the same record filters,
period arithmetic and result dataclasses that the report, the workbook and the web read;
split by table, those shared pieces would be imported back from everywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np

from formkit.analyze.records import FeedbackRecord, ResponseFacts, ResponseRecord
from formkit.analyze.stats import Change, Proportion, overall_index
from formkit.catalogue import say
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
        raise TemplateError(say("error.evaluation.kind", source=spec.source, kind=spec.kind))
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
        raise TemplateError(say("error.evaluation.shape", source=spec.source,
                                rows=len(criteria), questions=len(freq)))
    frequency = freq[0]
    h_field_id, h_yes = frequency.only_if  # type: ignore[misc]
    h_field = spec.fields[h_field_id]
    h_values = [o.value for o in h_field.options]
    h_no = next((v for v in h_values if v != h_yes), "")
    missing = [v for v in (*SOME_LEVELS, *MANY_LEVELS) if v not in
               {o.value for o in frequency.options}]
    if missing:
        raise TemplateError(say("error.evaluation.options", source=spec.source,
                                question=frequency.id, missing=str(missing)))
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


# A year of 10,000 responses is counted in many slices (year, quarters, units, channels,
# the previous year). Rather than walking the records once per slice, every response is
# classified once into its "signature" (the counts it adds 1 to) and its base slice (year,
# month, unit, channel); responses with the same answers and invalid fields share one
# classification. numpy then adds the signatures up per base slice, and each reported slice
# is the sum of its base slices: the same integers as counting slice by slice.

#: Bump when a counting rule changes: counts kept on disk (ResponseCounts.to_json) with
#: another number are recounted.
COUNTS_FORMAT = 1


class _Layout:
    """Where each count of a slice sits in a flat list of integers, and the rules that say
    which counts one response adds to."""

    def __init__(self, scheme: SurveyScheme):
        self.scheme = scheme
        self.criteria = tuple(c.field_id for c in scheme.criteria)
        self.flags = tuple(fid for fid, _ in scheme.flags)
        self.levels = tuple(scheme.frequency_labels)
        n = len(self.criteria)
        self.RESPONSES = 0
        self.CRITERIA = 1  # 5 per criterion: tot, dat, chua_dat, blank, invalid
        self.ANSWERED = 1 + 5 * n
        self.WITH_INVALID = self.ANSWERED + 1
        self.FLAGS = self.WITH_INVALID + 1  # one per flag
        self.BOTH = self.FLAGS + len(self.flags)
        self.NEITHER = self.BOTH + 1
        self.H_NO = self.NEITHER + 1
        self.H_LEVELS = self.H_NO + 1  # one per frequency level
        h = self.H_LEVELS + len(self.levels)
        (self.H_UNSPECIFIED, self.H_BLANK, self.H_INVALID, self.H_CONTRADICTION,
         self.H_ORPHAN) = range(h, h + 5)
        self.size = h + 5
        self._frequency = {v: self.H_LEVELS + i for i, v in enumerate(self.levels)}
        #: what the counts depend on besides the rules: stored beside kept counts
        self.shape: tuple[Any, ...] = (
            COUNTS_FORMAT, self.criteria, self.flags, self.levels, scheme.harassment_field,
            scheme.harassment_yes, scheme.harassment_no, scheme.frequency_field)

    def signature(self, answers: Mapping[str, Any], invalid: frozenset[str]
                  ) -> tuple[int, ...]:
        """The positions one response adds 1 to: the rules of counting, response by
        response, for every slice it belongs to."""
        get = answers.get
        out = [self.RESPONSES]
        any_valid = False
        for i, fid in enumerate(self.criteria):
            base = self.CRITERIA + 5 * i
            if fid in invalid:
                out.append(base + 4)
                continue
            value = get(fid)
            if value is None or value == "":
                out.append(base + 3)
            elif value in LEVELS:
                out.append(base + LEVELS.index(value))
                any_valid = True
            else:
                out.append(base + 4)  # a value the form cannot produce
        if any_valid:
            out.append(self.ANSWERED)
        if invalid:
            out.append(self.WITH_INVALID)
        ticked = [j for j, fid in enumerate(self.flags) if get(fid) is True]
        out.extend(self.FLAGS + j for j in ticked)
        if len(ticked) == len(self.flags) and len(self.flags) > 1:
            out.append(self.BOTH)
        if not ticked:
            out.append(self.NEITHER)
        out.append(self._harassment(get, invalid))
        return tuple(out)

    def _harassment(self, get: Callable[[str], Any], invalid: frozenset[str]) -> int:
        """Câu hỏi 2: none (no), a frequency (yes), yes without a valid frequency, blank,
        invalid, "no" with a frequency (contradiction), a frequency alone (orphan)."""
        s = self.scheme
        if s.harassment_field in invalid:
            return self.H_INVALID
        answer = get(s.harassment_field)
        level_invalid = s.frequency_field in invalid
        level = None if level_invalid else get(s.frequency_field)
        has_level = level_invalid or level is not None
        if answer == s.harassment_no:
            return self.H_CONTRADICTION if has_level else self.H_NO
        if answer == s.harassment_yes:
            try:
                return self._frequency.get(level, self.H_UNSPECIFIED)
            except TypeError:  # a list from a foreign import: no frequency of the form
                return self.H_UNSPECIFIED
        if answer is None:
            return self.H_ORPHAN if has_level else self.H_BLANK
        return self.H_INVALID

    def slice(self, counts: Sequence[int], key: str) -> SliceTally:
        s = self.scheme
        criteria = []
        for i, c in enumerate(s.criteria):
            b = self.CRITERIA + 5 * i
            criteria.append(CriterionTally(c, *counts[b:b + 5]))
        harassment = HarassmentTally(
            counts[self.H_NO],
            {v: counts[self.H_LEVELS + i] for i, v in enumerate(self.levels)},
            counts[self.H_UNSPECIFIED], counts[self.H_BLANK], counts[self.H_INVALID],
            counts[self.H_CONTRADICTION], counts[self.H_ORPHAN])
        responses = counts[self.RESPONSES]
        transactions = TransactionTally(
            responses, {f: counts[self.FLAGS + j] for j, f in enumerate(self.flags)},
            counts[self.BOTH], counts[self.NEITHER])
        return SliceTally(key, responses, counts[self.ANSWERED], counts[self.WITH_INVALID],
                          tuple(criteria), harassment, transactions)


#: (year, month or None when undated, unit, channel): the finest slice of the evaluation
BaseKey = tuple[int, int | None, str, str]


def _base_counts(facts: Iterable[ResponseFacts], layout: _Layout
                 ) -> dict[BaseKey, list[int]]:
    """Counts (layout positions) of the responses by year, month, unit and channel.

    Column by column: the steps taken for every response are C loops (zip, map, set, dict
    lookups); Python code runs once per distinct answers mapping with its invalid fields
    and once per distinct (year, date, unit, channel)."""
    rows = facts if isinstance(facts, list) else list(facts)
    if not rows:
        return {}
    years, receiveds, units, channels, answers, invalids = zip(*rows, strict=True)
    try:
        sets = list(set(invalids))
    except TypeError:  # plain sets or lists: made frozensets
        invalids = tuple(map(frozenset, invalids))
        sets = list(set(invalids))
    set_number = {s: k for k, s in enumerate(sets)}
    # a mapping given for several responses (the store shares one per distinct answers
    # text) is classified once; `answers` holds them all meanwhile, so no id is reused
    ids = list(map(id, answers))
    mapping = dict(zip(ids, answers, strict=True))
    pairs = list(zip(ids, map(set_number.__getitem__, invalids), strict=True))
    signatures: dict[tuple[int, ...], int] = {}
    signature_of = {pair: signatures.setdefault(
        layout.signature(mapping[pair[0]], sets[pair[1]]), len(signatures))
        for pair in set(pairs)}
    keys = list(zip(years, receiveds, units, channels, strict=True))
    bases: dict[BaseKey, int] = {}
    base_of = {key: bases.setdefault((key[0], key[1].month if key[1] else None, *key[2:]),
                                     len(bases))
               for key in set(keys)}
    return _add_up(list(map(base_of.__getitem__, keys)),
                   list(map(signature_of.__getitem__, pairs)), list(bases), list(signatures),
                   layout.size)


def _add_up(base_numbers: list[int], signature_numbers: list[int], bases: list[BaseKey],
            signatures: list[tuple[int, ...]], size: int) -> dict[BaseKey, list[int]]:
    """The counts of every base slice, given each response's base slice and signature by
    number: numpy adds 1 at every (base, position) of every response, in integers."""
    lengths = np.fromiter(map(len, signatures), dtype=np.int64, count=len(signatures))
    positions = np.fromiter(chain.from_iterable(signatures), dtype=np.int64,
                            count=int(lengths.sum()))
    first = np.concatenate(([0], np.cumsum(lengths)[:-1]))  # of each signature's positions
    sig = np.asarray(signature_numbers, dtype=np.int64)
    per = lengths[sig]  # positions of each response
    # for every (response, one of its positions): where that position is in `positions`
    ends = np.cumsum(per)
    at = np.repeat(first[sig] - (ends - per), per) + np.arange(int(ends[-1]))
    cells = (np.repeat(np.asarray(base_numbers, dtype=np.int64), per) * size
             + positions[at])
    totals = np.bincount(cells, minlength=len(bases) * size).reshape(len(bases), size)
    return dict(zip(bases, totals.tolist(), strict=True))


def _facts_of(records: Iterable[ResponseRecord]) -> Iterator[ResponseFacts]:
    return ((r.year, r.received, r.unit, r.channel, r.answers, r.invalid) for r in records)


def _sum(parts: Iterable[Sequence[int]], size: int) -> list[int]:
    total = [0] * size
    for part in parts:
        for j, v in enumerate(part):
            total[j] += v
    return total


@dataclass(frozen=True)
class ResponseCounts:
    """Responses reduced to what tally_year needs of them: the counts of every base slice
    (year, month, unit, channel). Small and JSON-able (to_json, from_json), so that a
    server can keep a large year's counts across restarts instead of recounting."""

    shape: tuple[Any, ...]  # _Layout.shape of the scheme they were counted with
    bases: Mapping[BaseKey, tuple[int, ...]]

    def fits(self, scheme: SurveyScheme) -> bool:
        """Counted with this scheme (and these counting rules)?"""
        return self.shape == _Layout(scheme).shape

    def to_json(self) -> dict[str, Any]:
        return {"shape": _jsonable(self.shape),
                "bases": [[*key, list(counts)] for key, counts in self.bases.items()]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ResponseCounts:
        """Raises ValueError when `data` is not what to_json wrote."""
        try:
            shape = _tupled(data["shape"])
            bases = {(int(y), None if m is None else int(m), u, ch): tuple(int(v) for v in c)
                     for y, m, u, ch, c in data["bases"]}
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not response counts: {exc}") from exc
        return cls(shape, bases)  # type: ignore[arg-type]


def _jsonable(value: Any) -> Any:
    return [_jsonable(v) for v in value] if isinstance(value, tuple) else value


def _tupled(value: Any) -> Any:
    return tuple(_tupled(v) for v in value) if isinstance(value, list) else value


def count_responses(responses: Iterable[ResponseRecord], scheme: SurveyScheme
                    ) -> ResponseCounts:
    """The counts of `responses` (any years) per base slice, for tally_year."""
    return count_facts(_facts_of(responses), scheme)


def count_facts(facts: Iterable[ResponseFacts], scheme: SurveyScheme) -> ResponseCounts:
    """count_responses of the plain tuples Store.response_facts gives. An answers mapping
    given for several responses is read once: it must not change while they are counted."""
    layout = _Layout(scheme)
    return ResponseCounts(layout.shape, {key: tuple(c) for key, c in
                                         _base_counts(facts, layout).items()})


def tally(records: Sequence[ResponseRecord], scheme: SurveyScheme, key: str = "") -> SliceTally:
    """Count one slice of responses (already selected by year, quarter, unit or channel)."""
    layout = _Layout(scheme)
    return layout.slice(_sum(_base_counts(_facts_of(records), layout).values(), layout.size),
                        key)


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


def tally_year(year: int, responses: Iterable[ResponseRecord] | ResponseCounts,
               scheme: SurveyScheme, feedback: Iterable[FeedbackRecord] = (),
               issued: int | None = None, unit_labels: Mapping[str, str] | None = None,
               channel_labels: Mapping[str, str] | None = None,
               group_labels: Mapping[str, str] | None = None,
               source_labels: Mapping[str, str] | None = None) -> YearTallies:
    """Everything the summary workbook and the annual report show for `year`.

    `responses` and `feedback` may hold several years (the store's answers for this year
    and the previous one, concatenated); each record is placed by its own year. The
    responses may also come counted already (count_responses with the same scheme).
    `issued` is the number of numbered paper copies issued for the year
    (sum of `count` in formkit.render.build.issued_serials(settings, "05-02", year)).
    """
    layout = _Layout(scheme)
    if isinstance(responses, ResponseCounts):
        if responses.shape != layout.shape:
            raise ValueError("the response counts were made with another survey scheme")
        bases: Mapping[BaseKey, Sequence[int]] = responses.bases
    else:
        bases = _base_counts(_facts_of(responses), layout)
    size = layout.size

    def counts(year_: int, quarter: int | None = None, unit: str | None = None,
               channel: str | None = None) -> list[int]:
        return _sum((c for (y, month, u, ch), c in bases.items()
                     if y == year_
                     and (quarter is None or (month is not None
                                              and (month - 1) // 3 + 1 == quarter))
                     and (unit is None or u == unit)
                     and (channel is None or ch == channel)), size)

    quarters: list[QuarterRow] = []
    prior: SliceTally | None = None
    for q in (1, 2, 3, 4):
        c = layout.slice(counts(year, quarter=q), f"{year}-Q{q}")
        p = layout.slice(counts(year - 1, quarter=q), f"{year - 1}-Q{q}")
        quarters.append(QuarterRow(q, c, p, prior))
        prior = c
    current = layout.slice(counts(year), str(year))
    cur_bases = [(key, c[layout.RESPONSES]) for key, c in bases.items() if key[0] == year]
    units = sorted({u for (_, _, u, _), _ in cur_bases})
    channels = sorted({ch for (_, _, _, ch), _ in cur_bases},
                      key=lambda ch: (ch != PAPER_CHANNEL, ch))
    paper = sum(n for (_, _, _, ch), n in cur_bases if ch == PAPER_CHANNEL)
    return YearTallies(
        year=year,
        scheme=scheme,
        current=current,
        previous=layout.slice(counts(year - 1), str(year - 1)),
        quarters=tuple(quarters),
        undated=sum(n for (_, month, _, _), n in cur_bases if month is None),
        by_unit=tuple(layout.slice(counts(year, unit=u), u) for u in units),
        by_channel=tuple(layout.slice(counts(year, channel=ch), ch) for ch in channels),
        response_rate=ResponseRate(issued, paper, current.responses - paper,
                                   current.answered),
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
