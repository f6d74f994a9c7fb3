"""Rounding and formatting numbers as the plan's documents print them.

Frames and records keep full precision; rounding happens once, here, when a number is printed.
Two conventions occur in the published tables, and which one a column uses is *data* (the
``rounding`` key of a plan file's ``[[table]]``, see :class:`TableRounding`), not code:

- **half-up** (四舍五入): ``12.715`` → ``12.72``;
- **truncation** (截尾): cut off after the last printed place, toward zero: ``54.5768`` → ``54.57``.

Percentages are held as fractions (``Decimal("0.5560")``) and printed in percentage points
(``55.60%``). A number taken from the document (an input, a target) is printed with the decimals
it was written with, which its :class:`~decimal.Decimal` exponent remembers:

>>> from decimal import Decimal
>>> from soeplan.arithmetic.rounding import Rounding, format_percent, format_printed
>>> format_percent(Decimal("0.545768"), 2, Rounding.TRUNCATE)
'54.57%'
>>> format_percent(Decimal("0.545768"), 2, Rounding.HALF_UP)
'54.58%'
>>> format_printed(Decimal("0.2250"), percent=True), format_printed(Decimal("0.25"), percent=True)
('22.50%', '25%')
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

import attrs


class Rounding(StrEnum):
    """A rounding convention for printing a number to a fixed number of decimals."""

    HALF_UP = "half_up"  #: 四舍五入: to the nearest, halves away from zero
    TRUNCATE = "truncate"  #: 截尾: drop the digits after the last printed place (toward zero)

    @property
    def zh(self) -> str:
        return "四舍五入" if self is Rounding.HALF_UP else "截尾"

    @property
    def en(self) -> str:
        return "half-up" if self is Rounding.HALF_UP else "truncation"

    @property
    def decimal_mode(self) -> str:
        return ROUND_HALF_UP if self is Rounding.HALF_UP else ROUND_DOWN


#: The computed columns of a plan's tables that have a rounding convention.
ROUNDED_COLUMNS = ("ratio", "cagr", "total_growth")


@attrs.frozen(kw_only=True)
class TableRounding:
    """The rounding conventions of one published table, by kind of computed column.

    ``ratio``: ratios recomputed from their components (the year columns of ratio rows);
    ``cagr``: average annual growth (年均增长率); ``total_growth``: total growth (总体增长率 /
    增长率). ``places`` is the number of decimals of the percentage points printed (2: ``55.60%``).
    """

    ratio: Rounding = Rounding.HALF_UP
    cagr: Rounding = Rounding.HALF_UP
    total_growth: Rounding = Rounding.HALF_UP
    places: int = 2

    def for_column(self, column: str) -> Rounding:
        """The convention of a column kind: ``"ratio"``, ``"cagr"`` or ``"total_growth"``."""
        if column not in ROUNDED_COLUMNS:
            raise ValueError(f"no rounding convention for column {column!r}")
        value: Rounding = getattr(self, column)
        return value


def round_decimal(value: Decimal, places: int, mode: Rounding) -> Decimal:
    """Round ``value`` to ``places`` decimals under ``mode``; exact on Decimals.

    >>> round_decimal(Decimal("12.715"), 2, Rounding.HALF_UP)
    Decimal('12.72')
    >>> round_decimal(Decimal("12.719"), 2, Rounding.TRUNCATE)
    Decimal('12.71')
    """
    return value.quantize(Decimal(1).scaleb(-places), rounding=mode.decimal_mode)


def _plain(value: Decimal) -> str:
    """A Decimal in positional notation, keeping its digits (never ``1E+3``)."""
    text = format(value, "f")
    return "0" + text[2:] if text.startswith("-0") and value.is_zero() else text


def format_amount(value: Decimal, places: int = 2, mode: Rounding = Rounding.HALF_UP) -> str:
    """An amount (亿元) as printed: ``920.12``.

    >>> format_amount(Decimal("2090.4949"))
    '2090.49'
    """
    return _plain(round_decimal(value, places, mode))


def format_percent(value: Decimal, places: int = 2, mode: Rounding = Rounding.HALF_UP) -> str:
    """A fraction as a percentage with ``places`` decimals of percentage points: ``17.84%``.

    >>> format_percent(Decimal("0.1783674"))
    '17.84%'
    """
    return _plain(round_decimal(value.scaleb(2), places, mode)) + "%"


def format_count(value: Decimal | int) -> str:
    """A count of enterprises (家), a whole number: ``15``.

    >>> format_count(Decimal("15"))
    '15'
    """
    d = Decimal(value)
    if d != d.to_integral_value():
        raise ValueError(f"a count must be a whole number, got {value}")
    return _plain(d.quantize(Decimal(1)))


def format_printed(value: Decimal, *, percent: bool) -> str:
    """A number taken from the document, printed with the decimals it was written with.

    Ratios are fractions whose exponent keeps the printed precision (``Decimal("0.022")`` was
    written ``2.2%``), so no rounding happens here.

    >>> format_printed(Decimal("4000"), percent=False), format_printed(Decimal("0.022"), percent=True)
    ('4000', '2.2%')
    """
    return _plain(value.scaleb(2)) + "%" if percent else _plain(value)
