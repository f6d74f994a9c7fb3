"""The README's commands are real: the quick start stays two commands, and the office's year
runs as written, from the blank workbook to the report from the store."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    head = f"## {title}\n"
    assert head in README, f"README has no section {title!r}"
    return README.split(head, 1)[1].split("\n## ", 1)[0]


def _blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def test_the_quick_start_is_the_two_commands_ci_runs() -> None:
    (block,) = _blocks(_section("Quick start"))
    commands = [line for line in block.splitlines() if line.strip()]
    assert commands == [
        "python3 -m pip install -q nox && python3 -m nox -s demo",
        "python3 -m pip install -q nox && python3 -m nox -s tests",
    ]
    assert "python3 -m nox -s tests" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _soeplan_bin() -> str:
    here = Path(sys.executable).parent / "soeplan"
    found = str(here) if here.exists() else shutil.which("soeplan")
    if found is None:
        pytest.fail("the soeplan command is not installed beside this Python")
    return str(Path(found).parent)


def test_the_offices_year_runs_as_written(tmp_path: Path) -> None:
    (block,) = _blocks(_section("The office's year"))
    steps = [x for x in block.splitlines() if x.strip().startswith("soeplan ")]
    used = {x.split()[1] for x in steps}
    # the walk-through goes from the template to the report from the store
    assert {"template", "validate", "ingest", "status", "store", "rollup"} <= used
    assert any("--store" in x and "--out" in x for x in steps)
    env = dict(os.environ, PATH=_soeplan_bin() + os.pathsep + os.environ.get("PATH", ""))
    env.pop("SOEPLAN_DEBUG", None)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "Traceback" not in done.stderr
    # 1: the blank template; 4-6: every unit accepted; 7: the totals; 8: the report
    assert openpyxl.load_workbook(tmp_path / "qujiang-2023.xlsx").sheetnames
    assert done.stdout.count(": 已接收 accepted (version 1)") == 7
    totals = (tmp_path / "totals-2023.csv").read_text(encoding="utf-8").splitlines()
    assert totals[0] == "scope,year,indicator,value" and any(
        x.startswith("全市,2023,total_assets,") for x in totals
    )
    assert "(js.group.capital)" in done.stdout  # the group level
    report = tmp_path / "report-2023"
    assert {"report.xlsx", "report.html", "summary.md"} <= {p.name for p in report.iterdir()}
    summary = (report / "summary.md").read_text(encoding="utf-8")
    assert "2023" in summary and "合成" in summary  # the sample's figures stay marked synthetic
