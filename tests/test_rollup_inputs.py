"""What the rollup reads (:mod:`soeplan.consolidation.inputs`): a county metric that rolls into a
core indicator replaces the core figure of the same entity and year, and every other figure is
kept as it was."""

from __future__ import annotations

import polars as pl

from _structures import small_structure
from soeplan.consolidation.rollup import rollup


def test_a_county_metric_replaces_the_core_figure_it_rolls_into() -> None:
    # qj_rated_aa (the Qujiang plugin's) rolls into rated_aa
    data = pl.DataFrame(
        {
            "entity": ["x", "x", "x", "y"],
            "year": [2020] * 4,
            "indicator": ["total_assets", "qj_rated_aa", "rated_aa", "rated_aa"],
            "value": [5.0, 1.0, 3.0, 2.0],
        }
    )
    values = rollup(data, small_structure()).values
    got = values.filter(pl.col("node").is_in(["x", "y", "g"])).select("node", "indicator", "value")
    assert sorted(got.rows()) == [
        ("g", "qj_rated_aa", 1.0),
        ("g", "rated_aa", 3.0),  # x's 1 (its county metric, not its 3) and y's 2
        ("g", "total_assets", 5.0),
        ("x", "qj_rated_aa", 1.0),
        ("x", "rated_aa", 1.0),
        ("x", "total_assets", 5.0),
        ("y", "rated_aa", 2.0),
    ]


def test_asking_for_the_core_indicator_reads_the_county_metric_that_replaces_it() -> None:
    data = pl.DataFrame(
        {
            "entity": ["x", "x"],
            "year": [2020] * 2,
            "indicator": ["qj_rated_aa", "rated_aa"],
            "value": [1.0, 3.0],
        }
    )
    values = rollup(data, small_structure(), indicators=["rated_aa"]).values
    assert set(values["indicator"]) == {"rated_aa"}
    assert values.filter(pl.col("node") == "x")["value"].to_list() == [1.0]


def test_figures_are_kept_to_the_eighth_decimal_of_their_unit() -> None:
    # amounts are summed as whole units of 10⁻⁸ (亿元): a figure is rounded there, once
    data = pl.DataFrame(
        {"entity": ["x", "y"], "year": [2020, 2020], "indicator": ["total_assets"] * 2,
         "value": [1.123456789, 2.000000004]}
    )  # fmt: skip
    r = rollup(data, small_structure())
    assert r.value("x", "total_assets", 2020) == 1.12345679
    assert r.value("g", "total_assets", 2020) == 3.12345679
