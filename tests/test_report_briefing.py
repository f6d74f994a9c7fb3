"""The report as a briefing: the first screen, the laggards (small multiples and summary.md),
names instead of codes, plugin section values by their indicator, printing and the font notice."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import polars as pl
import pytest

from report_fixtures import BlockTable
from soeplan.report.briefing import glance, laggards_block
from soeplan.report.format import format_value
from soeplan.report.html import render_html
from soeplan.report.layout import ASSESSMENT_COLUMNS, assessment_block, findings_block
from soeplan.report.markdown import render_markdown
from soeplan.report.model import CellFormat, Report, UnitLag
from soeplan.report.small_charts import lag_legend_svg, lag_svg, sparkline_svg
from soeplan.report.write import write_report
from soeplan.run import RunResult, run_demo
from soeplan.sections import SectionContent, SectionTable, Text


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return run_demo(tmp_path_factory.mktemp("demo"))


def _parse(report: Report, key: str) -> BlockTable:
    p = BlockTable(key)
    p.feed(render_html(report))
    return p


# ---------------------------------------------------------------- the first screen


def test_the_first_screen_has_one_line_per_target_with_the_assessments_figures(
    demo: RunResult,
) -> None:
    report = demo.report
    page = render_html(report)
    assert page.index('id="overview"') < page.index('id="tables"')  # first, then the detail
    p = _parse(report, "glance")
    body = [r for r in p.rows if r and r[0] != "指标"]
    assert len(body) == len(report.assessment) == 26
    # the same figures as the assessment table, cell for cell (one formatter)
    table = assessment_block(report)
    col = {h: i for i, h in enumerate(ASSESSMENT_COLUMNS)}
    for row, cells in zip(body, table.rows, strict=True):
        assert row[1] == cells[col["verdict"]].text()
        assert row[2] == cells[col["actual"]].text()
        assert row[3] == cells[col["milestone"]].text()
    city_assets = next(r for r in body if r[0].startswith("资产总额"))
    assert city_assets[:5] == ["资产总额亿元", "进度符合", "3,033.33", "3,085.57", "4,000.00"]
    roe_urban = [r for r in body if r[0].startswith("净资产收益率")][1]
    assert roe_urban[4] == "≥2.20%力争2.50%"  # the floor and its stretch value
    debt = next(r for r in body if r[0].startswith("资产负债率"))
    assert debt[4] == "<65.00%"
    # one sparkline per target of a scope (a unit's own targets have no trajectory)
    sparks = [s for s in p.svgs if s.get("class") == "sparkline"]
    assert len(sparks) == len(report.series) == 24
    assert 'class="verdict-off_track"' in page and 'class="verdict-on_track"' in page


def test_a_sparkline_draws_the_actuals_the_path_and_the_target(demo: RunResult) -> None:
    s = next(x for x in demo.report.series if x.indicator == "debt_ratio")
    svg = sparkline_svg(s, "en")
    assert svg.count('class="actual"') == 1 and 'class="target-line"' in svg  # a ceiling
    assert "<text" not in svg  # no text in a line's height: its title says what it shows
    assert "<title>Debt-to-asset ratio (City-wide): actual 2015–2023" in svg
    level = next(x for x in demo.report.series if x.indicator == "total_assets")
    assert 'class="target"' in sparkline_svg(level) and 'class="milestone"' in sparkline_svg(level)


def test_glance_groups_the_rows_by_scope_in_the_reports_language(demo: RunResult) -> None:
    names = [name for name, _ in glance(demo.report)]
    assert names == ["全市", "市区", "衢江区"]
    en = [name for name, _ in glance(demo.report.with_lang("en"))]
    assert en[0] == "City-wide" and all(not re.search("[\u4e00-\u9fff]", n) for n in en)


# ---------------------------------------------------------------- the laggards


def _section_rows(report: Report) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The 分单位进展 section's rows (its own figures, printed), by scope title, indicator, unit."""
    sec = next(s for s in report.sections if s.id == "core.by_unit")
    out = {}
    for t in sec.content.tables:
        if "分单位进展" not in t.title.zh:
            continue
        for r in t.frame.iter_rows(named=True):
            out[(t.title.zh.split("：")[0], r["indicator"], r["member"])] = r | {
                "formats": t.formats
            }
    return out


def test_summary_names_the_lagging_units_of_each_target_with_r_and_share(
    demo: RunResult, tmp_path: Path
) -> None:
    report = demo.report
    md = render_markdown(report)
    assert "## 落后单位" in md
    block = laggards_block(report)
    assert len(block.rows) == len(report.laggards) > 0
    section = _section_rows(report)
    amount_targets = {(a.scope, a.indicator) for a in report.assessment if a.indicator in _AMOUNTS}
    assert {(lag.scope, lag.indicator) for lag in report.laggards} <= amount_targets
    for row in block.rows:
        scope, ind, unit, _actual, _req, ratio, share, _rank = (c.text() for c in row)
        line = f"| {scope} | {ind} | {unit} | "
        assert line in md
        # the same R and share as the Progress by unit section prints (its table holds the
        # numbers, each column with its format)
        s = section[(scope, ind, unit)]
        printed = (
            format_value(s["ratio"], CellFormat(s["formats"]["ratio"])),
            format_value(s["share"], CellFormat(s["formats"]["share"])),
        )
        assert printed == (ratio, share)
        assert s["mark"] == "滞后"
    # 柯城区 is the slowest on net assets city-wide (R 0.50), as the issue found
    kecheng = next(r for r in block.rows if r[1].text() == "净资产" and r[2].text() == "柯城区")
    assert kecheng[0].text() == "全市" and kecheng[5].text() == "0.50"
    assert kecheng[7].text() == "1/7"


_AMOUNTS = {"total_assets", "net_assets", "revenue", "total_profit", "net_profit"}


def test_a_small_multiple_per_lagging_unit(demo: RunResult) -> None:
    report = demo.report
    p = _parse(report, "none")
    lags = [s for s in p.svgs if s.get("class") == "chart lag"]
    assert len(lags) == len(report.laggards)
    assert {(s["data-scope"], s["data-indicator"], s["data-unit"]) for s in lags} == {
        (x.scope, x.indicator, x.unit) for x in report.laggards
    }
    one = next(x for x in report.laggards if x.unit == "kecheng" and x.indicator == "net_assets")
    svg = lag_svg(one)
    assert "柯城区" in svg and "R 0.50" in svg and "亿元" in svg
    # the lines it draws are the two the shared legend above the small multiples names
    drawn = set(re.findall(r'<polyline class="([a-z]+)"', svg))
    legend = set(re.findall(r'data-key="([a-z]+)"', lag_legend_svg()))
    assert drawn == legend == {"actual", "milestone"}
    assert lag_legend_svg() in render_html(report)
    # its path starts at its own base and grows at the scope's required rate
    assert one.path[0] == one.actual[0]
    assert one.path[-1][0] == 2025
    assert one.path[1][1] == pytest.approx(one.path[0][1] * (1 + one.required_rate))
    # no rollup (a report built from totals only): no laggards, and no empty heading
    bare = attrs.evolve(report, laggards=())
    assert 'id="laggards"' not in render_html(bare)
    assert "## 落后单位" not in render_markdown(bare)


def test_names_and_captions_from_inputs_are_escaped(demo: RunResult) -> None:
    lag = demo.report.laggards[0]
    hostile = attrs.evolve(lag, unit_name=Text("<b>x</b>&", "<script>"))
    svg = lag_svg(hostile)
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;&amp;" in svg
    report = attrs.evolve(demo.report, laggards=(hostile,))
    assert "<script>" not in render_html(report.with_lang("en")).replace(
        "<script>(function(){var c", ""
    )
    md = render_markdown(report)
    assert "<b>x</b>" not in md


# ---------------------------------------------------------------- names, not codes


def test_findings_name_units_and_indicators_in_the_reports_language(demo: RunResult) -> None:
    for lang, unit, ind in (("zh", "市本级", "净利润"), ("en", "Municipal level", "Net profit")):
        block = findings_block(demo.report.with_lang(lang))
        rows = [[c.text() for c in r] for r in block.rows]
        assert rows, "the demo has findings"
        cols = set(zip(*rows, strict=True))
        texts = {t for col in cols for t in col}
        assert unit in texts and ind in texts
        assert "municipal" not in texts and "net_profit" not in texts
        fixes = [r[-1] for r in rows]
        assert all(" / " not in f for f in fixes), fixes  # one language, not both
    en = [[c.text() for c in r] for r in findings_block(demo.report.with_lang("en")).rows]
    assert "check it, and explain it in the Explanation column" in {r[-1] for r in en}


def test_the_set_aside_table_names_the_unit(demo: RunResult) -> None:
    from soeplan.report.layout import set_aside_block
    from soeplan.report.model import SetAside

    aside = (SetAside("kaihua", Text("开化县", "Kaihua"), 2),)
    for lang, name in (("zh", "开化县"), ("en", "Kaihua")):
        report = attrs.evolve(demo.report.with_lang(lang), set_aside=aside)
        rows = [[c.text() for c in r] for r in set_aside_block(report).rows]
        assert [(r[0], r[-1]) for r in rows] == [(name, "2")]
        assert all("kaihua" not in c for r in rows for c in r)


# ---------------------------------------------------------------- plugin sections


def _with_section(report: Report, table: SectionTable) -> Report:
    sec = attrs.evolve(report.sections[0], content=SectionContent(tables=(table,)))
    return attrs.evolve(report, sections=(sec,))


def test_plugin_section_values_are_formatted_by_their_indicator(
    demo: RunResult, tmp_path: Path
) -> None:
    frame = pl.DataFrame(
        {
            "year": [2022, 2023],
            "kc_waste_received": [86000.0, 181000.0],  # tonnes, named by its indicator
            "kc_waste_recycled_share": [0.7, 0.87],  # a ratio indicator
            "share": [0.1234, 0.5],  # named in formats
            "debt": [0.61, 0.6],  # a core indicator, named in formats
            "other": [1.5, 2.0],  # neither: an amount
        }
    )
    table = SectionTable(
        title=Text("园区", "Park"),
        frame=frame,
        labels={"year": Text("年份", "Year")},
        formats={"share": "growth", "debt": "debt_ratio"},
    )
    report = _with_section(demo.report, table)
    page = render_html(report)
    for shown in (">2023<", ">181,000<", ">87.00%<", ">12.34%<", ">61.00%<", ">1.50<"):
        assert shown in page, shown
    for wrong in (">2,023<", ">181,000.00<", ">0.87<", ">0.12<"):
        assert wrong not in page, wrong
    write_report(report, tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    ws = wb[report.sections[0].title("zh")[:31]]
    cells = {c.value: c.number_format for row in ws.iter_rows() for c in row if c.value}
    assert cells[0.87] == "0.00%" and cells[181000.0] == "#,##0"  # numbers stay numbers


def test_an_unknown_format_falls_back_to_the_columns_type(demo: RunResult) -> None:
    table = SectionTable(
        title=Text("表", "Table"),
        frame=pl.DataFrame({"x": [0.25]}),
        formats={"x": "no-such-format"},
    )
    assert ">0.25<" in render_html(_with_section(demo.report, table))


# ---------------------------------------------------------------- printing and fonts


def test_the_page_prints_on_a4_one_section_a_page(demo: RunResult) -> None:
    page = render_html(demo.report)
    css = page[page.index("<style>") : page.index("</style>")]
    assert "@page { size: A4;" in css and "size: A4 landscape" in css
    printing = css[css.index("@media print") :]
    assert "main > section { break-before: page; }" in printing
    assert "#assessment, #findings { page: wide; }" in printing
    assert ".table-wrap { overflow: visible; max-height: none;" in printing


def test_the_font_notice_is_there_hidden_and_says_what_to_install(demo: RunResult) -> None:
    for lang, words in (("zh", "微软雅黑"), ("en", "Microsoft YaHei")):
        page = render_html(demo.report.with_lang(lang))
        notice = re.search(r'<div id="font-notice"[^>]*>(.*?)</div>', page, re.S)
        assert notice and " hidden" in notice.group(0)
        assert words in notice.group(1) and "fonts-noto-cjk" in notice.group(1)
    # the font stack reaches the page and its charts: Windows' and Linux's Chinese fonts
    page = render_html(demo.report)
    for font in ("Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "SimSun"):
        assert font in page


def test_unit_lag_record_is_frozen(demo: RunResult) -> None:
    lag: UnitLag = demo.report.laggards[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        lag.rank = 3  # type: ignore[misc]
