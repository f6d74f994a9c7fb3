"""The figures behind the report's charts: each target's trajectory (:class:`Series`) and each
targeted indicator's values by county-level unit (:class:`Breakdown`).

:mod:`soeplan.report.charts` draws them; this module only gathers the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from soeplan.assessment.milestones import milestones
from soeplan.indicators import Indicator
from soeplan.plan.model import Plan
from soeplan.report.assessment import row_order
from soeplan.report.format import cell_format
from soeplan.report.model import Breakdown, Series
from soeplan.report.tables import unit_text
from soeplan.report.totals import TotalsLookup
from soeplan.sections import Text


def trajectories(plan: Plan, lookup: TotalsLookup, inds: Mapping[str, Indicator]) -> list[Series]:
    """Each target's actuals by year against its milestone path (:func:`soeplan.assessment.milestones`)."""
    paths: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for scope, code, y, v in (
        milestones(plan, "compound").select("scope", "indicator", "year", "value").iter_rows()
    ):
        paths.setdefault((scope, code), []).append((y, v))
    out = []
    for scope in plan.scopes:
        for tgt in sorted(
            (t for t in plan.targets if t.scope == scope.id),
            key=lambda t: row_order(plan, t.indicator),
        ):
            ind = inds[tgt.indicator]
            actual = tuple(
                (y, v)
                for y in lookup.years(scope.id, tgt.indicator)
                if (v := lookup.get(scope.id, tgt.indicator, y)) is not None
            )
            out.append(
                Series(
                    scope=scope.id,
                    scope_name=Text(scope.name_zh, scope.name_en),
                    indicator=tgt.indicator,
                    label=Text(ind.name_zh, ind.name_en),
                    fmt=cell_format(ind),
                    kind=tgt.kind.value,
                    actual=actual,
                    milestones=tuple(sorted(paths.get((scope.id, tgt.indicator), []))),
                    target_year=tgt.year,
                    target=float(tgt.value),
                    stretch=float(tgt.stretch) if tgt.stretch is not None else None,
                    unit=unit_text(ind),
                )
            )
    return out


def breakdowns(
    plan: Plan,
    year: int,
    units: pl.DataFrame | None,
    unit_names: Mapping[str, Text],
    inds: Mapping[str, Indicator],
) -> list[Breakdown]:
    if units is None or units.is_empty():
        return []
    frame = units.filter(pl.col("year") == year)
    rows = next((t.rows for t in plan.tables if t.kind == "targets"), ())
    out = []
    for code in rows:
        part = frame.filter(pl.col("indicator") == code).sort("unit")
        if part.is_empty():
            continue
        ind = inds[code]
        values = tuple(
            (str(u), unit_names.get(str(u), Text(str(u), str(u))), float(v))
            for u, v in part.select("unit", "value").iter_rows()
            if v is not None
        )
        out.append(
            Breakdown(
                indicator=code,
                label=Text(ind.name_zh, ind.name_en),
                fmt=cell_format(ind),
                values=values,
                unit=unit_text(ind),
            )
        )
    return out
