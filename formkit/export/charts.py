"""Charts of the annual report as PNG (200 dpi) with matplotlib.

The object API (Figure + FigureCanvasAgg) is used instead of pyplot: no global state, no GUI
backend, safe in a web worker. Fonts are DejaVu Sans / Liberation Sans, which carry every
Vietnamese letter (the matplotlib default may fall back to boxes on some systems).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from formkit import fsutil
from formkit.analyze.narrative import QUARTER_NAMES, dec
from formkit.analyze.tallies import CHUA_DAT, DAT, TOT, YearTallies

DPI = 200
RC = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# print-friendly colours that stay distinct in grey
COLOURS = {TOT: "#1b5e20", DAT: "#81c784", CHUA_DAT: "#c62828"}
CURRENT, PREVIOUS = "#0d47a1", "#9e9e9e"


def _percent_axis(ax, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: f"{dec(v, 0)}%")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _save(fig: Figure, path: Path) -> Path:
    """Rendered in memory, then written atomically: a crash never leaves a 0-byte chart in
    place of a good one from an earlier run."""
    import io

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, dpi=DPI, format="png")
    return fsutil.write_bytes(path, buf.getvalue(), what="chart")


def quarter_trend_png(t: YearTallies, path: Path) -> Path:
    """Overall index per quarter, this year against the same quarters last year, with the
    Wilson 95 % interval as error bars (a reader sees at once what is inside the margin)."""
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(6.3, 3.2))
        ax = fig.add_subplot()
        xs = [1, 2, 3, 4]
        lows: list[float] = []
        for year, rows_attr, colour, marker, offset in (
            (t.previous_year, "previous", PREVIOUS, "s", -0.06),
            (t.year, "current", CURRENT, "o", 0.06),
        ):
            pts = []
            for row in t.quarters:
                prop = getattr(row, rows_attr).index_proportion
                if prop.n:
                    lo, hi = prop.interval  # type: ignore[misc]
                    pts.append((row.quarter + offset, 100 * prop.rate, 100 * (prop.rate - lo),
                                100 * (hi - prop.rate)))
                    lows.append(100 * lo)
            if not pts:
                continue
            x, y, el, eh = zip(*pts, strict=True)
            ax.errorbar(x, y, yerr=[el, eh], color=colour, marker=marker, capsize=3,
                        linewidth=1.6, markersize=5, label=f"Năm {year}")
            if year == t.year:
                for xi, yi in zip(x, y, strict=True):
                    ax.annotate(f"{dec(yi)}%", (xi, yi), textcoords="offset points",
                                xytext=(7, 4), fontsize=8, color=colour)
        ax.set_xticks(xs, [QUARTER_NAMES[q] for q in xs])
        ax.set_xlim(0.6, 4.4)
        bottom = max(0.0, min(lows, default=80.0) - 3.0)
        ax.set_ylim(bottom - bottom % 5, 101)
        _percent_axis(ax)
        ax.set_ylabel("Chỉ số hài lòng chung")
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="lower left", frameon=False, ncols=2)
        ax.set_title("Chỉ số hài lòng chung theo quý (vạch: khoảng tin cậy 95%)", fontsize=9.5)
        fig.tight_layout()
        return _save(fig, path)


def criteria_bars_png(t: YearTallies, path: Path) -> Path:
    """Share of Tốt / Đạt yêu cầu / Chưa đạt yêu cầu per criterion (stacked, 100 %), with last
    year's satisfaction rate as a tick for comparison."""
    crits = list(t.current.criteria)
    labels = [c.criterion.label for c in crits]
    level_labels = t.scheme.level_labels
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(6.3, 0.42 * len(crits) + 1.3))
        ax = fig.add_subplot()
        ys = list(range(len(crits)))[::-1]
        left = [0.0] * len(crits)
        for level in (TOT, DAT, CHUA_DAT):
            widths = [100 * (c.share(level) or 0.0) for c in crits]
            ax.barh(ys, widths, left=left, color=COLOURS[level], height=0.62,
                    label=level_labels.get(level, level))
            for y, lft, w in zip(ys, left, widths, strict=True):
                if w >= 7:
                    ax.text(lft + w / 2, y, f"{dec(w, 0)}%", ha="center", va="center",
                            fontsize=7.5, color="white" if level != DAT else "black")
            left = [a + b for a, b in zip(left, widths, strict=True)]
        prev = [t.previous.criterion(c.criterion.field_id).rate for c in crits]
        if any(p is not None for p in prev):
            py = [y for y, p in zip(ys, prev, strict=True) if p is not None]
            px = [100 * p for p in prev if p is not None]
            ax.scatter(px, py, marker="|", s=260, color="black", linewidths=1.8, zorder=5,
                       label=f"Tỷ lệ hài lòng năm {t.previous_year}")
        ax.set_yticks(ys, labels)
        ax.set_xlim(0, 100)
        _percent_axis(ax, "x")
        ax.legend(loc="upper center", bbox_to_anchor=(0.42, -0.16), ncols=4, frameon=False,
                  fontsize=7.5)
        ax.set_title(f"Mức độ đánh giá theo tiêu chí, năm {t.year}", fontsize=9.5)
        fig.tight_layout()
        return _save(fig, path)
