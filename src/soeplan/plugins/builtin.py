"""The core's own content, registered through the same hooks as any county plugin.

The core (plugin name ``core``) registers its indicator catalogue, its plans, the city's
structure, its validation rules, and loads its bundled synthetic sample through
``soeplan_load_observations``, as a county plugin loads its own figures: the demo and
``soeplan rollup --sample`` ask the registry for it (:func:`load_core_sample`), unit by unit and
year by year, like any county's source.

The core's sample answers the source :data:`SAMPLE_SOURCE` (``"soeplan:sample"``), not
``"sample"``: ``"sample"`` is each county plugin's own synthetic figures (its local metrics),
which are laid *over* the core's (:func:`soeplan.sdk.overlay_plugin_samples`). The hook is a
``firstresult`` hook asked in plugin-name order with the core first, so a core answering
``"sample"`` would hide every county's sample.

The report's fixed parts (plan tables, assessment, compliance, charts, watch list) are typed
parts of the report model, not :class:`~soeplan.sections.ReportSection` content;
:mod:`soeplan.report.sections` says why. The core's *analysis* sections (progress by unit,
debt-risk monitoring, loss-makers: :mod:`soeplan.report.units`) are plain tables and text, so
the core registers them as sections, through the same hook as a county.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING

from soeplan.context import current
from soeplan.indicators import Indicator, builtin_indicators
from soeplan.plan.model import PlanSource
from soeplan.plugins.hookspecs import hookimpl
from soeplan.rules import Rule
from soeplan.scoring.records import Scheme
from soeplan.sections import ReportSection
from soeplan.structure.records import UnitStructure

if TYPE_CHECKING:
    import polars as pl

    from soeplan.plugins.registry import Registry

BUILTIN_PLANS = ("quzhou-14th",)

#: The source under which the core loads its bundled synthetic sample (one unit, one year).
SAMPLE_SOURCE = "soeplan:sample"


@hookimpl
def soeplan_indicators() -> Iterable[Indicator]:
    return builtin_indicators()


@hookimpl
def soeplan_plans() -> Iterable[PlanSource]:
    base = resources.files("soeplan") / "data" / "plans"
    return [PlanSource(id=p, path=str(base / f"{p}.toml")) for p in BUILTIN_PLANS]


@hookimpl
def soeplan_structures() -> Iterable[UnitStructure]:
    from soeplan.structure.city import city_file

    return city_file().unit_structures


@hookimpl
def soeplan_rules() -> Iterable[Rule]:
    from soeplan.submissions.core_rules import CORE_RULES

    return CORE_RULES


@hookimpl
def soeplan_report_sections() -> Iterable[ReportSection]:
    from soeplan.report.capital import capital_section
    from soeplan.report.scoring_section import scoring_section
    from soeplan.report.units import analysis_sections

    return [*analysis_sections(), capital_section(), scoring_section()]


@hookimpl
def soeplan_assessment_schemes() -> Iterable[Scheme]:
    from soeplan.scoring.defaults import default_schemes

    return default_schemes()


@hookimpl
def soeplan_load_observations(unit: str, year: int, source: str) -> pl.DataFrame | None:
    """The bundled synthetic sample's figures of ``unit`` for ``year``, for :data:`SAMPLE_SOURCE`.

    ``None`` for any other source, and for a unit or a year the sample does not cover.
    """
    if source != SAMPLE_SOURCE:
        return None
    from soeplan.errors import UnknownNameError
    from soeplan.sample import sample_unit

    try:
        return sample_unit(unit, year)
    except UnknownNameError:
        return None  # not a unit or a year of the sample


def load_core_sample(registry: Registry | None = None) -> pl.DataFrame:
    """The core's synthetic sample, asked of the registry for every unit of the city and year.

    Each (unit, year) is loaded through ``soeplan_load_observations`` with the source
    :data:`SAMPLE_SOURCE`, the way a county's figures are; the result is sorted like
    :func:`soeplan.sample.sample_observations` (unit, entity, year, indicator), whose frame it
    equals with the core's loader. Lay the county plugins' own sample figures over it with
    :func:`soeplan.sdk.overlay_plugin_samples`.
    """
    import polars as pl

    from soeplan.frames import LONG_SCHEMA, empty_long
    from soeplan.sample import SAMPLE_YEARS
    from soeplan.structure.city import city_file

    reg = current(registry)
    frames = [
        frame
        for unit in city_file().units
        for year in SAMPLE_YEARS
        if (frame := reg.load_observations(unit.id, year, SAMPLE_SOURCE)) is not None
    ]
    if not frames:
        return empty_long()
    columns = list(LONG_SCHEMA)
    return pl.concat([f.select(columns) for f in frames]).sort(
        "unit", "entity", "year", "indicator"
    )
