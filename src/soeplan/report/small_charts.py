"""The report's small charts, as inline SVG: a lagging unit's small multiple and a target's
sparkline.

:func:`lag_svg` draws one lagging unit's values by year against the path the scope's required
pace sets from the unit's own base (one per unit, side by side for each target: small multiples
on the same design, each with its own round value axis and its unit of measure);
:func:`sparkline_svg` draws a target's trajectory in a line's height for the report's first
screen: the actual values, the milestone path and the target, no text but its title.
"""

from __future__ import annotations

from html import escape

from soeplan.report.charts import (
    COLORS,
    FONT_STACK,
    TEXT_SIZE,
    LegendItem,
    axis_label,
    legend_marks,
    legend_rows,
    title_lines,
    value_ticks,
    wrap,
)
from soeplan.report.format import format_value
from soeplan.report.i18n import label
from soeplan.report.model import CellFormat, Series, UnitLag

__all__ = ["lag_caption", "lag_legend_svg", "lag_svg", "sparkline_svg"]


def lag_caption(lag: UnitLag, lang: str) -> str:
    """``R 0.50 · 占缺口 14.07%``: the unit's ratio R and its share of the scope's gap."""
    return label(
        "lag_caption",
        lang,
        ratio=format_value(lag.ratio, CellFormat.AMOUNT),
        share=format_value(lag.gap_share, CellFormat.RATIO),
    )


def lag_svg(lag: UnitLag, lang: str = "zh", width: int = 200, height: int = 150) -> str:
    """One lagging unit: its values (solid) against its required path (dashed), small."""
    left, right, size = 44, 16, 12
    lines = [lag.unit_name(lang), *wrap(lag_caption(lag, lang), TEXT_SIZE, width - 8)]
    top = 26 + len(lines) * 15
    bottom = 30
    height += 15 * (len(lines) - 2)
    values = [v for _, v in lag.actual] + [v for _, v in lag.path]
    years = [y for y, _ in lag.actual] + [y for y, _ in lag.path]
    ticks = value_ticks(values or [0.0], lag.fmt)
    y0, y1 = (min(years), max(years)) if years else (0, 1)
    kx = (width - right - left) / ((y1 - y0) or 1)
    ky = (height - bottom - top) / ((ticks[-1] - ticks[0]) or 1)

    def x(year: float) -> float:
        return left + (year - y0) * kx

    def y(value: float) -> float:
        return height - bottom - (value - ticks[0]) * ky

    title = label(
        "lag_title",
        lang,
        unit=lag.unit_name(lang),
        indicator=lag.label(lang),
        scope=lag.scope_name(lang),
        measure=lag.unit_of_measure(lang),
        caption=lag_caption(lag, lang),
    )
    parts = [
        f'<svg class="chart lag" data-scope="{escape(lag.scope)}" '
        f'data-indicator="{escape(lag.indicator)}" data-unit="{escape(lag.unit)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" font-family=\'{FONT_STACK}\' font-size="{TEXT_SIZE}">',
        f"<title>{escape(title)}</title>",
        title_lines(4, 15, lines[:1], size),
        *(
            f'<text class="caption" x="4" y="{30 + 15 * i}" fill="#a61b1b">{escape(t)}</text>'
            for i, t in enumerate(lines[1:])
        ),
        f'<text class="measure" x="4" y="{top - 12}" fill="#555" '
        f'font-size="10">{escape(lag.unit_of_measure(lang))}</text>',
    ]
    step = ticks[1] - ticks[0]
    for v in ticks[:: 2 if len(ticks) > 5 else 1]:
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(v):.1f}" '
            f'y2="{y(v):.1f}" stroke="#e5e5e5"/><text class="tick" x="{left - 4}" '
            f'y="{y(v) + 4:.1f}" text-anchor="end" fill="#555" font-size="10">'
            f"{escape(axis_label(v, step, lag.fmt))}</text>"
        )
    for yr in sorted({y0, y1, *(yr for yr, _ in lag.actual[-1:])}):
        parts.append(
            f'<text class="year" x="{x(yr):.1f}" y="{height - bottom + 14}" '
            f'text-anchor="middle" fill="#555" font-size="10">{yr}</text>'
        )
    if lag.path:
        pts = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in lag.path)
        parts.append(
            f'<polyline class="milestone" points="{pts}" fill="none" '
            f'stroke="{COLORS["milestone"]}" stroke-dasharray="4 3" stroke-width="1.5"/>'
        )
    if lag.actual:
        pts = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in lag.actual)
        parts.append(
            f'<polyline class="actual" points="{pts}" fill="none" '
            f'stroke="{COLORS["lagging"]}" stroke-width="2"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def lag_legend_svg(lang: str = "zh", width: int = 420) -> str:
    """The legend the small multiples share: the unit's actual values and its required path."""
    items = [
        LegendItem("actual", COLORS["lagging"], label("legend_unit_actual", lang)),
        LegendItem("milestone", COLORS["milestone"], label("legend_required_path", lang), "4 3"),
    ]
    rows = legend_rows(items, 4, width - 4)
    height = 8 + 16 * len(rows)
    return (
        f'<svg class="legend lag-legend" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(", ".join(i.text for i in items))}" '
        f"font-family='{FONT_STACK}' font-size=\"{TEXT_SIZE}\">"
        + "".join(legend_marks(rows, 16))
        + "</svg>"
    )


def sparkline_svg(series: Series, lang: str = "zh", width: int = 90, height: int = 26) -> str:
    """A target's trajectory in a line: actual values (solid), the milestone path (dashed) and
    the target (a ring at the target year; a ceiling or floor as a thin line)."""
    pad = 3
    actual = list(series.actual)
    years = [yr for yr, _ in actual] + [yr for yr, _ in series.milestones] + [series.target_year]
    values = [v for _, v in actual] + [v for _, v in series.milestones] + [series.target]
    y0, y1 = min(years), max(years)
    lo, hi = min(values), max(values)
    span = (hi - lo) or abs(hi) or 1.0
    lo, hi = lo - span * 0.08, hi + span * 0.08

    def x(year: float) -> float:
        return pad + (year - y0) * (width - 2 * pad) / ((y1 - y0) or 1)

    def y(value: float) -> float:
        return height - pad - (value - lo) * (height - 2 * pad) / (hi - lo)

    title = label(
        "sparkline_title",
        lang,
        indicator=series.label(lang),
        scope=series.scope_name(lang),
        first=actual[0][0] if actual else y0,
        last=actual[-1][0] if actual else y0,
    )
    parts = [
        f'<svg class="sparkline" data-scope="{escape(series.scope)}" '
        f'data-indicator="{escape(series.indicator)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    if series.milestones:
        pts = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in series.milestones)
        parts.append(
            f'<polyline class="milestone" points="{pts}" fill="none" '
            f'stroke="{COLORS["milestone"]}" stroke-dasharray="3 2" stroke-width="1"/>'
        )
    ty = y(series.target)
    if series.kind in ("ceiling", "floor"):
        parts.append(
            f'<line class="target-line" x1="{pad}" x2="{width - pad}" y1="{ty:.1f}" '
            f'y2="{ty:.1f}" stroke="{COLORS["target"]}" stroke-dasharray="3 2" stroke-width="1"/>'
        )
    else:
        parts.append(
            f'<circle class="target" cx="{x(series.target_year):.1f}" cy="{ty:.1f}" r="2.5" '
            f'fill="none" stroke="{COLORS["target"]}" stroke-width="1.5"/>'
        )
    if actual:
        pts = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in actual)
        parts.append(
            f'<polyline class="actual" points="{pts}" fill="none" stroke="{COLORS["actual"]}" '
            f'stroke-width="1.8"/>'
        )
        yr, v = actual[-1]
        parts.append(
            f'<circle class="actual-point" cx="{x(yr):.1f}" cy="{y(v):.1f}" r="2" '
            f'fill="{COLORS["actual"]}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
