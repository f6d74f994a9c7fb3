"""Where a record came from (the plugin, its distribution and version), and what went wrong in it.

A :class:`Provider` is stamped on every registered record. A :class:`PluginFailure` is a
plugin that could not be used, or one call of its code (a rule, a section, a reader) that raised
or returned the wrong thing; a :class:`HookTiming` is how long one such call took. Both live
here, at the bottom of the house, so the layers that call a plugin's code (validation, the
report, the readers) can say *which* plugin failed or was slow without importing the host.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import attrs

#: A plugin's call that takes this many seconds or more is named in the progress output
#: (``SOEPLAN_SLOW_PLUGIN_SECONDS`` overrides it; ``0`` names every call with its time). The
#: core's own calls are named only when that variable is set: the first schema check pays
#: for importing pandera, every run.
SLOW_PLUGIN_SECONDS = 1.0


@attrs.frozen
class Provider:
    """The plugin that registered a record (``core`` for soeplan's own content)."""

    plugin: str
    distribution: str = ""
    version: str = ""

    def __str__(self) -> str:
        if self.distribution:
            return f"{self.plugin} ({self.distribution} {self.version})".rstrip()
        return self.plugin


#: The provider named for a record that was passed in directly, never registered.
UNREGISTERED = Provider("(unregistered)")


#: What a failing or slow call was, in Chinese (the English is the key itself).
_KIND_ZH = {"rule": "规则", "section": "章节"}


def _call(kind: str, record: str, lang: str = "en") -> str:
    """``rule jiangshan.entity_vanished`` (or ``规则 …``): what was called."""
    if not kind:
        return record
    return f"{_KIND_ZH.get(kind, kind) if lang == 'zh' else kind} {record}".strip()


@attrs.frozen
class PluginFailure:
    """A plugin that could not be used (or one of its hooks), and why.

    ``stage`` is ``"import"``, ``"register"``, ``"pin"`` or the hook's name. A failure of one
    call of the plugin's code during a run also says what was called (``kind`` ``"rule"`` or
    ``"section"``, and the ``record``'s id) and ``where`` it was working (the
    unit and year, or the file); a failure with no ``where`` is one of loading the plugin.

    >>> f = PluginFailure("bad", "soeplan_rules", "RuntimeError: boom",
    ...                   provider=Provider("bad", "soeplan-bad", "1.0"),
    ...                   kind="rule", record="bad.check", where="qujiang 2023")
    >>> print(f)
    plugin 'bad' (soeplan-bad 1.0) failed in soeplan_rules, rule bad.check, on qujiang 2023: RuntimeError: boom; left out
    >>> print(f.text("zh"))
    插件 bad（soeplan-bad 1.0）在 soeplan_rules（规则 bad.check，qujiang 2023）出错：RuntimeError: boom；已略去其内容
    """

    plugin: str
    stage: str
    reason: str
    provider: Provider | None = None
    kind: str = ""
    record: str = ""
    where: str = ""

    @property
    def during_run(self) -> bool:
        """A failure of the plugin's code on a run's input, not of loading the plugin."""
        return bool(self.where)

    def _version(self, open_: str, close: str) -> str:
        p = self.provider
        return f"{open_}{p.distribution} {p.version}{close}" if p and p.distribution else ""

    def who(self) -> str:
        """The plugin's name, with its distribution and version when known."""
        return f"{self.plugin!r}{self._version(' (', ')')}"

    def headline(self) -> str:
        """Which plugin (distribution, version) failed in which hook, on what, and why."""
        called = _call(self.kind, self.record)
        at = (f", {called}" if called else "") + (f", on {self.where}" if self.where else "")
        return f"plugin {self.who()} failed in {self.stage}{at}: {self.reason}"

    def __str__(self) -> str:
        if not self.during_run:
            return f"plugin {self.who()} skipped ({self.stage}): {self.reason}"
        return f"{self.headline()}; left out"

    def text(self, lang: str = "en") -> str:
        """The failure in ``lang`` (the reason stays as the plugin's code gave it)."""
        if lang != "zh":
            return str(self)
        at = "，".join(x for x in (_call(self.kind, self.record, "zh"), self.where) if x)
        version = self._version("（", "）")
        return (
            f"插件 {self.plugin}{version or ' '}在 {self.stage}"
            + (f"（{at}）" if at else "")
            + f"出错：{self.reason}；已略去其内容"
        )


@attrs.frozen
class HookTiming:
    """How long one call of a plugin's code took (a rule on one submission, a section).

    >>> print(HookTiming("jiangshan", "rule", "jiangshan.entity_vanished", 2.31, "jiangshan 2023"))
    plugin jiangshan: rule jiangshan.entity_vanished took 2.3 s (jiangshan 2023)
    """

    plugin: str
    kind: str
    record: str
    seconds: float
    where: str = ""

    def __str__(self) -> str:
        at = f" ({self.where})" if self.where else ""
        return (
            f"plugin {self.plugin}: {_call(self.kind, self.record)} took {self.seconds:.1f} s{at}"
        )


def merge_failures(failures: Iterable[PluginFailure]) -> list[PluginFailure]:
    """The failures with those that differ only in ``where`` merged into one (places joined).

    >>> f = PluginFailure("bad", "soeplan_rules", "raised KeyError: 'x'", kind="rule",
    ...                   record="bad.check", where="kecheng 2023")
    >>> [m.where for m in merge_failures([f, attrs.evolve(f, where="qujiang 2023")])]
    ['kecheng 2023, qujiang 2023']
    """
    merged: dict[PluginFailure, list[str]] = {}
    for f in failures:
        places = merged.setdefault(attrs.evolve(f, where=""), [])
        if f.where and f.where not in places:
            places.append(f.where)
    return [attrs.evolve(f, where=", ".join(places)) for f, places in merged.items()]


def a_type(value: object) -> str:
    """``a str``, ``an int``: what a plugin returned, for a message.

    >>> a_type(42), a_type("x"), a_type(None)
    ('an int', 'a str', 'None')
    """
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def slow_plugin_seconds() -> float:
    """The threshold above which a plugin call is named (``SOEPLAN_SLOW_PLUGIN_SECONDS``)."""
    chosen = _threshold()
    return SLOW_PLUGIN_SECONDS if chosen is None else chosen


def _threshold() -> float | None:
    raw = os.environ.get("SOEPLAN_SLOW_PLUGIN_SECONDS", "").strip()
    try:
        return max(0.0, float(raw)) if raw else None
    except ValueError:
        return None


def slow(timings: Iterable[HookTiming]) -> list[HookTiming]:
    """The calls that took at least :func:`slow_plugin_seconds`, slowest first.

    The core's own calls (plugin ``core``) count only when ``SOEPLAN_SLOW_PLUGIN_SECONDS`` is
    set.
    """
    limit, core_too = slow_plugin_seconds(), _threshold() is not None
    found = [t for t in timings if t.seconds >= limit and (core_too or t.plugin != "core")]
    return sorted(found, key=lambda t: -t.seconds)
