"""The rollup's records: how a group's own figures are treated, the values frame, the result.

:class:`Rollup` is what :func:`soeplan.consolidation.rollup.rollup` returns; :func:`scope_totals`
reads the scopes' and units' totals from it. They live here, below the rollup's stages, because
the stages build frames of :data:`VALUE_SCHEMA` and act on :class:`GroupReported`.
"""

from __future__ import annotations

from enum import StrEnum

import attrs
import polars as pl

from soeplan.frames import DType, columns
from soeplan.structure.dated import Structure

__all__ = ["VALUE_SCHEMA", "GroupReported", "Rollup", "scope_totals"]


class GroupReported(StrEnum):
    """What to do with a group's own reported (consolidated) figures."""

    CHECK = "check"  #: 核对: compare with the sum of its children; a mismatch is a finding
    #: 计入差额: put the mismatch into the group's difference unit (差额)
    DIFFERENCE = "difference"
    IGNORE = "ignore"  #: 不用: leave them aside


#: Columns of a rollup's values frame, in order.
VALUE_SCHEMA: dict[str, DType] = columns(
    "node", "node_type", "name_zh", "name_en", "unit", "year", "indicator", "value"
)
#: The output's order of node types within a year.
_TYPE_ORDER = {"scope": 0, "unit": 1, "group": 2, "entity": 3}


@attrs.frozen
class Rollup:
    """The result of :func:`~soeplan.consolidation.rollup.rollup`: every node's values and the
    findings of the checks."""

    values: pl.DataFrame
    findings: pl.DataFrame
    structure: Structure = attrs.field(eq=False, repr=False)

    def value(self, node: str, indicator: str, year: int) -> float | None:
        """One figure (full precision), or ``None`` if there is none."""
        hit = self.values.filter(
            (pl.col("node") == node) & (pl.col("indicator") == indicator) & (pl.col("year") == year)
        )
        return None if hit.is_empty() else float(hit["value"][0])


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
