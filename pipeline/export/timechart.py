"""A small time chart of label shares per scheme, as inline SVG for the report.

A pure function of a ``by_year`` table (:meth:`pipeline.compare_groups.GroupedComparison.table`):
one panel per scheme, one line per label (its share per 100 coded sentences), years on the x
axis in the table's order (evenly spaced: the table fills the years between). No script, no
external file, so the report stays one self-contained page.
"""

from __future__ import annotations

import math
import re
from typing import Any, Sequence
from xml.sax.saxutils import escape, quoteattr

#: Line colours (Tableau 10), cycled; a label's colour follows its codebook position.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")
WIDTH, PANEL_HEIGHT, LEFT, RIGHT, TOP, BOTTOM, LEGEND = 640, 150, 44, 150, 22, 24, 14
MAX_TICKS = 12
_SHARE = re.compile(r"^per100_(?P<scheme>[^:]+):(?P<label>.+)$")


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _series(columns: Sequence[str], schemes: Sequence[str] | None) -> dict[str, list[tuple[str, str]]]:
    """Scheme -> (label, column) of its share columns, in table (codebook) order."""
    found: dict[str, list[tuple[str, str]]] = {}
    for column in map(str, columns):
        match = _SHARE.match(column)
        if match and (schemes is None or match["scheme"] in schemes):
            found.setdefault(match["scheme"], []).append((match["label"], column))
    return found if schemes is None else {s: found[s] for s in schemes if s in found}


def time_chart_svg(table: Any, key: str = "year", schemes: Sequence[str] | None = None) -> str:
    """One ``<svg>`` with a panel (``<g class="scheme">``) per scheme and a series (``<g
    class="series">``: a path and a dot per year, each with a ``<title>``) per label.

    Rows whose ``key`` is empty (documents without a year) are left out; a year without
    sentences is a gap in the line. Returns ``""`` when no row has a year.
    """
    import pandas as pd

    frame = pd.DataFrame(table)
    if key not in frame.columns:
        return ""
    frame = frame[frame[key].map(lambda v: str(v).strip() not in ("", "nan", "None"))]
    if frame.empty:
        return ""
    years = [str(v) for v in frame[key]]
    series = _series(frame.columns, schemes)
    plot_w = WIDTH - LEFT - RIGHT
    step = plot_w / max(len(years) - 1, 1)
    xs = [LEFT + (i * step if len(years) > 1 else plot_w / 2) for i in range(len(years))]
    height = TOP + len(series) * (PANEL_HEIGHT + BOTTOM + TOP)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="time-chart" viewBox="0 0 {WIDTH} {height}" '
             f'width="{WIDTH}" height="{height}" role="img" font-family="sans-serif" aria-label="label shares per {escape(key)}">']
    for index, (scheme, labels) in enumerate(series.items()):
        values = {label: [_number(v) for v in frame[column]] for label, column in labels}
        parts += _panel(scheme, values, years, xs, TOP + index * (PANEL_HEIGHT + BOTTOM + TOP))
    parts.append("</svg>")
    return "".join(parts)


def _panel(scheme: str, values: dict[str, list[float | None]], years: Sequence[str], xs: Sequence[float],
           top: float) -> list[str]:
    """One scheme: grid and axes, then a series per label with its legend entry."""
    plot_w = WIDTH - LEFT - RIGHT
    ceiling = _nice(max([v for vs in values.values() for v in vs if v is not None] + [1.0]))

    def y(value: float) -> float:
        return top + PANEL_HEIGHT - value / ceiling * PANEL_HEIGHT

    parts = [f'<g class="scheme" data-scheme={quoteattr(scheme)}>',
             f'<text class="scheme-name" x="{LEFT}" y="{top - 8}" font-weight="bold">{escape(scheme)}</text>']
    for tick in (0.0, ceiling / 2, ceiling):
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="#ddd"/><text class="axis" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
                     f'font-size="10">{tick:g}</text>')
    every = math.ceil(len(years) / MAX_TICKS)
    for i, (x, year) in enumerate(zip(xs, years)):
        if i % every == 0 or i == len(years) - 1:
            parts.append(f'<text class="axis" x="{x:.1f}" y="{top + PANEL_HEIGHT + 16}" text-anchor="middle" '
                         f'font-size="10">{escape(year)}</text>')
    for number, (label, shares) in enumerate(values.items()):
        colour = PALETTE[number % len(PALETTE)]
        path, pen_down = [], False
        for x, value in zip(xs, shares):
            if value is not None:
                path.append(f"{'L' if pen_down else 'M'}{x:.1f},{y(value):.1f}")
            pen_down = value is not None
        legend_y = top + number * LEGEND + 4
        parts.append(f'<g class="series" data-label={quoteattr(label)}><title>{escape(scheme)}: {escape(label)}'
                     f'</title><path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        parts.extend(f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="2.5" fill="{colour}"><title>{escape(label)} '
                     f'{escape(year)}: {value:g} per 100 sentences</title></circle>'
                     for x, year, value in zip(xs, years, shares) if value is not None)
        parts.append(f'<rect x="{WIDTH - RIGHT + 12}" y="{legend_y}" width="10" height="3" fill="{colour}"/>'
                     f'<text x="{WIDTH - RIGHT + 26}" y="{legend_y + 5}" font-size="10">{escape(label)}</text></g>')
    parts.append("</g>")
    return parts


def _nice(peak: float) -> float:
    """The y axis top: 1, 2 or 5 times a power of ten at or above the highest share."""
    power = 10 ** math.floor(math.log10(peak))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= peak)
