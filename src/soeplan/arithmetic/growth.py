"""Growth arithmetic: CAGR, total growth, required growth, compounding and interpolation.

Every function takes plain numbers **or** polars expressions. Given only numbers it returns a
``float``; given at least one :class:`polars.Expr` it returns an expression (the numbers become
literals), so the same arithmetic runs on one value or over a whole frame.

Where a result is undefined the function does not raise: a float result is ``nan`` and an
expression result is ``null`` (polars' missing value). A result is undefined:

- ``cagr(start, end, years)``: when ``start <= 0``, ``end < 0`` or ``years <= 0``;
- ``total_growth(start, end)``: when ``start <= 0``;
- ``required_growth(current, target, years_left)``: as ``cagr`` (so also once the target
  year has come, ``years_left <= 0``);
- ``compound(value, rate, years)``: when ``rate < -1``, or ``rate == -1`` with ``years < 0``;
- ``annual_change(start, end, years)`` and ``interpolate(start, end, years, elapsed)``: when
  ``years <= 0``;
- ``compound_path(start, end, years, elapsed)``: as ``cagr``.

A ``nan`` input gives ``nan`` and a ``null`` input ``null``; ``0 ** negative`` is ``inf``, as
in IEEE 754 arithmetic. Growth from a zero or negative base has
no meaning as a rate (a loss that halves is not "−50 % growth"): use the straight-line functions
(:func:`annual_change`, :func:`interpolate`) for such series.

>>> from soeplan.arithmetic.growth import cagr, compound
>>> rate = cagr(2090.49, 4000, 5)          # city-wide total assets, 2020 → 2025 target
>>> round(rate, 6)
0.138577
>>> round(compound(2090.49, rate, 1), 2)   # the 2021 milestone
2380.18
"""

from __future__ import annotations

import math
from typing import overload

import polars as pl

__all__ = [
    "Number",
    "annual_change",
    "cagr",
    "compound",
    "compound_path",
    "interpolate",
    "required_growth",
    "total_growth",
]

#: A plain number or a polars expression.
Number = float | pl.Expr


def _floats(*values: Number) -> tuple[float, ...] | None:
    """The values as floats, or None when any of them is an expression."""
    out = []
    for v in values:
        if isinstance(v, pl.Expr):
            return None
        out.append(float(v))
    return tuple(out)


def _expr(value: Number) -> pl.Expr:
    return value if isinstance(value, pl.Expr) else pl.lit(float(value), dtype=pl.Float64)


def _pow(x: float, y: float) -> float:
    """``x ** y`` for ``x >= 0`` as IEEE 754 (and polars) have it: ``inf``, never an exception."""
    if x == 0 and y < 0:  # IEEE 754 pow: -0.0 to a negative odd integer power is -inf
        odd = float(y).is_integer() and int(y) % 2 == 1
        return math.copysign(math.inf, x) if odd else math.inf
    try:
        return float(x**y)
    except OverflowError:
        return math.inf


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


@overload
def cagr(start: float, end: float, years: float) -> float: ...  # type: ignore[overload-overlap]
@overload
def cagr(start: Number, end: Number, years: Number) -> pl.Expr: ...
def cagr(start: Number, end: Number, years: Number) -> Number:
    """Compound annual growth rate (年均增长率) from ``start`` to ``end`` over ``years`` years.

    ``(end / start) ** (1 / years) - 1``; undefined when ``start <= 0``, ``end < 0`` or
    ``years <= 0``.

    >>> round(cagr(920.12, 2090.49, 5), 4)   # Table 1: 17.84 %
    0.1784
    >>> cagr(0, 3, 5)
    nan
    """
    fs = _floats(start, end, years)
    if fs is None:
        s, e, n = _expr(start), _expr(end), _expr(years)
        ok = (s > 0) & (e >= 0) & (n > 0)
        return pl.when(ok).then((e / s).pow(1.0 / n) - 1.0).otherwise(None)
    s_, e_, n_ = fs
    if not _finite(s_, e_, n_) or s_ <= 0 or e_ < 0 or n_ <= 0:
        return math.nan
    return _pow(e_ / s_, 1.0 / n_) - 1.0


@overload
def total_growth(start: float, end: float) -> float: ...  # type: ignore[overload-overlap]
@overload
def total_growth(start: Number, end: Number) -> pl.Expr: ...
def total_growth(start: Number, end: Number) -> Number:
    """Total growth (总体增长率) from ``start`` to ``end``: ``end / start - 1``.

    Undefined when ``start <= 0``.

    >>> round(total_growth(2090.49, 4000), 4)   # Table 2: 91.34 %
    0.9134
    """
    fs = _floats(start, end)
    if fs is None:
        s, e = _expr(start), _expr(end)
        return pl.when(s > 0).then(e / s - 1.0).otherwise(None)
    s_, e_ = fs
    if not _finite(s_, e_) or s_ <= 0:
        return math.nan
    return e_ / s_ - 1.0


@overload
def required_growth(current: float, target: float, years_left: float) -> float: ...  # type: ignore[overload-overlap]
@overload
def required_growth(current: Number, target: Number, years_left: Number) -> pl.Expr: ...
def required_growth(current: Number, target: Number, years_left: Number) -> Number:
    """The compound annual growth still needed to go from ``current`` to ``target``.

    The same arithmetic as :func:`cagr`, read forward: undefined when ``current <= 0``,
    ``target < 0`` or ``years_left <= 0`` (the target year has come).

    >>> round(required_growth(2090.49, 4000, 5), 4)
    0.1386
    """
    return cagr(current, target, years_left)


@overload
def compound(value: float, rate: float, years: float) -> float: ...  # type: ignore[overload-overlap]
@overload
def compound(value: Number, rate: Number, years: Number) -> pl.Expr: ...
def compound(value: Number, rate: Number, years: Number) -> Number:
    """The value ``value`` reaches after ``years`` years at the annual rate ``rate``.

    ``value * (1 + rate) ** years``; undefined when ``rate < -1`` (a base below zero), or when
    ``rate == -1`` and ``years < 0``.

    >>> round(compound(100, 0.1, 2), 6)
    121.0
    """
    fs = _floats(value, rate, years)
    if fs is None:
        v, r, n = _expr(value), _expr(rate), _expr(years)
        base = 1.0 + r
        ok = (base > 0) | ((base == 0) & (n >= 0))
        return pl.when(ok).then(v * base.pow(n)).otherwise(None)
    v_, r_, n_ = fs
    b_ = 1.0 + r_
    if not _finite(v_, r_, n_) or b_ < 0 or (b_ == 0 and n_ < 0):
        return math.nan
    return v_ * _pow(b_, n_)


@overload
def annual_change(start: float, end: float, years: float) -> float: ...  # type: ignore[overload-overlap]
@overload
def annual_change(start: Number, end: Number, years: Number) -> pl.Expr: ...
def annual_change(start: Number, end: Number, years: Number) -> Number:
    """Average change per year in the indicator's own unit: ``(end - start) / years``.

    The straight-line counterpart of :func:`cagr`; defined for any signs, undefined when
    ``years <= 0``.

    >>> annual_change(-2.0, 8.0, 5)
    2.0
    """
    fs = _floats(start, end, years)
    if fs is None:
        s, e, n = _expr(start), _expr(end), _expr(years)
        return pl.when(n > 0).then((e - s) / n).otherwise(None)
    s_, e_, n_ = fs
    if not _finite(s_, e_, n_) or n_ <= 0:
        return math.nan
    return (e_ - s_) / n_


@overload
def interpolate(start: float, end: float, years: float, elapsed: float) -> float: ...  # type: ignore[overload-overlap]
@overload
def interpolate(start: Number, end: Number, years: Number, elapsed: Number) -> pl.Expr: ...
def interpolate(start: Number, end: Number, years: Number, elapsed: Number) -> Number:
    """Straight-line interpolation: the value ``elapsed`` years along a ``years``-year line.

    ``start + (end - start) * elapsed / years``; undefined when ``years <= 0``. ``elapsed``
    outside ``[0, years]`` extrapolates.

    >>> interpolate(0.2024, 0.2250, 5, 5) == 0.2250
    True
    >>> round(interpolate(3, 8, 5, 1), 6)
    4.0
    """
    fs = _floats(start, end, years, elapsed)
    if fs is None:
        s, e, n, k = _expr(start), _expr(end), _expr(years), _expr(elapsed)
        return pl.when(n <= 0).then(None).when(k == n).then(e).otherwise(s + (e - s) * (k / n))
    s_, e_, n_, k_ = fs
    if not _finite(s_, e_, n_, k_) or n_ <= 0:
        return math.nan
    if k_ == n_:
        return e_
    return s_ + (e_ - s_) * (k_ / n_)


@overload
def compound_path(start: float, end: float, years: float, elapsed: float) -> float: ...  # type: ignore[overload-overlap]
@overload
def compound_path(start: Number, end: Number, years: Number, elapsed: Number) -> pl.Expr: ...
def compound_path(start: Number, end: Number, years: Number, elapsed: Number) -> Number:
    """The value ``elapsed`` years along the constant-rate path from ``start`` to ``end``.

    ``start * (end / start) ** (elapsed / years)``, exactly ``end`` when ``elapsed == years``;
    undefined where :func:`cagr` is.

    >>> round(compound_path(2090.49, 4000, 5, 1), 2)
    2380.18
    """
    fs = _floats(start, end, years, elapsed)
    if fs is None:
        s, e, n, k = _expr(start), _expr(end), _expr(years), _expr(elapsed)
        ok = (s > 0) & (e >= 0) & (n > 0)
        return pl.when(~ok).then(None).when(k == n).then(e).otherwise(s * (e / s).pow(k / n))
    s_, e_, n_, k_ = fs
    if not _finite(s_, e_, n_, k_) or s_ <= 0 or e_ < 0 or n_ <= 0:
        return math.nan
    if k_ == n_:
        return e_
    return s_ * _pow(e_ / s_, k_ / n_)
