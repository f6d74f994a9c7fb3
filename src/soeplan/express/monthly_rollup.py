"""A monthly rollup made of annual rollups, one per month, until the period rollup is in.

:func:`rollup_by_month` is the one adapter between the monthly express report and the rollup:
it rolls each month's rows up with the annual :func:`soeplan.rollup` (the month dropped, then
added back after ``year``), so the report's values frame is the annual
:data:`soeplan.VALUE_SCHEMA` with ``month`` after ``year``, as the period rollup gives it. Each
month is placed on the structure in force at the end of its *year* (what the annual rollup
reads); the period rollup reads it at the month's end.

>>> import polars as pl
>>> from soeplan.structure.city import city_structure
>>> obs = pl.DataFrame({"unit": ["kecheng"] * 2, "entity": ["kc.invest"] * 2,
...                     "year": [2023] * 2, "month": [5, 6], "indicator": ["revenue"] * 2,
...                     "value": [1.0, 1.5]})
>>> values, findings = rollup_by_month(obs, city_structure(sample=True))
>>> values.filter(pl.col("node") == "city").select("year", "month", "value").rows()
[(2023, 5, 1.0), (2023, 6, 1.5)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from soeplan.consolidation.records import VALUE_SCHEMA, GroupReported
from soeplan.consolidation.rollup import rollup
from soeplan.frames import COLUMNS
from soeplan.rules import empty_findings
from soeplan.structure.dated import Structure

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

__all__ = ["MONTHLY_VALUE_SCHEMA", "rollup_by_month"]

#: A monthly rollup's values: the annual values frame with ``month`` after ``year``.
MONTHLY_VALUE_SCHEMA = {
    **{k: v for k, v in VALUE_SCHEMA.items() if k != "indicator" and k != "value"},
    "month": COLUMNS["month"],
    "indicator": VALUE_SCHEMA["indicator"],
    "value": VALUE_SCHEMA["value"],
}


def rollup_by_month(
    observations: pl.DataFrame,
    structure: Structure,
    *,
    group_reported: GroupReported | str = GroupReported.CHECK,
    registry: Registry | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every node's figures of every month in ``observations`` (a monthly long frame), and the
    rollup's findings: ``(values, findings)``, values in :data:`MONTHLY_VALUE_SCHEMA`."""
    values = []
    findings = [empty_findings()]
    for (_year, month), rows in sorted(
        observations.group_by("year", "month"),
        key=lambda kv: (int(kv[0][0]), int(kv[0][1])),
    ):
        result = rollup(
            rows.drop("month"), structure, group_reported=group_reported, registry=registry
        )
        values.append(
            result.values.with_columns(pl.lit(month, COLUMNS["month"]).alias("month")).select(
                list(MONTHLY_VALUE_SCHEMA)
            )
        )
        findings.append(result.findings)
    if not values:
        return pl.DataFrame(schema=MONTHLY_VALUE_SCHEMA), empty_findings()
    return pl.concat(values), pl.concat(findings, how="vertical_relaxed").unique(
        maintain_order=True
    )
