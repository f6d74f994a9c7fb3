"""The scheme, standard-value and special-item files: read when right, refused by place when not."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from soeplan.errors import DataFileError
from soeplan.indicators import Direction, builtin_indicators
from soeplan.scoring.defaults import default_schemes, sample_standards
from soeplan.scoring.files import read_schemes, read_special_items, read_standards
from soeplan.scoring.records import ALL_INDUSTRIES
from soeplan.structure.records import FunctionalClass

CATALOGUE = {i.code: i for i in builtin_indicators()}
HEADER = "year,industry,industry_name,indicator,excellent,good,average,low,poor,source\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(exc: pytest.ExceptionInfo[DataFileError]) -> str:
    return exc.value.render()


def test_the_default_schemes_sum_to_100_and_cover_every_class() -> None:
    schemes = default_schemes()
    assert {s.functional_class for s in schemes} == set(FunctionalClass)
    assert all(s.weight_total == 100 and s.default for s in schemes)
    debt = [i for s in schemes for i in s.items if i.indicator == "debt_ratio"]
    assert debt and all(i.direction is Direction.LOWER for i in debt)  # from the catalogue


def test_a_scheme_file_is_read_with_its_enterprise_and_unit_schemes(tmp_path: Path) -> None:
    path = write(tmp_path, "s.toml", """
source = "衢国资〔2024〕1号"
[[scheme]]
id = "office.jiaotou"
entity = "mun.jiaotou"
item = [{ indicator = "debt_ratio", weight = 60 }, { indicator = "profit_margin", weight = 40 }]
[[scheme]]
id = "office.kecheng.c2"
functional_class = "商业二类"
unit = "kecheng"
item = [{ indicator = "roe_avg", weight = 100, direction = "higher" }]
""")  # fmt: skip
    a, b = read_schemes(path, CATALOGUE)
    assert (a.entity, a.weight_total, a.source, a.default) == (
        "mun.jiaotou",
        100,
        "衢国资〔2024〕1号",
        False,
    )
    assert (b.functional_class, b.unit) == (FunctionalClass.COMMERCIAL_2, "kecheng")


def test_a_scheme_whose_weights_do_not_sum_to_100_is_refused_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, "s.toml", """
[[scheme]]
id = "ok"
functional_class = "public"
item = [{ indicator = "debt_ratio", weight = 100 }]
[[scheme]]
id = "short"
functional_class = "commercial_1"
item = [{ indicator = "roe_avg", weight = 40 }, { indicator = "no_such", weight = 50 }]
""")  # fmt: skip
    with pytest.raises(DataFileError) as exc:
        read_schemes(path, CATALOGUE)
    text = problems(exc)
    assert str(path) in text
    assert "scheme[1] (short): the weights sum to 90 (roe_avg 40 + no_such 50), not 100" in text
    assert "change the weights so that they add up to 100" in text
    assert (
        "scheme[1] (short), item[1] (no_such): indicator 'no_such' is not in the catalogue" in text
    )
    assert "scheme[0]" not in text


def test_a_scheme_for_neither_a_class_nor_an_enterprise_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "s.toml",
        '[[scheme]]\nid = "x"\nitem = [{ indicator = "roe_avg", weight = 100 }]\n',
    )
    with pytest.raises(DataFileError, match="a functional class or to one enterprise"):
        read_schemes(path, CATALOGUE)
    path = write(tmp_path, "t.toml", '[[scheme]]\nid = "x"\nfunctional_class = "城投"\nitem = []\n')
    with pytest.raises(DataFileError, match="'城投' is not a functional class"):
        read_schemes(path, CATALOGUE)


def test_standard_values_are_read_from_csv_with_their_source(tmp_path: Path) -> None:
    path = write(tmp_path, "std.csv", HEADER + "2023,E48,土木工程建筑业,roe_avg,10,8,6,4,2,国资委2023\n"
                 "2023,全行业,全国国有企业,资产负债率,40,50,60,70,80,\n")  # fmt: skip
    table = read_standards(path, CATALOGUE)
    assert table.source == str(path) and not table.synthetic
    first, second = table.rows
    assert (
        first.values == tuple(Decimal(v) for v in (10, 8, 6, 4, 2)) and first.source == "国资委2023"
    )
    assert (second.industry, second.indicator, second.row) == (ALL_INDUSTRIES, "debt_ratio", 3)
    # the enterprise's own code, then its prefixes, then all industries
    assert table.lookup(2023, "E481", "roe_avg") is first
    assert table.lookup(2023, "C26", "debt_ratio") is second
    assert table.lookup(2023, "C26", "roe_avg") is None
    assert table.lookup(2024, "E48", "roe_avg") is None


def test_chinese_headers_and_an_excel_workbook(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "标准值"
    ws.append(
        ["年度", "行业代码", "行业", "指标", "优秀值", "良好值", "平均值", "较低值", "较差值"]
    )
    ws.append(
        [2023, "L", "租赁和商务服务业", "净资产收益率（平均净资产口径）", 9.5, 7.1, 4.2, 1.0, -2.5]
    )
    wb.save(tmp_path / "std.xlsx")
    (row,) = read_standards(tmp_path / "std.xlsx", CATALOGUE).rows
    assert row.indicator == "roe_avg" and row.values[-1] == Decimal("-2.5")


def test_bad_standard_rows_are_refused_each_by_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "std.csv", HEADER
                 + "2023,E48,,roe_avg,10,8,9,4,2,\n"  # row 2: not monotone
                 + "2023,E48,,debt_ratio,80,70,60,50,40,\n"  # row 3: the wrong way for lower-is-better
                 + "2023,城投,,roe_avg,10,8,6,4,2,\n"  # row 4: not an industry code
                 + "2023,E48,,roe_total,10,8,6,4,2,\n"  # row 5: unknown indicator
                 + "2023,E48,,net_margin,10,8,n/a,4,2,\n"  # row 6: not a number
                 + "2023,E48,,roe_avg,10,8,6,4,1,\n")  # row 7: twice (row 2 was refused; this is the first)  # fmt: skip
    with pytest.raises(DataFileError) as exc:
        read_standards(path, CATALOGUE)
    text = problems(exc)
    assert "row 2 (E48 roe_avg): 良好 (8) is not above 平均 (9)" in text
    assert "row 3 (E48 debt_ratio): 优秀 (80) is not below 良好 (70)" in text
    assert "row 4, column industry" in text and "GB/T 4754" in text
    assert "row 5, column indicator: 'roe_total' is not an indicator of the catalogue" in text
    assert "row 6, column average (平均值): 'n/a' is not a number" in text
    assert "row 7" not in text
    assert "5 problems in this file" in text


def test_a_repeated_row_and_a_missing_column_are_refused(tmp_path: Path) -> None:
    row = "2023,E48,,roe_avg,10,8,6,4,2,\n"
    with pytest.raises(DataFileError, match=r"row 3: E48 roe_avg 2023 is also given in row 2"):
        read_standards(write(tmp_path, "a.csv", HEADER + row + row), CATALOGUE)
    with pytest.raises(DataFileError, match=r"row 1 \(header\): no column poor"):
        read_standards(
            write(tmp_path, "b.csv", "year,industry,indicator,excellent,good,average,low\n"),
            CATALOGUE,
        )
    with pytest.raises(DataFileError, match=r"not a \.csv or \.xlsx"):
        read_standards(write(tmp_path, "c.txt", HEADER), CATALOGUE)
    with pytest.raises(DataFileError, match="file not found"):
        read_standards(tmp_path / "none.csv", CATALOGUE)


def test_the_sample_standards_are_synthetic_and_labelled_so() -> None:
    table = sample_standards(2023)
    assert table.synthetic and "synthetic" in table.source
    assert all("SYNTHETIC" in r.source and "合成示例" in r.industry_name for r in table.rows)


def test_special_items_are_read_and_an_unknown_enterprise_is_refused_by_row(tmp_path: Path) -> None:
    text = ("entity,year,indicator,amount,reason,source\n"
            "mun.jiaotou,2023,total_profit,1.5,承担衢州东站配套工程,市政府专题会议纪要〔2023〕12号\n")  # fmt: skip
    (item,) = read_special_items(write(tmp_path, "sp.csv", text), CATALOGUE, known={"mun.jiaotou"})
    assert (item.entity, item.amount, item.row) == ("mun.jiaotou", Decimal("1.5"), 2)
    bad = (
        text
        + "mun.nobody,2023,total_profit,1,x,\nmun.jiaotou,2023,roe_avg,1,x,\nmun.jiaotou,2023,total_profit,1,,\n"
    )
    with pytest.raises(DataFileError) as exc:
        read_special_items(write(tmp_path, "bad.csv", bad), CATALOGUE, known={"mun.jiaotou"})
    out = problems(exc)
    assert "row 3, column entity: 'mun.nobody' is not an enterprise of the structure" in out
    assert "row 4, column indicator: 'roe_avg' is not an amount of the catalogue" in out
    assert "row 5: names no entity or gives no reason" in out
