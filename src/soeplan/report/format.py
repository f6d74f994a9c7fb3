"""The edge where numbers are rounded for print: one function, one convention per format.

Amounts are printed to 0.01, rates (ratios and growth) to 0.01 percentage points, counts as whole
numbers, rounded from the full-precision value under a convention: half-up (四舍五入) unless the
caller passes the plan's own convention for that column (the plan truncates its ratios and total
growth: :mod:`soeplan.arithmetic.rounding`), so that a restated plan figure prints as the plan prints it. The
workbook keeps the
full-precision number in the cell and sets the matching number format instead
(:data:`EXCEL_FORMATS`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from soeplan.arithmetic.rounding import Rounding
from soeplan.indicators import Indicator, Kind
from soeplan.report.model import CellFormat

#: openpyxl number formats of each cell format.
EXCEL_FORMATS: dict[CellFormat, str] = {
    CellFormat.AMOUNT: "#,##0.00",
    CellFormat.RATIO: "0.00%",
    CellFormat.GROWTH: "0.00%",
    CellFormat.POINTS: '0.00"pp"',  # the cell holds the value in points (× 100)
    CellFormat.COUNT: "#,##0",
    CellFormat.SCORE: "0.0",
    CellFormat.TEXT: "@",
}

_SNAP = Decimal("1e-12")


#: Units of money: amounts in them are printed to 0.01 (亿元 to the million yuan).
MONEY_UNITS = frozenset({"亿元", "万元", "元", "千元", "百万元"})


def cell_format(ind: Indicator, values: Iterable[float | None] = ()) -> CellFormat:
    """How an indicator's numbers are shown: ratios as ratios, counts whole, amounts in money
    to 0.01; an amount in another unit (吨) whole when all its ``values`` are whole.

    >>> from soeplan.indicators import Aggregation, Category, Indicator, Kind
    >>> tonnes = Indicator(code="waste", name_zh="接收量", name_en="Received",
    ...     category=Category.SCALE, unit="吨", kind=Kind.AMOUNT, aggregation=Aggregation.SUM)
    >>> cell_format(tonnes, [86000.0, 91500.0]), cell_format(tonnes, [86000.5])
    (<CellFormat.COUNT: 'count'>, <CellFormat.AMOUNT: 'amount'>)
    """
    if ind.is_percent:
        return CellFormat.RATIO
    if ind.kind is Kind.RATIO:  # a ratio with its own unit (万元/人): a number to 0.01
        return CellFormat.AMOUNT
    if ind.kind is Kind.COUNT:
        return CellFormat.COUNT
    shown = [v for v in values if v is not None and v == v]
    if ind.unit not in MONEY_UNITS and shown and all(float(v).is_integer() for v in shown):
        return CellFormat.COUNT
    return CellFormat.AMOUNT


def column_format(
    column: str,
    spec: str | None,
    values: Iterable[float | None],
    indicators: Mapping[str, Indicator],
) -> CellFormat | None:
    """The format of a report section's numeric ``column``: its ``formats`` entry ``spec`` (a
    format's name or an indicator's code), else the indicator the column is named after
    (:func:`cell_format`); a year column as text; ``None``: none of these (its type decides).

    >>> column_format("share", "growth", [0.12], {}), column_format("growth", None, [0.12], {})
    (<CellFormat.GROWTH: 'growth'>, None)
    >>> column_format("year", None, [2023], {})
    <CellFormat.TEXT: 'text'>
    """
    if spec is not None:
        if spec in indicators:
            return cell_format(indicators[spec], values)
        try:
            return CellFormat(spec)
        except ValueError:
            return None
    if column in indicators:
        return cell_format(indicators[column], values)
    if column == "year" or column.endswith("_year"):
        return CellFormat.TEXT  # 2023, not 2,023
    return None


_PLACES = {
    CellFormat.AMOUNT: Decimal("0.01"),
    CellFormat.RATIO: Decimal("0.0001"),
    CellFormat.GROWTH: Decimal("0.0001"),
    CellFormat.POINTS: Decimal("0.0001"),
    CellFormat.COUNT: Decimal("1"),
    CellFormat.SCORE: Decimal("0.1"),
}


def rate_format(method: str | None, fmt: CellFormat) -> CellFormat:
    """The format of a rate of a row assessed on ``method`` whose values have format ``fmt``.

    Compound growth is a growth rate (%); a linear change of a ratio is in percentage points;
    a linear change of an amount or a count is a number to 0.01 (0.33 家 a year).

    >>> rate_format("compound", CellFormat.AMOUNT), rate_format("linear", CellFormat.RATIO)
    (<CellFormat.GROWTH: 'growth'>, <CellFormat.POINTS: 'points'>)
    >>> rate_format("linear", CellFormat.COUNT)
    <CellFormat.AMOUNT: 'amount'>
    """
    if method == "compound":
        return CellFormat.GROWTH
    return CellFormat.POINTS if fmt is CellFormat.RATIO else CellFormat.AMOUNT


def difference_format(fmt: CellFormat) -> CellFormat:
    """The format of a difference of two values of format ``fmt`` (a gap, a headroom): points
    for ratios, a number to 0.01 for counts (0.33 家 short of a milestone) and amounts."""
    if fmt is CellFormat.RATIO:
        return CellFormat.POINTS
    return CellFormat.AMOUNT if fmt is CellFormat.COUNT else fmt


def excel_value(value: float, fmt: CellFormat, rounding: Rounding = Rounding.HALF_UP) -> float:
    """The number a workbook cell of format ``fmt`` holds: the full-precision value (points
    × 100); a figure the plan truncates is stored truncated at its last printed place, since a
    number format can only round, so that the workbook shows what every other output prints.

    >>> excel_value(0.545768, CellFormat.RATIO, Rounding.TRUNCATE), excel_value(0.0021, CellFormat.POINTS)
    (0.5457, 0.21)
    """
    if rounding is Rounding.TRUNCATE and fmt in _PLACES:
        value = float(_quantize(value, fmt, rounding))
    return value * 100 if fmt is CellFormat.POINTS else value


def _quantize(value: float, fmt: CellFormat, rounding: Rounding) -> Decimal:
    """``value`` at the last printed place of ``fmt`` under ``rounding``."""
    d = Decimal(repr(value))
    if rounding is Rounding.TRUNCATE:
        # A float computed from exact inputs can land a hair below a printed boundary
        # (0.22499999999999998 for 45 / 200): snap to 12 decimals before cutting digits off.
        d = d.quantize(_SNAP, rounding=ROUND_HALF_UP)
    return d.quantize(_PLACES[fmt], rounding=rounding.decimal_mode)


def format_value(
    value: float | None,
    fmt: CellFormat,
    *,
    missing: str = "–",
    rounding: Rounding = Rounding.HALF_UP,
) -> str:
    """Print ``value`` at the last printed place under ``rounding`` (half-up by default).

    >>> from soeplan.report.model import CellFormat
    >>> format_value(2090.485, CellFormat.AMOUNT), format_value(0.55604, CellFormat.RATIO)
    ('2,090.49', '55.60%')
    >>> format_value(3.0, CellFormat.COUNT), format_value(None, CellFormat.AMOUNT)
    ('3', '–')
    >>> format_value(0.545768, CellFormat.RATIO, rounding=Rounding.TRUNCATE)  # the plan's 54.57%
    '54.57%'
    >>> format_value(0.22499999999999998, CellFormat.RATIO, rounding=Rounding.TRUNCATE)
    '22.50%'
    """
    if value is None or value != value:  # None or NaN
        return missing
    if fmt is CellFormat.TEXT:
        return str(value)
    d = _quantize(value, fmt, rounding)
    if d == 0:
        d = abs(d)  # never print "-0.00"
    if fmt in (CellFormat.RATIO, CellFormat.GROWTH):
        return f"{d * 100:.2f}%"
    if fmt is CellFormat.POINTS:
        return f"{d * 100:.2f}pp"
    if fmt is CellFormat.COUNT:
        return f"{d:,.0f}"
    if fmt is CellFormat.SCORE:
        return f"{d:,.1f}"
    return f"{d:,.2f}"
