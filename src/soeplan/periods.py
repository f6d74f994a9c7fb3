"""Reporting periods: a whole year, or a month of it (月度快报).

A :class:`Period` is the key a figure is reported for. An annual submission is for a year
(``2023``); a monthly express report (快报) is for a month (``2023-06``) and carries, as the
vendor systems do, *year-to-date* totals for flows (revenue, profit: 1 January to the month's
end) and the balance at the month's end for stocks (total assets). Quarters are derived from
months: the June 快报 is the second quarter's.

>>> Period.parse("2023-06")
Period(year=2023, month=6)
>>> str(Period.parse("2023")), Period.parse("2023-06").quarter
('2023', 2)
>>> Period(2023, 6).elapsed_share
Fraction(1, 2)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from fractions import Fraction

import attrs

from soeplan.errors import SoeplanError

__all__ = ["Period", "PeriodError"]

_PATTERN = re.compile(r"^\s*(\d{4})(?:\s*[-/.]\s*(\d{1,2})|\s*年\s*(\d{1,2})\s*月?)?\s*年?\s*$")


class PeriodError(SoeplanError):
    """A period that cannot be read, or a month outside 1–12."""


def _check_month(
    instance: Period, attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is not None and not 1 <= value <= 12:
        raise PeriodError(
            f"period {instance.year}-{value}: a month is 1 to 12 (月份应为 1–12)"
            "\n  fix: write the month as 01 to 12, e.g. 2023-06"
        )


@attrs.frozen(order=False)
class Period:
    """A year (``month`` None) or a month of a year.

    Periods order by year, then month, with a whole year after its months (it ends with
    December's): ``2023-11 < 2023-12 < 2023``. Two periods with the same end date are still
    different keys: December's 快报 is reconciled against the annual submission, not merged with it.
    """

    year: int = attrs.field()
    month: int | None = attrs.field(default=None, validator=_check_month)

    @year.validator
    def _check_year(self, attribute: attrs.Attribute[int], value: int) -> None:
        if not 1900 <= value <= 2999:
            raise PeriodError(
                f"period {value}: a year is four digits from 1900 (年份应为四位数)"
                "\n  fix: write the year in full, e.g. 2023"
            )

    def _sort_key(self) -> tuple[int, int]:
        return (self.year, 13 if self.month is None else self.month)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() <= other._sort_key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() > other._sort_key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() >= other._sort_key()

    @classmethod
    def parse(cls, text: str | int) -> Period:
        """Read ``2023``, ``2023-06``, ``2023-6``, ``2023/06``, ``2023.06`` or ``2023年6月``.

        >>> Period.parse("2023年6月"), Period.parse(2023)
        (Period(year=2023, month=6), Period(year=2023, month=None))
        >>> Period.parse("June")
        Traceback (most recent call last):
        ...
        soeplan.periods.PeriodError: period 'June' is not a year or a year-month (期间格式应为 2023 或 2023-06)
          fix: write the year as 2023 and a month as 2023-06
        """
        match = _PATTERN.match(str(text))
        if match is None:
            raise PeriodError(
                f"period {str(text)!r} is not a year or a year-month (期间格式应为 2023 或 2023-06)"
                "\n  fix: write the year as 2023 and a month as 2023-06"
            )
        month = match.group(2) or match.group(3)
        return cls(int(match.group(1)), int(month) if month else None)

    @property
    def is_annual(self) -> bool:
        """True for a whole year."""
        return self.month is None

    @property
    def end_month(self) -> int:
        """The last month the period covers: its month, or 12 for a year."""
        return 12 if self.month is None else self.month

    @property
    def quarter(self) -> int:
        """The quarter (1–4) the period's last month falls in; 4 for a whole year."""
        return (self.end_month - 1) // 3 + 1

    @property
    def is_quarter_end(self) -> bool:
        """True for March, June, September, December and a whole year."""
        return self.end_month % 3 == 0

    @property
    def end_date(self) -> dt.date:
        """The period's last day: where a stock is measured and the structure is read.

        >>> Period(2024, 2).end_date, Period(2023).end_date
        (datetime.date(2024, 2, 29), datetime.date(2023, 12, 31))
        """
        if self.end_month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, self.end_month + 1, 1) - dt.timedelta(days=1)

    @property
    def months_elapsed(self) -> int:
        """Months of the year the period's year-to-date figures cover (6 at June, 12 a year)."""
        return self.end_month

    @property
    def elapsed_share(self) -> Fraction:
        """The time-based expectation for budget execution: months elapsed over twelve."""
        return Fraction(self.end_month, 12)

    def same_period_last_year(self) -> Period:
        """The period a 同比 (year-on-year) comparison is against."""
        return Period(self.year - 1, self.month)

    def previous_month(self) -> Period | None:
        """The month before, for 环比; None for January (year-to-date restarts) and for a year."""
        if self.month is None or self.month == 1:
            return None
        return Period(self.year, self.month - 1)

    def months(self) -> Iterator[Period]:
        """Every month from January to the period's last month.

        >>> [str(p) for p in Period(2023, 3).months()]
        ['2023-01', '2023-02', '2023-03']
        """
        for month in range(1, self.end_month + 1):
            yield Period(self.year, month)

    @property
    def zh(self) -> str:
        """``2023年`` or ``2023年6月``."""
        return f"{self.year}年" if self.month is None else f"{self.year}年{self.month}月"

    @property
    def en(self) -> str:
        """``2023`` or ``June 2023``."""
        if self.month is None:
            return str(self.year)
        return f"{dt.date(self.year, self.month, 1):%B} {self.year}"

    def __str__(self) -> str:
        return str(self.year) if self.month is None else f"{self.year}-{self.month:02d}"
