"""The consolidated rollup: from enterprises' figures to groups, county-level units and scopes.

:func:`rollup` takes long observations (``entity, year, indicator, value``; ``unit`` optional)
and a :class:`~soeplan.structure.dated.Structure` and returns every node's figures: each entity,
each group (all its ancestors), each county-level unit and each scope (全市, 市区). Amounts and
counts are summed; ratios are recomputed from the rolled-up components; nothing is counted
twice. The structure in force at the end of each year is used for that year.

How it stays fast: the big frame is read once. Each row's entity, indicator and year become one
packed integer (the entity's first node: its parent group or its unit), and the frame is
grouped by that integer alone. Everything above (groups of groups, units, scopes, ratios,
checks) works on the small grouped frame in integer codes, one *cell* per node, year and
indicator; names are looked up once, on the ordered output. Entities whose place changes over
the years, groups that report their own figures, units' own rows and entities the structure
does not know get keys of their own in that pass and are placed year by year; without them (the
usual case) the work after the pass runs in wide form, one row per node and year. Indicators
outside the catalogue cannot roll up and are left out. See ``docs/explanation/consolidation.md``.

>>> import polars as pl
>>> from soeplan.structure.city import city_structure
>>> obs = pl.DataFrame({
...     "entity": ["mun.jinkong.hq", "mun.jinkong.fund", "kc.invest"],
...     "year": [2020, 2020, 2020],
...     "indicator": ["total_assets"] * 3,
...     "value": [10.0, 5.5, 2.0],
... })
>>> r = rollup(obs, city_structure(sample=True))
>>> r.value("mun.jinkong", "total_assets", 2020), r.value("city", "total_assets", 2020)
(15.5, 17.5)
>>> r.value("urban", "total_assets", 2020)
17.5

"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import polars as pl

from soeplan.context import current
from soeplan.errors import SoeplanError, UnknownNameError
from soeplan.frames import FINDING_SCHEMA
from soeplan.indicators import Aggregation, Indicator, Kind
from soeplan.rules import Severity, empty_findings, findings_frame
from soeplan.structure.dated import Snapshot, Structure
from soeplan.structure.records import NodeType

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

__all__ = [
    "VALUE_SCHEMA",
    "GroupReported",
    "Rollup",
    "rollup",
    "scope_totals",
]


class GroupReported(StrEnum):
    """What to do with a group's own reported (consolidated) figures."""

    CHECK = "check"  #: compare with the sum of its children; a mismatch is a finding
    DIFFERENCE = "difference"  #: put the mismatch into the group's difference unit (差额)
    IGNORE = "ignore"  #: leave them aside


#: Columns of a rollup's values frame, in order.
VALUE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "node": pl.String,
    "node_type": pl.String,
    "name_zh": pl.String,
    "name_en": pl.String,
    "unit": pl.String,
    "year": pl.Int64,
    "indicator": pl.String,
    "value": pl.Float64,
}
#: Values are summed as whole numbers of 1/_SCALE of their unit (1e-8 亿元 is one yuan).
#: Float addition is not associative, so a plain float sum changes in its last bits with row
#: order and with polars' parallel split; whole numbers below 2**53 (9e7 亿元 at this scale) add
#: exactly, so the rollup is bit-for-bit the same for any order of its input. Figures are
#: thereby quantised to 1e-8 of their unit, far below any printed precision.
_SCALE = 1e8

_CELLS_PER_PASS = 8_000_000  # streaming: at most about this many cells (integer keys) per pass
T = TypeVar("T")
_TYPE_ORDER = {"scope": 0, "unit": 1, "group": 2, "entity": 3}


@attrs.frozen
class Rollup:
    """The result of :func:`rollup`: every node's values and the findings of the checks."""

    values: pl.DataFrame
    findings: pl.DataFrame
    structure: Structure = attrs.field(eq=False, repr=False)

    def value(self, node: str, indicator: str, year: int) -> float | None:
        """One figure (full precision), or ``None`` if there is none."""
        hit = self.values.filter(
            (pl.col("node") == node) & (pl.col("indicator") == indicator) & (pl.col("year") == year)
        )
        return None if hit.is_empty() else float(hit["value"][0])


# --------------------------------------------------------------------------- tables

# Everything after the one pass over the big frame works on integer codes: nodes (scopes,
# units, entities) by a code from _Codes, indicators by their position in the sorted catalogue,
# years as they are. Names are joined once, on the sorted output.

_DIRECT, _PLACED, _OWN, _NO_KEY = 0, 1, 2, 3  # kinds of key in the big group-by


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


@attrs.frozen
class _Tables:
    """Per year: node info, and for each node every node it counts toward (itself included)."""

    nodes: (
        pl.DataFrame
    )  # year, node, node_type, name_zh, name_en, unit, depth, diff_child, internal
    anc: pl.DataFrame  # year, node, anc, level


def _snapshot_rows(
    structure: Structure,
    snap: Snapshot,
    extra: Mapping[str, str],
    needed: frozenset[str],
    all_nodes: bool,
    code: Mapping[str, int],
) -> tuple[list[tuple[Any, ...]], list[tuple[int, int, str]]]:
    """Node info and ancestor rows of one snapshot, nodes by their codes.

    Ancestor rows are made only for the nodes contributions can land on: scopes, units, groups,
    difference units, and the ``needed`` entities (placed year by year); node info for those,
    or for every entity with ``all_nodes``.
    """
    nodes: list[tuple[Any, ...]] = []
    anc: list[tuple[int, int, str]] = []
    scopes_of: dict[str, list[int]] = {}
    for s in structure.scopes.values():
        for uid in s.units:
            scopes_of.setdefault(uid, []).append(code[s.scope])
    for s in structure.scopes.values():
        c = code[s.scope]
        nodes.append((c, "scope", s.name_zh or s.scope, s.name_en or s.scope, None, -2, None, True))
        anc.append((c, c, "scope"))
    for u in structure.units.values():
        c = code[u.id]
        nodes.append((c, "unit", u.name_zh, u.name_en, u.id, -1, None, True))
        anc += [(c, c, "unit")] + [(c, s, "scope") for s in scopes_of.get(u.id, ())]
    states = dict(snap.entities)
    children = snap.children_map
    for eid, st in states.items():
        kids = children.get(eid, ())
        placed = bool(kids) or eid in needed or st.node_type is not NodeType.SINGLE
        if not placed and not all_nodes:
            continue
        c = code[eid]
        ups = snap.ancestors(eid)
        diff = next((code[k] for k in kids if states[k].node_type is NodeType.DIFFERENCE), None)
        kind = "group" if st.node_type is NodeType.GROUP else "entity"
        name_en = st.name_en or st.name_zh
        nodes.append((c, kind, st.name_zh, name_en, st.unit, len(ups), diff, bool(kids)))
        if placed:
            uc = code[st.unit]
            anc += [(c, c, "tree")] + [(c, code[a], "tree") for a in ups]
            anc += [(c, uc, "unit")] + [(c, s, "scope") for s in scopes_of.get(st.unit, ())]
    for eid, unit in extra.items():
        e = structure.entities.get(eid)
        name = e.name_zh if e else eid
        c = code[eid]
        nodes.append((c, "entity", name, (e.name_en if e else "") or name, unit, 0, None, False))
        anc += [(c, c, "tree"), (c, code[unit], "unit")]
        anc += [(c, s, "scope") for s in scopes_of.get(unit, ())]
    return nodes, anc


_NODE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "node": pl.UInt32,
    "node_type": pl.String,
    "name_zh": pl.String,
    "name_en": pl.String,
    "unit": pl.String,
    "depth": pl.Int32,
    "diff_child": pl.UInt32,
    "internal": pl.Boolean,
}
_ANC_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "node": pl.UInt32,
    "anc": pl.UInt32,
    "level": pl.String,
}


def _tables(
    structure: Structure,
    year: int,
    extra: Mapping[str, str],
    needed: frozenset[str],
    all_nodes: bool,
    codes: _Codes,
) -> _Tables:
    n, a = _snapshot_rows(structure, structure.at(year), extra, needed, all_nodes, codes.code)
    nodes = pl.DataFrame(n, schema=_NODE_SCHEMA, orient="row").unique(
        ["node"], keep="last"
    )  # an extra (flat) entry wins over its structure entry
    return _Tables(nodes, pl.DataFrame(a, schema=_ANC_SCHEMA, orient="row"))


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


# --------------------------------------------------------------------------- the rollup


def _indicator_catalogue(registry: Registry | None) -> Mapping[str, Indicator]:
    if registry is None:
        registry = current()
    cat: Mapping[str, Indicator] = registry.indicators
    return cat


def _needed(
    cat: Mapping[str, Indicator], wanted: Iterable[str] | None
) -> tuple[set[str], set[str]]:
    """(indicators to output, indicators to read)."""
    if wanted is None:
        out = set(cat)
    else:
        out = set(wanted)
        unknown = sorted(out - set(cat))
        if unknown:
            raise UnknownNameError(
                f"unknown indicator(s): {', '.join(unknown)}; known: {', '.join(sorted(cat))}"
            )
    read = set(out)
    for code in out:
        f = cat[code].formula
        if f is not None:
            read |= set(f.components)
    for ind in cat.values():
        if ind.rolls_into in read:
            read.add(ind.code)
    return out, read


def _normalise(observations: pl.DataFrame | pl.LazyFrame) -> tuple[pl.LazyFrame, bool]:
    lf = observations.lazy()
    names = set(lf.collect_schema().names())
    missing = [c for c in ("entity", "year", "indicator", "value") if c not in names]
    if missing:
        raise SoeplanError(
            f"observations lack the column(s) {', '.join(missing)}; "
            "expected a long frame with entity, year, indicator, value (and optionally unit)"
        )
    cols = [
        pl.col("entity").cast(pl.String),
        pl.col("year").cast(pl.Int64),
        pl.col("indicator").cast(pl.String),
        pl.col("value").cast(pl.Float64),
    ]
    has_unit = "unit" in names
    if has_unit:
        cols.append(pl.col("unit").cast(pl.String))
    return lf.select(cols), has_unit


def rollup(
    observations: pl.DataFrame | pl.LazyFrame,
    structure: Structure,
    *,
    years: Iterable[int] | None = None,
    indicators: Iterable[str] | None = None,
    group_reported: GroupReported | str = GroupReported.CHECK,
    include_entities: bool = True,
    registry: Registry | None = None,
    structure_years: Mapping[int, int] | None = None,
    streaming: bool = False,
) -> Rollup:
    """Roll observations up to every node: entities, groups, county-level units and scopes.

    ``observations`` is a long frame (``entity, year, indicator, value``, optionally ``unit``;
    eager or lazy, e.g. ``pl.scan_parquet``), one row per entity, year and indicator (rows
    repeating a key are added together). ``group_reported`` says what happens to a group's (or a
    unit's) own figures when its children report too: ``check`` (findings), ``difference`` (the
    mismatch goes to its difference unit) or ``ignore``. With ``include_entities=False`` the
    entity level is left out of ``values`` (much less output for big data).
    ``structure_years`` maps a data year to the year whose structure to use (for comparable
    bases); by default each year uses its own.

    Ratios in the observations are not used: every ratio is recomputed from its components.
    Indicators outside the catalogue are left out; a row without a year or an entity id is an
    error (:class:`~soeplan.SoeplanError`).
    """
    mode = GroupReported(group_reported)
    cat = _indicator_catalogue(registry)
    out_inds, read_inds = _needed(cat, indicators)
    lf, has_unit = _normalise(observations)
    # Sum in whole units of 1e-8 (held as floats): whole numbers below 2**53 add exactly, so
    # the totals do not depend on row order or on how polars splits the work (see _SCALE).
    lf = lf.with_columns((pl.col("value") * _SCALE).round(0))
    ratio_codes = {c for c, i in cat.items() if i.kind is Kind.RATIO}
    roll_map = {i.code: i.rolls_into for i in cat.values() if i.rolls_into}
    findings: list[Mapping[str, Any]] = []

    wanted_years = None if years is None else sorted(set(years))
    read_years = None
    if wanted_years is not None:
        need_prev = any(
            cat[c].formula is not None and cat[c].formula.denominator_average  # type: ignore[union-attr]
            for c in out_inds
        )
        read_years = sorted(
            set(wanted_years) | ({y - 1 for y in wanted_years} if need_prev else set())
        )
        lf = lf.filter(pl.col("year").is_in(read_years))
    if indicators is not None:
        lf = lf.filter(pl.col("indicator").is_in(sorted(read_inds)))
    if roll_map:
        # A county metric that rolls into a core indicator is reported *instead of* it: for the
        # same entity and year it replaces the core figure (never added to it: counted once).
        rolled = lf.filter(pl.col("indicator").is_in(list(roll_map))).with_columns(
            pl.col("indicator").replace_strict(roll_map, default=None)
        )
        into = pl.col("indicator").is_in(sorted(set(roll_map.values())))
        keys = ["entity", "year", "indicator"]
        lf = pl.concat(
            [
                lf.filter(~into),
                lf.filter(into).join(rolled.select(keys), on=keys, how="anti"),
                rolled,
            ]
        )

    if read_years is not None:
        first_year, last_year = read_years[0], read_years[-1]
    else:
        span_frame = lf.select(
            lo=pl.col("year").min(), hi=pl.col("year").max(), blank=pl.col("year").null_count()
        ).collect(engine="streaming" if streaming else "auto")
        if span_frame["blank"][0]:
            raise SoeplanError(
                f"{span_frame['blank'][0]} observation row(s) have no year\n"
                "  fix: fill in the year column of every row"
            )
        if span_frame["lo"][0] is None:
            empty = pl.DataFrame(schema=VALUE_SCHEMA)
            return Rollup(empty, empty_findings(), structure)
        first_year, last_year = int(span_frame["lo"][0]), int(span_frame["hi"][0])
    smap = dict(structure_years or {})
    span_years = range(first_year, last_year + 1)
    struct_year = {y: smap.get(y, y) for y in span_years}

    codes = _cached(structure, "rollup.codes", lambda: _node_codes(structure))
    struct_years = sorted(set(struct_year.values()))
    keymap = _cached(
        structure,
        ("rollup.keys", tuple(structure.signature(y) for y in struct_years)),
        lambda: _key_map(structure, struct_years, codes),
    )
    # ---- the one pass over the big frame: one packed integer key (first node, indicator,
    # year), so that the group-by hashes one integer per row
    inds = sorted(cat)  # an indicator's code is its position here
    code_of = {c: i for i, c in enumerate(inds)}
    n_ind = len(inds)
    y0 = first_year
    span = last_year - y0 + 1
    width = n_ind + 1  # code n_ind: indicators outside the catalogue (nothing to roll up)
    ent = pl.col("entity").cast(keymap.entities, strict=False).to_physical()
    ind = pl.col("indicator").cast(pl.Enum(inds), strict=False).to_physical()

    def packed(firsts: pl.Series, n_firsts: int) -> pl.Expr:
        """(first * width + indicator) * span + year, from two small lookups: few passes."""
        top = (n_firsts + 1) * width * span
        dtype = pl.UInt32 if top < 2**32 else pl.UInt64
        by_first = firsts.cast(dtype) * (width * span)
        by_ind = pl.Series([i * span for i in range(n_ind)], dtype=dtype)
        return (
            pl.lit(by_first).gather(ent).fill_null(n_firsts * width * span)
            + pl.lit(by_ind).gather(ind).fill_null(n_ind * span)
            + (pl.col("year") - y0).cast(dtype)
        )

    coded = lf.select(key=packed(keymap.first, keymap.n_keys), value=pl.col("value"))

    def summed(frame: pl.LazyFrame) -> pl.LazyFrame:
        return frame.group_by("key").agg(pl.col("value").sum())

    queries = [summed(coded)]
    if include_entities:
        n_ent = len(keymap.static)
        is_static = pl.lit(keymap.static).gather(ent).fill_null(False)
        own_key = pl.int_range(n_ent, eager=True, dtype=pl.UInt32)
        queries.append(
            summed(lf.filter(is_static).select(key=packed(own_key, n_ent), value=pl.col("value")))
        )
    engine: Any = "streaming" if streaming else "auto"
    if streaming:
        # a streaming group-by holds every cell in memory: for big outputs, make several
        # passes, each over a share of the first nodes (read again, but bounded memory)
        cells = keymap.n_keys * span * len(read_inds & set(cat))
        passes = max(1, -(-cells // _CELLS_PER_PASS))
        if passes > 1:
            share = [
                summed(coded.filter(pl.col("key") // (width * span) % passes == p)).collect(
                    engine=engine
                )
                for p in range(passes)
            ]
            queries[0] = pl.concat(share).lazy()
    collected = pl.collect_all(queries, engine=engine)

    # ---- from here on, small frames in integer codes: a cell is (year, node, indicator)
    # packed into one integer, cell = ((year - y0) * n_nodes + node) * width + indicator
    key = pl.col("key")
    k = (key // (width * span)).cast(pl.UInt32)
    grouped = collected[0]
    seen = (
        grouped.lazy()
        .select(
            k=k.unique().implode(),
            ind=(key // span % width).unique().implode(),
            yo=(key % span).unique().implode(),
        )
        .collect()
    )
    keys_seen = seen["k"][0]
    kinds = set(keymap.kind.gather(keys_seen).unique().to_list())
    no_key = _NO_KEY in kinds
    kinds.discard(_NO_KEY)
    present = set(seen["ind"][0].to_list())
    year_offs = set(seen["yo"][0].to_list())
    ratio_c = sorted(code_of[c] for c in ratio_codes)
    none_c = sorted(code_of[c] for c, i in cat.items() if i.aggregation is Aggregation.NONE)
    dropped = [inds[i] for i in sorted(present & set(ratio_c))]
    ent_rows = None
    if include_entities:
        ent_rows = collected[1].select(
            kind=pl.lit(_DIRECT, pl.UInt8),
            node=pl.lit(keymap.entity_node).gather(k),
            yo=(key % span).cast(pl.UInt64),
            ind=(key // span % width).cast(pl.UInt64),
            value=pl.col("value"),
        )
    del collected

    extra: dict[int, dict[str, str]] = {}
    unknown = None
    if no_key:  # entities the structure does not know: by id
        raw = (
            lf.filter(ent.is_null())
            .group_by(["entity", "year", "indicator"])
            .agg(pl.col("value").sum())
            .collect(engine=engine)
        )
        blank = raw.filter(pl.col("entity").is_null() | (pl.col("entity") == "")).height
        if blank:
            raise SoeplanError(
                f"{blank} observation cell(s) (year × indicator) have no entity id\n"
                "  fix: fill in the entity column of every row"
            )
        ids = sorted(raw["entity"].unique().to_list())
        if not has_unit:
            raise UnknownNameError(
                f"{len(ids)} entit{'y' if len(ids) == 1 else 'ies'} not in any structure and no "
                f"unit column to place them: {', '.join(ids[:20])}{' …' if len(ids) > 20 else ''}",
            )
        unit_ids = set(structure.units)
        pairs = lf.filter(pl.col("entity").is_in(ids)).select("entity", "unit").unique().collect()
        bad_units = pairs.filter(~pl.col("unit").is_in(sorted(unit_ids)))
        if not bad_units.is_empty():
            raise UnknownNameError(
                "observations name unknown unit(s) "
                + ", ".join(sorted(set(bad_units["unit"].drop_nulls().to_list())))
                + f"; known units: {', '.join(sorted(unit_ids))}"
            )
        twice = pairs.filter(pl.col("entity").is_duplicated())
        if not twice.is_empty():
            raise SoeplanError(
                "entities reported under two units: "
                + ", ".join(sorted(set(twice["entity"].to_list())))
                + "\n  fix: an entity belongs to one unit; correct the unit column"
            )
        unit_of = dict(zip(pairs["entity"].to_list(), pairs["unit"].to_list(), strict=True))
        for u, group in _by_unit(unit_of).items():
            registered = u in structure.registered_units
            findings.append(
                dict(
                    severity=Severity.HINT.value,
                    rule="rollup.flat_fallback",
                    unit=u,
                    entity=", ".join(group),
                    expected="entities of a registered structure",
                    found=f"{len(group)} entit{'y' if len(group) == 1 else 'ies'} not in it",
                    message_zh=f"{u} 的 {len(group)} 家企业不在{'已登记的架构' if registered else '任何已登记的架构（该单位没有架构插件）'}中，按单位平铺汇总",
                    message_en=f"{len(group)} entit{'y' if len(group) == 1 else 'ies'} of {u} {'are not in its registered structure' if registered else 'have no registered structure (no plugin for this unit)'}; rolled up flat under the unit",
                    fix=f"install the {u} plugin or add the entities to a structure file",
                )
            )
        structure = structure.with_entities(unit_of.items())
        codes = _node_codes(structure, codes)  # the same codes, and the new entities' after them
        new = pl.DataFrame(
            {"entity": ids, "node": [codes.code[i] for i in ids]},
            schema={"entity": pl.String, "node": pl.UInt32},
        )
        raw = raw.with_columns(
            ind=pl.col("indicator").cast(pl.Enum(inds), strict=False).to_physical()
        ).filter(pl.col("ind").is_not_null())
        unknown = raw.join(new, on="entity").select(
            kind=pl.lit(_PLACED, pl.UInt8),
            node="node",
            yo=(pl.col("year") - y0).cast(pl.UInt64),
            ind=pl.col("ind").cast(pl.UInt64),
            value="value",
        )
        for y in sorted(set(raw["year"].to_list())):
            extra.setdefault(y, {}).update(unit_of)
        raw_inds = set(unknown["ind"].unique().to_list())
        present |= raw_inds
        dropped = [inds[i] for i in sorted(present & set(ratio_c))]
        del raw

    n_nodes = len(codes.ids)
    cell = (pl.col("yo") * n_nodes + pl.col("node")) * width + pl.col("ind")
    c_ind = pl.col("cell") % width
    cell_cols = [cell.alias("cell"), "value"]
    # the years with data (a rollup's tables are made for these only)
    if unknown is not None:
        year_offs |= set(unknown["yo"].unique().to_list())
    data_years = sorted(y0 + int(y) for y in year_offs)

    # ---- split the keys: leaves summed under their first node, entities placed year by year,
    # units' own rows
    simple = kinds <= {_DIRECT} and not no_key and n_ind not in present
    # the usual case (every key a leaf summed under its first node; no entity level, no local
    # metric): the rest in wide form, one row per node and year (see _wide_rollup)
    # (not when streaming: at 100M rows the wide form peaks about 0.5 GB higher, as fast)
    wide = _WIDE and simple and not include_entities and not streaming
    wide = wide and not present & set(none_c)
    # (and where the table of key-years × indicators stays small for the data)
    table_size = (keymap.n_keys + 1) * span * width
    wide = wide and bool(present - set(ratio_c)) and table_size <= max(4 * grouped.height, 1 << 20)
    if wide:
        direct = pl.DataFrame(schema={"cell": pl.UInt64, "value": pl.Float64})
        placed = unit_rows = pl.DataFrame(schema=_KEYED_SCHEMA)
    elif simple:  # one pass
        direct = grouped.select(
            cell=((key % span) * n_nodes + pl.lit(keymap.node).gather(k)) * width
            + key // span % width,
            value="value",
        )
        placed = unit_rows = pl.DataFrame(schema=_KEYED_SCHEMA)
    else:
        s1 = grouped.select(
            kind=pl.lit(keymap.kind).gather(k),
            node=pl.lit(keymap.node).gather(k),
            yo=(key % span).cast(pl.UInt64),
            ind=(key // span % width).cast(pl.UInt64),
            value=pl.col("value"),
        ).filter((pl.col("ind") < n_ind) & (pl.col("kind") != _NO_KEY))
        direct = s1.filter(pl.col("kind") == _DIRECT).select(cell_cols)
        placed = s1.filter(pl.col("kind") == _PLACED)  # node: the entity
        unit_rows = s1.filter(pl.col("kind") == _OWN)  # node: the unit
        del s1
    present.discard(n_ind)
    if unknown is not None:
        placed = pl.concat([placed, unknown])
    del unknown
    if not data_years:
        empty = pl.DataFrame(schema=VALUE_SCHEMA)
        return Rollup(empty, findings_frame(findings) if findings else empty_findings(), structure)

    # entities placed year by year but not in force in a year: flat under their unit, warned
    ids_of = codes.ids
    for nc, yo in placed.select("node", "yo").unique().sort("node", "yo").iter_rows():
        eid = ids_of[nc]
        y = y0 + yo
        snap = structure.at(struct_year[y])
        if eid not in snap and eid not in extra.get(y, {}):
            e = structure.entities[eid]
            extra.setdefault(y, {})[eid] = e.unit
            findings.append(
                dict(
                    severity=Severity.WARNING.value,
                    rule="rollup.not_in_force",
                    unit=e.unit,
                    entity=eid,
                    year=y,
                    expected="figures only for years the entity exists",
                    found=f"figures for {y}",
                    message_zh=f"{eid} 在 {struct_year[y]} 年末不存续（见架构事件），其数据按单位平铺汇总",
                    message_en=f"{eid} is not in force at the end of {struct_year[y]} (see its events); its figures roll up flat under its unit",
                    fix="check the year of the figures, or the dates of the entity's events",
                )
            )

    tables = _tables_for(
        structure, data_years, struct_year, extra, keymap.placed, include_entities, codes
    )
    pos_of = ((pl.col("year") - y0) * n_nodes).cast(pl.UInt64)
    nodes = tables.nodes.with_columns(pos=pos_of + pl.col("node"))
    anc = tables.anc.select(
        pos=pos_of + pl.col("node"), anc=pos_of + pl.col("anc"), level=pl.col("level")
    )

    if wide:
        values = _wide_rollup(
            grouped,
            keymap.node,
            nodes,
            anc,
            codes,
            inds,
            [code_of[c] for c in sorted(out_inds, key=code_of.__getitem__)],
            [(code_of[c], cat[c].formula) for c in sorted(ratio_codes & out_inds)],
            sorted(present - set(ratio_c)),
            _Grid(y0, span, width, n_nodes),
            wanted_years,
            engine,
        )
        return _finished(values, findings, dropped, structure)
    del grouped

    # contributions: cells from the leaves; own rows of internal nodes
    not_ratio = ~c_ind.is_in(ratio_c)
    is_none = c_ind.is_in(none_c)
    leaf_sum = direct
    if present & (set(ratio_c) | set(none_c)):
        leaf_sum = direct.filter(not_ratio & ~is_none)
    own_sum = local = direct.clear()
    if not placed.is_empty() or not unit_rows.is_empty():
        internal = nodes.filter(pl.col("internal") & (pl.col("node_type") != "scope")).select("pos")
        placed = placed.select(cell_cols).with_columns(pos=pl.col("cell") // width)
        placed_leaf = placed.join(internal, on="pos", how="anti").drop("pos")
        own = pl.concat(
            [placed.join(internal, on="pos", how="semi").drop("pos"), unit_rows.select(cell_cols)]
        )
        leaf_sum = pl.concat([leaf_sum, placed_leaf.filter(not_ratio & ~is_none)])
        own_sum = own.filter(not_ratio & ~is_none)
        # a metric that does not roll up stays with the entity or unit that reports it
        local = pl.concat([placed_leaf, own]).filter(is_none)
    del direct, placed, unit_rows

    values = _propagate(leaf_sum, anc, width, span * n_nodes, engine)

    # ---- groups (and units) that report their own figures
    adjusted = False
    if not own_sum.is_empty():
        strict = anc.filter(pl.col("pos") != pl.col("anc"))
        below = (
            own_sum.with_columns(pos=pl.col("cell") // width)
            .join(strict, on="pos")
            .select(cell=pl.col("anc") * width + c_ind)
        )
        mine = own_sum.select("cell").unique()
        has_desc = pl.concat(
            [values.join(mine, on="cell", how="semi").select("cell"), below]
        ).unique()
        acting = own_sum.join(has_desc, on="cell", how="anti")
        checked = own_sum.join(has_desc, on="cell", how="semi")
        if not acting.is_empty():
            leaf_sum = pl.concat([leaf_sum, acting])
            values = _propagate(leaf_sum, anc, width, span * n_nodes, engine)
        if mode is not GroupReported.IGNORE and not checked.is_empty():
            checked = checked.with_columns(pos=pl.col("cell") // width).join(
                nodes.select("pos", "year", "node", "depth", "diff_child", "unit"), on="pos"
            )
            for depth in sorted(set(checked["depth"].to_list()), reverse=True):
                level = (
                    checked.filter(pl.col("depth") == depth)
                    .join(values.rename({"value": "children"}), on="cell", how="left")
                    .with_columns(pl.col("children").fill_null(0.0))
                )
                level = level.with_columns(residual=pl.col("value") - pl.col("children"))
                tol = 1e-9 * pl.max_horizontal(
                    pl.lit(1.0), pl.col("value").abs(), pl.col("children").abs()
                )
                level = level.filter(pl.col("residual").abs() > tol)
                if level.is_empty():
                    continue
                if mode is GroupReported.DIFFERENCE:
                    adjust = level.filter(pl.col("diff_child").is_not_null())
                    if not adjust.is_empty():
                        delta = adjust.select(
                            cell=(pl.col("pos") - pl.col("node") + pl.col("diff_child")) * width
                            + c_ind,
                            value=pl.col("residual"),
                        )
                        leaf_sum = pl.concat([leaf_sum, delta])
                        adjusted = True
                        values = _propagate(leaf_sum, anc, width, span * n_nodes, engine)
                    level = level.filter(pl.col("diff_child").is_null())
                plain = [pl.col(c) / _SCALE for c in ("value", "children", "residual")]
                level = level.with_columns(
                    *plain,
                    node=pl.lit(codes.ids).gather("node"),
                    indicator=pl.lit(pl.Series(inds, dtype=pl.String)).gather(c_ind),
                ).sort("node", "indicator", "year")
                findings += _mismatch_findings(level, mode)

    # ---- entity level, local metrics, ratios
    parts = [values]
    if ent_rows is not None:
        parts.append(ent_rows.filter(pl.col("ind") < n_ind).select(cell_cols).filter(not_ratio))
    if not local.is_empty():
        parts.append(local.group_by("cell").agg(pl.col("value").sum()))
    # disjoint by construction: propagated sums (no local metrics), static leaves' own rows,
    # and local metrics of the other entities and of units
    # (a difference unit's booked gap is the one overlap: add it to its own row)
    values = pl.concat(parts) if len(parts) > 1 else values
    if adjusted:
        values = values.group_by("cell").agg(pl.col("value").sum())
    del parts, ent_rows, local
    size = span * n_nodes
    if not include_entities:
        # propagation also gives the entities placed year by year: not wanted here
        entity_pos = nodes.filter(pl.col("node_type") == "entity")["pos"]
        if not entity_pos.is_empty():
            mask = pl.zeros(size, pl.Boolean, eager=True).scatter(entity_pos, True)
            values = values.filter(~pl.lit(mask).gather(pl.col("cell") // width))
    values = values.with_columns(pl.col("value") / _SCALE)  # back to the indicators' units
    values = pl.concat([values, _ratios(values, cat, out_inds, code_of, width, n_nodes)])
    out_c = {code_of[c] for c in out_inds}
    if not present <= out_c or any(code_of[c] not in out_c for c in ratio_codes):
        values = values.filter(c_ind.is_in(sorted(out_c)))
    if wanted_years is not None:
        wanted_off = [y - y0 for y in wanted_years]
        values = values.filter((pl.col("cell") // width // n_nodes).is_in(wanted_off))
    values = _ordered_output(values, nodes, codes, inds, y0, span, width)
    return _finished(values, findings, dropped, structure)


def _finished(
    values: pl.DataFrame,
    findings: list[Mapping[str, Any]],
    dropped: Sequence[str],
    structure: Structure,
) -> Rollup:
    for code in dropped:
        findings.append(
            dict(
                severity=Severity.HINT.value,
                rule="rollup.ratio_recomputed",
                indicator=code,
                expected="components of the ratio",
                found="reported ratio values",
                message_zh=f"比率 {code} 由汇总后的分子分母重新计算，报送的比率值未使用",
                message_en=f"ratio {code} is recomputed from rolled-up components; reported ratio values were not used",
                fix="report the ratio's components instead",
            )
        )
    frame = findings_frame(findings) if findings else empty_findings()
    return Rollup(values, frame, structure)


def _by_unit(unit_of: Mapping[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e, u in sorted(unit_of.items()):
        out.setdefault(u, []).append(e)
    return out


def _tables_for(
    structure: Structure,
    data_years: Sequence[int],
    struct_year: Mapping[int, int],
    extra: Mapping[int, Mapping[str, str]],
    needed: frozenset[str],
    all_nodes: bool,
    codes: _Codes,
) -> _Tables:
    cache: dict[tuple[tuple[int, int], tuple[tuple[str, str], ...]], _Tables] = {}
    memo_key = ("rollup.tables", needed, all_nodes)
    parts = []
    for y in data_years:
        sy = struct_year[y]
        ex = extra.get(y, {})
        key = (structure.signature(sy), tuple(sorted(ex.items())))
        t = cache.get(key)
        if t is None:
            t = cache[key] = _cached(
                structure,
                (*memo_key, key),
                lambda: _tables(structure, sy, ex, needed, all_nodes, codes),  # noqa: B023
            )
        parts.append(
            _Tables(
                t.nodes.with_columns(year=pl.lit(y, pl.Int64)),
                t.anc.with_columns(year=pl.lit(y, pl.Int64)),
            )
        )
    return _Tables(pl.concat([p.nodes for p in parts]), pl.concat([p.anc for p in parts]))


def _cached(structure: Structure, key: Any, make: Callable[[], T]) -> T:
    """Tables derived from a (frozen) structure are kept with it for the next rollup."""
    memo = structure.memo
    if key not in memo:
        memo[key] = make()
    return memo[key]  # type: ignore[no-any-return]


#: Decoded keys of the big pass that are placed year by year (entities, units' own rows).
_KEYED_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "kind": pl.UInt8,
    "node": pl.UInt32,
    "yo": pl.UInt64,
    "ind": pl.UInt64,
    "value": pl.Float64,
}
_WIDE = True  # the usual case in wide form (tests turn it off to compare both paths)


@attrs.frozen
class _Grid:
    """How cells are packed: ``pos = (year - y0) * n_nodes + node``, ``cell = pos * width + ind``;
    the big pass's keys: ``key = (first * width + ind) * span + (year - y0)``."""

    y0: int
    span: int
    width: int
    n_nodes: int


def _wide_rollup(
    grouped: pl.DataFrame,
    node_of_key: pl.Series,
    nodes: pl.DataFrame,
    anc: pl.DataFrame,
    codes: _Codes,
    inds: Sequence[str],
    out_c: Sequence[int],
    ratios: Sequence[tuple[int, Any]],
    summed: Sequence[int],
    grid: _Grid,
    wanted_years: Sequence[int] | None,
    engine: Any,
) -> pl.DataFrame:
    """The rollup's output from the big pass's sums when every key is a leaf summed under its
    first node: one row per node and year, one column per indicator (null: no figure).

    The same figures as the cell-by-cell path, in the same order (tests compare the two): the
    sums are exact, ratios are the same float operations, and the output is read row by row.
    """
    span, width, n_nodes = grid.span, grid.width, grid.n_nodes
    n_keys = len(node_of_key)
    code_of = {c: i for i, c in enumerate(inds)}
    # the sums into a table of (key, year) rows × indicator columns, through one scatter
    key = pl.col("key")
    slot = ((key // (width * span)) * span + key % span) * width + key // span % width
    table = pl.Series([None], dtype=pl.Float64).extend_constant(None, n_keys * span * width - 1)
    table = table.scatter(grouped.select(slot.cast(pl.UInt64)).to_series(), grouped["value"])
    row = pl.int_range(pl.len(), dtype=pl.UInt64)
    cols = [f"c{c}" for c in summed]
    leaf = (
        pl.DataFrame({"v": table.reshape((n_keys * span, width))})
        .select(
            pos=(row % span) * n_nodes + pl.lit(node_of_key).gather(row // span),
            **{f"c{c}": pl.col("v").arr.get(c) for c in summed},
        )
        .filter(pl.col("pos").is_not_null() & pl.any_horizontal(pl.col(cols).is_not_null()))
    )
    values = _propagate_wide(leaf, anc, cols, span * n_nodes, engine).with_columns(
        pl.col(cols) / _SCALE
    )
    # ratios from the rolled-up components: the same operations as _ratios
    have = set(summed)
    if any(f.denominator_average for _, f in ratios):
        prev = values.select(pos=pl.col("pos") + n_nodes, **{f"p{c}": f"c{c}" for c in summed})
        values = values.join(prev, on="pos", how="left")
    extra = {}
    for target, f in ratios:
        num, den = code_of.get(f.numerator, -1), code_of.get(f.denominator, -1)
        if num not in have or den not in have:
            continue
        d = pl.col(f"c{den}")
        if f.denominator_average:
            d = (d + pl.col(f"p{den}")) / 2
        ratio = pl.col(f"c{num}") / d
        extra[f"c{target}"] = pl.when(d != 0).then((1 - ratio) if f.one_minus else ratio)
    values = values.with_columns(**extra)
    have |= {int(c[1:]) for c in extra}
    shown = [c for c in out_c if c in have]
    if not shown:
        return pl.DataFrame(schema=VALUE_SCHEMA)
    if wanted_years is not None:
        offs = [y - grid.y0 for y in wanted_years]
        values = values.filter((pl.col("pos") // n_nodes).is_in(offs))
    # rows in the output's order: year, type, id (a sort of node-years, not of figures)
    info = nodes.select(
        "pos",
        "node_type",
        "name_zh",
        "name_en",
        "unit",
        place=pl.col("node_type").replace_strict(_TYPE_ORDER, default=4, return_dtype=pl.UInt64)
        + 1,
    )
    rows = (
        values.select("pos", *[f"c{c}" for c in shown])
        .join(info, on="pos", how="left")
        .filter(pl.col("node_type").ne_missing("entity"))  # no entity level here
        .sort(
            ((pl.col("pos") // n_nodes) * 6 + pl.col("place").fill_null(0)) * n_nodes
            + pl.lit(codes.order).gather(pl.col("pos") % n_nodes).cast(pl.UInt64)
        )
    )
    # row by row, each row's indicators in code order: the columns stacked one after the
    # other, read back in row order by arithmetic (a gather, not a sort)
    n, m = len(shown), rows.height
    stacked = pl.concat([rows[f"c{c}"] for c in shown], rechunk=True)
    i = pl.int_range(m * n, eager=True, dtype=pl.UInt32 if m * n < 2**32 else pl.UInt64)
    figures = pl.DataFrame({"i": i, "v": stacked.gather((i % n) * m + i // n)}).filter(
        pl.col("v").is_not_null()
    )
    at = (pl.col("i") // n).cast(pl.UInt32)
    pos = pl.lit(rows["pos"]).gather(at)
    return figures.select(
        node=pl.lit(codes.ids).gather(pos % n_nodes),
        **{c: pl.lit(rows[c]).gather(at) for c in ("node_type", "name_zh", "name_en", "unit")},
        year=(pos // n_nodes).cast(pl.Int64) + grid.y0,
        indicator=pl.lit(pl.Series([inds[c] for c in shown], dtype=pl.String)).gather(
            pl.col("i") % n
        ),
        value=pl.col("v"),
    ).cast(VALUE_SCHEMA)  # type: ignore[arg-type]


def _levels(
    anc: pl.DataFrame, size: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.Series | None]:
    """The ancestor table's steps: up the tree, to the unit, units to scopes; and, where each
    node-year (below ``size``) has one unit, that unit as a lookup array (else ``None``)."""
    levels = anc.partition_by("level", as_dict=True, include_key=False)
    empty = anc.clear().drop("level")
    tree = levels.get(("tree",), empty)
    to_unit = levels.get(("unit",), empty)
    unit_scope = levels.get(("scope",), empty).join(
        to_unit.filter(pl.col("pos") == pl.col("anc")).select("pos"), on="pos", how="semi"
    )
    unit_of = None
    if not to_unit["pos"].is_duplicated().any():
        unit_of = pl.Series([None], dtype=pl.UInt64).extend_constant(None, size - 1)
        unit_of = unit_of.scatter(to_unit["pos"], to_unit["anc"])
    return tree, to_unit, unit_scope, unit_of


def _propagate_wide(
    leaf: pl.DataFrame, anc: pl.DataFrame, cols: Sequence[str], size: int, engine: Any
) -> pl.DataFrame:
    """:func:`_propagate` for wide rows (``pos``, one column per indicator; null: no figure)."""
    tree, to_unit, unit_scope, unit_of = _levels(anc, size)
    # a column sums to null where no row has a figure (a missing cell, not zero)
    sums = [pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).alias(c) for c in cols]

    def up(frame: pl.LazyFrame, table: pl.DataFrame) -> pl.LazyFrame:
        return frame.join(table.lazy(), on="pos").group_by("anc").agg(sums).rename({"anc": "pos"})

    if unit_of is None:
        units = up(leaf.lazy(), to_unit)
    else:  # one unit per node-year: a lookup instead of a join
        units = (
            leaf.lazy()
            .with_columns(pos=pl.lit(unit_of).gather("pos"))
            .filter(pl.col("pos").is_not_null())
            .group_by("pos")
            .agg(sums)
        )
    return pl.concat(
        pl.collect_all([up(leaf.lazy(), tree), units, up(units, unit_scope)], engine=engine)
    )


def _propagate(
    leaf: pl.DataFrame, anc: pl.DataFrame, width: int, size: int, engine: Any = "auto"
) -> pl.DataFrame:
    """Add every contribution (``cell, value``) into its node and all the nodes above it.

    ``anc`` maps a node-year (``pos``, below ``size``) to every node-year it counts toward
    (``anc``), by ``level``. In three steps, so that each contribution is joined to few rows:
    up the entity tree, to its unit, then the units' totals to the scopes.
    """
    tree, to_unit, unit_scope, unit_of = _levels(anc, size)

    def up(frame: pl.LazyFrame, table: pl.DataFrame) -> pl.LazyFrame:
        return (
            frame.with_columns(pos=pl.col("cell") // width)
            .join(table.lazy(), on="pos")
            .group_by(cell=pl.col("anc") * width + pl.col("cell") % width)
            .agg(pl.col("value").sum())
        )

    if unit_of is None:
        units = up(leaf.lazy(), to_unit)
    else:  # one unit per node-year: a lookup instead of a join
        units = (
            leaf.lazy()
            .select(
                cell=pl.lit(unit_of).gather(pl.col("cell") // width) * width
                + pl.col("cell") % width,
                value="value",
            )
            .filter(pl.col("cell").is_not_null())
            .group_by("cell")
            .agg(pl.col("value").sum())
        )
    # one collect: the steps up the tree and to the units run side by side
    return pl.concat(
        pl.collect_all([up(leaf.lazy(), tree), units, up(units, unit_scope)], engine=engine)
    )


def _mismatch_findings(level: pl.DataFrame, mode: GroupReported) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for r in level.iter_rows(named=True):
        fix = (
            f'add a difference unit (type = "difference", parent = "{r["node"]}") to carry the eliminations'
            if mode is GroupReported.DIFFERENCE
            else "check the group's consolidated figure and its children's, or roll up with "
            'group_reported="difference" to book the gap to its difference unit'
        )
        out.append(
            dict(
                severity=Severity.WARNING.value,
                rule="rollup.group_check",
                unit=r["unit"],
                entity=r["node"],
                indicator=r["indicator"],
                year=r["year"],
                expected=repr(r["children"]),
                found=repr(r["value"]),
                message_zh=f"{r['node']} 报送的 {r['indicator']}（{r['value']!r}）与下级合计（{r['children']!r}）不符，差 {r['residual']!r}",
                message_en=f"{r['node']} reports {r['indicator']} = {r['value']!r} but its children sum to {r['children']!r} (difference {r['residual']!r})",
                fix=fix,
            )
        )
    return out


def _ratios(
    values: pl.DataFrame,
    cat: Mapping[str, Indicator],
    out: set[str],
    code_of: Mapping[str, int],
    width: int,
    n_nodes: int,
) -> pl.DataFrame:
    """Recompute each wanted ratio at every node from the rolled-up components (cells)."""
    wanted = []
    for code in sorted(out):
        f = cat[code].formula
        usable = f is not None and f.numerator in code_of and f.denominator in code_of
        if cat[code].kind is Kind.RATIO and f is not None and usable:
            wanted.append((code_of[code], f))
    if not wanted:
        return pl.DataFrame(schema={"cell": pl.UInt64, "value": pl.Float64})
    used = sorted({code_of[c] for _, f in wanted for c in (f.numerator, f.denominator)})
    # one pass to the components' rows; the ratios from it in one collect, side by side
    parts = (
        values.lazy()
        .filter((pl.col("cell") % width).is_in(used))
        .select(pos=pl.col("cell") // width, ind=pl.col("cell") % width, value="value")
    )

    def part(code: str, name: str) -> pl.LazyFrame:
        return parts.filter(pl.col("ind") == code_of[code]).select(
            "pos", pl.col("value").alias(name)
        )

    frames = []
    for target, f in wanted:
        num, den = part(f.numerator, "num"), part(f.denominator, "den")
        if f.denominator_average:  # the same node a year before is n_nodes positions back
            prev = den.select(pos=pl.col("pos") + n_nodes, prev="den")
            den = den.join(prev, on="pos").select("pos", den=(pl.col("den") + pl.col("prev")) / 2)
        ratio = pl.col("num") / pl.col("den")
        frames.append(
            num.join(den, on="pos")
            .filter(pl.col("den") != 0)
            .select(
                cell=pl.col("pos") * width + target,
                value=(1 - ratio) if f.one_minus else ratio,
            )
        )
    return pl.concat(pl.collect_all(frames))


def _sorted_by_cell(
    values: pl.DataFrame, positions: pl.Series, size: int, width: int
) -> pl.LazyFrame | None:
    """``values`` sorted by cell, without a sort: the node-years with info (``positions``,
    below ``size``) number a dense table of cells; scattered into it, the values come out in
    order. ``None`` if a value is null, two rows share a cell or a node-year has no info
    (then sort instead)."""
    if values["value"].null_count():
        return None
    slots = positions.sort()
    # node-years without info go to one more slot at the end: any value there, and we sort
    slot_of = pl.repeat(len(slots), size, dtype=pl.UInt32, eager=True).scatter(
        slots, pl.int_range(len(slots), dtype=pl.UInt32, eager=True)
    )
    dense = values.select(
        pl.lit(slot_of).gather(pl.col("cell") // width).cast(pl.UInt64) * width
        + pl.col("cell") % width
    ).to_series()
    table = pl.Series([None], dtype=pl.Float64).extend_constant(None, (len(slots) + 1) * width - 1)
    table = table.scatter(dense, values["value"])
    filled = table.is_not_null()
    if filled.sum() != values.height or filled.tail(width).any():
        return None
    at = filled.arg_true()
    cell = slots.cast(pl.UInt64).gather(at // width) * width + (at % width)
    return pl.DataFrame({"cell": cell, "value": table.filter(filled)}).lazy()


def _ordered_output(
    values: pl.DataFrame,
    nodes: pl.DataFrame,
    codes: _Codes,
    inds: Sequence[str],
    y0: int,
    span: int,
    width: int,
) -> pl.DataFrame:
    """The output: sorted by year, then scopes, units, groups, entities, each by id, then by
    indicator code; with the nodes' names of that year, and ids and codes as strings."""
    n_nodes = len(codes.ids)
    pos = pl.col("cell") // width
    node = pos % n_nodes
    c_ind = pl.col("cell") % width
    # per node-year (pos): its place among the node types (1…; 0: no info for that year)
    place = nodes["node_type"].replace_strict(_TYPE_ORDER, default=4, return_dtype=pl.UInt8) + 1
    kind = pl.zeros(span * n_nodes, pl.UInt8, eager=True).scatter(nodes["pos"], place)
    by_cell = False
    if codes.in_order:  # sorting by cell is enough if each node's type is its codes' class
        c1, c2, c3 = codes.classes
        code = pl.col("node")
        cls = 1 + (code >= c1).cast(pl.UInt8) + (code >= c2) + (code >= c3)
        # (node-years without info, if any, make _sorted_by_cell give up)
        by_cell = bool(nodes.select((pl.lit(place) == cls.cast(pl.UInt8)).all()).item())
    ordered = _sorted_by_cell(values, nodes["pos"], span * n_nodes, width) if by_cell else None
    if ordered is None:  # one packed UInt64 key (year, type, id's rank, indicator)
        key = (
            ((pos // n_nodes) * 6 + pl.lit(kind).gather(pos)) * n_nodes
            + pl.lit(codes.order).gather(node).cast(pl.UInt64)
        ) * width + c_ind
        ordered = values.lazy().sort(key)
    info = ["node_type", "name_zh", "name_en", "unit"]
    if nodes.select("node", *info).unique().height == nodes["node"].n_unique():
        # the same names every year (no renames): look them up by node
        dense = pl.DataFrame({"node": pl.int_range(n_nodes, eager=True, dtype=pl.UInt32)}).join(
            nodes.select("node", *info).unique("node"), on="node", how="left", maintain_order="left"
        )
        names = {c: pl.lit(dense[c]).gather(node) for c in info}
    else:  # by node-year
        row = pl.Series([None], dtype=pl.UInt32).extend_constant(None, span * n_nodes - 1)
        row = row.scatter(nodes["pos"], pl.int_range(nodes.height, eager=True, dtype=pl.UInt32))
        at = pl.lit(row).gather(pos)
        names = {c: pl.lit(nodes[c]).gather(at) for c in info}
    return (
        ordered.select(
            node=pl.lit(codes.ids).gather(node),
            **names,
            year=(pos // n_nodes).cast(pl.Int64) + y0,
            indicator=pl.lit(pl.Series(inds, dtype=pl.String)).gather(c_ind),
            value=pl.col("value"),
        )
        .cast(VALUE_SCHEMA)  # type: ignore[arg-type]
        .collect()
    )


def scope_totals(result: Rollup | pl.DataFrame, *, lang: str = "zh") -> pl.DataFrame:
    """The scopes' and the county-level units' totals: ``scope, year, indicator, value``.

    Scopes appear by name (全市, 市区; English names with ``lang="en"``), units by id.
    """
    frame = result.values if isinstance(result, Rollup) else result
    name = "name_zh" if lang == "zh" else "name_en"
    return (
        frame.filter(pl.col("node_type").is_in(["scope", "unit"]))
        .with_columns(
            scope=pl.when(pl.col("node_type") == "scope")
            .then(pl.col(name))
            .otherwise(pl.col("node")),
            _order=pl.col("node_type").replace_strict(_TYPE_ORDER, default=9),
        )
        .sort(["_order", "node", "year", "indicator"])
        .select("scope", "year", "indicator", "value")
    )


_ = FINDING_SCHEMA  # the findings frame's columns (re-exported for readers of this module)
