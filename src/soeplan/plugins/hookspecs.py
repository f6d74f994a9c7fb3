"""The hook specifications of soeplan: what a plugin can provide.

Every hook is prefixed ``soeplan_``. Hooks that *register* content return an iterable of frozen
records; the host merges the records of all plugins, refuses two records with the same id (naming
both providers), sorts them so registration order never matters, and stamps each with the plugin
it came from. The core registers its own content through these same hooks (``soeplan.plugins.builtin``).

An implementation may accept fewer arguments than the specification lists (pluggy passes only
those it names), so new arguments can be added without breaking old plugins.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import polars as pl

    from soeplan.indicators import Indicator
    from soeplan.plan.model import Plan, PlanSource, Target
    from soeplan.registers.provided import CapitalRegisters
    from soeplan.rules import Rule
    from soeplan.scoring.records import Scheme
    from soeplan.sections import ReportSection
    from soeplan.structure.records import UnitStructure

hookspec = pluggy.HookspecMarker("soeplan")
#: The marker of a plugin's hook implementations: ``@hookimpl`` above each ``soeplan_*`` function.
hookimpl = pluggy.HookimplMarker("soeplan")


@hookspec
def soeplan_indicators() -> Iterable[Indicator]:
    """Register indicators: the core's catalogue, or a county's own metrics.

    Return :class:`soeplan.Indicator` records. A county metric says whether it rolls up into
    city-wide figures through its ``aggregation`` (``none`` keeps it local) and, optionally,
    ``rolls_into`` (the code of a core indicator it counts toward) and ``magnitude`` (its largest
    value city-wide, which sets its plausible range where the plan publishes no figure for it).
    """


@hookspec
def soeplan_plans() -> Iterable[PlanSource]:
    """Register plans by id: return :class:`soeplan.PlanSource` records (an id and a file path)."""


@hookspec
def soeplan_targets(plan: Plan) -> Iterable[Target]:
    """Register extra targets for ``plan`` (e.g. a county's own targets for its unit's scope).

    ``plan`` is the :class:`soeplan.Plan` being run. Return :class:`soeplan.Target` records; a
    target whose ``plan`` is empty is taken as one of ``plan``'s. Return nothing for plans the
    plugin does not extend. :meth:`soeplan.plugins.registry.Registry.targets` merges them with the plan's
    own targets and refuses a target id (plan, scope, indicator, year) given twice.
    """


@hookspec
def soeplan_structures() -> Iterable[UnitStructure]:
    """Register dated operating structures, one :class:`soeplan.UnitStructure` per county-level unit.

    A unit's registered structure is authoritative for its entities; entities that only appear in
    a submission (or in the bundled sample) roll up flat under their unit.
    """


@hookspec
def soeplan_rules() -> Iterable[Rule]:
    """Register validation rules (审核公式): :class:`soeplan.Rule` records.

    A rule's ``check`` takes a :class:`soeplan.RuleContext` and returns a findings frame (columns
    :data:`soeplan.FINDING_SCHEMA`, messages in Chinese and English); it must not raise on valid
    data. Ids are global: prefix them with the plugin's name (``jiangshan.entity_vanished``).
    """


@hookspec
def soeplan_report_sections() -> Iterable[ReportSection]:
    """Register report sections: :class:`soeplan.ReportSection` records.

    A section's ``render`` is ``render(ctx: SectionContext) -> SectionContent``: it takes a
    :class:`soeplan.SectionContext` (the year, language, plan, structure, observations, the
    :class:`soeplan.Rollup` as ``ctx.consolidated`` with ``value(node, indicator, year)``, and
    the same rollup as a long frame ``ctx.rollup``) and returns a
    :class:`soeplan.SectionContent`: paragraphs and tables whose every label is a
    :class:`soeplan.Text` with Chinese and English forms. It must render from any context,
    saying so when the figures it needs are missing. The fields are described in
    :doc:`/reference/plugin-sdk`; figures in sentences are printed with the helpers of
    :mod:`soeplan.sdk` (``percent``, ``thousands``, ``quantity``, ``figure``).
    """


@hookspec
def soeplan_assessment_schemes() -> Iterable[Scheme]:
    """Register classified-assessment schemes (分类考核方案): :class:`soeplan.Scheme` records.

    A scheme names its indicators with their weights (summing to 100) and directions, and
    applies to a functional class (``functional_class``), to that class within one county-level
    unit (``functional_class`` and ``unit``: a county's own scheme for its enterprises), or to one
    enterprise (``entity``: 一企一策). The more specific scheme wins
    (:func:`soeplan.choose_scheme`): enterprise, then class within a unit, then class
    city-wide; at the same level a plugin's scheme wins over the core's defaults (``default``),
    and two plugins' schemes for the same enterprise or class and unit are refused when scored.
    The core registers its default scheme per class (:func:`soeplan.default_schemes`);
    ``soeplan score --scheme FILE`` replaces them all with the office's file. Ids are global:
    prefix them with the plugin's name (``kecheng.public``).
    """


@hookspec
def soeplan_capital_registers() -> Iterable[CapitalRegisters]:
    """Register a unit's capital registers: :class:`soeplan.CapitalRegisters` records, one per
    county-level unit (its id is the unit's).

    A record carries the unit's enterprise registers (:class:`soeplan.Register`: sector, state
    share, listing and credit rating per enterprise, dated) and its capital operations register
    (:class:`soeplan.Operations`: the listing pipeline and the reforms), as records or as the
    paths of their workbooks (read and checked as a clerk's are). Two plugins' records for the
    same unit are refused, naming both. A run uses them for the section 布局与资本运作 where the
    store holds no register of that kind for the unit (the office's loaded registers win); a
    file that cannot be read is a finding (rule ``core.capital_registers``) and the unit goes
    without. Mark invented registers ``synthetic=True``: the report says so.
    """


@hookspec(firstresult=True)
def soeplan_load_observations(unit: str, year: int, source: str) -> pl.DataFrame | None:
    """Load a unit's observations for ``year`` from a county's own ``source`` (a path or URI).

    ``unit`` is a county-level unit id (``"kecheng"``), ``year`` the report year and ``source``
    whatever the caller names (a file path, a URI, or ``"sample"`` for a plugin's bundled
    synthetic figures). Return a long frame (``unit, entity, year, indicator, value``) if this
    plugin understands the source, else ``None``. Plugins are asked in name order; the first
    well-formed frame wins (:meth:`soeplan.plugins.registry.Registry.load_observations`).

    The core implements it too: for the source ``"soeplan:sample"``
    (:data:`soeplan.plugins.builtin.SAMPLE_SOURCE`) it returns its bundled synthetic sample of
    the unit, which is how the demo and ``soeplan rollup --sample`` load it. It never answers
    ``"sample"``: that source stays each county plugin's own sample figures, laid over the core's.
    """
