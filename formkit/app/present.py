"""Number formats the faces share (Vietnamese decimal comma, percent, points), so the CLI
and the web app present figures as the report does without importing the analysis."""

from formkit.analyze.narrative import QUARTER_NAMES, dec, num, pct, signed_points

__all__ = ["QUARTER_NAMES", "dec", "num", "pct", "signed_points"]
