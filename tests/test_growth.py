from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import soeplan
from soeplan.arithmetic.growth import (
    annual_change,
    cagr,
    compound,
    compound_path,
    interpolate,
    required_growth,
    total_growth,
)
from soeplan.plan.model import GrowthKind

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
years = st.integers(min_value=1, max_value=30)


def test_city_total_assets_compound_path_passes_2380_18_in_2021() -> None:
    rate = cagr(2090.49, 4000, 5)
    assert round(compound(2090.49, rate, 1), 2) == 2380.18
    assert round(compound_path(2090.49, 4000, 5, 1), 2) == 2380.18


def test_published_cagr_and_total_growth_are_reproduced() -> None:
    """Every growth figure the plan prints is reproduced from its printed inputs (to 0.01 pp)."""
    plan = soeplan.load_plan("quzhou-14th")
    checked = 0
    for g in plan.growth:
        start = plan.figure(g.scope, g.indicator, g.start_year)
        assert start is not None
        end_fig = plan.figure(g.scope, g.indicator, g.end_year)
        target = plan.target(g.scope, g.indicator)
        end = float(end_fig.value) if end_fig is not None else float(target.value)  # type: ignore[union-attr]
        n = g.end_year - g.start_year
        got = (
            cagr(float(start.value), end, n)
            if g.kind is GrowthKind.CAGR
            else total_growth(float(start.value), end)
        )
        # Printed to 0.01 pp, rounded half-up or cut off (截尾) depending on the column, from
        # inputs that are themselves rounded: within one unit of the last place.
        assert abs(got - float(g.value)) < 0.0001 + 2e-5, (g, got)
        checked += 1
    assert checked >= 30


@pytest.mark.parametrize(
    ("fn", "args"),
    [
        (cagr, (0.0, 3.0, 5.0)),  # zero base
        (cagr, (-1.0, 3.0, 5.0)),  # negative base
        (cagr, (1.0, -3.0, 5.0)),  # negative end
        (cagr, (1.0, 3.0, 0.0)),  # zero years
        (total_growth, (0.0, 3.0)),
        (total_growth, (-2.0, 3.0)),
        (required_growth, (10.0, 20.0, 0.0)),  # the target year has come
        (compound, (10.0, -1.5, 2.0)),  # a rate below -100 %
        (compound, (10.0, -1.0, -1.0)),  # back from zero
        (annual_change, (1.0, 2.0, 0.0)),
        (interpolate, (1.0, 2.0, 0.0, 1.0)),
        (compound_path, (0.0, 2.0, 5.0, 1.0)),
    ],
)
def test_undefined_cases_give_nan_for_floats_and_null_for_expressions(
    fn: Callable[..., Any], args: tuple[float, ...]
) -> None:
    assert math.isnan(fn(*args))
    frame = pl.DataFrame({f"a{i}": [v] for i, v in enumerate(args)})
    got = frame.select(fn(*(pl.col(f"a{i}") for i in range(len(args)))).alias("r"))["r"]
    assert got.to_list() == [None]


def test_nan_in_nan_out() -> None:
    assert math.isnan(cagr(math.nan, 3.0, 5.0))
    assert math.isnan(interpolate(1.0, math.inf, 5.0, 1.0))
    frame = pl.DataFrame({"a": [math.nan, None]}, schema={"a": pl.Float64})
    got = frame.select(cagr(pl.col("a"), 3.0, 5.0).alias("r"))["r"].to_list()
    assert math.isnan(got[0]) and got[1] is None


def test_defined_edge_cases() -> None:
    assert cagr(10.0, 0.0, 5) == -1.0  # a total loss is -100 % a year
    assert compound(10.0, -1.0, 3) == 0.0
    assert compound(10.0, 0.5, 0) == 10.0
    assert annual_change(-2.0, 8.0, 5) == 2.0  # any signs on a straight line
    assert interpolate(-3.0, 7.0, 5, 5) == 7.0
    assert compound_path(3.0, 8.0, 5, 5) == 8.0


def test_mixed_numbers_and_expressions_give_an_expression() -> None:
    frame = pl.DataFrame({"start": [100.0, 50.0]})
    out = frame.select(total_growth(pl.col("start"), 150.0).alias("g"))["g"].to_list()
    assert out == pytest.approx([0.5, 2.0])


@given(start=positive, end=positive, n=years)
def test_cagr_then_compounding_returns_the_end_value(start: float, end: float, n: int) -> None:
    rate = cagr(start, end, n)
    # 1 + rate loses digits when the rate is near -100 %: relative error ~ 1e-16 * start / end
    assert compound(start, rate, n) == pytest.approx(end, rel=1e-6)


@given(current=positive, target=positive, n=years)
def test_compounding_the_required_rate_reaches_the_target(
    current: float, target: float, n: int
) -> None:
    rate = required_growth(current, target, n)
    value = current
    for _ in range(n):
        value = compound(value, rate, 1)
    assert value == pytest.approx(target, rel=1e-6)


@given(
    rows=st.lists(
        st.tuples(
            st.one_of(finite, st.just(0.0)),
            st.one_of(finite, st.just(0.0)),
            st.integers(min_value=-2, max_value=10),
            st.integers(min_value=-2, max_value=10),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_expressions_equal_the_float_functions(
    rows: list[tuple[float, float, int, int]],
) -> None:
    frame = pl.DataFrame(
        rows,
        schema={"a": pl.Float64, "b": pl.Float64, "n": pl.Float64, "k": pl.Float64},
        orient="row",
    )
    a, b, n, k = (pl.col(c) for c in "abnk")
    rate = pl.col("b") / 1e6  # rates in [-1, 1]
    cases: list[tuple[str, pl.Expr, Callable[[dict[str, float]], float]]] = [
        ("cagr", cagr(a, b, n), lambda r: cagr(r["a"], r["b"], r["n"])),
        ("total", total_growth(a, b), lambda r: total_growth(r["a"], r["b"])),
        ("compound", compound(a, rate, n), lambda r: compound(r["a"], r["b"] / 1e6, r["n"])),
        ("change", annual_change(a, b, n), lambda r: annual_change(r["a"], r["b"], r["n"])),
        ("interp", interpolate(a, b, n, k), lambda r: interpolate(r["a"], r["b"], r["n"], r["k"])),
        (
            "path",
            compound_path(a, b, n, k),
            lambda r: compound_path(r["a"], r["b"], r["n"], r["k"]),
        ),
    ]
    out = frame.with_columns(expr.alias(name) for name, expr, _ in cases)
    for row in out.iter_rows(named=True):
        for name, _, fn in cases:
            want = fn(row)
            got = row[name]
            if math.isnan(want):
                assert got is None, (name, row)
            else:
                assert got == pytest.approx(want, rel=1e-12, abs=1e-12), (name, row)


@pytest.mark.parametrize(
    ("end", "years", "elapsed", "want"),
    [
        (-0.0, 1.0, -1.0, -math.inf),  # -0.0 to a negative odd integer power (IEEE 754)
        (0.0, 1.0, -1.0, math.inf),
        (-0.0, 1.0, -2.0, math.inf),  # an even power loses the sign
        (-0.0, 2.0, -1.0, math.inf),  # a power of -0.5 is no integer
        (-0.0, 1.0, -3.0, -math.inf),
    ],
)
def test_a_zero_end_to_a_negative_power_is_signed_as_ieee_and_polars_have_it(
    end: float, years: float, elapsed: float, want: float
) -> None:
    assert compound_path(1.0, end, years, elapsed) == want
    expr = pl.select(compound_path(pl.lit(1.0), end, years, elapsed)).item()
    assert expr == want


def test_a_power_that_overflows_is_infinite_not_an_error() -> None:
    assert compound(1.0, 1e300, 2.0) == math.inf
    assert compound_path(1.0, 1e300, 1.0, 2.0) == math.inf
