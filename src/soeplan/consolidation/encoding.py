"""The rollup's integer codes: nodes, indicators, the big pass's keys and the cells after it.

Everything after the one pass over the big frame works on integer codes: nodes (scopes, units,
entities) by a code from :class:`_Codes`, indicators by their position in the sorted catalogue
(:class:`_IndicatorCodes`), years as they are. The big pass keys each row by the first node of
its entity (:class:`_KeyMap`); keys and cells are packed as :class:`_Grid` says. Names are
joined once, on the sorted output. :class:`_Run` bundles what the stages after the big pass
share (the inputs, the codes, the grid).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import attrs
import polars as pl

from soeplan.consolidation.cache import _cached
from soeplan.consolidation.inputs import _Inputs
from soeplan.indicators import Aggregation, Indicator, Kind
from soeplan.structure.dated import Structure
from soeplan.structure.records import NodeType

_DIRECT, _PLACED, _OWN, _NO_KEY = 0, 1, 2, 3  # kinds of key in the big group-by

_Engine = Literal["auto", "streaming"]  # the polars engine a rollup collects with

#: Decoded keys of the big pass that are placed year by year (entities, units' own rows).
_KEYED_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "kind": pl.UInt8,
    "node": pl.UInt32,
    "yo": pl.UInt64,
    "ind": pl.UInt64,
    "value": pl.Float64,
}


@attrs.frozen
class _Codes:
    """Integer codes of a structure's nodes, in the output's order.

    Scopes, units, groups, then the other entities, each sorted by id: so a frame sorted by
    (year, node code, indicator) is in the output's order, as long as no node's type differs
    from its place here (``classes`` says where each type's codes begin). Entities that
    :meth:`Structure.with_entities` adds get codes after all these (``in_order`` is then
    false), so the codes of a structure stay a prefix of those of the structure extended.
    """

    ids: pl.Series  # code → id (String)
    code: Mapping[str, int]  # id → code
    order: pl.Series  # code → the rank of its id in sorted order (UInt32)
    in_order: bool  # code order is the output's order
    classes: tuple[int, int, int]  # first code of units, of groups, of other entities


def _node_codes(structure: Structure, base: _Codes | None = None) -> _Codes:
    if base is None:
        ents = structure.entities
        groups = sorted(e for e, r in ents.items() if r.node_type is NodeType.GROUP)
        others = sorted(e for e, r in ents.items() if r.node_type is not NodeType.GROUP)
        scopes, units = sorted(structure.scopes), sorted(structure.units)
        listed = [*scopes, *units, *groups, *others]
        ids = list(dict.fromkeys(listed))
        in_order = len(ids) == len(listed)  # no id is two kinds of node
        n_units = len(scopes) + len(units)
        classes = (len(scopes), n_units, n_units + len(groups))
    else:
        ids = [*base.ids.to_list(), *(e for e in structure.entities if e not in base.code)]
        in_order, classes = False, base.classes
    order = [0] * len(ids)
    for rank, i in enumerate(sorted(range(len(ids)), key=ids.__getitem__)):
        order[i] = rank
    return _Codes(
        pl.Series(ids, dtype=pl.String),
        {n: i for i, n in enumerate(ids)},
        pl.Series(order, dtype=pl.UInt32),
        in_order,
        classes,
    )


def _codes_for(structure: Structure) -> _Codes:
    """The structure's node codes (made once per structure)."""
    return _cached(structure, "rollup.codes", lambda: _node_codes(structure))


@attrs.frozen
class _KeyMap:
    """How the one pass over the big frame keys each row: by the first node of its entity.

    The entity dictionary holds the structure's entities, then the units' ids (a unit's own
    rows). An entity that is a leaf with the same first node in every year is keyed straight
    by that node (``_DIRECT``); every other entity by a key of its own (``_PLACED``: placed
    year by year); a unit's own rows by theirs (``_OWN``). Rows of entities not in the
    dictionary get the key ``n_keys`` (``_NO_KEY``).
    """

    entities: pl.Enum  # the entity dictionary
    first: pl.Series  # UInt32 per entity: its key
    static: pl.Series  # Boolean per entity: keyed straight by its first node
    entity_node: pl.Series  # UInt32 per entity: its node code
    kind: pl.Series  # UInt8 per key (and _NO_KEY at n_keys)
    node: pl.Series  # UInt32 per key: the node code (null at n_keys)
    placed: frozenset[str]  # the entities placed year by year
    n_keys: int

    def entity_code(self) -> pl.Expr:
        """Each row's entity as its position in the dictionary (null: not in it)."""
        return pl.col("entity").cast(self.entities, strict=False).to_physical()


def _key_map(structure: Structure, years: Sequence[int], codes: _Codes) -> _KeyMap:
    firsts: dict[str, set[tuple[int, str]]] = {}
    internal: set[str] = set()
    present: dict[str, int] = {}
    snaps = [structure.at(y) for y in years]
    distinct = {id(s.entities): s for s in snaps}.values()
    for snap in distinct:
        weight = sum(1 for s in snaps if s.entities is snap.entities)
        states = dict(snap.entities)
        kids = snap.children_map
        for eid, st in states.items():
            present[eid] = present.get(eid, 0) + weight
            if eid in kids:
                internal.add(eid)
            else:
                parent = st.parent
                first = (0, parent) if parent is not None and parent in states else (1, st.unit)
                firsts.setdefault(eid, set()).add(first)
    keys: dict[tuple[int, str], int] = {}
    ids: list[str] = []
    first_of: list[int] = []
    static: list[bool] = []
    for eid in structure.entities:
        f = firsts.get(eid, set())
        is_static = eid not in internal and len(f) == 1 and present.get(eid, 0) == len(snaps)
        key = (_DIRECT, next(iter(f))[1]) if is_static else (_PLACED, eid)
        ids.append(eid)
        first_of.append(keys.setdefault(key, len(keys)))
        static.append(is_static)
    for uid in structure.units:
        if uid not in structure.entities:
            ids.append(uid)
            first_of.append(keys.setdefault((_OWN, uid), len(keys)))
            static.append(False)
    code = codes.code
    return _KeyMap(
        entities=pl.Enum(ids),
        first=pl.Series(first_of, dtype=pl.UInt32),
        static=pl.Series(static, dtype=pl.Boolean),
        entity_node=pl.Series([code[i] for i in ids], dtype=pl.UInt32),
        kind=pl.Series([k for k, _ in keys] + [_NO_KEY], dtype=pl.UInt8),
        node=pl.Series([code[n] for _, n in keys] + [None], dtype=pl.UInt32),
        placed=frozenset(n for k, n in keys if k == _PLACED),
        n_keys=len(keys),
    )


def _key_map_for(structure: Structure, struct_years: Sequence[int], codes: _Codes) -> _KeyMap:
    """The key map for the structures of ``struct_years`` (made once per structure and years
    with the same entities in force)."""
    return _cached(
        structure,
        ("rollup.keys", tuple(structure.signature(y) for y in struct_years)),
        lambda: _key_map(structure, struct_years, codes),
    )


@attrs.frozen
class _IndicatorCodes:
    """The catalogue in codes: an indicator's code is its position in ``names`` (sorted).

    Code ``n_ind`` stands for every indicator outside the catalogue (nothing to roll up), so
    ``width = n_ind + 1`` codes in all.
    """

    names: list[str]  # code → indicator
    code_of: Mapping[str, int]  # indicator → code
    ratios: frozenset[str]  # the ratios (recomputed, never summed)
    ratio_c: list[int]  # the ratios' codes, sorted
    none_c: list[int]  # codes of the indicators that do not roll up (Aggregation.NONE), sorted

    @property
    def n_ind(self) -> int:
        return len(self.names)

    @property
    def width(self) -> int:
        return len(self.names) + 1


def _indicator_codes(cat: Mapping[str, Indicator]) -> _IndicatorCodes:
    names = sorted(cat)
    code_of = {c: i for i, c in enumerate(names)}
    ratios = frozenset(c for c, i in cat.items() if i.kind is Kind.RATIO)
    return _IndicatorCodes(
        names,
        code_of,
        ratios,
        sorted(code_of[c] for c in ratios),
        sorted(code_of[c] for c, i in cat.items() if i.aggregation is Aggregation.NONE),
    )


@attrs.frozen
class _Grid:
    """How cells are packed: ``pos = (year - y0) * n_nodes + node``, ``cell = pos * width + ind``;
    the big pass's keys: ``key = (first * width + ind) * span + (year - y0)``."""

    y0: int
    span: int
    width: int
    n_nodes: int

    def cell(self) -> pl.Expr:
        """A cell from its parts: ``yo`` (the year's offset from ``y0``), ``node``, ``ind``."""
        return (pl.col("yo") * self.n_nodes + pl.col("node")) * self.width + pl.col("ind")

    def cell_ind(self) -> pl.Expr:
        """A cell's indicator code."""
        return pl.col("cell") % self.width


@attrs.frozen
class _Run:
    """What the stages after the big pass share: the catalogue, the inputs and the codes."""

    cat: Mapping[str, Indicator]
    inputs: _Inputs
    inds: _IndicatorCodes
    keymap: _KeyMap
    structure: Structure  # with the entities it did not know, flat under their units
    codes: _Codes
    grid: _Grid
    struct_year: Mapping[int, int]  # data year → the year whose structure it uses
    data_years: list[int]  # the years with data
    engine: _Engine  # the polars engine to collect with
