"""The rules on what the figures say together, called directly, at their edges: a ratio exactly
at the end of its precision band, net profit equal to total profit, a debt ratio of exactly 0 and
100 %, a change of exactly the configured share, a group total exactly at its tolerance, a
binding ceiling met exactly (strict and not), and the findings' every field."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import polars as pl
import pytest

from _submission_helpers import RULE_FRAME_SCHEMA
from soeplan.indicators import builtin_indicators
from soeplan.rules import RuleContext
from soeplan.submissions.figure_rules import (
    _ratio_bounds,
    check_binding_targets,
    check_completeness,
    check_debt_ratio_range,
    check_group_totals,
    check_prior_jump,
    check_profit_plausible,
    check_ratio_identities,
)

CAT = {i.code: i for i in builtin_indicators()}
SCHEMA = RULE_FRAME_SCHEMA


def frame(figures: dict[str, dict[str, float | None]]) -> pl.DataFrame:
    rows = [
        {"unit": "qujiang", "entity": e, "year": 2023, "indicator": c, "value": v, "raw": None,
         "file": "f.xlsx", "sheet": "S", "row": n, "cell": f"D{n}"}
        for n, (e, c, v) in enumerate(
            ((e, c, v) for e, vals in figures.items() for c, v in vals.items()), start=5
        )
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=SCHEMA)


def ctx(figures: dict[str, dict[str, float | None]], **kw: Any) -> RuleContext:
    prior = kw.pop("prior", None)
    return RuleContext(
        observations=frame(figures),
        year=2023,
        unit="qujiang",
        prior=None if prior is None else frame(prior),
        indicators=CAT,
        options={"plausible": {}, **kw.pop("options", {})},
        **kw,
    )


# ---------------------------------------------------------------- core.ratio-identity


def test_a_ratio_within_the_precision_of_its_inputs_and_just_outside() -> None:
    # 1 − 0.51/1.27 over net assets 0.51 ± 0.005 and total assets 1.27 ± 0.005 lies within
    # 0.592885…0.603922; a submitted ratio is known to ± half its last place (0.6039 ± 0.00005;
    # a float keeps no trailing zero: 0.6040 is 0.604 ± 0.0005)
    def found(ratio: float) -> list[str]:
        figures = {"e1": {"total_assets": 1.27, "net_assets": 0.51, "debt_ratio": ratio}}
        return check_ratio_identities(ctx(figures))["found"].to_list()

    assert found(0.6039) == [] and found(0.5929) == []
    assert found(0.6041) == ["60.41%"] and found(0.5928) == ["59.28%"]
    figures = {"e1": {"total_assets": 1.27, "net_assets": 0.51, "debt_ratio": 0.61}}
    (row,) = check_ratio_identities(ctx(figures)).iter_rows(named=True)
    assert (row["indicator"], row["cell"], row["expected"], row["found"]) == (
        "debt_ratio", "D7", "59.84% (1 − net_assets / total_assets)", "61.00%"
    )  # fmt: skip
    assert row["message_en"] == (
        f"{CAT['debt_ratio'].name_en} does not match its recomputation from the submitted components"
    )
    assert row["fix"] == (
        "比率由系统计算，可删除该比率；否则核对分子分母 / ratios are recomputed: leave the ratio "
        "out, or correct its components"
    )
    # a whole number is known to ± 0.5: with total assets of 1 (0.5…1.5), 60 % passes
    # against a recomputed 49 %; 67 % does not
    for ratio, n in ((0.6, 0), (0.67, 1)):
        figures = {"e": {"total_assets": 1.0, "net_assets": 0.51, "debt_ratio": ratio}}
        assert check_ratio_identities(ctx(figures)).height == n


def test_a_ratio_is_not_checked_without_both_components_or_over_a_denominator_near_zero() -> None:
    figures = {
        "e1": {"net_assets": 0.40, "debt_ratio": 0.9},  # no total assets
        "e3": {"total_assets": 0.0, "net_assets": 0.40, "debt_ratio": 0.9},
        "e4": {"net_profit": 1.0, "net_assets": 2.0, "roe_avg": 0.9},  # an average denominator
        "e5": {"total_assets": 1.27, "net_assets": 0.40, "debt_ratio": 0.9},
    }
    assert check_ratio_identities(ctx(figures))["entity"].to_list() == ["e5"]


# ---------------------------------------------------------------- core.profit-plausible


def test_net_profit_above_total_profit() -> None:
    figures = {
        "e1": {"total_profit": 2.0, "net_profit": 2.0},
        "e2": {"total_profit": 2.0, "net_profit": 2.01},
        "e3": {"net_profit": 5.0},
    }
    got = check_profit_plausible(ctx(figures))
    assert got.select("entity", "indicator", "expected", "found").rows() == [
        ("e2", "net_profit", "<= 2（利润总额 / total profit）", "2.01")
    ]
    assert got["message_en"][0] == "net profit exceeds total profit (negative income tax?)"
    assert got["message_zh"][0] == "净利润高于利润总额（所得税为负？）"
    assert (
        got["fix"][0]
        == "核对后在“说明”列写明原因 / check it, and explain it in the Explanation column"
    )


# ---------------------------------------------------------------- core.debt-ratio-range


def test_the_debt_ratio_from_0_to_100_percent() -> None:
    figures = {
        "a": {"revenue": 1.0},  # no debt ratio to check, and the entities after it are
        "e0": {"total_assets": 2.0, "net_assets": 2.0},  # 0 %
        "e1": {"total_assets": 2.0, "net_assets": 0.0},  # 100 %
        "e2": {"total_assets": 2.0, "net_assets": 2.2},  # −10 %
        "e3": {"total_assets": 2.0, "net_assets": -0.2},  # 110 %
        "e4": {"total_assets": 0.0, "net_assets": 1.0, "debt_ratio": 1.2},  # from the ratio
        "e5": {"debt_ratio": -0.01},
        "e6": {"debt_ratio": 1.0},
        "e7": {"total_assets": 0.0, "net_assets": 1.0},  # nothing to say
    }
    got = check_debt_ratio_range(ctx(figures))
    assert got.select("entity", "indicator", "cell", "expected", "found").rows() == [
        ("e2", "net_assets", "D11", "0%–100%", "-10.00%"),
        ("e3", "net_assets", "D13", "0%–100%", "110.00%"),
        ("e4", "debt_ratio", "D16", "0%–100%", "120.00%"),
        ("e5", "debt_ratio", "D17", "0%–100%", "-1.00%"),
    ]
    assert got["message_en"][0] == (
        "the debt ratio is -10.00%, outside 0–100% (net assets and total assets disagree)"
    )
    assert got["fix"][0] == (
        "核对资产总额和净资产（单位均为亿元）/ check total assets and net assets (both in 100 "
        "million yuan)"
    )


# ---------------------------------------------------------------- core.prior-jump


def test_a_change_of_exactly_the_share_passes_and_beyond_it_needs_an_explanation() -> None:
    prior = {
        "e": {
            "total_assets": 10.0,
            "revenue": 10.0,
            "net_profit": -4.0,
            "rated_aa": 1.0,
            "net_assets": 0.0,
        }
    }
    now = {
        "e": {
            "total_assets": 15.0,
            "revenue": 15.5,
            "net_profit": 2.0,
            "rated_aa": 9.0,
            "net_assets": 9.0,
        }
    }
    got = check_prior_jump(ctx(now, prior=prior))
    # +50 % passes; +55 % needs a word; a loss of 4 turned into a profit of 2 is +150 % of |−4|;
    # a count and a figure that was zero last year are not checked
    assert got.select("indicator", "expected", "found").rows() == [
        ("revenue", "10 ± 50%（上年 / last year）", "15.5 (+55%)"),
        ("net_profit", "-4 ± 50%（上年 / last year）", "2 (+150%)"),
    ]
    rev = got.row(0, named=True)
    assert (
        rev["message_en"] == f"{CAT['revenue'].name_en} changed +55% from last year, more than 50%"
    )
    assert rev["message_zh"] == f"{CAT['revenue'].name_zh} 较上年变动 +55%，超过 50%"
    # a fall of exactly the share passes too, and the share is an option
    fall = check_prior_jump(ctx({"e": {"total_assets": 5.0, "revenue": 4.9}}, prior=prior))
    assert fall["indicator"].to_list() == ["revenue"] and fall["found"][0] == "4.9 (-51%)"
    tight = check_prior_jump(
        ctx({"e": {"total_assets": 11.0}}, prior=prior, options={"jump_share": 0.05})
    )
    assert tight["expected"].to_list() == ["10 ± 5%（上年 / last year）"]


def test_a_jump_that_is_a_unit_mistake_or_beyond_the_range_is_left_to_core_magnitude() -> None:
    from soeplan.submissions.magnitude import PlausibleRange

    ranges = {"total_assets": PlausibleRange("total_assets", "亿元", 100.0, 1e-4, 1000.0, "s")}
    prior = {"e": {"total_assets": 10.0, "revenue": 10.0}, "f": {"total_assets": 10.0}}
    now = {"e": {"total_assets": 10.0 * 1e4, "revenue": 30.0}, "f": {"total_assets": 1001.0}}
    got = check_prior_jump(ctx(now, prior=prior, options={"plausible": ranges}))
    assert got.select("entity", "indicator").rows() == [("e", "revenue")]
    # a figure exactly at its bound is compared; a unit mistake within the bound is not, and
    # the entity's other figures still are
    at = {"e": {"total_assets": 1000.0}, "f": {"total_assets": 100.0, "revenue": 30.0}}
    prior2 = {"e": {"total_assets": 10.0}, "f": {"total_assets": 0.01, "revenue": 10.0}}
    got = check_prior_jump(ctx(at, prior=prior2, options={"plausible": ranges}))
    assert got.select("entity", "indicator", "found").rows() == [
        ("e", "total_assets", "1000 (+9900%)"),
        ("f", "revenue", "30 (+200%)"),
    ]
    assert got["fix"][0] == (
        "核对后在“说明”列写明原因（如兼并重组、资产划转）/ check it and explain it in the "
        "Explanation column (e.g. a merger or an asset transfer)"
    )
    # no prior, or an empty one: nothing to compare
    assert check_prior_jump(ctx(now)).is_empty()
    assert check_prior_jump(ctx(now, prior={})).is_empty()
    # an entity last year did not report is not compared
    assert check_prior_jump(ctx({"g": {"revenue": 99.0}}, prior=prior)).is_empty()


# ---------------------------------------------------------------- core.completeness


def test_every_required_entity_reports_every_required_indicator() -> None:
    ents = (
        SimpleNamespace(id="e1", name_zh="甲", required=True),
        SimpleNamespace(id="e2", name_zh="乙", required=True),
        SimpleNamespace(id="g", name_zh="集团", required=False),
    )
    figures = {"e1": {"total_assets": 1.0, "revenue": None}, "e2": {"total_assets": 0.0}}
    c = ctx(figures, options={"entities": ents, "required": ("total_assets", "revenue")})
    got = check_completeness(c)
    assert got.select("unit", "entity", "indicator", "year", "cell", "expected", "found").rows() == [
        # the blank cell is named where it is; a row not filed at all has no place
        ("qujiang", "e1", "revenue", 2023, "D6", f"{CAT['revenue'].name_zh} / {CAT['revenue'].name_en}", "空 / missing"),
        ("qujiang", "e2", "revenue", 2023, None, f"{CAT['revenue'].name_zh} / {CAT['revenue'].name_en}", "空 / missing"),
    ]  # fmt: skip
    assert got["message_en"].to_list() == [
        f"e1 has no {CAT['revenue'].name_en}",
        f"e2 has no {CAT['revenue'].name_en}",
    ]
    assert got["message_zh"][0] == f"甲 未填 {CAT['revenue'].name_zh}"
    # a text in the cell is a figure given (core.number says what is wrong with it)
    texted = frame(figures).with_columns(
        raw=pl.when(pl.col("value").is_null()).then(pl.lit("abc")).otherwise(pl.col("raw"))
    )
    c2 = RuleContext(observations=texted, year=2023, unit="qujiang", indicators=CAT,
                     options={"entities": ents, "required": ("total_assets", "revenue")})  # fmt: skip
    assert check_completeness(c2)["entity"].to_list() == ["e2"]
    # no entity list, or no required indicators: nothing is missing
    assert check_completeness(ctx(figures)).is_empty()
    assert check_completeness(ctx(figures, options={"entities": ents})).is_empty()
    assert (
        got["fix"].to_list()
        == ["填写该数字；确实为零请填 0 / fill in the figure; enter 0 if it is zero"] * 2
    )
    # no required entity: nothing is missing
    assert check_completeness(
        ctx(figures, options={"entities": ents[2:], "required": ("revenue",)})
    ).is_empty()


def test_a_county_metric_stands_for_the_core_indicator_it_rolls_into() -> None:
    metric = SimpleNamespace(rolls_into="revenue", name_zh="营收", name_en="Rev", formula=None)
    cat = {**CAT, "qj_revenue": metric}
    ents = (SimpleNamespace(id="e1", name_zh="甲", required=True),)
    c = RuleContext(
        observations=frame({"e1": {"qj_revenue": 3.0}}), year=2023, unit="qujiang", indicators=cat,
        options={"entities": ents, "required": ("revenue", "total_assets")},
    )  # fmt: skip
    assert check_completeness(c)["indicator"].to_list() == ["total_assets"]


# ---------------------------------------------------------------- core.group-total


class _Snap:
    def __init__(self, kids: dict[str, tuple[str, ...]]) -> None:
        self.kids = kids

    def __contains__(self, eid: object) -> bool:
        return eid in self.kids or any(eid in k for k in self.kids.values())

    def children(self, gid: str) -> tuple[str, ...]:
        return self.kids.get(gid, ())


def structure(kids: dict[str, tuple[str, ...]]) -> Any:
    return SimpleNamespace(at=lambda year: _Snap(kids))


def test_a_group_total_off_by_more_than_its_tolerance() -> None:
    figures = {
        "g": {"total_assets": 3.04, "debt_ratio": 0.5, "revenue": 9.0},
        "x": {"total_assets": 1.01, "debt_ratio": 0.2, "revenue": 1.0},
        "y": {"total_assets": 2.01, "debt_ratio": 0.2},  # no revenue: not checked
        "h": {"total_assets": 1.0},  # a group with no children in force
    }
    s = structure({"g": ("x", "y"), "h": ()})
    got = check_group_totals(ctx(figures, structure=s))
    assert got.select("entity", "indicator", "expected", "found").rows() == [
        ("g", "total_assets", "3.02（下级合计 / sum of 2 children）", "3.04")
    ]
    assert (
        got["message_en"][0]
        == f"group g's {CAT['total_assets'].name_en} is not the sum of its children"
    )
    # each figure is known to half a unit in its last written place: 3.03 ± 0.005 is within
    # 0.015 of 3.02 (1.01 ± 0.005 and 2.01 ± 0.005); 3.035 ± 0.0005 is 0.015 off, beyond 0.0105
    assert check_group_totals(ctx({**figures, "g": {"total_assets": 3.03}}, structure=s)).is_empty()
    assert (
        check_group_totals(ctx({**figures, "g": {"total_assets": 3.035}}, structure=s)).height == 1
    )
    # a whole number is known to ± 0.5: 3 against 3.02 is within
    assert check_group_totals(ctx({**figures, "g": {"total_assets": 3.0}}, structure=s)).is_empty()
    # no structure: nothing to check
    assert check_group_totals(ctx(figures)).is_empty()
    # a group not in force that year is not checked
    assert check_group_totals(ctx(figures, structure=structure({"x": ()}))).is_empty()


# ---------------------------------------------------------------- core.binding-target


def target(
    indicator: str, value: float, kind: str = "ceiling", strict: bool = True, scope: str = "city"
) -> Any:
    return SimpleNamespace(indicator=indicator, value=value, kind=kind, strict=strict, scope=scope,
                           year=2025, binding=True, source="表2")  # fmt: skip


PLAN = SimpleNamespace(targets=(), title_zh="规划", id="quzhou-14th")


@pytest.mark.parametrize(
    ("net_assets", "strict", "breach"),
    [
        (0.35, True, True),
        (0.35, False, False),
        (0.36, True, False),
        (0.34, False, True),
        (0.40, False, False),
    ],
)
def test_a_binding_ceiling_met_exactly(net_assets: float, strict: bool, breach: bool) -> None:
    figures = {"e": {"total_assets": 1.0, "net_assets": net_assets}}
    c = ctx(
        figures, plan=PLAN, options={"targets": [target("debt_ratio", 1 - 0.35, strict=strict)]}
    )
    got = check_binding_targets(c)
    assert got.height == breach
    if breach:
        row = got.row(0, named=True)
        want = "< 65.00%" if strict else "<= 65.00%"
        assert (row["indicator"], row["expected"]) == (
            "debt_ratio",
            f"{want}（表2，约束性 / binding）",
        )
        assert row["message_en"] == (
            f"{CAT['debt_ratio'].name_en} is {row['found']}, against the binding target {want} "
            "(city, quzhou-14th)"
        )
        assert (
            row["message_zh"]
            == f"{CAT['debt_ratio'].name_zh} {row['found']}，未达到约束性目标 {want}（city，规划）"
        )


def test_a_binding_floor_a_formula_and_an_amount_and_the_units_own_target_first() -> None:
    targets = [
        target("zz", 1.0),  # an indicator outside the catalogue, met first
        target("net_profit", 1.0, kind="level"),  # neither a ceiling nor a floor
        target("rd_intensity", 0.01, kind="floor"),  # no entity reports its figures
        target("profit_margin", 0.10, kind="floor"),
        target("revenue", 5.0, kind="floor", scope="city"),
        target("revenue", 8.0, kind="floor", scope="qujiang"),  # the unit's own: it counts
        target("labour_productivity", 20.0, kind="floor"),
    ]
    figures = {
        "e": {"revenue": 7.0, "total_profit": 0.7, "net_profit": 9.0},  # margin exactly 10 %
        "f": {"revenue": 8.0, "total_profit": 0.79, "labour_output": 190.0, "avg_employees": 10.0,
              "net_profit": 0.6},  # the level target is met before f's two findings
    }  # fmt: skip
    got = check_binding_targets(ctx(figures, plan=PLAN, options={"targets": targets}))
    assert got.select("entity", "indicator", "expected", "found").rows() == [
        ("e", "revenue", ">= 8（表2，约束性 / binding）", "7"),
        ("f", "profit_margin", ">= 10.00%（表2，约束性 / binding）", "9.88%"),
        ("f", "labour_productivity", ">= 20（表2，约束性 / binding）", "19"),
    ]
    assert (
        got["fix"].to_list()
        == [
            "核对数字，并在“说明”列说明原因和降负债措施 / check the figures and explain the cause and "
            "the deleveraging measures in the Explanation column"
        ]
        * 3
    )
    # a formula's finding points at its numerator's cell
    assert got.filter(pl.col("entity") == "f")["cell"].to_list()[0] == "D9"
    # without a plan: nothing; the plan's own targets when no option gives them
    assert check_binding_targets(ctx(figures, options={"targets": targets})).is_empty()
    plan = SimpleNamespace(
        targets=(target("revenue", 7.5, kind="floor"), SimpleNamespace(binding=False)),
        title_zh="规划",
        id="p",
    )
    assert check_binding_targets(ctx(figures, plan=plan))["entity"].to_list() == ["e"]


@pytest.mark.parametrize(
    ("d", "hd", "bounded"),
    [(0.5, 0.5, False), (-0.5, 0.5, False), (0.0, 0.5, False), (0.5, 0.49, True), (-0.5, 0.49, True)],
)  # fmt: skip
def test_a_ratio_is_unbounded_when_its_denominators_band_reaches_zero(
    d: float, hd: float, bounded: bool
) -> None:
    roe = CAT["roe"].formula
    got = _ratio_bounds(roe, 1.0, 0.1, d, hd)
    if not bounded:
        assert got is None
        return
    corners = [n / dd for n in (0.9, 1.1) for dd in (d - hd, d + hd)]
    assert got == (min(corners), max(corners))


def test_a_binding_target_of_the_city_before_another_scopes_and_the_debt_ratio_from_its_figures() -> (
    None
):
    targets = [
        target("revenue", 9.0, kind="floor", scope="a_scope"),
        target("revenue", 5.0, kind="floor"),
    ]
    figures = {"e": {"revenue": 7.0}}
    assert check_binding_targets(ctx(figures, plan=PLAN, options={"targets": targets})).is_empty()
    # total assets of zero: the debt ratio is the submitted one
    ceiling = [target("debt_ratio", 0.65)]
    zero = {"e": {"total_assets": 0.0, "net_assets": 1.0, "debt_ratio": 0.7}}
    got = check_binding_targets(ctx(zero, plan=PLAN, options={"targets": ceiling}))
    assert got.select("indicator", "cell", "found").rows() == [("debt_ratio", "D7", "70.00%")]
    # a ratio from exactly its two components
    margin = [target("profit_margin", 0.10, kind="floor")]
    two = {"e": {"revenue": 8.0, "total_profit": 0.79}}
    assert check_binding_targets(ctx(two, plan=PLAN, options={"targets": margin}))[
        "found"
    ].to_list() == ["9.88%"]


@pytest.mark.parametrize(
    ("limit", "x", "breach"),
    [
        (10.0, 10.0 * (1 - 1e-13), False),  # float noise: at the floor
        (10.0, 10.0 * (1 - 1e-10), True),  # beyond the noise: below it
        (0.0, -1e-16, False),  # a floor of zero, within 1e-15
        (0.0, -1e-14, True),
    ],
)
def test_at_a_floor_means_within_float_noise(limit: float, x: float, breach: bool) -> None:
    floor = [target("net_profit", limit, kind="floor")]
    got = check_binding_targets(
        ctx({"e": {"net_profit": x}}, plan=PLAN, options={"targets": floor})
    )
    assert got.height == breach


def test_a_ratio_that_cannot_be_checked_does_not_stop_the_next() -> None:
    figures = {
        "e": {"roe": 0.5, "total_assets": 1.27, "net_assets": 0.51, "debt_ratio": 0.9},  # roe lacks net profit
        "f": {"revenue": 0.0, "total_profit": 1.0, "profit_margin": 0.2, "total_assets": 1.27,
              "net_assets": 0.51, "debt_ratio": 0.9},  # a margin over no revenue
    }  # fmt: skip
    assert check_ratio_identities(ctx(figures)).select("entity", "indicator").rows() == [
        ("e", "debt_ratio"),
        ("f", "debt_ratio"),
    ]
