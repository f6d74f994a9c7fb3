"""``soeplan new-plugin``: the generated package works, installed, as generated."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from soeplan.cli import main
from soeplan.errors import SoeplanError, UnknownNameError
from soeplan.plugins.scaffold import SOEPLAN_RANGE, new_plugin
from soeplan.testing import fake_distribution


def install_fake(pkg: Path, site: Path) -> dict[str, str]:
    """'Install' the generated package: a dist-info built from its own pyproject's entry points."""
    meta = tomllib.loads((pkg / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    fake_distribution(
        site, meta["name"], meta["version"], entry_points=meta["entry-points"]["soeplan"]
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(pkg / "src"), str(site)])
    env["SOEPLAN_STRICT_PLUGINS"] = "1"
    env.pop("SOEPLAN_PLUGINS", None)
    return env


def test_generated_plugin_passes_its_own_tests_and_is_discovered(tmp_path: Path) -> None:
    assert main(["new-plugin", "changshan", "--dir", str(tmp_path)]) == 0
    pkg = tmp_path / "changshan"
    meta = tomllib.loads((pkg / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["name"] == "soeplan-changshan"
    assert meta["dependencies"] == [f"soeplan{SOEPLAN_RANGE}"]
    assert meta["entry-points"]["soeplan"] == {"changshan": "soeplan_changshan.plugin"}
    assert (pkg / "README.md").exists()
    assert "synthetic" in (pkg / "src/soeplan_changshan/data/observations.toml").read_text()
    structure = (pkg / "src/soeplan_changshan/data/structure.toml").read_text(encoding="utf-8")
    for eid in ("cs.hq", "cs.liangshan", "cs.urban"):  # the sample's Changshan ids
        assert f'id = "{eid}"' in structure

    env = install_fake(pkg, tmp_path / "site")
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(pkg / "tests")],
        cwd=pkg,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "2 passed" in tests.stdout
    listed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from soeplan.cli import main; sys.exit(main(['plugins', '--format', 'json']))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    info = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}["changshan"]
    assert info["distribution"] == "soeplan-changshan"
    assert info["registered"]["structures"] == ["changshan"]
    assert info["registered"]["report_sections"] == ["changshan.overview"]


def test_unit_defaults_to_name_and_must_be_known(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="use --unit with one of"):
        new_plugin("nowhere", directory=tmp_path)
    with pytest.raises(UnknownNameError, match="municipal level's structure is the core's"):
        new_plugin("city", unit="municipal", directory=tmp_path)
    path = new_plugin("cs_bank", unit="changshan", directory=tmp_path)
    assert 'cs_bank = "soeplan_cs_bank.plugin"' in (path / "pyproject.toml").read_text()
    with pytest.raises(SoeplanError, match="not empty"):
        new_plugin("cs_bank", unit="changshan", directory=tmp_path)
    with pytest.raises(SoeplanError, match="not a lower-case Python identifier"):
        new_plugin("Chang-Shan", directory=tmp_path)


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-plugin", "--help"]) == 0
    assert "Example:" in capsys.readouterr().out
