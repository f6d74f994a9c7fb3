"""What the rules share, at its edges: how a number prints (a whole number up to 10^15, then in
six significant digits), its precision as written, a finding's place, a label for an unknown
code, and the figures by entity (the first of a duplicate, no figure that is not finite)."""

from __future__ import annotations

import math

import polars as pl
import pytest

from soeplan.indicators import builtin_indicators
from soeplan.rules import RuleContext
from soeplan.submissions.rule_helpers import (
    _fmt,
    _label,
    _loc,
    _pct,
    _where,
    _wide,
    _written_half_ulp,
    prior_values,
)


@pytest.mark.parametrize(
    ("x", "shown"),
    [
        (None, ""),
        (0.0, "0"),
        (-3.0, "-3"),
        (999_999_999_999_999.0, "999999999999999"),
        (1e15, "1e+15"),
        (-1e15, "-1e+15"),
        (1.5, "1.5"),
        (2.0 / 3.0, "0.666667"),
        (math.inf, "inf"),
        (math.nan, "nan"),
    ],
)
def test_how_a_number_prints(x: float | None, shown: str) -> None:
    assert _fmt(x) == shown


def test_a_share_prints_to_two_places_of_a_percent() -> None:
    assert (_pct(0.6), _pct(-0.0001), _pct(1.23456)) == ("60.00%", "-0.01%", "123.46%")


@pytest.mark.parametrize(
    ("x", "half"),
    [(8.83, 0.005), (-8.83, 0.005), (920.0, 0.5), (1e20, 0.5), (0.001, 0.0005), (2.5e-7, 5e-9),
     (math.inf, 0.0), (math.nan, 0.0)],
)  # fmt: skip
def test_the_precision_of_a_number_as_written(x: float, half: float) -> None:
    assert _written_half_ulp(x) == pytest.approx(half, rel=1e-12, abs=0)
    assert _written_half_ulp(x) >= 0


@pytest.mark.parametrize(
    ("where", "shown"),
    [
        ({"sheet": "S", "cell": "D5", "row": 5}, "S!D5"),
        ({"sheet": "S", "cell": None, "row": 5}, "row 5"),
        ({"sheet": None, "cell": "D5", "row": 5}, "row 5"),
        ({"sheet": "S", "cell": "D5"}, "S!D5"),
        ({"row": 0}, "row 0"),
        ({}, ""),
    ],
)
def test_a_findings_place(where: dict[str, object], shown: str) -> None:
    assert _loc(where) == shown


def _ctx(
    rows: list[tuple[str | None, str | None, float | None]], prior: bool = False
) -> RuleContext:
    frame = pl.DataFrame(
        rows,
        schema={"entity": pl.String, "indicator": pl.String, "value": pl.Float64},
        orient="row",
    )
    return RuleContext(
        observations=frame,
        year=2023,
        prior=frame if prior else None,
        indicators={i.code: i for i in builtin_indicators()},
    )


def test_a_label_for_a_known_an_unknown_and_no_code() -> None:
    c = _ctx([])
    ta = c.indicators["total_assets"]
    assert _label(c, "total_assets") == (ta.name_zh, ta.name_en)
    assert _label(c, "zz") == ("zz", "zz") and _label(c, None) == ("?", "?")


def test_the_figures_by_entity_keep_the_first_of_a_duplicate_and_only_finite_ones() -> None:
    c = _ctx(
        [
            ("e", "total_assets", 1.0),
            ("e", "total_assets", 2.0),
            ("e", "revenue", math.inf),
            ("e", "net_assets", None),
            (None, "revenue", 1.0),
            ("f", None, 1.0),
            ("f", "revenue", 3.0),
        ],
        prior=True,
    )
    wide = _wide(c)
    assert {e: {k: r["value"] for k, r in v.items()} for e, v in wide.items()} == {
        "e": {"total_assets": 1.0},
        "f": {"revenue": 3.0},
    }
    # last year's figures: a later duplicate replaces an earlier one; no blank key or value
    assert prior_values(c) == {
        ("e", "total_assets"): 2.0,
        ("e", "revenue"): math.inf,
        ("f", "revenue"): 3.0,
    }
    assert prior_values(_ctx([])) == {}


def test_a_findings_where_takes_every_place_field_and_nothing_else() -> None:
    r = {"file": "f", "sheet": "s", "cell": "c", "row": 1, "unit": "u", "entity": "e",
         "indicator": "i", "year": 2023, "value": 5.0, "raw": "5"}  # fmt: skip
    assert _where(r) == {
        k: r[k] for k in ("file", "sheet", "cell", "row", "unit", "entity", "indicator", "year")
    }
    assert _where({}) == dict.fromkeys(
        ("file", "sheet", "cell", "row", "unit", "entity", "indicator", "year")
    )
