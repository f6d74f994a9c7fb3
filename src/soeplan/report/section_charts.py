"""A section's charts (:class:`soeplan.SectionChart`) as inline SVG, on the design of the
report's own charts (:mod:`soeplan.report.charts`): the unit of measure in the title, round
ticks on the value axis (:mod:`soeplan.report.ticks`), every series and level in the legend,
nothing fetched and no script.

A ``line`` chart draws each series as a line with a point per year; a ``bars`` chart stacks each
year's values of the series into one bar (positive values upwards from zero, negative ones
downwards). A level (a floor, a target) is a dashed line across. Every drawn mark carries
``data-key`` (its series or level), and points and bars ``data-year`` and ``data-value``, so
that what a chart draws can be read back (the tests do); a mark's tooltip prints its value.

:func:`chart_rows` gives a chart's figures as rows (year, then a column per series and level);
:func:`chart_blocks` lays them out as the blocks the workbook writes under the section's tables
(numbers stay numbers there, in the chart's format).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from soeplan.report.charts import (
    COLORS,
    FONT_STACK,
    TEXT_SIZE,
    TITLE_SIZE,
    LegendItem,
    axis_label,
    legend_marks,
    legend_rows,
    title_lines,
    value_ticks,
    wrap,
)
from soeplan.report.format import format_value
from soeplan.report.layout import Block, Out
from soeplan.report.model import CellFormat, RenderedSection
from soeplan.report.ticks import nice_ticks
from soeplan.sections import SectionChart

__all__ = ["LEVEL_COLORS", "PALETTE", "chart_blocks", "chart_rows", "section_chart_svg"]

#: The series' colours, in order (repeating past the seventh).
PALETTE = ("#1f5fa8", "#e67e22", "#2e86ab", "#6a994e", "#8e44ad", "#7f8c8d", "#b5838d")
#: The levels' colours, in order: the first is the report's target red.
LEVEL_COLORS = (COLORS["target"], COLORS["stretch"], "#555555")

_X = Callable[[int], float]
_Y = Callable[[float], float]


def _stacks(chart: SectionChart, years: list[int]) -> dict[int, tuple[float, float]]:
    """Each year's stacked bar: the sum of its negative values and of its positive ones."""
    out = {y: (0.0, 0.0) for y in years}
    for s in chart.series:
        for y, v in s.points:
            lo, hi = out[y]
            out[y] = (lo + min(v, 0.0), hi + max(v, 0.0))
    return out


def section_chart_svg(chart: SectionChart, lang: str = "zh", width: int = 420) -> str:
    """The chart as one ``<svg>`` (see the module).

    Long: one drawing in order (title, axes, marks, legend); split, its geometry would have
    to be passed around piece by piece.
    """
    left, right, fmt = 64, 16, CellFormat(chart.format)
    bars = chart.kind == "bars"
    title = chart.full_title(lang)
    lines = wrap(title, TITLE_SIZE, width - 8)
    colors = {s.key: PALETTE[i % len(PALETTE)] for i, s in enumerate(chart.series)}
    legend = [LegendItem(s.key, colors[s.key], s.label(lang), swatch=bars) for s in chart.series]
    legend += [
        LegendItem(lv.key, LEVEL_COLORS[i % len(LEVEL_COLORS)], lv.label(lang), "6 3")
        for i, lv in enumerate(chart.levels)
    ]
    rows = legend_rows(legend, left, width - right)
    top = 20 + len(lines) * (TITLE_SIZE + 4)
    bottom = 26 + 16 * len(rows)
    height = 220 + (len(lines) - 1) * (TITLE_SIZE + 4) + 16 * (len(rows) - 1)
    years = chart.years()
    stacks = _stacks(chart, years)
    if bars:
        values = [v for pair in stacks.values() for v in pair]
    else:
        values = [v for s in chart.series for _, v in s.points]
    shown = [*values, *(lv.value for lv in chart.levels)] or [0.0]
    if chart.from_zero or bars:
        ticks = value_ticks(shown, fmt)
    else:
        ticks = nice_ticks(min(shown), max(shown))
    span = (ticks[-1] - ticks[0]) or 1.0

    def y(value: float) -> float:
        return height - bottom - (value - ticks[0]) * (height - bottom - top) / span

    slot = (width - right - left) / max(len(years), 1)

    def x(year: int) -> float:
        if bars or len(years) < 2:
            return left + slot * (years.index(year) + 0.5)
        return left + (year - years[0]) * (width - right - left) / (years[-1] - years[0])

    parts = [
        f'<svg class="chart section-chart {escape(chart.kind)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f"font-family='{FONT_STACK}' font-size=\"{TEXT_SIZE}\">",
        f"<title>{escape(title)}</title>",
        title_lines(4, 16, lines),
    ]
    step = ticks[1] - ticks[0]
    for v in ticks:
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(v):.1f}" '
            f'y2="{y(v):.1f}" stroke="{"#bbb" if v == 0 else "#e5e5e5"}"/>'
            f'<text class="tick" x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" '
            f'fill="#555">{escape(axis_label(v, step, fmt))}</text>'
        )
    for i, yr in enumerate(years):
        if len(years) > 8 and (len(years) - 1 - i) % 2:
            continue  # every other year, the last always shown
        parts.append(
            f'<text class="year" x="{x(yr):.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle" fill="#555">{yr}</text>'
        )
    if not years:
        cx, cy = (left + width - right) / 2, (top + height - bottom) / 2
        parts.append(
            f'<text class="empty" x="{cx:.1f}" y="{cy:.1f}" text-anchor="middle" fill="#555">'
            f"{'无数据' if lang == 'zh' else 'No figures'}</text>"
        )
    parts += _bars(chart, lang, x, y, slot, colors) if bars else _lines(chart, lang, x, y, colors)
    for i, lv in enumerate(chart.levels):
        parts.append(
            f'<line class="level" data-key="{escape(lv.key)}" data-value="{lv.value!r}" '
            f'x1="{left}" x2="{width - right}" y1="{y(lv.value):.1f}" y2="{y(lv.value):.1f}" '
            f'stroke="{LEVEL_COLORS[i % len(LEVEL_COLORS)]}" stroke-width="1.5" '
            f'stroke-dasharray="6 3"><title>{escape(lv.label(lang))}: '
            f"{escape(format_value(lv.value, fmt))}</title></line>"
        )
    parts += legend_marks(rows, height - 10 - 16 * (len(rows) - 1))
    parts.append("</svg>")
    return "".join(parts)


def _mark_title(label: str, year: int, value: float, fmt: CellFormat) -> str:
    return f"<title>{escape(label)} {year}: {escape(format_value(value, fmt))}</title>"


def _lines(chart: SectionChart, lang: str, x: _X, y: _Y, colors: dict[str, str]) -> list[str]:
    """Each series as a line, a point per year."""
    fmt, parts = CellFormat(chart.format), []
    for s in chart.series:
        pts = sorted(s.points)
        if len(pts) > 1:
            path = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in pts)
            parts.append(
                f'<polyline class="series-line" data-key="{escape(s.key)}" points="{path}" fill="none" '
                f'stroke="{colors[s.key]}" stroke-width="2.5"/>'
            )
        for yr, v in pts:
            parts.append(
                f'<circle class="point" data-key="{escape(s.key)}" data-year="{yr}" '
                f'data-value="{v!r}" cx="{x(yr):.1f}" cy="{y(v):.1f}" r="3" '
                f'fill="{colors[s.key]}">{_mark_title(s.label(lang), yr, v, fmt)}</circle>'
            )
    return parts


def _bars(
    chart: SectionChart, lang: str, x: _X, y: _Y, slot: float, colors: dict[str, str]
) -> list[str]:
    """Each year's values stacked into one bar, in the series' order."""
    fmt, parts = CellFormat(chart.format), []
    up: dict[int, float] = {}
    down: dict[int, float] = {}
    w = min(slot * 0.6, 36.0)
    for s in chart.series:
        for yr, v in sorted(s.points):
            if v == 0:
                continue
            stack = up if v > 0 else down
            start = stack.get(yr, 0.0)
            stack[yr] = start + v
            y0, y1 = sorted((y(start), y(start + v)))
            parts.append(
                f'<rect class="bar" data-key="{escape(s.key)}" data-year="{yr}" '
                f'data-value="{v!r}" x="{x(yr) - w / 2:.1f}" y="{y0:.1f}" width="{w:.1f}" '
                f'height="{max(y1 - y0, 0.5):.1f}" fill="{colors[s.key]}">'
                f"{_mark_title(s.label(lang), yr, v, fmt)}</rect>"
            )
    return parts


def chart_rows(
    chart: SectionChart, lang: str = "zh"
) -> tuple[list[str], list[list[float | int | None]]]:
    """The chart's figures as a header (year, each series' label, each level's) and one row per
    year (``None`` where a series has no value)."""
    header = ["年度" if lang == "zh" else "Year", *(s.label(lang) for s in chart.series)]
    header += [lv.label(lang) for lv in chart.levels]
    values = [dict(s.points) for s in chart.series]
    rows: list[list[float | int | None]] = [
        [yr, *(v.get(yr) for v in values), *(lv.value for lv in chart.levels)]
        for yr in chart.years()
    ]
    return header, rows


def chart_blocks(sec: RenderedSection, lang: str = "zh") -> list[Block]:
    """The figures of each of the section's charts, as blocks (the workbook's)."""
    out = []
    for i, chart in enumerate(sec.content.charts):
        header, rows = chart_rows(chart, lang)
        fmt = CellFormat(chart.format)
        suffix = "（图表数据）" if lang == "zh" else " (chart figures)"
        out.append(
            Block(
                key=f"section-{sec.id}-chart-{i}",
                sheet=sec.title(lang),
                title=chart.full_title(lang) + suffix,
                header=tuple(header),
                rows=tuple((Out(str(r[0])), *(Out(v, fmt) for v in r[1:])) for r in rows),
            )
        )
    return out
