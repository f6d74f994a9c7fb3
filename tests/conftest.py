from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from soeplan.plugins.registry import set_registry

settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    """Each test sees a registry built from the environment it sets up."""
    set_registry(None)
    yield
    set_registry(None)
