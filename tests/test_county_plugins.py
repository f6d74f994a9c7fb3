"""The three county plugins together: the city rollup with and without them.

The tests session installs every plugin under plugins/ (noxfile.py), so they are importable here.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

from soeplan.consolidation.records import scope_totals
from soeplan.consolidation.rollup import rollup
from soeplan.plugins.host import make_host
from soeplan.plugins.registry import Registry, build_registry
from soeplan.sample import sample_observations
from soeplan.sdk import merge_observations
from soeplan.structure.city import city_structure

ROOT = Path(__file__).resolve().parent.parent


def plugin_module(name: str) -> ModuleType:
    """The plugin's hook module: installed (nox installs every plugin), or from plugins/<name>/src."""
    package = f"soeplan_{name}"
    if importlib.util.find_spec(package) is None:
        sys.path.append(str(ROOT / "plugins" / name / "src"))
    return importlib.import_module(f"{package}.plugin")


jiangshan = plugin_module("jiangshan")
kecheng = plugin_module("kecheng")
qujiang = plugin_module("qujiang")
PLUGINS: list[tuple[str, ModuleType]] = [
    ("jiangshan", jiangshan),
    ("kecheng", kecheng),
    ("qujiang", qujiang),
]
CORE_AMOUNTS = ["total_assets", "net_assets", "revenue", "total_profit", "net_profit"]


def registry(*plugins: tuple[str, ModuleType]) -> Registry:
    return build_registry(make_host(load_entry_points=False, extra=plugins))


@pytest.fixture(scope="module")
def sample() -> pl.DataFrame:
    return sample_observations([2020, 2021, 2022, 2023])


@pytest.mark.parametrize("sample_entities", [True, False])
def test_city_totals_are_the_same_with_and_without_the_plugins(
    sample: pl.DataFrame, sample_entities: bool
) -> None:
    bare, full = registry(), registry(*PLUGINS)
    totals = []
    for reg in (bare, full):
        structure = city_structure(sample=sample_entities, registry=reg)
        result = rollup(sample, structure, registry=reg)
        totals.append(scope_totals(result).filter(pl.col("indicator").is_in(CORE_AMOUNTS)))
    without, with_ = totals
    assert without.height > 0
    joined = without.join(with_, on=["scope", "year", "indicator"], suffix="_p")
    assert joined.height == without.height == with_.height
    diff = (joined["value"] - joined["value_p"]).abs().max()
    assert diff is not None and float(diff) < 1e-9  # type: ignore[arg-type]


def test_without_a_plugin_the_unit_rolls_up_flat_with_a_hint(sample: pl.DataFrame) -> None:
    reg = registry(("kecheng", kecheng))
    result = rollup(sample, city_structure(registry=reg), registry=reg)
    hints = result.findings.filter(pl.col("rule") == "rollup.flat_fallback")
    units = set(hints["unit"])
    assert "kecheng" not in units
    assert {"qujiang", "jiangshan", "changshan"} <= units
    assert set(hints["severity"]) == {"hint"}
    # with a plugin the unit's groups appear as nodes; without, only the flat unit
    nodes = set(result.values["node"])
    assert "kc.capital" in nodes and "qj.capital" not in nodes


def test_co_owned_recycling_company_is_counted_once(sample: pl.DataFrame) -> None:
    reg = registry(*PLUGINS)
    result = rollup(sample, city_structure(sample=True, registry=reg), registry=reg)
    park = sample.filter(
        (pl.col("entity") == "kc.recycle") & (pl.col("indicator") == "total_assets")
    )
    kc = float(park.filter(pl.col("year") == 2023)["value"][0])
    assert kc > 0
    everything = float(
        sample.filter((pl.col("year") == 2023) & (pl.col("indicator") == "total_assets"))[
            "value"
        ].sum()
    )
    assert result.value("city", "total_assets", 2023) == pytest.approx(everything)
    chengtou = sample.filter(
        pl.col("entity").str.starts_with("mun.chengtou.")
        & (pl.col("year") == 2023)
        & (pl.col("indicator") == "total_assets")
    )["value"].sum()
    # the municipal co-owner does not carry it; Kecheng does, once
    assert result.value("mun.chengtou", "total_assets", 2023) == pytest.approx(float(chengtou))
    kc_all = sample.filter(
        (pl.col("unit") == "kecheng")
        & (pl.col("year") == 2023)
        & (pl.col("indicator") == "total_assets")
    )["value"].sum()
    assert result.value("kecheng", "total_assets", 2023) == pytest.approx(float(kc_all))
    assert result.value("kc.capital", "total_assets", 2023) == pytest.approx(float(kc_all))
    assert (
        result.values.filter(
            (pl.col("node") == "kc.recycle")
            & (pl.col("year") == 2023)
            & (pl.col("indicator") == "total_assets")
        ).height
        == 1
    )


def test_park_metrics_stay_local_and_qujiang_counts_once_toward_rated_aa(
    sample: pl.DataFrame,
) -> None:
    reg = registry(*PLUGINS)
    county = pl.concat(
        [
            reg.load_observations(unit, year, "sample").select(  # type: ignore[union-attr]
                "unit", "entity", "year", "indicator", "value"
            )
            for unit in ("kecheng", "qujiang")
            for year in (2020, 2021, 2022, 2023)
        ]
    )
    obs = merge_observations(sample, county, reg.indicators)
    result = rollup(obs, city_structure(registry=reg), registry=reg)
    plain = rollup(sample, city_structure(registry=reg), registry=reg)
    # Qujiang reports its AA ratings under its own code; the city count is unchanged (15 in 2020)
    for year in (2020, 2023):
        assert result.value("city", "rated_aa", year) == plain.value("city", "rated_aa", year)
    assert result.value("city", "rated_aa", 2020) == 15
    assert result.value("qujiang", "qj_rated_aa", 2020) == 3
    # the park's tonnes stay with the park: no district, group or city figure
    park = result.values.filter(pl.col("indicator") == "kc_waste_received")
    assert set(park["node"]) <= {"kc.recycle"}
    assert result.value("kc.recycle", "kc_waste_received", 2023) == 181000
    assert result.value("kecheng", "kc_waste_received", 2023) is None
    assert result.value("city", "kc_waste_received", 2023) is None
