from __future__ import annotations

import polars as pl
import pytest

from soeplan.consolidation.explain import explain, render_explanation
from soeplan.consolidation.rollup import rollup
from soeplan.sample import sample_observations
from soeplan.structure.city import city_structure


def test_explain_tree_adds_up() -> None:
    s = city_structure(sample=True)
    tree = explain(sample_observations(), s, node="city", indicator="total_assets", year=2022)
    for node in tree.walk():
        if node.children:
            assert node.value == pytest.approx(sum(c.value for c in node.children))
        elif node.rows:
            assert node.value == pytest.approx(sum(r.value for r in node.rows))
    leaves = [n for n in tree.walk() if not n.children]
    assert all(n.rows for n in leaves)
    assert "js.scenic" not in {n.node for n in tree.walk()}  # merged in 2022
    text = render_explanation(tree, lang="en")
    assert text.startswith("City-wide city · Total assets total_assets · 2022")


def test_explain_ratio_has_its_components() -> None:
    s = city_structure(sample=True)
    tree = explain(sample_observations(), s, node="市区", indicator="debt_ratio", year=2020)
    assert [c.indicator for c in tree.children] == ["net_assets", "total_assets"]
    num, den = (c.value for c in tree.children)
    assert tree.value == pytest.approx(1 - num / den)


def test_explain_notes_a_group_s_own_figure() -> None:
    data = sample_observations().filter(pl.col("year") == 2020)
    extra = pl.DataFrame(
        {
            "unit": ["municipal"],
            "entity": ["mun.chengtou"],
            "year": [2020],
            "indicator": ["total_assets"],
            "value": [1.0],
        },
        schema=data.schema,
    )
    tree = explain(
        pl.concat([data, extra]),
        city_structure(sample=True),
        node="mun.chengtou",
        indicator="total_assets",
        year=2020,
    )
    alone = rollup(data, city_structure(sample=True)).value("mun.chengtou", "total_assets", 2020)
    assert "not added" in tree.note_en and tree.value == pytest.approx(alone)
