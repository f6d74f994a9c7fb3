"""The budget workbook: template, read back, every problem at once, the store's versions, and
the command line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from _registers import CHANGSHAN, register_workbook, unit
from soeplan.cli import cli
from soeplan.registers.budget_workbook import (
    BUDGET_SHEET,
    check_budget,
    read_budget,
    write_budget_template,
)
from soeplan.registers.reader import RegisterError, RegisterReadError
from soeplan.structure.records import CountyUnit
from soeplan.submissions.store import Store
from soeplan.submissions.store_budgets import budget_versions, load_budget, stored_budget
from soeplan.submissions.store_registers import load_register

KC = CountyUnit("kecheng", "柯城区", "Kecheng District", "district")


def _template(tmp_path: Path, budget: pl.DataFrame | None = None) -> Path:
    return write_budget_template(tmp_path / "b.xlsx", unit=KC, year=2023,
                                 entities=[("kc.invest", "柯城区示例投资"), ("kc.capital", "")],
                                 budget=budget)  # fmt: skip


def test_a_filled_budget_reads_back_as_a_long_frame(tmp_path: Path) -> None:
    given = pl.DataFrame({"entity": ["kc.invest", "kc.invest", "kc.capital"],
                          "indicator": ["revenue", "total_profit", "investment"],
                          "value": [12.5, -0.4, 3.0]})  # fmt: skip
    b = read_budget(_template(tmp_path, given))
    assert b.columns == ["unit", "entity", "year", "indicator", "value"]
    assert sorted(b.select("entity", "indicator", "value").rows()) == sorted(given.rows())
    assert set(b["unit"]) == {"kecheng"} and set(b["year"]) == {2023}


def test_every_problem_at_once_naming_sheet_cell_and_fix(tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = load_workbook(path)
    ws = wb[BUDGET_SHEET]
    ws["C4"] = "=10+2"  # a formula in revenue
    ws["D4"] = "twelve"  # not a number
    ws["C5"] = -1  # a negative revenue
    ws["A6"], ws["C6"] = "kc.invest", 1  # listed twice
    ws["A7"], ws["H7"] = "bad id!", 1  # not an id
    ws["E8"] = 2  # figures without an entity
    wb.save(path)
    found = check_budget(path)
    assert found.budget is None
    where = {re.search(r"!([A-Z]+[0-9]+)", p.where).group(1): p for p in found.problems}  # type: ignore[union-attr]
    assert set(where) == {"C4", "D4", "C5", "A6", "A7", "A8"}
    assert "formula" in where["C4"].what and "type the value" in where["C4"].fix
    assert "not a number" in where["D4"].what
    assert "negative" in where["C5"].what
    assert "twice" in where["A6"].what
    assert all(p.where.startswith(BUDGET_SHEET) for p in found.problems)
    ws["D5"] = -2.0  # a loss budget is allowed: not a problem
    wb.save(path)
    assert not any("D5" in p.where for p in check_budget(path).problems)


def test_not_a_budget_workbook_is_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    with pytest.raises(RegisterReadError) as err:
        check_budget(other)
    assert "not a budget workbook" in str(err.value.problems[0].what)


def test_load_keeps_versions_and_a_refused_load_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    path = _template(tmp_path, pl.DataFrame({"entity": ["kc.invest"], "indicator": ["revenue"],
                                             "value": [10.0]}))  # fmt: skip
    v1 = load_budget(store, path, by="clerk")
    path2 = _template(tmp_path, pl.DataFrame({"entity": ["kc.invest"], "indicator": ["revenue"],
                                              "value": [11.0]}))  # fmt: skip
    v2 = load_budget(Store(store), path2)  # an open store, and no sender named
    assert (v1.version, v2.version, v1.loaded_by, v2.loaded_by) == (1, 2, "clerk", "")
    assert stored_budget(store, 2023)["value"].to_list() == [11.0]  # the latest version
    wrong = _template(tmp_path, pl.DataFrame({"entity": ["nobody.here"], "indicator": ["revenue"],
                                              "value": [1.0]}))  # fmt: skip
    with pytest.raises(RegisterError) as err:
        load_budget(store, wrong)
    assert "nobody.here" in str(err.value.problems) and err.value.path == wrong  # names the file
    assert [v.version for v in budget_versions(store, "kecheng")] == [1, 2]
    assert stored_budget(store, 2022).is_empty()
    # an open store reads the same
    assert budget_versions(Store(store), "kecheng") == budget_versions(store, "kecheng")
    assert stored_budget(Store(store), 2023).equals(stored_budget(store, 2023))


def test_budget_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "kc.xlsx"
    r = runner.invoke(cli, ["budget", "template", "--unit", "kecheng", "--year", "2023",
                            "--out", str(out), "--sample"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert runner.invoke(cli, ["budget", "check", str(out)]).exit_code == 0
    r = runner.invoke(cli, ["budget", "load", str(out), "--store", str(tmp_path / "s")])
    assert r.exit_code == 0 and "version 1" in r.output
    wb = load_workbook(out)
    wb[BUDGET_SHEET]["C4"] = "=1"
    wb.save(out)
    r = runner.invoke(cli, ["budget", "check", str(out)])
    assert r.exit_code == 1 and "formula" in r.output and "Traceback" not in r.output
    assert runner.invoke(cli, ["budget", "--help"]).output.count("Example") == 1


QJ = CountyUnit("qujiang", "衢江区", "Qujiang District", "district")


def test_a_years_budget_is_each_units_latest_version_in_order(tmp_path: Path) -> None:
    store = tmp_path / "store"

    def load(unit: CountyUnit, year: int, rows: list[tuple[str, str, float]]) -> None:
        path = write_budget_template(
            tmp_path / f"{unit.id}-{year}.xlsx",
            unit=unit,
            year=year,
            entities=[(e, "") for e in sorted({r[0] for r in rows})],
            budget=pl.DataFrame(rows, schema=["entity", "indicator", "value"], orient="row"),
        )
        load_budget(store, path)

    load(QJ, 2023, [("qj.culture", "revenue", 1.0)])
    load(KC, 2023, [("kc.invest", "revenue", 2.0), ("kc.capital", "total_profit", 3.0)])
    load(QJ, 2023, [("qj.housing", "revenue", 4.0), ("qj.culture", "revenue", 5.0)])
    load(KC, 2024, [("kc.invest", "revenue", 9.0)])
    got = stored_budget(store, 2023)
    assert got.select("unit", "entity", "year", "indicator", "value").rows() == [
        ("kecheng", "kc.capital", 2023, "total_profit", 3.0),
        ("kecheng", "kc.invest", 2023, "revenue", 2.0),
        ("qujiang", "qj.culture", 2023, "revenue", 5.0),  # version 2 replaces version 1
        ("qujiang", "qj.housing", 2023, "revenue", 4.0),
    ]
    assert [(v.unit, v.year, v.version) for v in budget_versions(store)] == [
        ("kecheng", 2023, 1),
        ("kecheng", 2024, 1),
        ("qujiang", 2023, 1),
        ("qujiang", 2023, 2),
    ]
    assert [(v.year, v.version) for v in budget_versions(store, "qujiang")] == [
        (2023, 1),
        (2023, 2),
    ]
    assert budget_versions(tmp_path / "empty") == []


@pytest.mark.usefixtures("clock_at_utc_plus_8")  # the load time is UTC, not the local time
def test_a_loaded_version_records_its_file_its_time_and_its_content(tmp_path: Path) -> None:
    import hashlib
    import json
    import sqlite3

    store = tmp_path / "store"
    path = _template(tmp_path, pl.DataFrame({"entity": ["kc.invest", "kc.capital"],
                                             "indicator": ["revenue", "investment"],
                                             "value": [10.0, 2.5]}))  # fmt: skip
    before = dt.datetime.now(dt.UTC)
    v = load_budget(store, path, by="clerk")
    raw = path.read_bytes()
    loaded = dt.datetime.strptime(v.loaded_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    assert before <= loaded <= dt.datetime.now(dt.UTC)
    assert (v.unit, v.year, v.version, v.source, v.size, v.figures, v.loaded_by) == (
        "kecheng",
        2023,
        1,
        "b.xlsx",
        len(raw),
        2,
        "clerk",
    )
    assert v.sha256 == hashlib.sha256(raw).hexdigest()
    assert budget_versions(store) == [v]
    con = sqlite3.connect(store / "soeplan.sqlite")
    (content,) = con.execute("SELECT content FROM budget_versions").fetchone()
    con.close()
    assert json.loads(content) == [
        ["kc.capital", "investment", 2.5],
        ["kc.invest", "revenue", 10.0],
    ]
    assert v.content_sha256 == hashlib.sha256(content.encode()).hexdigest()


def test_a_budget_may_name_an_enterprise_only_the_stored_register_lists(tmp_path: Path) -> None:
    store = tmp_path / "store"
    budget = pl.DataFrame({"entity": ["cs.new"], "indicator": ["revenue"], "value": [3.0]})
    path = write_budget_template(tmp_path / "cs-budget.xlsx", unit=unit("changshan"), year=2024,
                                 entities=[("cs.new", "新公司")], budget=budget)  # fmt: skip
    with pytest.raises(RegisterError, match=r"cs\.new"):  # no register lists it yet
        load_budget(store, path)
    new = {"id": "cs.new", "name_zh": "新公司", "parent": "cs.group", "since": 2024}
    register = register_workbook(
        tmp_path / "cs.xlsx", entities=[*CHANGSHAN, new], as_of=dt.date(2024, 12, 31)
    )
    load_register(store, register)
    assert load_budget(store, path).figures == 1
    assert stored_budget(store, 2024)["entity"].to_list() == ["cs.new"]
