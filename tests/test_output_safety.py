"""The output-safety helpers (soeplan.safety) over arbitrary text, and exact figures."""

from __future__ import annotations

import csv
import io
import json
import math
import unicodedata
from decimal import Decimal
from html import unescape

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from _hostile import HYPERLINK, TEXT, html_tags, markdown_html, unsafe_csv_fields
from soeplan.cli import main
from soeplan.safety import (
    FORMULA_TRIGGERS,
    SUM_PLACES,
    csv_field,
    csv_frame,
    csv_row,
    figure_text,
    figure_value,
    is_number_text,
    md_code_block,
    md_text,
    terminal_text,
    xlsx_put,
    xlsx_text,
)

#: Texts near the edge of "a number": signs, digits, separators, exponents, units.
NUMBERISH = st.from_regex(r"[+\-=@]?[0-9.,eE%+\-]{0,8}[a-z亿元]{0,3}", fullmatch=True)

# --------------------------------------------------------------------------------- CSV


@given(st.one_of(TEXT, NUMBERISH))
def test_a_csv_field_never_starts_a_formula(text: str) -> None:
    out = csv_field(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    assert out in (lines, "'" + lines)  # nothing lost: the prefix and line breaks as \n
    if out.startswith(FORMULA_TRIGGERS):
        assert is_number_text(out) and out == text
    if text.startswith(FORMULA_TRIGGERS) and not is_number_text(text):
        assert out == "'" + lines


@given(st.one_of(st.floats(allow_nan=False), st.integers()))
def test_a_number_is_written_as_it_is(value: float) -> None:
    assert csv_field(value) == str(value)
    assert is_number_text(str(value)) or not math.isfinite(value)


def test_the_owasp_cases() -> None:
    row = csv_row([HYPERLINK, "+A1", "-1+1", "@A1", "\t=1", "\r=1", "-3.5", "-7.28pp", 1.5, None])
    assert row == [
        "'" + HYPERLINK, "'+A1", "'-1+1", "'@A1", "'\t=1", "'\n=1", "-3.5", "-7.28pp", "1.5", "",
    ]  # fmt: skip
    assert csv_field("+1.5") == "+1.5" and csv_field("-") == "'-"  # a number passes, a sign not


@settings(max_examples=60)
@given(st.lists(st.one_of(TEXT, NUMBERISH, st.none()), max_size=12))
def test_csv_frame_agrees_with_csv_field(texts: list[str | None]) -> None:
    frame = pl.DataFrame(
        {"t": texts, "n": [-1.5] * len(texts)}, schema={"t": pl.String, "n": pl.Float64}
    )
    out = csv_frame(frame)
    assert out["t"].to_list() == [None if t is None else csv_field(t) for t in texts]
    assert out["n"].to_list() == frame["n"].to_list()
    assert not unsafe_csv_fields(out.write_csv())


# ------------------------------------------------------------------------------- Excel


@settings(max_examples=40, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=8))
def test_xlsx_put_writes_every_text_as_a_string_cell(texts: list[str]) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for i, t in enumerate(texts, start=1):
        xlsx_put(ws.cell(row=i, column=1), t)
    buf = io.BytesIO()
    wb.save(buf)
    for mode in ({}, {"read_only": True, "data_only": True}):
        buf.seek(0)
        back = load_workbook(buf, **mode).active
        assert back is not None
        cells = [row[0] for row in back.iter_rows(min_row=1, max_row=len(texts), max_col=1)]
        for t, c in zip(texts, cells, strict=True):
            shown = xlsx_text(t).replace("\r\n", "\n").replace("\r", "\n")
            got = "" if c.value is None else str(c.value).replace("\r\n", "\n").replace("\r", "\n")
            assert c.value is None or c.data_type == "s", (t, c.data_type)
            assert got == shown
    wb2 = load_workbook(io.BytesIO(buf.getvalue()))
    assert wb2.active is not None
    assert wb2.active["A1"].quotePrefix == texts[0].startswith(FORMULA_TRIGGERS)


def test_xlsx_put_leaves_numbers_numbers() -> None:
    ws = Workbook().active
    assert ws is not None
    assert xlsx_put(ws["A1"], -2.5).data_type == "n"
    assert xlsx_put(ws["A2"], "=1+1").data_type == "s"
    assert xlsx_put(ws["A3"], "#N/A").data_type == "s"  # not Excel's error value


# ---------------------------------------------------------------------------- Markdown

_TABLE_TAGS = {"table", "thead", "tbody", "tr", "th", "td"}


def _flat(text: str) -> str:
    """What the viewer shows of ``text``: lines trimmed and joined by spaces."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return " ".join(line.strip() for line in lines).strip()


@settings(max_examples=200)
@given(TEXT)
def test_md_text_shows_the_text_in_a_table_cell(text: str) -> None:
    html = markdown_html(f"| h |\n| --- |\n| {md_text(text)} |\n")
    tags = html_tags(html)
    assert set(tags.tags) <= _TABLE_TAGS and tags.tags["td"] == 1, html
    shown = unescape(html.split("<td>")[1].split("</td>")[0])
    assert shown.strip() == _flat(text)


@settings(max_examples=200)
@given(TEXT)
def test_md_text_shows_the_text_in_a_paragraph_and_a_list(text: str) -> None:
    for md, allowed in (
        (md_text(text), {"p"}),
        (f"- **item**: {md_text(text)}", {"ul", "li", "strong"}),
    ):
        tags = html_tags(markdown_html(md))
        assert set(tags.tags) <= allowed, (md, tags.tags)
        assert tags.tags["strong"] <= 1
        shown = "".join(tags.text).strip()
        assert shown.removeprefix("item:").strip() == _flat(text), md


@settings(max_examples=100)
@given(TEXT)
def test_md_text_keeps_lines_when_not_inline(text: str) -> None:
    tags = html_tags(markdown_html(md_text(text, inline=False)))
    assert set(tags.tags) <= {"p", "br"}


@given(TEXT)
def test_a_code_block_cannot_be_closed_from_inside(text: str) -> None:
    html = markdown_html(md_code_block(text, "sh"))
    tags = html_tags(html)
    assert tags.tags == {"pre": 1, "code": 1}, html


def test_bare_addresses_are_not_links() -> None:
    assert md_text("see http://x.invalid or www.x.invalid") == (
        "see http\\://x.invalid or www\\.x.invalid"
    )


@given(TEXT)
def test_terminal_text_sends_no_control_character(text: str) -> None:
    out = terminal_text(text)
    assert not [ch for ch in out if ch not in "\n\t" and unicodedata.category(ch) == "Cc"]
    assert "\u202e" not in out
    if text.isprintable():
        assert out == text


# ----------------------------------------------------------------------------- figures


def test_the_scale_is_the_rollups() -> None:
    from soeplan.consolidation import inputs

    assert 10**SUM_PLACES == inputs._SCALE  # figure_text prints at the rollup's precision


@given(st.lists(st.integers(-(10**14), 10**14), min_size=1, max_size=30))
def test_a_sum_prints_as_the_exact_decimal_sum(units: list[int]) -> None:
    """Values with up to 8 decimals, summed as the rollup sums them, print as their exact sum."""
    values = pl.Series([k / 10**SUM_PLACES for k in units], dtype=pl.Float64)
    total = float(((values * 1e8).round(0)).sum()) / 1e8  # the rollup's arithmetic
    text = figure_text(total, "amount")
    assert Decimal(text) == Decimal(sum(units)).scaleb(-SUM_PLACES)
    assert float(text) == figure_value(total, "amount")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_ratio_keeps_every_digit(value: float) -> None:
    assert float(figure_text(value, "ratio")) == value


def _rows(fmt: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    assert main(["rollup", "--sample", "--format", fmt]) == 0
    out = capsys.readouterr().out
    return list(csv.DictReader(io.StringIO(out))) if fmt == "csv" else json.loads(out)


def test_the_demo_figures_print_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    from soeplan.capital.view import sample_inputs, with_capital
    from soeplan.consolidation.records import scope_totals
    from soeplan.consolidation.rollup import rollup
    from soeplan.indicators import Kind
    from soeplan.plugins.builtin import load_core_sample
    from soeplan.plugins.registry import get_registry
    from soeplan.sdk import overlay_plugin_samples
    from soeplan.structure.city import city_structure

    structure = city_structure(sample=True)
    # the sample as `rollup --sample` reads it: with its synthetic registers' capital figures
    sample, _ = with_capital(overlay_plugin_samples(load_core_sample()), sample_inputs(), structure)
    frame = scope_totals(rollup(sample, structure))
    exact = {(s, str(y), i): v for s, y, i, v in frame.iter_rows()}
    ratio = {c for c, ind in get_registry().indicators.items() if ind.kind is Kind.RATIO}
    rows = _rows("csv", capsys)
    printed = {(r["scope"], r["year"], r["indicator"]): r["value"] for r in rows}
    assert printed[("全市", "2020", "total_assets")] == "2090.49"
    assert printed.keys() == exact.keys()
    for key, text in printed.items():
        if key[2] in ratio:
            assert float(text) == exact[key]  # every digit of the recomputed ratio
        else:
            assert Decimal(text).as_tuple().exponent >= -SUM_PLACES  # type: ignore[operator]
            assert abs(float(text) - exact[key]) <= 1e-9 * max(1.0, abs(exact[key]))
    items = _rows("json", capsys)
    assert {(r["scope"], str(r["year"]), r["indicator"]): r["value"] for r in items} == {
        k: float(v) for k, v in printed.items()
    }
