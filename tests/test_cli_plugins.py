"""``soeplan plugins``: listing, JSON audit form, failures and strict mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soeplan.cli import main
from soeplan.testing import fake_distribution, installed

PLUGIN = """
from soeplan import hookimpl, Indicator
from soeplan.indicators import Aggregation, Category, Kind


@hookimpl
def soeplan_indicators():
    return [Indicator(code="alpha_tonnes", name_zh="甲", name_en="A", category=Category.LOCAL,
                      unit="吨", kind=Kind.AMOUNT, aggregation=Aggregation.NONE)]
"""


@pytest.fixture
def dists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    monkeypatch.setenv("SOEPLAN_PLUGINS", "alpha,broken")  # leave installed county plugins out
    monkeypatch.setenv("SOEPLAN_STRICT_PLUGINS", "0")  # the tests session runs strict
    return [
        fake_distribution(
            tmp_path / "a",
            "soeplan-alpha",
            "2.3",
            entry_points={"alpha": "fake_alpha_cli"},
            files={"fake_alpha_cli.py": PLUGIN},
        ),
        fake_distribution(
            tmp_path / "b",
            "soeplan-broken",
            "0.1",
            entry_points={"broken": "fake_broken_cli"},
            files={"fake_broken_cli.py": "import not_a_module_anywhere\n"},
        ),
    ]


def test_json_lists_versions_hooks_records_and_failures(
    dists: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with installed(*dists):
        assert main(["plugins", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    by_name = {p["name"]: p for p in doc["plugins"]}
    assert [p["name"] for p in doc["plugins"]] == ["core", "alpha", "broken"]
    assert by_name["alpha"]["distribution"] == "soeplan-alpha"
    assert by_name["alpha"]["version"] == "2.3"
    assert by_name["alpha"]["hooks"] == ["soeplan_indicators"]
    assert by_name["alpha"]["registered"] == {"indicators": ["alpha_tonnes"]}
    assert "total_assets" in by_name["core"]["registered"]["indicators"]
    [failure] = by_name["broken"]["failures"]
    assert failure["stage"] == "import" and "not_a_module_anywhere" in failure["reason"]


def test_table_names_the_failure(dists: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    with installed(*dists):
        assert main(["plugins"]) == 0
    out, err = capsys.readouterr()
    assert "soeplan-alpha" in out and "alpha_tonnes" in out
    assert "plugin 'broken' (soeplan-broken 0.1) skipped (import)" in err


def test_strict_plugins_exits_non_zero_without_traceback(
    dists: list[Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with installed(*dists):
        code = main(["--strict-plugins", "plugins"])
    err = capsys.readouterr().err
    assert code != 0
    assert "plugin 'broken' (soeplan-broken 0.1) failed in import" in err
    assert "Traceback" not in err


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--help"]) == 0
    assert "Example:" in capsys.readouterr().out
