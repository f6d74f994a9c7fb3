"""The debt-ratio watch list: entities at or above the warning line (:class:`DebtWatchRow`).

The lines are configurable (:class:`~soeplan.report.model.DebtLines`: by default the plan's 65%
binding ceiling and the 70% key-supervision line); the ratio is 1 − net assets / total assets
from the entity-level figures of the report year.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from soeplan.report.model import DebtLines, DebtWatchRow
from soeplan.sections import Text


def debt_watch(
    year: int,
    entities: pl.DataFrame | None,
    lines: DebtLines,
    entity_names: Mapping[str, str],
    unit_names: Mapping[str, Text],
) -> list[DebtWatchRow]:
    """Entities whose debt ratio (1 − net assets / total assets) is at or above the warning line."""
    if entities is None or entities.is_empty():
        return []
    wide = (
        entities.filter(
            (pl.col("year") == year) & pl.col("indicator").is_in(["total_assets", "net_assets"])
        )
        .group_by("entity", "unit", "indicator")
        .agg(pl.col("value").sum())
        .pivot(on="indicator", index=["entity", "unit"], values="value")
    )
    if not {"total_assets", "net_assets"} <= set(wide.columns):
        return []
    out = []
    for ent, unit, ta, na in wide.select(
        "entity", "unit", "total_assets", "net_assets"
    ).iter_rows():
        if ta is None or na is None or ta <= 0:
            continue
        ratio = 1 - na / ta
        level = lines.level(ratio)
        if level is None:
            continue
        out.append(
            DebtWatchRow(
                entity=ent,
                name=entity_names.get(ent, ent),
                unit=unit,
                unit_name=unit_names.get(unit, Text(unit, unit)),
                total_assets=ta,
                net_assets=na,
                debt_ratio=ratio,
                level=level,
            )
        )
    return sorted(out, key=lambda r: (-r.debt_ratio, r.entity))
