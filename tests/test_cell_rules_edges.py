"""The rules on each cell and row, called directly, compared finding by finding: every field a
person reads (place, expected, found, messages, fix), and the cases each rule must leave alone.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import polars as pl

from _submission_helpers import RULE_FRAME_SCHEMA
from soeplan.indicators import builtin_indicators
from soeplan.rules import RuleContext
from soeplan.submissions.cell_rules import (
    check_declared,
    check_duplicates,
    check_known,
    check_non_negative,
    check_numbers,
    check_required,
)

CAT = {i.code: i for i in builtin_indicators()}
SCHEMA = RULE_FRAME_SCHEMA
SHEET = "数据填报 Data"


def row(
    entity: str | None, indicator: str | None, value: float | None, **kw: Any
) -> dict[str, Any]:
    out = {
        "unit": "qujiang", "entity": entity, "year": 2023, "indicator": indicator, "value": value,
        "raw": None, "file": "f.xlsx", "sheet": SHEET, "row": 5, "cell": "D5",
    }  # fmt: skip
    out.update(kw)
    return out


def ctx(rows: list[dict[str, Any]], **kw: Any) -> RuleContext:
    return RuleContext(
        observations=pl.DataFrame(rows, schema=SCHEMA),
        year=kw.pop("year", 2023),
        unit=kw.pop("unit", "qujiang"),
        indicators=CAT,
        **kw,
    )


def findings(frame: pl.DataFrame, *cols: str) -> list[tuple[Any, ...]]:
    return frame.select(cols or ["cell", "expected", "found", "message_en", "fix"]).rows()


# ---------------------------------------------------------------- core.required


def test_a_missing_key_cell_is_named_once_per_row_and_column() -> None:
    rows = [
        row(None, "total_assets", 1.0, row=7, cell="D7"),
        row(None, "revenue", 1.0, row=7, cell="E7"),  # the same row and column: once
        row("qj.water", None, 1.0, row=8, cell="D8", unit=None, year=None),
        row(None, "total_assets", 1.0, row=9, cell=None, sheet=None, file="f.csv"),
    ]
    got = check_required(ctx(rows))
    assert got.select("row", "cell", "expected", "found", "message_zh", "message_en", "fix").rows() == [
        (7, "A7", "企业编号 / entity id", "空或无效 / blank or invalid", "第 7 行缺少企业编号（或无法识别）",
         "row 7 has no valid entity id",
         "填写企业编号 / fill in the entity id（模板隐藏的 A 列 / the template's hidden column A）"),
        (8, "D8", "单位（县市区） / unit", "空或无效 / blank or invalid", "第 8 行缺少单位（县市区）（或无法识别）",
         "row 8 has no valid unit", "填写单位（县市区） / fill in the unit"),
        (8, "D8", "指标代码 / indicator code", "空或无效 / blank or invalid", "第 8 行缺少指标代码（或无法识别）",
         "row 8 has no valid indicator code", "填写指标代码 / fill in the indicator code"),
        (8, "D8", "年度 / year", "空或无效 / blank or invalid", "第 8 行缺少年度（或无法识别）",
         "row 8 has no valid year", "填写年度 / fill in the year"),
        # a CSV has no hidden column A: its own cell, and no word of one
        (9, None, "企业编号 / entity id", "空或无效 / blank or invalid", "第 9 行缺少企业编号（或无法识别）",
         "row 9 has no valid entity id", "填写企业编号 / fill in the entity id"),
    ]  # fmt: skip
    assert got["file"].to_list() == ["f.xlsx"] * 4 + ["f.csv"]
    assert check_required(ctx([row("qj.water", "total_assets", None)])).is_empty()
    # once per file, row and column: the same row of another file, another row of the same
    # file, and another column of a row already named are each named
    more = [
        row(None, "total_assets", 1.0, row=7, cell="D7"),
        row(None, None, 1.0, row=7, cell="E7"),
        row(None, "total_assets", 1.0, row=7, cell="D7", file="g.xlsx"),
        row(None, "total_assets", 1.0, row=12, cell="D12"),
    ]
    assert check_required(ctx(more)).select("file", "row", "expected").rows() == [
        ("f.xlsx", 7, "企业编号 / entity id"),
        ("f.xlsx", 7, "指标代码 / indicator code"),
        ("g.xlsx", 7, "企业编号 / entity id"),
        ("f.xlsx", 12, "企业编号 / entity id"),
    ]


# ---------------------------------------------------------------- core.number


def test_a_refused_text_a_percent_in_an_amount_and_a_value_that_is_not_finite() -> None:
    rows = [
        row("e1", "total_assets", None, raw="0，46"),
        row("e2", "total_assets", float("inf"), raw="inf"),
        row("e3", "total_assets", 0.386, raw="38.6%"),
        row("e4", "rated_aa", 1.0, raw=" 100％ "),
        row("e5", "debt_ratio", 0.386, raw="38.6%"),  # a ratio may carry its percent sign
        row("e6", "zz_unknown", 0.386, raw="38.6%"),  # an unknown indicator: core.known says so
        row("e7", "total_assets", float("nan")),
        row("e8", "total_assets", 12.5, raw="12.5"),
        row("e9", "total_assets", 3.0),
    ]
    got = check_numbers(ctx(rows))
    assert got["entity"].to_list() == ["e1", "e2", "e3", "e4", "e7"]
    e1, e2, e3, e4, e7 = got.iter_rows(named=True)
    assert (e1["expected"], e1["found"]) == ("数字 / a number", "'0，46'")
    assert e1["message_en"].endswith(
        ": a full-width comma '，' in a number: use the point for decimals"
    )
    assert e1["message_zh"].endswith("：数字中有全角逗号“，”：小数点应为半角句点")
    assert (
        e1["fix"]
        == "若为小数请填 0.46，若为整数请填 46 / for the decimal type 0.46, for the whole number type 46"
    )
    assert (e2["expected"], e2["found"]) == ("有限的数字 / a finite number", "'inf'")
    assert (e3["expected"], e3["found"]) == ("亿元，不带 % / 亿元, without %", "'38.6%'")
    assert e3["message_en"].endswith(
        ": '38.6%' has a percent sign, but this column is not a ratio (its unit is 亿元)"
    )
    assert e3["message_zh"].endswith("：'38.6%' 带百分号，但该列不是比率（单位为亿元）")
    assert (
        e3["fix"]
        == "填写亿元数，不带 %；比率由系统计算 / enter the figure in 亿元 without %; ratios are recomputed"
    )
    assert e4["expected"] == f"{CAT['rated_aa'].unit}，不带 % / {CAT['rated_aa'].unit}, without %"
    assert (e7["expected"], e7["found"], e7["message_en"], e7["message_zh"], e7["fix"]) == (
        "有限的数字 / a finite number", "nan", "the value is not a finite number", "数值不是有限数",
        "填写实际数字 / enter the actual figure",
    )  # fmt: skip
    names = CAT["total_assets"]
    assert e3["message_en"].startswith(f"{names.name_en}: ") and e3["message_zh"].startswith(
        f"{names.name_zh}："
    )
    # an unknown indicator's label is its code
    bad = check_numbers(ctx([row("e", "zz", None, raw="abc")])).row(0, named=True)
    assert (
        bad["message_en"] == "zz: 'abc' is not a number"
        and bad["message_zh"] == "zz：'abc' 不是数字"
    )
    blank = check_numbers(ctx([row("e", None, None, raw="abc")])).row(0, named=True)
    assert blank["message_en"] == "?: 'abc' is not a number"


# ---------------------------------------------------------------- core.non-negative


def test_signs_and_whole_counts() -> None:
    rows = [
        row("e1", "total_assets", -1.0),
        row("e2", "total_profit", -1.0),  # a loss
        row("e3", "net_assets", -1.0),  # negative equity
        row("e4", "rated_aa", -1.0),
        row("e5", "rated_aa", 1.5),
        row("e6", "rated_aa", 2.0),
        row("e7", "total_assets", 0.0),
        row("e8", "debt_ratio", -0.1),  # a ratio: core.debt-ratio-range says so
        row("d", "total_assets", -5.0),  # a difference unit's eliminations
        row("d", "rated_aa", -1.0),  # but not its counts
        row("e9", "total_assets", float("-inf")),  # core.number says so
    ]
    entities = (
        SimpleNamespace(id="d", node_type="difference"),
        SimpleNamespace(id="e1", node_type="single"),
    )
    got = check_non_negative(ctx(rows, options={"entities": entities}))
    assert got.select("entity", "indicator", "expected", "found").rows() == [
        ("e1", "total_assets", ">= 0", "-1"),
        ("e4", "rated_aa", ">= 0", "-1"),
        ("e5", "rated_aa", "整数 / a whole number", "1.5"),
        ("d", "rated_aa", ">= 0", "-1"),
    ]  # fmt: skip
    # without an entity list, no entity is a difference unit
    plain = check_non_negative(ctx([row("d", "total_assets", -5.0)]))
    assert plain.select("entity", "expected").rows() == [("d", ">= 0")]
    e1, _, e5, _ = got.iter_rows(named=True)
    ta, aa = CAT["total_assets"], CAT["rated_aa"]
    assert (e1["message_zh"], e1["message_en"], e1["fix"]) == (
        f"{ta.name_zh} 不能为负数", f"{ta.name_en} cannot be negative", "检查符号和单位 / check the sign and the unit"
    )  # fmt: skip
    assert (e5["message_zh"], e5["message_en"], e5["fix"]) == (
        f"{aa.name_zh} 应为整数（家）", f"{aa.name_en} is a count of enterprises: a whole number",
        "填写企业家数 / enter the number of enterprises",
    )  # fmt: skip


# ---------------------------------------------------------------- core.known


def test_unknown_units_entities_and_indicators() -> None:
    structure = SimpleNamespace(units={"qujiang": None, "kecheng": None})
    entities = (SimpleNamespace(id="qj.water", node_type="single"),)
    rows = [
        row("qj.water", "total_assets", 1.0),
        row("qj.ghost", "total_assets", 1.0),
        row("qj.water", "zz", 1.0),
        row("qj.ghost", "zz", 1.0, unit="mars"),  # an unknown unit: its entity is not checked
        row(None, "total_assets", 1.0),
    ]
    got = check_known(ctx(rows, structure=structure, options={"entities": entities}))
    assert got.select("entity", "expected", "found", "message_zh", "message_en").rows() == [
        ("qj.ghost", "qujiang 的企业 / an entity of qujiang in 2023", "qj.ghost",
         "企业 qj.ghost 不在 qujiang 2023 年的企业名单中", "entity 'qj.ghost' is not in qujiang's entity list for 2023"),
        ("qj.water", "已登记的指标代码 / a registered indicator code", "zz", "未知指标 zz", "unknown indicator 'zz'"),
        ("qj.ghost", "kecheng, qujiang", "mars", "未知的县（市、区）单位 mars", "unknown county-level unit 'mars'"),
        ("qj.ghost", "已登记的指标代码 / a registered indicator code", "zz", "未知指标 zz", "unknown indicator 'zz'"),
    ]  # fmt: skip
    assert got["fix"].to_list()[:3] == [
        "使用模板“企业名单”中的编号；新设企业请先登记结构 / use an id from the template's entity "
        "list; register a new enterprise in the unit's structure first",
        "运行 soeplan indicators 查看指标代码 / see `soeplan indicators` for the codes",
        "使用单位代码，如 qujiang / use a unit id, e.g. qujiang",
    ]
    # without an entity list or a structure, every entity and unit passes
    assert check_known(ctx(rows[:2])).is_empty()


# ---------------------------------------------------------------- core.duplicate


def test_a_figure_given_twice_is_named_at_every_place() -> None:
    rows = [
        row("e1", "total_assets", 1.0, row=5, cell="D5"),
        row("e1", "total_assets", 2.0, row=9, cell="D9"),
        row("e1", "total_assets", None, raw="x", row=11, cell="D11"),
        row("e1", "revenue", 1.0),
        row("e2", "total_assets", None, row=6, cell="D6"),  # a blank twice is no figure
        row("e2", "total_assets", None, row=7, cell="D7"),
        row("e3", "revenue", 1.0, row=3, sheet=None, cell=None),
        row("e3", "revenue", 1.0, row=4, sheet=None, cell=None),
        row("e4", "revenue", 1.0, row=None, sheet=None, cell=None),
        row("e4", "revenue", 1.0, row=None, sheet=None, cell=None),
        # no entity, or no indicator, twice: core.required says so, not core.duplicate
        row(None, "revenue", 1.0, row=20, cell="D20"),
        row(None, "revenue", 1.0, row=21, cell="D21"),
        row("e6", None, 1.0, row=22, cell="D22"),
        row("e6", None, 1.0, row=23, cell="D23"),
        # a sheet without a cell, or a cell without a sheet: the row is the place
        row("e5", "revenue", 1.0, row=3, cell=None),
        row("e5", "revenue", 1.0, row=4, sheet=None, cell="D4"),
    ]
    got = check_duplicates(ctx(rows))
    ta = CAT["total_assets"]
    assert got.select("entity", "cell", "expected", "found").rows() == [
        ("e1", "D5", "1", f"3 ({SHEET}!D5, {SHEET}!D9, {SHEET}!D11)"),
        ("e1", "D9", "1", f"3 ({SHEET}!D5, {SHEET}!D9, {SHEET}!D11)"),
        ("e1", "D11", "1", f"3 ({SHEET}!D5, {SHEET}!D9, {SHEET}!D11)"),
        ("e3", None, "1", "2 (row 3, row 4)"),
        ("e3", None, "1", "2 (row 3, row 4)"),
        ("e4", None, "1", "2"),  # no place to name
        ("e4", None, "1", "2"),
        ("e5", None, "1", "2 (row 3, row 4)"),
        ("e5", "D4", "1", "2 (row 3, row 4)"),
    ]
    first = got.row(0, named=True)
    assert first["message_zh"] == f"e1 的 {ta.name_zh} 重复填报 3 次"
    assert first["message_en"] == f"e1 {ta.name_en} is given 3 times"
    assert (
        first["fix"]
        == "每户每个指标只填一次，删除多余的行 / give each figure once; delete the extra rows"
    )


# ---------------------------------------------------------------- core.declared


def test_every_figure_for_the_declared_year_and_unit() -> None:
    rows = [
        row("e1", "total_assets", 1.0),
        row("e2", "total_assets", 1.0, year=2022, unit="kecheng"),
        row("e3", "total_assets", 1.0, year=None, unit=None),
    ]
    got = check_declared(ctx(rows))
    assert got.select("entity", "expected", "found", "message_zh", "message_en", "fix").rows() == [
        ("e2", "2023", "2022", "年度为 2022，申报年度为 2023", "is for 2022, but the submission is for 2023",
         "只报送 2023 年的数据，或用 --year 声明正确年度 / submit 2023 figures only, or declare the right year with --year"),
        ("e2", "qujiang", "kecheng", "单位为 kecheng，申报单位为 qujiang", "is for unit kecheng, but the submission is for qujiang",
         "每个单位单独报送 / submit each unit's figures in its own file"),
    ]  # fmt: skip
    # without a declared unit, any unit passes
    assert check_declared(ctx(rows, unit=None))["entity"].to_list() == ["e2"]
