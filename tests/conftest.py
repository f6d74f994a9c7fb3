from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from soeplan.plugins import set_registry

# Hypothesis profiles. "dev" (the default) explores new examples on every run; "ci" (loaded when
# the CI environment variable is set, as CI services do) is derandomised: the same examples on
# every run, so a red build is reproducible and never depends on luck; "mutate" (for
# `nox -s mutate`) is derandomised too, with fewer examples, since the tests run once per mutant.
# HYPOTHESIS_PROFILE picks one explicitly.
_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", **_COMMON)
settings.register_profile("ci", derandomize=True, max_examples=100, print_blob=True, **_COMMON)
settings.register_profile("mutate", derandomize=True, max_examples=20, **_COMMON)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    """Each test sees a registry built from the environment it sets up."""
    set_registry(None)
    yield
    set_registry(None)
