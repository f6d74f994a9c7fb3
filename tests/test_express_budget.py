"""Budget execution (完成率) hand-checked: rates, the time-based expectation, statuses, findings,
the budget rolled up through the structure, the synthetic sample budget."""

from __future__ import annotations

import polars as pl
import pytest

from soeplan.errors import SoeplanError
from soeplan.express.budget import (
    BUDGET_RULE,
    ExecutionStatus,
    ExecutionThresholds,
    budget_execution,
    budget_findings,
    roll_budget,
)
from soeplan.express.sample_budget import sample_budget
from soeplan.periods import Period
from soeplan.structure.city import city_structure


def _actual(rows: list[tuple[str, int, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(n, 2023, m, i, v) for n, m, i, v in rows],
        schema={"node": pl.String, "year": pl.Int32, "month": pl.Int8, "indicator": pl.String,
                "value": pl.Float64},
        orient="row",
    )  # fmt: skip


def _budget(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(n, 2023, i, v) for n, i, v in rows],
        schema={"node": pl.String, "year": pl.Int32, "indicator": pl.String, "value": pl.Float64},
        orient="row",
    )  # fmt: skip


def test_execution_rates_against_time_elapsed_hand_checked() -> None:
    actual = _actual([
        ("a", 9, "revenue", 60.0),  # 60 / 100 = 60 % at September (75 %): 15 points behind
        ("b", 9, "revenue", 40.0),  # 40 / 100: 35 points behind: far behind
        ("c", 9, "revenue", 99.0),  # 99 / 100: 24 points ahead
        ("d", 9, "revenue", 70.0),  # 70 %: within 10 points
        ("e", 9, "total_profit", -2.0),  # a loss budget: not rated
        ("a", 8, "revenue", 1.0),  # another month: not September's
    ])  # fmt: skip
    budget = _budget([("a", "revenue", 100.0), ("b", "revenue", 100.0), ("c", "revenue", 100.0),
                      ("d", "revenue", 100.0), ("e", "total_profit", -5.0),
                      ("f", "investment", 10.0),  # no actual: not rated
                      ("a", "total_assets", 500.0)])  # not a budget line  # fmt: skip
    ex = budget_execution(actual, budget, Period(2023, 9))
    got = {r["node"]: r for r in ex.iter_rows(named=True)}
    assert set(got) == set("abcdef")
    assert got["a"]["rate"] == pytest.approx(0.60) and got["a"]["elapsed"] == 0.75
    assert got["a"]["gap"] == pytest.approx(-0.15)
    status = {n: r["status"] for n, r in got.items()}
    assert status == {"a": "behind", "b": "far_behind", "c": "ahead", "d": "on_pace",
                      "e": "not_rated", "f": "not_rated"}  # fmt: skip
    assert got["e"]["rate"] is None and got["f"]["actual"] is None
    assert ex.schema["month"] == pl.Int8 and set(ex["month"]) == {9}


def test_june_expects_half_and_thresholds_are_data() -> None:
    ex = budget_execution(_actual([("a", 6, "revenue", 38.0)]), _budget([("a", "revenue", 100.0)]),
                   Period(2023, 6), thresholds=ExecutionThresholds(behind=0.05, far_behind=0.1))  # fmt: skip
    row = ex.row(0, named=True)
    assert (row["elapsed"], row["status"]) == (0.5, "far_behind")  # 12 points behind > 10
    with pytest.raises(SoeplanError, match="not valid"):
        ExecutionThresholds(behind=0.3, far_behind=0.2)
    assert ExecutionThresholds().status(-0.10) is ExecutionStatus.ON_PACE  # at the line: on pace
    assert ExecutionThresholds().status(-0.1001) is ExecutionStatus.BEHIND


def test_findings_name_node_indicator_rate_and_expectation() -> None:
    ex = budget_execution(_actual([("a", 6, "revenue", 20.0), ("b", 6, "revenue", 45.0),
                            ("c", 6, "revenue", 80.0)]),
                   _budget([("a", "revenue", 100.0), ("b", "revenue", 100.0),
                            ("c", "revenue", 100.0)]), Period(2023, 6))  # fmt: skip
    found = budget_findings(ex, Period(2023, 6))
    rows = {r["entity"]: r for r in found.iter_rows(named=True)}
    assert set(rows) == {"a", "c"}  # b is 5 points behind: on pace
    assert rows["a"]["severity"] == "warning" and rows["c"]["severity"] == "hint"
    assert (rows["a"]["found"], rows["a"]["expected"]) == ("20.00%", "50.00%")
    assert rows["a"]["rule"] == BUDGET_RULE and "2023年6月" in rows["a"]["message_zh"]


def test_budgets_roll_up_like_flows() -> None:
    budget = pl.DataFrame({"unit": ["municipal", "municipal", "kecheng"],
                           "entity": ["mun.jinkong.hq", "mun.jinkong.fund", "kc.invest"],
                           "year": [2023] * 3, "indicator": ["revenue"] * 3,
                           "value": [10.0, 5.5, 2.0]})  # fmt: skip
    values, findings = roll_budget(budget, city_structure(sample=True))
    at = {n: v for n, i, v in values.select("node", "indicator", "value").iter_rows()}
    assert at["mun.jinkong"] == 15.5 and at["kecheng"] == 2.0 and at["city"] == 17.5
    assert findings.is_empty()


def test_the_sample_budget_is_synthetic_and_near_the_actuals() -> None:
    from soeplan.sample import sample_observations

    b = sample_budget(2023)
    assert b["synthetic"].all() and b["source"].str.contains("合成").all()
    actual = sample_observations([2023]).filter(pl.col("indicator") == "revenue")
    both = b.filter(pl.col("indicator") == "revenue").join(actual, on=["entity", "indicator"])
    ratio = both["value"] / both["value_right"]
    assert ratio.min() >= 0.91 and ratio.max() <= 1.13  # type: ignore[operator]
    assert b.filter(pl.col("indicator") == "investment").height == actual.height
