"""The registry: everything the core and the plugins register, merged into one typed object.

A :class:`Registry` is built once from a plugin host (:func:`build_registry`, or in one line
:meth:`Registry.build`) and passed to what needs it. Scripts rarely name it: a function that is
not given one uses the registry made current by :meth:`Registry.active`, else the process
default (:func:`get_registry`, the core plus every installed plugin); see
:mod:`soeplan.context`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import attrs

from soeplan._version import __version__
from soeplan.context import using
from soeplan.errors import PluginError, Problem, SoeplanError
from soeplan.frames import LONG_SCHEMA
from soeplan.indicators import Indicator, check_formulas
from soeplan.plan.file import load_plan_file
from soeplan.plan.model import Plan, PlanSource, Target
from soeplan.plugins.host import CORE, PluginHost, duplicate_error, make_host
from soeplan.provenance import PluginFailure, Provider, a_type
from soeplan.registers.provided import CapitalRegisters
from soeplan.rules import Rule
from soeplan.scoring.records import Scheme
from soeplan.sections import ReportSection
from soeplan.structure.records import UnitStructure

if TYPE_CHECKING:
    import polars as pl


@attrs.frozen
class PluginInfo:
    """What ``soeplan plugins`` shows for one plugin."""

    name: str
    distribution: str
    version: str
    hooks: tuple[str, ...]
    registered: Mapping[str, tuple[str, ...]]
    failures: tuple[PluginFailure, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "hooks": list(self.hooks),
            "registered": {k: list(v) for k, v in self.registered.items()},
            "failures": [
                {"stage": f.stage, "reason": f.reason, "record": f.record, "where": f.where}
                for f in self.failures
            ],
        }


def _check_observations(frame: Any) -> str:
    import polars as pl

    if not isinstance(frame, pl.DataFrame):
        return f"returned {a_type(frame)}, expected a polars DataFrame or None"
    missing = [c for c in tuple(LONG_SCHEMA) if c not in frame.columns]
    if missing:
        return f"the frame lacks the columns {', '.join(missing)}"
    return ""


@attrs.frozen
class Registry:
    """Everything registered through the hooks, merged, sorted and stamped with its provider."""

    host: PluginHost
    indicators: Mapping[str, Indicator]
    plans: Mapping[str, PlanSource]
    structures: Mapping[str, UnitStructure] = attrs.field(factory=dict)
    rules: Mapping[str, Rule] = attrs.field(factory=dict)
    sections: Mapping[str, ReportSection] = attrs.field(factory=dict)
    #: classified-assessment schemes by id (``soeplan_assessment_schemes``)
    schemes: Mapping[str, Scheme] = attrs.field(factory=dict)
    #: the units' capital registers by unit (``soeplan_capital_registers``)
    capital_registers: Mapping[str, CapitalRegisters] = attrs.field(factory=dict)

    @classmethod
    def build(
        cls,
        *plugins: tuple[str, ModuleType | object],
        entry_points: bool = True,
        strict: bool | None = None,
    ) -> Registry:
        """A registry of the core, the installed plugins (unless ``entry_points=False``) and ``plugins``.

        ``plugins`` are ``(name, module)`` pairs registered directly, as a test or a notebook
        does with a plugin it has not installed:

        >>> from soeplan import Registry
        >>> core_only = Registry.build(entry_points=False)
        >>> sorted(core_only.structures)
        ['municipal']
        """
        return build_registry(
            make_host(strict=strict, load_entry_points=entry_points, extra=plugins)
        )

    @contextmanager
    def active(self) -> Iterator[Registry]:
        """Use this registry in the block wherever a call is not given one (per thread and task).

        >>> from soeplan import Registry, load_plan
        >>> from soeplan.context import current
        >>> core_only = Registry.build(entry_points=False)
        >>> with core_only.active():
        ...     current() is core_only, load_plan("quzhou-14th").id
        (True, 'quzhou-14th')
        >>> current() is core_only
        False
        """
        with using(self):
            yield self

    @property
    def failures(self) -> list[PluginFailure]:
        """Every plugin failure so far: loading, and (not in strict mode) its calls during runs."""
        return self.host.failures

    @property
    def strict(self) -> bool:
        """Strict plugin mode: any plugin failure is a :class:`~soeplan.errors.PluginError`."""
        return self.host.strict

    def new_failures(self) -> list[PluginFailure]:
        """The failures since the last call (each failure is handed out once, to be shown)."""
        new = self.host.failures[self.host.shown :]
        self.host.shown = len(self.host.failures)
        return new

    def load_failures(self) -> list[PluginFailure]:
        """The failures of loading the plugins (and of their registering hooks)."""
        return [f for f in self.failures if not f.during_run]

    def report_failure(self, failure: PluginFailure) -> None:
        """Report a failure of a plugin's code during a run (a rule, a section, a reader).

        Remembered in :attr:`failures` (the command line prints it on stderr), or in strict
        mode raised at once as a :class:`~soeplan.errors.PluginError`, before anything is
        written.
        """
        self.host.fail(failure)

    def targets(self, plan: Plan) -> dict[str, Target]:
        """The plan's own targets merged with those plugins register for it (``soeplan_targets``).

        A plugin's target without a ``plan`` is taken as one of ``plan``'s. Two targets with the
        same id (plan, scope, indicator, year) from different providers are refused, naming both;
        merging a plan that already carries a plugin's targets again changes nothing.
        """
        own_provider = plan.provider or Provider(CORE, "soeplan", __version__)
        # a plan that already carries plugins' targets (merged before) keeps their providers
        merged: dict[str, Target] = {
            t.id: attrs.evolve(t, provider=t.provider or own_provider) for t in plan.targets
        }

        def key(t: Target) -> str:
            return t.id if t.plan else f"{plan.id}{t.id}"

        extra = self.host.collect("soeplan_targets", Target, key, plan=plan)
        for k, t in extra.items():
            if not t.plan:
                t = attrs.evolve(t, plan=plan.id)
            if k in merged and merged[k].provider == t.provider:
                continue  # the same plugin's target, merged into this plan already
            if k in merged:
                raise duplicate_error("soeplan_targets", k, merged[k].provider, t.provider)
            merged[k] = t
        return dict(sorted(merged.items()))

    def plan_with_targets(self, plan: Plan) -> Plan:
        """``plan`` with the targets plugins register for it (a county's own, for its unit).

        What ``soeplan assess`` and the yearly report assess; see :meth:`targets`.
        """
        return attrs.evolve(plan, targets=tuple(self.targets(plan).values()))

    def load_observations(
        self,
        unit: str,
        year: int,
        source: str,
        *,
        failed: list[PluginFailure] | None = None,
    ) -> pl.DataFrame | None:
        """Ask the plugins, in name order, to load ``unit``'s observations for ``year`` from ``source``.

        The first plugin that returns a frame wins (``soeplan_load_observations`` is a
        ``firstresult`` hook); ``None`` when no plugin understands the source. A plugin that
        raises or returns something else than a frame of ``entity, year, indicator, value`` is
        a plugin failure (:meth:`report_failure`; also appended to ``failed``) and the next
        plugin is asked.
        """
        result: pl.DataFrame | None = self.host.first_result(
            "soeplan_load_observations",
            _check_observations,
            where=f"{unit} {year}, {source}",
            failed=failed,
            unit=unit,
            year=year,
            source=source,
        )
        return result

    def plugins(self) -> list[PluginInfo]:
        """Each registered plugin (and each that failed), with what it implements and registered."""
        registered: dict[str, dict[str, list[str]]] = {}
        kinds: dict[str, Mapping[str, object]] = {
            "indicators": self.indicators,
            "plans": self.plans,
            "structures": self.structures,
            "rules": self.rules,
            "report_sections": self.sections,
            "assessment_schemes": self.schemes,
            "capital_registers": self.capital_registers,
        }
        for kind, records in kinds.items():
            for k, rec in records.items():
                prov = getattr(rec, "provider", None)
                if prov is not None:
                    registered.setdefault(prov.plugin, {}).setdefault(kind, []).append(k)
        for plan_source in self.plans.values():
            plan = _quiet_plan(plan_source.path, self.indicators)
            if plan is None:
                continue
            for k, t in self.targets(plan).items():
                if t.provider is not None and t.provider.plugin != CORE:
                    registered.setdefault(t.provider.plugin, {}).setdefault("targets", []).append(k)
        infos = []
        names = self.host.plugin_names()
        failed = sorted({f.plugin for f in self.failures} - set(names))
        for name in [*names, *failed]:
            prov = self.host.providers.get(name, Provider(name))
            infos.append(
                PluginInfo(
                    name=name,
                    distribution=prov.distribution,
                    version=prov.version,
                    hooks=self.host.hooks_of(name) if name in names else (),
                    registered={k: tuple(v) for k, v in sorted(registered.get(name, {}).items())},
                    failures=tuple(f for f in self.failures if f.plugin == name),
                )
            )
        return infos


def _quiet_plan(path: str, indicators: Mapping[str, Indicator]) -> Plan | None:
    try:
        return load_plan_file(Path(path), indicators)
    except SoeplanError:
        return None


def build_registry(host: PluginHost | None = None) -> Registry:
    """Call every registering hook once and merge the results into a :class:`Registry`."""
    host = host or make_host()
    indicators = host.collect("soeplan_indicators", Indicator, lambda i: i.code)
    problems = check_formulas(indicators.values(), set(indicators))
    problems += [
        Problem(
            f"indicator {i.code}.rolls_into",
            f"{i.rolls_into!r} is not a registered indicator",
            "name a core indicator's code, e.g. rated_aa",
        )
        for i in indicators.values()
        if i.rolls_into is not None and i.rolls_into not in indicators
    ]
    if problems:
        raise PluginError("registered indicators are inconsistent", problems=problems)
    plans = host.collect("soeplan_plans", PlanSource, lambda p: p.id)
    structures = host.collect("soeplan_structures", UnitStructure, lambda s: s.unit)
    rules = host.collect("soeplan_rules", Rule, lambda r: r.id)
    sections = host.collect("soeplan_report_sections", ReportSection, lambda s: s.id)
    schemes = host.collect("soeplan_assessment_schemes", Scheme, lambda s: s.id)
    capital = host.collect("soeplan_capital_registers", CapitalRegisters, lambda c: c.unit)
    return Registry(
        host=host,
        indicators=indicators,
        plans=plans,
        structures=structures,
        rules=rules,
        sections=sections,
        schemes=schemes,
        capital_registers=capital,
    )


_REGISTRY: Registry | None = None


def get_registry() -> Registry:
    """The process-default registry (the core and every installed plugin), built on first use."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = build_registry()
    return _REGISTRY


def loaded_registry() -> Registry | None:
    """The process-default registry if it has been built, else ``None`` (never builds it)."""
    return _REGISTRY


def set_registry(registry: Registry | None) -> None:
    """Replace (or with ``None`` reset) the process-wide registry; for tests and the CLI."""
    global _REGISTRY
    _REGISTRY = registry
