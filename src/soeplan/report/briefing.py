"""The report's briefing parts, laid out for the writers: the first screen and the laggards.

- :func:`glance` is the first screen of the HTML report (概览 / At a glance): one line per
  target, by scope, with its verdict, the year's value against its milestone and its target,
  and (drawn by the HTML writer) a sparkline of its trajectory. Its figures are the assessment
  table's own cells (:func:`soeplan.report.layout.assessment_cells`), so both print the same.
- :func:`laggards_block` lists the units lagging on each amount target with their ratio R and
  share of the gap (the summary's table); :func:`laggard_groups` groups them by target for the
  HTML report's small multiples.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from soeplan.assessment.records import Verdict
from soeplan.report.format import format_value
from soeplan.report.i18n import label
from soeplan.report.layout import ASSESSMENT_COLUMNS, Block, Out, assessment_cells, scope_name
from soeplan.report.model import AssessmentRow, CellFormat, Report, Series, UnitLag

__all__ = [
    "GlanceRow",
    "glance",
    "in_report_order",
    "laggard_groups",
    "laggards_block",
    "stretch_wording",
    "target_wording",
]


@attrs.frozen(kw_only=True)
class GlanceRow:
    """One target on the first screen (texts already in the report's language)."""

    scope: str
    indicator: str
    label: str
    unit: str  #: the unit of measure
    verdict: Verdict | None
    verdict_text: str
    actual: str
    milestone: str
    target: str
    stretch: str  #: the plan's 力争 value, worded ("" without one)
    series: Series | None  #: its trajectory, for the sparkline (none for a unit's own target)


def _cell(cells: Sequence[Out], column: str) -> str:
    return cells[ASSESSMENT_COLUMNS.index(column)].text()


def target_wording(a: AssessmentRow, lang: str) -> str:
    """The target as a bound or a level: ``4,000.00``, ``<65.00%``, ``≥2.20%（力争2.50%）``."""
    value = format_value(a.target, a.fmt)
    sign = {"ceiling": "<" if a.strict else "≤", "floor": ">" if a.strict else "≥"}
    text = sign.get(a.kind, "") + value
    if a.stretch is not None:
        text += label("stretch_suffix", lang, value=format_value(a.stretch, a.fmt))
    return text


def stretch_wording(a: AssessmentRow, lang: str) -> str:
    """``力争2.50%`` / ``stretch 2.50%`` ("" when the target has no stretch value)."""
    if a.stretch is None:
        return ""
    return label("stretch_short", lang, value=format_value(a.stretch, a.fmt))


def glance(report: Report) -> list[tuple[str, list[GlanceRow]]]:
    """Every assessed target, by scope in the report's order: ``(scope name, rows)``."""
    lang = report.lang
    series = {(s.scope, s.indicator): s for s in report.series}
    out: dict[str, list[GlanceRow]] = {}
    for a in report.assessment:
        name = scope_name(report, a.scope, lang)
        partial = bool(report.partial_note(a.scope))
        cells = assessment_cells(a, name, lang, report.meta.ratio_rounding, partial=partial)
        s = series.get((a.scope, a.indicator))
        out.setdefault(name, []).append(
            GlanceRow(
                scope=a.scope,
                indicator=a.indicator,
                label=a.label(lang),
                unit=s.unit(lang) if s is not None else "",
                verdict=None if partial else a.verdict,
                verdict_text=_cell(cells, "verdict") or label("verdict_none", lang),
                actual=_cell(cells, "actual"),
                milestone=_cell(cells, "milestone"),
                target=target_wording(attrs.evolve(a, stretch=None), lang),
                stretch=stretch_wording(a, lang),
                series=s,
            )
        )
    return list(out.items())


def laggard_groups(report: Report) -> list[tuple[str, list[UnitLag]]]:
    """The lagging units by target, slowest first: ``(heading, units)`` in the report's order."""
    lang = report.lang
    out: dict[tuple[str, str], list[UnitLag]] = {}
    for lag in in_report_order(report):
        out.setdefault((lag.scope, lag.indicator), []).append(lag)
    return [
        (
            label(
                "laggards_heading",
                lang,
                indicator=lags[0].label(lang),
                scope=lags[0].scope_name(lang),
                measure=lags[0].unit_of_measure(lang),
                n=len(lags),
                of=lags[0].members,
            ),
            lags,
        )
        for lags in out.values()
    ]


def in_report_order(report: Report) -> list[UnitLag]:
    """The laggards in the assessment's order of targets, the slowest first within each."""
    order = {(a.scope, a.indicator): i for i, a in enumerate(report.assessment)}
    return sorted(
        report.laggards, key=lambda x: (order.get((x.scope, x.indicator), len(order)), x.rank)
    )


def laggards_block(report: Report) -> Block:
    """The lagging units of each amount target: who, with R and share of the gap, ranked."""
    lang = report.lang
    header = (
        "scope", "indicator", "county_unit", "actual_growth", "required_rate", "ratio",
        "gap_share", "rank",
    )  # fmt: skip
    rows = tuple(
        (
            Out(lag.scope_name(lang)),
            Out(lag.label(lang)),
            Out(lag.unit_name(lang)),
            Out(lag.actual_rate, CellFormat.GROWTH),
            Out(lag.required_rate, CellFormat.GROWTH),
            Out(lag.ratio, CellFormat.AMOUNT),
            Out(lag.gap_share, CellFormat.RATIO),
            Out(f"{lag.rank}/{lag.members}"),
        )
        for lag in in_report_order(report)
    )
    return Block(
        key="laggards",
        sheet=label("laggards", lang),
        title=label("laggards", lang),
        header=tuple(label(h, lang) for h in header),
        rows=rows,
        notes=(label("laggards_note", lang),),
        empty=label("no_laggards", lang),
    )
