"""The report's assessment of every target (:class:`AssessmentRow`) and the binding targets'
compliance (:class:`ComplianceRow`), in the plan's order: scopes as the plan lists them, then
indicators as its targets table lists them.

The arithmetic is :func:`soeplan.assess_frame`'s; this module only turns its rows into the
report's records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from soeplan.assessment.frame import assess_frame
from soeplan.assessment.records import BoundStatus, MidTerm, Status, Verdict
from soeplan.indicators import Indicator
from soeplan.plan.model import Plan
from soeplan.report.format import cell_format
from soeplan.report.model import AssessmentRow, ComplianceRow
from soeplan.sections import Text


def _scope_order(plan: Plan, scope: str) -> int:
    ids = [s.id for s in plan.scopes]
    return ids.index(scope) if scope in ids else len(ids)


def assess(
    plan: Plan, year: int, totals: pl.DataFrame, inds: Mapping[str, Indicator]
) -> list[AssessmentRow]:
    """Every target of every scope, assessed for ``year`` by :func:`soeplan.assess_frame`."""
    if year <= plan.base_year:
        return []  # nothing to assess in the base year or before
    return assessment_rows(assess_frame(totals, plan, year), plan, inds)


def assessment_rows(
    frame: pl.DataFrame, plan: Plan, inds: Mapping[str, Indicator]
) -> list[AssessmentRow]:
    """The rows of an :func:`soeplan.assess_frame` frame as the report's records, in order."""
    rows: list[AssessmentRow] = []
    for r in frame.iter_rows(named=True):
        ind = inds.get(r["indicator"])
        tgt = plan.find_target(r["scope"], r["indicator"])
        if ind is None or tgt is None:
            continue
        rows.append(
            AssessmentRow(
                scope=r["scope"],
                indicator=r["indicator"],
                label=Text(ind.name_zh, ind.name_en),
                fmt=cell_format(ind),
                kind=str(r["kind"]),
                binding=tgt.binding,
                base=r["base"],
                actual=r["current"],
                milestone=r["milestone"],
                target=r["target"],
                stretch=r["stretch"],
                strict=bool(r["strict"]),
                target_year=r["target_year"],
                method=r["method"],
                required_growth=r["required_rate_remaining"],
                required_rate=r["required_rate"],
                ratio=r["ratio"],
                verdict=Verdict(r["verdict"]) if r["verdict"] else None,
                path=bool(r["path"]),
                projection=r["projection"],
                gap=r["gap"],
                higher_is_better=bool(r["higher_is_better"]),
                actual_growth=r["actual_rate"],
                completion=r["completion_share"],
                time_share=r["time_share"],
                status=Status(r["status"]) if r["status"] else None,
                midterm=MidTerm(r["category"]) if r["category"] else None,
                compliance=BoundStatus(r["compliance"]) if r["compliance"] else None,
                headroom=r["headroom"],
            )
        )
    return sorted(rows, key=lambda a: (_scope_order(plan, a.scope), row_order(plan, a.indicator)))


def row_order(plan: Plan, code: str) -> int:
    """An indicator's position in the plan's targets table (then its results table)."""
    for layout in sorted(plan.tables, key=lambda t: t.kind != "targets"):
        if code in layout.rows:
            return layout.rows.index(code)
    return 999


def compliance(rows: Sequence[AssessmentRow]) -> list[ComplianceRow]:
    """Binding targets (约束性): is the bound respected in the year, and by how much."""
    return [
        ComplianceRow(
            scope=a.scope,
            indicator=a.indicator,
            label=a.label,
            fmt=a.fmt,
            kind=a.kind,
            limit=a.target,
            strict=a.strict,
            actual=a.actual,
            headroom=a.headroom,
            complies=None if a.compliance is None else a.compliance is not BoundStatus.NOT_MET,
            status=a.compliance,
        )
        for a in rows
        if a.binding
    ]
