"""A month's express report (快报) through template, validate, ingest and status: the month is
in the workbook, in a CSV's month column or given with --period; a falling year-to-date revenue
needs an explanation, a falling profit is a hint."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from soeplan.cli import cli, main
from soeplan.cli.rollup import load_observations
from soeplan.periods import Period
from soeplan.rules import RuleContext
from soeplan.sample_monthly import monthly_sample
from soeplan.submissions import template as tpl
from soeplan.submissions.core_rules import CORE_RULES
from soeplan.submissions.ingest import check_file, ingest_files
from soeplan.submissions.period_rules import check_ytd_decrease
from soeplan.submissions.read_errors import SubmissionReadError
from soeplan.submissions.readers import read_submission
from soeplan.submissions.store import Store
from soeplan.submissions.template_workbook import write_template
from soeplan.submissions.validate import Policy, validate


@pytest.fixture(scope="module")
def months() -> pl.DataFrame:
    return monthly_sample(load_observations(True, []).collect())


def unit_month(months: pl.DataFrame, unit: str, month: int, year: int = 2023) -> pl.DataFrame:
    return months.filter(unit=unit, year=year, month=month)


def write_csv(frame: pl.DataFrame, path: Path, *, month: bool = True) -> Path:
    (frame if month else frame.drop("month")).write_csv(path)
    return path


def test_a_month_template_says_year_to_date_and_at_the_month_end(tmp_path: Path) -> None:
    path = write_template(tmp_path / "q.xlsx", unit="qujiang", year=2023, month=6)
    wb = load_workbook(path)
    ds = wb[tpl.DATA_SHEET]
    codes = [c.value for c in ds[tpl.CODE_ROW]]
    zh = {codes[j]: ds.cell(row=tpl.HEADER_ZH_ROW, column=j + 1).value for j in range(len(codes))}
    en = {codes[j]: ds.cell(row=tpl.HEADER_EN_ROW, column=j + 1).value for j in range(len(codes))}
    assert zh["total_assets"] == "资产总额（亿元，期末数）"
    assert zh["revenue"] == "营业收入（亿元，本年累计）"
    assert zh["rated_aa"] == "AA评级企业（家，期末数）"
    assert en["revenue"] == "Operating revenue (100 million yuan; year to date)"
    assert "2023年6月 企业快报" in str(ds.cell(row=tpl.TITLE_ROW, column=tpl.NAME_COL).value)
    readme = "\n".join(str(c.value) for c in wb[tpl.README_SHEET]["A"] if c.value)
    assert "本年累计数" in readme and "year-to-date" in readme and "June 2023" in readme
    meta = {r[0].value: r[1].value for r in wb[tpl.META_SHEET].iter_rows()}
    assert (meta["year"], meta["month"]) == (2023, 6)
    annual = load_workbook(write_template(tmp_path / "a.xlsx", unit="qujiang", year=2023))
    assert "month" not in {r[0].value for r in annual[tpl.META_SHEET].iter_rows()}


def test_a_filled_month_workbook_reads_back_as_that_month(
    tmp_path: Path, months: pl.DataFrame
) -> None:
    values = unit_month(months, "qujiang", 6)
    path = write_template(tmp_path / "q.xlsx", unit="qujiang", year=2023, month=6, values=values)
    sub = read_submission(path)
    assert (sub.unit, sub.year, sub.month) == ("qujiang", 2023, 6)
    got = sub.observations.filter(pl.col("value").is_not_null())
    asked = values.filter(pl.col("indicator").is_in(got["indicator"].unique().to_list()))
    assert got.height == asked.height > 50
    assert got.sort("entity", "indicator")["value"].to_list() == (
        asked.sort("entity", "indicator")["value"].to_list()
    )
    st = Store(tmp_path / "s")
    [r] = ingest_files([path], st, policy=Policy.named("lenient"))
    assert r.entry is not None and r.entry.month == 6
    assert st.accepted(2023, 6)["qujiang"].rows == asked.height
    assert st.accepted(2023) == {}


def test_the_template_command_writes_the_month(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        cli, ["template", "--unit", "kaihua", "--period", "2023-06", "-o", str(tmp_path / "k.xlsx")]
    )
    assert res.exit_code == 0, res.output
    assert "2023-06" in res.output and "企业快报" in res.output
    assert read_submission(tmp_path / "k.xlsx").month == 6
    res = CliRunner().invoke(cli, ["template", "--unit", "kaihua"])
    assert res.exit_code == 2 and "give --year YEAR or --period" in res.output


def test_a_csv_month_column_or_the_period_given(tmp_path: Path, months: pl.DataFrame) -> None:
    june = unit_month(months, "kaihua", 6)
    assert read_submission(write_csv(june, tmp_path / "m.csv")).month == 6
    plain = write_csv(june, tmp_path / "p.csv", month=False)
    assert read_submission(plain).month is None
    assert check_file(plain, month=6, plan=None).month == 6  # --period fills it in


@pytest.mark.parametrize(
    ("months_", "message"),
    [([6, 13], "month '13' is not a month 1–12"), ([5, 6], "the file holds several months")],
)
def test_bad_month_columns_are_refused_by_row(
    tmp_path: Path, months: pl.DataFrame, months_: list[int], message: str
) -> None:
    rows = (
        unit_month(months, "kaihua", 6)
        .head(2)
        .with_columns(month=pl.Series(months_).cast(pl.String))
    )
    with pytest.raises(SubmissionReadError) as err:
        read_submission(write_csv(rows, tmp_path / "bad.csv"))
    assert message in str(err.value.problems[0]) and "row 3" in str(err.value.problems[0])


def test_an_annual_workbook_is_not_a_month(tmp_path: Path) -> None:
    path = write_template(tmp_path / "a.xlsx", unit="qujiang", year=2023)
    with pytest.raises(SubmissionReadError) as err:
        check_file(path, month=6)
    problem = str(err.value.problems[0])
    assert "an annual submission, not the 快报 of 2023-06" in problem
    assert "soeplan template --period 2023-06" in problem


def _ctx(month: int, now: float, before: float, code: str) -> RuleContext:
    from soeplan.plugins.registry import get_registry

    def frame(v: float) -> pl.DataFrame:
        return pl.DataFrame(
            {"unit": ["kaihua"], "entity": ["kh.a"], "year": [2023], "indicator": [code],
             "value": [v], "row": [5], "file": ["k.csv"]}
        )  # fmt: skip

    return RuleContext(
        observations=frame(now),
        year=2023,
        month=month,
        previous=frame(before),
        indicators=dict(get_registry().indicators),
    )


def test_a_falling_year_to_date_revenue_is_a_warning_a_profit_a_hint() -> None:
    [revenue] = check_ytd_decrease(_ctx(6, 8.0, 10.0, "revenue")).to_dicts()
    assert revenue["severity"] == "warning" and revenue["entity"] == "kh.a"
    assert revenue["found"] == "8 (本月 this month -2)" and "5 月累计" in revenue["expected"]
    [profit] = check_ytd_decrease(_ctx(6, -1.0, 0.5, "net_profit")).to_dicts()
    assert profit["severity"] == "hint" and "a loss this month" in profit["message_en"]
    assert check_ytd_decrease(_ctx(6, 10.0, 10.0, "revenue")).is_empty()  # flat is fine
    assert check_ytd_decrease(_ctx(6, 5.0, 10.0, "total_assets")).is_empty()  # a stock
    assert check_ytd_decrease(_ctx(1, 5.0, 10.0, "revenue")).is_empty()  # the year restarts
    assert check_ytd_decrease(_ctx(6, 5.0, 10.0, "rated_aa")).is_empty()  # a count
    assert "core.ytd-decrease" in {r.id for r in CORE_RULES}


def test_the_warning_blocks_until_explained() -> None:
    rule = [r for r in CORE_RULES if r.id == "core.ytd-decrease"]
    ctx = _ctx(6, 8.0, 10.0, "revenue")
    report = validate(ctx.observations, year=2023, month=6, previous=ctx.previous, plan=None,
                      rules=rule)  # fmt: skip
    assert not report.acceptable
    explained = ctx.observations.with_columns(explanation=pl.lit("a sale of April reversed"))
    ok = validate(explained, year=2023, month=6, previous=ctx.previous, plan=None, rules=rule)
    assert ok.acceptable


def test_ingest_checks_a_month_against_the_month_before(
    tmp_path: Path, months: pl.DataFrame
) -> None:
    store = tmp_path / "s"
    may, june = unit_month(months, "kaihua", 5), unit_month(months, "kaihua", 6)
    first = june.filter(pl.col("indicator") == "revenue")["entity"][0]
    june = june.with_columns(
        pl.when((pl.col("indicator") == "revenue") & (pl.col("entity") == first))
        .then(0.0)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    lenient = Policy.named("lenient")
    ingest_files([write_csv(may, tmp_path / "may.csv")], store, policy=lenient)
    [r] = ingest_files([write_csv(june, tmp_path / "june.csv")], store, policy=lenient)
    found = r.checked.report.findings.filter(pl.col("rule") == "core.ytd-decrease")
    assert found["entity"].to_list() == [first] and found["severity"].to_list() == ["warning"]
    assert r.checked.period == Period(2023, 6)


def test_status_and_decisions_by_period(
    tmp_path: Path, months: pl.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s")
    june = write_csv(unit_month(months, "kaihua", 6), tmp_path / "june.csv")
    argv = ["ingest", str(june), "--store", store, "--hold", "--policy", "lenient"]
    assert main(argv) == 0
    assert "kaihua 2023-06 version 1" in capsys.readouterr().out
    assert main(["status", "--store", store, "--period", "2023-06", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "kaihua,已上报 submitted,1,," in out and "qujiang,待上报 expected" in out
    assert main(["status", "--store", store, "--year", "2023", "--format", "csv"]) == 0
    assert "kaihua,待上报 expected" in capsys.readouterr().out  # the year is its own period
    assert (
        main(["store", "accept", "--store", store, "--unit", "kaihua", "--period", "2023-06"]) == 0
    )
    assert "kaihua 2023-06: 已接收 accepted (version 1)" in capsys.readouterr().out
    assert main(["store", "history", "--store", store, "--unit", "kaihua", "--period", "2023-6",
                 "--format", "csv"]) == 0  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split(",")[4] for ln in lines[1:]] == ["submitted", "accepted"]  # 2023-06's own
    assert main(["store", "list", "--store", store, "--format", "json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["month"], listed["current"]) == (6, True)
    assert main(["store", "show", "--store", store, "--unit", "kaihua", "--period", "2023-06",
                 "--format", "csv"]) == 0  # fmt: skip
    assert "kaihua,kh." in capsys.readouterr().out
    assert main(["store", "show", "--store", store, "--unit", "kaihua", "--year", "2023"]) == 2
    assert "no submission of kaihua for 2023 " in capsys.readouterr().err
    assert main(["status", "--store", store, "--period", "2023-06", "--year", "2023"]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["status", "--store", store]) == 2


def test_rollup_of_a_store_month_is_the_sample_month(
    tmp_path: Path, months: pl.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s")
    files = []
    for unit in months["unit"].unique().sort().to_list():
        for year, month in ((2023, 6), (2022, 12)):  # December 2022: the opening balances
            frame = unit_month(months, unit, month, year)
            files.append(str(write_csv(frame, tmp_path / f"{unit}-{year}-{month}.csv")))
    assert main(["ingest", *files, "--store", store, "--policy", "lenient"]) == 0
    capsys.readouterr()
    assert main(["rollup", "--store", store, "--period", "2023-06", "--format", "csv"]) == 0
    from_store = capsys.readouterr().out
    assert main(["rollup", "--sample", "--period", "2023-06", "--format", "csv"]) == 0
    sample = capsys.readouterr().out
    city = [ln for ln in from_store.splitlines() if ln.startswith("全市,")]
    assert city and city == [ln for ln in sample.splitlines() if ln.startswith("全市,")]
    assert main(["rollup", "--store", store, "--period", "2023-05"]) == 2
    assert "no accepted express report (快报) for 2023-05" in capsys.readouterr().err


def test_the_express_report_reads_a_stores_month_and_names_each_units_state(
    tmp_path: Path, months: pl.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s")
    files = [
        str(write_csv(unit_month(months, unit, 6), tmp_path / f"{unit}-2023-06.csv"))
        for unit in ("kaihua", "changshan")
    ]
    lenient = ["--policy", "lenient"]
    assert main(["ingest", files[0], "--store", store, *lenient]) == 0
    assert main(["ingest", files[1], "--store", store, "--hold", *lenient]) == 0
    capsys.readouterr()
    out = tmp_path / "kuaibao"
    assert main(["report", "--period", "2023-06", "--store", store, "--out", str(out)]) == 0
    md = (out / "express.md").read_text(encoding="utf-8")
    missing = md.split("## 未报送单位")[1].split("\n## ")[0]
    assert "开化县" not in missing  # accepted: reported
    assert "常山县（已上报）" in missing  # received, waiting for the office
    assert "江山市（待上报）" in missing  # nothing received
    # the figures are the accepted unit's only: Kaihua's June revenue
    kaihua = unit_month(months, "kaihua", 6).filter(indicator="revenue")["value"].sum()
    assert f"{kaihua:,.2f}" in md
    assert main(["report", "--period", "2023-05", "--store", store, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no accepted express report (快报) for 2023-05" in err and "Traceback" not in err
