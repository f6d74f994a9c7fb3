from __future__ import annotations

import itertools

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import soeplan
from soeplan.assessment.milestones import path_value

PLAN = "quzhou-14th"


def test_city_total_assets_compound_path() -> None:
    m = soeplan.plan_milestones(soeplan.load_plan(PLAN), method="compound")
    path = m.filter(scope="city", indicator="total_assets").sort("year")
    assert path["year"].to_list() == [2020, 2021, 2022, 2023, 2024, 2025]
    assert [round(v, 2) for v in path["value"]] == [
        2090.49,
        2380.18,
        2710.02,
        3085.57,
        3513.16,
        4000.00,
    ]
    assert set(path["method"].cast(pl.String)) == {"compound"}


def test_every_level_target_has_a_path_and_bounds_have_none() -> None:
    plan = soeplan.load_plan(PLAN)
    for method in ("compound", "linear", "both"):
        m = soeplan.plan_milestones(plan, method=method)
        got = set(m.select("scope", "indicator").unique().iter_rows())
        levels = {(t.scope, t.indicator) for t in plan.targets if t.kind.value == "level"}
        assert got == levels
        assert not {("city", "debt_ratio"), ("urban", "roe")} & got
    assert list(m.schema) == list(soeplan.MILESTONE_SCHEMA)


def test_ratios_and_counts_are_linear_and_amounts_get_both() -> None:
    m = soeplan.plan_milestones(soeplan.load_plan(PLAN), method="both")
    methods = {
        ind: sorted(set(g["method"].cast(pl.String)))
        for (ind,), g in m.filter(scope="city").group_by("indicator")
    }
    assert methods["profit_margin"] == ["linear"]
    assert methods["listed"] == ["linear"]
    assert methods["revenue"] == ["compound", "linear"]
    margin = m.filter(scope="city", indicator="profit_margin").sort("year")["value"]
    steps = margin.diff().drop_nulls()
    assert steps.to_list() == pytest.approx([(0.2250 - 0.2024) / 5] * 5)
    linear_only = soeplan.plan_milestones(soeplan.load_plan(PLAN), method="linear")
    assert set(linear_only["method"].cast(pl.String)) == {"linear"}


def test_unknown_method_is_an_error_for_people() -> None:
    with pytest.raises(soeplan.SoeplanError, match="compound: constant growth rate"):
        soeplan.plan_milestones(soeplan.load_plan(PLAN), method="geometric")


@given(
    rows=st.lists(
        st.tuples(
            st.floats(min_value=0.01, max_value=1e5),
            st.floats(min_value=0.01, max_value=1e5),
            st.integers(min_value=1, max_value=15),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_paths_are_monotone_from_base_and_end_on_the_target(
    rows: list[tuple[float, float, int]],
) -> None:
    frame = pl.DataFrame(
        rows, schema={"base": pl.Float64, "target": pl.Float64, "n": pl.Int64}, orient="row"
    ).with_row_index("id")
    paths = (
        frame.with_columns(pl.int_ranges(0, pl.col("n") + 1).alias("k"))
        .explode("k")
        .with_columns(
            *(
                path_value(
                    pl.col("base"),
                    pl.col("target"),
                    pl.col("n").cast(pl.Float64),
                    pl.col("k").cast(pl.Float64),
                    pl.lit(compound),
                ).alias(name)
                for name, compound in (("compound", True), ("linear", False))
            )
        )
    )
    for (_,), g in paths.group_by("id"):
        g = g.sort("k")
        base, target = g["base"][0], g["target"][0]
        for col in ("compound", "linear"):
            values = g[col].to_list()
            assert values[0] == pytest.approx(base, rel=1e-12)
            assert values[-1] == target  # exactly on the target
            sign = 1 if target >= base else -1
            tol = 1e-9 * max(abs(base), abs(target))
            assert all(sign * (b - a) >= -tol for a, b in itertools.pairwise(values))
            lo, hi = min(base, target), max(base, target)
            assert all(lo - tol <= v <= hi + tol for v in values)


def test_plan_paths_start_on_the_base_and_end_on_the_target() -> None:
    plan = soeplan.load_plan(PLAN)
    m = soeplan.plan_milestones(plan)
    for (scope, indicator, _), g in m.group_by("scope", "indicator", "method"):
        g = g.sort("year")
        target = plan.target(scope, indicator)
        base = plan.figure(scope, indicator, plan.base_year)
        assert target is not None and base is not None
        assert g["value"][0] == pytest.approx(float(base.value))
        assert g["value"][-1] == float(target.value)
