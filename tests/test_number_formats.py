"""Numbers as typed into a cell: decimal commas, full-width commas, percent signs in amount columns,
inf and nan are refused with the cell and the fix, never guessed at (issue: "0，46" read as 46)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _submission_helpers import edit, sample_frame, write_csv, write_sample_xlsx
from soeplan.submissions.ingest import check_file
from soeplan.submissions.numbers import parse_value, refusal


@pytest.mark.parametrize(
    ("cell", "value", "text"),
    [
        ("0,46", None, "0,46"),  # a decimal comma: never 46
        ("0，46", None, "0，46"),  # a full-width comma (an input-method slip): never 46
        ("1，234", None, "1，234"),  # 1.234 or 1234? refused
        ("0,460", None, "0,460"),  # a leading 0 is no thousands group
        ("12,3", None, "12,3"),
        ("1,2345", None, "1,2345"),
        ("0。46", None, "0。46"),  # an ideographic full stop
        ("0 46", None, "0 46"),  # a space that is not a thousands separator
        ("1_000", None, "1_000"),  # Python's digit separator is no separator in a cell
        ("1,234", 1234.0, None),  # well-formed thousands groups
        ("12,345,678.9", 12345678.9, None),
        ("1 234.5", 1234.5, None),
        ("０．４６", 0.46, None),  # full-width digits and point
        ("\u22123", -3.0, None),  # the minus sign U+2212
        ("46%", 0.46, "46%"),  # a fraction, the text kept for the percent rule
        ("2.7312E+10", 2.7312e10, None),  # scientific notation, as a CSV export writes it
    ],
)
def test_parse_value(cell: str, value: float | None, text: str | None) -> None:
    v, t = parse_value(cell)
    assert t == text
    assert v == (pytest.approx(value) if value is not None else None)


@pytest.mark.parametrize("cell", ["inf", "-Infinity", "nan", "ＩＮＦ"])
def test_non_finite_text_is_kept_for_the_finite_rule(cell: str) -> None:
    v, t = parse_value(cell)
    if cell == "ＩＮＦ":  # full-width letters are not translated: plain text
        assert (v, t) == (None, cell)
        return
    assert v is not None and t == cell
    why = refusal(cell)
    assert why is not None and "finite" in why.en


@pytest.mark.parametrize(
    ("cell", "fix"),
    [
        ("0，46", "0.46"),
        ("0,46", "0.46"),
        ("1，234", "1234"),
        ("0。46", "0.46"),
        ("5000万元", "0.5"),  # a unit after the number: the figure in 亿元
        ("922000000元", "9.22"),
        ("12.3亿", "12.3"),
    ],
)
def test_each_refusal_says_what_to_type(cell: str, fix: str) -> None:
    why = refusal(cell)
    assert why is not None and fix in why.fix and why.zh and why.en


digits = st.text("0123456789", min_size=1, max_size=6)


@settings(max_examples=200)
@given(head=digits, tail=digits, comma=st.sampled_from([",", "，"]))
def test_a_comma_decimal_is_never_read_as_a_number(head: str, tail: str, comma: str) -> None:
    """Any 'a,b' that is not a well-formed thousands grouping (and any full-width comma) is
    refused; the one that is well-formed reads as the whole number, never as a decimal."""
    cell = f"{head}{comma}{tail}"
    v, t = parse_value(cell)
    grouped = comma == "," and len(tail) == 3 and head[0] != "0" and len(head) <= 3
    if grouped:
        assert (v, t) == (float(head + tail), None)
    else:
        assert (v, t) == (None, cell)
        assert refusal(cell) is not None


@settings(max_examples=100)
@given(x=st.floats(-1e9, 1e9, allow_nan=False))
def test_a_plain_number_reads_back(x: float) -> None:
    assert parse_value(repr(x)) == (x, None)
    assert parse_value(f"{x:,.2f}")[0] == pytest.approx(round(x, 2), abs=0.006)


@pytest.mark.parametrize(
    ("code", "cell", "needle"),
    [
        (
            "revenue",
            "0，46",
            "0.46",
        ),  # the case: revenue 0.46 typed with a full-width comma
        ("revenue", "0,46", "0.46"),
        ("total_assets", "9，22", "9.22"),
        ("total_assets", "46%", "without %"),  # a percent sign in an amount column
        ("rated_aa", "100%", "without %"),  # and in a count column
        ("total_assets", "inf", "actual figure"),
        ("total_assets", "nan", "actual figure"),
    ],
)
def test_a_refused_cell_is_an_error_with_its_cell_and_fix(
    tmp_path: Path, code: str, cell: str, needle: str
) -> None:
    path = write_sample_xlsx(tmp_path / "n.xlsx")
    where = edit(path, "qj.water", code, cell)
    checked = check_file(path)
    hit = checked.report.findings.filter(pl.col("rule") == "core.number")
    assert hit.height == 1, checked.report.findings
    r = hit.row(0, named=True)
    assert (r["cell"], r["sheet"], r["severity"], r["blocks"]) == (
        where,
        "数据填报 Data",
        "error",
        True,
    )
    assert needle in r["fix"] and repr(cell) == r["found"]
    assert not checked.acceptable


def test_a_percent_in_an_amount_column_is_not_used_as_a_figure(tmp_path: Path) -> None:
    """'38.6%' in net assets would make a 100 % debt ratio: no other rule sees the 0.386."""
    path = write_sample_xlsx(tmp_path / "p.xlsx")
    edit(path, "qj.water", "net_assets", "38.6%")
    f = check_file(path).report.findings
    assert f.filter(pl.col("entity") == "qj.water")["rule"].to_list() == ["core.number"]


def test_a_percent_in_a_ratio_column_of_a_csv_is_a_ratio(tmp_path: Path) -> None:
    frame = sample_frame().with_columns(pl.col("value").cast(pl.String))
    water = frame.filter(pl.col("entity") == "qj.water")
    ta, na = (
        float(water.filter(pl.col("indicator") == c)["value"][0])
        for c in ("total_assets", "net_assets")
    )
    ratio = pl.DataFrame(
        {
            "unit": ["qujiang"],
            "entity": ["qj.water"],
            "year": [2023],
            "indicator": ["debt_ratio"],
            "value": [f"{(1 - na / ta) * 100:.2f}%"],
        },
        schema_overrides={"year": pl.Int32},
    )
    path = write_csv(tmp_path / "r.csv", pl.concat([frame, ratio], how="diagonal_relaxed"))
    f = check_file(path).report.findings
    assert f.filter(pl.col("rule").is_in(["core.number", "core.ratio-identity"])).is_empty()


def test_the_same_refusals_in_a_csv(tmp_path: Path) -> None:
    frame = sample_frame().with_columns(pl.col("value").cast(pl.String))
    bad = frame.with_columns(
        pl.when((pl.col("entity") == "qj.water") & (pl.col("indicator") == "revenue"))
        .then(pl.lit("0，46"))
        .otherwise(pl.col("value"))
        .alias("value")
    )
    path = write_csv(tmp_path / "c.csv", bad)
    hit = check_file(path).report.findings.filter(pl.col("rule") == "core.number")
    assert hit["entity"].to_list() == ["qj.water"] and "0.46" in hit["fix"][0]
    assert hit["cell"][0].startswith("E")  # the value column, on the row's line


def _readings(dec: str, whole: str) -> str:
    return f"若为小数请填 {dec}，若为整数请填 {whole} / for the decimal type {dec}, for the whole number type {whole}"


NO_READING = "小数点用半角句点“.”，不加千位分隔符 / use the point '.' for decimals and no thousands separator"


@pytest.mark.parametrize(
    ("cell", "zh", "en", "fix"),
    [
        ("0，46", "数字中有全角逗号“，”：小数点应为半角句点",
         "a full-width comma '，' in a number: use the point for decimals", _readings("0.46", "46")),
        # every separator after the first is dropped: one decimal reading, one whole
        ("1，234，567", "数字中有全角逗号“，”：小数点应为半角句点",
         "a full-width comma '，' in a number: use the point for decimals", _readings("1.234567", "1234567")),
        ("-1，5", "数字中有全角逗号“，”：小数点应为半角句点",
         "a full-width comma '，' in a number: use the point for decimals", _readings("-1.5", "-15")),
        ("0，00", "数字中有全角逗号“，”：小数点应为半角句点",
         "a full-width comma '，' in a number: use the point for decimals", _readings("0.00", "0")),
        # a part that is not digits: no reading to offer
        ("1，2a", "数字中有全角逗号“，”：小数点应为半角句点",
         "a full-width comma '，' in a number: use the point for decimals", NO_READING),
        ("a，12", "数字中有全角逗号“，”：小数点应为半角句点",
         "a full-width comma '，' in a number: use the point for decimals", NO_READING),
        ("0。46", "数字中有句号“。”：小数点应为半角句点",
         "an ideographic full stop '。' in a number: use the point for decimals", _readings("0.46", "46")),
        ("0,46", "逗号不能用作小数点（千位分隔符须每三位一组）",
         "a comma is not a decimal separator (a thousands separator comes every three digits)",
         _readings("0.46", "46")),
        # two commas out of groups of three: no decimal comma to read, a plain refusal
        ("1,2,3", "'1,2,3' 不是数字", "'1,2,3' is not a number",
         "只填数字，不带单位或文字（金额以亿元计）/ type the number only, without units or words "
         "(amounts in 100 million yuan)"),
        ("5000万元", "数字后带有单位“万元”", "a unit '万元' after the number",
         "只填数字，金额以亿元计：填 0.5 / type the number only, in 亿元 (100 million yuan): 0.5"),
        ("12.3亿", "数字后带有单位“亿”", "a unit '亿' after the number",
         "只填数字，金额以亿元计：填 12.3 / type the number only, in 亿元 (100 million yuan): 12.3"),
        ("元", "'元' 不是数字", "'元' is not a number",
         "只填数字，不带单位或文字（金额以亿元计）/ type the number only, without units or words "
         "(amounts in 100 million yuan)"),
        ("inf万元", "'inf万元' 不是数字", "'inf万元' is not a number",
         "只填数字，不带单位或文字（金额以亿元计）/ type the number only, without units or words "
         "(amounts in 100 million yuan)"),
    ],
)  # fmt: skip
def test_each_refusal_word_for_word(cell: str, zh: str, en: str, fix: str) -> None:
    why = refusal(cell)
    assert why is not None and (why.zh, why.en, why.fix) == (zh, en, fix)


@pytest.mark.parametrize("cell", ["1,234", " 12 ", "0.46", "46%", "-3"])
def test_a_number_is_not_refused(cell: str) -> None:
    assert refusal(cell) is None


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        (True, (None, "True")),  # a checkbox is no number
        ("46％", (0.46, "46％")),  # a full-width percent sign
        ("12X", (None, "12X")),
        ("1,234 567", (None, "1,234 567")),  # two kinds of separator: neither is read
    ],
)
def test_cells_at_the_edges_of_reading(cell: object, read: tuple[float | None, str | None]) -> None:
    assert parse_value(cell) == read


def test_a_letter_before_the_digits_has_no_reading() -> None:
    why = refusal("X1，5")
    assert why is not None and why.fix == NO_READING
