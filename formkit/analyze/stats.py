"""Statistics of the annual evaluation: proportions with Wilson intervals, the two-proportion
z-test used for every comparison, and the overall satisfaction index.

The index formula lives here and nowhere else; the report and the workbook quote
INDEX_NAME / INDEX_FORMULA / INDEX_DESCRIPTION so that what is printed is what is computed.
Only the standard library is used (statistics.NormalDist gives the normal quantiles).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist

from formkit.thresholds import T

CONFIDENCE = 1.0 - T.comparison_alpha  # 0.95 with the default thresholds

# ---- the overall index: one definition, quoted verbatim by the report and the workbook
INDEX_NAME = "Chỉ số hài lòng chung"
RATE_NAME = "Tỷ lệ hài lòng"
RATE_FORMULA = "Tỷ lệ hài lòng = (số ý kiến Tốt + số ý kiến Đạt yêu cầu) / số câu trả lời hợp lệ"
INDEX_FORMULA = "Chỉ số hài lòng chung = trung bình cộng tỷ lệ hài lòng của các tiêu chí"
INDEX_DESCRIPTION = (
    "Tỷ lệ hài lòng của mỗi tiêu chí là tổng số ý kiến “Tốt” và “Đạt yêu cầu” chia cho số câu "
    "trả lời hợp lệ của tiêu chí đó (không tính phiếu bỏ trống hoặc đánh dấu không hợp lệ). "
    "Chỉ số hài lòng chung là trung bình cộng (không trọng số) tỷ lệ hài lòng của các tiêu chí "
    "thuộc Câu hỏi 1, 3, 4 và 5 có ít nhất một câu trả lời hợp lệ. Khoảng tin cậy của chỉ số "
    "được tính theo số phiếu có trả lời (không theo số câu trả lời), vì các câu trả lời trên cùng "
    "một phiếu không độc lập với nhau; cách tính này cho khoảng tin cậy rộng hơn, tức thận trọng "
    "hơn."
)
INTERVAL_NAME = "khoảng tin cậy Wilson 95%"
TEST_NAME = "kiểm định z hai tỷ lệ (mức ý nghĩa 5%)"
TEST_DESCRIPTION = (
    "Một thay đổi được coi là có ý nghĩa thống kê khi kiểm định z hai tỷ lệ (phương sai gộp, "
    "hai phía) cho p < 0,05; ngược lại, thay đổi nằm trong biên sai số do cỡ mẫu và chưa đủ căn "
    "cứ để kết luận là tăng hay giảm thực sự."
)


def z_for(confidence: float = CONFIDENCE) -> float:
    """Two-sided normal quantile: 1.959964 for 95 %."""
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def wilson_interval(successes: float, n: int, confidence: float = CONFIDENCE
                    ) -> tuple[float, float]:
    """Wilson score interval for a proportion; (0, 1) when there is nothing to estimate.

    Wilson rather than the textbook p ± z·√(p(1−p)/n): with ~100 forms and rates near 95 %
    the simple interval runs past 100 % and collapses to a point at 0 or n successes.
    """
    if n <= 0:
        return (0.0, 1.0)
    if successes < 0 or successes > n:
        raise ValueError(f"successes {successes} outside 0..{n}")
    z = z_for(confidence)
    p = successes / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = (z / denom) * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n))
    # the exact bounds at 0 or n successes are 0 and 1 (the formula leaves rounding noise)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


@dataclass(frozen=True)
class Proportion:
    """successes of n (successes may be fractional for the index: rate × respondents)."""

    successes: float
    n: int

    @property
    def rate(self) -> float | None:
        return self.successes / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.successes, self.n) if self.n else None

    @property
    def low(self) -> float | None:
        ci = self.interval
        return ci[0] if ci else None

    @property
    def high(self) -> float | None:
        ci = self.interval
        return ci[1] if ci else None

    @property
    def margin(self) -> float | None:
        """Largest distance from the rate to an interval bound (the ± a reader expects)."""
        if not self.n:
            return None
        lo, hi = wilson_interval(self.successes, self.n)
        r = self.successes / self.n
        return max(r - lo, hi - r)


def two_proportion_z(x1: float, n1: int, x2: float, n2: int) -> tuple[float, float]:
    """Pooled two-proportion z-test, two-sided: (z, p-value). z > 0 when sample 1 is higher.

    When both samples are all successes (or all failures) there is no variance and no
    evidence of a difference: (0, 1).
    """
    if n1 <= 0 or n2 <= 0:
        raise ValueError("both samples need at least one answer")
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    var = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)
    if var <= 0.0:
        return (0.0, 1.0)
    z = (p1 - p2) / math.sqrt(var)
    p_value = math.erfc(abs(z) / math.sqrt(2.0))  # = 2·(1 − Φ(|z|))
    return (z, p_value)


@dataclass(frozen=True)
class Change:
    """`current` against `reference` (e.g. a quarter against the same quarter last year)."""

    current: Proportion
    reference: Proportion
    alpha: float = T.comparison_alpha

    @property
    def comparable(self) -> bool:
        return self.current.n > 0 and self.reference.n > 0

    @property
    def points(self) -> float | None:
        """Change in percentage points (+3.2 means 3.2 points higher than the reference)."""
        if not self.comparable:
            return None
        return 100.0 * (self.current.rate - self.reference.rate)  # type: ignore[operator]

    @property
    def z(self) -> float | None:
        if not self.comparable:
            return None
        return two_proportion_z(self.current.successes, self.current.n,
                                self.reference.successes, self.reference.n)[0]

    @property
    def p_value(self) -> float | None:
        if not self.comparable:
            return None
        return two_proportion_z(self.current.successes, self.current.n,
                                self.reference.successes, self.reference.n)[1]

    @property
    def significant(self) -> bool | None:
        """True: outside the margin of error (p < alpha); None: one side has no data."""
        p = self.p_value
        return None if p is None else p < self.alpha

    @property
    def direction(self) -> int:
        """+1 significantly higher, −1 significantly lower, 0 within the margin or unknown."""
        if not self.significant:
            return 0
        return 1 if (self.points or 0.0) > 0 else -1


def overall_index(rates: Iterable[float | None]) -> float | None:
    """INDEX_FORMULA: the plain mean of the criteria rates that exist (None are skipped)."""
    values = [r for r in rates if r is not None]
    if not values:
        return None
    return sum(values) / len(values)


def required_sample(population: int, margin: float = 0.05) -> int:
    """Slovin's n = N / (1 + N·e²), as in the Ministry's SIPAS training material."""
    if population <= 0:
        return 0
    return math.ceil(population / (1.0 + population * margin * margin))
