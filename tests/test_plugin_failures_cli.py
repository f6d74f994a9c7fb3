"""Plugins fail as plugins, on the command line: an installed plugin (a fake distribution) whose
rule raises, whose section returns the wrong type and whose reader raises.

Lenient (``SOEPLAN_STRICT_PLUGINS=0``): every county's ingest is accepted, the report is written
with a note naming the plugin and the hook, stderr names it, exit code 0. Strict
(``--strict-plugins``): exit code 2, nothing written, the store unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from _submission_helpers import tree, write_sample_xlsx
from soeplan.cli import main
from soeplan.safety import md_text
from soeplan.testing import fake_distribution, installed

PLUGIN = """
from soeplan import hookimpl
from soeplan.rules import Rule, Severity
from soeplan.sections import ReportSection, Text


def _boom(ctx):
    raise RuntimeError("rule bug")


@hookimpl
def soeplan_rules():
    return [Rule(id="bad.raises", severity=Severity.ERROR, description_zh="坏",
                 description_en="bad", check=_boom)]


@hookimpl
def soeplan_report_sections():
    return [ReportSection(id="bad.section", title=Text("坏章节", "Bad section"),
                          render=lambda ctx: "not a SectionContent")]


@hookimpl
def soeplan_load_observations(unit, year, source):
    if source.endswith(".county"):
        raise ValueError("cannot parse the county format")
    return None
"""

UNITS = ("qujiang", "kecheng")
NAMED = "plugin 'bad' (soeplan-bad 0.3) failed in"


@pytest.fixture
def bad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """The bad plugin installed (alone, beside the core), lenient mode, two counties' files."""
    monkeypatch.setenv("SOEPLAN_PLUGINS", "bad")
    monkeypatch.setenv("SOEPLAN_STRICT_PLUGINS", "0")  # the test session runs strict
    dist = fake_distribution(
        tmp_path / "dist",
        "soeplan-bad",
        "0.3",
        entry_points={"bad": "fake_bad_plugin"},
        files={"fake_bad_plugin.py": PLUGIN},
    )
    with installed(dist):
        yield [write_sample_xlsx(tmp_path / f"{u}.xlsx", unit=u) for u in UNITS]


def test_a_raising_rule_refuses_no_county_and_is_named_on_stderr(
    bad: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    assert main(["ingest", *map(str, bad), "--store", str(store)]) == 0
    out, err = capsys.readouterr()
    assert [line.split(":")[0] for line in out.splitlines()] == ["ingested 已入库"] * 2
    assert f"{NAMED} soeplan_rules, rule bad.raises, on qujiang 2023, kecheng 2023" in err
    assert "raised RuntimeError: rule bug; left out" in err and "Traceback" not in err


def test_strict_ingest_exits_2_and_leaves_the_store_unchanged(
    bad: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    assert main(["ingest", str(bad[0]), "--store", str(store)]) == 0  # lenient: accepted
    before = tree(store)
    capsys.readouterr()
    assert main(["--strict-plugins", "ingest", str(bad[1]), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert f"error: {NAMED} soeplan_rules, rule bad.raises, on kecheng 2023" in err
    assert "stopped before anything was written" in err and "Traceback" not in err
    assert tree(store) == before


def test_the_report_is_written_with_notes_naming_the_plugin_and_hooks(
    bad: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    args = ["rollup", *map(str, bad), "--year", "2023", "--out", str(out), "--lang", "en", "-q"]
    args.append("--allow-partial")  # two units only
    assert main(args) == 0  # a section returning the wrong type used to exit 3
    err = capsys.readouterr().err
    assert f"{NAMED} soeplan_report_sections, section bad.section, on report 2023" in err
    assert "returned a str, expected a SectionContent" in err
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "2 plugin failure(s): what those plugins contribute is left out" in summary
    # summary.md quotes plugin text as data (Markdown-escaped)
    assert (
        md_text(f"{NAMED} soeplan_rules, rule bad.raises, on qujiang 2023, kecheng 2023") in summary
    )
    assert md_text(f"{NAMED} soeplan_report_sections, section bad.section") in summary
    assert "set aside" not in err  # neither county is set aside for the plugin's bug


@pytest.mark.parametrize("command", ["rollup", "demo"])
def test_strict_report_exits_2_before_writing_any_file(
    bad: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    out = tmp_path / "report"
    args = (
        ["rollup", *map(str, bad), "--year", "2023", "--out", str(out)]
        if command == "rollup"
        else ["demo", "--out", str(out)]
    )
    assert main(["--strict-plugins", *args, "-q"]) == 2
    assert f"error: {NAMED} soeplan_rules, rule bad.raises" in capsys.readouterr().err
    assert not out.exists()


def test_a_failing_reader_is_named_not_called_an_unknown_file_type(
    bad: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    county = tmp_path / "qujiang-2023.county"
    county.write_text("the county's own format", encoding="utf-8")
    args = ["validate", str(county), "--unit", "qujiang", "--year", "2023"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "not a submission" not in err
    assert (
        "the plugin 'bad' (soeplan-bad 0.3) that reads this format failed in "
        "soeplan_load_observations: raised ValueError: cannot parse the county format"
    ) in " ".join(err.split())
    assert f"warning: {NAMED} soeplan_load_observations, on qujiang 2023" in err
    assert main(["--strict-plugins", *args]) == 2
    assert f"error: {NAMED} soeplan_load_observations" in capsys.readouterr().err
