"""The listing pipeline and the reforms, from the capital operations registers: where each
enterprise stands in the pipeline at a year's end, and the reforms counted per year, unit and
scope with the state's share before and after."""

from __future__ import annotations

import polars as pl

from soeplan.registers.operations import ListingStage
from soeplan.structure.dated import Structure

__all__ = ["pipeline", "reform_counts"]


def pipeline(listings: pl.DataFrame, year: int) -> pl.DataFrame:
    """Each enterprise's furthest stage by the end of ``year``: ``unit, entity, stage, date``
    and the date of each stage reached (columns named by stage), furthest first.
    ``listings`` is :data:`~soeplan.submissions.store_operations.LISTING_FRAME_SCHEMA`."""
    rank = {s.value: s.rank for s in ListingStage}
    upto = listings.filter(pl.col("date").dt.year() <= year).with_columns(
        pl.col("stage").replace_strict(rank, return_dtype=pl.Int32).alias("rank")
    )
    if upto.height == 0:
        return pl.DataFrame(schema={"unit": pl.String, "entity": pl.String, "stage": pl.String,
                                    "date": pl.Date, **{s.value: pl.Date for s in ListingStage}})  # fmt: skip
    dates = upto.pivot(
        on="stage", index=["unit", "entity"], values="date", aggregate_function="min"
    )
    for s in ListingStage:
        if s.value not in dates.columns:
            dates = dates.with_columns(pl.lit(None, pl.Date).alias(s.value))
    furthest = (
        upto.sort("rank", "date")
        .group_by("unit", "entity")
        .agg(pl.col("stage").last(), pl.col("date").last(), pl.col("rank").last())
    )
    return (
        furthest.join(dates, on=["unit", "entity"])
        .sort(["rank", "unit", "entity"], descending=[True, False, False])
        .select("unit", "entity", "stage", "date", *[s.value for s in ListingStage])
    )


def reform_counts(reforms: pl.DataFrame, structure: Structure) -> pl.DataFrame:
    """Reforms per year and node (each unit and each scope of ``structure``): ``node,
    node_type, year, kind, count, share_change`` (the mean change of the state's share, in
    fractions, over the reforms that state both shares)."""
    r = reforms.with_columns(
        pl.col("date").dt.year().cast(pl.Int32).alias("year"),
        (pl.col("share_after") - pl.col("share_before")).alias("change"),
    )
    parts = [r.with_columns(pl.col("unit").alias("node"), pl.lit("unit").alias("node_type"))]
    for scope in structure.scopes.values():
        parts.append(
            r.filter(pl.col("unit").is_in(list(scope.units))).with_columns(
                pl.lit(scope.scope).alias("node"), pl.lit("scope").alias("node_type")
            )
        )
    return (
        pl.concat(parts)
        .group_by("node", "node_type", "year", "kind")
        .agg(pl.len().alias("count"), pl.col("change").mean().alias("share_change"))
        .sort("node_type", "node", "year", "kind", descending=[True, False, False, False])
    )
