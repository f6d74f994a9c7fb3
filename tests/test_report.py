from __future__ import annotations

import base64
import hashlib
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import polars as pl
import pytest

import soeplan
from report_fixtures import (
    ENTITIES,
    ENTITY_NAMES,
    entities_for,
    findings_for,
    totals_for,
    unit_names,
    units_for,
)
from soeplan.assessment.records import BoundStatus, MidTerm, Status
from soeplan.report import (
    REPORT_FILES,
    DebtLines,
    InputFile,
    Report,
    SetAside,
    WatchLevel,
    build_report,
    write_report,
)
from soeplan.report import write as write_mod
from soeplan.report.format import format_value
from soeplan.report.html import CSP, FONT_CHECK, render_html
from soeplan.report.i18n import LABELS, cjk_fragments, has_cjk
from soeplan.report.markdown import render_markdown
from soeplan.report.model import AssessmentRow, CellFormat
from soeplan.sections import ReportSection, SectionContent, SectionContext, SectionTable, Text

YEAR = 2023


def _section_ok(ctx: SectionContext) -> SectionContent:
    frame = pl.DataFrame({"项目": ["两山银行交易额"], "value": [12.5], "count": [3]})
    return SectionContent(
        paragraphs=(
            Text(f"{ctx.year}年常山县两山银行运行情况。", f"Changshan's bank in {ctx.year}."),
        ),
        tables=(
            SectionTable(
                title=Text("两山银行", "Ecological resource bank"),
                frame=frame,
                labels={"项目": Text("项目", "Item"), "value": Text("金额", "Amount")},
            ),
        ),
    )


def _section_broken(ctx: SectionContext) -> SectionContent:
    raise RuntimeError("plugin bug")


SECTIONS = (
    ReportSection(
        id="changshan.bank", title=Text("两山银行", "Ecological bank"), render=_section_ok
    ),
    ReportSection(id="zz.broken", title=Text("坏章节", "Broken section"), render=_section_broken),
)


@pytest.fixture(scope="module")
def plan() -> soeplan.Plan:
    return soeplan.load_plan("quzhou-14th")


def make_report(plan: soeplan.Plan, lang: str = "zh", **kw: object) -> Report:
    totals = totals_for(plan, YEAR)
    args: dict[str, object] = dict(
        units=units_for(totals, YEAR),
        entities=entities_for(YEAR),
        findings=findings_for(YEAR),
        set_aside=(SetAside("changshan", Text("常山县", "Changshan County"), 1),),
        sections=SECTIONS,
        providers=[soeplan.Provider("core", "soeplan", soeplan.__version__)],
        synthetic=True,
        lang=lang,
        unit_names=unit_names(),
        entity_names=ENTITY_NAMES,
    )
    args.update(kw)
    return build_report(plan, YEAR, totals, **args)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the model


def test_assessment_is_the_growth_branchs_assessment_of_the_totals(plan: soeplan.Plan) -> None:
    report = make_report(plan)
    expected = soeplan.assess_frame(report.totals, plan, YEAR)
    assert len(report.assessment) == expected.height == len(plan.targets)
    got = {(r.scope, r.indicator): r for r in report.assessment}
    for e in expected.iter_rows(named=True):
        r = got[(e["scope"], e["indicator"])]
        assert (r.actual, r.milestone, r.target) == (e["current"], e["milestone"], e["target"])
        assert r.required_growth == e["required_rate_remaining"]
        assert (r.status.value if r.status else None) == e["status"]
        assert (r.compliance.value if r.compliance else None) == e["compliance"]
    city_ta = got[("city", "total_assets")]
    totals = totals_for(plan, YEAR)
    assert (
        city_ta.actual
        == totals.filter(scope="city", year=YEAR, indicator="total_assets")["value"].item()
    )
    # 14% a year against the ~13.9% needed is on track; 5% revenue growth against ~20% is not
    assert city_ta.actual_growth == pytest.approx(0.14)
    assert city_ta.status is Status.ON_TRACK
    assert got[("city", "revenue")].status in {Status.INSUFFICIENT, Status.MODERATE}
    assert got[("city", "revenue")].midterm is MidTerm.LAGGING
    assert got[("city", "revenue")].attention
    assert got[("city", "debt_ratio")].compliance is BoundStatus.MET
    assert got[("city", "listed")].time_share == pytest.approx(3 / 5)
    # rows come in the plan's order: scopes as listed, indicators as in Table 2
    assert [r.scope for r in report.assessment][:1] == ["city"]
    assert [r.indicator for r in report.assessment if r.scope == "city"] == list(plan.table(2).rows)


def test_nothing_is_assessed_in_the_base_year(plan: soeplan.Plan) -> None:
    report = build_report(plan, plan.base_year, plan.figures_frame())
    assert report.assessment == () and report.compliance == ()
    assert report.table(1, "city").rows[0].cells[1].value == float(
        plan.figure("city", "total_assets", 2020).value  # type: ignore[union-attr]
    )


def test_ceiling_breach_is_reported_in_compliance(plan: soeplan.Plan) -> None:
    totals = totals_for(plan, YEAR).with_columns(
        pl.when((pl.col("indicator") == "debt_ratio") & (pl.col("scope") == "urban"))
        .then(0.66)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    report = build_report(plan, YEAR, totals)
    comp = {c.scope: c for c in report.compliance}
    assert comp["urban"].complies is False and comp["city"].complies is True
    assert comp["urban"].status is BoundStatus.NOT_MET
    assert comp["urban"].headroom == pytest.approx(0.65 - 0.66)


def test_debt_watch_uses_the_configured_lines(plan: soeplan.Plan) -> None:
    report = make_report(plan)
    levels = {w.entity: w.level for w in report.debt_watch}
    assert levels == {"e.warn": WatchLevel.WARNING, "e.key": WatchLevel.KEY}
    key = next(w for w in report.debt_watch if w.entity == "e.key")
    _, ta, na = ENTITIES["e.key"]
    assert key.debt_ratio == pytest.approx(1 - na / ta)
    assert key.name == ENTITY_NAMES["e.key"]
    stricter = make_report(plan, debt_lines=DebtLines(warning=0.6, key_supervision=0.65))
    assert {w.entity: w.level for w in stricter.debt_watch} == {
        "e.warn": WatchLevel.KEY,
        "e.key": WatchLevel.KEY,
        "e.edge": WatchLevel.WARNING,
    }
    with pytest.raises(soeplan.SoeplanError):
        DebtLines(warning=0.8, key_supervision=0.7)


def test_a_failing_section_is_kept_with_its_error(plan: soeplan.Plan) -> None:
    report = make_report(plan)
    by_id = {s.id: s for s in report.sections}
    assert by_id["changshan.bank"].error is None
    assert by_id["changshan.bank"].content.paragraphs[0].en == "Changshan's bank in 2023."
    assert by_id["zz.broken"].error == "raised RuntimeError: plugin bug"
    failure = by_id["zz.broken"].failure
    assert failure is not None and (failure.stage, failure.record) == (
        "soeplan_report_sections",
        "zz.broken",
    )
    assert failure in report.meta.plugin_failures


def test_totals_frame_must_be_long(plan: soeplan.Plan) -> None:
    with pytest.raises(soeplan.SoeplanError, match="scope, year, indicator, value"):
        build_report(plan, YEAR, pl.DataFrame({"scope": ["city"], "v": [1.0]}))


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (0.12345, CellFormat.RATIO, "12.35%"),
        (0.12344999, CellFormat.RATIO, "12.34%"),
        (1234.565, CellFormat.AMOUNT, "1,234.57"),
        (-0.00001, CellFormat.GROWTH, "0.00%"),
        (float("nan"), CellFormat.AMOUNT, "–"),
    ],
)
def test_rounding_is_half_up_at_the_edge(value: float, fmt: CellFormat, text: str) -> None:
    assert format_value(value, fmt) == text


# ---------------------------------------------------------------- the workbook


def _find(ws: openpyxl.worksheet.worksheet.Worksheet, text: str) -> tuple[int, int]:
    for row in ws.iter_rows():
        for c in row:
            if c.value == text:
                return c.row, c.column
    raise AssertionError(f"{text!r} not in sheet {ws.title}")


def _excel(v: float | None) -> float | None:
    """A float as the workbook stores it: openpyxl writes 16 significant digits."""
    return None if v is None else float(f"{v:.16g}")


def test_workbook_numbers_equal_the_rollup_frame(plan: soeplan.Plan, tmp_path: Path) -> None:
    report = make_report(plan)
    write_report(report, tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    values = {
        (s, i, y): v
        for s, y, i, v in report.totals.select("scope", "year", "indicator", "value").iter_rows()
    }
    checked = 0
    for table in report.tables:
        ws = next(ws for ws in wb.worksheets if any(c.value == table.title.zh for c in ws["A"]))
        title_row, _ = _find(ws, table.title.zh)
        header_row = title_row + 1
        for i, row in enumerate(table.rows):
            r = header_row + 1 + i
            assert ws.cell(r, 1).value == row.label.zh
            for year, col in table.year_columns:
                cell = ws.cell(r, col + 1)
                expected = values.get((table.scope, row.indicator, year))
                assert cell.value == _excel(expected), (ws.title, row.indicator, year)
                if expected is not None:
                    assert cell.number_format in {"#,##0.00", "0.00%", "#,##0"}
                    checked += 1
    assert checked > 80
    # the assessment sheet's actuals are the same numbers; a ratio the plan truncates is
    # stored truncated at its printed place (54.57…% as 0.5457), as every output prints it
    ws = wb["年度评估"]
    hr, _ = _find(ws, "实际值")
    col = [c.value for c in ws[hr]].index("实际值") + 1
    actuals = [ws.cell(hr + 1 + i, col).value for i in range(len(report.assessment))]

    def stored(a: AssessmentRow) -> float | None:
        v = values.get((a.scope, a.indicator, YEAR))
        if v is None or a.fmt is not CellFormat.RATIO:
            return _excel(v)
        return math.floor(v * 10_000 + 1e-8) / 10_000

    assert actuals == pytest.approx([stored(a) for a in report.assessment], rel=1e-12)


def test_workbook_has_about_sheet_sections_and_synthetic_note(
    plan: soeplan.Plan, tmp_path: Path
) -> None:
    inp = tmp_path / "in.csv"
    inp.write_text("unit,entity\n", encoding="utf-8")
    report = make_report(plan, inputs=(InputFile.of(inp, "kecheng"),))
    write_report(report, tmp_path / "out")
    wb = openpyxl.load_workbook(tmp_path / "out" / "report.xlsx")
    assert wb.sheetnames[:2] == ["目录", "说明"]  # the contents first, then the about sheet
    about = "\n".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    assert LABELS["synthetic_banner"][0] in about
    assert InputFile.of(inp).sha256 in about
    assert "core soeplan" in about
    assert "两山银行" in wb.sheetnames and "坏章节" in wb.sheetnames
    for name in wb.sheetnames[2:]:
        # the plan's own published tables are never called synthetic; every other sheet is
        expected = "published_banner" if name.startswith("规划原表") else "synthetic_banner"
        assert wb[name]["A1"].value == LABELS[expected][0], name
    bank = "\n".join(str(c.value) for row in wb["两山银行"].iter_rows() for c in row if c.value)
    assert "2023年常山县两山银行运行情况。" in bank
    _, col = _find(wb["两山银行"], "金额")
    r, _ = _find(wb["两山银行"], "金额")
    assert wb["两山银行"].cell(r + 1, col).value == 12.5


# ---------------------------------------------------------------- the HTML page


class _Collect(HTMLParser):
    """Text outside deliberate data, every attribute, and the chart elements."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.svgs: list[dict[str, str]] = []
        self.data_depth = 0
        self.stack: list[bool] = []
        self.metas: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.attrs += list(a.items())
        if tag == "svg":
            self.svgs.append(a)
        if tag == "meta":
            self.metas.append(a)
        is_data = "data" in a.get("class", "").split()
        if tag not in {"meta", "br", "line", "circle", "rect", "polyline"}:
            self.stack.append(is_data)
            self.data_depth += is_data

    def handle_endtag(self, tag: str) -> None:
        if tag not in {"meta", "br", "line", "circle", "rect", "polyline"} and self.stack:
            self.data_depth -= self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.data_depth:
            self.text.append(data)


def test_html_is_self_contained(plan: soeplan.Plan) -> None:
    page = render_html(make_report(plan))
    p = _Collect()
    p.feed(page)
    csp = [m for m in p.metas if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp and csp[0]["content"] == CSP
    for name, value in p.attrs:
        assert not re.search(r"(https?:)?//", value) or name == "content", (name, value)
    assert not re.search(r"https?://", page)
    assert "@font-face" not in page and "@import" not in page
    # one script, inline, the font check, allowed by its hash and by nothing broader
    assert page.count("<script") == 1 and f"<script>{FONT_CHECK}</script>" in page
    digest = base64.b64encode(hashlib.sha256(FONT_CHECK.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in CSP and "unsafe" not in CSP.split("script-src")[1]
    assert LABELS["synthetic_banner"][0] in page
    report = make_report(plan)
    charts = [s for s in p.svgs if "trajectory" in s.get("class", "")]
    assert len(charts) == len(report.series) == len(plan.targets)
    assert {(s["data-scope"], s["data-indicator"]) for s in charts} == {
        (t.scope, t.indicator) for t in plan.targets
    }
    assert (
        len([s for s in p.svgs if "breakdown" in s.get("class", "")]) == len(report.breakdowns) > 0
    )


def test_report_states_provenance_and_how_to_trace(plan: soeplan.Plan, tmp_path: Path) -> None:
    inp = tmp_path / "kecheng.csv"
    inp.write_bytes(b"unit,entity,year,indicator,value\n")
    report = make_report(plan, inputs=(InputFile.of(inp, "kecheng"),))
    for text in (render_html(report), render_markdown(report)):
        assert InputFile.of(inp).sha256 in text
        assert f"core soeplan {soeplan.__version__}" in text
        assert "soeplan explain" in text


# ---------------------------------------------------------------- English throughout


def _assert_no_cjk(text: str, allowed: set[str], where: str) -> None:
    for s in sorted(allowed, key=len, reverse=True):
        text = text.replace(s, "")
    assert not has_cjk(text), f"untranslated in {where}: {cjk_fragments(text)[:10]}"


def test_english_report_has_no_untranslated_label(plan: soeplan.Plan, tmp_path: Path) -> None:
    report = make_report(plan, lang="en")
    allowed = report.data_strings()
    assert "重点监管示例公司" in allowed  # deliberate data stays as it is
    p = _Collect()
    p.feed(render_html(report))
    _assert_no_cjk("".join(p.text), set(), "HTML")
    _assert_no_cjk(render_markdown(report), allowed, "summary.md")
    write_report(report, tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    for ws in wb.worksheets:
        _assert_no_cjk(ws.title, set(), "sheet names")
        cells = "\n".join(
            str(c.value) for row in ws.iter_rows() for c in row if c.value is not None
        )
        _assert_no_cjk(cells, allowed, f"sheet {ws.title}")


def test_chinese_report_is_chinese(plan: soeplan.Plan) -> None:
    md = render_markdown(make_report(plan))
    assert "年度评估" in md and "Yearly assessment" not in md


# ---------------------------------------------------------------- writing


def test_write_report_is_atomic(
    plan: soeplan.Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = make_report(plan)
    out = tmp_path / "rep"
    write_report(report, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(REPORT_FILES)
    (out / "keep.txt").write_text("mine")
    before = (out / "summary.md").read_text(encoding="utf-8")

    def boom(report: Report, path: Path) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(write_mod, "write_markdown", boom)
    with pytest.raises(OSError):
        write_report(report.with_lang("en"), out)
    assert (out / "summary.md").read_text(encoding="utf-8") == before
    assert (out / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]  # no temp dir left


def test_no_nan_reaches_the_workbook(plan: soeplan.Plan, tmp_path: Path) -> None:
    write_report(make_report(plan), tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert not (isinstance(c.value, float) and math.isnan(c.value)), (
                    ws.title,
                    c.coordinate,
                )


def test_the_plans_own_tables_are_in_workbook_and_page(plan: soeplan.Plan, tmp_path: Path) -> None:
    from markupsafe import escape

    from soeplan.plan.tables import build_table

    report = make_report(plan)
    write_report(report, tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    for number in (1, 2):
        published = build_table(plan, number, "zh")
        ws = wb[f"规划原表{number}"]
        values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
        assert published.title in values
        cell = published.cell("city", "total_assets", "2020")
        assert cell.value is not None and float(cell.value) in values
    page = render_html(report.with_lang("en"))
    assert str(escape(build_table(plan, 2, "en").title)) in page
