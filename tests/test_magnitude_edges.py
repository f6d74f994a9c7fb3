"""The magnitude checks at their edges: a factor exactly ``10^(4 ± NEAR)`` from last year, a
figure exactly at its bound, a catalogue magnitude equal to the plan's, the message of one
order of magnitude and of several, and the closest of two unit mistakes."""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest

from soeplan.indicators import Aggregation, Category, Indicator, Kind
from soeplan.rules import RuleContext
from soeplan.submissions.magnitude import (
    ABSURD,
    NEAR,
    PlausibleRange,
    UnitMistake,
    check_magnitude,
    check_magnitude_small,
    implausible_figures,
    plausible_ranges,
    ranges_of,
    unit_mistake,
)


def ind(code: str, name_zh: str, name_en: str, unit: str, kind: Kind, **kw: Any) -> Indicator:
    agg = Aggregation.NONE if kind is Kind.RATIO else Aggregation.SUM
    return Indicator(
        code=code, name_zh=name_zh, name_en=name_en, unit=unit, kind=kind,
        category=Category.SCALE, aggregation=agg, **kw,
    )  # fmt: skip


TA = ind("ta", "资产", "Assets", "亿元", Kind.AMOUNT)
CNT = ind("n", "户数", "Count", "户", Kind.COUNT)
RNG = {"ta": PlausibleRange("ta", "亿元", 100.0, 1e-4, 1000.0, "表2 (city, 2025)")}


def ctx(
    values: dict[str, float], prior: dict[str, float] | None = None, code: str = "ta", **kw: Any
) -> RuleContext:
    def frame(vals: dict[str, float]) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "unit": ["u"] * len(vals),
                "entity": list(vals),
                "year": [2023] * len(vals),
                "indicator": [code] * len(vals),
                "value": list(vals.values()),
            },
            schema={"unit": pl.String, "entity": pl.String, "year": pl.Int64,
                    "indicator": pl.String, "value": pl.Float64},
        )  # fmt: skip

    return RuleContext(
        observations=frame(values),
        year=2023,
        prior=None if prior is None else frame(prior),
        indicators={"ta": TA, "n": CNT},
        options={"plausible": kw.get("ranges", RNG)},
    )


# ---------------------------------------------------------------- unit_mistake


@pytest.mark.parametrize(
    ("exponent", "found"),
    [(4 - NEAR, True), (4 + NEAR, True), (4 - NEAR - 1e-9, False), (4 + NEAR + 1e-9, False)],
)
def test_a_factor_from_last_year_within_near_of_1e4(exponent: float, found: bool) -> None:
    value = 10**exponent * 2.0
    got = unit_mistake(value, "亿元", prior=2.0)
    if not found:
        assert got is None
        return
    assert got == UnitMistake("亿元", "万元", 4)


def test_a_factor_of_1e8_from_last_year_and_the_units_it_knows() -> None:
    assert unit_mistake(3e8, "亿元", prior=3.0) == UnitMistake("亿元", "元", 8)
    assert unit_mistake(-3e8, "亿元", prior=-3.0) == UnitMistake("亿元", "元", 8)
    assert unit_mistake(3e4, "万元", prior=3.0) == UnitMistake("万元", "元", 4)
    assert unit_mistake(3e4, "万吨", prior=3.0) == UnitMistake("万吨", "吨", 4)
    assert unit_mistake(3e8, "万元", prior=3.0) is None  # 万元 has no 10^8 mistake
    assert unit_mistake(3e4, "户", prior=3.0) is None  # nor a count


@pytest.mark.parametrize("prior", [0.0, -3.0, math.inf, math.nan, None])
def test_no_factor_from_a_prior_of_zero_other_sign_or_not_finite(prior: float | None) -> None:
    assert unit_mistake(3e4, "亿元", prior=prior) is None


@pytest.mark.parametrize("value", [0.0, math.inf, -math.inf, math.nan])
def test_no_mistake_for_zero_or_not_finite(value: float) -> None:
    assert unit_mistake(value, "亿元", high=1.0, prior=1.0) is None


def test_beyond_the_bound_the_mistake_that_brings_it_back() -> None:
    # 5e5 over a bound of 1000: /1e4 = 50 fits, /1e8 fits too; without a prior the smaller power
    assert unit_mistake(5e5, "亿元", high=1000.0) == UnitMistake("亿元", "万元", 4)
    # 5e10: only /1e8 fits
    assert unit_mistake(5e10, "亿元", high=1000.0) == UnitMistake("亿元", "元", 8)
    # beyond by more than 1e8: no unit explains it
    assert unit_mistake(5e12, "亿元", high=1000.0) is None
    # exactly at the bound is within it, and /1e4 exactly at the bound fits
    assert unit_mistake(1000.0, "亿元", high=1000.0) is None
    assert unit_mistake(1e7, "亿元", high=1000.0) == UnitMistake("亿元", "万元", 4)
    assert unit_mistake(-5e10, "亿元", high=1000.0) == UnitMistake("亿元", "元", 8)


def test_beyond_the_bound_the_mistake_closest_to_last_year() -> None:
    # 5e5 with a prior of 0.005 (of another sign too): /1e8 = 0.005 is last year's figure
    assert unit_mistake(5e5, "亿元", high=1000.0, prior=0.005) == UnitMistake("亿元", "元", 8)
    assert unit_mistake(5e5, "亿元", high=1000.0, prior=-0.005) == UnitMistake("亿元", "元", 8)
    assert unit_mistake(5e5, "亿元", high=1000.0, prior=40.0) == UnitMistake("亿元", "万元", 4)
    # a prior that is zero or not finite: the smaller power
    for prior in (0.0, math.inf):
        assert unit_mistake(5e5, "亿元", high=1000.0, prior=prior) == UnitMistake("亿元", "万元", 4)


def test_a_unit_mistakes_messages() -> None:
    m = UnitMistake("亿元", "元", 8)
    assert m.message_zh == "像是以元而非亿元填报：请除以 10^8"
    assert m.message_en == "looks like 元 instead of 亿元: divide by 10^8"


# ---------------------------------------------------------------- plausible_ranges


def test_a_catalogue_magnitude_replaces_the_plans_scale_only_when_larger() -> None:
    class Fig:
        def __init__(self, indicator: str, value: float, source: str = "") -> None:
            self.indicator, self.value, self.source = indicator, value, source
            self.scope, self.year = "city", 2020

    figs = (Fig("ta", -80.0, "表1"), Fig("ta", 50.0), Fig("ta", 80.0, "later"), Fig("n", 0.5))
    plan = type("P", (), {"figures": figs})()
    targets = [Fig("ta", 70.0, "表2")]
    cat = {
        "ta": TA,
        "n": CNT,
        "same": ind("same", "同", "S", "亿元", Kind.AMOUNT, magnitude=0),
        "r": ind("r", "率", "R", "%", Kind.RATIO, magnitude=5),
    }  # fmt: skip
    got = plausible_ranges(plan, cat, targets)
    # the largest absolute figure, and where it is published
    assert got["ta"] == PlausibleRange("ta", "亿元", 80.0, 80.0 * 1e-6, 800.0, "表1 (city, 2020)")
    # a count's scale is at least 1, and its low bound 0
    assert got["n"] == PlausibleRange("n", "户", 1.0, 0.0, 10.0, "n (city, 2020)")
    # no scale: no range; a ratio never has one
    assert set(got) == {"ta", "n"}
    bigger = {"ta": ind("ta", "资产", "A", "亿元", Kind.AMOUNT, magnitude=90)}
    assert (
        plausible_ranges(plan, bigger, targets)["ta"].source
        == "indicator catalogue: magnitude of ta"
    )
    equal = {"ta": ind("ta", "资产", "A", "亿元", Kind.AMOUNT, magnitude=80)}
    assert plausible_ranges(plan, equal, targets)["ta"].source == "表1 (city, 2020)"
    # a count whose largest figure is 1 keeps its source; 1.5 is its scale
    ones = type("P", (), {"figures": (Fig("n", 1.0, "表1"),)})()
    assert plausible_ranges(ones, {"n": CNT}, [])["n"].source == "表1 (city, 2020)"
    halves = type("P", (), {"figures": (Fig("n", 1.5, "表1"),)})()
    assert plausible_ranges(halves, {"n": CNT}, [])["n"].scale == 1.5
    count_only = {"k": ind("k", "户", "K", "户", Kind.COUNT)}
    assert plausible_ranges(plan, count_only, [])["k"].source == "a count (k)"  # fmt: skip


# ---------------------------------------------------------------- the rules


def test_a_figure_exactly_at_its_bound_passes_and_just_beyond_is_an_error() -> None:
    r = {"n": PlausibleRange("n", "户", 100.0, 0.0, 1000.0, "表2 (city, 2025)")}
    got = check_magnitude(
        ctx({"a": 1000.0, "b": -1000.0, "c": 1001.0, "d": -1001.0}, code="n", ranges=r)
    )
    assert got["entity"].to_list() == ["c", "d"]
    row = got.row(0, named=True)
    assert row["message_en"] == "Count 1001 is beyond the plausible range"
    assert row["message_zh"] == "户数 1001 超出合理范围"
    assert row["expected"] == "|x| <= 1000 户（10 × 100, 表2 (city, 2025)）"
    assert row["found"] == "1001" and row["fix"].startswith("核对数字和单位（户）")
    # an amount just beyond its bound reads as typed in 万元
    (amount,) = check_magnitude(ctx({"a": 1000.5})).iter_rows(named=True)
    assert amount["message_en"] == (
        "Assets 1000.5 looks like 万元 instead of 亿元: divide by 10^4 (= 0.10005 亿元)"
    )


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (9.9e3, "", ""),  # beyond, by less than one order of magnitude (9.9 × the bound)
        (1e4 * 1.0001, " 1 个数量级", " by 1 order of magnitude"),
        (1e5 * 1.0001, " 2 个数量级", " by 2 orders of magnitude"),
        (5e12 * 1.0001, " 9 个数量级", " by 9 orders of magnitude"),
    ],
)
def test_how_far_beyond_its_range_a_figure_is(value: float, zh: str, en: str) -> None:
    # a count: no unit mistake explains it
    r = {"n": PlausibleRange("n", "户", 100.0, 0.0, 1000.0, "s")}
    (row,) = check_magnitude(ctx({"a": value}, code="n", ranges=r)).iter_rows(named=True)
    assert row["message_zh"].endswith(f"超出合理范围{zh}")
    assert row["message_en"].endswith(f"is beyond the plausible range{en}")


def test_a_unit_mistake_names_last_years_figure_when_within_the_bound() -> None:
    got = check_magnitude(ctx({"a": 900.0, "b": 2e6}, prior={"a": 0.09, "b": 200.0}))
    a, b = got.iter_rows(named=True)
    assert a["expected"] == "≈ 0.09 亿元（上年 / last year）"
    assert (
        a["message_en"]
        == "Assets 900 looks like 万元 instead of 亿元: divide by 10^4 (= 0.09 亿元)"
    )
    assert a["message_zh"] == "资产 900 像是以万元而非亿元填报：请除以 10^4（= 0.09 亿元）"
    assert a["fix"] == "按亿元填报：0.09 / enter it in 亿元 (100 million yuan): 0.09"
    # beyond the bound, the bound is what was expected
    assert b["expected"] == "|x| <= 1000 亿元（10 × 100, 表2 (city, 2025)）"
    assert b["found"] == "2000000"


def test_a_row_of_an_unknown_indicator_or_not_finite_is_passed_over() -> None:
    c = ctx({"a": 5e12, "b": math.inf, "c": 5e12})
    rows = c.observations.with_columns(
        indicator=pl.when(pl.col("entity") == "a").then(pl.lit("zz")).otherwise(pl.col("indicator"))
    )
    got = check_magnitude(
        RuleContext(observations=rows, year=2023, indicators=c.indicators, options=c.options)
    )
    assert got["entity"].to_list() == ["c"]


def test_an_indicator_without_a_range_is_bounded_by_absurd() -> None:
    got = check_magnitude(ctx({"a": ABSURD, "b": ABSURD * 1.001}, ranges={}))
    assert got["entity"].to_list() == ["b"]
    assert got["expected"][0] == f"|x| <= {int(ABSURD)} 亿元"


def test_a_small_amount_exactly_at_its_low_bound_passes() -> None:
    got = check_magnitude_small(
        ctx(
            {
                "a": 1e-4,
                "b": -1e-4,
                "c": 0.99e-4,
                "d": 0.0,
                "e": -0.5e-4,
                "f": math.nan,
                "g": math.inf,
            }
        )
    )
    # not finite: core.number says so
    assert got["entity"].to_list() == ["c", "e"]
    row = got.row(0, named=True)
    assert (row["found"], row["indicator"], row["cell"]) == ("9.9e-05", "ta", None)
    assert row["fix"] == (
        "核对单位（亿元），确认无误请在“说明”列写明 / check the unit (100 million yuan); if it is "
        "right, say so in the Explanation column"
    )
    assert row["expected"] == "0, or |x| >= 0.0001 亿元（100 × 1e-06, 表2 (city, 2025)）"
    assert row["message_en"] == "Assets 9.9e-05 亿元 is implausibly small"
    assert row["message_zh"] == "资产 9.9e-05 亿元 小得不合常理"


def test_implausible_figures_at_the_bound_and_without_a_range() -> None:
    frame = pl.DataFrame(
        {
            "entity": ["a", "b", "c", "d", "e", "f"],
            "indicator": ["ta", "ta", "zz", "zz", "ta", "ta"],
            "value": [1000.0, -1000.5, ABSURD, ABSURD * 2, math.inf, None],
        }
    )
    got = implausible_figures(frame, RNG)
    assert got["entity"].to_list() == ["b", "d", "e"]
    assert got["high"].to_list() == [1000.0, ABSURD, 1000.0]
    # with no range at all, every indicator is bounded by ABSURD
    none = implausible_figures(frame, {})
    assert none["entity"].to_list() == ["d", "e"] and none["high"].to_list() == [ABSURD, ABSURD]


def test_a_unit_mistake_of_a_figure_of_one_and_the_closer_mistake_by_powers_of_ten() -> None:
    assert unit_mistake(1.0, "亿元", prior=1e-4) == UnitMistake("亿元", "万元", 4)
    # 1.05e11 over a bound of 1000: divided by 10^8 it is still 1050, beyond it
    assert unit_mistake(1.05e11, "亿元", high=1000.0) is None
    # 10^6.1 times last year: nearer 10^8 than 10^4
    assert unit_mistake(5e5, "亿元", high=1000.0, prior=5e5 / 10**6.1) == UnitMistake(
        "亿元", "元", 8
    )
    assert unit_mistake(5e5, "亿元", high=1000.0, prior=5e5 / 10**5.9) == UnitMistake(
        "亿元", "万元", 4
    )


def test_the_ranges_a_rule_uses_without_ranges_given() -> None:
    from soeplan import load_plan
    from soeplan.indicators import builtin_indicators

    plan = load_plan("quzhou-14th")
    cat = {i.code: i for i in builtin_indicators()}
    base = RuleContext(observations=pl.DataFrame(), year=2023, plan=plan, indicators=cat)
    # the plan's figures and its targets (表2: total assets of 4000 亿元 in 2025), as validation
    # derives them
    derived = ranges_of(base)
    assert derived == plausible_ranges(plan, cat)
    assert (derived["total_assets"].high, derived["total_assets"].source) == (
        40000.0,
        "表2 资产总额 (city, 2025)",
    )

    # the targets given as an option count too
    class Big:
        indicator, value, source, scope, year = "total_assets", 9000.0, "插件", "kecheng", 2025

    with_targets = RuleContext(
        observations=pl.DataFrame(), year=2023, plan=plan, indicators={"total_assets": cat["total_assets"]},
        options={"targets": [Big()]},
    )  # fmt: skip
    got = ranges_of(with_targets)
    assert set(got) == {"total_assets"}
    assert (got["total_assets"].high, got["total_assets"].source) == (
        90000.0,
        "插件 (kecheng, 2025)",
    )


def test_the_defaults_of_plausible_ranges() -> None:
    from soeplan import get_registry, load_plan

    plan = load_plan("quzhou-14th")
    reg = get_registry()
    every = plausible_ranges(plan)
    # the registry's catalogue and the plan's targets (with the plugins')
    assert every == plausible_ranges(plan, reg.indicators, reg.targets(plan).values())
    assert every["total_assets"].scale == 4000.0
    # given indicators are kept, and the targets still come from the registry
    given = plausible_ranges(plan, {"total_assets": reg.indicators["total_assets"]})
    assert set(given) == {"total_assets"} and given["total_assets"].scale == 4000.0
    # given targets (none): the plan's figures alone
    figures_only = plausible_ranges(plan, {"total_assets": reg.indicators["total_assets"]}, [])
    assert figures_only["total_assets"].scale == max(
        abs(float(f.value)) for f in plan.figures if f.indicator == "total_assets"
    )
    # no plan: the catalogue's magnitudes and the counts' floor only
    none = plausible_ranges(None, {"n": CNT, "ta": TA})
    assert set(none) == {"n"} and none["n"].scale == 1.0
    # nothing given: the registry's catalogue; given no targets, the plan's figures alone
    assert set(plausible_ranges(None)) == {
        c
        for c, r in reg.indicators.items()
        if r.kind is not Kind.RATIO and (r.kind is Kind.COUNT or r.magnitude)
    }
    assert (
        plausible_ranges(plan, None, [])["total_assets"].scale == figures_only["total_assets"].scale
    )
