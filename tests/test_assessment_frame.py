from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import soeplan
from soeplan import AssessmentError, assess_bound, assess_frame, assess_progress
from soeplan.indicators import Kind

PLAN = soeplan.load_plan("quzhou-14th")
KEYS = sorted((t.scope, t.indicator) for t in PLAN.targets)


def grown(factor: float, year: int = 2023) -> pl.DataFrame:
    """The plan's 2020 figures and a ``year`` frame with every value multiplied by ``factor``."""
    base = PLAN.figures_frame().filter(year=2020)
    # the layout floor's share has no published base (it comes from the registers): give one
    share = base.filter(indicator="net_assets").with_columns(
        pl.lit("strategic_capital_share").alias("indicator"), pl.lit(0.7).alias("value")
    )
    base = pl.concat([base, share])
    later = base.with_columns(
        pl.lit(year, dtype=pl.Int32).alias("year"), (pl.col("value") * factor).alias("value")
    )
    return pl.concat([base, later])


def expected_row(row: dict[str, Any]) -> dict[str, Any]:
    """The same row assessed with the scalar functions."""
    ind = soeplan.get_registry().indicators[row["indicator"]]
    if row["kind"] == "level":
        p = assess_progress(
            row["base"],
            row["base_year"],
            row["current"],
            row["year"],
            row["target"],
            row["target_year"],
            ind.higher_is_better,
            method="compound" if ind.kind is Kind.AMOUNT else "linear",
        )
        return {
            "method": p.method.value,
            "actual_rate": p.actual_rate,
            "required_rate": p.required_rate,
            "required_rate_remaining": p.required_rate_remaining,
            "ratio": p.ratio,
            "status": p.status.value,
            "completion_share": p.completion_share,
            "time_share": p.time_share,
            "category": p.category.value,
            "projection": p.projection,
            "gap": p.gap,
        }
    a = assess_bound(
        row["base"],
        row["base_year"],
        row["current"],
        row["year"],
        row["target"],
        row["target_year"],
        row["kind"],
        strict=row["strict"],
        stretch=row["stretch"],
    )
    return {
        "actual_rate": a.annual_change,
        "projection": a.projection,
        "gap": a.gap,
        "headroom": a.headroom,
        "meets_stretch": a.meets_stretch,
        "compliance": a.status.value,
    }


def assert_rows_match(frame: pl.DataFrame) -> int:
    checked = 0
    for row in frame.iter_rows(named=True):
        if row["current"] is None or row["base"] is None:
            assert row["status"] is None and row["compliance"] is None
            continue
        for key, want in expected_row(row).items():
            got = row[key]
            if isinstance(want, float):
                assert got == pytest.approx(want, rel=1e-9, abs=1e-12), (row, key)
            else:
                assert got == want, (row["scope"], row["indicator"], key, got, want)
        checked += 1
    return checked


def test_one_row_per_scope_and_indicator_with_a_target() -> None:
    out = assess_frame(grown(1.3), PLAN, 2023)
    assert list(out.schema) == list(soeplan.ASSESSMENT_SCHEMA)
    assert sorted(out.select("scope", "indicator").iter_rows()) == KEYS
    assert assert_rows_match(out) == len(KEYS)


def test_statuses_of_a_known_frame() -> None:
    out = assess_frame(grown(1.3), PLAN, 2023)

    def get(scope: str, ind: str, col: str) -> Any:
        return out.filter(scope=scope, indicator=ind)[col].item()

    assert get("city", "total_assets", "status") == "moderate"
    assert get("city", "total_assets", "milestone") == pytest.approx(
        2090.49 * (4000 / 2090.49) ** 0.6
    )
    assert get("city", "profit_margin", "status") == "achieved"
    assert get("city", "profit_margin", "category") == "ahead"
    assert get("city", "debt_ratio", "compliance") == "not_met"  # 55.60 % × 1.3 > 65 %
    assert get("city", "debt_ratio", "status") is None
    assert get("urban", "roe", "meets_stretch") is False
    assert get("city", "listed", "method") == "linear"


def test_chinese_scope_names_and_unit_scopes() -> None:
    obs = grown(1.1).with_columns(pl.col("scope").replace({"city": "全市", "urban": "市区"}))
    extra = pl.DataFrame(
        {"scope": ["kecheng"], "year": [2023], "indicator": ["total_assets"], "value": [9.0]},
        schema=obs.schema,
    )
    out = assess_frame(pl.concat([obs, extra]), PLAN, 2023)
    assert set(out["scope"]) == {"city", "urban"}
    assert out.equals(assess_frame(grown(1.1), PLAN, 2023))


def test_base_from_observations_else_from_the_plan() -> None:
    obs = grown(1.2).filter(~((pl.col("year") == 2020) & (pl.col("scope") == "urban")))
    obs = obs.with_columns(
        pl.when((pl.col("year") == 2020) & (pl.col("indicator") == "revenue"))
        .then(100.0)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    out = assess_frame(obs, PLAN, 2023)
    assert out.filter(scope="city", indicator="revenue")["base"].item() == 100.0
    assert out.filter(scope="urban", indicator="revenue")["base"].item() == 46.02
    assert_rows_match(out)


def test_missing_observations_give_null_rows() -> None:
    obs = grown(1.2).filter(~((pl.col("year") == 2023) & (pl.col("indicator") == "listed")))
    out = assess_frame(obs, PLAN, 2023)
    row = out.filter(scope="city", indicator="listed").row(0, named=True)
    assert row["current"] is None and row["status"] is None and row["ratio"] is None
    assert row["milestone"] == pytest.approx(1.2)  # the path needs no observation


def test_nan_values_count_as_missing() -> None:
    obs = grown(1.2).with_columns(
        pl.when((pl.col("year") == 2023) & (pl.col("indicator") == "roe"))
        .then(float("nan"))
        .otherwise(pl.col("value"))
        .alias("value")
    )
    out = assess_frame(obs, PLAN, 2023)
    row = out.filter(scope="city", indicator="roe").row(0, named=True)
    assert row["current"] is None and row["compliance"] is None


@pytest.mark.parametrize(
    ("frame", "says"),
    [
        (pl.DataFrame({"scope": ["city"], "year": [2023], "value": [1.0]}), "lack the column"),
        (
            pl.DataFrame(
                {"scope": ["kecheng"], "year": [2023], "indicator": ["revenue"], "value": [1.0]}
            ),
            "no observations for a scope",
        ),
        (
            pl.DataFrame(
                {
                    "scope": ["city", "city"],
                    "year": [2023, 2023],
                    "indicator": ["revenue", "revenue"],
                    "value": [1.0, 2.0],
                }
            ),
            "repeat a scope",
        ),
        (
            pl.DataFrame(
                {"scope": ["city"], "year": ["2023"], "indicator": ["revenue"], "value": ["n/a"]}
            ),
            "must hold numbers",
        ),
    ],
)
def test_bad_frames_are_errors_for_people(frame: pl.DataFrame, says: str) -> None:
    with pytest.raises(AssessmentError, match=says):
        assess_frame(frame, PLAN, 2023)


def test_year_must_follow_the_base_year() -> None:
    with pytest.raises(AssessmentError, match="not after the base year 2020"):
        assess_frame(grown(1.2), PLAN, 2020)


cell = st.one_of(
    st.none(),
    st.integers(min_value=-400, max_value=6000).map(lambda i: i / 100),
)


@given(
    base=st.lists(cell, min_size=len(KEYS), max_size=len(KEYS)),
    current=st.lists(cell, min_size=len(KEYS), max_size=len(KEYS)),
    year=st.integers(min_value=2021, max_value=2027),
)
def test_assessing_a_frame_equals_assessing_its_rows_one_by_one(
    base: list[float | None], current: list[float | None], year: int
) -> None:
    rows = []
    for (scope, ind), b, c in zip(KEYS, base, current, strict=True):
        scale = 100.0 if soeplan.get_registry().indicators[ind].kind is Kind.RATIO else 1.0
        if b is not None:
            rows.append((scope, 2020, ind, b / scale))
        if c is not None:
            rows.append((scope, year, ind, c / scale))
    obs = pl.DataFrame(
        rows,
        schema={"scope": pl.String, "year": pl.Int32, "indicator": pl.String, "value": pl.Float64},
        orient="row",
    )
    if obs.height == 0:
        return
    out = assess_frame(obs, PLAN, year)
    assert out.height == len(KEYS)
    assert_rows_match(out)


def _with_targets(values: dict[tuple[str, str], tuple[float, bool]]) -> soeplan.Plan:
    """The plan with each named target's value and strictness replaced."""
    from decimal import Decimal

    import attrs

    targets = tuple(
        attrs.evolve(t, value=Decimal(repr(values[k][0])), strict=values[k][1])
        if (k := (t.scope, t.indicator)) in values
        else t
        for t in PLAN.targets
    )
    return attrs.evolve(PLAN, targets=targets)


_EDGE = (-2.0, -1.0, 0.0, 1.0, 2.0)


@pytest.mark.parametrize("strict", [False, True])
def test_the_frame_equals_the_rows_at_every_sign_and_at_the_bounds_exact_limit(
    strict: bool,
) -> None:
    # every combination of base, current and target among -2, -1, 0, 1, 2 (signs, zeros and a
    # current exactly at its bound) on a level target and on a bound, against the scalar
    # functions: each call gives every target of the plan one combination
    from itertools import product

    combos = list(product(_EDGE, _EDGE, _EDGE))
    kinds = {(t.scope, t.indicator): t.kind.value for t in PLAN.targets}
    groups = [[k for k in KEYS if kinds[k] == "level"], [k for k in KEYS if kinds[k] != "level"]]
    assert all(groups)
    calls = -(-len(combos) // min(len(g) for g in groups))
    checked = 0
    for call in range(calls):
        chosen = {
            k: combos[(call * len(group) + i) % len(combos)]
            for group in groups
            for i, k in enumerate(group)
        }
        plan = _with_targets({k: (t, strict) for k, (_, _, t) in chosen.items()})
        rows = [
            (s, y, i, v) for (s, i), (b, c, _) in chosen.items() for y, v in ((2020, b), (2023, c))
        ]
        obs = pl.DataFrame(
            rows,
            schema={"scope": pl.String, "year": pl.Int32, "indicator": pl.String,
                    "value": pl.Float64},
            orient="row",
        )  # fmt: skip
        checked += assert_rows_match(assess_frame(obs, plan, 2023))
    assert checked == calls * len(KEYS)


@pytest.mark.parametrize("kind", ["level", "ceiling", "floor"])
def test_the_frame_equals_the_rows_whatever_the_kind_of_each_target(kind: str) -> None:
    # every target made a level, a ceiling or a floor (a ceiling on an amount, a level on the
    # lower-is-better debt ratio): direction and method come from the kind, as in the scalar path
    import attrs

    from soeplan.plan.model import TargetKind

    combos = [(1.0, 1.0, 1.0), (2.0, 1.0, 1.0), (1.0, 2.0, 2.0), (1.0, 1.5, 2.0), (2.0, 1.5, 1.0)]
    for shift in range(len(combos)):
        chosen = {k: combos[(i + shift) % len(combos)] for i, k in enumerate(KEYS)}
        plan = attrs.evolve(
            PLAN,
            targets=tuple(
                attrs.evolve(
                    t, kind=TargetKind(kind), value=_dec(chosen[(t.scope, t.indicator)][2])
                )
                for t in PLAN.targets
            ),
        )
        rows = [
            (s, y, i, v) for (s, i), (b, c, _) in chosen.items() for y, v in ((2020, b), (2023, c))
        ]
        out = assess_frame(_obs(rows), plan, 2023)
        assert assert_rows_match(out) == len(KEYS)
        if kind != "level":  # a bound is linear, and its direction is its kind's
            assert set(out["method"]) == {"linear"}
            assert set(out["higher_is_better"]) == {kind == "floor"}


def _dec(v: float) -> Any:
    from decimal import Decimal

    return Decimal(repr(v))


def _obs(rows: list[tuple[str, int, str, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"scope": pl.String, "year": pl.Int32, "indicator": pl.String, "value": pl.Float64},
        orient="row",
    )


def test_a_pace_exactly_at_the_tolerance_is_faster_than_expected() -> None:
    # base 10, target 60 by 2025, 43 in 2023: completion 33/50 = 0.66 over time 3/5 = 0.6 is
    # exactly 1 + 0.10: faster (快于预期), as the scalar path says
    plan = _with_targets({("city", "total_assets"): (60.0, False)})
    out = assess_frame(_obs([("city", 2020, "total_assets", 10.0),
                             ("city", 2023, "total_assets", 43.0)]), plan, 2023)  # fmt: skip
    row = out.filter(scope="city", indicator="total_assets").row(0, named=True)
    assert row["completion_share"] / row["time_share"] == 1.1
    assert row["category"] == "faster"
    assert_rows_match(out.filter(scope="city", indicator="total_assets"))


def test_a_floor_met_exactly_at_its_stretch_level_meets_the_stretch() -> None:
    out = assess_frame(_obs([("urban", 2020, "roe", 0.02), ("urban", 2023, "roe", 0.025)]),
                       PLAN, 2023)  # fmt: skip
    row = out.filter(scope="urban", indicator="roe").row(0, named=True)
    assert row["meets_stretch"] is True and row["compliance"] == "stretch_met"


def test_rows_come_sorted_by_scope_and_indicator_whatever_the_input_order() -> None:
    rows = [(s, y, i, 1.0 + y % 7) for s, i in reversed(KEYS) for y in (2020, 2023)]
    out = assess_frame(_obs(rows), PLAN, 2023)
    keys = out.select("scope", "indicator").rows()
    assert keys == sorted(keys) and len(keys) == len(KEYS)


def test_input_cleaning_names_the_first_bad_value_and_reads_padded_names() -> None:
    bad = pl.DataFrame(
        {"scope": ["city"] * 4, "year": [2023] * 4,
         "indicator": ["revenue", "net_assets", "total_assets", "net_profit"],
         "value": ["1", None, "n/a", "x"]},
    )  # fmt: skip
    with pytest.raises(AssessmentError) as err:
        assess_frame(bad, PLAN, 2023)
    text = str(err.value)
    assert "2 value(s) do not" in text and "row 4 (counting the header" in text
    assert "value is 'n/a'" in text
    # indicator names with spaces around them are read; a unit scope that only targets name is kept
    padded = _obs(
        [("city", 2020, " total_assets ", 2090.49), ("city", 2023, "total_assets ", 2500.0)]
    )
    row = (
        assess_frame(padded, PLAN, 2023)
        .filter(scope="city", indicator="total_assets")
        .row(0, named=True)
    )
    assert row["current"] == 2500.0 and row["base"] == 2090.49
    import attrs

    unit_target = attrs.evolve(PLAN.targets[0], scope="kecheng", indicator="total_assets")
    plan = attrs.evolve(PLAN, targets=(*PLAN.targets, unit_target))
    out = assess_frame(_obs([("kecheng", 2020, "total_assets", 100.0),
                             ("kecheng", 2023, "total_assets", 120.0)]), plan, 2023)  # fmt: skip
    assert out.filter(scope="kecheng")["current"].to_list() == [120.0]


def test_no_scope_with_targets_names_the_scopes_it_knows() -> None:
    with pytest.raises(AssessmentError) as err:
        assess_frame(_obs([("kecheng", 2023, "revenue", 1.0)]), PLAN, 2023)
    assert "city / 全市" in str(err.value) and "urban / 市区" in str(err.value)
