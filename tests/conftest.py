from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, Phase, settings

from soeplan.plugins.registry import set_registry

# Hypothesis profiles. "dev" (the default) explores new examples on every run; "ci" (loaded when
# the CI environment variable is set, as CI services do) is derandomised: the same examples on
# every run, so a red build is reproducible and never depends on luck; "mutate" (for
# `nox -s mutate`) is derandomised too, with fewer examples and no shrinking: the tests run once
# per mutant, and a failing example only has to fail, not be minimal.
# HYPOTHESIS_PROFILE picks one explicitly.
_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", **_COMMON)
settings.register_profile("ci", derandomize=True, max_examples=100, print_blob=True, **_COMMON)
settings.register_profile(
    "mutate",
    derandomize=True,
    max_examples=20,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    **_COMMON,
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    """Each test sees a registry built from the environment it sets up."""
    set_registry(None)
    yield
    set_registry(None)


@pytest.fixture
def clock_at_utc_plus_8() -> Iterator[None]:
    """The process's local time eight hours ahead of UTC (as in Quzhou): a time stamp meant to
    be UTC that is local shows here."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "CST-8"  # a POSIX rule: needs no time zone database
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """SOEPLAN_MUTATE_TESTS (comma-separated test paths, set by `nox -s mutate` per module)
    keeps only the tests under those paths: a mutant is tried against its module's own fast
    tests, not against every slow test that happens to call it."""
    only = tuple(p.strip() for p in os.environ.get("SOEPLAN_MUTATE_TESTS", "").split(",") if p)
    if not only:
        return
    keep = [i for i in items if i.nodeid.startswith(only)]
    config.hook.pytest_deselected(items=[i for i in items if not i.nodeid.startswith(only)])
    items[:] = keep


#: The county plugins of this repository (plugins/), by entry-point name.
REPO_PLUGINS = ("jiangshan", "kecheng", "qujiang")


@pytest.fixture
def only_the_repos_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the core and this repository's plugins only, for a test whose hand-worked figures
    are those of the bundled sample with them: another installed plugin that adds enterprises
    adds its own figures to the totals (docs/reference/sample-data.md)."""
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="soeplan")} & set(REPO_PLUGINS)
    monkeypatch.setenv("SOEPLAN_PLUGINS", ",".join(sorted(names)))
    set_registry(None)


def pytest_configure(config: pytest.Config) -> None:
    """Under mutation testing, each test process gets a temporary directory of its own.

    pytest numbers its base directories per user (``/tmp/pytest-of-USER/pytest-N``) and removes
    all but the newest three when a run starts; with mutants tried in parallel (and other runs on
    the machine) one process removed another's directory mid-test, and the failure counted the
    mutant as killed. A private base directory makes each verdict the mutant's own.
    """
    if os.environ.get("MUTANT_UNDER_TEST") and not config.option.basetemp:
        import tempfile

        config.option.basetemp = tempfile.mkdtemp(prefix="soeplan-mutant-")
