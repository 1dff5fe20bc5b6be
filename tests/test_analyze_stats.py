"""Statistics of the annual evaluation: Wilson interval, two-proportion z-test, index."""

from __future__ import annotations

import pytest

from formkit.analyze import stats as S
from formkit.analyze.stats import Change, Proportion


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        # reference values of the Wilson score interval (z = 1.959964), as given by
        # statsmodels.proportion_confint(method="wilson") and R's prop.test(correct=FALSE)
        (0, 10, 0.0, 0.277533),
        (5, 10, 0.236593, 0.763407),
        (95, 100, 0.888250, 0.978456),
        (81, 263, 0.255289, 0.366210),
        (10, 10, 0.722467, 1.0),
    ],
)
def test_wilson_interval_matches_reference_values(x, n, low, high):
    lo, hi = S.wilson_interval(x, n)
    assert lo == pytest.approx(low, abs=1e-6)
    assert hi == pytest.approx(high, abs=1e-6)


def test_wilson_interval_of_nothing_is_the_whole_range():
    assert S.wilson_interval(0, 0) == (0.0, 1.0)


def test_wilson_interval_rejects_more_successes_than_answers():
    with pytest.raises(ValueError):
        S.wilson_interval(11, 10)


def test_interval_width_matches_domain_rule_of_thumb():
    # domain notes: n = 100, p = 0.95 → about ±4.3 points (the Wald width is 8.5 points);
    # Wilson is a little wider and asymmetric near 100 %
    lo, hi = Proportion(95, 100).interval
    assert 0.08 < hi - lo < 0.10
    assert Proportion(95, 100).margin > 0.95 - lo - 1e-12


def test_two_proportion_z_test_known_value():
    z, p = S.two_proportion_z(45, 50, 35, 50)  # 90 % vs 70 %: pooled 0.8, se 0.08
    assert z == pytest.approx(2.5)
    assert p == pytest.approx(0.012419, abs=1e-6)


def test_two_proportion_z_test_without_variance_finds_no_difference():
    assert S.two_proportion_z(20, 20, 30, 30) == (0.0, 1.0)


def test_change_in_points_and_significance():
    ch = Change(Proportion(45, 50), Proportion(35, 50))
    assert ch.points == pytest.approx(20.0)
    assert ch.significant is True
    assert ch.direction == 1
    small = Change(Proportion(23, 25), Proportion(21, 25))
    assert small.points == pytest.approx(8.0)
    assert small.significant is False  # within the margin with n = 25
    assert small.direction == 0


def test_change_without_reference_data_is_not_comparable():
    ch = Change(Proportion(9, 10), Proportion(0, 0))
    assert not ch.comparable
    assert ch.points is None and ch.significant is None and ch.direction == 0


def test_overall_index_is_the_plain_mean_of_existing_rates():
    assert S.overall_index([0.9, 0.8, None, 1.0]) == pytest.approx(0.9)
    assert S.overall_index([None, None]) is None


def test_index_formula_is_named_once_in_vietnamese():
    assert S.INDEX_NAME == "Chỉ số hài lòng chung"
    assert "trung bình cộng" in S.INDEX_FORMULA
    assert "Tốt" in S.RATE_FORMULA and "Đạt yêu cầu" in S.RATE_FORMULA


def test_required_sample_follows_the_ministry_formula():
    assert S.required_sample(2000) == 334  # 2000 / (1 + 2000·0.05²) = 333.3
    assert S.required_sample(0) == 0
