"""What the core's validation rules share: where a finding points, how its numbers print, and
the observations of a submission by entity and indicator."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import polars as pl

from soeplan.arithmetic.precision import half_ulp
from soeplan.rules import RuleContext

#: The key of an observation: one figure per unit, entity, year and indicator.
KEY = ("unit", "entity", "year", "indicator")


def _where(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: r.get(k) for k in ("file", "sheet", "cell", "row", "unit", "entity", "indicator", "year")
    }


def _label(ctx: RuleContext, code: str | None) -> tuple[str, str]:
    ind = ctx.indicators.get(code or "")
    if ind is None:
        return (code or "?", code or "?")
    return (ind.name_zh, ind.name_en)


def _loc(r: Mapping[str, Any]) -> str:
    if r.get("sheet") and r.get("cell"):
        return f"{r['sheet']}!{r['cell']}"
    if r.get("row") is not None:
        return f"row {r['row']}"
    return ""


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    if math.isfinite(x) and float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def _pct(x: float) -> str:
    return f"{x * 100:.2f}%"


def _written_half_ulp(x: float) -> float:
    """Half a unit in the last decimal place of ``x`` as written (``8.83`` → 0.005; ``920`` → 0.5).

    :func:`soeplan.arithmetic.precision.half_ulp` of the shortest decimal that reads back as ``x``,
    taken at most to the unit (a whole number is known to ±0.5); 0 for a number that is not finite.
    """
    if not math.isfinite(x):
        return 0.0
    exp = Decimal(repr(float(x))).normalize().as_tuple().exponent
    assert isinstance(exp, int)
    return float(half_ulp(Decimal((0, (1,), min(exp, 0)))))


def _values(ctx: RuleContext) -> pl.DataFrame:
    """Rows with a number (finite or not) and a complete key."""
    return ctx.observations.filter(
        pl.col("value").is_not_null()
        & pl.col("entity").is_not_null()
        & pl.col("indicator").is_not_null()
    )


def _wide(ctx: RuleContext) -> dict[str, dict[str, dict[str, Any]]]:
    """entity → indicator → observation row (the first, if duplicated)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for r in _values(ctx).iter_rows(named=True):
        if r["value"] is None or not math.isfinite(r["value"]):
            continue
        out.setdefault(r["entity"], {}).setdefault(r["indicator"], r)
    return out


def prior_values(ctx: RuleContext) -> dict[tuple[str, str], float]:
    """Last year's accepted figures (``ctx.prior``) by (entity, indicator)."""
    out: dict[tuple[str, str], float] = {}
    if ctx.prior is None:
        return out
    for pr in ctx.prior.iter_rows(named=True):
        if pr.get("value") is not None and pr.get("entity") and pr.get("indicator"):
            out[(pr["entity"], pr["indicator"])] = pr["value"]
    return out
