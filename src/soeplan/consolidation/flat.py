"""Entities rolled up flat under their unit: those the structure does not know, and those not in
force in a year they have figures for.

An entity the structure does not know is placed under the unit the observations give it (a hint
finding, ``rollup.flat_fallback``); without a ``unit`` column, or with an unknown unit or two
units for one entity, the rollup stops and says so. An entity of the structure with figures for
a year it is not in force (before its creation, after its merger or dissolution) rolls up flat
under its unit that year (a warning, ``rollup.not_in_force``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import polars as pl

from soeplan.consolidation.encoding import (
    _PLACED,
    _Codes,
    _Engine,
    _Grid,
    _IndicatorCodes,
    _KeyMap,
    _node_codes,
)
from soeplan.consolidation.inputs import _Inputs
from soeplan.errors import SoeplanError, UnknownNameError
from soeplan.rules import Severity
from soeplan.structure.dated import Structure


@attrs.frozen
class _Flat:
    """The entities the structure does not know, placed under their units."""

    structure: Structure  # the structure with them added (flat, under their units)
    codes: _Codes  # its node codes: the structure's, then theirs
    rows: pl.DataFrame  # their sums (_KEYED_SCHEMA, kind _PLACED), catalogue indicators only
    extra: dict[int, dict[str, str]]  # year → entity → unit: the years they have figures for
    findings: list[Mapping[str, Any]]


def _unknown_entities(
    inputs: _Inputs,
    structure: Structure,
    codes: _Codes,
    keymap: _KeyMap,
    inds: _IndicatorCodes,
    grid: _Grid,
    engine: _Engine,
) -> _Flat:
    """Entities the structure does not know: by id, under the unit the observations name."""
    lf = inputs.frame
    raw = (
        lf.filter(keymap.entity_code().is_null())
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
    if not inputs.has_unit:
        raise UnknownNameError(
            f"{len(ids)} entit{'y' if len(ids) == 1 else 'ies'} not in any structure and no "
            f"unit column to place them: {', '.join(ids[:20])}{' …' if len(ids) > 20 else ''}",
        )
    unit_of = _units_of(lf, ids, structure)
    findings = _flat_findings(unit_of, structure)
    structure = structure.with_entities(unit_of.items())
    codes = _node_codes(structure, codes)  # the same codes, and the new entities' after them
    new = pl.DataFrame(
        {"entity": ids, "node": [codes.code[i] for i in ids]},
        schema={"entity": pl.String, "node": pl.UInt32},
    )
    raw = raw.with_columns(
        ind=pl.col("indicator").cast(pl.Enum(inds.names), strict=False).to_physical()
    ).filter(pl.col("ind").is_not_null())
    rows = raw.join(new, on="entity").select(
        kind=pl.lit(_PLACED, pl.UInt8),
        node="node",
        yo=(pl.col("year") - grid.y0).cast(pl.UInt64),
        ind=pl.col("ind").cast(pl.UInt64),
        value="value",
    )
    extra = {y: dict(unit_of) for y in sorted(set(raw["year"].to_list()))}
    return _Flat(structure, codes, rows, extra, findings)


def _units_of(lf: pl.LazyFrame, ids: list[str], structure: Structure) -> dict[str, str]:
    """Each entity's unit, from the observations' ``unit`` column (one known unit each)."""
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
    return dict(zip(pairs["entity"].to_list(), pairs["unit"].to_list(), strict=True))


def _flat_findings(unit_of: Mapping[str, str], structure: Structure) -> list[Mapping[str, Any]]:
    findings: list[Mapping[str, Any]] = []
    for u, group in _by_unit(unit_of).items():
        registered = u in structure.registered_units
        one = len(group) == 1
        are, have = ("is", "has") if one else ("are", "have")
        findings.append(
            dict(
                severity=Severity.HINT.value,
                rule="rollup.flat_fallback",
                unit=u,
                entity=", ".join(group),
                expected="entities of a registered structure",
                found=f"{len(group)} entit{'y' if one else 'ies'} not in it",
                message_zh=f"{u} 的 {len(group)} 家企业不在{'已登记的架构' if registered else '任何已登记的架构（该单位没有架构插件）'}中，按单位平铺汇总",
                message_en=f"{len(group)} entit{'y' if one else 'ies'} of {u} {f'{are} not in its registered structure' if registered else f'{have} no registered structure (no plugin for this unit)'}; rolled up flat under the unit",
                fix=f"install the {u} plugin or add the entities to a structure file",
            )
        )
    return findings


def _by_unit(unit_of: Mapping[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e, u in sorted(unit_of.items()):
        out.setdefault(u, []).append(e)
    return out


def _not_in_force(
    placed: pl.DataFrame,
    structure: Structure,
    codes: _Codes,
    struct_year: Mapping[int, int],
    extra: dict[int, dict[str, str]],
    y0: int,
) -> list[Mapping[str, Any]]:
    """Entities placed year by year but not in force in a year: flat under their unit, warned.

    Adds them to ``extra`` (year → entity → unit) and returns the warnings.
    """
    findings: list[Mapping[str, Any]] = []
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
    return findings
