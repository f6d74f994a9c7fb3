"""Comparable-basis growth (可比口径): growth net of structural changes.

Growth from ``base_year`` to ``year`` is computed over the **later** year's structure: the base
year's figures are re-rolled as if ``year``'s structure had already been in force. So

* an entity **transferred** to another group (资产划转) counts under its new group in both years;
* an entity **merged** into another (兼并重组) counts, in the base year, under the entity that
  absorbed it (followed through chains of mergers);
* an entity **dissolved** by ``year`` is left out of the base;
* an entity **created** after ``base_year`` has no base figure: it shows as growth (new business);
* a **rename** changes nothing.

A merger or a transfer therefore shows up neither as growth nor as decline. Ratios are recomputed
over the comparable base; for them ``growth`` is empty and ``change`` is the change in the ratio.

>>> from soeplan.sample import sample_observations
>>> from soeplan.structure.city import city_structure
>>> g = comparable_growth(sample_observations(), city_structure(sample=True),
...                       base_year=2021, year=2023, indicators=["total_assets"])
>>> row = g.filter(pl.col("node") == "js.tourism")
>>> row["base_value"][0] > 0 and row["growth"][0] < 0.5  # js.scenic is in the base
True

"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import polars as pl

from soeplan.consolidation.inputs import indicator_catalogue, normalise_observations
from soeplan.consolidation.records import GroupReported
from soeplan.consolidation.rollup import rollup
from soeplan.frames import COLUMNS
from soeplan.indicators import Kind
from soeplan.structure.dated import Structure

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

__all__ = ["comparable_base", "comparable_growth"]


def comparable_base(
    observations: pl.DataFrame | pl.LazyFrame, structure: Structure, *, base_year: int, year: int
) -> pl.LazyFrame:
    """The observations of ``base_year`` (and the year before it) with each entity replaced by
    where its figures belong in ``year``'s structure; dissolved entities dropped."""
    lf, _ = normalise_observations(observations)
    snap = structure.at(year)
    mapping: dict[str, str | None] = {}
    for eid in structure.entities:
        if eid not in snap:
            mapping[eid] = structure.successor(eid, year)
    moved = pl.DataFrame(
        {"entity": list(mapping), "_to": list(mapping.values())},
        schema={"entity": pl.String, "_to": pl.String},
    )
    base = lf.filter(pl.col("year").is_in([base_year - 1, base_year]))
    names = base.collect_schema().names()
    joined = base.join(moved.lazy(), on="entity", how="left")
    gone = pl.col("entity").is_in(list(mapping)) & pl.col("_to").is_null()
    out = joined.filter(~gone).with_columns(entity=pl.coalesce("_to", "entity")).drop("_to")
    if "unit" in names:  # a merged entity's figures follow the absorbing entity's unit
        units = {e: st.unit for e, st in snap.items()}
        out = out.with_columns(
            unit=pl.col("entity").replace_strict(
                units, default=pl.col("unit"), return_dtype=pl.String
            )
        )
    return out


def comparable_growth(
    observations: pl.DataFrame | pl.LazyFrame,
    structure: Structure,
    *,
    base_year: int,
    year: int,
    indicators: Iterable[str] | None = None,
    group_reported: GroupReported | str = GroupReported.CHECK,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """Growth from ``base_year`` to ``year`` at every node, on ``year``'s structure.

    Columns: ``node, node_type, name_zh, name_en, unit, indicator, base_year, year,
    base_value, value, change, growth`` (``growth = value / base_value − 1``; empty for ratios and
    where the base is zero or missing).
    """
    if base_year >= year:
        from soeplan.errors import SoeplanError

        raise SoeplanError(
            f"base year {base_year} is not before year {year}; give the earlier year as base_year"
        )
    cat = indicator_catalogue(registry)
    inds = list(indicators) if indicators is not None else None
    later = rollup(
        observations,
        structure,
        years=[year],
        indicators=inds,
        group_reported=group_reported,
        registry=registry,
    ).values
    base = rollup(
        comparable_base(observations, structure, base_year=base_year, year=year),
        structure,
        years=[base_year],
        indicators=inds,
        group_reported=group_reported,
        registry=registry,
        structure_years={base_year - 1: year, base_year: year},
    ).values
    ratios = [c for c, i in cat.items() if i.kind is Kind.RATIO]
    joined = later.join(
        base.select("node", "indicator", base_value="value"), on=["node", "indicator"], how="left"
    )
    growth = (
        pl.when(
            pl.col("indicator").is_in(ratios)
            | pl.col("base_value").is_null()
            | (pl.col("base_value") == 0)
        )
        .then(None)
        .otherwise(pl.col("value") / pl.col("base_value") - 1)
    )
    return joined.select(
        "node",
        "node_type",
        "name_zh",
        "name_en",
        "unit",
        "indicator",
        base_year=pl.lit(base_year, COLUMNS["year"]),
        year=pl.lit(year, COLUMNS["year"]),
        base_value="base_value",
        value="value",
        change=pl.col("value") - pl.col("base_value"),
        growth=growth.cast(pl.Float64),
    )
