"""Reading CSV (UTF-8, BOM, GBK / GB18030) and Parquet; files that cannot be read at all."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from _submission_helpers import sample_frame, write_csv, write_sample_xlsx
from soeplan.submissions.readers import (
    SubmissionReadError,
    parse_value,
    read_observation_files,
    read_submission,
)

EXPLAIN = "资产划转，规模扩大"


def _frame() -> pl.DataFrame:
    return sample_frame().with_columns(pl.lit(EXPLAIN).alias("explanation"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_read_the_same(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / f"{encoding}.csv", _frame(), encoding)
    got = read_observation_files(path)
    assert set(got["explanation"]) == {EXPLAIN}
    assert (
        got.select("entity", "indicator", "value")
        .sort("entity", "indicator")
        .equals(_frame().select("entity", "indicator", "value").sort("entity", "indicator"))
    )
    assert got["row"].min() == 2  # the header is line 1


def test_gbk_chinese_headers(tmp_path: Path) -> None:
    # a file as an office types it: Chinese headers, GBK, a thousands separator, full-width
    # digits; every value read is compared with the figure written here
    path = tmp_path / "zh.csv"
    path.write_bytes(
        "单位,企业,年度,指标,数值,说明\n"
        "qujiang,qj.water,2023,total_assets,12.34,资产划转\n"
        "qujiang,qj.water,2023,revenue,０.５,\n"
        'qujiang,qj.urban,2023,total_assets,"1,234.5",规模扩大\n'.encode("gbk")
    )
    got = read_observation_files(path)
    assert got.select(
        "unit", "entity", "year", "indicator", "value", "explanation", "row"
    ).rows() == [
        ("qujiang", "qj.water", 2023, "total_assets", 12.34, "资产划转", 2),
        ("qujiang", "qj.water", 2023, "revenue", 0.5, None, 3),
        ("qujiang", "qj.urban", 2023, "total_assets", 1234.5, "规模扩大", 4),
    ]
    # the whole sample under Chinese headers reads back to the figures written
    frame = _frame().rename(
        {"unit": "单位", "entity": "企业", "year": "年度", "value": "数值", "explanation": "说明"}
    )
    got = read_observation_files(write_csv(tmp_path / "sample.csv", frame, "gbk"))
    assert set(got["explanation"]) == {EXPLAIN}
    keys = ["entity", "indicator"]
    assert got.select(*keys, "value").sort(keys).rows() == (
        _frame().select(*keys, "value").sort(keys).rows()
    )


def test_undecodable_csv_says_which_encodings(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"unit,entity,year,indicator,value\nqujiang,\x80\xff,2023,revenue,1\n")
    with pytest.raises(SubmissionReadError) as exc:
        read_submission(path)
    text = exc.value.render()
    assert "UTF-8" in text and "GBK" in text and "bad.csv" in text
    assert exc.value.exit_code == 2


def test_utf16_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "u16.csv"
    path.write_bytes(_frame().write_csv().encode("utf-16"))
    with pytest.raises(SubmissionReadError, match="UTF-16"):
        read_submission(path)


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    _frame().write_parquet(path)
    sub = read_submission(path)
    assert sub.format == "parquet" and sub.unit == "qujiang" and sub.year == 2023
    assert sub.observations.height == _frame().height


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("notes.txt", b"hello", "not a submission"),
        ("old.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
        ("broken.xlsx", b"this is not a zip", "not a readable Excel workbook"),
        ("broken.parquet", b"nope", "not a readable Parquet file"),
        ("cols.csv", "企业,value\nqj.water,1\n".encode(), "missing columns"),
    ],
)
def test_unreadable_files_name_the_file_and_the_fix(
    tmp_path: Path, name: str, content: bytes, needle: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SubmissionReadError) as exc:
        read_submission(path)
    assert needle in exc.value.render() and name in exc.value.render()
    assert exc.value.problems[0].fix


def test_workbook_without_the_data_sheet(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_sample_xlsx(tmp_path / "s.xlsx")
    wb = load_workbook(path)
    wb["数据填报 Data"].title = "Sheet1"
    wb.save(path)
    with pytest.raises(SubmissionReadError, match="no data sheet"):
        read_submission(path)


def test_a_plain_workbook_is_not_a_template(tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "plain.xlsx"
    Workbook().save(path)
    with pytest.raises(SubmissionReadError) as exc:
        read_submission(path)
    assert "soeplan template" in exc.value.render()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (12, (12.0, None)),
        ("1,234.5", (1234.5, None)),
        ("55.60%", (0.556, "55.60%")),  # the text kept: a % is for ratio columns only
        (" 3 ", (3.0, None)),
        ("", (None, None)),
        (None, (None, None)),
        ("12,3亿", (None, "12,3亿")),
        (True, (None, "True")),
        ("１２．５", (12.5, None)),
        ("－３", (-3.0, None)),
        ("1，200", (None, "1，200")),  # a full-width comma: 1.2 or 1200? refused
    ],
)
def test_parse_value(cell: object, expected: tuple[float | None, str | None]) -> None:
    v, t = parse_value(cell)
    assert t == expected[1]
    assert (v is None) == (expected[0] is None)
    if v is not None and expected[0] is not None:
        assert v == pytest.approx(expected[0])
