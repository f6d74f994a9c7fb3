"""The monthly express report (月度快报): what a month's figures say, before any writer lays it out.

:func:`build_express` rolls a month's year-to-date figures up (with the month before, the same
month last year and last December, which 环比, 同比 and the averaged ratios need), derives the
figures of :mod:`soeplan.express.derived`, sets them against the budget
(:mod:`soeplan.express.budget`), lists the debt-ratio watch at the month's end with the yearly
report's own rule (:func:`soeplan.report.debt.debt_watch`) and the units that have not
reported, and reconciles December with the annual figures. The writers are in
:mod:`soeplan.report.express_write`; the blocks they share in :mod:`soeplan.report.express_layout`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs
import polars as pl

from soeplan.context import current
from soeplan.express.budget import (
    BUDGET_INDICATORS,
    ExecutionThresholds,
    budget_execution,
    budget_findings,
    roll_budget,
)
from soeplan.express.derived import month_on_month, monthly_amounts, year_on_year, ytd_ratios
from soeplan.express.monthly_rollup import rollup_by_month
from soeplan.express.reconcile import reconcile_december
from soeplan.periods import Period
from soeplan.report.build import report_meta
from soeplan.report.debt import debt_watch
from soeplan.report.model import DebtLines, DebtWatchRow, InputFile, Report, ReportMeta
from soeplan.rules import empty_findings
from soeplan.sections import Text
from soeplan.structure.dated import Structure

if TYPE_CHECKING:
    from soeplan.plan.model import Plan
    from soeplan.plugins.registry import Registry

__all__ = ["KEY_INDICATORS", "ExpressReport", "build_express", "express_meta"]

#: The figures the 快报 leads with: the flows year-to-date, the stocks at the month's end and
#: the ratios recomputed from them.
KEY_INDICATORS = (
    "revenue",
    "total_profit",
    "net_profit",
    "total_assets",
    "net_assets",
    "debt_ratio",
    "profit_margin",
    "roe",
)
#: The node types whose budget execution is shown (scopes, county-level units, groups).
EXECUTION_LEVELS = ("scope", "unit", "group")


@attrs.frozen(kw_only=True)
class ExpressReport:
    """A month's express report. ``meta`` is the yearly report's (the plan, the scopes, the
    provenance, the synthetic marking; its ``year`` is the period's), so the blocks both reports
    share (debt watch, findings, about) are laid out by the same code."""

    meta: ReportMeta
    period: Period
    #: 同比 and 环比 of the key indicators for the scopes and units: the columns of
    #: :func:`~soeplan.express.derived.year_on_year` plus ``month_amount``, ``previous`` and
    #: ``mom_growth``
    figures: pl.DataFrame = attrs.field(eq=False)
    #: budget execution by scope, unit and group (:func:`~soeplan.express.budget.execution`)
    execution: pl.DataFrame = attrs.field(eq=False)
    debt_watch: tuple[DebtWatchRow, ...]
    #: county-level units with no figure for the period (id, name)
    not_submitted: tuple[tuple[str, Text], ...]
    findings: pl.DataFrame = attrs.field(eq=False)
    budget_given: bool = False
    thresholds: ExecutionThresholds = attrs.field(factory=ExecutionThresholds)

    @property
    def lang(self) -> str:
        return self.meta.lang

    def with_lang(self, lang: str) -> ExpressReport:
        """The same report, labelled in another language."""
        return attrs.evolve(self, meta=attrs.evolve(self.meta, lang=lang))

    def shell(self) -> Report:
        """A yearly :class:`~soeplan.report.model.Report` holding this report's debt watch and
        findings, for the blocks the two share (:func:`soeplan.report.layout.debt_watch_block`)."""
        return Report(meta=self.meta, tables=(), assessment=(), compliance=(),
                      debt_watch=self.debt_watch, series=(), breakdowns=(), sections=(),
                      findings=self.findings)  # fmt: skip


def _months(period: Period) -> list[tuple[int, int]]:
    """The months the report reads: the period, the two before (环比 compares this month's
    amount with the previous month's, which takes the month before that), last year's same
    month and last December (the opening balance of the averaged ratios)."""
    month = period.end_month
    wanted = {(period.year, month), (period.year - 1, month), (period.year - 1, 12)}
    wanted |= {(period.year, m) for m in (month - 1, month - 2) if m >= 1}
    return sorted(wanted)


def _figures(values: pl.DataFrame, period: Period) -> pl.DataFrame:
    shown = values.filter(
        pl.col("node_type").is_in(["scope", "unit"]) & pl.col("indicator").is_in(KEY_INDICATORS)
    )
    yoy = year_on_year(shown, period)
    keys = ["node", "indicator"]
    amounts = monthly_amounts(shown).filter(
        (pl.col("year") == period.year) & (pl.col("month") == period.end_month)
    )
    mom = month_on_month(shown, period)
    return (
        yoy.join(amounts.select(*keys, pl.col("value").alias("month_amount")), on=keys, how="left")
        .join(
            mom.select(
                *keys,
                "previous",
                pl.col("growth").alias("mom_growth"),
                pl.col("change").alias("mom_change"),
            ),
            on=keys,
            how="left",
        )
        .pipe(_ordered, KEY_INDICATORS)
    )


_LEVEL_ORDER = {"scope": 0, "unit": 1, "group": 2, "entity": 3}


def _ordered(frame: pl.DataFrame, indicators: tuple[str, ...]) -> pl.DataFrame:
    """Scopes, then units, then groups; each node's indicators in ``indicators``' order."""
    if frame.is_empty():
        return frame
    return (
        frame.with_columns(
            pl.col("node_type").replace_strict(_LEVEL_ORDER, default=9).alias("_level"),
            pl.col("indicator")
            .replace_strict({c: i for i, c in enumerate(indicators)}, default=99)
            .alias("_order"),
        )
        .sort("_level", "unit", "node", "_order", nulls_last=False)
        .drop("_level", "_order")
    )


def _with_state(name: Text, state: str | None) -> Text:
    """A unit's name with the store's state of its 快报, where the store was read."""
    if state is None:
        return name
    from soeplan.submissions.coverage import STATES

    zh, en = STATES.get(state, (state, state))
    return Text(f"{name.zh}（{zh}）", f"{name.en} ({en})")


def build_express(
    monthly: pl.DataFrame,
    structure: Structure,
    period: Period,
    *,
    meta: ReportMeta,
    budget: pl.DataFrame | None = None,
    annual: pl.DataFrame | None = None,
    thresholds: ExecutionThresholds | None = None,
    registry: Registry | None = None,
    states: Mapping[str, str] | None = None,
) -> ExpressReport:
    """The express report of ``period`` (a month) from ``monthly`` (a monthly observations
    frame, ``unit, entity, year, month, indicator, value``) on ``structure``.

    ``budget`` (an annual budget frame, ``unit, entity, year, indicator, value``) gives the
    execution section; ``annual`` (annual observations) reconciles December against them. The
    rollup is :func:`soeplan.express.monthly_rollup.rollup_by_month`. ``states`` (unit → the
    store's state of its 快报 for the month, e.g. ``submitted``) names why a unit without figures
    has none: nothing received, or a file waiting for the office or returned.
    """
    if period.month is None:
        from soeplan.errors import SoeplanError

        raise SoeplanError(
            f"period {period}: an express report is for a month\n"
            f"  fix: give --period as a year-month, e.g. {period.year}-06"
        )
    limits = thresholds or ExecutionThresholds()
    wanted = pl.DataFrame(_months(period), schema={"year": pl.Int32, "month": pl.Int8},
                          orient="row")  # fmt: skip
    rows = monthly.with_columns(pl.col("year").cast(pl.Int32), pl.col("month").cast(pl.Int8))
    rows = rows.join(wanted, on=["year", "month"], how="semi")
    values, found = rollup_by_month(rows, structure, registry=registry)
    values = ytd_ratios(values, registry=registry)
    findings = [found]
    ex = pl.DataFrame()
    if budget is not None and not budget.is_empty():
        rolled, budget_found = roll_budget(budget, structure, registry=registry)
        findings.append(budget_found)
        ex = budget_execution(values, rolled, period, thresholds=limits).filter(
            pl.col("node_type").is_in(EXECUTION_LEVELS)
        )
        ex = _ordered(ex, BUDGET_INDICATORS)
        findings.append(budget_findings(ex, period))
    if annual is not None and period.month == 12:
        findings.append(reconcile_december(rows, annual, period.year))
    now = rows.filter((pl.col("year") == period.year) & (pl.col("month") == period.month))
    entity_names = {e.id: e.name_zh for e in structure.entities.values()}
    unit_names = {u.id: Text(u.name_zh, u.name_en) for u in structure.units.values()}
    watch = debt_watch(period.year, now.drop("month"), meta.debt_lines, entity_names, unit_names)
    reported = set(now["unit"].drop_nulls().to_list()) if "unit" in now.columns else set()
    missing = tuple(
        (u, _with_state(n, None if states is None else states.get(u, "expected")))
        for u, n in sorted(unit_names.items())
        if u not in reported
    )
    return ExpressReport(
        meta=attrs.evolve(
            meta,
            year=period.year,
            entity_names=tuple(entity_names.items()),
            unit_names=tuple(unit_names.items()),
        ),
        period=period,
        figures=_figures(values, period),
        execution=ex,
        debt_watch=tuple(watch),
        not_submitted=missing,
        findings=pl.concat(findings, how="vertical_relaxed") if findings else empty_findings(),
        budget_given=budget is not None,
        thresholds=limits,
    )


def express_meta(
    plan: Plan,
    period: Period,
    *,
    lang: str = "zh",
    synthetic: bool = False,
    inputs: tuple[InputFile, ...] = (),
    debt_lines: DebtLines | None = None,
    registry: Registry | None = None,
) -> ReportMeta:
    """The report's provenance, as the yearly report states it
    (:func:`soeplan.report.build.report_meta`: the plan, the scopes, the plugins, the inputs)."""
    reg = registry or current()
    return report_meta(
        plan, period.year, lang=lang, providers=reg.host.providers.values(), inputs=inputs,
        synthetic=synthetic, debt_lines=debt_lines or DebtLines(), unit_names={},
        generated_at=None, explain_example=None,
    )  # fmt: skip
