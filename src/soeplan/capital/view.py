"""What a run knows of capital: the register attributes, the definition, each entity's state
capital and the rating findings, put together once (:func:`capital_view`) for the rollup, the
report section and the findings."""

from __future__ import annotations

import attrs
import polars as pl

from soeplan.capital.definitions import DEFAULT_DEFINITION, CapitalDefinition
from soeplan.capital.layout import capital_observations, entity_capital
from soeplan.capital.ratings import rating_findings
from soeplan.structure.dated import Structure

__all__ = ["CapitalView", "capital_view", "with_capital"]


@attrs.frozen
class CapitalView:
    """The capital figures of a run (passed to the report sections as option ``capital``)."""

    attributes: pl.DataFrame = attrs.field(eq=False)  #: :data:`~.attributes.ATTRIBUTE_SCHEMA`
    definition: CapitalDefinition
    entities: pl.DataFrame = attrs.field(eq=False)  #: :func:`~.layout.entity_capital`
    derived: pl.DataFrame = attrs.field(eq=False)  #: :func:`~.layout.capital_observations`
    findings: pl.DataFrame = attrs.field(eq=False)  #: :func:`~.ratings.rating_findings`
    synthetic: bool = False


def capital_view(
    observations: pl.DataFrame,
    attributes: pl.DataFrame,
    structure: Structure | None,
    definition: CapitalDefinition | None = None,
    *,
    synthetic: bool = False,
) -> CapitalView:
    """The capital figures of ``observations`` under the registers' ``attributes``."""
    d = definition or DEFAULT_DEFINITION
    return CapitalView(
        attributes=attributes,
        definition=d,
        entities=entity_capital(observations, attributes, structure, d),
        derived=capital_observations(observations, attributes, structure, d),
        findings=rating_findings(observations, attributes),
        synthetic=synthetic,
    )


def with_capital(
    observations: pl.DataFrame,
    registers: pl.DataFrame | None,
    structure: Structure | None,
    definition: CapitalDefinition | None = None,
    synthetic: bool = False,
) -> tuple[pl.DataFrame, CapitalView | None]:
    """The observations with the derived capital indicators added (to be consolidated), and the
    run's :class:`CapitalView`; the observations as they are, and ``None``, without registers."""
    if registers is None or registers.height == 0 or "unit" not in observations.columns:
        return observations, None
    view = capital_view(observations, registers, structure, definition, synthetic=synthetic)
    derived = (
        view.derived.select(observations.columns)
        if set(observations.columns) <= set(view.derived.columns)
        else view.derived
    )
    return pl.concat([observations, derived], how="diagonal_relaxed"), view
