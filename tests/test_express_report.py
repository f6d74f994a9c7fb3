"""The monthly express report (快报) on the sample: its figures against the frames they come
from, its three files in both languages, text from inputs kept as text, and the page rendered
in a real headless browser with no request made."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from report_fixtures import CHROMIUM, CHROMIUM_FLAGS, needs_chromium
from soeplan.cli import cli, main
from soeplan.express.sample_budget import sample_budget
from soeplan.periods import Period
from soeplan.plan.load import load_plan
from soeplan.report.express import ExpressReport, build_express, express_meta
from soeplan.report.express_write import render_express_markdown, write_express
from soeplan.report.model import ReportMeta
from soeplan.sample import sample_observations
from soeplan.sample_monthly import monthly_sample
from soeplan.structure.city import city_structure


def _meta() -> ReportMeta:
    return express_meta(load_plan("quzhou-14th"), Period(2023, 6), synthetic=True)


@pytest.fixture(scope="module")
def inputs() -> tuple[pl.DataFrame, pl.DataFrame]:
    annual = sample_observations([2022, 2023])
    return monthly_sample(annual), annual


def _report(inputs: tuple[pl.DataFrame, pl.DataFrame], month: int) -> ExpressReport:
    monthly, annual = inputs
    return build_express(monthly, city_structure(sample=True), Period(2023, month),
                         meta=_meta(), budget=sample_budget(2023), annual=annual)  # fmt: skip


def _sum(frame: pl.DataFrame, year: int, month: int, indicator: str) -> float:
    f = frame.filter((pl.col("year") == year) & (pl.col("month") == month)
                     & (pl.col("indicator") == indicator))  # fmt: skip
    return float(f["value"].sum())


def test_city_figures_are_the_sums_of_the_monthly_sample(
    inputs: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    monthly, _ = inputs
    r = _report(inputs, 6)
    row = r.figures.filter((pl.col("node") == "city") & (pl.col("indicator") == "revenue")).row(
        0, named=True
    )
    now, before = _sum(monthly, 2023, 6, "revenue"), _sum(monthly, 2022, 6, "revenue")
    assert row["value"] == pytest.approx(now) and row["last_year"] == pytest.approx(before)
    assert row["growth"] == pytest.approx((now - before) / before)
    june = now - _sum(monthly, 2023, 5, "revenue")
    may = _sum(monthly, 2023, 5, "revenue") - _sum(monthly, 2023, 4, "revenue")
    assert row["month_amount"] == pytest.approx(june)
    assert row["mom_growth"] == pytest.approx((june - may) / may)
    ex = r.execution.filter((pl.col("node") == "city") & (pl.col("indicator") == "revenue"))
    budget = float(sample_budget(2023).filter(pl.col("indicator") == "revenue")["value"].sum())
    assert ex["budget"][0] == pytest.approx(budget)
    assert ex["rate"][0] == pytest.approx(now / budget) and ex["elapsed"][0] == 0.5
    assert r.figures["node"][0] == "city"  # scopes first
    assert r.not_submitted == ()  # the sample has every unit


def test_a_unit_without_figures_is_not_submitted(inputs: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    monthly, _annual = inputs
    r = build_express(monthly.filter(pl.col("unit") != "kaihua"), city_structure(sample=True),
                      Period(2023, 6), meta=_meta())  # fmt: skip
    assert [u for u, _ in r.not_submitted] == ["kaihua"]
    assert r.execution.is_empty()


def test_december_differences_are_findings(inputs: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    monthly, annual = inputs
    assert (
        _report(inputs, 12)
        .findings.filter(pl.col("rule") == "express.december_vs_annual")
        .is_empty()
    )
    changed = annual.with_columns(
        pl.when((pl.col("entity") == "kc.invest") & (pl.col("indicator") == "total_assets")
                & (pl.col("year") == 2023)).then(pl.col("value") + 1).otherwise("value")
        .alias("value"))  # fmt: skip
    r = build_express(monthly, city_structure(sample=True), Period(2023, 12), meta=_meta(),
                      annual=changed)  # fmt: skip
    f = r.findings.filter(pl.col("rule") == "express.december_vs_annual")
    assert f.select("entity", "indicator").rows() == [("kc.invest", "total_assets")]


def test_files_in_both_languages_and_input_text_stays_text(
    inputs: tuple[pl.DataFrame, pl.DataFrame], tmp_path: Path
) -> None:
    r = _report(inputs, 6)
    out = write_express(r, tmp_path / "zh")
    assert sorted(p.name for p in out.iterdir()) == ["express.html", "express.md", "express.xlsx"]
    md = (out / "express.md").read_text(encoding="utf-8")
    assert "2023年6月国资国企经济运行快报" in md and "合成" in md and "同比" in md
    en = render_express_markdown(r.with_lang("en"))
    assert "express report, June 2023" in en and "Budget execution" in en
    hostile = attrs_evolve_name(r, "<script>alert(1)</script>|=1+1")
    md = render_express_markdown(hostile)
    assert "<script>" not in md and "\\|=1+1" in md
    html = write_express(hostile, tmp_path / "h") / "express.html"
    text = html.read_text(encoding="utf-8")
    assert "<script>alert" not in text and "&lt;script&gt;" in text
    assert "Content-Security-Policy" in text and "default-src &#39;none&#39;" in text
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "h" / "express.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)  # =1+1 never became a formula
    figures = wb[wb.sheetnames[1]]
    assert any(isinstance(c.value, float) for row in figures.iter_rows() for c in row)


def attrs_evolve_name(r: ExpressReport, name: str) -> ExpressReport:
    import attrs

    return attrs.evolve(r, figures=r.figures.with_columns(pl.lit(name).alias("name_zh")))


def test_report_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runner = CliRunner()
    res = runner.invoke(
        cli, ["report", "--period", "2023-06", "--sample", "--out", str(tmp_path / "k")]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "k" / "express.html").is_file()
    res = runner.invoke(
        cli, ["report", "--period", "2023", "--sample", "--out", str(tmp_path / "y")]
    )
    assert res.exit_code == 2 and "for a month" in res.output
    code = main(["report", "--period", "2021-06", "--sample", "--out", str(tmp_path / "y")])
    err = capsys.readouterr().err
    assert code != 0 and "covers 2022, 2023" in err and not (tmp_path / "y").exists()
    bad = tmp_path / "m.csv"
    bad.write_text("unit,entity,year,month,indicator,value\nkecheng,kc.invest,2023,13,revenue,x\n")
    code = main(["report", "--period", "2023-06", "--data", str(bad), "--out", str(tmp_path / "z")])
    err = capsys.readouterr().err
    assert code != 0 and "column month, row 2" in err and "column value, row 2" in err
    assert "Traceback" not in err


@needs_chromium
def test_the_express_report_renders_in_chromium_with_no_request(
    inputs: tuple[pl.DataFrame, pl.DataFrame], tmp_path: Path
) -> None:
    from test_report_browser import page_requests

    assert CHROMIUM is not None
    out = write_express(_report(inputs, 6), tmp_path / "out")
    netlog = tmp_path / "net.json"
    proc = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
         f"--log-net-log={netlog}", "--dump-dom", (out / "express.html").resolve().as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    for key in (
        "express-figures",
        "express-execution",
        "debt-watch",
        "express-missing",
        "findings",
    ):
        assert f'id="{key}"' in dom
    assert dom.count("<tr>") > 50 and "完成率" in dom and "合成示例数据" in dom
    assert page_requests(netlog) == []


def test_the_english_report_keeps_chinese_only_in_data(
    inputs: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    import re

    r = _report(inputs, 6).with_lang("en")
    names = {w.name for w in r.debt_watch} | {r.meta.document}
    cjk = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
    md = render_express_markdown(r)
    stray = {m for line in md.splitlines() for m in cjk.findall(line)
             if not any(m in n for n in names)}  # fmt: skip
    assert stray == set()
    assert all(n in md for n in names)  # the data is there, as it is


def test_report_from_files_reconciles_december_and_reads_workbook_budgets(
    inputs: tuple[pl.DataFrame, pl.DataFrame], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    monthly, annual = inputs
    monthly.write_csv(tmp_path / "months.csv")
    annual.with_columns(
        pl.when((pl.col("entity") == "kc.invest") & (pl.col("indicator") == "revenue"))
        .then(pl.col("value") + 0.5).otherwise("value").alias("value")
    ).write_parquet(tmp_path / "annual.parquet")  # fmt: skip
    budget = tmp_path / "kc.xlsx"
    runner = CliRunner()
    r = runner.invoke(cli, ["budget", "template", "--unit", "kecheng", "--year", "2023",
                            "--out", str(budget), "--sample"])  # fmt: skip
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["report", "--period", "2023-12", "--data", str(tmp_path / "months.csv"),
                            "--annual", str(tmp_path / "annual.parquet"), "--budget", str(budget),
                            "--out", str(tmp_path / "kb"), "--lang", "en"])  # fmt: skip
    assert r.exit_code == 0, r.output
    wb = load_workbook(tmp_path / "kb" / "express.xlsx")
    found = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert "express.december_vs_annual" in found  # kc.invest's revenue differs by 0.5
    sheet = wb[next(n for n in wb.sheetnames if n.startswith("Budget"))]
    units = {row[0].value for row in sheet.iter_rows()}
    assert "Kecheng District" in units and "Kaihua County" not in units  # only kecheng's budget
