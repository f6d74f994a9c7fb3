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

The stages, one module each in this package: :mod:`~soeplan.consolidation.inputs` (the
observations as read, the years' span), :mod:`~soeplan.consolidation.encoding` (integer codes of
nodes, indicators and keys; :mod:`~soeplan.consolidation.cache` keeps them per structure),
:mod:`~soeplan.consolidation.scan` (the one pass over the big frame),
:mod:`~soeplan.consolidation.flat` (entities placed flat under their unit),
:mod:`~soeplan.consolidation.tables` (each year's nodes and ancestors),
:mod:`~soeplan.consolidation.propagate` (contributions up the tree, to units and scopes),
:mod:`~soeplan.consolidation.reported` (groups' own figures), :mod:`~soeplan.consolidation.ratios`,
:mod:`~soeplan.consolidation.wide` (the usual case in wide form) and
:mod:`~soeplan.consolidation.output` (the sorted, decoded output). The records
(:class:`~soeplan.consolidation.records.Rollup`, :class:`~soeplan.consolidation.records.GroupReported`,
:data:`~soeplan.consolidation.records.VALUE_SCHEMA`) are in :mod:`~soeplan.consolidation.records`.

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

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import polars as pl

from soeplan.consolidation.encoding import (
    _DIRECT,
    _codes_for,
    _Engine,
    _Grid,
    _indicator_codes,
    _key_map_for,
    _Run,
)
from soeplan.consolidation.flat import _not_in_force, _unknown_entities
from soeplan.consolidation.inputs import _prepared, _year_span, indicator_catalogue
from soeplan.consolidation.output import _finished, _ordered_output, _output_cells
from soeplan.consolidation.propagate import _Contributions, _contributions, _propagate, _split_keys
from soeplan.consolidation.records import VALUE_SCHEMA, GroupReported, Rollup
from soeplan.consolidation.reported import _group_reported
from soeplan.consolidation.scan import _Scan, _scan
from soeplan.consolidation.tables import _positioned, _tables_for
from soeplan.consolidation.wide import _wide_rollup
from soeplan.indicators import Ratio
from soeplan.rules import findings_frame
from soeplan.structure.dated import Structure

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

__all__ = ["rollup"]

_WIDE = True  # the usual case in wide form (tests turn it off to compare both paths)


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
    cat = indicator_catalogue(registry)
    inputs = _prepared(observations, cat, years, indicators)
    span = _year_span(inputs, streaming)
    if span is None:
        return _empty(structure, [])
    first_year, last_year = span
    smap = dict(structure_years or {})
    struct_year = {y: smap.get(y, y) for y in range(first_year, last_year + 1)}
    codes = _codes_for(structure)
    keymap = _key_map_for(structure, sorted(set(struct_year.values())), codes)
    inds = _indicator_codes(cat)  # an indicator's code is its position in the sorted catalogue
    grid = _Grid(first_year, last_year - first_year + 1, inds.width, len(codes.ids))
    engine: _Engine = "streaming" if streaming else "auto"
    scan = _scan(inputs, keymap, inds, grid, include_entities, engine)

    findings: list[Mapping[str, Any]] = []
    present, year_offs = set(scan.present), set(scan.year_offs)
    flat = None
    if scan.no_key:  # entities the structure does not know: by id
        flat = _unknown_entities(inputs, structure, codes, keymap, inds, grid, engine)
        structure, codes = flat.structure, flat.codes
        findings += flat.findings
        present |= set(flat.rows["ind"].unique().to_list())
        year_offs |= set(flat.rows["yo"].unique().to_list())
        grid = attrs.evolve(grid, n_nodes=len(codes.ids))
    dropped = [inds.names[i] for i in sorted(present & set(inds.ratio_c))]
    # the years with data (a rollup's tables are made for these only)
    data_years = sorted(first_year + int(y) for y in year_offs)
    if not data_years:
        return _empty(structure, findings)
    run = _Run(cat, inputs, inds, keymap, structure, codes, grid, struct_year, data_years, engine)
    simple = scan.kinds <= {_DIRECT} and not scan.no_key and inds.n_ind not in present
    present.discard(inds.n_ind)
    extra = flat.extra if flat is not None else {}  # year → entity → unit: flat under the unit
    if _wide(run, simple, scan, present, include_entities):
        return _finished(_wide_values(run, scan, present, extra), findings, dropped, structure)

    # ---- cell by cell: a cell is (year, node, indicator) packed into one integer
    flat_rows = flat.rows if flat is not None else None
    keyed = _split_keys(scan.grouped, keymap, grid, inds.n_ind, simple, flat_rows)
    entity_rows = scan.entity_rows
    del scan, flat, flat_rows  # the big pass's sums are in keyed now
    findings += _not_in_force(keyed.placed, structure, codes, struct_year, extra, first_year)
    nodes, anc = _node_tables(run, extra, include_entities)
    contrib = _contributions(keyed, nodes, inds, present, grid)
    del keyed
    values = _propagated(run, contrib, nodes, anc, entity_rows, present, mode, findings)
    return _finished(values, findings, dropped, structure)


def _empty(structure: Structure, findings: list[Mapping[str, Any]]) -> Rollup:
    empty = pl.DataFrame(schema=VALUE_SCHEMA)
    return Rollup(empty, findings_frame(findings), structure)


def _propagated(
    run: _Run,
    contrib: _Contributions,
    nodes: pl.DataFrame,
    anc: pl.DataFrame,
    entity_rows: pl.DataFrame | None,
    present: set[int],
    mode: GroupReported,
    findings: list[Mapping[str, Any]],
) -> pl.DataFrame:
    """The output by the cell-by-cell path from the contributions (adds to ``findings``)."""
    grid, codes, inds = run.grid, run.codes, run.inds
    values = _propagate(contrib.leaf, anc, grid.width, grid.span * grid.n_nodes, run.engine)
    reported = _group_reported(contrib, values, anc, nodes, mode, run)
    findings += reported.findings
    values = _output_cells(
        reported.values, entity_rows, contrib.local, reported.adjusted, nodes, run, present
    )
    del reported
    return _ordered_output(values, nodes, codes, inds.names, grid.y0, grid.span, grid.width)


def _node_tables(
    run: _Run, extra: Mapping[int, Mapping[str, str]], include_entities: bool
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The node and ancestor tables of the data years, by node-year position."""
    tables = _tables_for(
        run.structure,
        run.data_years,
        run.struct_year,
        extra,
        run.keymap.placed,
        include_entities,
        run.codes,
    )
    return _positioned(tables, run.grid)


def _wide(run: _Run, simple: bool, scan: _Scan, present: set[int], include_entities: bool) -> bool:
    """Whether the rollup takes the wide path (:mod:`soeplan.consolidation.wide`)."""
    # the usual case (every key a leaf summed under its first node; no entity level, no local
    # metric): the rest in wide form, one row per node and year (see _wide_rollup)
    # (not when streaming: at 100M rows the wide form peaks about 0.5 GB higher, as fast)
    wide = _WIDE and simple and not include_entities and run.engine != "streaming"
    wide = wide and not present & set(run.inds.none_c)
    # (and where the table of key-years × indicators stays small for the data)
    table_size = (run.keymap.n_keys + 1) * run.grid.span * run.grid.width
    return (
        wide
        and bool(present - set(run.inds.ratio_c))
        and table_size <= max(4 * scan.grouped.height, 1 << 20)
    )


def _wide_values(
    run: _Run,
    scan: _Scan,
    present: set[int],
    extra: Mapping[int, Mapping[str, str]],
) -> pl.DataFrame:
    """The output by the wide path."""
    nodes, anc = _node_tables(run, extra, include_entities=False)
    inds, out_inds = run.inds, run.inputs.out_inds
    return _wide_rollup(
        scan.grouped,
        run.keymap.node,
        nodes,
        anc,
        run.codes,
        inds.names,
        [inds.code_of[c] for c in sorted(out_inds, key=inds.code_of.__getitem__)],
        _wanted_ratios(run),
        sorted(present - set(inds.ratio_c)),
        run.grid,
        run.inputs.wanted_years,
        run.engine,
    )


def _wanted_ratios(run: _Run) -> list[tuple[int, Ratio]]:
    """The ratios to output, by code, with their formulas."""
    ratios = sorted(run.inds.ratios & run.inputs.out_inds)
    return [(run.inds.code_of[c], f) for c in ratios if (f := run.cat[c].formula) is not None]
