"""Charts as inline SVG, generated here: no script, no font or image fetched at view time.

:func:`trajectory_svg` draws an indicator's actual values by year against its milestone path and
target (a ceiling or floor as a horizontal line); :func:`breakdown_svg` draws one indicator's
values by county-level unit as horizontal bars. Text uses the page's system font stack, so Chinese
labels show with whatever CJK font the reader's system has.
"""

from __future__ import annotations

import math
from html import escape

import attrs

from soeplan.report.format import format_value
from soeplan.report.i18n import label
from soeplan.report.model import Breakdown, CellFormat, Series

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    '"Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif'
)
COLORS = {"actual": "#1f5fa8", "milestone": "#8a8a8a", "target": "#c0392b", "bar": "#2e86ab"}


def _scale(lo: float, hi: float, a: float, b: float) -> tuple[float, float]:
    span = hi - lo or 1.0
    k = (b - a) / span
    return k, a - lo * k


def _axis_value(v: float, fmt: CellFormat) -> str:
    if fmt in (CellFormat.RATIO, CellFormat.GROWTH):
        return f"{v * 100:.1f}%"
    if fmt is CellFormat.COUNT:
        return f"{v:.0f}"
    return f"{v:,.0f}"


@attrs.frozen
class _Plot:
    """The drawing area of a trajectory chart: its box and the year/value to pixel scales."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    kx: float
    bx: float
    ky: float
    by: float

    def x(self, year: float) -> float:
        return self.kx * year + self.bx

    def y(self, value: float) -> float:
        return self.ky * value + self.by

    def pt(self, year: float, value: float) -> str:
        return f"{self.x(year):.1f},{self.y(value):.1f}"


def trajectory_svg(
    series: Series,
    lang: str = "zh",
    width: int = 420,
    height: int = 240,
    *,
    note: str | None = None,
) -> str:
    """An indicator's trajectory for one scope against its milestone path and target."""
    left, right, top, bottom = 64, 16, 34, 40
    years = [y for y, _ in series.actual] + [y for y, _ in series.milestones] + [series.target_year]
    values = [v for _, v in series.actual] + [v for _, v in series.milestones] + [series.target]
    if series.stretch is not None:
        values.append(series.stretch)
    y0, y1 = min(years), max(years)
    lo, hi = min(0.0, min(values)), max(values) * 1.08 or 1.0
    if series.fmt is CellFormat.COUNT:  # whole-number ticks: the range a multiple of 4
        lo, hi = math.floor(lo), 4.0 * max(1, math.ceil(max(values) / 4))
    kx, bx = _scale(y0, y1, left, width - right)
    ky, by = _scale(lo, hi, height - bottom, top)
    plot = _Plot(width, height, left, right, top, bottom, kx, bx, ky, by)
    title = label(
        "chart_trajectory", lang, indicator=series.label(lang), scope=series.scope_name(lang)
    ) + (f" — {note}" if note else "")
    parts = [
        f'<svg class="chart trajectory" '
        f'data-scope="{escape(series.scope)}" data-indicator="{escape(series.indicator)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" font-family=\'{FONT_STACK}\' font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    parts += _axes(plot, series.fmt, lo, hi, y0, y1)
    parts += _target_marks(plot, series, lang)
    parts += _paths(plot, series)
    parts += _legend(plot, series, lang)
    parts.append("</svg>")
    return "".join(parts)


def _axes(plot: _Plot, fmt: CellFormat, lo: float, hi: float, y0: int, y1: int) -> list[str]:
    """The value grid with its labels, and the years along the bottom."""
    left, right, width = plot.left, plot.right, plot.width
    parts = []
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        yy = plot.y(v)
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" '
            f'stroke="#e5e5e5"/>'
            f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" fill="#555">'
            f"{escape(_axis_value(v, fmt))}</text>"
        )
    for y in range(y0, y1 + 1):
        if (y1 - y0) > 8 and (y - y0) % 2:
            continue
        parts.append(
            f'<text x="{plot.x(y):.1f}" y="{plot.height - plot.bottom + 16}" '
            f'text-anchor="middle" fill="#555">{y}</text>'
        )
    return parts


def _target_marks(plot: _Plot, series: Series, lang: str) -> list[str]:
    """The target: a level/floor as a marker at the target year, a ceiling or floor as a line."""
    left, right, width = plot.left, plot.right, plot.width
    parts = []
    ty = plot.y(series.target)
    if series.kind in ("ceiling", "floor"):
        parts.append(
            f'<line class="target-line" x1="{left}" x2="{width - right}" y1="{ty:.1f}" '
            f'y2="{ty:.1f}" stroke="{COLORS["target"]}" stroke-dasharray="6 3"/>'
        )
        if series.stretch is not None:
            sy = plot.y(series.stretch)
            parts.append(
                f'<line class="stretch-line" x1="{left}" x2="{width - right}" y1="{sy:.1f}" '
                f'y2="{sy:.1f}" stroke="{COLORS["target"]}" stroke-dasharray="2 3"/>'
            )
    if series.kind != "ceiling":
        parts.append(
            f'<circle class="target" cx="{plot.x(series.target_year):.1f}" cy="{ty:.1f}" r="5" '
            f'fill="none" stroke="{COLORS["target"]}" stroke-width="2">'
            f"<title>{escape(label('legend_target', lang))}: "
            f"{escape(format_value(series.target, series.fmt))}</title></circle>"
        )
    return parts


def _paths(plot: _Plot, series: Series) -> list[str]:
    """The milestone path (dashed) and the actual values (a line with a point per year)."""
    parts = []
    if series.milestones:
        pts = " ".join(plot.pt(y, v) for y, v in series.milestones)
        parts.append(
            f'<polyline class="milestone" points="{pts}" fill="none" '
            f'stroke="{COLORS["milestone"]}" stroke-dasharray="4 3" stroke-width="1.5"/>'
        )
    if series.actual:
        pts = " ".join(plot.pt(y, v) for y, v in series.actual)
        parts.append(
            f'<polyline class="actual" points="{pts}" fill="none" stroke="{COLORS["actual"]}" '
            f'stroke-width="2.5"/>'
        )
        for y, v in series.actual:
            parts.append(
                f'<circle class="actual-point" cx="{plot.x(y):.1f}" cy="{plot.y(v):.1f}" r="3" '
                f'fill="{COLORS["actual"]}"><title>{y}: '
                f"{escape(format_value(v, series.fmt))}</title></circle>"
            )
    return parts


def _legend(plot: _Plot, series: Series, lang: str) -> list[str]:
    lx = plot.left
    ly = plot.height - 8
    legend = [("actual", "legend_actual", "")]
    if series.milestones:
        legend.append(("milestone", "legend_milestone", ' stroke-dasharray="4 3"'))
    legend.append(("target", "legend_target", ' stroke-dasharray="6 3"'))
    parts = []
    for key, lab, dash in legend:
        text = label(lab, lang)
        parts.append(
            f'<line x1="{lx}" x2="{lx + 18}" y1="{ly - 4}" y2="{ly - 4}" stroke="{COLORS[key]}" '
            f'stroke-width="2"{dash}/><text x="{lx + 22}" y="{ly}">{escape(text)}</text>'
        )
        lx += 30 + 11 * len(text) if lang == "zh" else 30 + 6 * len(text)
    return parts


def breakdown_svg(
    breakdown: Breakdown,
    year: int,
    lang: str = "zh",
    width: int = 420,
    *,
    note: str | None = None,
) -> str:
    """One indicator's values by county-level unit, as horizontal bars."""
    bar, gap, top, left, right = 18, 6, 30, 120, 80
    n = len(breakdown.values)
    height = top + n * (bar + gap) + 10
    values = [v for _, _, v in breakdown.values]
    lo, hi = min(0.0, *values), max(0.0, *values) or 1.0
    k, b = _scale(lo, hi, left, width - right)
    title = label("chart_breakdown", lang, indicator=breakdown.label(lang), year=year) + (
        f" — {note}" if note else ""
    )
    parts = [
        f'<svg class="chart breakdown" '
        f'data-indicator="{escape(breakdown.indicator)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f"font-family='{FONT_STACK}' font-size=\"11\">",
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (unit, name, v) in enumerate(breakdown.values):
        y = top + i * (bar + gap)
        x0, x1 = sorted((k * 0 + b, k * v + b))
        parts.append(
            f'<text x="{left - 6}" y="{y + bar - 5}" text-anchor="end">{escape(name(lang))}</text>'
            f'<rect class="bar" data-unit="{escape(unit)}" x="{x0:.1f}" y="{y}" '
            f'width="{max(x1 - x0, 0.5):.1f}" height="{bar}" fill="{COLORS["bar"]}">'
            f"<title>{escape(name(lang))}: {escape(format_value(v, breakdown.fmt))}</title></rect>"
            f'<text x="{x1 + 4:.1f}" y="{y + bar - 5}" fill="#333">'
            f"{escape(format_value(v, breakdown.fmt))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
