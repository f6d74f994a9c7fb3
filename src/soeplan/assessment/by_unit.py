"""Progress by unit and by group: who lags behind the pace a scope's amount target requires.

For each amount target of a scope (全市, 市区) and each member of the scope (its county-level
units, or the top-level groups of those units), :func:`progress_by_member` gives

- the member's **actual growth**, the compound annual rate from the base year to the year
  assessed (``cagr(base, current, years)``);
- its **ratio R** against the **required pace**: the scope's required annual rate over the
  whole period (``cagr(scope base, target, target year − base year)``), or the member's own
  rate where a target is set for the unit itself (a plugin's registered target);
  ``R = actual / required``, read with the same bands as the scope's own status (R ≥ 0.95 on
  track);
- its **shortfall**: its value on the required path in the year assessed
  (``base × (1 + required)^years``) less its actual value; positive when behind the path. The
  members' shortfalls add up to the scope's own distance from its path when the members' bases
  add up to the scope's base (amounts do);
- its **share of the gap**: its shortfall over the sum of the members' positive shortfalls
  (who accounts for how much of the distance still missing); empty when no member is behind;
- its **rank** (1 = the slowest, by R), and **lagging** when R is below 0.95 (or the member
  lacks a rate while behind its path).

A member whose base or current value is not positive has no compound rate: its R is empty and
its shortfall still counts.

>>> import polars as pl
>>> from soeplan.assessment.by_unit import member_rows
>>> rows = member_rows({"a": (100.0, 121.0), "b": (100.0, 105.0)}, required=0.10, years=2)
>>> [(r.member, round(r.ratio, 2), round(r.gap_share, 2), r.rank, r.lagging) for r in rows]
[('b', 0.25, 1.0, 1, True), ('a', 1.0, 0.0, 2, False)]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import attrs
import polars as pl

from soeplan.arithmetic.growth import cagr
from soeplan.assessment.records import ON_TRACK, AssessmentError
from soeplan.errors import Problem
from soeplan.plan.model import Plan, TargetKind

__all__ = [
    "BY_MEMBER_SCHEMA",
    "MemberProgress",
    "member_rows",
    "own_targets",
    "progress_by_member",
    "unit_target_paths",
]

#: Columns of the frame :func:`progress_by_member` returns, in order.
BY_MEMBER_SCHEMA: dict[str, pl.DataType] = {
    "scope": pl.String(),
    "indicator": pl.String(),
    "by": pl.String(),
    "member": pl.String(),
    "unit": pl.String(),
    "base": pl.Float64(),
    "current": pl.Float64(),
    "actual_rate": pl.Float64(),
    "required_rate": pl.Float64(),
    "own_target": pl.Float64(),
    "ratio": pl.Float64(),
    "path_value": pl.Float64(),
    "shortfall": pl.Float64(),
    "gap_share": pl.Float64(),
    "rank": pl.Int32(),
    "lagging": pl.Boolean(),
}


@attrs.frozen(kw_only=True)
class MemberProgress:
    """One member's progress on one amount target (see the module's docstring)."""

    member: str
    base: float
    current: float
    actual_rate: float | None
    required_rate: float
    ratio: float | None
    path_value: float
    shortfall: float
    gap_share: float | None
    rank: int
    lagging: bool


def _rate(base: float, current: float, years: float) -> float | None:
    if base > 0 and current > 0 and years > 0:
        return float(cagr(base, current, years))
    return None


def member_rows(
    values: Mapping[str, tuple[float, float]],
    *,
    required: float,
    years: int,
    own_required: Mapping[str, float] | None = None,
) -> list[MemberProgress]:
    """Rank the members (``member -> (base, current)``) against the ``required`` annual rate
    after ``years`` years (``own_required``: a member's own rate where it has a target)."""
    own = own_required or {}
    raw = []
    for member, (base, current) in values.items():
        req = own.get(member, required)
        actual = _rate(base, current, years)
        ratio = None if actual is None or req == 0 else actual / req
        path = base * (1 + req) ** years
        raw.append((member, base, current, actual, req, ratio, path, path - current))
    behind = sum(r[7] for r in raw if r[7] > 0)

    def order(r: tuple[object, ...]) -> tuple[float, str]:
        ratio = r[5]
        return (ratio if isinstance(ratio, float) else -math.inf, str(r[0]))

    out = []
    for rank, (member, base, current, actual, req, ratio, path, short) in enumerate(
        sorted(raw, key=order), start=1
    ):
        share = max(short, 0.0) / behind if behind > 0 else None
        lagging = (ratio < ON_TRACK) if ratio is not None else short > 0
        out.append(
            MemberProgress(
                member=member,
                base=base,
                current=current,
                actual_rate=actual,
                required_rate=req,
                ratio=ratio,
                path_value=path,
                shortfall=short,
                gap_share=share,
                rank=rank,
                lagging=lagging,
            )
        )
    return out


def _pick(values: pl.DataFrame, node_type: str, year: int, indicator: str) -> dict[str, float]:
    rows = values.filter(
        (pl.col("node_type") == node_type)
        & (pl.col("year") == year)
        & (pl.col("indicator") == indicator)
        & pl.col("value").is_not_null()
    ).select("node", "value")
    return {str(k): float(v) for k, v in rows.iter_rows()}


def _members(structure: object, scope_units: Sequence[str], by: str, year: int) -> dict[str, str]:
    """Member id -> its unit: the scope's units, or their top-level groups in ``year``."""
    if by == "unit":
        return {u: u for u in scope_units}
    snap = structure.at(year)  # type: ignore[attr-defined]
    return {e: u for u in scope_units for e in snap.roots(u) if snap[e].node_type.value == "group"}


def own_targets(plan: Plan) -> dict[tuple[str, str], tuple[float, int]]:
    """``(unit, indicator) -> (target, year)``: the targets set for units themselves, a plugin's
    registered level targets and the plan's ``[[unit_target]]`` tables (these win)."""
    out = {
        (t.scope, t.indicator): (float(t.value), t.year)
        for t in plan.targets
        if t.kind is TargetKind.LEVEL
    }
    out |= {(u.unit, u.indicator): (float(u.value), u.year) for u in plan.unit_targets}
    return out


def unit_target_paths(plan: Plan, method: str = "compound") -> pl.DataFrame:
    """The yearly path of each ``[[unit_target]]`` with a ``base``: ``scope, indicator, year,
    value, method`` (the columns of :func:`soeplan.plan_milestones`), compound or linear."""
    rows = []
    for u in plan.unit_targets:
        if u.base is None:
            continue
        b, t, n = float(u.base), float(u.value), u.year - plan.base_year
        for m in ("compound", "linear") if method == "both" else (method,):
            for k in range(n + 1):
                v = b * (t / b) ** (k / n) if m == "compound" else b + (t - b) * k / n
                rows.append((u.unit, u.indicator, plan.base_year + k, v, m))
    schema = {"scope": pl.String, "indicator": pl.String, "year": pl.Int32, "value": pl.Float64,
              "method": pl.String}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def progress_by_member(
    values: pl.DataFrame, plan: Plan, year: int, structure: object, *, by: str = "unit"
) -> pl.DataFrame:
    """Every amount target of every scope of ``plan``, broken down to its units (``by="unit"``)
    or to the top-level groups of its units (``by="group"``), in ``year``.

    ``values`` is a rollup's long frame (``node, node_type, unit, year, indicator, value``, as
    :attr:`soeplan.consolidation.Rollup.values`); ``structure`` the composed structure (the
    scopes' units, the groups). Returns :data:`BY_MEMBER_SCHEMA`, ranked within each target.
    """
    if by not in ("unit", "group"):
        raise AssessmentError(
            f"cannot break the targets down by {by!r}",
            problems=[Problem("by", f"got {by!r}", "use --by unit or --by group")],
        )
    if year <= plan.base_year:
        raise AssessmentError(
            f"year {year} is not after the base year {plan.base_year}",
            problems=[Problem("year", "nothing to assess yet", f"pass {plan.base_year + 1}+")],
        )
    from soeplan.context import current as registry

    kinds = {code: ind.kind.value for code, ind in registry().indicators.items()}
    published = {(f.scope, f.indicator, f.year): float(f.value) for f in plan.figures}
    own = own_targets(plan)
    scopes = getattr(structure, "scopes", {})
    records: list[dict[str, object]] = []
    for t in plan.targets:
        if t.kind is not TargetKind.LEVEL or kinds.get(t.indicator) != "amount":
            continue
        if t.scope not in scopes:
            continue
        base_year = t.base_year or plan.base_year
        scope_base = _pick(values, "scope", base_year, t.indicator).get(t.scope)
        scope_base = scope_base or published.get((t.scope, t.indicator, base_year))
        if not scope_base or scope_base <= 0:
            continue
        n = t.year - base_year
        required = float(cagr(scope_base, float(t.value), n))
        members = _members(structure, scopes[t.scope].units, by, year)
        kind = "unit" if by == "unit" else "group"
        bases = _pick(values, kind, base_year, t.indicator)
        now = _pick(values, kind, year, t.indicator)
        pairs = {m: (bases[m], now[m]) for m in members if m in bases and m in now}
        own_req: dict[str, float] = {}
        own_value: dict[str, float] = {}
        for m, (b, _c) in pairs.items():
            ot = own.get((m, t.indicator))
            if ot is not None and b > 0 and ot[0] > 0 and ot[1] > base_year:
                own_req[m] = float(cagr(b, ot[0], ot[1] - base_year))
                own_value[m] = ot[0]
        for r in member_rows(
            pairs, required=required, years=year - base_year, own_required=own_req
        ):
            records.append(
                {
                    "scope": t.scope,
                    "indicator": t.indicator,
                    "by": by,
                    "member": r.member,
                    "unit": members[r.member],
                    "base": r.base,
                    "current": r.current,
                    "actual_rate": r.actual_rate,
                    "required_rate": r.required_rate,
                    "own_target": own_value.get(r.member),
                    "ratio": r.ratio,
                    "path_value": r.path_value,
                    "shortfall": r.shortfall,
                    "gap_share": r.gap_share,
                    "rank": r.rank,
                    "lagging": r.lagging,
                }
            )
    return (
        pl.DataFrame(records, schema=BY_MEMBER_SCHEMA)
        if records
        else (pl.DataFrame(schema=BY_MEMBER_SCHEMA))
    )
