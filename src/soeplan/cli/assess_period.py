"""``soeplan assess --period``: a period's totals (a file, the sample or a store) against the plan.

A month is assessed by :func:`soeplan.assess_period` (stocks on the milestone path at the
month's end, year-to-date flows against months/12 of the year's milestone), with the
seasonality caveat under the table. A year from the sample or a store is the annual assessment
of its rollup.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from soeplan.cli._render import render_rows

if TYPE_CHECKING:
    import polars as pl

    from soeplan.periods import Period
    from soeplan.plan.model import Plan


def period_totals(
    plan: str,
    period: Period,
    figures: pl.DataFrame | None,
    sample: bool,
    store: Path | None,
    allow_partial: bool,
) -> pl.DataFrame:
    """The scope totals of ``period`` (``scope, year, indicator, value``, and ``month`` from a
    file that has it): ``figures`` read from --data, or rolled up from the sample or a store (whose
    coverage is checked as ``soeplan rollup --store`` checks it)."""
    import polars as pl

    if sum((figures is not None, sample, store is not None)) != 1:
        raise click.UsageError(
            "give one source of totals: --data FILE, --sample or --store DIR\n"
            "  fix: e.g. soeplan assess --sample --period 2023-06"
        )
    if figures is not None:
        return figures
    from soeplan.cli.rollup import _inputs, refuse_implausible
    from soeplan.cli.store_inputs import store_coverage
    from soeplan.consolidation.period import rollup_period
    from soeplan.consolidation.records import scope_totals

    obs, structure = _inputs(store, sample, (), (), None if period.is_annual else period)
    if store is not None:
        partial = store_coverage(
            store,
            plan,
            structure,
            [period.year],
            allow_partial,
            month=period.month,
            what="the assessment",
        )
        for line in partial:
            click.echo(f"# {line}", err=True)
    obs = refuse_implausible(obs, plan, [period.year])
    values = rollup_period(obs, structure, period).values
    totals = scope_totals(values.drop("month") if "month" in values.columns else values)
    return pl.concat([_base_totals(plan, sample, store, structure), totals], how="vertical_relaxed")


def _base_totals(plan: str, sample: bool, store: Path | None, structure: Any) -> pl.DataFrame:
    """The scope totals of the plan's base year from the annual figures (the sample's, or the
    store's accepted annual submissions), as the annual assessment reads its base from a
    rollup; empty where there are none (the plan's published base figures are used)."""
    import polars as pl

    from soeplan.cli.rollup import load_observations
    from soeplan.consolidation.records import scope_totals
    from soeplan.consolidation.rollup import rollup
    from soeplan.plan.load import load_plan
    from soeplan.submissions.store import read_store

    base_year = load_plan(plan).base_year
    annual = read_store(store).lazy() if store is not None else load_observations(sample, [])
    year = pl.col("year").cast(pl.Int64)
    if annual.filter(year == base_year).head(1).collect().is_empty():
        return pl.DataFrame(schema={"scope": pl.String, "year": pl.Int32, "indicator": pl.String,
                                    "value": pl.Float64})  # fmt: skip
    return scope_totals(rollup(annual, structure, years=[base_year]))


def assess_period_cmd(
    plan: str,
    period: Period,
    figures: pl.DataFrame | None,
    sample: bool,
    store: Path | None,
    allow_partial: bool,
    fmt: str,
    lang: str,
) -> None:
    """Print the assessment of ``period`` (a month, or a year of the sample or a store)."""
    from soeplan.assessment.period import SEASONALITY_CAVEAT, assess_period
    from soeplan.plan.load import load_plan
    from soeplan.plugins.registry import get_registry
    from soeplan.report.format import format_value
    from soeplan.report.model import CellFormat
    from soeplan.sample import SYNTHETIC_NOTE

    p = get_registry().plan_with_targets(load_plan(plan))
    totals = period_totals(plan, period, figures, sample, store, allow_partial)
    frame = assess_period(totals, p, period)
    elapsed = period.year - p.base_year - (1 - period.months_elapsed / 12)
    share = format_value(elapsed / (p.target_year - p.base_year), CellFormat.GROWTH)
    title = (
        f"{p.title_zh}：{period.zh}目标进展评估（时间进度 {share}）"
        if lang == "zh"
        else f"{p.title_en}: progress at {period.en} ({share} of the time elapsed)"
    )
    notes = [SYNTHETIC_NOTE(lang)] if sample else []
    if not period.is_annual:
        notes.append(SEASONALITY_CAVEAT[0 if lang == "zh" else 1])
    text = render_assessment(frame, p, title, fmt, lang)
    if fmt in ("csv", "json"):
        for note in notes:
            click.echo(f"# {note}", err=True)
        click.echo(text, nl=False)
        return
    click.echo(text, nl=False)
    for note in notes:
        click.echo(f"\n{note}" if fmt == "md" else note)


def render_assessment(frame: pl.DataFrame, p: Plan, title: str, fmt: str, lang: str) -> str:
    """An assessment frame as the report's rows (the same figures, labels and rounding as the
    report: one formatter), rendered in ``fmt``; values are rounded for printing only."""
    from soeplan.plugins.registry import get_registry
    from soeplan.report.assessment import assessment_rows
    from soeplan.report.build import plan_ratio_rounding
    from soeplan.report.i18n import label
    from soeplan.report.layout import ASSESSMENT_COLUMNS, assessment_cells

    names = _ScopeNames({s.id: s.name(lang) for s in p.scopes}, lang)
    records = assessment_rows(frame, p, get_registry().indicators)
    rounding = plan_ratio_rounding(p)
    rows = [
        [c.text() for c in assessment_cells(r, names(r.scope), lang, rounding)] for r in records
    ]
    header = [label(h, lang) for h in ASSESSMENT_COLUMNS]
    return render_rows(header, rows, fmt, title=title)


class _ScopeNames:
    """A plan scope's name, or a county-level unit's (a plugin's own targets), looked up once."""

    def __init__(self, names: dict[str, str], lang: str) -> None:
        self.names, self.lang = names, lang

    def __call__(self, scope: str) -> str:
        if scope not in self.names:
            from soeplan.structure.city import city_structure

            units = city_structure().units
            self.names[scope] = units[scope].name(self.lang) if scope in units else scope
        return self.names[scope]
