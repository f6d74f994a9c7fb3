"""The efficacy-coefficient method (功效系数法) of 财统字〔1999〕6号, on numbers and on frames.

An item's score is the base score of the level its actual value reaches plus an adjustment
toward the level above:

- 本档基础分 (base) = weight × the level's standard coefficient (优秀 1.0, 良好 0.8, 平均 0.6,
  较低 0.4, 较差 0.2);
- 调整分 (adjustment) = (actual − 本档标准值) / (上档标准值 − 本档标准值)
  × (上档基础分 − 本档基础分);
- at or beyond 优秀 the item scores the full weight; below 较差 it scores 0;
- for a lower-is-better indicator (资产负债率) the comparisons are mirrored.

Weight 20, standard values 10 / 8 / 6 / 4 / 2 (%): an actual 7 % reaches 平均 (6), so the base is
20 × 0.6 = 12 and the adjustment (7 − 6) / (8 − 6) × (16 − 12) = 2:

>>> from decimal import Decimal
>>> efficacy_score(7, (10, 8, 6, 4, 2), 20)
Decimal('14.00')
>>> efficacy_score(12, (10, 8, 6, 4, 2), 20), efficacy_score(1, (10, 8, 6, 4, 2), 20)
(Decimal('20.00'), Decimal('0.00'))

Lower is better: standard values 40 / 50 / 60 / 70 / 80 (%), actual 55 % lies between 良好 (50)
and 平均 (60): base 20 × 0.6 = 12, adjustment (55 − 60) / (50 − 60) × (16 − 12) = 2:

>>> efficacy_score(55, (40, 50, 60, 70, 80), 20, higher_is_better=False)
Decimal('14.00')

Item scores are rounded to two decimals, half-up (:func:`round_item`), only at the end; the
computation is exact on decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import polars as pl

from soeplan.arithmetic.rounding import Rounding, round_decimal
from soeplan.scoring.records import BANDS, BELOW_POOR, Band

__all__ = [
    "band_of",
    "efficacy_expr",
    "efficacy_score",
    "round_item",
    "round_total",
    "standards_problem",
]

Number = Decimal | int | float | str


def dec(x: Number) -> Decimal:
    """A number as a Decimal; a float by its shortest repr (``0.1`` → ``Decimal('0.1')``)."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, float):
        return Decimal(repr(x))
    return Decimal(x)


def round_item(score: Decimal) -> Decimal:
    """An item score to two decimals, half-up: ``13.995`` → ``14.00``."""
    return round_decimal(score, 2, Rounding.HALF_UP)


def round_total(score: Decimal) -> Decimal:
    """A total score to one decimal, half-up: ``84.95`` → ``85.0``."""
    return round_decimal(score, 1, Rounding.HALF_UP)


def standards_problem(standards: Sequence[Number], *, higher_is_better: bool = True) -> str | None:
    """Why five standard values (优秀 to 较差) are not strictly monotone in the indicator's
    direction, or ``None`` when they are.

    >>> standards_problem((10, 8, 6, 4, 2)) is None
    True
    >>> standards_problem((10, 8, 8, 4, 2))
    '良好 (8) is not above 平均 (8): the values must fall from 优秀 to 较差 (higher is better)'
    """
    values = [dec(v) for v in standards]
    if len(values) != len(BANDS):
        return f"{len(values)} standard values, expected five (优秀, 良好, 平均, 较低, 较差)"
    for (a, va), (b, vb) in zip(
        zip(BANDS, values, strict=False), zip(BANDS[1:], values[1:], strict=False), strict=False
    ):
        if higher_is_better and not va > vb:
            return (
                f"{a.zh} ({va}) is not above {b.zh} ({vb}): the values must fall from 优秀 to 较差 "
                "(higher is better)"
            )
        if not higher_is_better and not va < vb:
            return (
                f"{a.zh} ({va}) is not below {b.zh} ({vb}): the values must rise from 优秀 to 较差 "
                "(lower is better)"
            )
    return None


def band_of(actual: Number, standards: Sequence[Number], *, higher_is_better: bool = True) -> Band:
    """The level the actual value reaches (本档): the best whose standard value it meets.

    >>> band_of(7, (10, 8, 6, 4, 2)).zh, band_of(10, (10, 8, 6, 4, 2)).zh, band_of(1.9, (10, 8, 6, 4, 2)).zh
    ('平均', '优秀', '较差以下')
    """
    sign = 1 if higher_is_better else -1
    a = sign * dec(actual)
    for band, value in zip(BANDS, standards, strict=True):
        if a >= sign * dec(value):
            return band
    return BELOW_POOR


def efficacy_score(
    actual: Number,
    standards: Sequence[Number],
    weight: Number,
    *,
    higher_is_better: bool = True,
    places: int | None = 2,
) -> Decimal:
    """The item score of ``actual`` against five ``standards`` (优秀 to 较差) for ``weight`` points.

    Exact on decimals (a float is taken by its shortest repr), rounded half-up to ``places``
    decimals (``None``: unrounded). The standard values must be strictly monotone in the
    indicator's direction (:func:`standards_problem`), else ``ValueError``.
    """
    if (problem := standards_problem(standards, higher_is_better=higher_is_better)) is not None:
        raise ValueError(problem)
    sign = 1 if higher_is_better else -1
    a = sign * dec(actual)
    values = [sign * dec(v) for v in standards]
    w = dec(weight)
    score = Decimal(0)  # below 较差
    if a >= values[0]:
        score = w
    else:
        for k in range(1, len(BANDS)):
            if a >= values[k]:
                base = w * BANDS[k].coefficient
                upper = w * BANDS[k - 1].coefficient
                score = base + (a - values[k]) / (values[k - 1] - values[k]) * (upper - base)
                break
    if places is None:
        return score
    return round_decimal(score, places, Rounding.HALF_UP)


def efficacy_expr(
    actual: pl.Expr,
    standards: Sequence[pl.Expr],
    weight: pl.Expr | float,
    *,
    higher_is_better: pl.Expr | bool = True,
) -> pl.Expr:
    """The same score as a polars expression over whole frames (Float64, unrounded, ``score``).

    ``standards`` are five expressions (the 优秀 to 较差 columns); ``higher_is_better`` may be a
    boolean column. The standard values are not checked here: read them with
    :func:`soeplan.read_standards`, which does. Floats, not decimals: round with
    :func:`round_item` where a printed score must match the rules to the cent.

    >>> df = pl.DataFrame({"a": [7.0, 12.0, 1.0], "e": 10.0, "g": 8.0, "m": 6.0, "l": 4.0, "p": 2.0})
    >>> df.select(efficacy_expr(pl.col("a"), [pl.col(c) for c in "egmlp"], 20.0))["score"].to_list()
    [14.0, 20.0, 0.0]
    """
    higher = higher_is_better if isinstance(higher_is_better, pl.Expr) else pl.lit(higher_is_better)
    sign = pl.when(higher).then(1.0).otherwise(-1.0)
    a = actual.cast(pl.Float64) * sign
    s = [v.cast(pl.Float64) * sign for v in standards]
    w = weight if isinstance(weight, pl.Expr) else pl.lit(float(weight))
    coeff = [float(b.coefficient) for b in BANDS]
    # from the bottom up: below 较差 0, then each level's base plus its adjustment, 优秀 last
    expr: pl.Expr = pl.lit(0.0)
    for k in range(len(BANDS) - 1, 0, -1):
        base = w * coeff[k]
        upper = w * coeff[k - 1]
        score = base + (a - s[k]) / (s[k - 1] - s[k]) * (upper - base)
        expr = pl.when(a >= s[k]).then(score).otherwise(expr)
    return pl.when(a >= s[0]).then(w).otherwise(expr).alias("score")
