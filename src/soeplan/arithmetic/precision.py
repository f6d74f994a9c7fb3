"""Interval arithmetic on Decimals: what a figure computed from printed inputs can be.

A number printed as ``8.83`` stands for anything in ``[8.825, 8.835)``; a figure computed from
such inputs (a ratio, a growth rate) can be anything in an interval, and a published figure is
consistent with its inputs when that interval meets the interval the published figure stands for
under its column's rounding convention (:func:`published_interval`). The functions here compute
those intervals with outward (directed) rounding, so an interval always contains every value the
formula takes for inputs inside the input intervals.

Intervals are closed: a half-open interval such as ``[8.825, 8.835)`` is held as its closure.
That errs on the side of explaining a figure (a value exactly on a boundary counts), never on the
side of accusing one.

>>> from decimal import Decimal
>>> from soeplan.arithmetic.precision import Interval, interval_cagr, published_interval
>>> from soeplan.arithmetic.rounding import Rounding
>>> start, end = Interval.printed(Decimal("8.83")), Interval.printed(Decimal("12.26"))
>>> achievable = interval_cagr(start, end, 5)
>>> print(achievable.percent_text())
[6.7631%, 6.8048%]
>>> achievable.meets(published_interval(Decimal("0.0679"), Rounding.HALF_UP))
True
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

import attrs

from soeplan.arithmetic.rounding import Rounding

#: Working precision (significant digits) of interval computations.
PRECISION = 60
#: Relative widening applied to the result of a non-integral power, whose last digit the decimal
#: module only "almost always" rounds correctly: far below any printed precision.
_POW_SLACK = Decimal("1e-45")


def _down(fn: Callable[[], Decimal]) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        ctx.rounding = ROUND_FLOOR
        return +fn()


def _up(fn: Callable[[], Decimal]) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        ctx.rounding = ROUND_CEILING
        return +fn()


def half_ulp(value: Decimal) -> Decimal:
    """Half a unit in the last place of a printed decimal (``8.83`` → ``0.005``)."""
    exp = value.as_tuple().exponent
    if not isinstance(exp, int):
        raise ValueError(f"{value} is not a finite number")
    return Decimal(5).scaleb(exp - 1)


@attrs.frozen
class Interval:
    """A closed interval ``[lo, hi]`` of Decimals."""

    lo: Decimal
    hi: Decimal

    def __attrs_post_init__(self) -> None:
        if self.lo > self.hi:
            raise ValueError(f"empty interval [{self.lo}, {self.hi}]")

    @classmethod
    def point(cls, value: Decimal | int) -> Interval:
        """An exactly known value (a target the plan sets, a count)."""
        d = Decimal(value)
        return cls(d, d)

    @classmethod
    def printed(cls, value: Decimal) -> Interval:
        """What a number printed with ``value``'s decimals stands for: ``value ± half an ulp``.

        >>> Interval.printed(Decimal("8.83"))
        Interval(lo=Decimal('8.825'), hi=Decimal('8.835'))
        """
        h = half_ulp(value)
        return cls(_down(lambda: value - h), _up(lambda: value + h))

    def contains(self, value: Decimal) -> bool:
        return self.lo <= value <= self.hi

    def meets(self, other: Interval) -> bool:
        """Whether the two intervals share at least one value."""
        return self.lo <= other.hi and other.lo <= self.hi

    @property
    def width(self) -> Decimal:
        return self.hi - self.lo

    def percent_text(self, places: int = 4) -> str:
        """The interval in percent, bounds rounded outward: ``[6.7631%, 6.8048%]``."""
        q = Decimal(1).scaleb(-places)
        lo = self.lo.scaleb(2).quantize(q, rounding=ROUND_FLOOR)
        hi = self.hi.scaleb(2).quantize(q, rounding=ROUND_CEILING)
        return f"[{lo}%, {hi}%]"


def published_interval(value: Decimal, mode: Rounding) -> Interval:
    """The values that print as ``value`` (with its decimals) under a rounding convention.

    Half-up: ``[p − ½ulp, p + ½ulp)``; truncation toward zero: ``[p, p + ulp)`` for a positive
    figure, ``(p − ulp, p]`` for a negative one, ``(−ulp, ulp)`` for zero. Returned closed.

    >>> published_interval(Decimal("0.5457"), Rounding.TRUNCATE)
    Interval(lo=Decimal('0.5457'), hi=Decimal('0.54580'))
    """
    h = half_ulp(value)
    if mode is Rounding.HALF_UP:
        return Interval(_down(lambda: value - h), _up(lambda: value + h))
    ulp = 2 * h
    if value > 0:
        return Interval(value, _up(lambda: value + ulp))
    if value < 0:
        return Interval(_down(lambda: value - ulp), value)
    return Interval(-ulp, ulp)


def interval_sub(a: Interval, b: Interval) -> Interval:
    return Interval(_down(lambda: a.lo - b.hi), _up(lambda: a.hi - b.lo))


def interval_div(a: Interval, b: Interval) -> Interval:
    """``a / b`` for every ``a`` and ``b`` in the intervals; ``b`` must not contain zero."""
    if b.lo <= 0 <= b.hi:
        raise ZeroDivisionError(f"the divisor interval [{b.lo}, {b.hi}] contains zero")
    corners = [(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
    lo = min(_down(lambda x=x, y=y: x / y) for x, y in corners)  # type: ignore[misc]
    hi = max(_up(lambda x=x, y=y: x / y) for x, y in corners)  # type: ignore[misc]
    return Interval(lo, hi)


def interval_ratio(
    numerator: Interval, denominator: Interval, *, one_minus: bool = False
) -> Interval:
    """A ratio indicator, ``n / d`` or ``1 − n / d`` (the debt ratio)."""
    r = interval_div(numerator, denominator)
    return interval_sub(Interval.point(1), r) if one_minus else r


def interval_total_growth(start: Interval, end: Interval) -> Interval:
    """Total growth ``end / start − 1`` (总体增长率)."""
    return interval_sub(interval_div(end, start), Interval.point(1))


def interval_cagr(start: Interval, end: Interval, years: int) -> Interval:
    """Average annual growth ``(end / start) ** (1 / years) − 1`` (年均增长率).

    Raises ``ValueError`` when ``end / start`` can be zero or negative (no real CAGR).
    """
    if years <= 0:
        raise ValueError(f"a growth period must be at least one year, got {years}")
    r = interval_div(end, start)
    if r.lo <= 0:
        raise ValueError("average annual growth is undefined when the values change sign")
    # The exponent 1/years is computed at the working precision too (1/3 is inexact): its error
    # and the power's last-digit error are far inside the relative slack.
    lo = _down(lambda: r.lo ** (Decimal(1) / Decimal(years)) * (1 - _POW_SLACK))
    hi = _up(lambda: r.hi ** (Decimal(1) / Decimal(years)) * (1 + _POW_SLACK))
    return interval_sub(Interval(lo, hi), Interval.point(1))
