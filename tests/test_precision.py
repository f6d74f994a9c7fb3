"""Interval arithmetic: an interval contains every value its inputs can give."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from soeplan.arithmetic.precision import (
    Interval,
    half_ulp,
    interval_cagr,
    interval_div,
    interval_ratio,
    interval_total_growth,
    published_interval,
)
from soeplan.arithmetic.rounding import Rounding, round_decimal

# A printed positive amount with 0 to 3 decimals, like the plan's figures.
printed = st.builds(
    lambda n, e: Decimal(n).scaleb(-e),
    st.integers(min_value=1, max_value=10**7),
    st.integers(min_value=0, max_value=3),
)
fraction = st.fractions(min_value=0, max_value=1)


def inside(value: Decimal, t: Fraction) -> Decimal:
    """A point of the printed interval of ``value``: lo + t * width."""
    iv = Interval.printed(value)
    with localcontext() as ctx:
        ctx.prec = 80
        return iv.lo + iv.width * Decimal(t.numerator) / Decimal(t.denominator)


def exact(fn: Callable[[], Decimal]) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return fn()


@given(printed, printed, fraction, fraction, st.booleans())
def test_ratio_interval_contains_every_ratio_of_inputs(
    n: Decimal, d: Decimal, s: Fraction, t: Fraction, one_minus: bool
) -> None:
    iv = interval_ratio(Interval.printed(n), Interval.printed(d), one_minus=one_minus)
    x, y = inside(n, s), inside(d, t)
    assume(y > 0)
    value = exact(lambda: 1 - x / y if one_minus else x / y)
    assert iv.contains(value)


@given(printed, printed, fraction, fraction)
def test_total_growth_interval_contains_every_growth(
    a: Decimal, b: Decimal, s: Fraction, t: Fraction
) -> None:
    assume(Interval.printed(a).lo > 0)
    iv = interval_total_growth(Interval.printed(a), Interval.printed(b))
    x, y = inside(a, s), inside(b, t)
    assert iv.contains(exact(lambda: y / x - 1))


@given(printed, printed, fraction, fraction, st.integers(min_value=1, max_value=30))
def test_cagr_interval_contains_every_cagr(
    a: Decimal, b: Decimal, s: Fraction, t: Fraction, years: int
) -> None:
    assume(Interval.printed(a).lo > 0 and Interval.printed(b).lo > 0)
    iv = interval_cagr(Interval.printed(a), Interval.printed(b), years)
    x, y = inside(a, s), inside(b, t)
    assert iv.contains(exact(lambda: (y / x) ** (Decimal(1) / Decimal(years)) - 1))
    # and it is tight: no wider than the spread of the endpoints' own values, plus slack
    lo_val = exact(
        lambda: (Interval.printed(b).lo / Interval.printed(a).hi) ** (Decimal(1) / years) - 1
    )
    assert iv.lo <= lo_val and lo_val - iv.lo < Decimal("1e-30")


@given(
    st.decimals(min_value=Decimal("-1000"), max_value=Decimal("1000"), places=6),
    st.integers(min_value=0, max_value=4),
    st.sampled_from(list(Rounding)),
)
def test_published_interval_contains_what_prints_as_the_figure(
    value: Decimal, places: int, mode: Rounding
) -> None:
    figure = round_decimal(value, places, mode)
    assert published_interval(figure, mode).contains(value)


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000"), places=2),
    st.sampled_from(list(Rounding)),
)
def test_published_interval_has_the_width_of_one_ulp(figure: Decimal, mode: Rounding) -> None:
    iv = published_interval(figure, mode)
    assert iv.width == 2 * half_ulp(figure)
    assert iv.contains(figure)


def test_the_seed_figures_half_up_does_not_reproduce_are_explained() -> None:
    half_up = Rounding.HALF_UP
    net = interval_cagr(Interval.printed(Decimal("8.83")), Interval.printed(Decimal("12.26")), 5)
    assert net.meets(published_interval(Decimal("0.0679"), half_up))
    assert not net.meets(published_interval(Decimal("0.0681"), half_up))
    profit = interval_cagr(Interval.printed(Decimal("8.76")), Interval.printed(Decimal("15.94")), 5)
    assert profit.meets(published_interval(Decimal("0.1271"), half_up))
    assert not profit.meets(published_interval(Decimal("0.1275"), half_up))


def test_division_by_an_interval_around_zero_is_refused() -> None:
    with pytest.raises(ZeroDivisionError, match="contains zero"):
        interval_div(Interval.point(1), Interval(Decimal(-1), Decimal(1)))
    with pytest.raises(ValueError, match="undefined"):
        interval_cagr(Interval.point(1), Interval(Decimal(-2), Decimal(-1)), 5)
    with pytest.raises(ValueError, match="empty interval"):
        Interval(Decimal(2), Decimal(1))


def test_printed_interval_follows_the_printed_decimals() -> None:
    assert Interval.printed(Decimal("8.83")) == Interval(Decimal("8.825"), Decimal("8.835"))
    assert Interval.printed(Decimal("4000")) == Interval(Decimal("3999.5"), Decimal("4000.5"))
    assert published_interval(Decimal("0"), Rounding.TRUNCATE).contains(Decimal("-0.5"))
    assert published_interval(Decimal("-1.2"), Rounding.TRUNCATE) == Interval(
        Decimal("-1.3"), Decimal("-1.2")
    )
