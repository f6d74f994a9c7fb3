"""The edges of the growth and interval arithmetic that a full mutation run found unpinned.

Each test names the edge: an infinite input in each position, a single argument given as an
expression, a base of exactly zero, intervals that only touch, a divisor interval that reaches
zero from either side, a ratio of exactly zero, and the outward slack of an interval root.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import Any

import polars as pl
import pytest

from soeplan.arithmetic.growth import (
    annual_change,
    cagr,
    compound,
    compound_path,
    interpolate,
    total_growth,
)
from soeplan.arithmetic.precision import (
    Interval,
    interval_cagr,
    interval_div,
    interval_ratio,
)

#: each function with defined, finite arguments; interpolate and compound_path twice, once
#: before and once at the end of the period (the end year returns ``end`` on its own branch)
DEFINED: list[tuple[Callable[..., Any], tuple[float, ...]]] = [
    (cagr, (1.0, 2.0, 5.0)),
    (total_growth, (1.0, 2.0)),
    (compound, (10.0, 0.1, 2.0)),
    (annual_change, (1.0, 2.0, 5.0)),
    (interpolate, (1.0, 2.0, 5.0, 1.0)),
    (interpolate, (1.0, 2.0, 5.0, 5.0)),
    (compound_path, (1.0, 2.0, 5.0, 1.0)),
    (compound_path, (1.0, 2.0, 5.0, 5.0)),
]


@pytest.mark.parametrize("infinity", [math.inf, -math.inf])
@pytest.mark.parametrize(("fn", "args"), DEFINED)
def test_an_infinite_argument_in_any_position_gives_nan(
    fn: Callable[..., Any], args: tuple[float, ...], infinity: float
) -> None:
    """An infinite start, end, rate, period or elapsed time has no growth figure: ``nan``,
    not the ``-1``, ``0`` or ``inf`` that plain arithmetic on it would give."""
    for i in range(len(args)):
        given = (*args[:i], infinity, *args[i + 1 :])
        assert math.isnan(fn(*given)), (fn.__name__, given)


@pytest.mark.parametrize(("fn", "args"), DEFINED)
def test_any_subset_of_arguments_may_be_expressions(
    fn: Callable[..., Any], args: tuple[float, ...]
) -> None:
    """``cagr(10.0, 20.0, pl.col("n"))``: numbers beside one expression become literals, so
    every mix of numbers and columns gives the float function's value."""
    want = fn(*args)
    frame = pl.DataFrame({f"a{i}": [v] for i, v in enumerate(args)})
    for size in range(1, len(args) + 1):
        for cols in itertools.combinations(range(len(args)), size):
            mixed = [pl.col(f"a{i}") if i in cols else v for i, v in enumerate(args)]
            got = frame.select(fn(*mixed).alias("r"))["r"].item()
            assert got == pytest.approx(want, rel=1e-12), (fn.__name__, cols)


@pytest.mark.parametrize(
    ("years", "want"),
    [(0.0, 5.0), (0.5, 0.0), (3.0, 0.0), (-1.0, None)],
)
def test_compounding_at_minus_100_percent(years: float, want: float | None) -> None:
    """A rate of −100 % leaves a base of zero: zero after any time, the value itself after no
    time (``0 ** 0 == 1``), undefined backwards in time; the same on both paths."""
    got_float = compound(5.0, -1.0, years)
    if want is None:
        assert math.isnan(got_float)
    else:
        assert got_float == want
    frame = pl.DataFrame({"v": [5.0], "r": [-1.0], "n": [years]})
    got = frame.select(compound(pl.col("v"), pl.col("r"), pl.col("n")).alias("x"))["x"].item()
    assert got == want


def test_intervals_that_only_touch_meet() -> None:
    a = Interval(Decimal(1), Decimal(2))
    b = Interval(Decimal(2), Decimal(3))
    assert a.meets(b) and b.meets(a)
    assert not a.meets(Interval(Decimal("2.0001"), Decimal(3)))


@pytest.mark.parametrize(
    "divisor",
    [
        Interval(Decimal(0), Decimal(1)),
        Interval(Decimal(-1), Decimal(0)),
        Interval(Decimal(0), Decimal(0)),
        Interval(Decimal(-1), Decimal(1)),
    ],
)
def test_a_divisor_interval_that_reaches_zero_is_refused(divisor: Interval) -> None:
    with pytest.raises(ZeroDivisionError, match="contains zero"):
        interval_div(Interval.point(1), divisor)


def test_a_ratio_is_n_over_d_unless_asked_for_one_minus() -> None:
    ratio = interval_ratio(Interval.point(1), Interval.point(4))
    assert ratio == Interval(Decimal("0.25"), Decimal("0.25"))
    assert interval_ratio(Interval.point(1), Interval.point(4), one_minus=True) == Interval(
        Decimal("0.75"), Decimal("0.75")
    )


def test_a_growth_period_of_zero_years_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one year"):
        interval_cagr(Interval.point(1), Interval.point(2), 0)


def test_an_end_that_can_be_zero_has_no_average_growth() -> None:
    with pytest.raises(ValueError, match="change sign"):
        interval_cagr(Interval.point(1), Interval(Decimal(0), Decimal(1)), 3)


def test_the_interval_cagr_contains_the_true_root() -> None:
    """The cube root of 2 is inexact: the bounds are pushed outward, so the interval holds the
    value computed at twice the working precision."""
    got = interval_cagr(Interval.point(1), Interval.point(2), 3)
    with localcontext() as ctx:
        ctx.prec = 120
        true = Decimal(2) ** (Decimal(1) / Decimal(3)) - 1
    assert got.lo < true < got.hi
