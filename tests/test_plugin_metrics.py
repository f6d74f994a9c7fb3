"""A plugin's own metrics: the indicator file's refusals, and what each aggregation does at the
entity, group, unit and scope levels (the table of docs/reference/indicators-format.md)."""

from __future__ import annotations

import types
from pathlib import Path

import polars as pl
import pytest

from _structures import small_structure
from soeplan import DataFileError, Registry, hookimpl, rollup
from soeplan.plugins.host import make_host
from soeplan.plugins.registry import build_registry
from soeplan.sdk import load_indicators

METRICS = """
[[indicator]]
code = "x_tons"
name_zh = "接收量"
name_en = "Received"
unit = "吨"
kind = "amount"
aggregation = "sum"

[[indicator]]
code = "x_done"
name_zh = "利用量"
name_en = "Recycled"
unit = "吨"
kind = "amount"

[[indicator]]
code = "x_share"
name_zh = "利用率"
name_en = "Share recycled"
unit = "%"
kind = "ratio"
aggregation = "recompute"
formula = { numerator = "x_done", denominator = "x_tons" }

[[indicator]]
code = "x_sites"
name_zh = "站点数"
name_en = "Sites"
unit = "个"
kind = "count"
aggregation = "none"

[[indicator]]
code = "x_rated_aa"
name_zh = "AA信用评级企业"
name_en = "AA-rated enterprises"
unit = "家"
kind = "count"
rolls_into = "rated_aa"
"""


def _registry(tmp_path: Path) -> Registry:
    path = tmp_path / "indicators.toml"
    path.write_text(METRICS, encoding="utf-8")
    plugin = types.ModuleType("metrics")
    plugin.soeplan_indicators = hookimpl(lambda: load_indicators(path))  # type: ignore[attr-defined]
    return build_registry(make_host(load_entry_points=False, extra=[("metrics", plugin)]))


def _values(tmp_path: Path) -> dict[tuple[str, str], float]:
    """Unit a: group g (x, y), single z; unit b: w. Scopes all (a, b) and only_a."""
    rows = []
    for entity, unit, tons, done in [("x", "a", 10, 5), ("y", "a", 30, 6), ("z", "a", 60, 9)]:
        rows += [(unit, entity, "x_tons", tons), (unit, entity, "x_done", done)]
    rows += [("b", "w", "x_tons", 100), ("b", "w", "x_done", 50)]
    rows += [(u, e, "x_sites", 1) for u, e in [("a", "x"), ("a", "y"), ("a", "z"), ("b", "w")]]
    rows += [("a", "g", "x_sites", 7), ("a", "a", "x_sites", 3)]  # own figures of group, unit
    rows += [("a", "x", "x_share", 0.99)]  # a reported ratio is not used
    rows += [("a", "x", "rated_aa", 1), ("a", "x", "x_rated_aa", 2), ("b", "w", "rated_aa", 1)]
    obs = pl.DataFrame(
        [(u, e, 2023, i, float(v)) for u, e, i, v in rows],
        schema=["unit", "entity", "year", "indicator", "value"],
        orient="row",
    )
    result = rollup(obs, small_structure(), registry=_registry(tmp_path))
    return {(r["node"], r["indicator"]): r["value"] for r in result.values.iter_rows(named=True)}


def test_sum_without_rolls_into_is_summed_at_every_level(tmp_path: Path) -> None:
    v = _values(tmp_path)
    assert v["x", "x_tons"] == 10  # entity: as reported
    assert v["g", "x_tons"] == 40  # group: its children x + y
    assert v["a", "x_tons"] == 100  # unit: all its entities
    assert v["only_a", "x_tons"] == 100  # a scope of one unit: that unit
    assert v["all", "x_tons"] == 200  # the city: every unit that reports it


def test_its_own_ratio_is_recomputed_at_every_level(tmp_path: Path) -> None:
    v = _values(tmp_path)
    assert v["x", "x_share"] == pytest.approx(0.5)  # 5 / 10, not the 0.99 reported
    assert v["g", "x_share"] == pytest.approx(11 / 40)
    assert v["a", "x_share"] == pytest.approx(20 / 100)
    assert v["all", "x_share"] == pytest.approx(70 / 200)


def test_none_stays_with_the_node_that_reports_it(tmp_path: Path) -> None:
    v = _values(tmp_path)
    assert v["x", "x_sites"] == 1
    assert v["g", "x_sites"] == 7  # the group's own figure, not 1 + 1
    assert v["a", "x_sites"] == 3  # the unit's own figure, not a sum
    assert ("all", "x_sites") not in v and ("only_a", "x_sites") not in v


def test_rolls_into_replaces_the_core_figure_and_counts_once(tmp_path: Path) -> None:
    v = _values(tmp_path)
    assert v["x", "rated_aa"] == 2  # the county's figure, in place of the core's 1
    assert v["x", "x_rated_aa"] == 2  # and under its own code
    assert v["all", "rated_aa"] == 3  # 2 from x, 1 from w: counted once


@pytest.mark.parametrize(
    ("text", "where", "suggestion"),
    [
        ('rolls_int = "rated_aa"', "indicator[0].rolls_int", "did you mean 'rolls_into'?"),
        ('aggregaton = "none"', "indicator[0].aggregaton", "did you mean 'aggregation'?"),
        ('colour = "red"', "indicator[0].colour", "remove it; known keys: aggregation"),
    ],
)
def test_an_unknown_key_is_refused_with_its_place_and_a_suggestion(
    tmp_path: Path, text: str, where: str, suggestion: str
) -> None:
    path = tmp_path / "indicators.toml"
    body = '[[indicator]]\ncode = "c"\nname_zh = "甲"\nname_en = "A"\nunit = "个"\nkind = "count"\n'
    path.write_text(body + text + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_indicators(path)
    message = caught.value.render()
    assert str(path) in message
    assert f"{where}: unknown key" in message
    assert suggestion in message


def test_unknown_keys_in_a_formula_and_at_the_top_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "indicators.toml"
    path.write_text(
        'sources = "x"\n'
        + METRICS.replace('denominator = "x_tons"', 'denominator = "x_tons", one_minis = true'),
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as caught:
        load_indicators(path)
    message = caught.value.render()
    assert "indicator[2].formula.one_minis: unknown key" in message
    assert "did you mean 'one_minus'?" in message
    assert "file.sources: unknown key 'sources'" in message


def test_the_shipped_indicator_files_have_no_unknown_key(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    files = [root / "src/soeplan/data/indicators.toml", *root.glob("plugins/*/src/*/data/*.toml")]
    files = [f for f in files if "[[indicator]]" in f.read_text(encoding="utf-8")]
    assert len(files) >= 3
    for f in files:
        assert load_indicators(f)
