"""State capital by strategic sector (布局结构) and the securitisation base, entity by entity.

:func:`entity_capital` gives each reporting entity's state capital for each year, with the
strategic sector and listing its register states (an entity without a sector takes its nearest
group's; one without a register row is unclassified), under a
:class:`~soeplan.capital.definitions.CapitalDefinition`. :func:`capital_observations` turns that
into the derived indicators the rollup totals and the assessment measures against the plan's
90 % floor: ``state_capital``, ``state_capital_strategic`` (their ratio is
``strategic_capital_share``), ``securitisation_base`` and ``securitised_assets`` (ratio
``securitisation_rate``). :func:`sector_layout` totals state capital by sector per scope, unit
and year.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from soeplan.capital.definitions import DEFAULT_DEFINITION, CapitalDefinition, StateCapitalBasis
from soeplan.registers.records import StrategicSector
from soeplan.structure.dated import Structure
from soeplan.structure.records import NodeType

__all__ = [
    "DERIVED_INDICATORS",
    "ENTITY_CAPITAL_SCHEMA",
    "capital_observations",
    "entity_capital",
    "sector_layout",
]

#: The amounts :func:`capital_observations` derives (the rollup recomputes the two ratios).
DERIVED_INDICATORS = (
    "state_capital",
    "state_capital_strategic",
    "securitisation_base",
    "securitised_assets",
)

#: Columns of :func:`entity_capital`.
ENTITY_CAPITAL_SCHEMA: dict[str, Any] = {
    "unit": pl.String,
    "entity": pl.String,
    "year": pl.Int32,
    "sector": pl.String,  #: a StrategicSector value; null: unclassified
    "strategic": pl.Boolean,
    "state_share": pl.Float64,
    "listed": pl.Boolean,
    "state_capital": pl.Float64,
    "securitisation_base": pl.Float64,
}


def _effective(
    attributes: pl.DataFrame, structure: Structure | None, years: list[int]
) -> pl.DataFrame:
    """Each entity's sector, share and listing per year: its own, its sector else its nearest
    group's."""
    own = {
        (r["entity"], r["year"]): r
        for r in attributes.select("entity", "year", "sector", "state_share", "listed").iter_rows(
            named=True
        )
    }
    rows = []
    for year in years:
        snap = structure.at(year) if structure is not None else None
        entities = set(snap) if snap is not None else set()
        entities |= {e for e, y in own if y == year}
        for entity in sorted(entities):
            mine = own.get((entity, year), {})
            sector = mine.get("sector")
            if sector is None and snap is not None and entity in snap:
                for a in snap.ancestors(entity):
                    if (s := own.get((a, year), {}).get("sector")) is not None:
                        sector = s
                        break
            group = snap is not None and entity in snap and snap[entity].node_type is NodeType.GROUP
            rows.append(
                (entity, year, sector, mine.get("state_share"), bool(mine.get("listed")), group)
            )
    return pl.DataFrame(
        rows,
        schema={"entity": pl.String, "year": pl.Int32, "sector": pl.String,
                "state_share": pl.Float64, "listed": pl.Boolean, "group": pl.Boolean},
        orient="row",
    )  # fmt: skip


def entity_capital(
    observations: pl.DataFrame,
    attributes: pl.DataFrame,
    structure: Structure | None = None,
    definition: CapitalDefinition = DEFAULT_DEFINITION,
) -> pl.DataFrame:
    """Each reporting entity's state capital and securitisation base for each year
    (:data:`ENTITY_CAPITAL_SCHEMA`); groups' own rows are left out (the rollup totals their
    members). Amounts in the observations' unit (亿元)."""
    obs = observations.with_columns(pl.col("year").cast(pl.Int32))
    if "unit" not in obs.columns:
        obs = obs.with_columns(pl.lit(None, pl.String).alias("unit"))
    wanted = ["net_assets", "state_equity", definition.securitisation.indicator]
    wide = (
        obs.filter(pl.col("indicator").is_in(wanted))
        .group_by("unit", "entity", "year", "indicator")
        .agg(pl.col("value").cast(pl.Float64).sum())
        .pivot(on="indicator", index=["unit", "entity", "year"], values="value")
    )
    for col in wanted:
        if col not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(col))
    if wide.height == 0:
        return pl.DataFrame(schema=ENTITY_CAPITAL_SCHEMA)
    eff = _effective(attributes, structure, sorted(set(wide["year"].to_list())))
    share = pl.col("state_share").fill_null(definition.missing_share)
    computed = (
        pl.col("net_assets") * share
        if definition.state_capital is StateCapitalBasis.EQUITY_SHARE
        else pl.col("net_assets")
    )
    if definition.use_reported:
        computed = pl.coalesce(pl.col("state_equity"), computed)
    strategic = [s.value for s in definition.strategic]
    return (
        wide.join(eff, on=["entity", "year"], how="left")
        .filter(~pl.col("group").fill_null(False))
        .with_columns(
            pl.col("sector").is_in(strategic).fill_null(False).alias("strategic"),
            pl.col("listed").fill_null(False),
            computed.alias("state_capital"),
            pl.col(definition.securitisation.indicator).alias("securitisation_base"),
        )
        .select(list(ENTITY_CAPITAL_SCHEMA))
        .cast(ENTITY_CAPITAL_SCHEMA)  # type: ignore[arg-type]
        .sort("unit", "entity", "year", nulls_last=True)
    )


def capital_observations(
    observations: pl.DataFrame,
    attributes: pl.DataFrame,
    structure: Structure | None = None,
    definition: CapitalDefinition = DEFAULT_DEFINITION,
) -> pl.DataFrame:
    """The derived indicators of :data:`DERIVED_INDICATORS` as observations (``unit, entity,
    year, indicator, value``), to be consolidated with the reported ones.

    >>> import datetime as dt, polars as pl
    >>> from soeplan import capital_observations
    >>> obs = pl.DataFrame({"unit": ["u"] * 4, "entity": ["a", "a", "b", "b"],
    ...     "year": [2023] * 4, "indicator": ["net_assets", "total_assets"] * 2,
    ...     "value": [10.0, 30.0, 5.0, 8.0]})
    >>> attrs_ = pl.DataFrame({"entity": ["a", "b"], "year": [2023, 2023],
    ...     "sector": ["infrastructure", "other"], "state_share": [0.6, None],
    ...     "listed": [True, False]})
    >>> capital_observations(obs, attrs_).sort("entity", "indicator").rows()[:4]
    [('u', 'a', 2023, 'securitisation_base', 30.0), ('u', 'a', 2023, 'securitised_assets', 30.0), ('u', 'a', 2023, 'state_capital', 6.0), ('u', 'a', 2023, 'state_capital_strategic', 6.0)]
    """
    ec = entity_capital(observations, attributes, structure, definition)
    wide = ec.with_columns(
        pl.when(pl.col("strategic"))
        .then(pl.col("state_capital"))
        .otherwise(0.0)
        .alias("state_capital_strategic"),
        pl.when(pl.col("listed"))
        .then(pl.col("securitisation_base"))
        .otherwise(0.0)
        .alias("securitised_assets"),
    )
    return (
        wide.unpivot(
            on=list(DERIVED_INDICATORS), index=["unit", "entity", "year"], variable_name="indicator"
        )
        .filter(pl.col("value").is_not_null())
        .select("unit", "entity", "year", "indicator", pl.col("value").cast(pl.Float64))
    )


def sector_layout(
    entity_frame: pl.DataFrame, structure: Structure, *, strategic: frozenset[str] | None = None
) -> pl.DataFrame:
    """State capital by sector per node (each scope of the structure and each unit) and year,
    with each sector's share of the node's state capital: columns ``node, node_type, year,
    sector, state_capital, share`` (``sector`` ``unclassified`` where the register states
    none). ``entity_frame`` is :func:`entity_capital`'s."""
    ec = entity_frame.with_columns(pl.col("sector").fill_null("unclassified"))
    units = ec.group_by("unit", "year", "sector").agg(pl.col("state_capital").sum())
    parts = [units.rename({"unit": "node"}).with_columns(pl.lit("unit").alias("node_type"))]
    for scope in structure.scopes.values():
        parts.append(
            units.filter(pl.col("unit").is_in(list(scope.units)))
            .group_by("year", "sector")
            .agg(pl.col("state_capital").sum())
            .with_columns(pl.lit(scope.scope).alias("node"), pl.lit("scope").alias("node_type"))
        )
    out = pl.concat(
        [p.select("node", "node_type", "year", "sector", "state_capital") for p in parts]
    )
    order = {s.value: i for i, s in enumerate(StrategicSector)} | {"unclassified": 99}
    return (
        out.with_columns(
            (pl.col("state_capital") / pl.col("state_capital").sum().over("node", "year")).alias(
                "share"
            ),
            pl.col("sector").replace_strict(order, default=100).alias("_o"),
        )
        .sort("node_type", "node", "year", "_o")
        .drop("_o")
    )
