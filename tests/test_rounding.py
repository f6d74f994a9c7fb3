"""Rounding and formatting as the document prints numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from soeplan.arithmetic.rounding import (
    Rounding,
    TableRounding,
    format_amount,
    format_count,
    format_percent,
    format_printed,
    round_decimal,
)

finite = st.decimals(
    min_value=Decimal("-1e6"), max_value=Decimal("1e6"), allow_nan=False, allow_infinity=False
)
places = st.integers(min_value=0, max_value=6)


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        ("12.715", Rounding.HALF_UP, "12.72"),
        ("12.725", Rounding.HALF_UP, "12.73"),  # half-up, not banker's rounding
        ("12.7189", Rounding.TRUNCATE, "12.71"),
        ("54.5768", Rounding.TRUNCATE, "54.57"),
        ("54.5768", Rounding.HALF_UP, "54.58"),
        ("-1.239", Rounding.TRUNCATE, "-1.23"),  # toward zero
        ("-1.235", Rounding.HALF_UP, "-1.24"),  # halves away from zero
    ],
)
def test_round_decimal(value: str, mode: Rounding, expected: str) -> None:
    assert str(round_decimal(Decimal(value), 2, mode)) == expected


def test_formats_as_the_document_prints() -> None:
    assert format_amount(Decimal("920.12")) == "920.12"
    assert format_percent(Decimal("0.1783674")) == "17.84%"
    assert format_percent(Decimal("1.2719754"), 2, Rounding.TRUNCATE) == "127.19%"
    assert format_percent(Decimal("1.54"), 2) == "154.00%"
    assert format_count(Decimal("15")) == "15" and format_count(0) == "0"
    assert format_printed(Decimal("0.5560"), percent=True) == "55.60%"
    assert format_printed(Decimal("0.65"), percent=True) == "65%"
    assert format_printed(Decimal("0.022"), percent=True) == "2.2%"
    assert format_printed(Decimal("4E+3"), percent=False) == "4000"
    assert format_percent(Decimal("-0.00001"), 2, Rounding.TRUNCATE) == "0.00%"


def test_count_must_be_whole() -> None:
    with pytest.raises(ValueError, match="whole number"):
        format_count(Decimal("1.5"))


def test_table_rounding_for_column() -> None:
    r = TableRounding(ratio=Rounding.TRUNCATE, cagr=Rounding.HALF_UP)
    assert r.for_column("ratio") is Rounding.TRUNCATE
    assert r.for_column("cagr") is Rounding.HALF_UP
    assert r.for_column("total_growth") is Rounding.HALF_UP
    with pytest.raises(ValueError, match="no rounding convention"):
        r.for_column("2015")


@given(finite, places)
def test_truncation_never_exceeds_half_up_in_magnitude(value: Decimal, n: int) -> None:
    t = round_decimal(value, n, Rounding.TRUNCATE)
    h = round_decimal(value, n, Rounding.HALF_UP)
    assert abs(t) <= abs(h)
    if value >= 0:
        assert t <= h


@given(finite, places, st.sampled_from(list(Rounding)))
def test_rounded_within_one_unit_in_the_last_place(value: Decimal, n: int, mode: Rounding) -> None:
    ulp = Decimal(1).scaleb(-n)
    r = round_decimal(value, n, mode)
    assert abs(r - value) < ulp
    if mode is Rounding.HALF_UP:
        assert abs(r - value) <= ulp / 2
    else:
        assert abs(r) <= abs(value)


@given(finite, places, st.sampled_from(list(Rounding)))
def test_formatting_parses_back_to_the_same_digits(value: Decimal, n: int, mode: Rounding) -> None:
    text = format_amount(value, n, mode)
    parsed = Decimal(text)
    assert parsed == round_decimal(value, n, mode)
    assert format_printed(parsed, percent=False) == text
    assert "E" not in text and (("." in text) == (n > 0))
    pct = format_percent(value, n, mode)
    assert pct.endswith("%")
    back = Decimal(pct[:-1]).scaleb(-2)
    assert format_printed(back, percent=True) == pct


@given(st.integers(min_value=0, max_value=10**6))
def test_counts_print_as_integers(n: int) -> None:
    assert format_count(Decimal(n)) == str(n)
