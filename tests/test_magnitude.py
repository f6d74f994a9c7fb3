"""Plausible magnitudes: a figure in 元 or 万元 where 亿元 is asked is an error naming the unit
mistake, from the plan's range or from last year's figure; absurd values (1e305) are errors; the
rollup of figures nobody validated refuses them too (it printed ``inf`` before)."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _submission_helpers import edit, sample_frame, store_view, write_sample_xlsx
from soeplan import load_plan, plausible_ranges
from soeplan.cli import main
from soeplan.errors import DataFileError
from soeplan.indicators import load_indicators
from soeplan.submissions.ingest import check_file, ingest_files
from soeplan.submissions.magnitude import (
    ABSURD,
    PLAUSIBLE_FACTOR,
    SMALL_FACTOR,
    unit_mistake,
)
from soeplan.submissions.validate import validate

PLAN = load_plan("quzhou-14th")
BASE = sample_frame()
PRIOR = sample_frame(year=2022)
AMOUNTS = ("total_assets", "net_assets", "revenue", "total_profit", "net_profit")
ENTITIES = sorted(set(BASE["entity"].to_list()))


def test_ranges_come_from_the_plans_own_figures() -> None:
    ranges = plausible_ranges(PLAN)
    # 表2 targets are the largest figures: total assets 4000 亿元 for the city in 2025
    ta = ranges["total_assets"]
    assert (ta.scale, ta.high, ta.low, ta.unit) == (4000.0, 40000.0, 0.004, "亿元")
    assert ranges["net_profit"].scale == 35.0 and "表2" in ranges["net_profit"].source
    # a count's scale: its largest published figure (AA-rated: 15 in 2020), at least 1
    assert ranges["rated_aa"].high == 150.0 and ranges["rated_aa"].low == 0.0
    assert ranges["rated_aaa"].scale == 1.0
    assert "debt_ratio" not in ranges  # a ratio has no scale: bounded by ABSURD only
    for r in ranges.values():
        assert r.high == PLAUSIBLE_FACTOR * r.scale


def test_a_catalogue_magnitude_gives_a_range_the_plan_does_not(tmp_path: Path) -> None:
    cat = tmp_path / "i.toml"
    cat.write_text(
        '[[indicator]]\ncode = "waste"\nname_zh = "垃圾"\nname_en = "Waste"\nunit = "万吨"\n'
        'kind = "amount"\nmagnitude = 20\n',
        encoding="utf-8",
    )
    [ind] = load_indicators(cat)
    assert ind.magnitude == 20.0
    assert plausible_ranges(PLAN, {"waste": ind}, [])["waste"].high == 200.0
    cat.write_text(cat.read_text(encoding="utf-8").replace("20", '"lots"'), encoding="utf-8")
    with pytest.raises(DataFileError, match="magnitude"):
        load_indicators(cat)


def test_the_issues_city_total_in_yuan_names_the_mistake() -> None:
    high = plausible_ranges(PLAN)["total_assets"].high
    m = unit_mistake(27_312_000_000, "亿元", high=high)
    assert m is not None and (m.wrong_unit, m.power) == ("元", 8)
    assert m.message_en == "looks like 元 instead of 亿元: divide by 10^8"
    assert unit_mistake(2731.2, "亿元", high=high) is None
    assert unit_mistake(27_312_000, "亿元", high=high).wrong_unit == "万元"  # type: ignore[union-attr]


@pytest.mark.parametrize(("factor", "wrong"), [(1e4, "万元"), (1e8, "元")])
def test_a_figure_in_yuan_or_wan_yuan_is_an_error_naming_it(
    tmp_path: Path, factor: float, wrong: str
) -> None:
    path = write_sample_xlsx(tmp_path / "u.xlsx")
    right = BASE.filter((pl.col("entity") == "qj.urban") & (pl.col("indicator") == "total_assets"))
    value = right["value"][0]
    cell = edit(path, "qj.urban", "total_assets", value * factor)
    checked = check_file(path)
    hit = checked.report.findings.filter(pl.col("rule") == "core.magnitude")
    assert hit["cell"].to_list() == [cell] and hit["severity"].to_list() == ["error"]
    r = hit.row(0, named=True)
    assert f"looks like {wrong} instead of 亿元" in r["message_en"]
    assert f"以{wrong}而非亿元" in r["message_zh"] and f"{value:g}" in r["fix"]
    assert not checked.acceptable


def test_an_explanation_does_not_clear_a_unit_mistake(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "u.xlsx")
    edit(path, "qj.water", "total_assets", 9.22e8)
    edit(path, "qj.water", "explanation", "数据已核实，确认无误 / checked and correct")
    checked = check_file(path)
    hit = checked.report.findings.filter(pl.col("rule") == "core.magnitude")
    assert hit["explained"].to_list() == [True] and hit["blocks"].to_list() == [True]
    assert not checked.acceptable


def test_a_small_figure_in_wan_yuan_is_caught_by_last_years_figure(tmp_path: Path) -> None:
    """Net profit 0.02 亿元 typed in 万元 is 200: within its range (<= 350 亿元), so only last
    year's accepted figure shows the mistake."""
    path = write_sample_xlsx(tmp_path / "u.xlsx")
    last = PRIOR.filter((pl.col("entity") == "qj.water") & (pl.col("indicator") == "net_profit"))
    assert last["value"][0] > 0
    this = BASE.filter((pl.col("entity") == "qj.water") & (pl.col("indicator") == "net_profit"))
    edit(path, "qj.water", "net_profit", this["value"][0] * 1e4)
    assert this["value"][0] * 1e4 <= plausible_ranges(PLAN)["net_profit"].high
    f = check_file(path, prior=PRIOR).report.findings
    hit = f.filter(pl.col("rule") == "core.magnitude").filter(pl.col("indicator") == "net_profit")
    assert hit.height == 1 and "looks like 万元 instead of 亿元" in hit["message_en"][0]
    assert "last year" in hit["expected"][0]
    # the same figure is not also a change to explain
    jump = f.filter((pl.col("rule") == "core.prior-jump") & (pl.col("indicator") == "net_profit"))
    assert jump.filter(pl.col("entity") == "qj.water").is_empty()
    # without last year's figure the value is merely large: no unit mistake can be told
    alone = check_file(path).report.findings
    assert alone.filter(
        (pl.col("rule") == "core.magnitude") & (pl.col("indicator") == "net_profit")
    ).is_empty()


def test_an_absurd_value_is_an_error_and_never_reaches_the_rollup(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "a.xlsx")
    cell = edit(path, "qj.water", "total_profit", 1e305)
    hit = check_file(path).report.findings.filter(pl.col("rule") == "core.magnitude")
    assert hit["cell"].to_list() == [cell]
    assert "302 orders of magnitude" in hit["message_en"][0]
    assert "1e+305" in hit["found"][0] and len(hit["found"][0]) < 20


def test_a_tiny_amount_is_a_warning_an_explanation_clears(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "t.xlsx")
    low = plausible_ranges(PLAN)["total_assets"].low
    assert low == pytest.approx(4000 * SMALL_FACTOR)
    edit(path, "qj.water", "total_assets", low / 10)
    edit(path, "qj.water", "net_assets", low / 20)
    f = check_file(path).report.findings.filter(pl.col("rule") == "core.magnitude-small")
    assert set(f["indicator"]) == {"total_assets", "net_assets"}
    assert f["severity"].unique().to_list() == ["warning"] and all(f["blocks"])
    edit(path, "qj.water", "explanation", "空壳公司，仅有少量注册资本 / a shell company")
    f = check_file(path).report.findings.filter(pl.col("rule") == "core.magnitude-small")
    assert not any(f["blocks"])


def test_a_unit_mistake_is_refused_by_ingest_and_the_store_kept(tmp_path: Path) -> None:
    store = tmp_path / "store"
    ingest_files([write_sample_xlsx(tmp_path / "q22.xlsx", year=2022)], store)
    before = store_view(store)
    path = write_sample_xlsx(tmp_path / "q23.xlsx")
    edit(path, "qj.water", "revenue", 0.46 * 1e4)
    assert main(["ingest", str(path), "--store", str(store)]) == 1
    assert store_view(store) == before


# ---------------------------------------------------------------- properties


def _scaled(entity: str, code: str, factor: float) -> pl.DataFrame:
    return BASE.with_columns(
        pl.when((pl.col("entity") == entity) & (pl.col("indicator") == code))
        .then(pl.col("value") * factor)
        .otherwise(pl.col("value"))
        .alias("value")
    )


def _magnitude(frame: pl.DataFrame, prior: pl.DataFrame | None) -> pl.DataFrame:
    report = validate(frame, year=2023, unit="qujiang", prior=prior)
    return report.findings.filter(pl.col("rule") == "core.magnitude")


@settings(max_examples=40)
@given(
    entity=st.sampled_from(ENTITIES),
    code=st.sampled_from(AMOUNTS),
    power=st.sampled_from([4, 8]),
    drift=st.floats(0.5, 2.0),
)
def test_any_amount_times_1e4_or_1e8_is_an_error_naming_the_unit(
    entity: str, code: str, power: int, drift: float
) -> None:
    """From a plausible figure (the sample's, moved by at most ×2 from last year), the same figure
    typed in 万元 or 元 is an error of core.magnitude that names that unit."""
    value = BASE.filter((pl.col("entity") == entity) & (pl.col("indicator") == code))["value"]
    if value.is_empty() or value[0] == 0:
        return
    frame = _scaled(entity, code, drift * 10**power)
    prior = PRIOR.with_columns(
        pl.when((pl.col("entity") == entity) & (pl.col("indicator") == code))
        .then(pl.lit(value[0]))
        .otherwise(pl.col("value"))
        .alias("value")
    )
    hit = _magnitude(frame, prior).filter(
        (pl.col("entity") == entity) & (pl.col("indicator") == code)
    )
    wrong = {4: "万元", 8: "元"}[power]
    assert hit.height == 1 and f"looks like {wrong} instead of 亿元" in hit["message_en"][0]


@settings(max_examples=40)
@given(
    entity=st.sampled_from(ENTITIES),
    code=st.sampled_from(AMOUNTS),
    drift=st.floats(0.1, 10.0),
)
def test_a_plausible_change_is_never_a_magnitude_error(
    entity: str, code: str, drift: float
) -> None:
    assert _magnitude(_scaled(entity, code, drift), PRIOR).is_empty()


@settings(max_examples=40)
@given(x=st.floats(min_value=ABSURD * 1.01, max_value=1e308, allow_infinity=False))
def test_any_value_beyond_every_bound_is_an_error(x: float) -> None:
    frame = BASE.with_columns(
        pl.when((pl.col("entity") == "qj.water") & (pl.col("indicator") == "rated_aa"))
        .then(pl.lit(float(math.floor(x))))
        .otherwise(pl.col("value"))
        .alias("value")
    )
    hit = _magnitude(frame, None)
    assert hit.select("entity", "indicator").rows() == [("qj.water", "rated_aa")]


# ---------------------------------------------------------------- the rollup of unvalidated figures


def test_rollup_refuses_absurd_figures_instead_of_printing_inf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "d.csv"
    frame = BASE.select("unit", "entity", "year", "indicator", "value")
    bad = frame.with_columns(
        pl.when(pl.col("indicator") == "total_assets")
        .then(pl.lit(1e305))
        .otherwise(pl.col("value"))
        .alias("value")
    )
    bad.write_csv(data)
    assert main(["rollup", "--data", str(data), "--format", "csv"]) == 2
    out, err = capsys.readouterr()
    assert "inf" not in out and "Traceback" not in err
    assert "qj.water total_assets 2023" in err and "plausible range" in err
    frame.write_csv(data)
    assert main(["rollup", "--data", str(data), "--format", "csv"]) == 0
