"""The table and check-plan commands: output, formats, exit codes, errors for people."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import soeplan
from soeplan.cli import main

BUILTIN = Path(soeplan.__file__).parent / "data" / "plans" / "quzhou-14th.toml"


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    text = BUILTIN.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "plan.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_table_1_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "1", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[2] == [
        "总体规模", "资产总额", "亿元", "920.12", "2090.49", "17.84%", "127.19%",
        "370.55", "1197.87", "26.45%", "223.26%",
    ]  # fmt: skip
    assert rows[5][5] == "12.72%†"


def test_table_2_english_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "2", "--lang", "en", "--format", "md", "--plan", str(BUILTIN)]) == 0
    out = capsys.readouterr().out
    assert (
        "| Development quality | Return on equity (year-end equity) | % | 1.32% | not below 2% |"
        in out
    )
    assert "not below 2.2%, strive for 2.5%" in out and "Binding" in out


def test_table_default_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "1"]) == 0
    out = capsys.readouterr().out
    assert "表 1 衢州市国资国企" in out and "920.12" in out and "文件公布为 6.79%" in out


def test_table_xlsx_needs_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "1", "--format", "xlsx"]) == 2
    assert "-o FILE" in capsys.readouterr().err
    target = tmp_path / "t1.xlsx"
    assert main(["table", "1", "--format", "xlsx", "-o", str(target)]) == 0
    assert target.stat().st_size > 0
    from openpyxl import load_workbook

    assert load_workbook(target)["表1"]["D4"].value == pytest.approx(920.12)


def test_table_csv_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "t2.csv"
    assert main(["table", "2", "--format", "csv", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("一级指标,二级指标,单位,全市国企")
    assert main(["table", "2", "--format", "csv", "-o", str(tmp_path / "no" / "t.csv")]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["table", "check-plan"])
def test_missing_plan_is_a_message_not_a_traceback(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [command, "1"] if command == "table" else [command]
    assert main([*args, "--plan", "no-such-plan.toml"]) == 2
    err = capsys.readouterr().err
    assert "no plan 'no-such-plan.toml'" in err and "quzhou-14th" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["table", "check-plan"])
def test_broken_plan_file_is_a_message_not_a_traceback(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _copy(tmp_path, '"42.83"', '"42,8.3x"')
    args = [command, "1"] if command == "table" else [command]
    assert main([*args, "--plan", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "figure[2] (revenue).city.2015" in err and "fix:" in err
    assert "Traceback" not in err


def test_unknown_table_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "7"]) == 2
    assert "has no table 7; its tables: 1, 2" in capsys.readouterr().err


def test_check_plan_on_the_seed_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-plan", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "0 inconsistent, 2 explained" in out
    assert "net profit above total profit" in out


def test_check_plan_names_a_changed_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _copy(tmp_path, 'cagr = "8.96%"', 'cagr = "9.06%"')
    assert main(["check-plan", "--plan", str(path), "--format", "csv", "--lang", "en"]) == 1
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    errors = [r for r in rows if r["severity"] == "error"]
    assert [
        (r["table"], r["scope"], r["indicator"], r["column"], r["published"]) for r in errors
    ] == [("1", "urban", "revenue", "cagr", "9.06%")]
    assert "Table 1, Urban area, Operating revenue, average annual growth" in captured.err
    assert "Traceback" not in captured.err


def test_check_plan_all_lists_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-plan", "--all", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    checks = [r for r in rows if r[0] == "核对"]
    assert len(checks) == 46
    assert sum(1 for r in checks if r[-1].startswith("可解释")) == 2


@pytest.mark.parametrize("command", [["table", "--help"], ["check-plan", "--help"]])
def test_help_has_an_example(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(command) == 0
    assert "Example:" in capsys.readouterr().out


def test_check_plan_terminal_shows_names_in_the_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check-plan", "--all"]) == 0
    out = capsys.readouterr().out
    assert "净资产收益率" in out and "市区" in out and "复现 (截尾)" in out
    assert " roe " not in out and " urban " not in out
    assert "核对 46 个公布数字：0 个不一致" in out
