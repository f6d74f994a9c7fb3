"""What a run knows of capital: the register attributes, the definition, each entity's state
capital and the rating findings, put together once (:func:`capital_view`) for the rollup, the
report section and the findings."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import attrs
import polars as pl

from soeplan.capital.attributes import store_attributes
from soeplan.capital.definitions import DEFAULT_DEFINITION, CapitalDefinition
from soeplan.capital.layout import capital_observations, entity_capital
from soeplan.capital.provided import provided_capital
from soeplan.capital.ratings import listed_findings, rating_findings
from soeplan.capital.reform_events import reform_event_findings
from soeplan.capital.sample_register import sample_attributes, sample_operations
from soeplan.registers.provided import CapitalRegisters
from soeplan.rules import empty_findings
from soeplan.structure.dated import Structure
from soeplan.submissions.store import Store
from soeplan.submissions.store_operations import (
    LISTING_FRAME_SCHEMA,
    REFORM_FRAME_SCHEMA,
    operations_frames,
    stored_operations,
)

__all__ = ["CapitalInputs", "CapitalView", "capital_view", "sample_inputs", "store_inputs",
           "with_capital"]  # fmt: skip


@attrs.frozen
class CapitalInputs:
    """What the capital figures start from: the enterprise registers' attributes per year, and
    the capital operations registers' listing steps and reforms."""

    attributes: pl.DataFrame = attrs.field(eq=False)  #: :data:`~.attributes.ATTRIBUTE_SCHEMA`
    listings: pl.DataFrame = attrs.field(
        factory=lambda: pl.DataFrame(schema=LISTING_FRAME_SCHEMA), eq=False
    )
    reforms: pl.DataFrame = attrs.field(
        factory=lambda: pl.DataFrame(schema=REFORM_FRAME_SCHEMA), eq=False
    )
    #: the plugins' registers used for units the store has none of (``soeplan_capital_registers``)
    provided: tuple[CapitalRegisters, ...] = ()
    #: findings of the inputs themselves (a plugin's register that cannot be read)
    findings: pl.DataFrame = attrs.field(factory=empty_findings, eq=False)


def store_inputs(
    store: Store | Path | str, years: Iterable[int], *, plugins: bool = True
) -> CapitalInputs:
    """The capital inputs of a store: its registers' attributes for ``years`` and its capital
    operations registers (each unit's latest version); for a unit the store has none of, the
    registers a county plugin provides (``soeplan_capital_registers``; not with
    ``plugins=False``)."""
    years = list(years)
    attributes = store_attributes(store, years)
    ops = stored_operations(store)
    if not plugins:
        return CapitalInputs(attributes, *operations_frames(ops))
    more = provided_capital(years, have_registers=set(attributes["unit"].to_list()),
                            have_operations={o.unit for o in ops})  # fmt: skip
    listings, reforms = operations_frames([*ops, *more.operations])
    return CapitalInputs(
        pl.concat([attributes, more.attributes]), listings, reforms, more.used, more.findings
    )


def sample_inputs() -> CapitalInputs:
    """The synthetic sample's capital inputs (registers and capital operations)."""
    listings, reforms = operations_frames(sample_operations())
    return CapitalInputs(sample_attributes(), listings, reforms)


@attrs.frozen
class CapitalView:
    """The capital figures of a run (passed to the report sections as option ``capital``)."""

    attributes: pl.DataFrame = attrs.field(eq=False)  #: :data:`~.attributes.ATTRIBUTE_SCHEMA`
    definition: CapitalDefinition
    entities: pl.DataFrame = attrs.field(eq=False)  #: :func:`~.layout.entity_capital`
    derived: pl.DataFrame = attrs.field(eq=False)  #: :func:`~.layout.capital_observations`
    findings: pl.DataFrame = attrs.field(eq=False)  #: :func:`~.ratings.rating_findings`
    synthetic: bool = False
    listings: pl.DataFrame = attrs.field(
        factory=lambda: pl.DataFrame(schema=LISTING_FRAME_SCHEMA), eq=False
    )
    reforms: pl.DataFrame = attrs.field(
        factory=lambda: pl.DataFrame(schema=REFORM_FRAME_SCHEMA), eq=False
    )
    provided: tuple[CapitalRegisters, ...] = ()  #: :attr:`CapitalInputs.provided`


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
        findings=pl.concat(
            [rating_findings(observations, attributes), listed_findings(observations, attributes)]
        ),
        synthetic=synthetic,
    )


def with_capital(
    observations: pl.DataFrame,
    registers: CapitalInputs | pl.DataFrame | None,
    structure: Structure | None,
    definition: CapitalDefinition | None = None,
    synthetic: bool = False,
) -> tuple[pl.DataFrame, CapitalView | None]:
    """The observations with the derived capital indicators added (to be consolidated), and the
    run's :class:`CapitalView`; the observations as they are, and ``None``, without registers.
    ``registers``: the :class:`CapitalInputs`, or the registers' attributes alone."""
    inputs = CapitalInputs(registers) if isinstance(registers, pl.DataFrame) else registers
    if inputs is None or inputs.attributes.height == 0 or "unit" not in observations.columns:
        return observations, None
    view = capital_view(observations, inputs.attributes, structure, definition, synthetic=synthetic)
    view = attrs.evolve(
        view,
        listings=inputs.listings,
        reforms=inputs.reforms,
        provided=inputs.provided,
        findings=pl.concat(
            [view.findings, inputs.findings,
             *([reform_event_findings(inputs.reforms, structure)] if structure else [])],
            how="vertical_relaxed",
        ),
    )  # fmt: skip
    derived = (
        view.derived.select(observations.columns)
        if set(observations.columns) <= set(view.derived.columns)
        else view.derived
    )
    return pl.concat([observations, derived], how="diagonal_relaxed"), view
