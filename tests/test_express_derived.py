"""The 快报's derived figures, hand-checked: monthly amounts, 同比, 环比, year-to-date ratios and
December against the annual submission."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soeplan.express.derived import month_on_month, monthly_amounts, year_on_year, ytd_ratios
from soeplan.express.reconcile import DECEMBER_RULE, reconcile_december
from soeplan.periods import Period


def _frame(rows: list[tuple[str, int, int, str, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"entity": pl.String, "year": pl.Int32, "month": pl.Int8,
                "indicator": pl.String, "value": pl.Float64},
        orient="row",
    )  # fmt: skip


def test_monthly_amounts_are_year_to_date_differences_january_its_own() -> None:
    ytd = _frame([("a", 2023, 1, "revenue", 3.0), ("a", 2023, 2, "revenue", 7.5),
                  ("a", 2023, 3, "revenue", 12.0), ("a", 2023, 3, "total_assets", 99.0),
                  ("b", 2023, 2, "revenue", 5.0)])  # fmt: skip
    out = monthly_amounts(ytd)
    got = {(e, m): v for e, _, m, _, v in out.iter_rows()}
    # a: Jan 3.0, Feb 7.5 − 3.0 = 4.5, Mar 12.0 − 7.5 = 4.5; b's February has no January
    assert got == {("a", 1): 3.0, ("a", 2): 4.5, ("a", 3): 4.5, ("b", 2): None}
    assert "total_assets" not in out["indicator"].to_list()  # a balance has no month's amount
    assert out.schema["month"] == pl.Int8


@given(st.lists(st.integers(-10_000, 10_000), min_size=1, max_size=12))
@settings(max_examples=50, deadline=None)
def test_monthly_amounts_sum_back_to_the_year_to_date(cents: list[int]) -> None:
    run, rows = 0, []
    for m, c in enumerate(cents, start=1):
        run += c
        rows.append(("a", 2023, m, "net_profit", run / 100))
    out = monthly_amounts(_frame(rows))
    assert math.isclose(sum(out["value"].to_list()), run / 100, abs_tol=1e-9)


def test_year_on_year_hand_checked_with_losses_and_missing_bases() -> None:
    f = _frame([
        ("a", 2022, 6, "revenue", 40.0), ("a", 2023, 6, "revenue", 50.0),  # +10, +25 %
        ("a", 2022, 6, "total_profit", -10.0), ("a", 2023, 6, "total_profit", -4.0),  # 减亏
        ("a", 2022, 6, "net_profit", 10.0), ("a", 2023, 6, "net_profit", -5.0),  # 由盈转亏
        ("a", 2022, 6, "total_assets", 0.0), ("a", 2023, 6, "total_assets", 8.0),  # zero base
        ("a", 2023, 6, "net_assets", 3.0),  # no base
        ("a", 2022, 6, "debt_ratio", 0.60), ("a", 2023, 6, "debt_ratio", 0.65),  # points
        ("a", 2023, 5, "revenue", 1.0),  # another month: not this period's
    ])  # fmt: skip
    out = {r["indicator"]: r for r in year_on_year(f, Period(2023, 6)).iter_rows(named=True)}
    assert set(out) == {"revenue", "total_profit", "net_profit", "total_assets", "net_assets",
                        "debt_ratio"}  # fmt: skip
    assert (out["revenue"]["change"], out["revenue"]["growth"]) == (10.0, 0.25)
    assert (out["total_profit"]["change"], out["total_profit"]["growth"]) == (6.0, 0.6)
    assert (out["net_profit"]["change"], out["net_profit"]["growth"]) == (-15.0, -1.5)
    assert out["total_assets"]["growth"] is None and out["total_assets"]["change"] == 8.0
    assert out["net_assets"]["last_year"] is None and out["net_assets"]["growth"] is None
    assert out["debt_ratio"]["change"] == pytest.approx(0.05)
    assert out["debt_ratio"]["growth"] is None


def test_year_on_year_of_a_year_compares_whole_years() -> None:
    f = _frame([("a", 2022, 12, "revenue", 80.0), ("a", 2023, 12, "revenue", 100.0)])
    row = year_on_year(f, Period(2023, 12)).row(0, named=True)
    assert (row["last_year"], row["growth"]) == (80.0, 0.25)


def test_month_on_month_compares_amounts_for_flows_and_balances_for_stocks() -> None:
    f = _frame([
        ("a", 2023, 1, "revenue", 4.0), ("a", 2023, 2, "revenue", 9.0),
        ("a", 2023, 3, "revenue", 12.0),  # March 3.0 against February 5.0: −40 %
        ("a", 2023, 2, "total_assets", 100.0), ("a", 2023, 3, "total_assets", 110.0),
    ])  # fmt: skip
    out = {r["indicator"]: r for r in month_on_month(f, Period(2023, 3)).iter_rows(named=True)}
    assert (out["revenue"]["value"], out["revenue"]["previous"]) == (3.0, 5.0)
    assert out["revenue"]["growth"] == pytest.approx(-0.4)
    assert (out["total_assets"]["change"], out["total_assets"]["growth"]) == (10.0, 0.1)
    assert month_on_month(f, Period(2023, 1)).is_empty()  # January: the year restarts


def test_ytd_ratios_are_recomputed_from_year_to_date_components() -> None:
    f = _frame([
        ("a", 2023, 6, "total_profit", 3.0), ("a", 2023, 6, "revenue", 60.0),
        ("a", 2023, 6, "net_profit", 2.0), ("a", 2023, 6, "net_assets", 40.0),
        ("a", 2023, 6, "total_assets", 100.0), ("a", 2022, 12, "net_assets", 36.0),
        ("a", 2023, 6, "profit_margin", 0.99),  # a ratio as reported: replaced
    ])  # fmt: skip
    june = ytd_ratios(f).filter(pl.col("month") == 6)
    got = dict(zip(june["indicator"], june["value"], strict=True))
    assert got["profit_margin"] == pytest.approx(3.0 / 60.0)
    assert got["roe"] == pytest.approx(2.0 / 40.0)  # year-to-date, not annualised
    assert got["roe_avg"] == pytest.approx(2.0 / ((36.0 + 40.0) / 2))  # last December and June
    assert got["debt_ratio"] == pytest.approx(1 - 40.0 / 100.0)
    assert got["net_margin"] == pytest.approx(2.0 / 60.0)
    assert len(june.filter(pl.col("indicator") == "profit_margin")) == 1


def test_december_reconciled_with_the_annual_figures_within_the_tolerance() -> None:
    dec = pl.DataFrame({
        "unit": ["kecheng"] * 4, "entity": ["kc.a", "kc.a", "kc.b", "kc.b"],
        "year": [2023] * 4, "month": [12] * 4,
        "indicator": ["revenue", "total_assets", "revenue", "net_profit"],
        "value": [10.004, 50.0, 7.0, 1.0]})  # fmt: skip
    annual = pl.DataFrame({
        "unit": ["kecheng"] * 4, "entity": ["kc.a", "kc.a", "kc.b", "kc.c"],
        "year": [2023] * 4, "indicator": ["revenue", "total_assets", "revenue", "revenue"],
        "value": [10.0, 50.2, 7.0, 3.0]})  # fmt: skip
    found = reconcile_december(dec, annual, 2023)
    got = {(r["entity"], r["indicator"]): r for r in found.iter_rows(named=True)}
    # 10.004 vs 10.0 is within 0.005; kc.b's net_profit is not in the annual frame at all
    # (an indicator only one side carries is not compared); kc.c has no December figure
    assert set(got) == {("kc.a", "total_assets"), ("kc.c", "revenue")}
    assert got[("kc.a", "total_assets")]["found"] == "50.0000 (快报 2023-12) / 50.2000 (年报 2023)"
    assert got[("kc.a", "total_assets")]["rule"] == DECEMBER_RULE
    assert "-0.2000" in got[("kc.a", "total_assets")]["message_en"]
    assert got[("kc.c", "revenue")]["unit"] == "kecheng"
    assert "no figure" in got[("kc.c", "revenue")]["message_en"]


def test_the_monthly_sample_december_reconciles_with_the_annual_sample() -> None:
    from soeplan.sample import sample_observations
    from soeplan.sample_monthly import monthly_sample

    annual = sample_observations([2022, 2023])
    months = monthly_sample(annual, years=[2023])
    assert reconcile_december(months, annual, 2023).is_empty()
    changed = months.with_columns(
        pl.when((pl.col("month") == 12) & (pl.col("entity") == "kc.invest")
                & (pl.col("indicator") == "revenue"))
        .then(pl.col("value") + 0.01).otherwise(pl.col("value")).alias("value"))  # fmt: skip
    found = reconcile_december(changed, annual, 2023)
    assert found.select("entity", "indicator").rows() == [("kc.invest", "revenue")]


def test_a_ratio_in_its_own_unit_grows_like_an_amount() -> None:
    f = _frame([("a", 2022, 6, "labour_productivity", 20.0),
                ("a", 2023, 6, "labour_productivity", 25.0)])  # fmt: skip
    row = year_on_year(f, Period(2023, 6)).row(0, named=True)
    assert (row["change"], row["growth"]) == (5.0, 0.25)  # 万元/人, not percentage points
