"""Hooks are called through pluggy: wrappers and tracing see every call, failures stay one plugin's."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Generator, Iterable
from types import SimpleNamespace

import pytest

from soeplan import Indicator, PluginError, Registry, hookimpl
from soeplan.context import current


def test_a_hook_wrapper_sees_each_plugins_call() -> None:
    seen: list[int] = []

    class Spy:
        @hookimpl(wrapper=True)
        def soeplan_indicators(self) -> Generator[None, list[Iterable[Indicator]], object]:
            results = yield
            seen.append(sum(len(list(r)) for r in results))
            return results

    registry = Registry.build(("spy", Spy()), entry_points=False)
    # the core is the only plugin with indicators: the wrapper saw its one call and its records
    assert seen == [len(registry.indicators)]
    assert "total_assets" in registry.indicators


def test_a_failing_plugin_is_skipped_and_named_while_others_register() -> None:
    def broken() -> list[Indicator]:
        raise RuntimeError("boom")

    registry = Registry.build(
        ("broken", SimpleNamespace(soeplan_indicators=hookimpl(broken))),
        entry_points=False,
        strict=False,
    )
    assert "total_assets" in registry.indicators  # the core's records are kept
    assert [(f.plugin, f.stage) for f in registry.failures] == [("broken", "soeplan_indicators")]
    assert "RuntimeError: boom" in registry.failures[0].reason
    with pytest.raises(PluginError, match="plugin 'broken' failed in soeplan_indicators"):
        Registry.build(
            ("broken", SimpleNamespace(soeplan_indicators=hookimpl(broken))),
            entry_points=False,
            strict=True,
        )


def test_trace_env_prints_every_hook_call() -> None:
    env = {**os.environ, "SOEPLAN_TRACE_PLUGINS": "1"}
    code = "from soeplan import Registry\nRegistry.build(entry_points=False)"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for hook in ("soeplan_indicators", "soeplan_plans", "soeplan_structures", "soeplan_rules"):
        assert hook in done.stderr
    quiet = subprocess.run(
        [sys.executable, "-c", code],
        env={k: v for k, v in env.items() if k != "SOEPLAN_TRACE_PLUGINS"},
        capture_output=True,
        text=True,
    )
    assert "soeplan_indicators" not in quiet.stderr


def test_an_active_registry_is_used_where_none_is_given_and_only_in_its_block() -> None:
    mine = Registry.build(entry_points=False)
    default = current()
    with mine.active():
        assert current() is mine
        assert current(default) is default  # an explicit registry always wins
    assert current() is default
