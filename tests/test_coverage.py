"""Coverage before totals: a year some units are missing from is refused, or marked partial;
synthetic means synthetic only; a set-aside resubmission is named."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _submission_helpers import tree, write_sample_xlsx
from soeplan.cli import main
from soeplan.submissions.coverage import coverage

UNITS = ("changshan", "jiangshan", "kaihua", "kecheng", "longyou", "municipal", "qujiang")


@pytest.fixture
def one_unit_store(tmp_path: Path) -> Path:
    """A store holding only Qujiang's 2023 submission (the defect's scenario)."""
    from soeplan.submissions.ingest import ingest_files

    store = tmp_path / "store"
    ingest_files([write_sample_xlsx(tmp_path / "qujiang-2023.xlsx")], store)
    return store


def test_a_one_unit_store_is_refused_listing_the_missing_units(
    one_unit_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report-2023"
    before = tree(one_unit_store)
    args = ["rollup", "--store", str(one_unit_store), "--year", "2023", "-q"]
    assert main([*args, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "incomplete scopes: 2023: city (missing 6), urban (missing 2)" in err
    for unit in set(UNITS) - {"qujiang"}:
        assert f"{unit}: expected (nothing received)" in err
    assert "qujiang:" not in err and "Traceback" not in err
    assert not out.exists() and tree(one_unit_store) == before
    # the totals are refused too
    assert main(["rollup", "--store", str(one_unit_store), "--format", "csv"]) == 1
    assert "kecheng: expected" in capsys.readouterr().err


def test_a_held_submission_is_named_with_the_command_that_accepts_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from soeplan.submissions.ingest import ingest_files

    store = tmp_path / "store"
    ingest_files([write_sample_xlsx(tmp_path / "qujiang-2023.xlsx")], store, hold=True)
    assert main(["rollup", "--store", str(store), "--year", "2023", "-q"]) == 2
    err = capsys.readouterr().err  # nothing accepted at all: the waiting file is named
    assert "no accepted submissions yet: 1 received and waiting" in err
    assert f"store accept --store {store} --unit qujiang --year 2023" in err
    ingest_files([_csv(tmp_path, "kaihua")], store)  # one accepted, one waiting
    assert main(["rollup", "--store", str(store), "--year", "2023", "-q"]) == 1
    err = capsys.readouterr().err
    assert "qujiang: submitted, not yet accepted" in err
    assert "fix: review it and accept it: soeplan store accept --store STORE --unit qujiang" in err
    assert "kecheng: expected (nothing received)" in err
    assert "fix: ask the unit for its 2023 file, then soeplan ingest it" in err
    assert "resubmit, this unit" not in err and "Traceback" not in err


def test_allow_partial_marks_every_partial_figure(
    one_unit_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report-2023"
    args = ["rollup", "--store", str(one_unit_store), "--year", "2023", "-q", "--allow-partial"]
    assert main([*args, "--out", str(out)]) == 0
    assert "warning: city: partial: missing 6 units" in capsys.readouterr().err
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert "全市：部分：缺 6 个单位（常山县（待上报）" in md
    assert "市区：部分：缺 2 个单位" in md
    assert "所有单位均已纳入汇总" not in md and "6 个单位暂未纳入汇总" in md
    assert "背离目标" not in md and "部分汇总，不评价" in md
    assert "约束性指标全部符合要求" not in md
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "背离目标" not in html
    assert html.count("— 部分：缺 6 个单位") >= 5  # every 全市 chart's title
    wb = openpyxl.load_workbook(out / "report.xlsx")
    cells = [str(c.value) for row in wb["表1-全市"].iter_rows() for c in row if c.value]
    assert any("部分：缺 6 个单位" in c for c in cells)
    about = [str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value]
    assert "部分汇总" in about and any(c.startswith("全市: 部分：缺 6 个单位") for c in about)
    # the totals: printed, with the partial scopes named on stderr
    assert (
        main(["rollup", "--store", str(one_unit_store), "--format", "csv", "--allow-partial"]) == 0
    )
    captured = capsys.readouterr()
    assert "# partial: city 2023 missing 6 unit(s)" in captured.err
    assert captured.out.startswith("scope,year,indicator,value")


def test_the_library_refuses_too(one_unit_store: Path, tmp_path: Path) -> None:
    from soeplan.run import run_submissions
    from soeplan.submissions.coverage import CoverageError

    with pytest.raises(CoverageError) as exc:
        run_submissions([], tmp_path / "r", year=2023, store=one_unit_store)
    assert {p.where for p in exc.value.problems} == set(UNITS) - {"qujiang"}
    assert exc.value.exit_code == 1
    run = run_submissions([], tmp_path / "r", year=2023, store=one_unit_store, allow_partial=True)
    assert {p.scope for p in run.report.meta.partial} == {"city", "urban"}
    assert all(a.status is None for a in run.report.assessment if a.scope in ("city", "urban"))


@given(
    required=st.sets(st.sampled_from(UNITS), min_size=1),
    present=st.sets(st.sampled_from(UNITS)),
)
def test_coverage_is_required_minus_present(required: set[str], present: set[str]) -> None:
    cov = coverage(2023, present, scopes={"s": required})
    s = cov.scope("s")
    assert set(s.missing_units) == required - present
    assert set(s.present) == required & present
    assert cov.complete == required.issubset(present)


def _csv(tmp: Path, unit: str) -> Path:
    from soeplan.sample import sample_unit

    path = tmp / f"{unit}-2023.csv"
    sample_unit(unit, 2023).write_csv(path)
    return path


def test_a_report_mixing_synthetic_and_real_says_which_units_are_synthetic(
    tmp_path: Path,
) -> None:
    from soeplan.run import run_submissions

    paths = [_csv(tmp_path, u) for u in UNITS if u != "qujiang"]
    paths.append(write_sample_xlsx(tmp_path / "qujiang-2023.xlsx"))  # the bundled sample's
    run = run_submissions(paths, tmp_path / "r", year=2023, allow_partial=True)
    assert run.report.meta.synthetic and run.report.meta.synthetic_units == ("衢江区",)
    md = (tmp_path / "r" / "summary.md").read_text(encoding="utf-8")
    assert "部分合成数据：以下单位的数字为合成示例数据" in md and "衢江区" in md
    assert "本报告中的企业及其上报数字为演示用途的合成数据" not in md
    # files from the units (no synthetic mark): real, no banner at all
    real_paths = [*paths[:-1], _csv(tmp_path, "qujiang")]
    real = run_submissions(real_paths, tmp_path / "r2", year=2023, allow_partial=True)
    assert not real.report.meta.synthetic
    real_md = (tmp_path / "r2" / "summary.md").read_text(encoding="utf-8")
    assert "合成示例数据" not in real_md and "**合成数据**: 否" in real_md


def test_a_blank_template_is_not_synthetic_even_with_the_sample_entities(tmp_path: Path) -> None:
    from soeplan.submissions.readers import read_submission
    from soeplan.submissions.template_workbook import write_template

    path = write_template(tmp_path / "t.xlsx", unit="qujiang", year=2023)
    assert not read_submission(path).synthetic


def test_a_bad_resubmission_with_the_store_names_the_file_set_aside(
    one_unit_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from _submission_helpers import edit

    bad = write_sample_xlsx(tmp_path / "qujiang-resubmitted.xlsx")
    edit(bad, "qj.transport", "net_assets", -5)
    out = tmp_path / "r"
    args = ["rollup", str(bad), "--store", str(one_unit_store), "--year", "2023", "-q"]
    assert main([*args, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "years found: none" not in err
    assert "qujiang: returned (set aside): " in err and "qujiang-resubmitted.xlsx" in err
    assert "the store's earlier accepted version is not used" in err
    assert main([*args, "--out", str(out), "--allow-partial"]) == 2
    err = capsys.readouterr().err
    assert "years found: none" not in err
    assert "qujiang's file was set aside" in err and "qujiang-resubmitted.xlsx" in err
    assert not out.exists()


def test_the_demo_is_complete_and_unmarked(tmp_path: Path) -> None:
    from soeplan.run import run_demo

    run = run_demo(tmp_path / "d")
    assert run.report.meta.partial == () and run.report.meta.synthetic_units == ()


def test_the_english_report_marks_partial_scopes_in_english(
    one_unit_store: Path, tmp_path: Path
) -> None:
    import re

    out = tmp_path / "en"
    args = ["rollup", "--store", str(one_unit_store), "--year", "2023", "--out", str(out)]
    assert main([*args, "-q", "--allow-partial", "--lang", "en"]) == 0
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert "City-wide: partial: missing 6 units (Changshan County (expected" in md
    assert "partial total, not assessed" in md and "Moving away" not in md
    marked = [line for line in md.splitlines() if "partial" in line]
    assert marked and not any(re.search(r"[\u4e00-\u9fff]", line) for line in marked)


def test_a_long_file_is_real_unless_it_says_synthetic(tmp_path: Path) -> None:
    from soeplan.sample import sample_unit
    from soeplan.submissions.readers import read_submission

    frame = sample_unit("kecheng", 2023)
    real = tmp_path / "real.csv"
    frame.with_columns(note=pl.lit("合成材料公司并表")).write_csv(real)
    assert not read_submission(real).synthetic
    marked = tmp_path / "marked.csv"
    frame.with_columns(note=pl.lit("示例数据（合成），非真实企业数据")).write_csv(marked)
    assert read_submission(marked).synthetic


def test_an_earlier_partial_year_of_the_store_is_refused_or_marked_in_the_charts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from soeplan.submissions.ingest import ingest_files

    store = tmp_path / "store"
    files = [write_sample_xlsx(tmp_path / f"{u}-2023.xlsx", u) for u in UNITS]
    files.append(write_sample_xlsx(tmp_path / "qujiang-2022.xlsx", "qujiang", 2022))
    assert all(r.entry is not None for r in ingest_files(files, store))
    out = tmp_path / "r"
    args = ["rollup", "--store", str(store), "--year", "2023", "--out", str(out), "-q"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "2022: city (missing 6)" in err and "kecheng (2022): expected" in err
    assert main([*args, "--allow-partial"]) == 0
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert "全市：2022年部分：缺 6 个单位" in md and "图表中该年的合计不完整" in md
    assert "不作目标评价" not in md  # 2023 is complete: its targets are assessed
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "— 2022年部分：缺 6 个单位" in html  # the charts show 2022
    wb = openpyxl.load_workbook(out / "report.xlsx")
    cells = [str(c.value) for row in wb["表1-全市"].iter_rows() for c in row if c.value]
    assert not any("部分" in c for c in cells)  # the 2023 table is whole
