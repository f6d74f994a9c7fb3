"""A unit's capital registers provided by a county plugin (hook ``soeplan_capital_registers``):
merged by unit (two plugins for one unit refused, naming both), checked, used by a store run
for a unit the store has none of (the store's own always win), as records or as workbooks; a
provided workbook that cannot be read is a finding, not a crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from _registers import register_workbook
from soeplan import (
    CapitalRegisters,
    Operations,
    Reform,
    ReformKind,
    Register,
    RegisterEntry,
    Registry,
    hookimpl,
    store_inputs,
)
from soeplan.errors import PluginError
from soeplan.plugins.checks import record_problems
from soeplan.submissions.store import Store
from soeplan.submissions.store_registers import load_register
from soeplan.testing import check_plugin

D = dt.date


def _provides(*records: CapitalRegisters) -> object:
    return SimpleNamespace(soeplan_capital_registers=hookimpl(lambda: list(records)))


def _changshan(**more: Any) -> CapitalRegisters:
    entry = RegisterEntry(id="cs.urban", name_zh="常山县示例城投", unit="changshan", rating="AA+",
                          rating_agency="示例机构（合成）", rating_date=D(2021, 6, 30))  # fmt: skip
    return CapitalRegisters(
        unit="changshan",
        registers=(Register(unit="changshan", as_of=D(2023, 12, 31), entries=(entry,)),),
        operations=Operations(unit="changshan", as_of=D(2023, 12, 31), reforms=(
            Reform(entity="cs.urban", date=D(2022, 5, 1), kind=ReformKind.MIXED,
                   share_before=1.0, share_after=0.7),)),
        source="synthetic test registers", synthetic=True, **more,
    )  # fmt: skip


def test_two_plugins_registers_for_one_unit_are_refused_naming_both() -> None:
    with pytest.raises(PluginError) as err:
        Registry.build(("one", _provides(_changshan())), ("two", _provides(_changshan())),
                       entry_points=False)  # fmt: skip
    text = str(err.value)
    assert "capital_registers id 'changshan'" in text
    assert "one" in text and "two" in text


def test_a_record_is_checked_every_problem_at_once(tmp_path: Path) -> None:
    bad = CapitalRegisters(
        unit="changshan",
        registers=(Register(unit="kaihua", as_of=D(2023, 12, 31)),),
        operations=Operations(unit="longyou", as_of=D(2023, 12, 31)),
        register_files=(str(tmp_path / "missing.xlsx"),),
    )
    assert [p.what for p in record_problems(bad)] == [
        "source (where the registers come from) is missing",
        "register 0 is 'kaihua''s, not 'changshan''s",
        "the operations register is 'longyou''s",
        f"the file {tmp_path / 'missing.xlsx'} does not exist",
    ]
    assert [p.what for p in record_problems(CapitalRegisters(unit="x", source="s"))] == [
        "provides no register"
    ]
    # the host leaves a plugin with a bad record out, and says why
    reg = Registry.build(("bad", _provides(bad)), entry_points=False, strict=False)
    assert reg.capital_registers == {}
    assert "does not exist" in reg.failures[0].reason


def test_a_store_without_the_units_registers_uses_the_plugins(tmp_path: Path) -> None:
    reg = Registry.build(("cs", _provides(_changshan())), entry_points=False)
    with reg.active():
        inputs = store_inputs(Store(tmp_path / "store"), [2022, 2023])
    assert inputs.attributes.select("unit", "entity", "year", "rating").rows() == [
        ("changshan", "cs.urban", 2022, "AA+"), ("changshan", "cs.urban", 2023, "AA+")]  # fmt: skip
    assert inputs.reforms.select("entity", "kind", "share_after").rows() == [
        ("cs.urban", "mixed_ownership", 0.7)]  # fmt: skip
    (used,) = inputs.provided
    assert used.synthetic and used.provider is not None and used.provider.plugin == "cs"
    with reg.active():
        plain = store_inputs(Store(tmp_path / "store"), [2023], plugins=False)
    assert plain.attributes.height == 0 and plain.provided == ()


def test_the_stores_own_register_wins_over_the_plugins(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    load_register(store, register_workbook(tmp_path / "cs.xlsx"))
    reg = Registry.build(("cs", _provides(_changshan())), entry_points=False)
    with reg.active():
        inputs = store_inputs(store, [2023])
    # the enterprise register is the store's (cs.group rated AA by 中诚信国际), not the plugin's
    assert "cs.urban" not in inputs.attributes["entity"].to_list()
    assert inputs.attributes.filter(entity="cs.group")["rating_agency"].to_list() == ["中诚信国际"]
    # the store has no capital operations register of changshan: the plugin's is used
    assert inputs.reforms["entity"].to_list() == ["cs.urban"]


def test_registers_given_as_workbooks_are_read_and_a_broken_one_is_a_finding(
    tmp_path: Path,
) -> None:
    good = register_workbook(tmp_path / "cs.xlsx")
    files = CapitalRegisters(unit="changshan", register_files=(str(good),), source="workbook")
    reg = Registry.build(("cs", _provides(files)), entry_points=False)
    with reg.active():
        inputs = store_inputs(Store(tmp_path / "store"), [2023])
    assert sorted(inputs.attributes["entity"].to_list()) == ["cs.group", "cs.tour", "cs.water"]

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    bad = CapitalRegisters(unit="changshan", register_files=(str(broken),), source="workbook")
    reg = Registry.build(("cs", _provides(bad)), entry_points=False)
    with reg.active():
        inputs = store_inputs(Store(tmp_path / "store2"), [2023])
    assert inputs.attributes.height == 0
    (f,) = inputs.findings.rows(named=True)
    assert (f["rule"], f["unit"], f["severity"]) == ("core.capital_registers", "changshan",
                                                     "warning")  # fmt: skip
    assert "broken.xlsx" in f["message_en"] and "plugin cs" in f["message_en"]


def test_the_conformance_kit_checks_a_plugins_registers() -> None:
    stray = _changshan()
    entry = RegisterEntry(id="cs.nowhere", name_zh="不存在", unit="changshan")
    stray = CapitalRegisters(unit="changshan", registers=(
        Register(unit="changshan", as_of=D(2023, 12, 31), entries=(entry,)),),
        operations=stray.operations, source="s")  # fmt: skip
    report = check_plugin(_provides(stray), name="strays")
    assert "capital registers changshan" in report.checked
    assert [(p.where, p.what) for p in report.problems] == [
        ("capital registers of changshan, register as of 2023-12-31",
         "enterprise 'cs.nowhere' is not one of changshan's"),
    ]  # fmt: skip
    unknown = CapitalRegisters(unit="nowhere", registers=(
        Register(unit="nowhere", as_of=D(2023, 12, 31)),), source="s")  # fmt: skip
    assert [p.what for p in check_plugin(_provides(unknown), name="u").problems] == [
        "'nowhere' is not a county-level unit of the city"
    ]
