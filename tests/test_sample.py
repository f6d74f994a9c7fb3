"""The bundled synthetic sample: exact to Table 1, deterministic, and faithful to its own story.

Expected values come from the plan (``soeplan.load_plan``) and the structure files, never typed in.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import tomllib
from decimal import ROUND_DOWN, Decimal, localcontext
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import soeplan
from soeplan import sample
from soeplan.errors import UnknownNameError
from soeplan.plan.model import Plan

AMOUNTS = ("total_assets", "net_assets", "revenue", "total_profit", "net_profit")
COUNTS = ("rated_aaa", "rated_aa_plus", "rated_aa", "listed")
RATIOS = ("debt_ratio", "roe", "profit_margin", "net_margin")
SCOPES = ("city", "urban")
ANCHORS = (2015, 2020)
KEY_SUPERVISION_LINE = Decimal("0.70")


def _toml(*parts: str) -> dict[str, Any]:
    path = Path(str(resources.files("soeplan").joinpath("data", *parts)))
    return tomllib.loads(path.read_text(encoding="utf-8"))


STRUCTURE = _toml("sample", "structure.toml")
CITY = _toml("structures", "quzhou.toml")
SCOPE_UNITS = {s["scope"]: tuple(s["units"]) for s in CITY["scope"]}
ENTITY_UNIT = {e["id"]: e["unit"] for e in STRUCTURE["entity"]}
DIFFERENCE = {e["id"] for e in STRUCTURE["entity"] if e.get("type") == "difference"}
MERGES = [e for e in STRUCTURE["event"] if e["kind"] == "merge"]
TRANSFERS = [e for e in STRUCTURE["event"] if e["kind"] == "transfer"]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return soeplan.load_plan("quzhou-14th")


@pytest.fixture(scope="module")
def obs() -> pl.DataFrame:
    return sample.sample_observations()


@pytest.fixture(scope="module")
def wide(obs: pl.DataFrame) -> pl.DataFrame:
    """One row per entity and year, amounts in integer cents (exact)."""
    return obs.with_columns(cents=(pl.col("value") * 100).round(0).cast(pl.Int64)).pivot(
        on="indicator", index=["unit", "entity", "year"], values="cents"
    )


def _cents_total(obs: pl.DataFrame, scope: str, year: int, indicator: str) -> Decimal:
    rows = obs.filter(
        pl.col("unit").is_in(SCOPE_UNITS[scope]), year=year, indicator=indicator
    ).with_columns(cents=(pl.col("value") * 100).round(0).cast(pl.Int64))
    # Every value is a whole number of cents: nothing hides below the printed precision.
    assert ((rows["value"] * 100 - rows["cents"]).abs() < 1e-6).all()
    return Decimal(int(rows["cents"].sum())) / 100


def _figure(plan: Plan, scope: str, indicator: str, year: int) -> Decimal:
    fig = plan.figure(scope, indicator, year)
    assert fig is not None, (scope, indicator, year)
    return fig.value


def _debt(wide: pl.DataFrame) -> pl.DataFrame:
    return wide.with_columns(debt=1 - pl.col("net_assets") / pl.col("total_assets"))


# ------------------------------------------------------------------ exact reproduction of Table 1
@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("year", ANCHORS)
@pytest.mark.parametrize("indicator", AMOUNTS)
def test_amounts_sum_to_table_1_to_the_cent(
    obs: pl.DataFrame, plan: Plan, scope: str, year: int, indicator: str
) -> None:
    assert _cents_total(obs, scope, year, indicator) == _figure(plan, scope, indicator, year)


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("year", ANCHORS)
def test_counts_match_the_published_counts(
    obs: pl.DataFrame, plan: Plan, scope: str, year: int
) -> None:
    for indicator in COUNTS:
        fig = plan.figure(scope, indicator, year)
        total = _cents_total(obs, scope, year, indicator)
        if fig is not None:
            assert total == fig.value, indicator
        else:  # AAA and listed are printed for 2020 only (Table 2): none before either
            assert total == _figure(plan, scope, indicator, 2020) == 0, indicator


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("year", ANCHORS)
@pytest.mark.parametrize("ratio", RATIOS)
def test_ratios_recomputed_and_truncated_equal_the_published(
    obs: pl.DataFrame, plan: Plan, scope: str, year: int, ratio: str
) -> None:
    formula = soeplan.get_registry().indicators[ratio].formula
    assert formula is not None and not formula.denominator_average
    num = _cents_total(obs, scope, year, formula.numerator)
    den = _cents_total(obs, scope, year, formula.denominator)
    value = 1 - num / den if formula.one_minus else num / den
    truncated = value.quantize(Decimal("0.0001"), rounding=ROUND_DOWN)  # 0.01 pp, cut off
    assert truncated == _figure(plan, scope, ratio, year)


def test_city_net_profit_2015_stays_above_total_profit(obs: pl.DataFrame, plan: Plan) -> None:
    net = _cents_total(obs, "city", 2015, "net_profit")
    total = _cents_total(obs, "city", 2015, "total_profit")
    assert net > total
    assert (net, total) == (
        _figure(plan, "city", "net_profit", 2015),
        _figure(plan, "city", "total_profit", 2015),
    )


def test_aa_plus_holders_of_2020_are_the_three_the_plan_names(obs: pl.DataFrame) -> None:
    holders = obs.filter(year=2020, indicator="rated_aa_plus", value=1.0)["entity"].to_list()
    assert sorted(holders) == ["mun.guozi.hq", "mun.jiaotou.hq", "mun.jitou.hq"]


def test_qujiang_aa_enterprises_go_from_zero_to_three(obs: pl.DataFrame) -> None:
    aa = obs.filter(unit="qujiang", indicator="rated_aa").group_by("year").agg(pl.sum("value"))
    by_year = dict(aa.iter_rows())
    assert (by_year[2015], by_year[2020]) == (0, 3)


def test_each_entity_holds_at_most_one_rating_and_counts_are_zero_or_one(
    obs: pl.DataFrame,
) -> None:
    counts = obs.filter(pl.col("indicator").is_in(COUNTS))
    assert set(counts["value"].unique()) == {0.0, 1.0}
    ratings = (
        counts.filter(pl.col("indicator") != "listed")
        .group_by("entity", "year")
        .agg(pl.sum("value"))
    )
    assert ratings["value"].max() == 1


# ------------------------------------------------------------------ shape and determinism
def test_frame_schema_and_order(obs: pl.DataFrame) -> None:
    assert obs.schema == pl.Schema(
        {
            "unit": pl.String,
            "entity": pl.String,
            "year": pl.Int32,
            "indicator": pl.String,
            "value": pl.Float64,
        }
    )
    assert obs.equals(obs.sort("unit", "entity", "year", "indicator"))
    assert set(obs["indicator"].unique()) == set(AMOUNTS) | set(COUNTS)
    assert obs.select("unit", "entity", "year", "indicator").is_duplicated().sum() == 0
    assert sorted(obs["year"].unique()) == list(range(2015, 2024))


def test_two_calls_and_a_fresh_generation_are_identical(obs: pl.DataFrame) -> None:
    assert sample.sample_observations().equals(obs)
    sample._generate.cache_clear()
    assert sample.sample_observations().equals(obs)


def test_independent_of_the_callers_decimal_context(obs: pl.DataFrame) -> None:
    sample._generate.cache_clear()
    with localcontext(prec=5, rounding=ROUND_DOWN):
        again = sample.sample_observations()
    assert again.equals(obs)


def test_independent_of_the_hash_seed_and_process() -> None:
    code = (
        "import hashlib, soeplan.sample as s;"
        "print(hashlib.sha256(s.sample_observations().write_csv().encode()).hexdigest())"
    )
    here = hashlib.sha256(sample.sample_observations().write_csv().encode()).hexdigest()
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == here


def test_generation_is_fast() -> None:
    best = float("inf")
    for _ in range(3):
        sample._generate.cache_clear()
        start = time.perf_counter()
        sample.sample_observations()
        best = min(best, time.perf_counter() - start)
    assert best < 0.5


def test_years_select_and_unknown_years_are_refused(obs: pl.DataFrame) -> None:
    picked = sample.sample_observations([2020, 2015])
    assert picked.equals(obs.filter(pl.col("year").is_in([2015, 2020])))
    with pytest.raises(UnknownNameError, match="2014"):
        sample.sample_observations([2014, 2015])


def test_sample_unit_is_the_unit_slice(obs: pl.DataFrame) -> None:
    for unit in SCOPE_UNITS["city"]:
        part = sample.sample_unit(unit, 2021)
        assert part.equals(obs.filter(unit=unit, year=2021))
        assert part.height > 0
    with pytest.raises(UnknownNameError, match="nowhere"):
        sample.sample_unit("nowhere", 2020)


# ------------------------------------------------------------------ structure and events
def test_entities_are_those_of_the_sample_structure_in_their_units(obs: pl.DataFrame) -> None:
    pairs = set(obs.select("entity", "unit").unique().iter_rows())
    assert pairs == set(ENTITY_UNIT.items())
    assert set(ENTITY_UNIT.values()) == set(SCOPE_UNITS["city"])


def test_merged_entity_stops_and_its_target_absorbs_it(wide: pl.DataFrame) -> None:
    assert MERGES, "the sample structure should carry a merger"
    for merge in MERGES:
        gone, into, year = merge["entity"], merge["target"], merge["date"].year
        years = set(wide.filter(entity=gone)["year"])
        assert years == set(range(2015, year))  # no rows, not zero rows, once merged

        def assets(entity: str, y: int) -> int:
            return int(wide.filter(entity=entity, year=y)["total_assets"].item())

        before, after = assets(into, year - 1), assets(into, year)
        assert after > 1.5 * before  # the target jumps by the absorbed size
        comparable = after / (before + assets(gone, year - 1))
        assert 0.95 < comparable < 1.25  # growth on the later year's structure stays ordinary


def test_transferred_entity_keeps_reporting(wide: pl.DataFrame) -> None:
    for transfer in TRANSFERS:
        years = set(wide.filter(entity=transfer["entity"])["year"])
        assert years == set(range(2015, 2024))


def test_exactly_one_entity_crosses_the_debt_ratio_lines(wide: pl.DataFrame) -> None:
    plan_ceiling = soeplan.load_plan("quzhou-14th").target("city", "debt_ratio")
    assert plan_ceiling is not None
    ceiling = float(plan_ceiling.value)
    debt = _debt(wide.filter(~pl.col("entity").is_in(DIFFERENCE)))
    above = debt.filter(pl.col("debt") > ceiling)
    assert above["entity"].n_unique() == 1
    (entity,) = above["entity"].unique()
    path = dict(debt.filter(entity=entity).select("year", "debt").iter_rows())
    assert all(path[y] < ceiling for y in range(2015, 2022))
    assert max(path[2022], path[2023]) > float(KEY_SUPERVISION_LINE)


def test_every_entity_has_net_assets_below_total_assets(wide: pl.DataFrame) -> None:
    regular = wide.filter(~pl.col("entity").is_in(DIFFERENCE))
    assert (regular["total_assets"] > 0).all()
    assert (regular["net_assets"] > 0).all()
    assert (regular["net_assets"] < regular["total_assets"]).all()
    assert (regular["revenue"] > 0).all()
    margin = regular["total_profit"] / regular["revenue"]
    assert margin.is_between(-0.5, 0.8).all()


def test_difference_unit_carries_eliminations(wide: pl.DataFrame) -> None:
    assert DIFFERENCE
    diff = wide.filter(pl.col("entity").is_in(DIFFERENCE))
    assert diff.height == 9 * len(DIFFERENCE)
    for column in AMOUNTS:
        assert (diff[column] <= 0).all(), column
    # it eliminates less equity than assets: its own debt ratio stays within 0–100 %
    assert (diff["net_assets"].abs() < diff["total_assets"].abs()).all()


def test_net_profit_above_total_profit_only_for_the_tax_credit(wide: pl.DataFrame) -> None:
    profitable = wide.filter(pl.col("total_profit") > 0, ~pl.col("entity").is_in(DIFFERENCE))
    odd = profitable.filter(pl.col("net_profit") > pl.col("total_profit"))
    assert set(odd["entity"]) == {"ly.industry"}
    assert set(odd["year"]) <= {2015, 2016}


# ------------------------------------------------------------------ 2021–2023 against the targets
def _scope_total(wide: pl.DataFrame, scope: str, year: int, column: str) -> float:
    rows = wide.filter(pl.col("unit").is_in(SCOPE_UNITS[scope]), year=year)
    return float(rows[column].sum()) / 100


def _on_path_share(plan: Plan, wide: pl.DataFrame, indicator: str, year: int) -> float:
    """Actual / the compound milestone path from the 2020 base to the 2025 target."""
    target = plan.target("city", indicator)
    assert target is not None
    base = float(_figure(plan, "city", indicator, 2020))
    growth: float = (float(target.value) / base) ** (1 / (target.year - 2020))
    path: float = base * growth ** (year - 2020)
    return _scope_total(wide, "city", year, indicator) / path


def test_total_assets_on_track_revenue_and_profit_lagging(plan: Plan, wide: pl.DataFrame) -> None:
    assert _on_path_share(plan, wide, "total_assets", 2023) > 0.95
    assert _on_path_share(plan, wide, "net_assets", 2023) > 0.85
    assert _on_path_share(plan, wide, "revenue", 2023) < 0.8
    assert _on_path_share(plan, wide, "net_profit", 2023) < 0.8


def test_scope_debt_ratio_stays_under_the_binding_ceiling(plan: Plan, wide: pl.DataFrame) -> None:
    for scope in SCOPES:
        ceiling = plan.target(scope, "debt_ratio")
        assert ceiling is not None
        for year in range(2015, 2024):
            net = _scope_total(wide, scope, year, "net_assets")
            ratio = 1 - net / _scope_total(wide, scope, year, "total_assets")
            assert 0.3 < ratio < float(ceiling.value), (scope, year)


def test_count_targets_partly_met_by_2023(plan: Plan, wide: pl.DataFrame) -> None:
    def target(indicator: str) -> float:
        t = plan.target("city", indicator)
        assert t is not None
        return float(t.value)

    assert _scope_total(wide, "city", 2023, "rated_aaa") == target("rated_aaa")
    assert 3 < _scope_total(wide, "city", 2023, "rated_aa_plus") < target("rated_aa_plus")
    assert _scope_total(wide, "city", 2023, "listed") < target("listed")


# ------------------------------------------------------------------ labelled as synthetic
def test_labelled_synthetic_everywhere() -> None:
    assert sample.SYNTHETIC_NOTE.zh == "示例数据（合成），非真实企业数据"
    assert sample.SYNTHETIC_NOTE.en == "Synthetic sample data, not real company figures"
    assert soeplan.SYNTHETIC_NOTE is sample.SYNTHETIC_NOTE
    assert sample.SAMPLE_STRUCTURE_PATH.is_file()
    assert tomllib.loads(sample.SAMPLE_STRUCTURE_PATH.read_text(encoding="utf-8")) == STRUCTURE
    assert STRUCTURE["structure"]["synthetic"] is True
    for text in (sample.__doc__, sample.sample_observations.__doc__, sample.sample_unit.__doc__):
        assert text is not None and "synthetic" in text.lower()
