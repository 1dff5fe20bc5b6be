"""The grouped counting of formkit.analyze.tallies (one pass, identical responses counted
once, slices summed from base slices) against a straightforward reference that walks the
records once per slice, as the module did before: on random synthetic years made messy
with blank, invalid, unknown, unhashable and multi-select answers, the figures must be the
same integers."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from formkit.analyze.records import ResponseRecord
from formkit.analyze.tallies import (
    DEFAULT_CHANNEL_LABELS,
    DEFAULT_GROUP_LABELS,
    LEVELS,
    PAPER_CHANNEL,
    CriterionTally,
    HarassmentTally,
    QuarterRow,
    ResponseCounts,
    ResponseRate,
    SliceTally,
    SurveyScheme,
    TransactionTally,
    YearTallies,
    count_facts,
    count_responses,
    tally,
    tally_feedback,
    tally_year,
)
from formkit_dev.synthetic import CRITERIA, FREQUENCIES, synthetic_responses
from tests.eval_helpers import scheme

FLAGS = ("noi_dung.tiep_nhan_xu_ly", "noi_dung.giai_quyet_tthc")


# ---- the reference: every slice counted record by record ---------------------------------
def ref_harassment(records: Sequence[ResponseRecord], s: SurveyScheme) -> HarassmentTally:
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


def ref_tally(records: Sequence[ResponseRecord], s: SurveyScheme, key: str = "") -> SliceTally:
    counts: dict[str, Counter[str]] = {c.field_id: Counter() for c in s.criteria}
    answered = with_invalid = both = neither = 0
    flag_counts: Counter[str] = Counter()
    flag_ids = [fid for fid, _ in s.flags]
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
                counter["invalid"] += 1
        answered += any_valid
        with_invalid += bool(r.invalid)
        ticked = [fid for fid in flag_ids if r.answers.get(fid) is True]
        flag_counts.update(ticked)
        both += len(ticked) == len(flag_ids) and len(flag_ids) > 1
        neither += not ticked
    criteria = tuple(CriterionTally(c, counts[c.field_id]["tot"], counts[c.field_id]["dat"],
                                    counts[c.field_id]["chua_dat"], counts[c.field_id]["blank"],
                                    counts[c.field_id]["invalid"]) for c in s.criteria)
    return SliceTally(key, len(records), answered, with_invalid, criteria,
                      ref_harassment(records, s),
                      TransactionTally(len(records), {f: flag_counts.get(f, 0) for f in flag_ids},
                                       both, neither))


def ref_select(records: Sequence[ResponseRecord], year: int | None = None,
               quarter: int | None = None, unit: str | None = None,
               channel: str | None = None) -> list[ResponseRecord]:
    return [r for r in records
            if (year is None or r.year == year) and (quarter is None or r.quarter == quarter)
            and (unit is None or r.unit == unit) and (channel is None or r.channel == channel)]


def ref_tally_year(year: int, records: Sequence[ResponseRecord], s: SurveyScheme,
                   issued: int | None = None) -> YearTallies:
    cur, prev = ref_select(records, year=year), ref_select(records, year=year - 1)
    quarters, prior = [], None
    for q in (1, 2, 3, 4):
        c = ref_tally(ref_select(cur, quarter=q), s, f"{year}-Q{q}")
        quarters.append(QuarterRow(q, c, ref_tally(ref_select(prev, quarter=q), s,
                                                   f"{year - 1}-Q{q}"), prior))
        prior = c
    current = ref_tally(cur, s, str(year))
    units = sorted({r.unit for r in cur})
    channels = sorted({r.channel for r in cur}, key=lambda ch: (ch != PAPER_CHANNEL, ch))
    paper = sum(1 for r in cur if r.channel == PAPER_CHANNEL)
    return YearTallies(
        year=year, scheme=s, current=current, previous=ref_tally(prev, s, str(year - 1)),
        quarters=tuple(quarters), undated=sum(1 for r in cur if r.received is None),
        by_unit=tuple(ref_tally(ref_select(cur, unit=u), s, u) for u in units),
        by_channel=tuple(ref_tally(ref_select(cur, channel=ch), s, ch) for ch in channels),
        response_rate=ResponseRate(issued, paper, len(cur) - paper, current.answered),
        feedback=tally_feedback(year, []), unit_labels={},
        channel_labels=dict(DEFAULT_CHANNEL_LABELS), group_labels=dict(DEFAULT_GROUP_LABELS))


# ---- messy synthetic years ---------------------------------------------------------------
ODD_VALUES: tuple[Any, ...] = ("", "xyz", "TOT", 0, 1, 1.0, True, False, "co", "mot_lan")
FLAG_VALUES: tuple[Any, ...] = (True, False, None, 1, 1.0, 0, "x", "")


def messy(records: list[ResponseRecord], rng: random.Random,
          unhashable: bool = False) -> list[ResponseRecord]:
    """Records with odd answers mixed in: blank strings, values no option has, flags that
    are 1 rather than True, invalid fields of every kind, contradictions, undated ones and
    answer dicts shared between records (and lists, with `unhashable`)."""
    out: list[ResponseRecord] = []
    shared: dict[str, Any] | None = None
    for r in records:
        answers = dict(r.answers)
        invalid = set(r.invalid)
        u = rng.random()
        if u < 0.15:
            answers[rng.choice(CRITERIA)] = rng.choice(ODD_VALUES)
        elif u < 0.25:
            invalid.add(rng.choice((*CRITERIA, "c2.phien_ha", "c2.muc_do", *FLAGS,
                                    "c1.y_kien_khac")))
        elif u < 0.32:
            answers["c2.phien_ha"] = rng.choice(("khong", "co", None, "", "x"))
            answers["c2.muc_do"] = rng.choice((*FREQUENCIES, None, "", "khac"))
        elif u < 0.36:
            answers.pop(rng.choice((*CRITERIA, "c2.phien_ha", "c2.muc_do", *FLAGS)))
        for f in FLAGS:
            if rng.random() < 0.1:
                answers[f] = rng.choice(FLAG_VALUES)
        if unhashable and rng.random() < 0.05:
            answers[rng.choice((*CRITERIA, "c2.phien_ha", *FLAGS))] = ["tot", "dat"]
            if rng.random() < 0.5 and answers.get("c2.phien_ha") != "co":
                answers["c2.muc_do"] = ["mot_lan"]  # "yes" with a list fails the reference
        received = None if rng.random() < 0.03 else r.received
        if shared is not None and rng.random() < 0.05:
            answers = shared  # the same dict object for several records
        elif rng.random() < 0.05:
            shared = answers
        out.append(replace(r, answers=answers, invalid=frozenset(invalid),
                           received=received))
    return out


def year_pair(seed: int, n: int = 3000, unhashable: bool = False) -> list[ResponseRecord]:
    rng = random.Random(seed)
    channels = (("giay", 3.0), ("google_forms", 1.0), ("dvc", 0.5))
    units = ("VP", "QLCN", "QLTM", "")
    records = (synthetic_responses(2026, n, seed=seed, units=units, channels=channels,
                                   p_blank=0.05, p_invalid=0.04, p_harassment=0.2)
               + synthetic_responses(2025, n, seed=seed + 1, p_tot=0.5, units=units[:3],
                                     channels=channels[:2], p_harassment=0.1)
               + synthetic_responses(2024, 50, seed=seed + 2))  # another year: ignored
    rng.shuffle(records)
    return messy(records, rng, unhashable)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_grouped_year_equals_the_record_by_record_reference(seed):
    s = scheme()
    records = year_pair(seed)
    expected = ref_tally_year(2026, records, s, issued=5000)
    got = tally_year(2026, records, s, issued=5000)
    assert got == expected
    assert repr(got) == repr(expected)  # the same integers, the same derived rates
    assert got.current.index == expected.current.index
    counts = count_responses(records, s)
    assert tally_year(2026, counts, s, issued=5000) == expected
    # the tuples Store.response_facts hands over count the same
    facts = [(r.year, r.received, r.unit, r.channel, r.answers, r.invalid) for r in records]
    assert count_facts(facts, s) == counts


@pytest.mark.parametrize("seed", [4, 5])
def test_grouped_slice_equals_the_reference(seed):
    s = scheme()
    records = year_pair(seed, n=800)
    assert tally(records, s, "x") == ref_tally(records, s, "x")
    some = ref_select(records, year=2026, quarter=2, unit="QLCN")
    assert tally(some, s, "q") == ref_tally(some, s, "q")
    assert tally([], s) == ref_tally([], s)


def test_unhashable_answers_count_as_invalid_like_any_value_no_option_has():
    s = scheme()
    records = year_pair(6, n=600, unhashable=True)
    assert any(isinstance(v, list) for r in records for v in r.answers.values())
    assert tally_year(2026, records, s) == ref_tally_year(2026, records, s)
    # "yes" with a list as frequency: the reference cannot hash it; counted as unspecified
    odd = replace(records[0], answers={**records[0].answers, "c2.phien_ha": "co",
                                       "c2.muc_do": ["mot_lan"]}, invalid=frozenset())
    assert tally([odd], s).harassment.yes_unspecified == 1


def test_counts_keep_as_json_and_refuse_another_scheme():
    s = scheme()
    records = year_pair(7, n=500)
    counts = count_responses(records, s)
    again = ResponseCounts.from_json(json.loads(json.dumps(counts.to_json())))
    assert again == counts and again.fits(s)
    assert tally_year(2026, again, s) == ref_tally_year(2026, records, s)
    other = replace(s, criteria=s.criteria[:-1])
    assert not counts.fits(other)
    with pytest.raises(ValueError, match="another survey scheme"):
        tally_year(2026, counts, other)
    with pytest.raises(ValueError):
        ResponseCounts.from_json({"shape": [], "bases": [[2026, 1, "VP"]]})
