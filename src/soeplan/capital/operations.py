"""The listing pipeline and the reforms, from the capital operations registers: where each
enterprise stands in the pipeline at a year's end, the reforms counted per year, unit and
scope with the state's share before and after, and the tallies of a period the yearly report
carries (:func:`reform_tallies`: enterprises through 混改, enterprises corporatised, outside
assets brought under supervision, as the plan's §十三五 results count them)."""

from __future__ import annotations

import polars as pl

from soeplan.registers.operations import ListingStage, ReformKind
from soeplan.structure.dated import Structure

__all__ = ["TALLY_SCHEMA", "pipeline", "reform_counts", "reform_tallies"]

#: Columns of :func:`reform_tallies`.
TALLY_SCHEMA = {
    "node": pl.String, "node_type": pl.String, "first": pl.Int32, "last": pl.Int32,
    "mixed": pl.Int64, "corporatised": pl.Int64, "integrated": pl.Int64,
    "supervised": pl.Float64, "share_change": pl.Float64,
}  # fmt: skip


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
    return (
        _by_node(r, structure)
        .group_by("node", "node_type", "year", "kind")
        .agg(pl.len().alias("count"), pl.col("change").mean().alias("share_change"))
        .sort("node_type", "node", "year", "kind", descending=[True, False, False, False])
    )


def _by_node(reforms: pl.DataFrame, structure: Structure) -> pl.DataFrame:
    """The reforms once per unit and once per scope holding the unit (``node, node_type``)."""
    parts = [reforms.with_columns(pl.col("unit").alias("node"), pl.lit("unit").alias("node_type"))]
    for scope in structure.scopes.values():
        parts.append(
            reforms.filter(pl.col("unit").is_in(list(scope.units))).with_columns(
                pl.lit(scope.scope).alias("node"), pl.lit("scope").alias("node_type")
            )
        )
    return pl.concat(parts)


def reform_tallies(
    reforms: pl.DataFrame, structure: Structure, first: int, last: int
) -> pl.DataFrame:
    """The reforms dated ``first``–``last`` (years, both included) tallied per scope and unit
    (:data:`TALLY_SCHEMA`), scopes first: ``mixed`` the enterprises with a mixed-ownership
    reform (引入战略投资者, 员工持股 or other 混改; an enterprise counts once, 户), ``corporatised``
    the enterprises corporatised (公司制改制, 家), ``integrated`` the mergers, integrations and
    transfers (项), ``supervised`` the outside assets brought under supervision (the ``amount``
    of the 纳入国资监管 reforms, 亿元; null when none states one), ``share_change`` the mean
    change of the state's share over the reforms that state both.

    >>> import datetime as dt, polars as pl
    >>> from soeplan import city_structure, reform_tallies
    >>> r = pl.DataFrame({"unit": ["municipal"] * 3, "entity": ["a", "a", "b"],
    ...     "date": [dt.date(2017, 1, 1), dt.date(2019, 1, 1), dt.date(2018, 5, 1)],
    ...     "kind": ["strategic_investor", "employee_shares", "supervision"],
    ...     "share_before": [1.0, 0.8, None], "share_after": [0.8, 0.7, None],
    ...     "amount": [None, None, 12.5]})
    >>> t = reform_tallies(r, city_structure(), 2016, 2020).filter(node="city")
    >>> t.select("mixed", "corporatised", "supervised", pl.col("share_change").round(2)).rows()
    [(1, 0, 12.5, -0.15)]
    """
    mixed = [k.value for k in ReformKind if k.mixed]
    structural = [k.value for k in ReformKind if k.structural]
    if "amount" not in reforms.columns:
        reforms = reforms.with_columns(pl.lit(None, pl.Float64).alias("amount"))
    r = reforms.filter(pl.col("date").dt.year().is_between(first, last))
    nodes = _by_node(r, structure)
    kind = pl.col("kind")
    tallies = nodes.group_by("node", "node_type").agg(
        pl.col("entity").filter(kind.is_in(mixed)).n_unique().alias("mixed"),
        pl.col("entity").filter(kind == ReformKind.CORPORATISATION.value).n_unique()
        .alias("corporatised"),
        kind.is_in(structural).sum().cast(pl.Int64).alias("integrated"),
        pl.col("amount").filter(kind == ReformKind.SUPERVISION.value).sum().alias("_amount"),
        pl.col("amount").filter(kind == ReformKind.SUPERVISION.value).count().alias("_stated"),
        (pl.col("share_after") - pl.col("share_before")).mean().alias("share_change"),
    )  # fmt: skip
    every = pl.DataFrame(
        [(s, "scope") for s in structure.scopes] + [(u, "unit") for u in sorted(structure.units)],
        schema={"node": pl.String, "node_type": pl.String}, orient="row",
    )  # fmt: skip
    return (
        every.join(tallies, on=["node", "node_type"], how="left")
        .with_columns(
            pl.lit(first, pl.Int32).alias("first"),
            pl.lit(last, pl.Int32).alias("last"),
            *(
                pl.col(c).fill_null(0).cast(pl.Int64)
                for c in ("mixed", "corporatised", "integrated")
            ),
            pl.when(pl.col("_stated") > 0).then(pl.col("_amount")).alias("supervised"),
        )
        .select(list(TALLY_SCHEMA))
        .cast(TALLY_SCHEMA)  # type: ignore[arg-type]
    )
