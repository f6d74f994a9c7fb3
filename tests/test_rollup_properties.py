"""Properties of the rollup over random trees and random data (hypothesis).

Values are whole numbers stored as floats, so sums are exact and comparisons can be exact.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any
from unittest.mock import patch

import attrs
import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from soeplan.consolidation.comparable import comparable_growth
from soeplan.consolidation.rollup import rollup
from soeplan.indicators import builtin_indicators
from soeplan.structure.compose import compose_structure
from soeplan.structure.dated import Structure
from soeplan.structure.records import (
    CountyUnit,
    Entity,
    EventKind,
    NodeType,
    ScopeComposition,
    StructureEvent,
    UnitStructure,
)

AMOUNTS = ["total_assets", "net_assets", "revenue", "total_profit", "net_profit"]
YEARS = [2020, 2021]
CAT = {i.code: i for i in builtin_indicators()}


@attrs.frozen
class Tree:
    units: tuple[str, ...]
    scopes: tuple[tuple[str, tuple[str, ...]], ...]
    entities: tuple[Entity, ...]

    def structure(
        self, events: tuple[StructureEvent, ...] = (), order: Callable[[Any], Any] | None = None
    ) -> Structure:
        ents = sorted(self.entities, key=order) if order else list(self.entities)
        return compose_structure(
            units=[CountyUnit(u, u, u) for u in self.units],
            scopes=[ScopeComposition(s, us) for s, us in self.scopes],
            registered=[
                (
                    "test",
                    UnitStructure(
                        unit=u,
                        entities=tuple(e for e in ents if e.unit == u),
                        events=tuple(ev for ev in events if self.unit_of(ev.entity) == u),
                    ),
                )
                for u in self.units
            ],
        )

    def unit_of(self, eid: str) -> str:
        return next(e.unit for e in self.entities if e.id == eid)

    def children(self, eid: str | None, unit: str | None = None) -> list[str]:
        return [e.id for e in self.entities if e.parent == eid and (unit is None or e.unit == unit)]

    def leaves(self) -> list[Entity]:
        parents = {e.parent for e in self.entities}
        return [e for e in self.entities if e.id not in parents]

    def descendants(self, eid: str) -> set[str]:
        out: set[str] = set()
        todo = [eid]
        while todo:
            for c in self.children(todo.pop()):
                out.add(c)
                todo.append(c)
        return out


@st.composite
def trees(draw: st.DrawFn, difference: bool = False) -> Tree:
    units = tuple(f"u{i}" for i in range(draw(st.integers(1, 3))))
    groups: dict[str, list[str]] = {u: [] for u in units}
    entities: list[Entity] = []
    for i in range(draw(st.integers(1, 14))):
        unit = draw(st.sampled_from(units))
        parent = draw(st.sampled_from([None, *groups[unit]]))
        is_group = draw(st.booleans())
        eid = f"e{i}"
        entities.append(
            Entity(
                id=eid,
                name_zh=eid,
                unit=unit,
                parent=parent,
                node_type=NodeType.GROUP if is_group else NodeType.SINGLE,
            )
        )
        if is_group:
            groups[unit].append(eid)
            if difference:
                entities.append(
                    Entity(
                        id=f"{eid}.diff",
                        name_zh="差额",
                        unit=unit,
                        parent=eid,
                        node_type=NodeType.DIFFERENCE,
                    )
                )
    some = tuple(u for u in units if draw(st.booleans())) or units[:1]
    return Tree(units, (("all", units), ("some", some)), tuple(entities))


@st.composite
def tree_and_data(draw: st.DrawFn, difference: bool = False) -> tuple[Tree, pl.DataFrame]:
    tree = draw(trees(difference=difference))
    rows = []
    for e in tree.leaves():
        for y in YEARS:
            for ind in AMOUNTS:
                if draw(st.integers(0, 4)) > 0:
                    low = 1 if ind in ("total_assets", "net_assets", "revenue") else -500
                    rows.append((e.id, y, ind, float(draw(st.integers(low, 10_000)))))
    frame = pl.DataFrame(
        rows,
        schema={"entity": pl.String, "year": pl.Int64, "indicator": pl.String, "value": pl.Float64},
        orient="row",
    )
    return tree, frame


def lookup(values: pl.DataFrame) -> dict[tuple[str, int, str], float]:
    return {
        (n, y, i): v
        for n, y, i, v in values.select("node", "year", "indicator", "value").iter_rows()
    }


@given(tree_and_data())
def test_every_node_is_the_sum_of_its_leaves(case: tuple[Tree, pl.DataFrame]) -> None:
    tree, data = case
    got = lookup(rollup(data, tree.structure()).values)
    leaf_sum: dict[tuple[str, int, str], float] = {}
    unit_of = {e.id: e.unit for e in tree.entities}
    for eid, y, ind, v in data.iter_rows():
        keys = {eid, unit_of[eid], *tree_ancestors(tree, eid)}
        keys |= {s for s, us in tree.scopes if unit_of[eid] in us}
        for k in keys:
            leaf_sum[(k, y, ind)] = leaf_sum.get((k, y, ind), 0.0) + v
    amounts = {k: v for k, v in got.items() if k[2] in AMOUNTS}
    assert amounts == leaf_sum


def tree_ancestors(tree: Tree, eid: str) -> list[str]:
    parent = {e.id: e.parent for e in tree.entities}
    out = []
    p = parent[eid]
    while p is not None:
        out.append(p)
        p = parent[p]
    return out


@given(tree_and_data(), st.randoms(use_true_random=False))
def test_permuting_rows_or_entities_changes_nothing(
    case: tuple[Tree, pl.DataFrame], rnd: Any
) -> None:
    tree, data = case
    first = rollup(data, tree.structure()).values
    order = list(range(data.height))
    rnd.shuffle(order)
    shuffled = data[order] if order else data
    keys = {e.id: rnd.random() for e in tree.entities}
    second = rollup(shuffled, tree.structure(order=lambda e: keys[e.id])).values
    assert first.equals(second)


@given(tree_and_data())
def test_every_ratio_is_recomputed_from_rolled_up_components(
    case: tuple[Tree, pl.DataFrame],
) -> None:
    tree, data = case
    values = lookup(rollup(data, tree.structure()).values)
    ratios = [i for i in CAT.values() if i.formula is not None]
    nodes = {(n, y) for n, y, _ in values}
    for node, year in nodes:
        for ind in ratios:
            f = ind.formula
            assert f is not None
            num = values.get((node, year, f.numerator))
            den = values.get((node, year, f.denominator))
            if f.denominator_average:
                prev = values.get((node, year - 1, f.denominator))
                den = None if den is None or prev is None else (den + prev) / 2
            got = values.get((node, year, ind.code))
            if num is None or den is None or den == 0:
                assert got is None
            else:
                assert got is not None
                expected = f.apply(num, den)
                assert abs(got - expected) <= 1e-12 * max(1.0, abs(expected))


@st.composite
def merger_case(draw: st.DrawFn) -> tuple[Tree, pl.DataFrame, str, str]:
    tree, data = draw(tree_and_data())
    pairs = [
        (a.id, b.id)
        for a in tree.leaves()
        for b in tree.leaves()
        if a.id != b.id and a.unit == b.unit and a.parent == b.parent
    ]
    if not pairs:
        extra_a = Entity(id="ma", name_zh="ma", unit=tree.units[0])
        extra_b = Entity(id="mb", name_zh="mb", unit=tree.units[0])
        tree = attrs.evolve(tree, entities=(*tree.entities, extra_a, extra_b))
        pairs = [("ma", "mb")]
    x, y = draw(st.sampled_from(pairs))
    rows = [(x, yr, ind, float(draw(st.integers(1, 1000)))) for yr in YEARS for ind in AMOUNTS] + [
        (y, yr, ind, float(draw(st.integers(1, 1000)))) for yr in YEARS for ind in AMOUNTS
    ]
    data = pl.concat(
        [
            data.filter(~pl.col("entity").is_in([x, y])),
            pl.DataFrame(rows, schema=data.schema, orient="row"),
        ]
    )
    return tree, data, x, y


@given(merger_case())
def test_a_merger_leaves_comparable_growth_unchanged(
    case: tuple[Tree, pl.DataFrame, str, str],
) -> None:
    tree, data, x, y = case
    merge = StructureEvent(date=dt.date(2021, 6, 30), kind=EventKind.MERGE, entity=x, target=y)
    # after the merger, y reports what x and y reported separately before
    later = data.filter((pl.col("year") == 2021) & pl.col("entity").is_in([x, y]))
    combined = (
        later.group_by("year", "indicator")
        .agg(pl.col("value").sum())
        .with_columns(entity=pl.lit(y))
    )
    merged_data = pl.concat(
        [
            data.filter(~((pl.col("year") == 2021) & pl.col("entity").is_in([x, y]))),
            combined.select(data.columns),
        ]
    )
    plain = comparable_growth(data, tree.structure(), base_year=2020, year=2021)
    merged = comparable_growth(merged_data, tree.structure((merge,)), base_year=2020, year=2021)
    key = ["node", "indicator"]
    cols = ["base_value", "value", "growth"]
    a = plain.filter(~pl.col("node").is_in([x, y])).sort(key).select(key + cols)
    b = merged.filter(~pl.col("node").is_in([x, y])).sort(key).select(key + cols)
    assert_frame_equal(a, b)
    # y on a comparable basis is x and y together, in both years
    both = (
        plain.filter(pl.col("node").is_in([x, y]))
        .group_by("indicator")
        .agg(pl.col("base_value").sum(), pl.col("value").sum())
    )
    ym = merged.filter(pl.col("node") == y).select("indicator", "base_value", "value")
    assert (
        both.sort("indicator")
        .filter(pl.col("indicator").is_in(AMOUNTS))
        .equals(ym.sort("indicator").filter(pl.col("indicator").is_in(AMOUNTS)))
    )


@st.composite
def reported_groups(draw: st.DrawFn) -> tuple[Tree, pl.DataFrame]:
    tree, data = draw(tree_and_data(difference=True))
    groups = [e.id for e in tree.entities if e.node_type is NodeType.GROUP]
    rows = [
        (g, yr, ind, float(draw(st.integers(-100, 20_000))))
        for g in groups
        if draw(st.booleans())
        for yr in YEARS
        for ind in AMOUNTS
    ]
    own = pl.DataFrame(rows, schema=data.schema, orient="row")
    return tree, pl.concat([data, own])


@given(reported_groups())
def test_a_difference_unit_makes_the_children_sum_to_the_reported_figure(
    case: tuple[Tree, pl.DataFrame],
) -> None:
    tree, data = case
    result = rollup(data, tree.structure(), group_reported="difference")
    assert result.findings.filter(pl.col("rule") == "rollup.group_check").is_empty()
    values = lookup(result.values)
    reported = {
        (e, y, i): v
        for e, y, i, v in data.iter_rows()
        if any(x.id == e and x.node_type is NodeType.GROUP for x in tree.entities)
    }
    observed = {(e, y, i) for e, y, i, _ in data.iter_rows()}
    for (g, y, ind), v in reported.items():
        assert values[(g, y, ind)] == v
        if not any((d, y, ind) in observed for d in tree.descendants(g)):
            continue  # a group whose children do not report stands for itself
        kids = [c for c in tree.children(g) if (c, y, ind) in values]
        assert sum(values[(c, y, ind)] for c in kids) == v


@given(tree_and_data(), st.randoms(use_true_random=False))
def test_permuting_rows_is_bit_for_bit_the_same_with_decimal_figures(
    case: tuple[Tree, pl.DataFrame], rnd: Any
) -> None:
    # Real figures have cents (920.12): plain float sums of such values change in their last
    # bits with row order; the rollup must not.
    tree, data = case
    data = data.with_columns(pl.col("value") / 100 + 0.07)
    first = rollup(data, tree.structure()).values
    order = list(range(data.height))
    rnd.shuffle(order)
    second = rollup(data[order] if order else data, tree.structure()).values
    assert first.equals(second)


@given(tree_and_data())
def test_streaming_equals_in_memory_and_the_output_is_ordered(
    case: tuple[Tree, pl.DataFrame],
) -> None:
    tree, data = case
    values = rollup(data, tree.structure()).values
    assert rollup(data.lazy(), tree.structure(), streaming=True).values.equals(values)
    # without the entity level, the wide path and the cell-by-cell path give the same frame
    groups_only = rollup(data, tree.structure(), include_entities=False).values
    with patch.object(importlib.import_module("soeplan.consolidation.rollup"), "_WIDE", False):
        assert rollup(data, tree.structure(), include_entities=False).values.equals(groups_only)
    streamed = rollup(data.lazy(), tree.structure(), include_entities=False, streaming=True)
    assert streamed.values.equals(groups_only)
    kind = {"scope": 0, "unit": 1, "group": 2, "entity": 3}
    ordered = values.sort(
        "year", pl.col("node_type").replace_strict(kind), "node", "indicator", maintain_order=True
    )
    assert values.equals(ordered)
