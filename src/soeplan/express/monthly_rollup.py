"""Every month of a monthly frame rolled up, each by the period rollup.

:func:`rollup_by_month` rolls each month's rows up with :func:`soeplan.rollup_period`: in the
structure as it stands at the month's end, stocks at the month's end, flows year-to-date, ratios
recomputed from them, an average denominator opening on the previous December. The values frame
is :data:`soeplan.MONTHLY_VALUE_SCHEMA` (the annual values frame with ``month`` after ``year``).

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

from soeplan.consolidation.period import MONTHLY_VALUE_SCHEMA, rollup_period
from soeplan.consolidation.records import GroupReported
from soeplan.periods import Period
from soeplan.rules import empty_findings
from soeplan.structure.dated import Structure

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

__all__ = ["MONTHLY_VALUE_SCHEMA", "rollup_by_month"]


def rollup_by_month(
    observations: pl.DataFrame,
    structure: Structure,
    *,
    group_reported: GroupReported | str = GroupReported.CHECK,
    registry: Registry | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every node's figures of every month in ``observations`` (a monthly long frame), and the
    rollup's findings: ``(values, findings)``, values in :data:`MONTHLY_VALUE_SCHEMA`.

    A month's average denominators open on the previous December's figures in ``observations``
    (the monthly sample carries 2022 for 2023), else they have no value.
    """
    values = []
    findings = [empty_findings()]
    pairs = observations.select("year", "month").unique().drop_nulls().sort("year", "month")
    for year, month in pairs.iter_rows():
        result = rollup_period(
            observations,
            structure,
            Period(int(year), int(month)),
            group_reported=group_reported,
            registry=registry,
        )
        values.append(result.values)
        findings.append(result.findings)
    if not values:
        return pl.DataFrame(schema=MONTHLY_VALUE_SCHEMA), empty_findings()
    return pl.concat(values), pl.concat(findings, how="vertical_relaxed").unique(
        maintain_order=True
    )
