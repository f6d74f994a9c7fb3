"""The plugin host: a pluggy manager that loads each plugin on its own and calls hooks safely.

Plugins are found through the ``soeplan`` entry-point group. Each entry point is loaded on its
own: one that fails to import, implements a hook soeplan does not have, or whose hook raises or
returns bad records, is reported by name with the reason and skipped (or, in strict mode,
``SOEPLAN_STRICT_PLUGINS=1`` / ``--strict-plugins``, is a :class:`~soeplan.errors.PluginError`).
``SOEPLAN_PLUGINS=a,b`` pins which plugins load; the core (``core``) always loads, registered
through the same hooks (:mod:`soeplan.plugins.builtin`). ``SOEPLAN_TRACE_PLUGINS=1`` prints
every hook call and its result on stderr (pluggy's tracing).

Hooks are called through pluggy, one plugin at a time, so hook wrappers and tracing work and a
failure is always one plugin's. Records are validated (type and id), stamped with the
:class:`~soeplan.provenance.Provider` they came from, refused when two providers register the
same id, and sorted by id, so the order in which plugins were registered never shows. What the
hooks return is merged into a :class:`~soeplan.plugins.registry.Registry`.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable, Iterable
from importlib import metadata
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import pluggy

from soeplan.errors import PluginError
from soeplan.plugins import hookspecs
from soeplan.plugins.checks import check_records
from soeplan.provenance import PluginFailure, Provider

if TYPE_CHECKING:
    from pluggy import HookImpl

ENTRY_POINT_GROUP = "soeplan"
CORE = "core"

R = TypeVar("R")

_TRUE = {"1", "true", "yes", "on"}


@attrs.define
class PluginHost:
    """A pluggy manager plus what the host knows about each registered plugin."""

    pm: pluggy.PluginManager
    providers: dict[str, Provider] = attrs.field(factory=dict)
    failures: list[PluginFailure] = attrs.field(factory=list)
    strict: bool = False
    shown: int = 0  #: how many of ``failures`` have been handed out to be shown

    def provider_of(self, plugin: object) -> Provider:
        name = self.pm.get_name(plugin) or repr(plugin)
        return self.providers.get(name, Provider(name))

    def fail(self, failure: PluginFailure) -> None:
        """Report a failure: remembered and skipped, or in strict mode a :class:`PluginError`.

        In strict mode the error is raised where the plugin failed, so a run stops before it
        writes anything (a report, a store entry, an annotated workbook).
        """
        if self.strict:
            raise strict_error(failure)
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

    def _impls(self, hook_name: str) -> list[HookImpl]:
        """The plain implementations of a hook (not wrappers), sorted by plugin name."""
        caller = getattr(self.pm.hook, hook_name)
        plain = [i for i in caller.get_hookimpls() if not (i.hookwrapper or i.wrapper)]
        return sorted(plain, key=lambda i: i.plugin_name)

    def _call(self, hook_name: str, impl: HookImpl, kwargs: dict[str, Any]) -> Any:
        """Call one plugin's implementation through pluggy, alone.

        The other plugins' plain implementations are left out of the call (pluggy's
        ``subset_hook_caller``), so a failure belongs to exactly one plugin, while hook wrappers
        and pluggy's tracing (``SOEPLAN_TRACE_PLUGINS``) still see every call.
        """
        others = [i.plugin for i in self._impls(hook_name) if i.plugin is not impl.plugin]
        caller = self.pm.subset_hook_caller(hook_name, remove_plugins=others)
        return caller(**kwargs)

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
        :func:`soeplan.plugins.checks.record_problems`) is reported and its records for this
        hook are skipped. Returns the records keyed by id, sorted by id.
        """
        seen: dict[str, R] = {}
        for impl in self._impls(hook_name):
            provider = self.provider_of(impl.plugin)
            try:
                results = self._call(hook_name, impl, kwargs)
                records = [rec for result in results for rec in result]
            except Exception as exc:  # a plugin's bug must not take the host down
                self.fail(PluginFailure(provider.plugin, hook_name, _raised(exc), provider))
                continue
            problems = check_records(records, record_type, key)
            if problems:
                self.fail(PluginFailure(provider.plugin, hook_name, "; ".join(problems), provider))
                continue
            mine: dict[str, R] = {}
            for rec in records:
                if "provider" in attrs.fields_dict(type(rec)):
                    rec = attrs.evolve(rec, provider=provider)
                k = key(rec)
                if k in mine:
                    again = f"returned the id {k!r} more than once"
                    self.fail(PluginFailure(provider.plugin, hook_name, again, provider))
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

    def first_result(
        self,
        hook_name: str,
        check: Callable[[Any], str],
        *,
        where: str = "",
        failed: list[PluginFailure] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Call a ``firstresult`` hook plugin by plugin (sorted by name); the first valid answer wins.

        ``check`` returns a problem text for a bad answer. A plugin that raises or answers badly
        is reported (:meth:`fail`, with ``where`` it was asked about) and the next plugin asked;
        its failure is also appended to ``failed``, so the caller can say why nobody answered.
        """
        for impl in self._impls(hook_name):
            provider = self.provider_of(impl.plugin)
            try:
                result = self._call(hook_name, impl, kwargs)
                problem = "" if result is None else check(result)
            except Exception as exc:
                problem = _raised(exc)
            if problem:
                failure = PluginFailure(provider.plugin, hook_name, problem, provider, where=where)
                if failed is not None:
                    failed.append(failure)
                self.fail(failure)
                continue
            if result is not None:
                return result
        return None


def _raised(exc: BaseException) -> str:
    return f"raised {type(exc).__name__}: {exc}"


def strict_error(failure: PluginFailure) -> PluginError:
    """The error strict plugin mode raises for ``failure`` (exit code 2, nothing written)."""
    return PluginError(
        f"{failure.headline()}\n"
        "  strict plugin mode (SOEPLAN_STRICT_PLUGINS / --strict-plugins): stopped before "
        "anything was written\n"
        "  fix: repair or uninstall the plugin, pin the plugins that load with SOEPLAN_PLUGINS, "
        "or run without strict plugin mode to go on without it"
    )


def duplicate_error(hook_name: str, key: str, first: object, second: object) -> PluginError:
    what = hook_name.removeprefix("soeplan_")
    return PluginError(
        f"two plugins register the same {what} id {key!r}: {first} and {second}\n"
        "  fix: rename one of them, or uninstall one of the plugins"
    )


def _env_list(name: str) -> list[str] | None:
    raw = os.environ.get(name)
    if raw is None:
        return None
    return [p.strip() for p in raw.split(",") if p.strip()]


def strict_from_env() -> bool:
    return os.environ.get("SOEPLAN_STRICT_PLUGINS", "").strip().lower() in _TRUE


def trace_from_env() -> bool:
    """Whether ``SOEPLAN_TRACE_PLUGINS`` asks for every hook call to be traced on stderr."""
    return os.environ.get("SOEPLAN_TRACE_PLUGINS", "").strip().lower() in _TRUE


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
    if trace_from_env():
        pm.trace.root.setwriter(sys.stderr.write)
        pm.enable_tracing()
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
            reserved = f"{provider}: the name core is reserved"
            host.fail(PluginFailure(ep.name, "register", reserved, provider))
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
            host.fail(PluginFailure(ep.name, "import", f"{type(exc).__name__}: {exc}", provider))
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


class _Namespace:
    """A hashable copy of a plugin object that is not hashable (a ``SimpleNamespace``, say).

    pluggy keeps plugins in sets when it calls one plugin alone (``subset_hook_caller``).
    """

    def __init__(self, plugin: object) -> None:
        for attr in dir(plugin):
            if not attr.startswith("__"):
                setattr(self, attr, getattr(plugin, attr))


def _register(host: PluginHost, name: str, plugin: object, provider: Provider) -> None:
    pm = host.pm
    if pm.has_plugin(name):
        again = "a plugin of that name is already registered"
        host.fail(PluginFailure(name, "register", again, provider))
        return
    if getattr(type(plugin), "__hash__", None) is None:
        plugin = _Namespace(plugin)
    try:
        pm.register(plugin, name=name)
    except Exception as exc:
        host.fail(PluginFailure(name, "register", f"{type(exc).__name__}: {exc}", provider))
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
                provider,
            )
        )
        return
    host.providers[name] = provider
