"""The charts of the section 布局与资本运作 on the demo: each draws the rollup's and the
registers' figures, with its unit, against the plan's floor where it has one."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook

import soeplan
from soeplan import rating_counts, sample_attributes
from soeplan.report.section_charts import section_chart_svg
from soeplan.run import RunResult
from soeplan.sections import SectionChart
from soeplan.structure.city import city_structure


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, Path]:
    out = tmp_path_factory.mktemp("demo") / "out"
    return soeplan.run_demo(out), out


def _charts(run: RunResult) -> dict[str, SectionChart]:
    sec = next(s for s in run.report.sections if s.id == "core.capital")
    return {c.full_title("zh"): c for c in sec.content.charts}


def test_the_section_has_its_charts_each_with_its_unit(demo: tuple[RunResult, Path]) -> None:
    assert list(_charts(demo[0])) == [
        "三大领域国有资本占比与规划下限（%）",
        "全市国有资本分领域（亿元）",
        "全市名录登记信用评级企业数（家）",
        "市区名录登记信用评级企业数（家）",
        "资产证券化率（资产总额口径）（%）",
        "全市混合所有制改革与重组（户）",
    ]


def test_the_share_chart_draws_the_rollups_shares_against_the_floor(
    demo: tuple[RunResult, Path],
) -> None:
    run = demo[0]
    chart = _charts(run)["三大领域国有资本占比与规划下限（%）"]
    assert [s.key for s in chart.series] == ["city", "urban"]
    assert [(lv.key, lv.value, lv.label.zh) for lv in chart.levels] == [
        ("floor", pytest.approx(0.9), "规划下限 90%")
    ]
    for s in chart.series:
        assert [y for y, _ in s.points] == list(range(2015, 2024))
        for year, value in s.points:
            assert value == pytest.approx(run.rollup.value(s.key, "strategic_capital_share", year))
    # the axis is not from zero: the floor and the shares fill it
    root = ET.fromstring(section_chart_svg(chart))
    ticks = [t.text for t in root.iter() if t.get("class") == "tick"]
    assert ticks[0] == "90%" and ticks[-1] in ("98%", "100%")
    legend = [g.get("data-key") for g in root.iter() if g.get("class") == "legend-item"]
    assert legend == ["city", "urban", "floor"]


def test_the_rating_charts_are_the_registers_counts(demo: tuple[RunResult, Path]) -> None:
    counts = rating_counts(sample_attributes(), city_structure(sample=True))
    for scope, name in (("city", "全市"), ("urban", "市区")):
        chart = _charts(demo[0])[f"{name}名录登记信用评级企业数（家）"]
        assert chart.kind == "bars" and chart.format == "count"
        for s in chart.series:
            want = counts.filter(scope=scope, indicator=s.key).sort("year")
            assert s.points == tuple((y, float(v)) for y, v in want.select("year", "value").rows())
    # Table 1's published 2020 counts: AA+ 3; AA 15 全市, 8 市区
    city = {
        s.key: dict(s.points) for s in _charts(demo[0])["全市名录登记信用评级企业数（家）"].series
    }
    urban = {
        s.key: dict(s.points) for s in _charts(demo[0])["市区名录登记信用评级企业数（家）"].series
    }
    assert (city["rated_aa_plus"][2020], city["rated_aa"][2020], urban["rated_aa"][2020]) == (
        3, 15, 8)  # fmt: skip


def test_the_securitisation_and_reform_charts(demo: tuple[RunResult, Path]) -> None:
    run = demo[0]
    sec = _charts(run)["资产证券化率（资产总额口径）（%）"]
    city = dict(next(s for s in sec.series if s.key == "city").points)
    assert city[2022] == 0.0
    assert city[2023] == pytest.approx(run.rollup.value("city", "securitisation_rate", 2023))
    reforms = _charts(run)["全市混合所有制改革与重组（户）"]
    per_year: dict[int, float] = {}
    for s in reforms.series:
        for y, v in s.points:
            per_year[y] = per_year.get(y, 0) + v
    # the sample's synthetic reforms: corporatisations and supervisions before 2021, then five
    assert per_year == {2017: 1, 2018: 3, 2019: 3, 2020: 1, 2021: 1, 2022: 3, 2023: 1}
    assert reforms.unit.zh == "户"


def test_the_page_draws_them_in_the_section_and_the_workbook_has_their_figures(
    demo: tuple[RunResult, Path],
) -> None:
    out = demo[1]
    html = (out / "report.html").read_text(encoding="utf-8")
    article = re.search(r'<article id="section-core.capital".*?</article>', html, re.S)
    assert article is not None
    assert article.group(0).count('<svg class="chart section-chart') == 6
    assert "http" not in re.sub(r'xmlns="[^"]*"', "", article.group(0))  # nothing fetched
    wb = load_workbook(out / "report.xlsx")
    (ws,) = [ws for ws in wb.worksheets if ws["A1"].value == "布局与资本运作"
             or ws["A2"].value == "布局与资本运作"]  # fmt: skip
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    titles = [c.value for c in cells if str(c.value).endswith("（图表数据）")]
    assert titles[0] == "三大领域国有资本占比与规划下限（%）（图表数据）"
    # the figures are numbers, formatted as percentages
    shares = [c for c in cells if isinstance(c.value, float) and 0.9 < c.value < 1.0]
    assert shares and all("%" in c.number_format for c in shares)
