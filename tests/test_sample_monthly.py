"""The synthetic monthly sample: December equals the annual figures, the months before are
year-to-date flows, near-linear stocks and counts that change once."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soeplan.sample import overlay_plugin_samples, sample_observations
from soeplan.sample_monthly import MONTHLY_SAMPLE_YEARS, monthly_sample

KEY = ["unit", "entity", "indicator"]


@pytest.fixture(scope="module")
def annual() -> pl.DataFrame:
    return overlay_plugin_samples(sample_observations([2021, *MONTHLY_SAMPLE_YEARS]))


@pytest.fixture(scope="module")
def months(annual: pl.DataFrame) -> pl.DataFrame:
    return monthly_sample(annual)


@pytest.mark.parametrize("year", MONTHLY_SAMPLE_YEARS)
def test_december_is_the_annual_figure_exactly(
    annual: pl.DataFrame, months: pl.DataFrame, year: int
) -> None:
    december = months.filter(year=year, month=12).drop("month").sort(KEY)
    wanted = annual.filter(year=year).sort(KEY)
    assert december.height == wanted.height > 0
    assert december["value"].to_list() == wanted["value"].to_list()
    assert december[KEY].equals(wanted[KEY])


def test_every_entity_has_twelve_months(months: pl.DataFrame) -> None:
    counts = months.group_by("entity", "year", "indicator").agg(pl.col("month").sort())
    assert all(m == list(range(1, 13)) for m in counts["month"].to_list())


def test_flows_are_year_to_date_moving_towards_the_annual_total(months: pl.DataFrame) -> None:
    flows = months.filter(pl.col("indicator").is_in(["revenue", "total_profit", "net_profit"]))
    for (_, _, _), path in flows.sort("month").group_by(
        "entity", "year", "indicator", maintain_order=True
    ):
        values = path["value"].to_list()
        total = values[-1]
        sizes = [abs(v) for v in values]
        assert sizes == sorted(sizes), values  # year-to-date never shrinks in size
        assert all(v == 0 or (v > 0) == (total > 0) for v in values)
        assert abs(values[0]) < abs(total) or total == 0  # January is a part, not the year


def test_stocks_stay_within_one_percent_of_the_straight_line(
    annual: pl.DataFrame, months: pl.DataFrame
) -> None:
    end = annual.filter(year=2023, indicator="total_assets").select("entity", end="value")
    start = annual.filter(year=2022, indicator="total_assets").select("entity", start="value")
    path = months.filter(year=2023, indicator="total_assets").join(end, on="entity")
    path = path.join(start, on="entity")
    line = pl.col("start") + (pl.col("end") - pl.col("start")) * pl.col("month") / 12
    gap = path.select(((pl.col("value") - line).abs() - pl.col("end").abs() * 0.01).max()).item()
    assert gap <= 0.006  # one percent of the year end, plus rounding to the cent


def test_counts_take_last_years_value_then_this_years(
    annual: pl.DataFrame, months: pl.DataFrame
) -> None:
    ratings = months.filter(year=2023, indicator="rated_aa")
    last = annual.filter(year=2022, indicator="rated_aa").select("entity", last="value")
    this = annual.filter(year=2023, indicator="rated_aa").select("entity", this="value")
    both = ratings.join(last, on="entity").join(this, on="entity")
    assert both.filter((pl.col("value") != pl.col("last")) & (pl.col("value") != pl.col("this")))[
        "entity"
    ].is_empty()
    changed = both.filter(pl.col("last") != pl.col("this"))
    assert not changed.is_empty()  # the sample has ratings that change in 2023
    for _, path in changed.sort("month").group_by("entity"):
        flips = sum(a != b for a, b in zip(path["value"], path["value"][1:], strict=False))
        assert flips <= 1


def test_ratios_and_unknown_indicators_are_left_out() -> None:
    cols = ["unit", "entity", "year", "indicator", "value"]
    frame = pl.DataFrame(
        [
            ("kaihua", "kh.hq", 2023, "debt_ratio", 0.5),
            ("kaihua", "kh.hq", 2023, "no_such_thing", 1.0),
            ("kaihua", "kh.hq", 2023, "revenue", 1.2),
        ],
        schema=cols,
        orient="row",
    )
    out = monthly_sample(frame, years=[2023])
    assert set(out["indicator"]) == {"revenue"}
    assert out.filter(month=12)["value"].to_list() == [1.2]


def test_a_year_without_a_previous_one_starts_flat() -> None:
    cols = ["unit", "entity", "year", "indicator", "value"]
    frame = pl.DataFrame([("kaihua", "kh.hq", 2023, "rated_aa", 1.0)], schema=cols, orient="row")
    assert monthly_sample(frame, years=[2023])["value"].to_list() == [1.0] * 12


@settings(max_examples=10, deadline=None)
@given(st.randoms(use_true_random=False))
def test_row_order_of_the_input_does_not_change_the_output(rnd: object) -> None:
    base = sample_observations([2022, 2023]).filter(pl.col("unit") == "kaihua")
    order = list(range(base.height))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shuffled = base[order]
    assert monthly_sample(shuffled).equals(monthly_sample(base))
