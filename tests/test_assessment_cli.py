from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest

import soeplan
from soeplan.cli import main

PLAN = soeplan.load_plan("quzhou-14th")


def write_obs(tmp_path: Path, factor: float = 1.3, name: str = "obs.csv") -> Path:
    base = PLAN.figures_frame().filter(year=2020)
    later = base.with_columns(
        pl.lit(2023, dtype=pl.Int32).alias("year"), (pl.col("value") * factor).alias("value")
    )
    frame = pl.concat([base, later]).with_columns(
        pl.col("scope").replace({"city": "全市", "urban": "市区"})
    )
    path = tmp_path / name
    if name.endswith(".parquet"):
        frame.write_parquet(path)
    else:
        frame.write_csv(path)
    return path


def test_milestones_command_prints_the_compound_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["milestones", "--plan", "quzhou-14th", "--method", "compound"]) == 0
    out = capsys.readouterr().out
    assert "2380.18" in out and "资产总额" in out and "复合增长" in out
    assert "资产负债率" not in out  # a ceiling has no path


def test_milestones_csv_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["milestones", "--format", "csv", "--lang", "en"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["Scope", "Indicator", "Unit", "Path", *map(str, range(2020, 2026))]
    assets = [r for r in rows if r[:2] == ["City-wide", "Total assets"]]
    assert {r[3] for r in assets} == {"compound", "linear"}
    compound = next(r for r in assets if r[3] == "compound")
    assert compound[4:] == ["2090.49", "2380.18", "2710.02", "3085.57", "3513.16", "4000.00"]
    margin = next(r for r in rows if r[:2] == ["City-wide", "Profit margin"])
    assert margin[3] == "linear" and margin[-1] == "22.50%"


def test_milestones_bad_method_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["milestones", "--method", "geometric"]) == 2
    assert "geometric" in capsys.readouterr().err


def test_assess_prints_status_and_category(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_obs(tmp_path)
    args = ["assess", "--plan", "quzhou-14th", "--data", str(path), "--year", "2023"]
    assert main([*args, "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "进展一般" in out and "滞后" in out and "提前实现" in out and "未达标" in out
    assert "落后于进度" in out and "突破限值" in out  # the verdicts
    assert "3,085.57" in out  # the 2023 milestone of city-wide total assets
    assert main(args) == 0  # the terminal table too
    assert "评价" in capsys.readouterr().out


def test_assess_csv_english_reads_parquet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_obs(tmp_path, name="obs.parquet")
    code = main(
        ["assess", "--data", str(path), "--year", "2023", "--format", "csv", "--lang", "en"]
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == len(soeplan.get_registry().targets(PLAN))  # plan's and plugins'
    assets = next(r for r in rows if r["Scope"] == "City-wide" and r["Indicator"] == "Total assets")
    assert assets["Verdict"] == "behind schedule"
    assert assets["Progress band"] == "moderate progress"
    assert assets["Mid-term category"] == "lagging"
    assert assets["Ratio R"] == "0.66"
    assert assets["Required per year, whole period"] == "13.86%"
    assert assets["Still required per year"] != assets["Required per year, whole period"]
    debt = next(
        r for r in rows if r["Scope"] == "City-wide" and r["Indicator"] == "Debt-to-asset ratio"
    )
    assert debt["Target"] == "65.00%" and debt["Progress band"] == "not met"
    assert debt["Verdict"] == "bound breached"
    assert debt["Headroom to the bound"] == "-7.28pp"


def test_assess_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_obs(tmp_path, factor=1.0)
    assert main(["assess", "--data", str(path), "--year", "2023", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("**") and "| 口径 |" in out
    assert "2023年目标进展评估" in out


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "file not found"),
        ("scope,year,value\n全市,2023,1\n", "lack the column"),
        ("scope,year,indicator,value\n全市,2023,revenue,abc\n", "value is 'abc'"),
        ("scope,year,indicator,value\nkecheng,2023,revenue,12.5\n", "no observations for a scope"),
        ("", "cannot be read as CSV"),
    ],
)
def test_assess_bad_files_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, says: str
) -> None:
    path = tmp_path / "obs.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["assess", "--data", str(path), "--year", "2023"]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert "fix:" in err


def test_assess_year_before_the_plan_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_obs(tmp_path)
    assert main(["assess", "--data", str(path), "--year", "2020"]) == 2
    assert "not after the base year 2020" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["milestones", "assess"])
def test_help_has_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Example:" in out and f"soeplan {command}" in out


def test_assess_reads_a_rollup_shaped_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What `soeplan rollup --format csv` prints: unit ids beside 全市 and 市区, many years."""
    rows = ["scope,year,indicator,value"]
    for year, factor in ((2015, 0.5), (2020, 1.0), (2022, 1.1), (2023, 1.25)):
        for f in PLAN.figures_frame().filter(year=2020).iter_rows(named=True):
            name = {"city": "全市", "urban": "市区"}[f["scope"]]
            rows.append(f"{name},{year},{f['indicator']},{f['value'] * factor!r}")
            rows.append(f"kecheng,{year},{f['indicator']},{f['value'] * factor / 7!r}")
    path = tmp_path / "rollup.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["assess", "--data", str(path), "--year", "2022", "--format", "csv"]) == 0
    out = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(out) == len(soeplan.get_registry().targets(PLAN))  # plan's and plugins'
    # kecheng's rows are ignored (no targets); a unit with a plugin's own targets is assessed
    unit_names = {"qujiang": "衢江区", "kecheng": "柯城区", "jiangshan": "江山市"}
    with_targets = {t.scope for t in soeplan.get_registry().targets(PLAN).values()}
    expected = {"全市", "市区"} | {unit_names[s] for s in with_targets - {"city", "urban"}}
    assert {r["口径"] for r in out} == expected and "柯城区" not in expected
    assets = next(r for r in out if r["口径"] == "全市" and r["指标"] == "资产总额")
    assert assets["实际值"] == "2,299.54" and assets["进展分档"] == "进展不足"
    assert assets["评价"] == "偏离进度"
