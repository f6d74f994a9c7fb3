"""The plugin manager and the registry of everything plugins (and the core) register.

Plugins are found through the ``soeplan`` entry-point group. Each entry point is loaded on its
own: one that fails to import, implements a hook soeplan does not have, or whose hook raises or
returns bad records, is reported by name with the reason and skipped (or, in strict mode,
``SOEPLAN_STRICT_PLUGINS=1`` / ``--strict-plugins``, is a :class:`~soeplan.errors.PluginError`).
``SOEPLAN_PLUGINS=a,b`` pins which plugins load; the core (``core``) always loads.

Records are validated (type and id), stamped with the :class:`~soeplan.provenance.Provider` they
came from, refused when two providers register the same id, and sorted by id, so the order in
which plugins were registered never shows.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import pluggy

from soeplan.errors import PluginError, Problem
from soeplan.plugins import hookspecs
from soeplan.provenance import Provider

if TYPE_CHECKING:
    import polars as pl

    from soeplan.plan.model import Plan, Target

ENTRY_POINT_GROUP = "soeplan"
CORE = "core"
#: The columns every observations frame has (``soeplan_load_observations``).
OBSERVATION_COLUMNS = ("unit", "entity", "year", "indicator", "value")

R = TypeVar("R")

_ID = re.compile(r"^[^\s]+$")


@attrs.frozen
class PluginFailure:
    """A plugin that could not be used (or one of its hooks), and why."""

    plugin: str
    stage: str  #: "import", "register", "pin" or the hook name
    reason: str

    def __str__(self) -> str:
        return f"plugin {self.plugin!r} skipped ({self.stage}): {self.reason}"


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
            "failures": [{"stage": f.stage, "reason": f.reason} for f in self.failures],
        }


@attrs.define
class PluginHost:
    """A pluggy manager plus what the host knows about each registered plugin."""

    pm: pluggy.PluginManager
    providers: dict[str, Provider] = attrs.field(factory=dict)
    failures: list[PluginFailure] = attrs.field(factory=list)
    strict: bool = False

    def provider_of(self, plugin: object) -> Provider:
        name = self.pm.get_name(plugin) or repr(plugin)
        return self.providers.get(name, Provider(name))

    def fail(self, failure: PluginFailure) -> None:
        """Report a failure: remembered and skipped, or in strict mode a :class:`PluginError`."""
        if self.strict:
            raise PluginError(
                f"plugin {failure.plugin!r} failed ({failure.stage}): {failure.reason}\n"
                "  fix: repair or uninstall the plugin, or pin the plugins that load with "
                "SOEPLAN_PLUGINS (strict plugin mode: SOEPLAN_STRICT_PLUGINS / --strict-plugins)"
            )
        if failure not in self.failures:
            self.failures.append(failure)

    def plugin_names(self) -> list[str]:
        """Names of the registered plugins, the core first, then sorted."""
        names = [n for n, _ in self.pm.list_name_plugin() if n is not None]
        return sorted(names, key=lambda n: (n != CORE, n))

    def hooks_of(self, name: str) -> tuple[str, ...]:
        plugin = self.pm.get_plugin(name)
        callers = self.pm.get_hookcallers(plugin) if plugin is not None else None
        return tuple(sorted(c.name for c in callers or ()))

    def _impls(self, hook_name: str) -> list[Any]:
        caller = getattr(self.pm.hook, hook_name)
        return sorted(caller.get_hookimpls(), key=lambda i: i.plugin_name)

    def collect(
        self,
        hook_name: str,
        record_type: type[R] | tuple[type, ...],
        key: Callable[[R], str],
        **kwargs: Any,
    ) -> dict[str, R]:
        """Call one hook on every plugin, validate and stamp the records, refuse duplicates.

        A plugin whose hook raises, returns something that is not an iterable of
        ``record_type``, or returns a record without a valid id or with problems (see
        :func:`record_problems`) is reported and its records for this hook are skipped.
        Returns the records keyed by id, sorted by id.
        """
        seen: dict[str, R] = {}
        for impl in self._impls(hook_name):
            provider = self.provider_of(impl.plugin)
            args = {k: v for k, v in kwargs.items() if k in impl.argnames}
            try:
                result = impl.function(**args)
                records = list(result) if result is not None else []
            except Exception as exc:  # a plugin's bug must not take the host down
                self.fail(PluginFailure(provider.plugin, hook_name, f"{type(exc).__name__}: {exc}"))
                continue
            problems = _check_records(records, record_type, key)
            if problems:
                self.fail(PluginFailure(provider.plugin, hook_name, "; ".join(problems)))
                continue
            mine: dict[str, R] = {}
            for rec in records:
                if "provider" in attrs.fields_dict(type(rec)):
                    rec = attrs.evolve(rec, provider=provider)
                k = key(rec)
                if k in mine:
                    self.fail(
                        PluginFailure(
                            provider.plugin, hook_name, f"returned the id {k!r} more than once"
                        )
                    )
                    mine = {}
                    break
                mine[k] = rec
            for k, rec in mine.items():
                if k in seen:
                    raise duplicate_error(
                        hook_name, k, getattr(seen[k], "provider", None), provider
                    )
                seen[k] = rec
        return dict(sorted(seen.items()))

    def first_result(self, hook_name: str, check: Callable[[Any], str], **kwargs: Any) -> Any:
        """Call a ``firstresult`` hook plugin by plugin (sorted by name); the first valid answer wins.

        ``check`` returns a problem text for a bad answer (reported, and the next plugin asked).
        """
        for impl in self._impls(hook_name):
            provider = self.provider_of(impl.plugin)
            args = {k: v for k, v in kwargs.items() if k in impl.argnames}
            try:
                result = impl.function(**args)
            except Exception as exc:
                self.fail(PluginFailure(provider.plugin, hook_name, f"{type(exc).__name__}: {exc}"))
                continue
            if result is None:
                continue
            problem = check(result)
            if problem:
                self.fail(PluginFailure(provider.plugin, hook_name, problem))
                continue
            return result
        return None


def duplicate_error(hook_name: str, key: str, first: object, second: object) -> PluginError:
    what = hook_name.removeprefix("soeplan_")
    return PluginError(
        f"two plugins register the same {what} id {key!r}: {first} and {second}\n"
        "  fix: rename one of them, or uninstall one of the plugins"
    )


def _names(t: type | tuple[type, ...]) -> str:
    return " or ".join(x.__name__ for x in (t if isinstance(t, tuple) else (t,)))


def _check_records(
    records: list[Any], record_type: type | tuple[type, ...], key: Callable[[Any], str]
) -> list[str]:
    out: list[str] = []
    for i, rec in enumerate(records):
        if not isinstance(rec, record_type):
            out.append(f"record {i} is a {type(rec).__name__}, expected {_names(record_type)}")
            continue
        k = key(rec)
        if not isinstance(k, str) or not _ID.match(k):
            out.append(f"record {i} ({type(rec).__name__}) has no valid id: {k!r}")
            continue
        out += [f"{k}: {p.what}" for p in record_problems(rec)]
    return out


def record_problems(record: object) -> list[Problem]:
    """What is wrong with one registered record, beyond its type (every problem at once).

    Checks the labels people see (Chinese *and* English), ids, and the internal consistency of
    a structure (unique entity ids, entities of the structure's own unit, events about known
    entities). Used by the host on every record and by :mod:`soeplan.testing`.
    """
    from soeplan.indicators import Indicator
    from soeplan.plan.model import PlanSource, Target
    from soeplan.rules import Rule, Severity
    from soeplan.sections import ReportSection, Text
    from soeplan.structure.records import EventKind, FunctionalClass, NodeType, UnitStructure

    problems: list[Problem] = []

    def need(where: str, value: object, what: str) -> None:
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(where, f"{what} is missing", f"give it a {what}"))

    if isinstance(record, Indicator):
        where = f"indicator {record.code}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", record.code):
            problems.append(Problem(where, "code is not snake_case", "use e.g. waste_received"))
        need(where, record.name_zh, "Chinese name (name_zh)")
        need(where, record.name_en, "English name (name_en)")
        need(where, record.unit, "unit")
    elif isinstance(record, Rule):
        where = f"rule {record.id}"
        need(where, record.description_zh, "Chinese description (description_zh)")
        need(where, record.description_en, "English description (description_en)")
        if not isinstance(record.severity, Severity):
            problems.append(Problem(where, "severity is not a Severity", "use Severity.WARNING"))
        if not callable(record.check):
            problems.append(Problem(where, "check is not callable", "pass a function"))
    elif isinstance(record, ReportSection):
        where = f"section {record.id}"
        if not isinstance(record.title, Text):
            problems.append(Problem(where, "title is not a Text", 'use Text(zh="…", en="…")'))
        else:
            need(where, record.title.zh, "Chinese title")
            need(where, record.title.en, "English title")
        if not callable(record.render):
            problems.append(Problem(where, "render is not callable", "pass a function"))
    elif isinstance(record, UnitStructure):
        where = f"structure {record.unit}"
        ids = [e.id for e in record.entities]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(Problem(where, f"entity id {dup!r} appears twice", "keep one"))
        for e in record.entities:
            if e.unit != record.unit:
                problems.append(
                    Problem(
                        f"{where}, entity {e.id}",
                        f"belongs to unit {e.unit!r}, not {record.unit!r}",
                        "register each unit's entities in that unit's structure",
                    )
                )
            need(f"{where}, entity {e.id}", e.name_zh, "Chinese name (name_zh)")
            if not isinstance(e.node_type, NodeType):
                problems.append(
                    Problem(
                        f"{where}, entity {e.id}",
                        f"node_type {e.node_type!r} is not a NodeType",
                        "use soeplan.NodeType (SINGLE, GROUP or DIFFERENCE)",
                    )
                )
            if e.functional_class is not None and not isinstance(
                e.functional_class, FunctionalClass
            ):
                problems.append(
                    Problem(
                        f"{where}, entity {e.id}",
                        f"functional_class {e.functional_class!r} is not a FunctionalClass",
                        "use soeplan.FunctionalClass or None",
                    )
                )
        known = set(ids)
        for e in record.entities:
            if e.parent is not None and e.parent not in known:
                problems.append(
                    Problem(
                        f"{where}, entity {e.id}",
                        f"parent {e.parent!r} is not an entity of this structure",
                        "add the parent, or correct the id",
                    )
                )
        for n, ev in enumerate(record.events):
            if not isinstance(ev.kind, EventKind):
                problems.append(
                    Problem(f"{where}, event {n}", f"kind {ev.kind!r} is not an EventKind", "")
                )
                continue
            if ev.entity not in known:
                problems.append(
                    Problem(
                        f"{where}, event {n} ({ev.kind.value} {ev.date})",
                        f"entity {ev.entity!r} is not an entity of this structure",
                        "events may only change the unit's own entities",
                    )
                )
    elif isinstance(record, Target):
        where = f"target {record.id}"
        need(where, record.scope, "scope")
        need(where, record.indicator, "indicator")
    elif isinstance(record, PlanSource):
        need(f"plan {record.id}", record.path, "path")
    return problems


def _env_list(name: str) -> list[str] | None:
    raw = os.environ.get(name)
    if raw is None:
        return None
    return [p.strip() for p in raw.split(",") if p.strip()]


def strict_from_env() -> bool:
    return os.environ.get("SOEPLAN_STRICT_PLUGINS", "").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def pinned_plugins() -> list[str] | None:
    """The plugin names ``SOEPLAN_PLUGINS`` pins (``None``: not set, every plugin loads)."""
    return _env_list("SOEPLAN_PLUGINS")


def make_host(
    *,
    strict: bool | None = None,
    load_entry_points: bool = True,
    extra: Iterable[tuple[str, ModuleType | object]] = (),
) -> PluginHost:
    """Build a plugin host: the core first, then every entry point (each on its own), then ``extra``.

    ``extra`` registers plugin objects directly (name, module); the conformance kit and tests
    use it to load a plugin without installing it.
    """
    from soeplan._version import __version__
    from soeplan.plugins import builtin as _builtin

    pm = pluggy.PluginManager("soeplan")
    pm.add_hookspecs(hookspecs)
    host = PluginHost(pm, strict=strict_from_env() if strict is None else strict)
    pm.register(_builtin, name=CORE)
    host.providers[CORE] = Provider(CORE, "soeplan", __version__)
    if load_entry_points:
        _load_entry_points(host)
    for name, plugin in extra:
        _register(host, name, plugin, Provider(name))
    return host


def _load_entry_points(host: PluginHost) -> None:
    pinned = pinned_plugins()
    found: dict[str, Provider] = {}
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = ep.dist
        provider = Provider(ep.name, dist.name if dist else "", dist.version if dist else "")
        if ep.name == CORE:
            host.fail(PluginFailure(ep.name, "register", f"{provider}: the name core is reserved"))
            continue
        if pinned is not None and ep.name not in pinned:
            continue
        if ep.name in found:
            if found[ep.name] != provider:
                host.fail(
                    PluginFailure(
                        ep.name,
                        "register",
                        f"two installed distributions name a plugin {ep.name!r}: "
                        f"{found[ep.name]} and {provider}; uninstall one",
                    )
                )
            continue
        found[ep.name] = provider
        try:
            plugin = ep.load()
        except Exception as exc:
            host.fail(PluginFailure(ep.name, "import", f"{type(exc).__name__}: {exc}"))
            continue
        _register(host, ep.name, plugin, provider)
    for name in pinned or ():
        if name != CORE and name not in found:
            host.fail(
                PluginFailure(
                    name,
                    "pin",
                    "SOEPLAN_PLUGINS names it but no installed distribution provides it "
                    f"(installed: {', '.join(sorted(_installed_names())) or 'none'})",
                )
            )


def _installed_names() -> set[str]:
    return {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def _unknown_hooks(pm: pluggy.PluginManager, plugin: object) -> list[str]:
    out = []
    for caller in pm.get_hookcallers(plugin) or ():
        if caller.spec is None and any(
            not i.optionalhook for i in caller.get_hookimpls() if i.plugin is plugin
        ):
            out.append(caller.name)
    return sorted(out)


def _register(host: PluginHost, name: str, plugin: object, provider: Provider) -> None:
    pm = host.pm
    if pm.has_plugin(name):
        host.fail(PluginFailure(name, "register", "a plugin of that name is already registered"))
        return
    try:
        pm.register(plugin, name=name)
    except Exception as exc:
        host.fail(PluginFailure(name, "register", f"{type(exc).__name__}: {exc}"))
        return
    unknown = _unknown_hooks(pm, plugin)
    if unknown:
        pm.unregister(plugin)
        known = sorted(h for h in dir(hookspecs) if h.startswith("soeplan_"))
        hints = []
        for h in unknown:
            close = difflib.get_close_matches(h, known, n=1)
            hints.append(f"{h} (did you mean {close[0]}?)" if close else h)
        host.fail(
            PluginFailure(
                name,
                "register",
                "implements hooks that soeplan does not have: "
                + ", ".join(hints)
                + f"; soeplan's hooks are {', '.join(known)}",
            )
        )
        return
    host.providers[name] = provider


def _check_observations(frame: Any) -> str:
    import polars as pl

    if not isinstance(frame, pl.DataFrame):
        return f"returned a {type(frame).__name__}, expected a polars DataFrame or None"
    missing = [c for c in OBSERVATION_COLUMNS if c not in frame.columns]
    if missing:
        return f"the frame lacks the columns {', '.join(missing)}"
    return ""


@attrs.frozen
class Registry:
    """Everything registered through the hooks, merged, sorted and stamped with its provider."""

    host: PluginHost
    indicators: Mapping[str, Any]
    plans: Mapping[str, Any]
    structures: Mapping[str, Any] = attrs.field(factory=dict)
    rules: Mapping[str, Any] = attrs.field(factory=dict)
    sections: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def failures(self) -> list[PluginFailure]:
        return self.host.failures

    def targets(self, plan: Plan) -> dict[str, Target]:
        """The plan's own targets merged with those plugins register for it (``soeplan_targets``).

        A plugin's target without a ``plan`` is taken as one of ``plan``'s. Two targets with the
        same id (plan, scope, indicator, year) from different providers are refused, naming both;
        merging a plan that already carries a plugin's targets again changes nothing.
        """
        from soeplan.plan.model import Target

        own_provider = plan.provider or Provider(CORE, "soeplan", _version())
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

    def load_observations(self, unit: str, year: int, source: str) -> pl.DataFrame | None:
        """Ask the plugins, in name order, to load ``unit``'s observations for ``year`` from ``source``.

        The first plugin that returns a frame wins (``soeplan_load_observations`` is a
        ``firstresult`` hook); ``None`` when no plugin understands the source.
        """
        result: pl.DataFrame | None = self.host.first_result(
            "soeplan_load_observations", _check_observations, unit=unit, year=year, source=source
        )
        return result

    def plugins(self) -> list[PluginInfo]:
        """Each registered plugin (and each that failed), with what it implements and registered."""
        registered: dict[str, dict[str, list[str]]] = {}
        kinds: dict[str, Mapping[str, Any]] = {
            "indicators": self.indicators,
            "plans": self.plans,
            "structures": self.structures,
            "rules": self.rules,
            "report_sections": self.sections,
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


def _version() -> str:
    from soeplan._version import __version__

    return __version__


def _quiet_plan(path: str, indicators: Mapping[str, Any]) -> Plan | None:
    from pathlib import Path

    from soeplan.errors import SoeplanError
    from soeplan.plan.model import load_plan_file

    try:
        return load_plan_file(Path(path), indicators)
    except SoeplanError:
        return None


def build_registry(host: PluginHost | None = None) -> Registry:
    """Call every registering hook once and merge the results into a :class:`Registry`."""
    from soeplan.indicators import Indicator, check_formulas
    from soeplan.plan.model import PlanSource
    from soeplan.rules import Rule
    from soeplan.sections import ReportSection
    from soeplan.structure.records import UnitStructure

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
    return Registry(
        host=host,
        indicators=indicators,
        plans=plans,
        structures=structures,
        rules=rules,
        sections=sections,
    )


_REGISTRY: Registry | None = None


def get_registry() -> Registry:
    """The process-wide registry, built on first use."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = build_registry()
    return _REGISTRY


def set_registry(registry: Registry | None) -> None:
    """Replace (or with ``None`` reset) the process-wide registry; for tests and the CLI."""
    global _REGISTRY
    _REGISTRY = registry
