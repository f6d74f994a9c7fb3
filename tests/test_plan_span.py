"""Years outside the plan's span (2015–2025 for the Quzhou plan: Table 1 from 2015, base year 2020,
targets for 2025) are refused by template, validate, ingest and rollup, with the span in the
message, a non-zero exit, no traceback, and nothing written or stored."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from _submission_helpers import sample_frame, tree, write_csv, write_sample_xlsx
from soeplan import YearOutsidePlanError, load_plan, validate, write_template
from soeplan.cli import main
from soeplan.submissions import template as tpl
from soeplan.submissions.ingest import ingest_files

PLAN = load_plan("quzhou-14th")
SPAN = "2015–2025"
OUTSIDE = [2014, 2026, 2030, 2099]


def test_the_plans_span() -> None:
    assert (PLAN.first_year, PLAN.last_year) == (2015, 2025)
    assert PLAN.first_year == min(f.year for f in PLAN.figures)  # Table 1 goes back to 2015
    assert PLAN.base_year in PLAN.span and PLAN.period_start in PLAN.span


@settings(max_examples=50)
@given(st.integers(1900, 2200))
def test_require_year_refuses_exactly_the_years_outside(year: int) -> None:
    if 2015 <= year <= 2025:
        PLAN.require_year(year)
        return
    with pytest.raises(YearOutsidePlanError) as exc:
        PLAN.require_year(year, what="the year")
    text = exc.value.render()
    assert f"the year {year} is outside the plan quzhou-14th, which covers {SPAN}" in text
    assert f"{year} 年不在规划" in text and "fix:" in text


def _refused(err: str, year: int) -> None:
    assert f"{year} is outside the plan quzhou-14th, which covers {SPAN}" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("year", OUTSIDE)
def test_template_refuses_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], year: int
) -> None:
    out = tmp_path / "t.xlsx"
    assert main(["template", "--unit", "qujiang", "--year", str(year), "-o", str(out)]) == 2
    _refused(capsys.readouterr().err, year)
    assert not out.exists()
    with pytest.raises(YearOutsidePlanError):
        write_template(out, unit="qujiang", year=year)
    assert not out.exists()


@pytest.mark.parametrize("year", [2015, 2025])
def test_the_span_ends_are_years_of_the_plan(tmp_path: Path, year: int) -> None:
    assert (
        main(["template", "--unit", "qujiang", "--year", str(year), "-o", str(tmp_path / "t.xlsx")])
        == 0
    )


def _workbook_for(tmp_path: Path, year: int) -> Path:
    """The 2023 sample workbook, its hidden metadata edited to declare ``year``."""
    path = write_sample_xlsx(tmp_path / f"q{year}.xlsx")
    wb = load_workbook(path)
    meta = wb[tpl.META_SHEET]
    for row in meta.iter_rows():
        if row[0].value == "year":
            row[1].value = year
    wb.save(path)
    return path


def _csv_for(tmp_path: Path, year: int) -> Path:
    frame = sample_frame().with_columns(pl.lit(year).cast(pl.Int32).alias("year"))
    return write_csv(tmp_path / f"q{year}.csv", frame)


@pytest.mark.parametrize("year", [2030, 2099, 2014])
@pytest.mark.parametrize("make", [_workbook_for, _csv_for])
def test_validate_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], year: int, make: object
) -> None:
    path = make(tmp_path, year)  # type: ignore[operator]
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    _refused(err, year)
    assert path.name in err
    with pytest.raises(YearOutsidePlanError):
        validate(sample_frame(), year=year, unit="qujiang")


def test_validate_reports_every_file_outside_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _csv_for(tmp_path, 2030), _workbook_for(tmp_path, 2099)
    assert main(["validate", str(a), str(b)]) == 2
    err = capsys.readouterr().err
    _refused(err, 2030)
    _refused(err, 2099)


def test_ingest_refuses_and_the_store_is_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    ingest_files([write_sample_xlsx(tmp_path / "ok.xlsx")], store)
    before = tree(store)
    for path in (_workbook_for(tmp_path, 2030), _csv_for(tmp_path, 2099)):
        assert main(["ingest", str(path), "--store", str(store)]) == 2
        assert "outside the plan" in capsys.readouterr().err
        assert tree(store) == before
    # a good file and a bad one together: nothing is stored, not even the good one
    good = write_sample_xlsx(tmp_path / "q22.xlsx", year=2022)
    assert main(["ingest", str(good), str(_csv_for(tmp_path, 2030)), "--store", str(store)]) == 2
    assert tree(store) == before


def test_rollup_refuses_a_year_option_outside(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rollup", "--sample", "--year", "2030", "--format", "csv"]) == 2
    _refused(capsys.readouterr().err, 2030)


def test_rollup_refuses_figures_for_years_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = pl.concat(
        [sample_frame(), sample_frame().with_columns(pl.lit(2099).cast(pl.Int32).alias("year"))]
    ).select("unit", "entity", "year", "indicator", "value")
    data = tmp_path / "d.csv"
    frame.write_csv(data)
    assert main(["rollup", "--data", str(data), "--format", "csv"]) == 2
    out, err = capsys.readouterr()
    assert "2099" in err and f"outside the plan quzhou-14th ({SPAN})" in err
    assert out == "" and "Traceback" not in err


def test_rollup_report_mode_refuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    ingest_files([write_sample_xlsx(tmp_path / "ok.xlsx")], store)
    out = tmp_path / "report"
    assert main(["rollup", "--store", str(store), "--year", "2030", "--out", str(out), "-q"]) == 2
    _refused(capsys.readouterr().err, 2030)
    assert not out.exists()
    path = _csv_for(tmp_path, 2030)
    assert main(["rollup", str(path), "--year", "2023", "--out", str(out), "-q"]) == 2
    _refused(capsys.readouterr().err, 2030)
    assert not out.exists()
