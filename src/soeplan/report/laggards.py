"""The units lagging on each amount target, with their own values by year: the figures behind
the report's small multiples and its summary's list of laggards.

:func:`unit_lags` ranks the units of each scope with
:func:`soeplan.assessment.by_unit.progress_by_member` (the same figures as the 分单位进展 /
Progress by unit section) and keeps the lagging ones (R < 0.95), each with its values from the
base year to the report year and the path the required pace sets from its own base year value:
``base × (1 + required)^(year − base year)`` up to the target year.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from soeplan.assessment.by_unit import progress_by_member
from soeplan.indicators import Indicator
from soeplan.plan.model import Plan
from soeplan.report.format import cell_format
from soeplan.report.model import UnitLag
from soeplan.report.tables import unit_text
from soeplan.sections import Text

__all__ = ["unit_lags"]


def _unit_values(
    rollup: pl.DataFrame, lo: int, hi: int
) -> dict[tuple[str, str], list[tuple[int, float]]]:
    """``(unit, indicator) -> [(year, value)]`` of the rollup's unit nodes, years ``lo``–``hi``."""
    rows = rollup.filter(
        (pl.col("node_type") == "unit")
        & pl.col("year").is_between(lo, hi)
        & pl.col("value").is_not_null()
    ).select("node", "indicator", "year", "value")
    out: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for node, ind, year, value in rows.sort("year").iter_rows():
        out.setdefault((str(node), str(ind)), []).append((int(year), float(value)))
    return out


def unit_lags(
    plan: Plan,
    year: int,
    rollup: pl.DataFrame | None,
    structure: object,
    inds: Mapping[str, Indicator],
) -> list[UnitLag]:
    """The lagging units of every amount target of ``plan``'s scopes in ``year``, slowest first
    within each target (none without a rollup and a structure, or in the base year)."""
    if rollup is None or structure is None or year <= plan.base_year or rollup.is_empty():
        return []
    ranked = progress_by_member(rollup, plan, year, structure, by="unit")
    if ranked.is_empty():
        return []
    scopes = {s.id: Text(s.name_zh, s.name_en) for s in plan.scopes}
    units = getattr(structure, "units", {})
    values = _unit_values(rollup, plan.base_year, year)
    targets = {(t.scope, t.indicator): t for t in plan.targets}
    counts: dict[tuple[str, str], int] = {}
    for (scope, ind), part in ranked.group_by("scope", "indicator", maintain_order=True):
        counts[(str(scope), str(ind))] = part.height
    out = []
    for r in ranked.filter(pl.col("lagging") & pl.col("scope").is_in(list(scopes))).iter_rows(
        named=True
    ):
        scope, code, unit = r["scope"], r["indicator"], r["member"]
        target = targets[(scope, code)]
        base_year = target.base_year or plan.base_year
        req = float(r["required_rate"])
        path = tuple(
            (y, float(r["base"]) * (1 + req) ** (y - base_year))
            for y in range(base_year, target.year + 1)
        )
        u = units.get(unit)
        ind = inds[code]
        out.append(
            UnitLag(
                scope=scope,
                scope_name=scopes[scope],
                indicator=code,
                label=Text(ind.name_zh, ind.name_en),
                fmt=cell_format(ind),
                unit_of_measure=unit_text(ind),
                unit=unit,
                unit_name=Text(u.name_zh, u.name_en) if u is not None else Text(unit, unit),
                actual=tuple(values.get((unit, code), ())),
                path=path,
                actual_rate=r["actual_rate"],
                required_rate=req,
                ratio=r["ratio"],
                gap_share=r["gap_share"],
                rank=int(r["rank"]),
                members=counts[(scope, code)],
                own_target=r["own_target"] is not None,
            )
        )
    return out
