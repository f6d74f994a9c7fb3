"""Build a :class:`~soeplan.report.model.Report` from a run's frames and the plan.

:func:`build_report` is pure: it takes the consolidated scope totals (``scope, year, indicator,
value``; ratios as fractions), optionally the unit totals, the entity-level observations, the
findings and the report sections, and returns the report model. The yearly run
(:mod:`soeplan.run`) produces these frames from submissions; tests and notebooks can pass
any frames, for instance the plan's own published figures (:meth:`soeplan.Plan.figures_frame`).

Each part is computed in a module of its own: the totals and the plan's history
(:mod:`.totals`), the plan's tables per scope (:mod:`.tables`), the assessment and compliance
(:mod:`.assessment`), the charts' figures (:mod:`.series`), the debt-ratio watch list
(:mod:`.debt`) and the registered report sections (:mod:`.sections`, which also says why the
fixed parts are not sections).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import attrs
import polars as pl

from soeplan._version import __version__
from soeplan.arithmetic.rounding import Rounding
from soeplan.context import current
from soeplan.errors import SoeplanError
from soeplan.frames import FINDING_SCHEMA
from soeplan.indicators import Indicator
from soeplan.plan.model import Plan
from soeplan.plan.tables import build_table
from soeplan.provenance import PluginFailure, Provider, merge_failures
from soeplan.report.assessment import assess, compliance
from soeplan.report.debt import debt_watch
from soeplan.report.laggards import unit_lags
from soeplan.report.model import (
    AssessmentRow,
    DebtLines,
    InputFile,
    PartialScope,
    Report,
    ReportMeta,
    SetAside,
)
from soeplan.report.sections import render_sections
from soeplan.report.series import breakdowns, trajectories
from soeplan.report.tables import plan_tables
from soeplan.report.totals import TotalsLookup, with_history
from soeplan.rules import empty_findings
from soeplan.sections import ReportSection, SectionContext, Text


def plan_ratio_rounding(plan: Plan) -> Rounding:
    """How the plan prints its ratios (its results table's convention; half-up without one)."""
    return next((t.rounding.ratio for t in plan.tables if t.kind == "results"), Rounding.HALF_UP)


def _indicators() -> Mapping[str, Indicator]:
    return current().indicators


def build_report(
    plan: Plan,
    year: int,
    totals: pl.DataFrame,
    *,
    units: pl.DataFrame | None = None,
    entities: pl.DataFrame | None = None,
    findings: pl.DataFrame | None = None,
    set_aside: Sequence[SetAside] = (),
    sections: Iterable[ReportSection] = (),
    section_context: SectionContext | None = None,
    providers: Iterable[Provider] = (),
    inputs: Sequence[InputFile] = (),
    synthetic: bool = False,
    lang: str = "zh",
    debt_lines: DebtLines | None = None,
    unit_names: Mapping[str, Text] | None = None,
    entity_names: Mapping[str, str] | None = None,
    generated_at: dt.datetime | None = None,
    explain_example: str | None = None,
    plugin_failures: Sequence[PluginFailure] = (),
    partial: Sequence[PartialScope] = (),
    synthetic_units: Sequence[str] = (),
) -> Report:
    """Assemble the report of ``plan`` for ``year`` from a run's frames.

    ``totals``: ``scope, year, indicator, value`` (ratios as fractions); the plan's published
    figures fill the years the totals lack (the base year, the 13th plan's start).
    ``units``: ``unit, year, indicator, value`` for the breakdown by unit.
    ``entities``: ``entity, unit, year, indicator, value`` for the debt-ratio watch list.
    ``plugin_failures``: failures so far (loading, rules), listed with the sections' own.
    ``partial``: the scopes totalled without some of their units; their figures are marked and
    their targets get no status (see ``docs/howto/yearly-run.md``).
    ``synthetic_units``: when only some units' figures are synthetic, which ones.

    Long: one keyword per part of the report, each passed straight to the part that uses it.

    >>> import soeplan
    >>> from soeplan.report import build_report
    >>> plan = soeplan.load_plan("quzhou-14th")
    >>> report = build_report(plan, 2020, plan.figures_frame())
    >>> report.assessment   # nothing to assess in the base year itself
    ()
    >>> report.table(1, "city").rows[0].cells[1].value   # total assets, 2020, full precision
    2090.49

    """
    if lang not in ("zh", "en"):
        raise SoeplanError(f"unknown language {lang!r}\n  fix: use zh or en")
    inds = _indicators()
    full = with_history(totals, plan)
    lookup = TotalsLookup(full)
    unit_names = dict(unit_names or {})
    lines = debt_lines or DebtLines()
    context = section_context or SectionContext(year=year, plan=plan, lang=lang)
    rendered = render_sections(sections, context)
    meta = report_meta(
        plan,
        year,
        lang=lang,
        providers=providers,
        inputs=inputs,
        synthetic=synthetic,
        debt_lines=lines,
        unit_names=unit_names,
        generated_at=generated_at,
        explain_example=explain_example,
        plugin_failures=[*plugin_failures, *(r.failure for r in rendered if r.failure)],
    )
    meta = attrs.evolve(
        meta,
        partial=tuple(partial),
        synthetic_units=tuple(synthetic_units),
        entity_names=tuple(sorted((entity_names or {}).items())),
    )
    assessed = without_status(
        assess(plan, year, with_unit_targets(full, plan, units), inds),
        {p.scope for p in partial if p.year is None},
    )
    return Report(
        meta=meta,
        tables=tuple(plan_tables(plan, year, lookup, inds)),
        assessment=tuple(assessed),
        compliance=tuple(compliance(assessed)),
        debt_watch=tuple(debt_watch(year, entities, lines, entity_names or {}, unit_names)),
        series=tuple(trajectories(plan, lookup, inds)),
        breakdowns=tuple(breakdowns(plan, year, units, unit_names, inds)),
        sections=tuple(rendered),
        set_aside=tuple(set_aside),
        laggards=tuple(unit_lags(plan, year, context.rollup, context.structure, inds)),
        findings=_findings(findings),
        totals=full,
        published={
            lg: tuple(build_table(plan, t.number, lg, inds) for t in plan.tables)
            for lg in ("zh", "en")
        },
    )


def without_status(rows: Sequence[AssessmentRow], partial: set[str]) -> list[AssessmentRow]:
    """The assessment with no status, category or compliance for a partial scope's targets: a
    total that misses units says nothing about the target (its figures stay, marked)."""
    return [
        attrs.evolve(a, status=None, midterm=None, compliance=None, verdict=None)
        if a.scope in partial
        else a
        for a in rows
    ]


def _findings(findings: pl.DataFrame | None) -> pl.DataFrame:
    """The findings in :data:`soeplan.FINDING_SCHEMA`'s columns and types (none: an empty frame)."""
    if findings is None:
        return empty_findings()
    return findings.select([pl.col(c).cast(t) for c, t in FINDING_SCHEMA.items()])


def report_meta(
    plan: Plan,
    year: int,
    *,
    lang: str,
    providers: Iterable[Provider],
    inputs: Sequence[InputFile],
    synthetic: bool,
    debt_lines: DebtLines,
    unit_names: Mapping[str, Text],
    generated_at: dt.datetime | None,
    explain_example: str | None,
    plugin_failures: Iterable[PluginFailure] = (),
) -> ReportMeta:
    """What the report says about itself: the plan, the year, the plugins, inputs and options."""
    return ReportMeta(
        plan_id=plan.id,
        plan_title=Text(plan.title_zh, plan.title_en),
        document=plan.document,
        year=year,
        base_year=plan.base_year,
        target_year=plan.target_year,
        scopes=tuple((s.id, Text(s.name_zh, s.name_en)) for s in plan.scopes),
        lang=lang,
        plugins=tuple(sorted(set(providers), key=lambda p: p.plugin)),
        inputs=tuple(inputs),
        synthetic=synthetic,
        generated_at=generated_at or dt.datetime.now(dt.UTC).replace(microsecond=0),
        soeplan_version=__version__,
        debt_lines=debt_lines,
        unit_names=tuple(sorted(unit_names.items())),
        ratio_rounding=plan_ratio_rounding(plan),
        explain_example=explain_example
        or f"soeplan explain --data FILE --scope {plan.scopes[0].id} --indicator total_assets "
        f"--year {year}",
        plugin_failures=tuple(merge_failures(plugin_failures)),
    )


def with_unit_targets(full: pl.DataFrame, plan: Plan, units: pl.DataFrame | None) -> pl.DataFrame:
    """The scope totals to assess: ``full`` plus the totals of every unit a target is set for.

    A county's own targets (registered by its plugin) are assessed on its unit's totals.
    """
    unit_scopes = {t.scope for t in plan.targets} - {s.id for s in plan.scopes}
    if not unit_scopes or units is None:
        return full
    own = units.filter(pl.col("unit").is_in(sorted(unit_scopes))).select(
        pl.col("unit").cast(pl.String).alias("scope"),
        pl.col("year").cast(full.schema["year"]),
        pl.col("indicator").cast(pl.String),
        pl.col("value").cast(pl.Float64),
    )
    return pl.concat([full.select("scope", "year", "indicator", "value"), own])
