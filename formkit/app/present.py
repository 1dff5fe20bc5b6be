"""What the faces share to present figures as the report does: number formats (Vietnamese
decimal comma, percent, points), the answer levels and the chart colours."""

from typing import Any

from formkit.analyze.narrative import QUARTER_NAMES, dec, num, pct, signed_points
from formkit.analyze.tallies import CHUA_DAT, DAT, TOT, YearTallies

__all__ = ["CHUA_DAT", "DAT", "QUARTER_NAMES", "TOT", "YearTallies", "dec", "num", "pct",
           "signed_points"]  # and COLOURS, CURRENT, PREVIOUS (see __getattr__)


def __getattr__(name: str) -> Any:
    # the chart colours come with the report's charts (matplotlib): loaded on first use, so
    # the command line, which only formats numbers, starts without them
    if name in ("COLOURS", "CURRENT", "PREVIOUS"):
        from formkit.export import charts

        return getattr(charts, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
