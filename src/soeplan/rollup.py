"""The consolidated rollup: from enterprises' figures to groups, county-level units and scopes.

:func:`rollup` takes long observations (``entity, year, indicator, value``; ``unit`` optional)
and a :class:`~soeplan.structure_io.Structure` and returns every node's figures: each entity,
each group (all its ancestors), each county-level unit and each scope (全市, 市区). Amounts and
counts are summed; ratios are recomputed from the rolled-up components; nothing is counted
twice. The structure in force at the end of each year is used for that year.

How it stays fast: the big frame is joined once to a small table that maps each entity to the
first node it rolls into, and grouped by that node; everything above (groups of groups, units,
scopes, ratios, checks) works on the small grouped frame through an ancestor table. Entities
whose place changes over the years, groups that report their own figures, and entities the
structure does not know are kept apart in that group-by under their own key and placed year by
year. See ``docs/explanation/consolidation.md``.

>>> import polars as pl
>>> from soeplan.structure_io import city_structure
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
from typing import Any, TypeVar

import attrs
import polars as pl

from soeplan.errors import SoeplanError, UnknownNameError
from soeplan.indicators import Aggregation, Indicator, Kind
from soeplan.rules import FINDING_SCHEMA, Severity, empty_findings, findings_frame
from soeplan.structure_io import Snapshot, Structure
from soeplan.structures import NodeType

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

_KEYS = ["year", "node", "indicator"]
_CELLS_PER_PASS = 1_000_000  # streaming: at most about this many cells per pass
T = TypeVar("T")
_PSEUDO = "\x00"  # prefix of an entity kept apart in the big group-by
_UNIT = "\x01"  # prefix of a unit as the first node of its top-level entities
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


@attrs.frozen
class _Tables:
    """Per year: node info, and for each node every node it counts toward (itself included)."""

    nodes: pl.DataFrame  # year, node, node_type, name_zh, name_en, unit, depth, diff_child
    anc: pl.DataFrame  # year, node, anc


def _snapshot_rows(
    structure: Structure,
    snap: Snapshot,
    extra: Mapping[str, str],
    needed: frozenset[str],
    all_nodes: bool,
) -> tuple[list[tuple[Any, ...]], list[tuple[str, str, str]]]:
    """Node info and ancestor rows of one snapshot.

    Ancestor rows are made only for the nodes contributions can land on: scopes, units, groups,
    difference units, and the ``needed`` entities (kept apart in the big group-by); node info for
    those, or for every entity with ``all_nodes``.
    """
    nodes: list[tuple[Any, ...]] = []
    anc: list[tuple[str, str, str]] = []
    scopes_of: dict[str, list[str]] = {}
    for s in structure.scopes.values():
        for uid in s.units:
            scopes_of.setdefault(uid, []).append(s.scope)
    for s in structure.scopes.values():
        nodes.append(
            (s.scope, "scope", s.name_zh or s.scope, s.name_en or s.scope, None, -2, None, True)
        )
        anc.append((s.scope, s.scope, "scope"))
    for u in structure.units.values():
        nodes.append((u.id, "unit", u.name_zh, u.name_en, u.id, -1, None, True))
        anc += [(u.id, u.id, "unit")] + [(u.id, s, "scope") for s in scopes_of.get(u.id, ())]
    states = dict(snap.entities)
    children = snap.children_map
    for eid, st in states.items():
        kids = children.get(eid, ())
        placed = bool(kids) or eid in needed or st.node_type is not NodeType.SINGLE
        if not placed and not all_nodes:
            continue
        ups = snap.ancestors(eid)
        diff = next((c for c in kids if states[c].node_type is NodeType.DIFFERENCE), None)
        kind = "group" if st.node_type is NodeType.GROUP else "entity"
        name_en = st.name_en or st.name_zh
        nodes.append((eid, kind, st.name_zh, name_en, st.unit, len(ups), diff, bool(kids)))
        if placed:
            anc += [(eid, eid, "tree")] + [(eid, a, "tree") for a in ups]
            anc += [(eid, st.unit, "unit")] + [
                (eid, s, "scope") for s in scopes_of.get(st.unit, ())
            ]
    for eid, unit in extra.items():
        e = structure.entities.get(eid)
        name = e.name_zh if e else eid
        nodes.append((eid, "entity", name, (e.name_en if e else "") or name, unit, 0, None, False))
        anc += [(eid, eid, "tree"), (eid, unit, "unit")]
        anc += [(eid, s, "scope") for s in scopes_of.get(unit, ())]
    return nodes, anc


_NODE_COLS = [
    "node",
    "node_type",
    "name_zh",
    "name_en",
    "unit",
    "depth",
    "diff_child",
    "internal",
]


def _tables(
    structure: Structure,
    year: int,
    extra: Mapping[str, str],
    needed: frozenset[str],
    all_nodes: bool,
) -> _Tables:
    n, a = _snapshot_rows(structure, structure.at(year), extra, needed, all_nodes)
    nodes = pl.DataFrame(
        n, schema=_NODE_COLS, orient="row", schema_overrides={"depth": pl.Int32}
    ).unique(["node"], keep="last")  # an extra (flat) entry wins over its structure entry
    return _Tables(nodes, pl.DataFrame(a, schema=["node", "anc", "level"], orient="row"))


def _first_node(snap: Snapshot, eid: str) -> str:
    parent = snap[eid].parent
    return parent if parent is not None and parent in snap else _UNIT + snap[eid].unit


def _static_map(structure: Structure, years: Sequence[int]) -> pl.DataFrame:
    """entity → the node its rows are grouped under in the big group-by.

    An entity that is a leaf with the same first node in every year is grouped straight under
    that node; every other known entity under its own pseudo key.
    """
    firsts: dict[str, set[str]] = {}
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
                first = parent if parent is not None and parent in states else _UNIT + st.unit
                firsts.setdefault(eid, set()).add(first)
    rows = []
    for eid in structure.entities:
        f = firsts.get(eid, set())
        static = eid not in internal and len(f) == 1 and present.get(eid, 0) == len(snaps)
        rows.append((eid, next(iter(f)) if static else _PSEUDO + eid, static))
    frame = pl.DataFrame(rows, schema=["entity", "first", "static"], orient="row")
    return frame.with_columns(idx=pl.col("first").rank("dense").cast(pl.UInt32))


# --------------------------------------------------------------------------- the rollup


def _indicator_catalogue(registry: Any) -> Mapping[str, Indicator]:
    if registry is None:
        from soeplan.plugins import get_registry

        registry = get_registry()
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
    registry: Any = None,
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

    data_years = (
        read_years
        if read_years is not None
        else sorted(
            lf.select(pl.col("year").unique())
            .collect(engine="streaming" if streaming else "auto")["year"]
            .to_list()
        )
    )
    if not data_years:
        empty = pl.DataFrame(schema=VALUE_SCHEMA)
        return Rollup(empty, empty_findings(), structure)
    smap = dict(structure_years or {})
    struct_year = {y: smap.get(y, y) for y in data_years}

    static = _cached(
        structure,
        ("rollup.static", tuple(structure.signature(y) for y in sorted(set(struct_year.values())))),
        lambda: _static_map(structure, sorted(set(struct_year.values()))),
    )
    # ---- the one pass over the big frame: join a small integer key, group by it
    joined = lf.join(static.lazy().select("entity", "idx"), on="entity", how="left")
    queries = [joined.group_by(["idx", "year", "indicator"]).agg(pl.col("value").sum())]
    if include_entities:
        queries.append(
            lf.join(static.lazy().filter("static").select("entity"), on="entity", how="semi")
            .group_by(["entity", "year", "indicator"])
            .agg(pl.col("value").sum())
        )
    engine: Any = "streaming" if streaming else "auto"
    if streaming:
        # a streaming group-by holds every cell in memory: for big outputs, make several
        # passes, each over a share of the first nodes (read again, but bounded memory)
        cells = static["idx"].n_unique() * len(data_years) * len(read_inds & set(cat))
        passes = max(1, -(-cells // _CELLS_PER_PASS))
        if passes > 1:
            share = [
                joined.filter(pl.col("idx").is_null() | (pl.col("idx") % passes == p))
                .group_by(["idx", "year", "indicator"])
                .agg(pl.col("value").sum())
                .collect(engine=engine)
                for p in range(passes)
            ]
            queries[0] = pl.concat(share).lazy()
    collected = pl.collect_all(queries, engine=engine)
    ent_static = collected[1] if include_entities else None
    keymap = static.select("idx", key="first").unique("idx")
    s1 = collected[0].join(keymap, on="idx").drop("idx")
    if collected[0]["idx"].null_count():  # entities the structure does not know: by id
        s1 = pl.concat(
            [
                s1.select("key", "year", "indicator", "value"),
                lf.join(static.lazy().select("entity"), on="entity", how="anti")
                .group_by(["entity", "year", "indicator"])
                .agg(pl.col("value").sum())
                .collect(engine=engine)
                .select(key="entity", year="year", indicator="indicator", value="value"),
            ]
        )

    # ---- place the keys kept apart, year by year (small frames from here on)
    # a key is: a group id or _UNIT+unit (the sum of its static leaf children), _PSEUDO+entity
    # (an entity placed year by year), or a raw id (a unit's own row, or an unknown entity)
    group_firsts = sorted(set(static.filter(pl.col("static"))["first"].to_list()) - {""})
    is_unit_first = pl.col("key").str.starts_with(_UNIT)
    is_pseudo = pl.col("key").str.starts_with(_PSEUDO)
    is_direct = is_unit_first | pl.col("key").is_in(group_firsts)
    direct = s1.filter(is_direct).with_columns(pl.col("key").str.strip_prefix(_UNIT))
    pseudo = s1.filter(is_pseudo).with_columns(entity=pl.col("key").str.strip_prefix(_PSEUDO))
    raw = s1.filter(~is_direct & ~is_pseudo)
    dropped = sorted(set(s1.filter(pl.col("indicator").is_in(sorted(ratio_codes)))["indicator"]))
    del s1, collected  # free memory early: these can be large
    unit_ids = set(structure.units)
    unit_rows = raw.filter(pl.col("key").is_in(sorted(unit_ids))).rename({"key": "entity"})
    unknown = raw.filter(~pl.col("key").is_in(sorted(unit_ids))).rename({"key": "entity"})

    extra: dict[int, dict[str, str]] = {}
    if not unknown.is_empty():
        ids = sorted(unknown["entity"].unique().to_list())
        if not has_unit:
            raise UnknownNameError(
                f"{len(ids)} entit{'y' if len(ids) == 1 else 'ies'} not in any structure and no "
                f"unit column to place them: {', '.join(ids[:20])}{' …' if len(ids) > 20 else ''}",
            )
        pairs = lf.filter(pl.col("entity").is_in(ids)).select("entity", "unit").unique().collect()
        bad_units = pairs.filter(~pl.col("unit").is_in(sorted(unit_ids)))
        if not bad_units.is_empty():
            raise UnknownNameError(
                "observations name unknown unit(s) "
                + ", ".join(sorted(set(bad_units["unit"].to_list())))
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
        for y in data_years:
            extra.setdefault(y, {}).update(unit_of)

    # pseudo entities not in force in a year: flat under their unit, with a warning
    pseudo_keys = pseudo.select("entity", "year").unique()
    for eid, y in pseudo_keys.iter_rows():
        snap = structure.at(struct_year[y])
        if eid not in snap:
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

    needed = frozenset(static.filter(~pl.col("static"))["entity"].to_list())
    tables = _tables_for(structure, data_years, struct_year, extra, needed, include_entities)
    nodes = tables.nodes
    internal = nodes.filter(pl.col("internal") & (pl.col("node_type") != "scope"))
    none_codes = {c for c, i in cat.items() if i.aggregation is Aggregation.NONE}

    # contributions: (year, node, indicator, value) from the leaves; own rows of internal nodes
    leaf = pl.concat(
        [
            direct.rename({"key": "node"}),
            pseudo.join(
                internal.select("year", pl.col("node").alias("entity")),
                on=["year", "entity"],
                how="anti",
            ).select("year", pl.col("entity").alias("node"), "indicator", "value"),
            unknown.select("year", pl.col("entity").alias("node"), "indicator", "value"),
        ],
        how="diagonal_relaxed",
    ).select([*_KEYS, "value"])
    own = pl.concat(
        [
            pseudo.join(
                internal.select("year", pl.col("node").alias("entity")),
                on=["year", "entity"],
                how="semi",
            ).select("year", pl.col("entity").alias("node"), "indicator", "value"),
            unit_rows.select("year", pl.col("entity").alias("node"), "indicator", "value"),
        ]
    )
    leaf = leaf.filter(~pl.col("indicator").is_in(sorted(ratio_codes)))
    own = own.filter(~pl.col("indicator").is_in(sorted(ratio_codes)))
    is_none = pl.col("indicator").is_in(sorted(none_codes))
    leaf_sum = leaf.filter(~is_none)
    own_sum = own.filter(~is_none)
    # a metric that does not roll up stays with the entity or unit that reports it
    # (filter first: the anti-join then sees only the few rows of such metrics)
    local = pl.concat(
        [
            leaf.filter(is_none).join(
                direct.filter(is_none).rename({"key": "node"}), on=_KEYS, how="anti"
            ),
            own.filter(is_none),
        ]
    )
    del direct, leaf, pseudo, raw

    anc = tables.anc
    values = _propagate(leaf_sum, anc, engine)

    # ---- groups (and units) that report their own figures
    adjusted = False
    strict = anc.filter(pl.col("node") != pl.col("anc"))
    below = own_sum.join(strict, on=["year", "node"]).select(
        "year", pl.col("anc").alias("node"), "indicator"
    )
    mine = own_sum.select(_KEYS).unique()
    has_desc = pl.concat(
        [values.join(mine, on=_KEYS, how="semi").select(_KEYS), below.select(_KEYS)]
    ).unique()
    acting = own_sum.join(has_desc, on=_KEYS, how="anti")
    checked = own_sum.join(has_desc, on=_KEYS, how="semi")
    if not acting.is_empty():
        leaf_sum = pl.concat([leaf_sum, acting])
        values = _propagate(leaf_sum, anc, engine)
    if mode is not GroupReported.IGNORE and not checked.is_empty():
        checked = checked.join(
            nodes.select("year", "node", "depth", "diff_child", "unit"), on=["year", "node"]
        )
        for depth in sorted(set(checked["depth"].to_list()), reverse=True):
            level = (
                checked.filter(pl.col("depth") == depth)
                .join(values.rename({"value": "children"}), on=_KEYS, how="left")
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
                        "year",
                        pl.col("diff_child").alias("node"),
                        "indicator",
                        pl.col("residual").alias("value"),
                    )
                    leaf_sum = pl.concat([leaf_sum, delta])
                    adjusted = True
                    values = _propagate(leaf_sum, anc, engine)
                level = level.filter(pl.col("diff_child").is_null())
            plain = [pl.col(c) / _SCALE for c in ("value", "children", "residual")]
            findings += _mismatch_findings(level.with_columns(plain), mode)

    # ---- entity level, local metrics, ratios
    parts = [values]
    if include_entities and ent_static is not None:
        parts.append(
            ent_static.filter(~pl.col("indicator").is_in(sorted(ratio_codes)))
            .rename({"entity": "node"})
            .select([*_KEYS, "value"])
        )
    parts.append(local.group_by(_KEYS).agg(pl.col("value").sum()))
    # disjoint by construction: propagated sums (no local metrics), static leaves' own rows,
    # and local metrics of the other entities and of units
    # (a difference unit's booked gap is the one overlap: add it to its own row)
    values = pl.concat(parts)
    if adjusted:
        values = values.group_by(_KEYS).agg(pl.col("value").sum())
    del parts, ent_static, local
    if not include_entities:
        keep = nodes.filter(pl.col("node_type") != "entity").select("year", "node")
        values = values.join(keep, on=["year", "node"], how="semi")
    values = values.with_columns(pl.col("value") / _SCALE)  # back to the indicators' units
    values = pl.concat([values, _ratios(values, cat, out_inds)])
    values = values.filter(pl.col("indicator").is_in(sorted(out_inds)))
    if wanted_years is not None:
        values = values.filter(pl.col("year").is_in(wanted_years))
    # sort by small integers (scope, unit, group, entity; then id; then indicator code)
    ranked = nodes.drop("depth", "diff_child", "internal").with_columns(
        _order=pl.col("node_type").replace_strict(_TYPE_ORDER, default=9)
    )
    ranked = ranked.with_columns(
        _rank=pl.struct("_order", "node").rank("dense").over("year").cast(pl.UInt32)
    )
    codes = sorted(set(cat) | set(values["indicator"].unique().to_list()))
    code_of = pl.DataFrame(
        {"indicator": codes, "_code": range(len(codes))},
        schema={"indicator": pl.String, "_code": pl.Int64},
    )
    # one packed Int64 key (year, rank, code): a single-column sort is much cheaper
    y0 = values["year"].min()
    n_codes, n_ranks = len(codes), ranked.height + 1
    key = (
        (pl.col("year") - (y0 if y0 is not None else 0)) * n_ranks
        + pl.col("_rank").fill_null(0).cast(pl.Int64)
    ) * n_codes + pl.col("_code")
    values = (
        values.join(ranked.select("year", "node", "_rank"), on=["year", "node"], how="left")
        .join(code_of, on="indicator", how="left")
        .sort(key)
        .drop("_rank", "_code")
    )
    # names last, on the sorted narrow frame, keeping its order
    values = (
        values.join(
            ranked.drop("_rank", "_order"), on=["year", "node"], how="left", maintain_order="left"
        )
        .select(list(VALUE_SCHEMA))
        .cast(VALUE_SCHEMA)  # type: ignore[arg-type]
    )
    if dropped:
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
                lambda: _tables(structure, sy, ex, needed, all_nodes),  # noqa: B023
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


def _propagate(leaf: pl.DataFrame, anc: pl.DataFrame, engine: Any = "auto") -> pl.DataFrame:
    """Add every contribution into its node and all the nodes above it.

    In three steps, so that each contribution is joined to few rows: up the entity tree, to its
    unit, then the units' totals to the scopes.
    """
    levels = anc.partition_by("level", as_dict=True, include_key=False)
    empty = anc.clear().drop("level")
    tree = levels.get(("tree",), empty)
    to_unit = levels.get(("unit",), empty)
    unit_scope = levels.get(("scope",), empty).join(
        to_unit.filter(pl.col("node") == pl.col("anc")).select("year", "node"),
        on=["year", "node"],
        how="semi",
    )

    def up(frame: pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.lazy()
            .join(table.lazy(), on=["year", "node"])
            .group_by(["year", "anc", "indicator"])
            .agg(pl.col("value").sum())
            .select("year", pl.col("anc").alias("node"), "indicator", "value")
            .collect(engine=engine)
        )

    units = up(leaf, to_unit)
    return pl.concat([up(leaf, tree), units, up(units, unit_scope)])


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


def _ratios(values: pl.DataFrame, cat: Mapping[str, Indicator], out: set[str]) -> pl.DataFrame:
    """Recompute each wanted ratio at every node from the rolled-up components."""
    frames = []
    for code in sorted(out):
        ind = cat[code]
        f = ind.formula
        if ind.kind is not Kind.RATIO or f is None:
            continue
        num = values.filter(pl.col("indicator") == f.numerator).select("year", "node", num="value")
        den = values.filter(pl.col("indicator") == f.denominator).select(
            "year", "node", den="value"
        )
        if f.denominator_average:
            prev = den.select(pl.col("year") + 1, "node", prev="den")
            den = den.join(prev, on=["year", "node"]).select(
                "year", "node", den=(pl.col("den") + pl.col("prev")) / 2
            )
        both = num.join(den, on=["year", "node"]).filter(pl.col("den") != 0)
        ratio = pl.col("num") / pl.col("den")
        frames.append(
            both.select(
                "year",
                "node",
                indicator=pl.lit(code),
                value=(1 - ratio) if f.one_minus else ratio,
            )
        )
    if not frames:
        return pl.DataFrame(
            schema={
                "year": pl.Int64,
                "node": pl.String,
                "indicator": pl.String,
                "value": pl.Float64,
            }
        )
    return pl.concat(frames).select([*_KEYS, "value"])


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
