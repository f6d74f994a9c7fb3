"""The submission commands: template, sample, validate (exit codes 0/1/2, --annotate), ingest, store."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from _submission_helpers import edit, sample_frame, sha256, write_sample_xlsx
from soeplan.cli import main
from soeplan.submissions.annotate import SEVERITY_FILL
from soeplan.submissions.template import FINDINGS_SHEET, unit_entities


def test_template_and_sample_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "q.xlsx"
    assert (
        main(
            [
                "template",
                "--plan",
                "quzhou-14th",
                "--unit",
                "qujiang",
                "--year",
                "2023",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    n = len(unit_entities("qujiang", 2023))
    assert out.exists() and f"{n} entities" in capsys.readouterr().out
    for suffix in ("xlsx", "csv", "parquet"):
        f = tmp_path / f"s.{suffix}"
        assert main(["sample", "--unit", "qujiang", "--year", "2023", "-o", str(f)]) == 0
        assert "合成" in capsys.readouterr().out
    text = (tmp_path / "s.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "unit,entity,year,indicator,value,explanation,note"
    assert all("合成" in line for line in text.splitlines()[1:])
    assert (
        main(
            [
                "validate",
                str(tmp_path / "s.xlsx"),
                str(tmp_path / "s.csv"),
                str(tmp_path / "s.parquet"),
            ]
        )
        == 0
    )


def test_unknown_unit_is_an_error_for_people(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["template", "--unit", "atlantis", "--year", "2023", "-o", str(tmp_path / "x.xlsx")])
        == 2
    )
    err = capsys.readouterr().err
    assert "atlantis" in err and "qujiang" in err and "Traceback" not in err


def test_validate_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok = write_sample_xlsx(tmp_path / "ok.xlsx")
    assert main(["validate", str(ok)]) == 0
    assert (
        main(["sample", "--unit", "kecheng", "--year", "2023", "-o", str(tmp_path / "k.csv")]) == 0
    )
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "k.csv")]) == 0
    assert "No findings" in capsys.readouterr().out
    bad = write_sample_xlsx(tmp_path / "bad.xlsx")
    cell = edit(bad, "qj.water", "total_assets", "abc")
    capsys.readouterr()
    assert main(["validate", str(bad), "--format", "json"]) == 1
    cap = capsys.readouterr()
    found = json.loads(cap.out)
    assert any(f["rule"] == "core.number" and f["cell"] == cell for f in found)
    assert "不能上报 blocked" in cap.err
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"garbage")
    assert main(["validate", str(junk)]) == 2
    err = capsys.readouterr().err
    assert "junk.xlsx" in err and "Traceback" not in err
    assert main(["validate", str(tmp_path / "missing.csv")]) == 2


@pytest.mark.parametrize("fmt", ["table", "csv", "md"])
def test_validate_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    bad = write_sample_xlsx(tmp_path / "bad.xlsx")
    edit(bad, "qj.water", "revenue", -1)
    assert main(["validate", str(bad), "--format", fmt]) == 1
    out = capsys.readouterr().out
    assert "core.non-negative" in out


def test_annotate_marks_cells_and_never_touches_the_original(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_sample_xlsx(tmp_path / "bad.xlsx")
    err_cell = edit(bad, "qj.water", "total_assets", "abc")
    edit(bad, "qj.urban", "explanation", None)  # its binding-target warning is now unexplained
    before = sha256(bad)
    out = tmp_path / "checked.xlsx"
    assert main(["validate", str(bad), "--annotate", "-o", str(out)]) == 1
    assert sha256(bad) == before
    wb = load_workbook(out)
    assert wb.sheetnames[0] == FINDINGS_SHEET
    ds = wb["数据填报 Data"]
    c = ds[err_cell]
    assert c.fill.fgColor.rgb.endswith(SEVERITY_FILL["error"])
    assert c.comment is not None and "core.number" in c.comment.text
    warned = [
        cell
        for row in ds.iter_rows()
        for cell in row
        if cell.comment is not None and "core.binding-target" in cell.comment.text
    ]
    assert warned and warned[0].fill.fgColor.rgb.endswith(SEVERITY_FILL["warning"])
    fs = wb[FINDINGS_SHEET]
    assert fs["A1"].value == "严重性" and fs["A2"].value == "Severity"
    rules = {fs.cell(row=r, column=2).value for r in range(3, fs.max_row + 1)}
    assert {"core.number", "core.binding-target"} <= rules
    # the annotated copy still reads as a submission
    assert main(["validate", str(out)]) == 1


def test_annotate_refuses_to_overwrite_the_original(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok = write_sample_xlsx(tmp_path / "ok.xlsx")
    before = sha256(ok)
    assert main(["validate", str(ok), "--annotate", "-o", str(ok)]) == 2
    assert sha256(ok) == before
    assert "refusing to overwrite" in capsys.readouterr().err


def test_ingest_and_store_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    ok = write_sample_xlsx(tmp_path / "ok.xlsx")
    assert main(["ingest", str(ok), "--store", str(store)]) == 0
    assert main(["ingest", str(ok), "--store", str(store)]) == 0
    bad = write_sample_xlsx(tmp_path / "bad.xlsx")
    edit(bad, "qj.water", "net_assets", None)
    capsys.readouterr()
    assert main(["ingest", str(bad), "--store", str(store)]) == 1
    assert "refused" in capsys.readouterr().err
    assert main(["store", "list", "--store", str(store), "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [(i["version"], i["current"]) for i in listing] == [(1, False), (2, True)]
    assert (
        main(
            [
                "store",
                "show",
                "--store",
                str(store),
                "--unit",
                "qujiang",
                "--year",
                "2023",
                "--version",
                "1",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    shown = pl.read_csv(capsys.readouterr().out.encode())
    assert shown.height == sample_frame().height and set(shown["unit"]) == {"qujiang"}
    assert (
        main(
            [
                "store",
                "show",
                "--store",
                str(store),
                "--unit",
                "qujiang",
                "--year",
                "2023",
                "--version",
                "9",
            ]
        )
        == 2
    )
    assert "versions: 1, 2" in capsys.readouterr().err


def test_every_new_command_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    for cmd in (
        ["template"],
        ["sample"],
        ["validate"],
        ["ingest"],
        ["store", "list"],
        ["store", "show"],
    ):
        assert main([*cmd, "--help"]) == 0
        assert "Example" in capsys.readouterr().out


def test_rules_command_lists_the_core_rules(capsys: pytest.CaptureFixture[str]) -> None:
    from soeplan.submissions.core_rules import CORE_RULES

    assert main(["rules", "--format", "csv"]) == 0
    listed = pl.read_csv(capsys.readouterr().out.encode())
    assert {r.id for r in CORE_RULES} <= set(listed["id"])
    assert listed.filter(pl.col("id") == "core.prior-jump")["severity 严重性"].to_list() == [
        "warning 警告"
    ]
