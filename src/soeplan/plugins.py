"""The plugin manager and the registry of everything plugins (and the core) register.

Plugins are found through the ``soeplan`` entry-point group. Each entry point is loaded on its
own: one that fails to import, or whose hook raises or returns bad records, is reported by name and
skipped (or, in strict mode, is an error). ``SOEPLAN_PLUGINS=a,b`` pins which plugins load; the
core (``core``) always loads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from types import ModuleType
from typing import Any, TypeVar

import attrs
import pluggy

from soeplan import hookspecs
from soeplan.errors import PluginError
from soeplan.provenance import Provider

ENTRY_POINT_GROUP = "soeplan"
CORE = "core"

R = TypeVar("R")


@attrs.frozen
class PluginFailure:
    """A plugin that could not be used, and why."""

    plugin: str
    stage: str  # "import", "register" or the hook name
    reason: str

    def __str__(self) -> str:
        return f"plugin {self.plugin!r} skipped ({self.stage}): {self.reason}"


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
        if self.strict:
            raise PluginError(
                str(failure) + "\n  (strict plugin mode: fix or uninstall the plugin, "
                "or unset SOEPLAN_STRICT_PLUGINS)"
            )
        self.failures.append(failure)

    def collect(
        self,
        hook_name: str,
        record_type: type[R] | tuple[type, ...],
        key: Callable[[R], str],
        **kwargs: Any,
    ) -> dict[str, R]:
        """Call one hook on every plugin, validate and stamp the records, refuse duplicates.

        Returns the records keyed by id, sorted by id.
        """
        caller = getattr(self.pm.hook, hook_name)
        seen: dict[str, R] = {}
        for impl in sorted(caller.get_hookimpls(), key=lambda i: i.plugin_name):
            provider = self.provider_of(impl.plugin)
            args = {k: v for k, v in kwargs.items() if k in impl.argnames}
            try:
                result = impl.function(**args)
                records = list(result) if result is not None else []
            except Exception as exc:  # a plugin's bug must not take the host down
                self.fail(PluginFailure(provider.plugin, hook_name, f"{type(exc).__name__}: {exc}"))
                continue
            bad = [r for r in records if not isinstance(r, record_type)]
            if bad:
                self.fail(
                    PluginFailure(
                        provider.plugin,
                        hook_name,
                        f"returned {type(bad[0]).__name__}, expected {_names(record_type)}",
                    )
                )
                continue
            for rec in records:
                if "provider" in attrs.fields_dict(type(rec)):
                    rec = attrs.evolve(rec, provider=provider)
                k = key(rec)
                if k in seen:
                    other = getattr(seen[k], "provider", None)
                    raise PluginError(
                        f"two plugins register the same {hook_name.removeprefix('soeplan_')} id {k!r}: "
                        f"{other} and {provider}\n  fix: rename one of them, or uninstall one plugin"
                    )
                seen[k] = rec
        return dict(sorted(seen.items()))


def _names(t: type | tuple[type, ...]) -> str:
    return " or ".join(x.__name__ for x in (t if isinstance(t, tuple) else (t,)))


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


def make_host(
    *,
    strict: bool | None = None,
    load_entry_points: bool = True,
    extra: Iterable[tuple[str, ModuleType | object]] = (),
) -> PluginHost:
    """Build a plugin host: the core first, then every entry point (each on its own), then ``extra``."""
    from soeplan import __version__, _builtin

    pm = pluggy.PluginManager("soeplan")
    pm.add_hookspecs(hookspecs)
    host = PluginHost(pm, strict=strict_from_env() if strict is None else strict)
    pm.register(_builtin, name=CORE)
    host.providers[CORE] = Provider(CORE, "soeplan", __version__)
    if load_entry_points:
        pinned = _env_list("SOEPLAN_PLUGINS")
        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if ep.name == CORE or (pinned is not None and ep.name not in pinned):
                continue
            dist = ep.dist
            provider = Provider(ep.name, dist.name if dist else "", dist.version if dist else "")
            try:
                plugin = ep.load()
            except Exception as exc:
                host.fail(PluginFailure(ep.name, "import", f"{type(exc).__name__}: {exc}"))
                continue
            _register(host, ep.name, plugin, provider)
    for name, plugin in extra:
        _register(host, name, plugin, Provider(name))
    return host


def _register(host: PluginHost, name: str, plugin: object, provider: Provider) -> None:
    try:
        host.pm.register(plugin, name=name)
        host.pm.check_pending()
    except Exception as exc:
        if host.pm.is_registered(plugin):
            host.pm.unregister(plugin)
        host.fail(PluginFailure(name, "register", f"{type(exc).__name__}: {exc}"))
        return
    host.providers[name] = provider


@attrs.frozen
class Registry:
    """Everything registered through the hooks, merged, sorted and stamped with its provider."""

    host: PluginHost
    indicators: Mapping[str, Any]
    plans: Mapping[str, Any]
    structures: Mapping[str, Any] = attrs.field(factory=dict)
    rules: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def failures(self) -> list[PluginFailure]:
        return self.host.failures


def build_registry(host: PluginHost | None = None) -> Registry:
    from soeplan.indicators import Indicator, check_formulas
    from soeplan.plan import PlanSource
    from soeplan.rules import Rule
    from soeplan.structures import UnitStructure

    host = host or make_host()
    indicators = host.collect("soeplan_indicators", Indicator, lambda i: i.code)
    problems = check_formulas(indicators.values(), set(indicators))
    if problems:
        raise PluginError("registered indicators are inconsistent", problems=problems)
    plans = host.collect("soeplan_plans", PlanSource, lambda p: p.id)
    structures = host.collect("soeplan_structures", UnitStructure, lambda s: s.unit)
    rules = host.collect("soeplan_rules", Rule, lambda r: r.id)
    return Registry(
        host=host, indicators=indicators, plans=plans, structures=structures, rules=rules
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
