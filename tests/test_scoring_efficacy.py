"""The efficacy-coefficient rule (财统字〔1999〕6号) on hand-computed cases and as properties."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from soeplan.scoring.efficacy import (
    band_of,
    efficacy_expr,
    efficacy_score,
    round_item,
    round_total,
    standards_problem,
)
from soeplan.scoring.records import GRADES, grade_of

UP = (10, 8, 6, 4, 2)  # higher is better: 优秀 10 % … 较差 2 %
DOWN = (40, 50, 60, 70, 80)  # lower is better (资产负债率): 优秀 40 % … 较差 80 %


# Worked by hand from the rules, weight 20: base = 20 × coefficient of the level reached,
# adjustment = (actual − level value) / (next value − level value) × (next base − base).
@pytest.mark.parametrize(
    ("actual", "expected", "band"),
    [
        (12, "20.00", "excellent"),  # beyond 优秀: the full weight
        (10, "20.00", "excellent"),  # at 优秀
        (9, "18.00", "good"),  # 16 + (9 − 8) / (10 − 8) × (20 − 16) = 18
        (8, "16.00", "good"),  # at 良好: its base, 20 × 0.8
        (7, "14.00", "average"),  # the case: 12 + (7 − 6) / 2 × 4
        (6.5, "13.00", "average"),  # 12 + 0.5 / 2 × 4
        (5, "10.00", "low"),  # 8 + (5 − 4) / (6 − 4) × (12 − 8)
        (4, "8.00", "low"),
        (3, "6.00", "poor"),  # 4 + (3 − 2) / (4 − 2) × (8 − 4)
        (2, "4.00", "poor"),  # at 较差: 20 × 0.2
        (1.99, "0.00", "below"),  # below 较差: no base score, no adjustment
        (-5, "0.00", "below"),
    ],
)
def test_each_level_higher_is_better(actual: float, expected: str, band: str) -> None:
    assert efficacy_score(actual, UP, 20) == Decimal(expected)
    assert band_of(actual, UP).key == band


@pytest.mark.parametrize(
    ("actual", "expected", "band"),
    [
        (30, "20.00", "excellent"),  # a lower debt ratio than 优秀: full weight
        (40, "20.00", "excellent"),
        (45, "18.00", "good"),  # 16 + (45 − 50) / (40 − 50) × 4
        (55, "14.00", "average"),  # the mirrored case of actual 7 %
        (65, "10.00", "low"),
        (75, "6.00", "poor"),
        (80, "4.00", "poor"),
        (80.01, "0.00", "below"),
    ],
)
def test_each_level_lower_is_better_is_mirrored(actual: float, expected: str, band: str) -> None:
    assert efficacy_score(actual, DOWN, 20, higher_is_better=False) == Decimal(expected)
    assert band_of(actual, DOWN, higher_is_better=False).key == band


def test_scores_are_exact_and_rounded_half_up_at_the_end() -> None:
    # 12 + (6.0025 − 6) / 2 × 4 = 12.005: half-up gives 12.01 (a float would give 12.00 or 12.01)
    assert efficacy_score("6.0025", UP, 20) == Decimal("12.01")
    assert efficacy_score("6.0025", UP, 20, places=None) == Decimal("12.0050")
    assert efficacy_score(0.0701, (0.1, 0.08, 0.06, 0.04, 0.02), 20) == Decimal("14.02")
    assert round_item(Decimal("13.995")) == Decimal("14.00")
    assert round_total(Decimal("84.95")) == Decimal("85.0")
    assert round_total(Decimal("84.94")) == Decimal("84.9")


def test_grades_by_the_2006_thresholds() -> None:
    cases = {"100": "A", "85.0": "A", "84.9": "B", "70": "B", "69.9": "C", "50": "C", "49.9": "D",
             "40": "D", "39.9": "E", "0": "E"}  # fmt: skip
    assert {t: grade_of(Decimal(t)).letter for t in cases} == cases
    assert [g.zh for g in GRADES] == ["优", "良", "中", "低", "差"]


def test_non_monotone_standards_are_refused_with_the_levels_named() -> None:
    assert "良好 (8) is not above 平均 (9)" in str(standards_problem((10, 8, 9, 4, 2)))
    assert "must rise" in str(standards_problem(UP, higher_is_better=False))
    assert "expected five" in str(standards_problem((10, 8, 6)))
    with pytest.raises(ValueError, match="not above"):
        efficacy_score(5, (10, 10, 6, 4, 2), 20)


standards_up = st.lists(
    st.decimals(min_value=-1000, max_value=1000, places=2), min_size=5, max_size=5, unique=True
).map(lambda v: tuple(sorted(v, reverse=True)))
actuals = st.decimals(min_value=-2000, max_value=2000, places=3)
weights = st.decimals(min_value=1, max_value=100, places=1)


@given(standards_up, actuals, actuals, weights, st.booleans())
def test_score_is_monotone_in_the_indicators_direction(
    s: tuple[Decimal, ...], a: Decimal, b: Decimal, w: Decimal, higher: bool
) -> None:
    lo, hi = min(a, b), max(a, b)
    if not higher:
        s = tuple(-v for v in s)  # the same table, read as lower-is-better
        lo, hi = -hi, -lo  # hi is the better value
        better, worse = lo, hi
    else:
        better, worse = hi, lo
    kw = {"higher_is_better": higher, "places": None}
    assert efficacy_score(better, s, w, **kw) >= efficacy_score(worse, s, w, **kw)


@given(standards_up, actuals, weights)
def test_score_is_between_zero_and_the_weight(
    s: tuple[Decimal, ...], a: Decimal, w: Decimal
) -> None:
    score = efficacy_score(a, s, w)
    assert Decimal(0) <= score <= w
    assert (score == w) == (a >= s[0])


@given(standards_up, st.lists(actuals, min_size=1, max_size=20), weights)
def test_the_polars_form_agrees_with_the_exact_one(
    s: tuple[Decimal, ...], values: list[Decimal], w: Decimal
) -> None:
    df = pl.DataFrame({"a": [float(v) for v in values]}).with_columns(
        *(pl.lit(float(v)).alias(f"s{i}") for i, v in enumerate(s))
    )
    got = df.select(efficacy_expr(pl.col("a"), [pl.col(f"s{i}") for i in range(5)], float(w)))
    for v, g in zip(values, got["score"].to_list(), strict=True):
        assert abs(Decimal(repr(g)) - efficacy_score(v, s, w, places=None)) < Decimal("1e-6")


def test_the_polars_form_takes_the_direction_per_row() -> None:
    df = pl.DataFrame(
        {"a": [7.0, 55.0], "higher": [True, False], "w": [20.0, 20.0]}
        | {k: [u, d] for k, u, d in zip("egmlp", UP, DOWN, strict=True)}
    )
    expr = efficacy_expr(pl.col("a"), [pl.col(c) for c in "egmlp"], pl.col("w"),
                         higher_is_better=pl.col("higher"))  # fmt: skip
    assert df.select(expr)["score"].to_list() == [14.0, 14.0]
