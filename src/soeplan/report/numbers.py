"""Numbers in sentences: percentages, thousands and units, as a report section writes them.

A section's *tables* are formatted by the report's writers (by each column's indicator, or the
table's ``formats``); its *paragraphs* are text the section writes itself. These helpers print a
figure there the way the report prints it: half-up rounding (四舍五入, never Python's
round-half-even), thousands separators, the unit in the reader's language, and a visible word for
a missing figure (未报 / not reported), never ``None`` or ``nan``. Plugins import them from
:mod:`soeplan.sdk`.

>>> percent(0.7), thousands(86000), quantity(86000, "吨"), quantity(86000, "吨", lang="en")
('70.0%', '86,000', '86,000吨', '86,000 tonnes')
>>> percent(None), percent(None, lang="en")
('未报', 'not reported')
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from soeplan.indicators import UNIT_EN, Indicator, Kind

__all__ = ["MISSING", "figure", "percent", "quantity", "thousands"]

#: What a missing figure (``None``, NaN) is printed as, by language.
MISSING = {"zh": "未报", "en": "not reported"}


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _rounded(value: float, places: int) -> Decimal:
    """``value`` half-up at ``places`` decimals (from its shortest repr: 0.125 → 0.13)."""
    d = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(d) if d == 0 else d  # never "-0.0"


def percent(value: float | None, places: int = 1, *, lang: str = "zh") -> str:
    """A fraction as a percentage: ``0.7`` → ``70.0%`` (``places`` decimals, half-up).

    >>> percent(0.12345, 2), percent(0.0005, 0), percent(-0.0001)
    ('12.35%', '0%', '0.0%')
    """
    if _missing(value):
        return MISSING.get(lang, MISSING["en"])
    assert value is not None
    return f"{_rounded(value * 100, places):,.{places}f}%"


def thousands(value: float | None, places: int = 0, *, lang: str = "zh") -> str:
    """A number with thousands separators and ``places`` decimals (half-up).

    >>> thousands(1234567.5), thousands(2090.485, 2), thousands(-0.4)
    ('1,234,568', '2,090.49', '0')
    """
    if _missing(value):
        return MISSING.get(lang, MISSING["en"])
    assert value is not None
    return f"{_rounded(value, places):,.{places}f}"


def quantity(value: float | None, unit: str, places: int = 0, *, lang: str = "zh") -> str:
    """A number with its unit in the reader's language: ``86,000吨`` / ``86,000 tonnes``.

    English units that are a multiplier (亿元: 100 million yuan) go in brackets.

    >>> quantity(12.26, "亿元", 2), quantity(12.26, "亿元", 2, lang="en")
    ('12.26亿元', '12.26 (100 million yuan)')
    >>> quantity(3, "家", lang="en"), quantity(None, "吨")
    ('3 enterprises', '未报')
    """
    if _missing(value):
        return MISSING.get(lang, MISSING["en"])
    number = thousands(value, places)
    if lang == "zh":
        return f"{number}{unit}"
    en = UNIT_EN.get(unit, unit)
    if en == "%":
        return f"{number}%"
    return f"{number} ({en})" if en[:1].isdigit() else f"{number} {en}"


def figure(value: float | None, indicator: Indicator, *, lang: str = "zh") -> str:
    """A figure of ``indicator`` as the report prints it, by its kind and unit: a ratio as a
    percentage to 0.01 pp, a count whole, an amount of money to 0.01, any other amount (吨)
    whole unless it has a fraction; with the unit in ``lang``.

    >>> from soeplan import get_registry
    >>> debt = get_registry().indicators["debt_ratio"]
    >>> figure(0.61234, debt), figure(2090.485, get_registry().indicators["total_assets"])
    ('61.23%', '2,090.49亿元')
    """
    if indicator.is_percent:
        return percent(value, 2, lang=lang)
    if _missing(value):
        return MISSING.get(lang, MISSING["en"])
    assert value is not None
    if indicator.kind is Kind.COUNT:
        places = 0
    elif indicator.unit.endswith("元") or indicator.kind is Kind.RATIO:
        places = 2
    else:
        places = 0 if float(value).is_integer() else 2
    return quantity(value, indicator.unit, places, lang=lang)
