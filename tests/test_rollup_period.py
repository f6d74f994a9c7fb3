"""The rollup for a period: a month's express reports (快报) in the structure at the month's end,
stocks at the month's end, flows year-to-date, ratios recomputed; December equals the year."""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from _structures import small_structure
from soeplan import Entity, EventKind, StructureEvent
from soeplan.cli import cli, main
from soeplan.consolidation.period import MONTHLY_VALUE_SCHEMA, rollup_period
from soeplan.consolidation.records import VALUE_SCHEMA
from soeplan.consolidation.rollup import rollup
from soeplan.errors import SoeplanError
from soeplan.indicators import Flow, Kind
from soeplan.periods import Period
from soeplan.plugins.registry import get_registry


def monthly(rows: list[tuple[str, int, int, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["entity", "year", "month", "indicator", "value"], orient="row"
    ).with_columns(pl.col("month").cast(pl.Int8))


def _csv(args: list[str]) -> dict[tuple[str, str, str], str]:
    res = CliRunner().invoke(cli, ["rollup", "--sample", "--format", "csv", *args])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    return {(r["scope"], r["year"], r["indicator"]): r["value"] for r in rows}


def test_december_express_reports_equal_the_annual_rollup_on_the_command_line() -> None:
    """Done when: rollup --sample --period 2023-12 equals the annual 2023 rollup for every
    stock and year-to-date flow; the ratios too (their components are those figures)."""
    december, annual = _csv(["--period", "2023-12"]), _csv(["--year", "2023"])
    cat = get_registry().indicators
    flows = {c for c, i in cat.items() if i.kind is not Kind.RATIO}
    assert {k for k in annual if k[2] in flows} == {k for k in december if k[2] in flows}
    compared = 0
    for key, value in annual.items():
        assert december.get(key) == value, key  # exactly as printed: full precision
        compared += 1
    assert compared == len(december) and compared > 150
    kinds = {cat[k[2]].flow for k in december}
    assert {Flow.STOCK, Flow.FLOW, Flow.NONE} <= kinds  # the sample has no average employees
    assert ("全市", "2023", "roe_avg") in december  # opening balance from 2022's December


def test_december_equals_the_year_at_every_node_of_the_sample() -> None:
    from soeplan.cli.rollup import load_monthly_observations, load_observations, load_structure

    structure = load_structure(True, [])
    months = load_monthly_observations(True, [], Period(2023, 12))
    december = rollup_period(months, structure, Period(2023, 12)).values.drop("month")
    annual = rollup(load_observations(True, []), structure, years=[2023]).values
    assert december.height == annual.height > 1000
    assert december.equals(annual)  # every node, indicator and value, bit for bit


def test_june_is_year_to_date_and_differs_from_the_year() -> None:
    june, annual = _csv(["--period", "2023-06"]), _csv(["--year", "2023"])
    revenue = float(june[("全市", "2023", "revenue")])
    assert 0 < revenue < float(annual[("全市", "2023", "revenue")])


def test_period_of_a_year_is_the_year() -> None:
    assert _csv(["--period", "2023"]) == _csv(["--year", "2023"])


def test_csv_of_a_month_names_the_month_after_the_year() -> None:
    res = CliRunner().invoke(cli, ["rollup", "--sample", "--period", "2023-06", "--format", "csv"])
    assert res.stdout.splitlines()[0] == "scope,year,month,indicator,value"
    assert res.stdout.splitlines()[1].startswith("全市,2023,6,")


def test_table_of_a_month_shows_the_period(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rollup", "--sample", "--period", "2023年6月", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "| 2023-06 |" in out and "| 2023 |" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2023-06", "--year", "2023"], "give --period or --year, not both"),
        (["--period", "2023-13"], "a month is 1 to 12"),
        (["--period", "June"], "is not a year or a year-month"),
    ],
)
def test_bad_periods_are_refused_with_the_fix(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rollup", "--sample", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "fix:" in err and "Traceback" not in err


def test_the_sample_by_month_covers_its_years_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rollup", "--sample", "--period", "2021-06"]) == 2
    err = capsys.readouterr().err
    assert "covers 2022–2023" in err and "--year 2021" in err


def test_a_month_of_annual_figures_is_refused(tmp_path: pytest.TempPathFactory) -> None:
    frame = pl.DataFrame(
        {"unit": ["a"], "entity": ["x"], "year": [2023], "indicator": ["revenue"], "value": [1.0]}
    )
    with pytest.raises(SoeplanError, match="no month column"):
        rollup_period(frame, small_structure(), Period(2023, 6))


def test_a_month_of_data_files_on_the_command_line(tmp_path: object, capsys: object) -> None:
    import pathlib

    path = pathlib.Path(str(tmp_path)) / "months.csv"
    monthly(
        [("mun.jinkong.hq", 2023, 5, "revenue", 4.0), ("mun.jinkong.hq", 2023, 6, "revenue", 6.0)]
    ).with_columns(unit=pl.lit("municipal")).write_csv(path)
    res = CliRunner().invoke(
        cli, ["rollup", "--data", str(path), "--period", "2023-06", "--format", "csv"]
    )
    assert res.exit_code == 0, res.output
    assert "全市,2023,6,revenue,6" in res.stdout


def test_stocks_at_the_month_end_flows_year_to_date_ratios_from_them() -> None:
    data = monthly(
        [
            ("x", 2022, 12, "net_assets", 10.0),
            ("x", 2023, 6, "net_assets", 14.0),
            ("x", 2023, 6, "total_assets", 40.0),
            ("x", 2023, 6, "net_profit", 0.6),
            ("x", 2023, 5, "net_profit", 0.5),
            ("y", 2023, 6, "net_assets", 6.0),
            ("y", 2023, 6, "total_assets", 10.0),
            ("y", 2023, 6, "net_profit", 0.4),
        ]
    )
    r = rollup_period(data, small_structure(), Period(2023, 6))
    assert r.value("g", "net_profit", 2023) == pytest.approx(1.0)  # June's YTD, not May's added
    assert r.value("g", "net_assets", 2023) == pytest.approx(20.0)
    assert r.value("g", "debt_ratio", 2023) == pytest.approx(1 - 20 / 50)
    assert r.value("g", "roe", 2023) == pytest.approx(1.0 / 20)  # not annualised
    # the average denominator: y has no opening balance, so the group's opening is x's 10
    assert r.value("x", "roe_avg", 2023) == pytest.approx(0.6 / 12)
    assert set(r.values["month"].to_list()) == {6}
    assert dict(r.values.schema) == MONTHLY_VALUE_SCHEMA
    assert [c for c in MONTHLY_VALUE_SCHEMA if c != "month"] == list(VALUE_SCHEMA)


def test_an_annual_opening_balance_where_the_months_have_no_december() -> None:
    data = monthly([("x", 2023, 3, "net_assets", 12.0), ("x", 2023, 3, "net_profit", 0.3)])
    opening = pl.DataFrame(
        {"entity": ["x"], "year": [2022], "indicator": ["net_assets"], "value": [8.0]}
    )
    without = rollup_period(data, small_structure(), Period(2023, 3))
    assert without.value("x", "roe_avg", 2023) is None  # no opening balance, no average
    r = rollup_period(data, small_structure(), Period(2023, 3), opening=opening)
    assert r.value("x", "roe_avg", 2023) == pytest.approx(0.3 / 10)


def test_the_structure_at_the_month_end_not_the_year_end() -> None:
    events = (
        StructureEvent(date=dt.date(2023, 9, 1), kind=EventKind.TRANSFER, entity="z", target="g"),
    )
    structure = small_structure(events)
    data = monthly(
        [(e, 2023, m, "total_assets", v) for m in (6, 12) for e, v in (("z", 4.0), ("x", 1.0))]
    )
    june = rollup_period(data, structure, Period(2023, 6))
    december = rollup_period(data, structure, Period(2023, 12))
    assert june.value("g", "total_assets", 2023) == 1.0  # z joins g in September
    assert december.value("g", "total_assets", 2023) == 5.0
    annual = rollup(data.filter(month=12).drop("month"), structure)
    assert annual.value("g", "total_assets", 2023) == 5.0


def test_an_entity_created_after_the_month_is_not_yet_there() -> None:
    structure = small_structure()
    later = Entity(id="n", name_zh="新", unit="a", parent="g", since=dt.date(2023, 8, 1))
    import attrs

    structure = attrs.evolve(structure, entities={**structure.entities, "n": later}, cache={})
    assert "n" in structure.at(2023) and "n" not in structure.as_of(dt.date(2023, 6, 30)).at(2023)
    assert "n" not in structure.as_of(dt.date(2023, 7, 31)).at(2023)
    assert structure.as_of(dt.date(2023, 12, 31)) is structure


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(
        st.tuples(
            st.sampled_from(["x", "y", "z", "w"]),
            st.sampled_from(["revenue", "net_profit", "net_assets", "total_assets"]),
            st.integers(min_value=1, max_value=10**6),
        ),
        min_size=1,
        max_size=12,
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_december_equals_the_year_for_any_figures(values: list[tuple[str, str, int]]) -> None:
    rows = [(e, 2023, 12, i, v / 100) for e, i, v in values]
    noise = [(e, 2023, 11, i, v / 50) for e, i, v in values]  # other months are left out
    r_month = rollup_period(monthly(rows + noise), small_structure(), Period(2023, 12))
    r_year = rollup(monthly(rows).drop("month"), small_structure(), years=[2023])
    assert r_month.values.drop("month").equals(r_year.values)
