"""Loss-making enterprises (亏损企业, plan §三(五) 亏损企业专项治理): who lost money, for how long.

:func:`loss_makers` lists every enterprise whose **total profit** (利润总额) is below zero in the
year assessed, with its **consecutive loss years** (the run of years up to and including that
year with a total profit below zero; a year without a figure ends the run) and the loss of the
year before. Difference units (差额, eliminations, not enterprises) are left out; groups are
listed on their consolidated figures when ``groups=True``.

>>> import polars as pl
>>> from soeplan.assessment.losses import loss_run
>>> loss_run({2020: 1.0, 2021: -0.5, 2022: -0.2, 2023: -0.1}, 2023)
3
>>> loss_run({2022: -0.2, 2023: 0.4}, 2023)
0
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

__all__ = ["LOSS_SCHEMA", "loss_makers", "loss_run", "losses_by_unit"]

#: Columns of the frame :func:`loss_makers` returns, in order.
LOSS_SCHEMA: dict[str, pl.DataType] = {
    "entity": pl.String(),
    "name": pl.String(),
    "unit": pl.String(),
    "level": pl.String(),
    "total_profit": pl.Float64(),
    "previous": pl.Float64(),
    "loss_years": pl.Int32(),
}


def loss_run(profits: Mapping[int, float], year: int) -> int:
    """How many years in a row, up to ``year``, the total profit was below zero."""
    run = 0
    y = year
    while y in profits and profits[y] is not None and profits[y] < 0:
        run += 1
        y -= 1
    return run


def _difference_units(structure: object, year: int) -> set[str]:
    if structure is None:
        return set()
    snap = structure.at(year)  # type: ignore[attr-defined]
    return {e for e in snap if snap[e].node_type.value == "difference"}


def loss_makers(
    values: pl.DataFrame, year: int, structure: object = None, *, groups: bool = False
) -> pl.DataFrame:
    """The enterprises (and, with ``groups``, groups) with a total profit below zero in ``year``.

    ``values``: a rollup's long frame (``node, node_type, name_zh, unit, year, indicator,
    value``). Ordered by unit, then by the longest run of losses, then by the largest loss.
    """
    kinds = ["entity", "group"] if groups else ["entity"]
    profit = values.filter(
        pl.col("node_type").is_in(kinds)
        & (pl.col("indicator") == "total_profit")
        & pl.col("value").is_not_null()
        & (pl.col("year") <= year)
    )
    skip = _difference_units(structure, year)
    now = profit.filter((pl.col("year") == year) & (pl.col("value") < 0))
    rows = []
    for node, node_type, name, unit, value in now.select(
        "node", "node_type", "name_zh", "unit", "value"
    ).iter_rows():
        if node in skip:
            continue
        history = dict(profit.filter(pl.col("node") == node).select("year", "value").iter_rows())
        rows.append(
            {
                "entity": node,
                "name": name or node,
                "unit": unit,
                "level": "group" if node_type == "group" else "entity",
                "total_profit": value,
                "previous": history.get(year - 1),
                "loss_years": loss_run(history, year),
            }
        )
    rows.sort(key=lambda r: (str(r["unit"]), -int(r["loss_years"]), float(r["total_profit"])))
    return pl.DataFrame(rows, schema=LOSS_SCHEMA) if rows else pl.DataFrame(schema=LOSS_SCHEMA)


def losses_by_unit(losses: pl.DataFrame) -> pl.DataFrame:
    """Per unit: how many loss-makers, their total loss, and how many lost two years or more."""
    return (
        losses.group_by("unit")
        .agg(
            pl.len().cast(pl.Int32).alias("count"),
            pl.col("total_profit").sum().alias("total_loss"),
            (pl.col("loss_years") >= 2).sum().cast(pl.Int32).alias("repeated"),
        )
        .sort("unit")
    )
