"""Progress at a month: stocks on the milestone path at the month's end, year-to-date flows
against months/12 of the year's milestone, December equal to the annual assessment."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import soeplan
from soeplan.assessment.frame import ASSESSMENT_SCHEMA, assess_frame
from soeplan.assessment.period import assess_period
from soeplan.cli import main
from soeplan.cli.rollup import load_observations
from soeplan.periods import Period
from soeplan.sample_monthly import monthly_sample

PLAN = soeplan.load_plan("quzhou-14th")
JUNE = Period(2023, 6)


def obs(values: dict[str, float], year: int = 2023, scope: str = "全市") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "scope": [scope] * len(values),
            "year": [year] * len(values),
            "indicator": list(values),
            "value": list(values.values()),
        }
    )


def city(frame: pl.DataFrame, indicator: str) -> dict[str, object]:
    return frame.filter(scope="city", indicator=indicator).row(0, named=True)


def test_a_stock_at_june_is_measured_against_the_path_half_way_into_the_year() -> None:
    # AA+ enterprises 3 (2020) -> 8 (2025), linear: 5 at 2022, 6 at 2023, so 5.5 at June 2023;
    # listed 0 -> 2: 0.8, 1.2, so 1.0; total assets 2090.49 -> 4000 compound: at 2.5 of 5
    # years the path is sqrt(2090.49 * 4000), the geometric mean of 2022's and 2023's milestones
    out = assess_period(
        obs({"rated_aa_plus": 5.5, "listed": 1.0, "total_assets": 2900.0}), PLAN, JUNE
    )
    aa, listed, assets = (city(out, c) for c in ("rated_aa_plus", "listed", "total_assets"))
    assert aa["milestone"] == pytest.approx(5.5) and listed["milestone"] == pytest.approx(1.0)
    assert aa["elapsed"] == 2.5 and aa["basis"] == "point" and aa["scale"] == 1.0
    assert aa["ratio"] == pytest.approx(1.0) and aa["status"] == "on_track"
    assert assets["method"] == "compound"
    assert assets["milestone"] == pytest.approx(math.sqrt(2090.49 * 4000), rel=1e-9)
    assert assets["milestone"] == pytest.approx(math.sqrt(2710.02 * 3085.57), rel=1e-5)
    assert assets["current"] == 2900.0 and assets["ratio"] > 1  # above the path: R > 1
    assert assets["time_share"] == pytest.approx(0.5)


def test_a_flow_at_june_expects_six_twelfths_of_the_years_milestone() -> None:
    annual = soeplan.plan_milestones(PLAN, method="compound")
    m2023 = annual.filter(scope="city", indicator="revenue", year=2023)["value"].item()
    # 78.74 -> 200 over five years, three of them by 2023: 78.74 * (200 / 78.74) ** 0.6
    assert m2023 == pytest.approx(78.74 * (200 / 78.74) ** 0.6)
    out = assess_period(obs({"revenue": m2023 / 2}), PLAN, JUNE)
    rev = city(out, "revenue")
    assert rev["milestone"] == pytest.approx(m2023 / 2) and rev["current"] == pytest.approx(
        m2023 / 2
    )
    assert rev["basis"] == "year_to_date" and rev["scale"] == 2.0 and rev["elapsed"] == 3.0
    assert rev["ratio"] == pytest.approx(1.0) and rev["status"] == "on_track"
    # 10% short of the time-based expectation is behind it
    short = city(assess_period(obs({"revenue": 0.9 * m2023 / 2}), PLAN, JUNE), "revenue")
    assert short["ratio"] < 1 and short["current"] == pytest.approx(0.9 * m2023 / 2)


def test_ratios_are_read_as_their_components_say() -> None:
    out = assess_period(obs({"roe": 0.012, "profit_margin": 0.21, "debt_ratio": 0.6}), PLAN, JUNE)
    roe, margin, debt = (city(out, c) for c in ("roe", "profit_margin", "debt_ratio"))
    # a June ROE is half a year's profit over June's equity: annualised against the 2 % floor
    assert roe["scale"] == 2.0 and roe["current"] == pytest.approx(0.024)
    assert roe["compliance"] == "met"
    # a margin of year-to-date flows is this year's margin so far, against this year's milestone
    assert margin["scale"] == 1.0 and margin["basis"] == "year_to_date"
    assert margin["elapsed"] == 3.0 and margin["milestone"] == pytest.approx(0.21596, abs=1e-5)
    # a ratio of two stocks is a reading at the month's end
    assert debt["basis"] == "point" and debt["elapsed"] == 2.5 and debt["compliance"] == "met"


@pytest.fixture(scope="module")
def sample_annual() -> pl.DataFrame:
    from soeplan.consolidation.records import scope_totals
    from soeplan.consolidation.rollup import rollup
    from soeplan.structure.city import city_structure

    result = rollup(load_observations(True, []), city_structure(sample=True), years=[2020, 2023])
    return scope_totals(result)


def test_december_is_the_annual_assessment(sample_annual: pl.DataFrame) -> None:
    cols = list(ASSESSMENT_SCHEMA)
    annual = assess_frame(sample_annual, PLAN, 2023)
    december = assess_period(sample_annual, PLAN, Period(2023, 12)).select(cols)
    assert december.equals(annual)
    assert assess_period(sample_annual, PLAN, Period(2023)).select(cols).equals(annual)
    stocks_and_flows = december.filter(pl.col("indicator").is_in(["total_assets", "revenue"]))
    assert stocks_and_flows.height == 4 and stocks_and_flows["ratio"].null_count() == 0


@settings(max_examples=40, deadline=None)
@given(month=st.integers(1, 12), ytd=st.floats(1.0, 500.0))
def test_a_months_flow_is_the_year_at_its_run_rate(month: int, ytd: float) -> None:
    monthly = city(assess_period(obs({"net_profit": ytd}), PLAN, Period(2023, month)), "net_profit")
    annual = city(assess_frame(obs({"net_profit": ytd * 12 / month}), PLAN, 2023), "net_profit")
    assert monthly["ratio"] == pytest.approx(annual["ratio"], rel=1e-12)
    assert monthly["verdict"] == annual["verdict"]
    assert monthly["milestone"] == pytest.approx(annual["milestone"] * month / 12, rel=1e-12)
    assert monthly["current"] == pytest.approx(ytd, rel=1e-12)


def test_a_month_before_the_plan_starts_is_refused() -> None:
    with pytest.raises(soeplan.SoeplanError, match="not after the base year 2020"):
        assess_period(obs({"revenue": 1.0}, year=2020), PLAN, Period(2020, 6))


def test_the_sample_month_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--sample", "--period", "2023-06", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "progress at June 2023 (50.00% of the time elapsed)" in out
    assert "months/12 of the year's milestone" in out and "synthetic" in out.lower()
    assert main(["assess", "--sample", "--period", "2023-06", "--format", "csv"]) == 0
    res = capsys.readouterr()
    assert "季节性" in res.err and res.out.startswith("口径,指标,")


def test_december_and_a_year_period_print_the_annual_assessment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rollup_csv = tmp_path / "rollup.csv"
    assert main(["rollup", "--sample", "--format", "csv"]) == 0
    rollup_csv.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["assess", "--data", str(rollup_csv), "--year", "2023", "--format", "csv"]) == 0
    annual = capsys.readouterr().out
    for argv in (
        ["--data", str(rollup_csv), "--period", "2023"],
        ["--sample", "--period", "2023"],
        ["--sample", "--period", "2023-12"],
    ):
        assert main(["assess", *argv, "--format", "csv"]) == 0, argv
        assert capsys.readouterr().out == annual, argv


def test_a_monthly_rollup_file_is_assessed_for_its_month(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "june.csv"
    assert main(["rollup", "--sample", "--period", "2023-06", "--format", "csv"]) == 0
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["assess", "--data", str(path), "--period", "2023-06", "--format", "csv"]) == 0
    from_file = capsys.readouterr().out
    june = monthly_sample(load_observations(True, []).collect()).filter(year=2023, month=6)
    revenue = june.filter(indicator="revenue")["value"].sum()
    assert f"全市,营业收入,达到,预期性,复合增长,78.74,{revenue:.2f}," in from_file


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--sample", "--period", "2023-06", "--year", "2023"],
            "give --period or --year, not both",
        ),
        (["--sample"], "give --year YEAR or --period PERIOD"),
        (["--sample", "--period", "2023-06", "--by", "unit"], "--by and --losses"),
        (["--sample", "--period", "2023-13"], "a month is 1 to 12"),
        (["--sample", "--store", "x", "--period", "2023-06"], "one source of totals"),
    ],
)
def test_refusals(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", *argv]) == 2
    assert message in capsys.readouterr().err


def test_a_store_month_some_unit_has_not_sent_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    months = monthly_sample(load_observations(True, []).collect())
    store = str(tmp_path / "s")
    units = months["unit"].unique().sort().to_list()
    files = []
    for unit in units[1:]:  # the first unit has not sent its June 快报
        path = tmp_path / f"{unit}.csv"
        months.filter(unit=unit, year=2023, month=6).write_csv(path)
        files.append(str(path))
    assert main(["ingest", *files, "--store", store, "--policy", "lenient"]) == 0
    capsys.readouterr()
    assert main(["assess", "--store", store, "--period", "2023-06"]) == 1
    err = capsys.readouterr().err
    assert "the assessment for 2023-06 would total incomplete scopes" in err
    assert "soeplan ingest FILE --period 2023-06" in err and units[0] in err
    assert main(["assess", "--store", store, "--period", "2023-06", "--allow-partial"]) == 0
    res = capsys.readouterr()
    assert f"partial: city 2023-06 missing 1 unit(s): {units[0]}" in res.err
    assert "2023年6月目标进展评估" in res.out


def test_explain_a_month_traces_the_months_rows() -> None:
    from soeplan.consolidation.explain import explain, render_explanation
    from soeplan.consolidation.period import rollup_period
    from soeplan.structure.city import city_structure

    months = monthly_sample(load_observations(True, []).collect())
    structure = city_structure(sample=True)
    tree = explain(months, structure, node="市区", indicator="revenue", period=JUNE)
    expected = rollup_period(months, structure, JUNE).value("urban", "revenue", 2023)
    assert tree.value == pytest.approx(expected) and tree.period == "2023-06"
    rows = [r for c in tree.walk() for r in c.rows]
    june = months.filter(year=2023, month=6, indicator="revenue")
    assert {r.month for r in rows} == {6} and sum(r.value for r in rows) == pytest.approx(expected)
    assert sum(r.value for r in rows) != pytest.approx(
        months.filter(year=2023, month=5, indicator="revenue")["value"].sum()
    )
    assert len(rows) <= june.height
    text = render_explanation(tree)
    assert (
        text.startswith("市区 urban · 营业收入 revenue · 2023-06 = ")
        and " 2023-06 revenue = " in text
    )
    # a year still traces the year, unchanged
    annual = explain(
        load_observations(True, []), structure, node="市区", indicator="revenue", year=2023
    )
    assert annual.period == "2023" and annual.month is None


def test_explain_period_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["explain", "--sample", "--scope", "市区", "--indicator", "revenue"]
    assert main([*argv, "--period", "2023-06"]) == 0
    assert "· 2023-06 = " in capsys.readouterr().out
    assert main([*argv, "--period", "2023"]) == 0
    by_period = capsys.readouterr().out
    assert main([*argv, "--year", "2023"]) == 0
    assert capsys.readouterr().out == by_period
    assert main([*argv, "--period", "2023-06", "--year", "2023"]) == 2
    assert main(argv) == 2 and "give --year YEAR or --period" in capsys.readouterr().err
    assert main(["explain", "--sample", "--scope", "js.scenic", "--indicator", "total_assets",
                 "--period", "2022-05"]) == 2  # fmt: skip
    assert "for 2022-05 (快报)" in capsys.readouterr().err
