"""``[[unit_target]]``: targets broken down to units in plan data (issue 14, item 1)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import polars as pl
import pytest

import soeplan
from soeplan.assessment.by_unit import progress_by_member, unit_target_paths
from soeplan.cli import main
from soeplan.consolidation.rollup import rollup
from soeplan.errors import DataFileError
from soeplan.plan.load import load_plan
from soeplan.plugins.builtin import load_core_sample
from soeplan.structure.city import city_structure

UNIT_TARGET = """
[[unit_target]]
unit = "kecheng"
indicator = "revenue"
value = "8.50"
base = "5.52"
source = "区县目标分解（示例）"
"""


def _plan_file(tmp_path: Path, extra: str) -> Path:
    text = (resources.files("soeplan") / "data/plans/quzhou-14th.toml").read_text("utf-8")
    path = tmp_path / "plan.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def test_unit_target_is_read_and_sets_the_units_pace(tmp_path: Path) -> None:
    plan = load_plan(str(_plan_file(tmp_path, UNIT_TARGET)))
    (u,) = plan.unit_targets
    assert (u.unit, u.indicator, u.year, float(u.value), float(u.base or 0)) == (
        "kecheng", "revenue", 2025, 8.5, 5.52
    )  # fmt: skip
    structure = city_structure(sample=True)
    values = rollup(load_core_sample(), structure).values
    row = progress_by_member(values, plan, 2023, structure).filter(
        scope="city", indicator="revenue", member="kecheng"
    )
    base = row["base"][0]
    assert row["own_target"][0] == 8.5
    assert row["required_rate"][0] == pytest.approx((8.5 / base) ** (1 / 5) - 1)


def test_unit_target_path(tmp_path: Path) -> None:
    plan = load_plan(str(_plan_file(tmp_path, UNIT_TARGET)))
    paths = unit_target_paths(plan, "both")
    compound = paths.filter(method="compound")["value"].to_list()
    assert compound[0] == pytest.approx(5.52) and compound[-1] == pytest.approx(8.5)
    assert compound[1] == pytest.approx(5.52 * (8.5 / 5.52) ** 0.2)
    linear = paths.filter(method="linear", year=2021)["value"].item()
    assert linear == pytest.approx(5.52 + (8.5 - 5.52) / 5)


def test_milestones_prints_unit_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _plan_file(tmp_path, UNIT_TARGET)
    args = ["milestones", "--plan", str(path), "--method", "compound", "--format", "csv"]
    assert main(args) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("柯城区")]
    # 5.52 × (8.50 / 5.52)^(k / 5): 6.02, 6.56, 7.15, 7.80
    assert lines == ["柯城区,营业收入,亿元,复合增长,5.52,6.02,6.56,7.15,7.80,8.50"]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (UNIT_TARGET.replace('"revenue"', '"debt_ratio"'), "is not an amount indicator"),
        (UNIT_TARGET.replace('value = "8.50"\n', ""), "the target has no value"),
        (UNIT_TARGET.replace('base = "5.52"', 'base = "-1"'), "base -1 is not above zero"),
        (UNIT_TARGET + "year = 2019\n", "is not after the base year"),
        (UNIT_TARGET.replace('unit = "kecheng"\n', ""), "no unit"),
        (UNIT_TARGET + UNIT_TARGET, "given twice"),
        (UNIT_TARGET + 'colour = "red"\n', "unknown key 'colour'"),
    ],
)
def test_bad_unit_targets_are_refused(tmp_path: Path, extra: str, expected: str) -> None:
    with pytest.raises(DataFileError) as exc:
        load_plan(str(_plan_file(tmp_path, extra)))
    assert expected in exc.value.render() and "unit_target[" in exc.value.render()


def test_the_builtin_plan_has_no_unit_targets() -> None:
    assert soeplan.load_plan("quzhou-14th").unit_targets == ()
    assert unit_target_paths(soeplan.load_plan("quzhou-14th")).height == 0
    assert isinstance(unit_target_paths(soeplan.load_plan("quzhou-14th")), pl.DataFrame)
