"""The report's workbook, as a clerk opens it: a contents sheet with links, frozen headers, a
filter on every table, widths from the content, numbers stored as numbers in the format of
their kind, and short sheet names in whole words."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import openpyxl
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

import soeplan
from soeplan.plugins.checks import record_problems
from soeplan.report.sheet_names import LIMIT, SHEETS, clean, unique_sheet_name, whole_words
from soeplan.report.xlsx_sheet import MAX_WIDTH, display_width, number_of_text, shown
from soeplan.run import run_demo
from soeplan.sections import ReportSection, SectionContent, SectionTable, Text, content_problems
from soeplan.testing import check_section_content
from soeplan.testing.contents import section_problems

#: A text that reads as a number, a percentage, points, or a figure with its † mark.
LOOKS_NUMERIC = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?(%|pp)?†?")
ALLOWED_FORMATS = {
    "0.00%",
    "#,##0.00",
    "#,##0",
    "0",
    '0.00"pp"',
    "0%",
    "0.00",
    "0.0000",
    "0.0",
}  # 0.0: scores
COUNTS = {"0", "#,##0"}  # a whole number, with or without thousands separators


@pytest.fixture(scope="module", params=["zh", "en"])
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp(f"wb-{request.param}")
    run_demo(out, lang=request.param)
    return out / "report.xlsx"


def _header_rows(ws: Worksheet) -> list[int]:
    """Rows of a table header: bold, filled cells in column A (the writers' header style)."""
    return [
        c.row
        for c in ws["A"]
        if c.font is not None and c.font.b and c.fill is not None and c.fill.fgColor.rgb
        and str(c.fill.fgColor.rgb).endswith("DDE7F3")
    ]  # fmt: skip


def _filtered_header_rows(ws: Worksheet) -> set[int]:
    refs = [t.ref for t in ws.tables.values()]
    if ws.auto_filter.ref:
        refs.append(ws.auto_filter.ref)
    return {range_boundaries(r)[1] for r in refs}  # type: ignore[misc]


def test_the_contents_sheet_comes_first_and_links_every_sheet(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    contents = wb.worksheets[0]
    assert contents.title in ("目录", "Contents")
    links = {}
    for row in contents.iter_rows():
        for c in row:
            if c.hyperlink is not None:
                links[c.value] = c.hyperlink.location
    assert set(links) == set(wb.sheetnames[1:]), "every other sheet, once"
    for name, location in links.items():
        sheet, _, cell = location.rpartition("!")
        assert sheet.strip("'").replace("''", "'") == name and cell == "A1"
        assert name in wb.sheetnames  # the link lands on a sheet that exists


def test_every_sheet_freezes_its_header_and_first_column(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        assert ws.freeze_panes is not None, ws.title
        col, row = re.fullmatch(r"([A-Z]+)(\d+)", ws.freeze_panes).groups()  # type: ignore[union-attr]
        assert col in ("B", "C"), ws.title  # the first column (a plan's table: two)
        headers = _header_rows(ws)
        if headers:  # a table's sheet: frozen just below its first header row
            assert int(row) == headers[0] + 1, ws.title
        else:  # the plan's published tables (two merged header rows) and the about sheet
            assert ws.cell(int(row) - 1, 1).value is not None or ws.cell(int(row) - 2, 1).value


def test_every_sheet_prints_a_page_wide_with_its_header_on_every_page(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        row = int(re.sub(r"[A-Z]+", "", ws.freeze_panes or "A1"))
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == f"$1:${row - 1}", ws.title


def test_every_table_with_rows_has_a_filter(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        filtered = _filtered_header_rows(ws)
        for r in _header_rows(ws):
            has_rows = ws.cell(r + 1, 2).value is not None or isinstance(
                ws.cell(r + 1, 1).value, int | float
            )
            if has_rows:
                assert r in filtered, f"{ws.title}: the table at row {r} has no filter"
        for t in ws.tables.values():  # Excel refuses a table whose headers repeat or are empty
            first = range_boundaries(t.ref)
            names = [ws.cell(first[1], c).value for c in range(first[0], first[2] + 1)]
            assert all(isinstance(n, str) and n for n in names), (ws.title, names)
            assert len({n.lower() for n in names}) == len(names), (ws.title, names)
    published = wb.worksheets[2]  # 规划原表1 / Plan table 1: a filter under its merged header
    assert published.auto_filter.ref


def test_every_number_is_a_number_with_the_format_of_its_kind(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    numbers = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and not (c.font is not None and c.font.b):
                    assert not LOOKS_NUMERIC.fullmatch(c.value.strip()), (ws.title, c.coordinate)
                    assert "%†" not in c.value, (ws.title, c.coordinate)
                if isinstance(c.value, int | float) and not isinstance(c.value, bool):
                    numbers += 1
                    assert c.number_format in ALLOWED_FORMATS, (ws.title, c.coordinate)
    assert numbers > 1000


def _column(ws: Worksheet, header: str) -> list[openpyxl.cell.Cell]:
    for row in ws.iter_rows():
        for c in row:
            if c.value == header and c.font is not None and c.font.b:
                cells = []
                for r in range(c.row + 1, ws.max_row + 1):
                    cell = ws.cell(r, c.column)
                    if cell.value is None:
                        break
                    cells.append(cell)
                return cells
    raise AssertionError(f"{ws.title} has no column {header!r}")


def test_section_sheets_format_rates_counts_and_amounts_by_kind(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    zh = wb.sheetnames[0] == "目录"

    def formats(sheet: str, header: str) -> set[str]:
        cells = _column(wb[sheet], header)
        assert cells and all(isinstance(c.value, int | float) for c in cells), (sheet, header)
        return {c.number_format for c in cells}

    if zh:
        assert formats("柯城区联动与资源化", "资源化利用率") == {"0.00%"}
        assert formats("柯城区联动与资源化", "接收量（吨）") <= COUNTS  # whole tonnes
        assert formats("衢江区国资运营架构", "AA 评级企业（家）") <= COUNTS
        assert formats("江山市可比增长", "可比增长率") == {"0.00%"}
        assert formats("资产负债约束监测", "本年") == {"0.00%"}
        assert formats("资产负债约束监测", "变动") == {'0.00"pp"'}
        assert formats("资产负债约束监测", "连续超预警线年数") <= COUNTS
        assert formats("分单位进展", "实际年均增长率") == {"0.00%"}
        assert formats("分单位进展", "排名") <= COUNTS
        assert "0.00%" in formats("审核发现", "实际")  # a finding's 73.78%, a number
    else:
        assert formats("Kecheng linkage and recycling", "Share recycled") == {"0.00%"}
        assert formats("Jiangshan comparable growth", "Growth") == {"0.00%"}
        assert formats("Jiangshan comparable growth", "2023 (100m yuan)") == {"#,##0.00"}
        assert formats("Debt-risk monitoring", "This year") == {"0.00%"}
        assert formats("Loss-making enterprises", "Years of loss in a row") <= COUNTS


def test_the_plans_marked_figure_is_a_number_with_its_mark_beside_it(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[2]  # the plan's Table 1 as published
    marked = [c for row in ws.iter_rows() for c in row if c.comment is not None]
    assert marked and all(isinstance(c.value, float) for c in marked)
    assert {c.number_format for c in marked} == {"0.00%"}
    notes = [ws.cell(c.row, ws.max_column).value for c in marked]
    assert all(isinstance(n, str) and n.startswith("†") for n in notes)


def test_columns_are_as_wide_as_what_they_hold(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    checked = 0
    for ws in wb.worksheets:
        for t in ws.tables.values():
            first_col, header, last_col, last = range_boundaries(t.ref)  # type: ignore[misc]
            for col in range(first_col, last_col + 1):
                values = [
                    display_width(shown(c.value, c.number_format))
                    for r in range(header + 1, last + 1)
                    if (c := ws.cell(r, col)).value is not None
                ]
                width = ws.column_dimensions[get_column_letter(col)].width
                want = min(max(values, default=0), MAX_WIDTH - 2) + 2
                assert want <= width <= MAX_WIDTH, (ws.title, col)
                checked += 1
    assert checked > 100
    # numbers are narrow, as their figures are: not 32 wide
    first = wb.worksheets[4]  # 表1-全市 / Table 1 - City-wide: figures from column C
    assert all(first.column_dimensions[x].width <= 30 for x in "CDE")


def test_a_chinese_character_counts_double() -> None:
    assert display_width("资产负债率") == 10 == display_width("debt ratio")
    assert display_width("a\n资产") == 4


# ------------------------------------------------------------------------- sheet names


def test_the_core_sheet_names_are_short_and_distinct_in_both_languages() -> None:
    plan = soeplan.load_plan("quzhou-14th")
    for lang in ("zh", "en"):
        for text in SHEETS.values():
            for n in (1, 2):
                for scope in plan.scopes:
                    name = text(lang).format(n=n, scope=scope.name(lang))
                    assert len(name) <= LIMIT and name == clean(name), name
        plain = [t(lang).format(n=1, scope="x") for t in SHEETS.values()]
        assert len({p.lower() for p in plain}) == len(SHEETS), lang


def test_the_demos_sheet_names_are_whole_words(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    names = wb.sheetnames
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= LIMIT for n in names)
    sections = soeplan.get_registry().sections.values()
    for sec in sections:
        for lang in ("zh", "en"):
            short = (sec.sheet or sec.title)(lang)
            assert len(short) <= LIMIT, (sec.id, lang)  # no plugin's name is cut at all


_WORD = st.text(st.sampled_from("abcdefghij资产负债率"), min_size=1, max_size=12)


@given(st.lists(_WORD, min_size=1, max_size=12), st.sampled_from([" ", ": ", "、", "，"]))
def test_a_long_name_is_cut_after_a_whole_word(words: list[str], sep: str) -> None:
    name = sep.join(words)
    full = clean(name)
    cut = whole_words(name)
    assert 0 < len(cut) <= LIMIT and full.startswith(cut)
    if cut != full:
        rest = full[len(cut) :]
        boundary = rest[0] in " -–—,;，、；：（）()" or cut[-1] in " -–—,;，、；：（）()"
        cjk = display_width(cut[-1]) == 2 or display_width(rest[0]) == 2
        assert boundary or cjk, (cut, rest)  # never inside a Latin word


def test_unique_names_stay_whole_words_and_short() -> None:
    taken: set[str] = set()
    long = "Jiangshan: mergers, transfers and comparable growth"
    got = [unique_sheet_name(long, taken) for _ in range(3)]
    assert got[0] == "Jiangshan - mergers, transfers"
    assert got[1].endswith(" (2)") and got[2].endswith(" (3)")
    assert all(len(g) <= LIMIT for g in got) and len({g.lower() for g in got}) == 3
    odd = unique_sheet_name("a[b]:c*?/d\\e", set())
    assert odd == "a-b--c---d-e" and not set("[]:*?/\\") & set(odd)


# ------------------------------------------------------------------- numbers from text


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(0, 4))
def test_a_quoted_figure_reads_back_as_the_number_it_shows(x: float, places: int) -> None:
    text = f"{x:.{places}f}"
    got = number_of_text(text)
    assert got is not None and got[0] == pytest.approx(float(text), abs=1e-9)
    pct = number_of_text(text + "%")
    assert pct is not None and pct[1].endswith("%")
    assert pct[0] == pytest.approx(float(text) / 100, abs=1e-9)
    assert shown(pct[0], pct[1]) == text + "%"


@pytest.mark.parametrize("text", ["=1+1", "< 65%", "0012", "1.2.3", "12 亿元", "", "9133A"])
def test_other_texts_stay_text(text: str) -> None:
    assert number_of_text(text) is None


# ---------------------------------------------------------------- what plugins declare


def _section(**kw: object) -> ReportSection:
    return ReportSection(
        id="x.s", title=Text("标题", "Title"), render=lambda ctx: SectionContent(), **kw
    )


def test_a_sections_sheet_name_is_checked_when_it_registers() -> None:
    assert record_problems(_section(sheet=Text("短名", "Short"))) == []
    long = record_problems(_section(sheet=Text("短名", "A name much longer than Excel takes")))
    assert len(long) == 1 and "31 characters" in long[0].what
    bad = record_problems(_section(sheet=Text("a:b", "ok")))
    assert len(bad) == 1 and "Chinese" in bad[0].what
    assert record_problems(_section(sheet="plain"))[0].what == "sheet is not a Text"


def test_the_kit_refuses_a_format_that_names_nothing() -> None:
    frame = pl.DataFrame({"share": [0.5], "n": [3]})
    labels = {"share": Text("比重", "Share"), "n": Text("数", "Count")}
    ok = SectionTable(title=Text("表", "T"), frame=frame, labels=labels,
                      formats={"share": "ratio", "n": "listed"})  # fmt: skip
    assert check_section_content(SectionContent(tables=(ok,))) == []
    stray = attrs.evolve(ok, formats={"missing": "ratio"})
    problems = check_section_content(SectionContent(tables=(stray,)))
    assert [p.what for p in problems] == ["formats names 'missing', not a column"]
    listed = SectionContent(tables=(attrs.evolve(ok, formats=["ratio"]),))
    assert content_problems(listed) == ["table 0's formats are a list, expected a dict of str"]
    bad = attrs.evolve(ok, formats={"share": "percent"})
    section = _section()
    section = attrs.evolve(section, render=lambda ctx: SectionContent(tables=(bad,)))
    found = section_problems(section, soeplan.get_registry(), pl.DataFrame(), 2023)
    assert any("'percent'" in p.what and "neither a format nor an indicator" in p.what
               for p in found)  # fmt: skip


def test_an_excel_tables_headers_are_distinct_one_line_texts(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from soeplan.report.xlsx_sheet import Region, SheetLayout, finish

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for j, h in enumerate(["a\nb", None, "x", "X", "=1+1"], start=1):
        ws.cell(1, j, h)
        ws.cell(2, j, j)
    finish(ws, SheetLayout([Region(1, 1, 5, 2)]), [0])
    wb.save(tmp_path / "t.xlsx")
    back = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert back is not None
    names = [back.cell(1, j).value for j in range(1, 6)]
    assert names == ["a b", "(B)", "x", "X (2)", "=1+1"]
    (table,) = back.tables.values()
    assert [c.name for c in table.tableColumns] == names
    assert back.freeze_panes == "B2"
    assert back["E1"].data_type == "s"  # a header that starts like a formula stays text
