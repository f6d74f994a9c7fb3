"""Reporting periods: parsing, order, quarters, end dates and the time-based expectation."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from soeplan import Period, PeriodError

years = st.integers(1900, 2999)
months = st.integers(1, 12)
periods = st.builds(Period, years, st.none() | months)


@given(periods)
def test_text_round_trips(period: Period) -> None:
    assert Period.parse(str(period)) == period


@given(periods)
def test_end_date_is_the_last_day_of_the_end_month(period: Period) -> None:
    end = period.end_date
    assert (end.year, end.month) == (period.year, period.end_month)
    assert (end + dt.timedelta(days=1)).day == 1


@given(st.integers(1900, 2998), months)
def test_a_year_sorts_after_its_months_and_before_the_next_year(year: int, month: int) -> None:
    assert Period(year, month) < Period(year) < Period(year + 1, 1)
    assert sorted([Period(year), Period(year, month)]) == [Period(year, month), Period(year)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023", Period(2023)),
        ("2023-06", Period(2023, 6)),
        ("2023-6", Period(2023, 6)),
        ("2023/06", Period(2023, 6)),
        ("2023.12", Period(2023, 12)),
        ("2023年6月", Period(2023, 6)),
        ("2023年", Period(2023)),
        (" 2023-01 ", Period(2023, 1)),
    ],
)
def test_parses_the_ways_an_office_writes_a_period(text: str, expected: Period) -> None:
    assert Period.parse(text) == expected


@pytest.mark.parametrize("text", ["June", "23-06", "2023-13", "2023-00", "2023-06-30", ""])
def test_refuses_what_is_not_a_period_and_says_the_fix(text: str) -> None:
    with pytest.raises(PeriodError, match="fix: write"):
        Period.parse(text)


@pytest.mark.parametrize(
    ("month", "quarter", "quarter_end"),
    [(1, 1, False), (3, 1, True), (4, 2, False), (6, 2, True), (9, 3, True), (12, 4, True)],
)
def test_quarters_are_derived_from_the_month(month: int, quarter: int, quarter_end: bool) -> None:
    assert Period(2023, month).quarter == quarter
    assert Period(2023, month).is_quarter_end is quarter_end


def test_time_elapsed_and_comparisons() -> None:
    june = Period(2023, 6)
    assert june.elapsed_share == Fraction(1, 2)
    assert Period(2023).elapsed_share == 1
    assert june.months_elapsed == 6
    assert june.same_period_last_year() == Period(2022, 6)
    assert Period(2023).same_period_last_year() == Period(2022)
    assert june.previous_month() == Period(2023, 5)
    assert Period(2023, 1).previous_month() is None
    assert Period(2023).previous_month() is None
    assert Period(2024, 2).end_date == dt.date(2024, 2, 29)
    assert Period(2023, 2).end_date == dt.date(2023, 2, 28)


def test_labels_in_both_languages() -> None:
    assert (Period(2023, 6).zh, Period(2023, 6).en) == ("2023年6月", "June 2023")
    assert (Period(2023).zh, Period(2023).en) == ("2023年", "2023")
