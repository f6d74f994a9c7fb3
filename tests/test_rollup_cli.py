from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest

from soeplan.cli import main
from soeplan.sample import sample_observations


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_rollup_sample_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rollup", "--sample", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["scope", "year", "indicator", "value"]
    scopes = {r["scope"] for r in rows}
    assert {"全市", "市区", "municipal", "kecheng", "longyou"} <= scopes
    cell = {(r["scope"], r["year"], r["indicator"]): float(r["value"]) for r in rows}
    assert round(cell[("全市", "2020", "total_assets")], 2) == 2090.49
    assert round(cell[("市区", "2015", "net_profit")], 2) > 0
    ratio = cell[("全市", "2020", "debt_ratio")]
    assert 0 < ratio < 1  # a fraction, not a percentage
    assert ratio == pytest.approx(
        1 - cell[("全市", "2020", "net_assets")] / cell[("全市", "2020", "total_assets")]
    )
    assert "合成" in err  # the synthetic label, kept out of the CSV itself


def test_rollup_table_md_and_year_filter(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rollup", "--sample", "--year", "2020", "--format", "md")
    assert code == 0
    assert "| 全市 | 2020 | 资产总额 | 亿元 | 2,090.49 |" in out
    assert "2015" not in out and "示例数据" in out
    code, out, _ = run(capsys, "rollup", "--sample", "--year", "2020", "--lang", "en")
    assert code == 0 and "City-wide" in out and "55.60%" in out


def test_rollup_data_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = sample_observations().filter(pl.col("year") == 2020)
    half = data.height // 2
    data[:half].write_csv(tmp_path / "a.csv")
    data[half:].write_parquet(tmp_path / "b.parquet")
    code, out, _ = run(
        capsys,
        "rollup",
        "--data",
        str(tmp_path / "a.csv"),
        "--data",
        str(tmp_path / "b.parquet"),
        "--structure",
        str(Path(__file__).parent.parent / "src/soeplan/data/sample/structure.toml"),
        "--format",
        "csv",
    )
    assert code == 0
    rows = {
        (r["scope"], r["indicator"]): float(r["value"]) for r in csv.DictReader(io.StringIO(out))
    }
    assert round(rows[("全市", "total_assets")], 2) == 2090.49


def test_rollup_errors_are_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rollup")
    assert code == 2 and "--sample or --data" in err
    code, _, err = run(capsys, "rollup", "--data", str(tmp_path / "none.csv"))
    assert code == 2 and "file not found" in err and "Traceback" not in err
    (tmp_path / "bad.csv").write_text("entity,year\nx,2020\n", encoding="utf-8")
    code, _, err = run(capsys, "rollup", "--data", str(tmp_path / "bad.csv"))
    assert code == 2 and "missing column(s) indicator, value" in err
    code, _, err = run(
        capsys,
        "explain",
        "--sample",
        "--scope",
        "火星",
        "--indicator",
        "total_assets",
        "--year",
        "2020",
    )
    assert code == 2 and "no scope, unit or entity '火星'" in err


def test_explain_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "explain",
        "--sample",
        "--scope",
        "全市",
        "--indicator",
        "total_assets",
        "--year",
        "2020",
    )
    assert code == 0
    assert "全市 city · 资产总额 total_assets · 2020 = 2,090.49" in out
    assert "row: mun.chengtou.diff 2020 total_assets = -13.56" in out
    assert "示例数据" in out


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for cmd in ("rollup", "explain"):
        code, out, _ = run(capsys, cmd, "--help")
        assert code == 0 and "Example:" in out


def test_rollup_prints_the_totals_of_an_ingest_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import polars as pl

    from soeplan.sample import unit_sample  # what `sample --unit` writes, plugins' figures too

    store = tmp_path / "store"
    files = []
    for unit in ("qujiang", "kaihua"):
        path = tmp_path / f"{unit}.csv"
        assert main(["sample", "--unit", unit, "--year", "2023", "-o", str(path)]) == 0
        files.append(str(path))
    assert main(["ingest", *files, "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["rollup", "--store", str(store), "--format", "csv"]) == 1  # 5 units missing
    assert "kecheng: expected" in capsys.readouterr().err
    assert main(["rollup", "--store", str(store), "--format", "csv", "--allow-partial"]) == 0
    totals = pl.read_csv(io.StringIO(capsys.readouterr().out))
    got = totals.filter(pl.col("scope") == "全市", pl.col("indicator") == "total_assets")
    want = sum(
        unit_sample(u, 2023).filter(pl.col("indicator") == "total_assets")["value"].sum()
        for u in ("qujiang", "kaihua")
    )
    assert got["value"].item() == pytest.approx(want, abs=1e-9)


def test_rollup_from_a_directory_that_is_not_a_store_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rollup", "--store", str(tmp_path), "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert "not an ingest store" in err and "soeplan ingest --store" in err
    assert "Traceback" not in err


def test_explain_traces_a_figure_of_an_ingest_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from soeplan.sample import unit_sample  # what `sample --unit` writes, plugins' figures too

    path = tmp_path / "kaihua.csv"
    store = tmp_path / "store"
    assert main(["sample", "--unit", "kaihua", "--year", "2023", "-o", str(path)]) == 0
    assert main(["ingest", str(path), "--store", str(store)]) == 0
    capsys.readouterr()
    args = ["explain", "--store", str(store), "--scope", "kaihua"]
    assert main([*args, "--indicator", "total_assets", "--year", "2023"]) == 0
    out = capsys.readouterr().out
    rows = unit_sample("kaihua", 2023).filter(pl.col("indicator") == "total_assets")
    for entity in rows["entity"]:
        assert f"row: {entity} 2023 total_assets" in out
