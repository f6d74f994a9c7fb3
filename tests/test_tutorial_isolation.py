"""The plugin tutorial (docs/howto/write-a-plugin.md) tests the package it generates, even where
a real ``soeplan-changshan`` is installed and already imported."""

from __future__ import annotations

import doctest
import sys
from pathlib import Path

import pytest

import soeplan
from soeplan.plugins.registry import set_registry
from soeplan.testing import fake_distribution, installed

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "howto" / "write-a-plugin.md"

#: A "real" Changshan plugin, as a county might have published it: another entity, another
#: section, version 9.9.
REAL_PLUGIN = """
from soeplan import Entity, UnitStructure, hookimpl

@hookimpl
def soeplan_structures():
    return [UnitStructure(unit="changshan", entities=(
        Entity(id="cs.real", name_zh="真实插件企业", unit="changshan"),))]
"""


@pytest.fixture
def real_changshan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``soeplan-changshan`` 9.9 'installed' on sys.path and imported, for the whole test."""
    site = fake_distribution(
        tmp_path / "real-site",
        "soeplan-changshan",
        "9.9",
        entry_points={"changshan": "soeplan_changshan.plugin"},
        files={"soeplan_changshan/__init__.py": "", "soeplan_changshan/plugin.py": REAL_PLUGIN},
    )
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "soeplan_changshan", raising=False)
    monkeypatch.delitem(sys.modules, "soeplan_changshan.plugin", raising=False)
    import soeplan_changshan.plugin  # noqa: F401  (imported before the tutorial runs)

    set_registry(None)
    assert "cs.real" in {e.id for e in soeplan.get_registry().structures["changshan"].entities}
    yield site
    set_registry(None)


def test_the_tutorial_passes_with_a_real_changshan_installed(real_changshan: Path) -> None:
    result = doctest.testfile(
        str(TUTORIAL),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
        report=True,
    )
    assert result.attempted > 20
    assert result.failed == 0


def test_the_block_sees_the_generated_package_and_the_real_one_comes_back(
    real_changshan: Path, tmp_path: Path
) -> None:
    real = sys.modules["soeplan_changshan.plugin"]
    site = fake_distribution(
        tmp_path / "tutorial-site",
        "soeplan-changshan",
        "0.1.0",
        entry_points={"changshan": "soeplan_changshan.plugin"},
        files={
            "src/soeplan_changshan/__init__.py": "",
            "src/soeplan_changshan/plugin.py": REAL_PLUGIN.replace("cs.real", "cs.mine"),
        },
    )
    src = site / "src"
    with installed(site, src):
        from soeplan_changshan import plugin

        assert plugin is not real
        structure = soeplan.get_registry().structures["changshan"]
        assert [e.id for e in structure.entities] == ["cs.mine"]
        assert structure.provider is not None and structure.provider.version == "0.1.0"
    assert sys.modules["soeplan_changshan.plugin"] is real
    ids = {e.id for e in soeplan.get_registry().structures["changshan"].entities}
    assert "cs.real" in ids and "cs.mine" not in ids
