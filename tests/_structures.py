"""A small dated structure the rollup tests share: two units, a group with a difference unit."""

from __future__ import annotations

import soeplan
from soeplan import (
    CountyUnit,
    Entity,
    NodeType,
    ScopeComposition,
    StructureEvent,
    UnitStructure,
    compose_structure,
)


def small_structure(events: tuple[StructureEvent, ...] = ()) -> soeplan.Structure:
    """Unit a: group g (children x, y, difference d); single z. Unit b: w. Scopes all, only_a."""
    ents = (
        Entity(id="g", name_zh="集团", unit="a", node_type=NodeType.GROUP),
        Entity(id="x", name_zh="甲", unit="a", parent="g"),
        Entity(id="y", name_zh="乙", unit="a", parent="g"),
        Entity(id="d", name_zh="差额", unit="a", parent="g", node_type=NodeType.DIFFERENCE),
        Entity(id="z", name_zh="丙", unit="a"),
        Entity(id="w", name_zh="丁", unit="b"),
    )
    return compose_structure(
        units=[CountyUnit("a", "甲县", "A"), CountyUnit("b", "乙县", "B")],
        scopes=[
            ScopeComposition("all", ("a", "b"), name_zh="全部", name_en="All"),
            ScopeComposition("only_a", ("a",)),
        ],
        registered=[
            ("test", UnitStructure(unit="a", entities=ents[:5], events=events)),
            ("test", UnitStructure(unit="b", entities=ents[5:])),
        ],
    )


def nested_structure() -> soeplan.Structure:
    """Unit a: group G with a subgroup g1 (children x1, x2), a subgroup g2 (child y) and a
    company z; nothing else. Scope all = a."""
    ents = (
        Entity(id="G", name_zh="集团", unit="a", node_type=NodeType.GROUP),
        Entity(id="g1", name_zh="子集团一", unit="a", parent="G", node_type=NodeType.GROUP),
        Entity(id="g2", name_zh="子集团二", unit="a", parent="G", node_type=NodeType.GROUP),
        Entity(id="x1", name_zh="甲一", unit="a", parent="g1"),
        Entity(id="x2", name_zh="甲二", unit="a", parent="g1"),
        Entity(id="y", name_zh="乙", unit="a", parent="g2"),
        Entity(id="z", name_zh="丙", unit="a", parent="G"),
    )
    return compose_structure(
        units=[CountyUnit("a", "甲县", "A")],
        scopes=[ScopeComposition("all", ("a",), name_zh="全部", name_en="All")],
        registered=[("test", UnitStructure(unit="a", entities=ents))],
    )
