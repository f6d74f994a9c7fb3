"""Edges of the number helpers that the rest of the suite reaches only through larger results:
closed intervals, the percent text of an interval, a milestone base given by the caller, and the
labels of the path methods."""

from __future__ import annotations

import math
from decimal import Decimal

import polars as pl
import pytest

from soeplan import (
    Interval,
    Method,
    MidTerm,
    Status,
    cagr,
    city_structure,
    load_plan,
    total_growth,
)
from soeplan.assessment.milestones import level_targets


def test_an_interval_is_closed_at_both_ends() -> None:
    iv = Interval(Decimal("8.825"), Decimal("8.835"))
    assert iv.contains(Decimal("8.825")) and iv.contains(Decimal("8.835"))
    assert not iv.contains(Decimal("8.8351")) and not iv.contains(Decimal("8.8249"))
    assert iv.width == Decimal("0.010")


def test_percent_text_rounds_outward_at_four_places_by_default() -> None:
    iv = Interval(Decimal("0.0676312"), Decimal("0.0680478"))
    assert iv.percent_text() == "[6.7631%, 6.8048%]"  # lo floored, hi ceiled
    assert iv.percent_text(2) == "[6.76%, 6.81%]"
    assert iv.percent_text(0) == "[6%, 7%]"
    negative = Interval(Decimal("-0.0123456"), Decimal("-0.0123451"))
    assert negative.percent_text(3) == "[-1.235%, -1.234%]"


def test_level_targets_take_the_callers_base_where_given() -> None:
    plan = load_plan("quzhou-14th")
    bases = pl.DataFrame(
        {
            "scope": ["city", "urban"],
            "indicator": ["total_assets", "revenue"],
            "base": [2000.0, 50.0],
        }
    )
    rows = level_targets(plan, bases)
    got = {(r["scope"], r["indicator"]): r for r in rows.iter_rows(named=True)}
    assert got[("city", "total_assets")]["base"] == 2000.0  # given
    assert got[("urban", "revenue")]["base"] == 50.0  # given
    assert got[("city", "revenue")]["base"] == 78.74  # the plan's published figure
    assert got[("urban", "total_assets")]["base"] == 1197.87
    assert got[("city", "total_assets")]["target"] == 4000.0
    assert got[("city", "total_assets")]["base_year"] == 2020
    assert got[("city", "total_assets")]["target_year"] == 2025
    assert got[("city", "total_assets")]["compoundable"] is True
    assert got[("city", "rated_aaa")]["compoundable"] is False
    assert rows.height == level_targets(plan).height  # a left join: no target is lost
    assert "published" not in rows.columns
    plain = {
        (r["scope"], r["indicator"]): r["base"] for r in level_targets(plan).iter_rows(named=True)
    }
    assert plain[("city", "total_assets")] == 2090.49 and plain[("urban", "revenue")] == 46.02


@pytest.mark.parametrize(
    ("member", "zh", "en"),
    [
        (Method.COMPOUND, "复合增长", "compound"),
        (Method.LINEAR, "线性", "linear"),
        (Status.ON_TRACK, "进展顺利", "on track"),
        (MidTerm.AS_EXPECTED, "基本符合预期", "broadly as expected"),
    ],
)
def test_labels_are_chinese_by_default(member: Method | Status | MidTerm, zh: str, en: str) -> None:
    assert member.label() == zh and member.label("zh") == zh and member.label("en") == en


@pytest.mark.parametrize(
    "args", [(math.inf, 5.0), (2.0, math.inf), (-math.inf, 5.0), (2.0, -math.inf), (math.nan, 1.0)]
)
def test_total_growth_of_an_infinite_value_is_undefined(args: tuple[float, float]) -> None:
    # not -1 (5 / inf - 1) nor inf: a growth rate needs two finite figures
    assert math.isnan(total_growth(*args))
    assert math.isnan(cagr(args[0], args[1], 5))


def test_a_growth_rate_over_infinite_years_is_undefined() -> None:
    assert math.isnan(cagr(1.0, 2.0, math.inf))  # not (2 / 1) ** 0 - 1 = 0


def test_a_snapshot_is_of_the_year_asked_for_even_when_shared() -> None:
    # 2021 and 2022 have the same entities in force (the same signature): one set of states,
    # two snapshots, each with its own year
    s = city_structure(sample=True)
    assert s.signature(2030) == s.signature(2031)
    a, b = s.at(2030), s.at(2031)
    assert (a.year, b.year) == (2030, 2031) and a.entities is b.entities
    assert s.at(2031) is b and b.children("mun.jinkong") == a.children("mun.jinkong")
