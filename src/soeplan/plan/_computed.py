"""Figures computed from a plan's inputs: ratios and growth rates.

Each computed figure comes as an exact Decimal (from the inputs as printed, at
:data:`~soeplan.arithmetic.precision.PRECISION` digits) and as the interval of values it can take when every
input is anywhere inside its printed precision. The tables print the first; ``check-plan``
reasons with the second.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, localcontext

import attrs

from soeplan.arithmetic.precision import (
    PRECISION,
    Interval,
    interval_cagr,
    interval_ratio,
    interval_total_growth,
)
from soeplan.indicators import Indicator, Kind
from soeplan.plan.model import GrowthKind, Plan, TargetKind


@attrs.frozen
class Computed:
    """A figure computed from the plan: its value, its achievable interval, and its inputs."""

    value: Decimal
    interval: Interval
    #: The inputs as ``(label, printed value)``, e.g. ``("net_profit 2015", Decimal("8.83"))``.
    inputs: tuple[tuple[str, Decimal], ...]
    #: Whether every input is exact (a target) rather than a printed, rounded figure.
    exact: bool = False


def _input(plan: Plan, scope: str, code: str, year: int) -> tuple[Decimal, Interval, bool] | None:
    """An input value: a published figure (rounded, ± half an ulp) or a level target (exact)."""
    fig = plan.figure(scope, code, year)
    if fig is not None:
        return fig.value, Interval.printed(fig.value), False
    target = plan.find_target(scope, code)
    if target is not None and target.year == year and target.kind is TargetKind.LEVEL:
        return target.value, Interval.point(target.value), True
    return None


def computed_ratio(
    plan: Plan, indicators: Mapping[str, Indicator], scope: str, code: str, year: int
) -> Computed | None:
    """A ratio indicator recomputed from its components, or ``None`` if they are missing."""
    ind = indicators.get(code)
    if ind is None or ind.formula is None:
        return None
    num = _input(plan, scope, ind.formula.numerator, year)
    den = _input(plan, scope, ind.formula.denominator, year)
    if num is None or den is None or den[0] == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = PRECISION
        value = num[0] / den[0]
        if ind.formula.one_minus:
            value = 1 - value
    try:
        interval = interval_ratio(num[1], den[1], one_minus=ind.formula.one_minus)
    except ZeroDivisionError:
        return None
    inputs = (
        (f"{ind.formula.numerator} {year}", num[0]),
        (f"{ind.formula.denominator} {year}", den[0]),
    )
    return Computed(value, interval, inputs, num[2] and den[2])


def computed_growth(
    plan: Plan, scope: str, code: str, kind: GrowthKind, start: int, end: int
) -> Computed | None:
    """Growth of an indicator from ``start`` to ``end``: ``None`` if an input is missing or
    the growth is undefined (a start value of zero, or a sign change for a CAGR)."""
    a = _input(plan, scope, code, start)
    b = _input(plan, scope, code, end)
    if a is None or b is None or a[0] == 0 or end <= start:
        return None
    years = end - start
    with localcontext() as ctx:
        ctx.prec = PRECISION
        r = b[0] / a[0]
        if kind is GrowthKind.TOTAL:
            value = r - 1
        else:
            if r <= 0:
                return None
            value = r ** (Decimal(1) / Decimal(years)) - 1
    try:
        if kind is GrowthKind.TOTAL:
            interval = interval_total_growth(a[1], b[1])
        else:
            interval = interval_cagr(a[1], b[1], years)
    except (ZeroDivisionError, ValueError):
        return None
    inputs = ((f"{code} {start}", a[0]), (f"{code} {end}", b[0]))
    return Computed(value, interval, inputs, a[2] and b[2])


def has_growth(ind: Indicator) -> bool:
    """Whether the document prints growth for this kind of indicator (amounts; not ratios, counts)."""
    return ind.kind is Kind.AMOUNT
