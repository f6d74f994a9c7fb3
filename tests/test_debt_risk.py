"""Debt-risk monitoring per the 2018 guidance (issue 14, item 5)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from soeplan.assessment.debt_risk import (
    DebtBaselineError,
    debt_risk_watch,
    lines_for,
    read_baselines,
)
from soeplan.cli import main
from soeplan.errors import DataFileError
from soeplan.structure.city import city_structure
from soeplan.structure.file import load_structure_file

STRUCTURE = city_structure(sample=True)


def test_lines_hand_computed() -> None:
    # construction (E48), the industry's 2022 average 61.2 %: warning 66.2 %, key 71.2 %
    a = lines_for("E48", 2023, {("E48", 2022): 0.612})
    assert (a.baseline, a.source, a.industrial) == (0.612, "baseline", False)
    assert a.warning == pytest.approx(0.662) and a.key == pytest.approx(0.712)
    # the prior year's baseline, never the year's own
    assert lines_for("E48", 2023, {("E48", 2023): 0.612}).source == "default"
    # the code first, then its section
    assert lines_for("E48", 2023, {("E", 2022): 0.5, ("E48", 2022): 0.6}).baseline == 0.6
    assert lines_for("E47", 2023, {("E", 2022): 0.5}).baseline == 0.5


@pytest.mark.parametrize(
    ("industry", "lines"),
    [("C42", (0.65, 0.70)), ("D46", (0.65, 0.70)), ("B06", (0.65, 0.70)),
     ("E48", (0.70, 0.75)), ("K70", (0.70, 0.75)), ("G54", (0.70, 0.75)),
     (None, (0.65, 0.70))],
)  # fmt: skip
def test_sasac_class_defaults(industry: str | None, lines: tuple[float, float]) -> None:
    got = lines_for(industry, 2023, {})
    assert (got.warning, got.key) == lines and got.source == "default"


def _values(rows: list[tuple[str, str, int, float]]) -> pl.DataFrame:
    """(node, node_type, year, debt_ratio) rows of the sample's municipal level."""
    return pl.DataFrame(
        [
            {"node": n, "node_type": t, "name_zh": n, "unit": "municipal", "year": y,
             "indicator": "debt_ratio", "value": v}
            for n, t, y, v in rows
        ]
    )  # fmt: skip


# mun.chengtou (group, E48) and its water company mun.chengtou.water (entity, D46)
VALUES = _values(
    [
        ("mun.chengtou", "group", 2021, 0.69),
        ("mun.chengtou", "group", 2022, 0.71),
        ("mun.chengtou", "group", 2023, 0.73),
        ("mun.chengtou.water", "entity", 2021, 0.60),
        ("mun.chengtou.water", "entity", 2022, 0.66),
        ("mun.chengtou.water", "entity", 2023, 0.71),
        ("mun.chengtou.diff", "entity", 2023, 0.99),  # a difference unit: never listed
    ]
)


def test_watch_without_baselines_at_entity_and_group_level() -> None:
    w = debt_risk_watch(VALUES, 2023, STRUCTURE)
    assert w["entity"].to_list() == ["mun.chengtou.water", "mun.chengtou"]
    water, group = w.iter_rows(named=True)
    # water supply is industrial (D): 65 / 70; 71 % is above the key line, two years above 65 %
    assert (water["industry"], water["warning_line"], water["key_line"]) == ("D46", 0.65, 0.70)
    assert water["severity"] == "key" and water["years_above_warning"] == 2
    assert water["years_above_key"] == 1
    assert water["change"] == pytest.approx(0.05) and water["previous"] == 0.66
    # the group, on its consolidated figures, non-industrial: 70 / 75; above 70 % two years
    assert (group["level"], group["industry"], group["warning_line"]) == ("group", "E48", 0.70)
    assert group["severity"] == "warning" and group["years_above_warning"] == 2


def test_watch_with_baselines() -> None:
    base = {("E", 2020): 0.60, ("E", 2021): 0.60, ("E", 2022): 0.62, ("D46", 2022): 0.58}
    w = debt_risk_watch(VALUES, 2023, STRUCTURE, base)
    rows = {r["entity"]: r for r in w.iter_rows(named=True)}
    g = rows["mun.chengtou"]
    # baseline 62 % (2022): warning 67 %, key 72 %: 73 % is key supervision
    assert g["baseline"] == 0.62 and g["severity"] == "key"
    assert g["warning_line"] == pytest.approx(0.67) and g["key_line"] == pytest.approx(0.72)
    # 2022: 71 % against 65 / 70 (2021's 60 %); 2021: 69 % against 65 / 70
    assert g["years_above_warning"] == 3 and g["years_above_key"] == 2
    wa = rows["mun.chengtou.water"]
    # 58 % + 5 = 63 %: 71 % is key (68 %)
    assert wa["baseline"] == 0.58 and wa["severity"] == "key"
    assert w["entity"].to_list()[0] == "mun.chengtou.water"  # furthest above its line first


def test_everyone_lists_those_below_the_lines_too() -> None:
    low = _values([("mun.chengtou.water", "entity", 2023, 0.40)])
    assert debt_risk_watch(low, 2023, STRUCTURE).height == 0
    every = debt_risk_watch(low, 2023, STRUCTURE, everyone=True)
    assert every["severity"].to_list() == [None]


def _csv(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "baselines.csv"
    p.write_text(body, encoding="utf-8")
    return p


def test_read_baselines(tmp_path: Path) -> None:
    p = _csv(tmp_path, "industry,year,debt_ratio\nE48,2022,0.612\nD,2022,0.55\n")
    assert read_baselines(p) == {("E48", 2022): 0.612, ("D", 2022): 0.55}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("industry,year\nE48,2022\n", "no column debt_ratio"),
        ("industry,year,debt_ratio\n城投,2022,0.6\n", "row 2: industry '城投'"),
        ("industry,year,debt_ratio\nE48,2022,61.2\n", "0.573 for 57.3 %"),
        ("industry,year,debt_ratio\nE48,last,0.6\n", "is not a number"),
        (
            "industry,year,debt_ratio\nE48,2022,0.6\nE48,2022,0.61\n",
            "row 3: E48 2022 is given twice",
        ),
    ],
)
def test_bad_baselines_are_refused_by_row(tmp_path: Path, body: str, expected: str) -> None:
    with pytest.raises(DebtBaselineError) as exc:
        read_baselines(_csv(tmp_path, body))
    assert expected in exc.value.render()


def test_demo_refuses_a_bad_baseline_file_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _csv(tmp_path, "industry,year,debt_ratio\nE48,2022,57.3\n")
    out = tmp_path / "report"
    assert main(["demo", "--out", str(out), "-q", "--debt-baselines", str(bad)]) != 0
    assert "row 2" in capsys.readouterr().err
    assert not out.exists()


def test_demo_with_baselines_shows_them(tmp_path: Path) -> None:
    good = _csv(tmp_path, "industry,year,debt_ratio\nE,2022,0.55\n")
    out = tmp_path / "report"
    assert main(["demo", "--out", str(out), "-q", "--debt-baselines", str(good)]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "资产负债约束监测" in html and "行业基准取自所给基准文件（1条）" in html


def test_structure_industry_is_checked(tmp_path: Path) -> None:
    head = 'format = 1\n[structure]\nid = "t"\n[[unit]]\nid = "a"\nname_zh = "A"\nname_en = "A"\n'
    ok = head + '[[entity]]\nid = "x"\nname_zh = "X"\nunit = "a"\nindustry = "E48"\n'
    p = tmp_path / "s.toml"
    p.write_text(ok, encoding="utf-8")
    f = load_structure_file(p)
    assert [e.industry for us in f.unit_structures for e in us.entities] == ["E48"]
    p.write_text(ok.replace('"E48"', '"城投"'), encoding="utf-8")
    with pytest.raises(DataFileError) as exc:
        load_structure_file(p)
    assert "industry of entity x" in exc.value.render() and "E48" in exc.value.render()


def test_every_sample_entity_has_an_industry() -> None:
    missing = [
        k for k, e in STRUCTURE.entities.items()
        if e.industry is None and e.node_type.value != "difference"
    ]  # fmt: skip
    assert missing == []
