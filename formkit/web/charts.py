"""Inline SVG charts of the overview page (no image files, no JavaScript, a few KB each).

They draw what formkit.analyze computed, with the same colours as the report's matplotlib
charts (formkit/export/charts.py), so the page and the printed report look alike.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from formkit.app.present import (
    CHUA_DAT,
    COLOURS,
    CURRENT,
    DAT,
    PREVIOUS,
    QUARTER_NAMES,
    TOT,
    YearTallies,
    pct,
)


def _f(x: float) -> str:
    return f"{x:.1f}"


def quarter_svg(t: YearTallies, width: int = 600, height: int = 250) -> Markup:
    """Overall index per quarter: this year beside the same quarter of last year, with the
    Wilson 95 % interval as a whisker (what lies inside it is no real change)."""
    left, right, top, bottom = 44, 10, 30, 30
    pw, ph = width - left - right, height - top - bottom
    rows = []
    lows = []
    for row in t.quarters:
        pair = []
        for tally in (row.previous, row.current):
            prop = tally.index_proportion
            if prop.n:
                lo, hi = prop.interval  # type: ignore[misc]
                pair.append((prop.rate, lo, hi, prop.n))
                lows.append(lo)
            else:
                pair.append(None)
        rows.append((row.quarter, pair))
    base = max(0.0, min(lows, default=0.8) - 0.05)
    base = int(base * 10) / 10  # a round 10 % step below the lowest whisker
    span = 1.0 - base

    def y(v: float) -> float:
        return top + ph * (1.0 - (v - base) / span)

    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="Chỉ số hài lòng chung theo quý">',
           "<title>Chỉ số hài lòng chung theo quý, năm nay và cùng kỳ năm trước</title>"]
    step = 0.05 if span <= 0.3 else 0.1
    v = base
    while v <= 1.0001:
        yy = y(v)
        out.append(f'<line x1="{left}" y1="{_f(yy)}" x2="{width - right}" y2="{_f(yy)}" '
                   'stroke="#e0e0e0"/>')
        out.append(f'<text x="{left - 6}" y="{_f(yy + 4)}" text-anchor="end" '
                   f'class="tick">{round(v * 100)}%</text>')
        v += step
    group = pw / 4
    bar = min(38.0, group / 3)
    for i, (quarter, pair) in enumerate(rows):
        cx = left + group * (i + 0.5)
        for j, (item, colour) in enumerate(zip(pair, (PREVIOUS, CURRENT), strict=True)):
            x = cx - bar - 3 + j * (bar + 6)
            if item is None:
                out.append(f'<text x="{_f(x + bar / 2)}" y="{_f(top + ph - 4)}" '
                           'text-anchor="middle" class="na">–</text>')
                continue
            rate, lo, hi, n = item
            yy = y(rate)
            out.append(f'<rect x="{_f(x)}" y="{_f(yy)}" width="{_f(bar)}" '
                       f'height="{_f(top + ph - yy)}" fill="{colour}">'
                       f"<title>{escape(pct(rate))} (n = {n})</title></rect>")
            mx = x + bar / 2
            out.append(f'<line x1="{_f(mx)}" y1="{_f(y(lo))}" x2="{_f(mx)}" y2="{_f(y(hi))}" '
                       'stroke="#212121" stroke-width="1.2"/>')
            for edge in (lo, hi):
                out.append(f'<line x1="{_f(mx - 4)}" y1="{_f(y(edge))}" x2="{_f(mx + 4)}" '
                           f'y2="{_f(y(edge))}" stroke="#212121" stroke-width="1.2"/>')
            out.append(f'<text x="{_f(mx)}" y="{_f(y(hi) - 4)}" text-anchor="middle" '
                       f'class="{"val" if j else "val prev"}">{escape(pct(rate))}</text>')
        out.append(f'<text x="{_f(cx)}" y="{height - bottom + 18}" text-anchor="middle" '
                   f'class="axis">{escape(QUARTER_NAMES[quarter])}</text>')
    out.append(f'<line x1="{left}" y1="{top + ph}" x2="{width - right}" y2="{top + ph}" '
               'stroke="#616161"/>')
    for k, (label, colour) in enumerate(((f"Năm {t.previous_year}", PREVIOUS),
                                         (f"Năm {t.year}", CURRENT))):
        lx = left + k * 110
        out.append(f'<rect x="{lx}" y="8" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{lx + 17}" y="18" class="legend">{escape(label)}</text>')
    out.append(f'<text x="{width - right}" y="18" text-anchor="end" class="legend">'
               "vạch: khoảng tin cậy 95%</text>")
    out.append("</svg>")
    return Markup("".join(out))


def criteria_svg(t: YearTallies, width: int = 600) -> Markup:
    """Tốt / Đạt yêu cầu / Chưa đạt yêu cầu per criterion (100 % stacked), with last
    year's satisfaction rate as a black tick."""
    crits = list(t.current.criteria)
    label_w, right, top, row_h = 190, 12, 8, 27
    pw = width - label_w - right
    height = top + row_h * len(crits) + 34
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="Mức độ đánh giá theo tiêu chí">',
           f"<title>Mức độ đánh giá theo tiêu chí, năm {t.year}</title>"]
    levels = ((TOT, COLOURS[TOT], "#fff"), (DAT, COLOURS[DAT], "#000"),
              (CHUA_DAT, COLOURS[CHUA_DAT], "#fff"))
    for i, c in enumerate(crits):
        yy = top + i * row_h
        out.append(f'<text x="{label_w - 8}" y="{yy + 16}" text-anchor="end" class="axis">'
                   f"{escape(c.criterion.label)}</text>")
        if not c.valid:
            out.append(f'<text x="{label_w + 4}" y="{yy + 16}" class="na">chưa có số liệu'
                       "</text>")
            continue
        x = float(label_w)
        for level, colour, ink in levels:
            share = c.share(level) or 0.0
            w = pw * share
            if w <= 0:
                continue
            out.append(f'<rect x="{_f(x)}" y="{yy + 3}" width="{_f(w)}" height="{row_h - 7}" '
                       f'fill="{colour}"><title>{escape(t.scheme.level_labels.get(level, level))}'
                       f": {escape(pct(share))} ({c.count(level)})</title></rect>")
            if w >= 34:
                out.append(f'<text x="{_f(x + w / 2)}" y="{yy + 17}" text-anchor="middle" '
                           f'class="seg" fill="{ink}">{escape(pct(share, 0))}</text>')
            x += w
        prev = t.previous.criterion(c.criterion.field_id).rate
        if prev is not None:
            px = label_w + pw * prev
            out.append(f'<line x1="{_f(px)}" y1="{yy}" x2="{_f(px)}" y2="{yy + row_h - 1}" '
                       'stroke="#000" stroke-width="2.5">'
                       f"<title>Tỷ lệ hài lòng năm {t.previous_year}: {escape(pct(prev))}"
                       "</title></line>")
    ly = top + row_h * len(crits) + 14
    x = label_w
    for level, colour, _ink in levels:
        label = t.scheme.level_labels.get(level, level)
        out.append(f'<rect x="{x}" y="{ly - 10}" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{x + 16}" y="{ly}" class="legend">{escape(label)}</text>')
        x += 24 + 7 * len(label)
    out.append(f'<line x1="{x}" y1="{ly - 11}" x2="{x}" y2="{ly + 2}" stroke="#000" '
               f'stroke-width="2.5"/><text x="{x + 6}" y="{ly}" class="legend">'
               f"Tỷ lệ hài lòng {t.previous_year}</text>")
    out.append("</svg>")
    return Markup("".join(out))
