"""What the faces share to present figures as the report does: number formats (Vietnamese
decimal comma, percent, points), the answer levels and the chart colours."""

from formkit.analyze.narrative import QUARTER_NAMES, dec, num, pct, signed_points
from formkit.analyze.tallies import CHUA_DAT, DAT, TOT, YearTallies
from formkit.export.charts import COLOURS, CURRENT, PREVIOUS

__all__ = ["CHUA_DAT", "COLOURS", "CURRENT", "DAT", "PREVIOUS", "QUARTER_NAMES", "TOT",
           "YearTallies", "dec", "num", "pct", "signed_points"]
