"""Charts as inline SVG, generated here: no script, no font or image fetched at view time.

:func:`trajectory_svg` draws an indicator's actual values by year against its milestone path and
target (a ceiling or floor as a horizontal line, the plan's 力争 stretch value as a dotted one);
:func:`breakdown_svg` draws one indicator's values by county-level unit as horizontal bars.
Every chart names its unit of measure in its title (亿元, %, 家), its value axis has round ticks
(:mod:`soeplan.report.ticks`), and every line or mark it draws is in its legend. A title or a
legend too long for the chart's width wraps onto further lines. Text uses the page's font stack
(:data:`FONT_STACK`), so Chinese labels show with whatever CJK font the reader's system has.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import attrs

from soeplan.report.format import format_value
from soeplan.report.i18n import label
from soeplan.report.model import Breakdown, CellFormat, Series
from soeplan.report.ticks import nice_ticks, tick_label

#: The fonts the report asks for, in order: Chinese fonts of Windows (Microsoft YaHei, SimHei,
#: SimSun), of Linux desktops (Noto Sans CJK / Source Han Sans, WenQuanYi) and of macOS (PingFang,
#: Hiragino), then the system's sans-serif.
FONT_STACK = (
    '"Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", '
    '"WenQuanYi Micro Hei", "PingFang SC", "Hiragino Sans GB", SimHei, SimSun, '
    '"Segoe UI", "DejaVu Sans", sans-serif'
)
COLORS = {
    "actual": "#1f5fa8",
    "milestone": "#8a8a8a",
    "target": "#c0392b",
    "stretch": "#e67e22",
    "bar": "#2e86ab",
    "lagging": "#c0392b",
}
TITLE_SIZE = 13
TEXT_SIZE = 11


def text_width(text: str, size: float) -> float:
    """An estimate of ``text``'s width at font ``size``: a CJK character a full em, others 0.62
    em (a sans-serif's average, generous), so that a wrapped line fits its box."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.62 for ch in text)


def wrap(text: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (at spaces where there are any, else
    between characters, as Chinese is)."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if line and text_width(line + token, size) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _tokens(text: str) -> list[str]:
    """Words with their leading space, and each CJK character on its own."""
    out: list[str] = []
    for ch in text:
        if ord(ch) > 0x2E7F or not out or ch == " " or ord(out[-1][-1]) > 0x2E7F:
            out.append(ch)
        else:
            out[-1] += ch
    return out


def title_lines(x: float, y: float, lines: Sequence[str], size: int = TITLE_SIZE) -> str:
    """The chart's title, one ``<text>`` per line."""
    return "".join(
        f'<text class="title" x="{x}" y="{y + i * (size + 4)}" font-size="{size}" '
        f'font-weight="bold">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )


def _scale(lo: float, hi: float, a: float, b: float) -> tuple[float, float]:
    span = hi - lo or 1.0
    k = (b - a) / span
    return k, a - lo * k


def value_ticks(values: Sequence[float], fmt: CellFormat) -> list[float]:
    """The value axis's ticks: round, from zero (or the lowest value, when below zero) to the
    highest; whole numbers for counts."""
    lo, hi = min(0.0, *values), max(0.0, *values)
    if fmt is CellFormat.COUNT:
        hi = max(hi, lo + 2)  # 0, 1, 2 at least: a count's ticks are whole
    ticks = nice_ticks(lo, hi)
    if fmt is CellFormat.COUNT and ticks[1] - ticks[0] < 1:
        ticks = [float(v) for v in range(math.floor(lo), math.ceil(hi) + 1)]
    return ticks


def axis_label(v: float, step: float, fmt: CellFormat) -> str:
    return tick_label(v, step, percent=fmt in (CellFormat.RATIO, CellFormat.GROWTH))


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


def chart_title(series: Series, lang: str, note: str | None = None) -> str:
    """``资产总额（全市，亿元）``: the indicator, the scope and the unit of measure."""
    title = label(
        "chart_trajectory",
        lang,
        indicator=series.label(lang),
        scope=series.scope_name(lang),
        unit=unit_part(series.unit(lang), lang),
    )
    return title + (f" — {note}" if note else "")


def unit_part(unit: str, lang: str) -> str:
    """``，亿元`` / ``, 100 million yuan`` to follow a name in brackets ("" without a unit)."""
    if not unit:
        return ""
    return f"，{unit}" if lang == "zh" else f", {unit}"


def trajectory_svg(
    series: Series,
    lang: str = "zh",
    width: int = 420,
    height: int = 240,
    *,
    note: str | None = None,
) -> str:
    """An indicator's trajectory for one scope against its milestone path and target."""
    left, right = 64, 16
    title = chart_title(series, lang, note)
    lines = wrap(title, TITLE_SIZE, width - 8)
    legend = _legend_items(series, lang)
    rows = legend_rows(legend, left, width - right)
    top = 20 + len(lines) * (TITLE_SIZE + 4)
    bottom = 26 + 16 * len(rows)
    height += (len(lines) - 1) * (TITLE_SIZE + 4) + 16 * (len(rows) - 1)
    years = [y for y, _ in series.actual] + [y for y, _ in series.milestones] + [series.target_year]
    values = [v for _, v in series.actual] + [v for _, v in series.milestones] + [series.target]
    if series.stretch is not None:
        values.append(series.stretch)
    ticks = value_ticks(values, series.fmt)
    y0, y1 = min(years), max(years)
    kx, bx = _scale(y0, y1, left, width - right)
    ky, by = _scale(ticks[0], ticks[-1], height - bottom, top)
    plot = _Plot(width, height, left, right, top, bottom, kx, bx, ky, by)
    parts = [
        f'<svg class="chart trajectory" '
        f'data-scope="{escape(series.scope)}" data-indicator="{escape(series.indicator)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" font-family=\'{FONT_STACK}\' font-size="{TEXT_SIZE}">',
        f"<title>{escape(title)}</title>",
        title_lines(4, 16, lines),
    ]
    parts += _axes(plot, series.fmt, ticks, y0, y1)
    parts += _target_marks(plot, series, lang)
    parts += _paths(plot, series)
    parts += legend_marks(rows, height - 10 - 16 * (len(rows) - 1))
    parts.append("</svg>")
    return "".join(parts)


def _axes(plot: _Plot, fmt: CellFormat, ticks: Sequence[float], y0: int, y1: int) -> list[str]:
    """The value grid with its round tick labels, and the years along the bottom."""
    left, right, width = plot.left, plot.right, plot.width
    step = ticks[1] - ticks[0]
    parts = []
    for v in ticks:
        yy = plot.y(v)
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" '
            f'stroke="{"#bbb" if v == 0 else "#e5e5e5"}"/>'
            f'<text class="tick" x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" fill="#555">'
            f"{escape(axis_label(v, step, fmt))}</text>"
        )
    for y in range(y0, y1 + 1):
        if (y1 - y0) > 8 and (y - y0) % 2:
            continue
        parts.append(
            f'<text class="year" x="{plot.x(y):.1f}" y="{plot.height - plot.bottom + 16}" '
            f'text-anchor="middle" fill="#555">{y}</text>'
        )
    return parts


def _hline(plot: _Plot, cls: str, y: float, color: str, dash: str) -> str:
    return (
        f'<line class="{cls}" x1="{plot.left}" x2="{plot.width - plot.right}" y1="{y:.1f}" '
        f'y2="{y:.1f}" stroke="{color}" stroke-width="1.5" stroke-dasharray="{dash}"/>'
    )


def _marker(plot: _Plot, cls: str, year: int, value: float, color: str, tip: str) -> str:
    return (
        f'<circle class="{cls}" cx="{plot.x(year):.1f}" cy="{plot.y(value):.1f}" r="5" '
        f'fill="none" stroke="{color}" stroke-width="2"><title>{escape(tip)}</title></circle>'
    )


def _target_marks(plot: _Plot, series: Series, lang: str) -> list[str]:
    """The target: a level/floor as a marker at the target year, a ceiling or floor as a line;
    the stretch value (力争) the same way, dotted and in its own colour."""
    parts = []
    tip = f"{label('legend_target', lang)}: {format_value(series.target, series.fmt)}"
    if series.kind in ("ceiling", "floor"):
        parts.append(_hline(plot, "target-line", plot.y(series.target), COLORS["target"], "6 3"))
    if series.kind != "ceiling":
        parts.append(
            _marker(plot, "target", series.target_year, series.target, COLORS["target"], tip)
        )
    if series.stretch is not None:
        stip = f"{label('legend_stretch', lang)}: {format_value(series.stretch, series.fmt)}"
        if series.kind in ("ceiling", "floor"):
            y = plot.y(series.stretch)
            parts.append(_hline(plot, "stretch-line", y, COLORS["stretch"], "2 3"))
        else:
            yr, v = series.target_year, series.stretch
            parts.append(_marker(plot, "stretch", yr, v, COLORS["stretch"], stip))
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


@attrs.frozen
class LegendItem:
    """One legend entry: what it draws (a line, dashed or not, or a ring) and its label."""

    key: str  #: the class of the mark it stands for (``actual``, ``milestone``, …)
    color: str
    text: str
    dash: str = ""
    ring: bool = False
    swatch: bool = False  #: a filled square (a bar's colour) instead of a line


def _legend_items(series: Series, lang: str) -> list[LegendItem]:
    """One entry for every kind of mark the chart draws, in the order they are drawn."""
    bound = series.kind in ("ceiling", "floor")
    items = [LegendItem("actual", COLORS["actual"], label("legend_actual", lang))]
    if series.milestones:
        items.append(
            LegendItem("milestone", COLORS["milestone"], label("legend_milestone", lang), "4 3")
        )
    key = {"ceiling": "legend_ceiling", "floor": "legend_floor"}.get(series.kind, "legend_target")
    items.append(
        LegendItem("target", COLORS["target"], label(key, lang), "6 3" if bound else "", not bound)
    )
    if series.stretch is not None:
        items.append(
            LegendItem(
                "stretch",
                COLORS["stretch"],
                label("legend_stretch", lang),
                "2 3" if bound else "",
                not bound,
            )
        )
    return items


def legend_rows(
    items: Sequence[LegendItem], x0: float, x1: float
) -> list[list[tuple[float, LegendItem]]]:
    """The entries placed left to right, wrapping to a new row where the next would not fit."""
    rows: list[list[tuple[float, LegendItem]]] = [[]]
    x = x0
    for item in items:
        w = 24 + text_width(item.text, TEXT_SIZE) + 12
        if rows[-1] and x + w - 12 > x1:
            rows.append([])
            x = x0
        rows[-1].append((x, item))
        x += w
    return rows


def legend_marks(rows: Sequence[Sequence[tuple[float, LegendItem]]], y0: float) -> list[str]:
    parts = []
    for r, row in enumerate(rows):
        y = y0 + 16 * r
        for x, item in row:
            dash = f' stroke-dasharray="{item.dash}"' if item.dash else ""
            mark = (
                f'<circle cx="{x + 9}" cy="{y - 4}" r="4" fill="none" stroke="{item.color}" '
                f'stroke-width="2"/>'
                if item.ring
                else f'<rect x="{x + 3}" y="{y - 10}" width="12" height="12" fill="{item.color}"/>'
                if item.swatch
                else f'<line x1="{x}" x2="{x + 18}" y1="{y - 4}" y2="{y - 4}" '
                f'stroke="{item.color}" stroke-width="2"{dash}/>'
            )
            parts.append(
                f'<g class="legend-item" data-key="{escape(item.key)}">{mark}'
                f'<text x="{x + 22}" y="{y}">{escape(item.text)}</text></g>'
            )
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
    bar, gap, left, right = 18, 6, 120, 80
    title = label(
        "chart_breakdown",
        lang,
        indicator=breakdown.label(lang),
        year=year,
        unit=unit_part(breakdown.unit(lang), lang),
    ) + (f" — {note}" if note else "")
    lines = wrap(title, TITLE_SIZE, width - 8)
    top = 14 + len(lines) * (TITLE_SIZE + 4)
    n = len(breakdown.values)
    height = top + n * (bar + gap) + 10
    values = [v for _, _, v in breakdown.values]
    lo, hi = min(0.0, *values), max(0.0, *values) or 1.0
    k, b = _scale(lo, hi, left, width - right)
    parts = [
        f'<svg class="chart breakdown" '
        f'data-indicator="{escape(breakdown.indicator)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f"font-family='{FONT_STACK}' font-size=\"{TEXT_SIZE}\">",
        f"<title>{escape(title)}</title>",
        title_lines(4, 16, lines),
    ]
    for i, (unit, name, v) in enumerate(breakdown.values):
        y = top + i * (bar + gap)
        x0, x1 = sorted((b, k * v + b))
        shown = escape(format_value(v, breakdown.fmt))
        parts.append(
            f'<text x="{left - 6}" y="{y + bar - 5}" text-anchor="end">{escape(name(lang))}</text>'
            f'<rect class="bar" data-unit="{escape(unit)}" x="{x0:.1f}" y="{y}" '
            f'width="{max(x1 - x0, 0.5):.1f}" height="{bar}" fill="{COLORS["bar"]}">'
            f"<title>{escape(name(lang))}: {shown}</title></rect>"
            f'<text x="{x1 + 4:.1f}" y="{y + bar - 5}" fill="#333">{shown}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
