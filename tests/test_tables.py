"""Tables 1 and 2 regenerated cell for cell against the seed document."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

import soeplan
from soeplan.plan.table_output import csv_rows, render_table
from soeplan.plan.tables import MARK, CellKind, build_table, target_text

BUILTIN = Path(soeplan.__file__).parent / "data" / "plans" / "quzhou-14th.toml"

# Table 1 of the seed, as printed (tab-separated in the seed text), transcribed by hand.
SEED_TABLE_1 = [
    ["一级指标", "二级指标", "单位", "全市国企", "", "", "", "市区国企", "", "", ""],
    ["", "", "", "2015年", "2020年", "年均增长率", "总体增长率", "2015年", "2020年", "年均增长率", "总体增长率"],
    ["总体规模", "资产总额", "亿元", "920.12", "2090.49", "17.84%", "127.19%", "370.55", "1197.87", "26.45%", "223.26%"],
    ["", "净资产", "亿元", "468.14", "928.12", "14.67%", "98.25%", "194.39", "544.11", "22.86%", "179.90%"],
    ["", "营业收入", "亿元", "42.83", "78.74", "12.95%", "83.84%", "29.97", "46.02", "8.96%", "53.55%"],
    ["", "利润总额", "亿元", "8.76", "15.94", "12.71%", "81.96%", "6.15", "11.57", "13.47%", "88.13%"],
    ["", "净利润", "亿元", "8.83", "12.26", "6.79%", "38.84%", "5.87", "8.97", "8.85%", "52.81%"],
    ["", "资产负债率", "%", "49.12%", "55.60%", "/", "/", "47.54%", "54.57%", "/", "/"],
    ["发展质量", "净资产收益率", "%", "1.88%", "1.32%", "/", "/", "3.01%", "1.64%", "/", "/"],
    ["", "利润率", "%", "20.45%", "20.24%", "/", "/", "20.52%", "25.14%", "/", "/"],
    ["", "净利润率", "%", "20.61%", "15.57%", "/", "/", "19.58%", "19.49%", "/", "/"],
    ["", "AA+评级企业", "家", "0", "3", "/", "/", "0", "3", "/", "/"],
    ["", "AA评级企业", "家", "1", "15", "/", "/", "1", "8", "/", "/"],
]  # fmt: skip

# Table 2 of the seed, as printed. The seed repeats the two header rows where the table breaks
# across pages (before 资产负债率); that is pagination, not a row of the table.
SEED_TABLE_2 = [
    ["一级指标", "二级指标", "单位", "全市国企", "", "", "市区国企", "", "", "指标属性"],
    ["", "", "", "2020年", "2025年", "增长率", "2020年", "2025年", "增长率", ""],
    ["总体规模", "资产总额", "亿元", "2090.49", "4000", "91.34%", "1197.87", "2500", "108.70%", "预期性"],
    ["", "净资产", "亿元", "928.12", "1600", "72.39%", "544.11", "900", "65.40%", "预期性"],
    ["", "营业收入", "亿元", "78.74", "200", "154.00%", "46.02", "120", "160.75%", "预期性"],
    ["", "利润总额", "亿元", "15.94", "45", "182.30%", "11.57", "30", "159.29%", "预期性"],
    ["", "净利润", "亿元", "12.26", "35", "185.48%", "8.97", "22", "145.26%", "预期性"],
    ["", "资产负债率", "%", "55.60%", "<65%", "/", "54.57%", "<65%", "/", "约束性"],
    ["发展质量", "净资产收益率", "%", "1.32%", "不低于2%", "/", "1.64%", "不低于2.2%，力争2.5%", "/", "预期性"],
    ["", "利润率", "%", "20.24%", "22.50%", "/", "25.14%", "25%", "/", "预期性"],
    ["", "净利润率", "%", "15.57%", "17.50%", "/", "19.49%", "18.33%", "/", "预期性"],
    ["", "AAA评级企业", "家", "0", "1", "/", "0", "1", "/", "预期性"],
    ["", "AA+评级企业", "家", "3", "8", "/", "3", "6", "/", "预期性"],
    ["", "国有控股上市公司", "家", "0", "2", "/", "0", "2", "/", "预期性"],
]  # fmt: skip

# The two cells of Table 1 that the column's convention (half-up) does not reproduce from the
# printed inputs: (row, column) -> what soeplan prints (computed, marked).
TABLE_1_MARKED = {(5, 5): "12.72%" + MARK, (6, 5): "6.78%" + MARK}


@pytest.fixture(scope="module")
def plan() -> soeplan.Plan:
    return soeplan.load_plan("quzhou-14th")


def _parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_table_1_csv_equals_the_seed_cell_for_cell(plan: soeplan.Plan) -> None:
    rows = _parse_csv(render_table(build_table(plan, 1), "csv"))
    grid, notes = rows[: len(SEED_TABLE_1)], rows[len(SEED_TABLE_1) :]
    expected = [list(r) for r in SEED_TABLE_1]
    for (i, j), text in TABLE_1_MARKED.items():
        expected[i][j] = text
    assert grid == expected
    # Everything else is the seed exactly; the two differing cells are marked and explained.
    differing = {
        (i, j)
        for i, row in enumerate(SEED_TABLE_1)
        for j, cell in enumerate(row)
        if grid[i][j] != cell
    }
    assert differing == set(TABLE_1_MARKED)
    assert notes[0] == []
    assert len(notes) == 3
    assert "利润总额" in notes[1][0] and "12.71%" in notes[1][0] and "12.72%" in notes[1][0]
    assert "净利润" in notes[2][0] and "6.79%" in notes[2][0] and "6.78%" in notes[2][0]


def test_table_2_csv_equals_the_seed_cell_for_cell(plan: soeplan.Plan) -> None:
    rows = _parse_csv(render_table(build_table(plan, 2), "csv"))
    assert rows == SEED_TABLE_2  # no marked cell: every figure reproduces, so no notes


def test_marked_cells_carry_published_and_computed_values(plan: soeplan.Plan) -> None:
    table = build_table(plan, 1)
    cell = table.cell("city", "total_profit", "cagr")
    assert cell.marked and cell.kind is CellKind.COMPUTED
    assert cell.published == Decimal("0.1271")
    assert cell.value is not None and Decimal("0.12718") < cell.value < Decimal("0.12719")
    assert cell.note is not None and table.notes[cell.note].indicator == "total_profit"
    unmarked = [
        c for r in table.rows for c in r.cells if c.kind is CellKind.COMPUTED and not c.marked
    ]
    assert len(unmarked) == 16 + 20 - 2  # 16 ratios, 20 growth figures, 2 marked
    assert all(c.published is not None for c in unmarked)


def test_every_ratio_and_growth_is_computed_not_copied(tmp_path: Path) -> None:
    # Change published growth and ratio figures: the computed cells stay, now marked.
    text = BUILTIN.read_text(encoding="utf-8")
    text = text.replace('cagr = "17.84%"', 'cagr = "17.00%"').replace('"1.32%"', '"1.99%"')
    text = text.replace('total_growth = "91.34%"', 'total_growth = "90.00%"')
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    changed = soeplan.load_plan(path)
    t1 = build_table(changed, 1)
    assert t1.cell("city", "total_assets", "cagr").text == "17.84%" + MARK
    assert t1.cell("city", "roe", "2020").text == "1.32%" + MARK
    assert any("17.00%" in n.text for n in t1.notes)
    t2 = build_table(changed, 2)
    assert t2.cell("city", "total_assets", "total_growth").text == "91.34%" + MARK
    assert t2.cell("city", "roe", "2020").text == "1.32%" + MARK


def test_changing_an_input_changes_the_computed_cells(tmp_path: Path) -> None:
    text = BUILTIN.read_text(encoding="utf-8").replace('"920.12"', '"1000.00"')
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    t1 = build_table(soeplan.load_plan(path), 1)
    # (2090.49 / 1000) − 1 = 109.049%, truncated; CAGR 15.88...% half-up; debt ratio 1 − 468.14/1000.
    assert t1.cell("city", "total_assets", "total_growth").text.startswith("109.04%")
    assert t1.cell("city", "total_assets", "cagr").text.startswith("15.89%")
    assert t1.cell("city", "debt_ratio", "2015").text.startswith("53.18%")


def test_english_translates_every_label(plan: soeplan.Plan) -> None:
    t2 = build_table(plan, 2, "en")
    grid = t2.grid()
    assert grid[0] == [
        "Category", "Indicator", "Unit", "City-wide SOEs", "", "", "Urban-area SOEs", "", "", "Attribute",
    ]  # fmt: skip
    assert grid[1][3:6] == ["2020", "2025", "Growth"]
    assert grid[2][:3] == ["Overall scale", "Total assets", "100 million yuan"]
    assert grid[8][0] == "Development quality"
    assert grid[8][4] == "not below 2%"
    assert grid[8][7] == "not below 2.2%, strive for 2.5%"
    assert grid[7][9] == "Binding" and grid[2][9] == "Expected"
    chinese = [c for row in grid for c in row if any("\u4e00" <= ch <= "\u9fff" for ch in c)]
    assert chinese == []
    t1 = build_table(plan, 1, "en")
    assert t1.grid()[1][5:7] == ["Average annual growth", "Total growth"]
    assert all(ch < "\u4e00" or ch > "\u9fff" for n in t1.notes for ch in n.text)


def test_header_cells_span_the_seed_layout(plan: soeplan.Plan) -> None:
    t1 = build_table(plan, 1)
    spans = {(h.text, h.row, h.col, h.rowspan, h.colspan) for h in t1.header}
    assert ("一级指标", 0, 0, 2, 1) in spans
    assert ("全市国企", 0, 3, 1, 4) in spans
    assert ("市区国企", 0, 7, 1, 4) in spans
    t2 = build_table(plan, 2)
    spans2 = {(h.text, h.row, h.col, h.rowspan, h.colspan) for h in t2.header}
    assert ("全市国企", 0, 3, 1, 3) in spans2 and ("指标属性", 0, 9, 2, 1) in spans2


def test_target_text_for_every_kind(plan: soeplan.Plan) -> None:
    city_debt = plan.target("city", "debt_ratio")
    assert city_debt is not None
    assert target_text(city_debt) == "<65%"
    loose = soeplan.Target(
        scope="city", indicator="debt_ratio", year=2025, kind=soeplan.TargetKind.CEILING,
        value=Decimal("0.70"),
    )  # fmt: skip
    assert target_text(loose) == "不高于70%" and target_text(loose, "en") == "not above 70%"
    assert target_text(loose, percent=False) == "不高于0.70"


def test_markdown_and_terminal_show_the_notes(plan: soeplan.Plan) -> None:
    table = build_table(plan, 1)
    md = render_table(table, "md")
    assert md.startswith("**表 1 衢州市国资国企“十三五”时期主要指标完成情况**")
    assert "| 总体规模 | 资产总额 | 亿元 | 920.12 | 2090.49 | 17.84% | 127.19% |" in md
    assert "12.72%†" in md and "文件公布为 12.71%" in md
    term = render_table(table, "table")
    assert "年均增长率" in term and "6.78%†" in term and "6.79%" in term
    assert [line for line in term.splitlines() if "全市国企" in line]  # the scope header line


def test_csv_rows_without_notes_have_no_trailing_rows(plan: soeplan.Plan) -> None:
    assert csv_rows(build_table(plan, 2)) == build_table(plan, 2).grid()


def test_unknown_table_and_language(plan: soeplan.Plan) -> None:
    with pytest.raises(soeplan.UnknownNameError, match="has no table 3"):
        build_table(plan, 3)
    with pytest.raises(soeplan.SoeplanError, match="unknown language"):
        build_table(plan, 1, "fr")


def test_conventions_come_from_the_plan_file(tmp_path: Path) -> None:
    text = BUILTIN.read_text(encoding="utf-8").replace(
        'rounding = { ratio = "truncate", cagr = "half_up"',
        'rounding = { ratio = "half_up", cagr = "truncate"',
    )
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    t1 = build_table(soeplan.load_plan(path), 1)
    # 54.5768…%: truncated in the document; half-up gives 54.58%, which is then marked.
    assert t1.cell("urban", "debt_ratio", "2020").text == "54.58%" + MARK
    # CAGR 12.7189…%: truncation reproduces the published 12.71% (half-up did not).
    assert t1.cell("city", "total_profit", "cagr").text == "12.71%"
    assert t1.cell("city", "total_assets", "cagr").text == "17.83%" + MARK


@pytest.mark.parametrize(
    ("rounding", "where", "says"),
    [
        ('{ ratio = "round" }', "table[0].rounding.ratio", "'round' is not a rounding convention"),
        ('{ growth = "truncate" }', "table[0].rounding.growth", "unknown column 'growth'"),
        ("{ places = -1 }", "table[0].rounding.places", "places must be a whole number"),
        ('"truncate"', "table[0].rounding", "rounding must be a table"),
    ],
)
def test_bad_rounding_key_names_it(tmp_path: Path, rounding: str, where: str, says: str) -> None:
    text = BUILTIN.read_text(encoding="utf-8")
    old = (
        'rounding = { ratio = "truncate", cagr = "half_up", total_growth = "truncate", places = 2 }'
    )
    assert old in text
    path = tmp_path / "plan.toml"
    path.write_text(text.replace(old, f"rounding = {rounding}"), encoding="utf-8")
    with pytest.raises(soeplan.DataFileError) as info:
        soeplan.load_plan(path)
    assert where in info.value.render() and says in info.value.render()
    assert "fix:" in info.value.render()


def test_xlsx_has_merged_headers_and_printed_values(plan: soeplan.Plan, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from soeplan.plan.table_output import write_xlsx

    path = write_xlsx([build_table(plan, 1), build_table(plan, 2)], tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["表1", "表2"]
    ws = wb["表1"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A2:A3", "B2:B3", "C2:C3", "D2:G2", "H2:K2"} <= merged
    assert ws["D2"].value == "全市国企" and ws["F3"].value == "年均增长率"
    assert ws["A4"].value == "总体规模" and ws["D4"].value == pytest.approx(920.12)
    assert ws["F4"].value == pytest.approx(0.1784) and ws["F4"].number_format == "0.00%"
    assert ws["G4"].value == pytest.approx(1.2719)  # truncated, not 1.2720
    # a marked figure is a number all the same: its mark in the note column and a comment
    assert ws["F7"].value == pytest.approx(0.1272) and ws["F7"].number_format == "0.00%"
    assert ws["L2"].value == "注" and ws["L7"].value == "† 全市国企 年均增长率"
    assert ws["F7"].comment is not None and "12.71%" in ws["F7"].comment.text
    assert ws["L4"].value is None  # a row without a mark
    assert ws["F9"].value == "/"
    notes = [ws.cell(row=r, column=1).value for r in range(16, 19)]
    assert any(n and "12.71%" in n for n in notes)
    ws2 = wb["表2"]
    assert {"D2:F2", "J2:J3"} <= {str(r) for r in ws2.merged_cells.ranges}
    assert ws2["H10"].value == "不低于2.2%，力争2.5%"  # a target stated with words stays text
    assert ws2["E4"].value == 4000 and ws2["E9"].value == "<65%"  # a plain one is a number
    assert ws2["H11"].value == pytest.approx(0.25) and ws2["H11"].number_format == "0%"


def test_a_published_figure_that_cannot_be_computed_is_marked_not_printed(tmp_path: Path) -> None:
    # A published CAGR over a base of zero: no growth can be computed from it.
    text = BUILTIN.read_text(encoding="utf-8").replace('"42.83"', '"0.00"')
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    table = build_table(soeplan.load_plan(path), 1)
    cell = table.cell("city", "revenue", "cagr")
    assert cell.text == "/" + MARK and cell.marked and cell.published == Decimal("0.1295")
    assert cell.note is not None and "12.95%" in table.notes[cell.note].text
    assert "12.95" not in "".join(c.text for r in table.rows for c in r.cells)


def test_a_table_without_years_is_an_error_for_people(tmp_path: Path) -> None:
    text = BUILTIN.read_text(encoding="utf-8").replace("years = [2015, 2020]\n", "", 1)
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(soeplan.SoeplanError) as info:
        build_table(soeplan.load_plan(path), 1)
    assert "table 1.years" in info.value.render() and "fix: write years" in info.value.render()
