"""Progress by unit and by group, loss-makers (issue 14, items 1 and 7)."""

from __future__ import annotations

import math
from decimal import Decimal

import attrs
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import soeplan
from soeplan.assessment.by_unit import member_rows, progress_by_member
from soeplan.assessment.losses import loss_makers, loss_run, losses_by_unit
from soeplan.assessment.records import AssessmentError
from soeplan.cli import main
from soeplan.consolidation.rollup import rollup
from soeplan.plan.model import Target, TargetKind
from soeplan.plugins.builtin import load_core_sample
from soeplan.plugins.registry import get_registry
from soeplan.structure.city import city_structure


@pytest.fixture(scope="module")
def sample() -> tuple[pl.DataFrame, object]:
    structure = city_structure(sample=True)
    return rollup(load_core_sample(), structure).values, structure


def _plan() -> soeplan.Plan:
    return get_registry().plan_with_targets(soeplan.load_plan("quzhou-14th"))


# ------------------------------------------------------------------ by unit: hand-computed


def test_member_rows_hand_computed() -> None:
    # required 10 % a year for 2 years: path 121 from 100. a is on it, b at 105 is 16 behind.
    rows = member_rows({"a": (100.0, 121.0), "b": (100.0, 105.0)}, required=0.10, years=2)
    b, a = rows
    assert (b.member, b.rank, b.lagging) == ("b", 1, True)
    assert b.ratio == pytest.approx((math.sqrt(1.05) - 1) / 0.10)
    assert b.shortfall == pytest.approx(16.0) and b.gap_share == pytest.approx(1.0)
    assert a.ratio == pytest.approx(1.0) and a.gap_share == pytest.approx(0.0, abs=1e-12)
    assert not a.lagging


def test_own_required_rate_replaces_the_scopes() -> None:
    rows = member_rows({"a": (100.0, 110.0)}, required=0.20, years=1, own_required={"a": 0.10})
    assert rows[0].ratio == pytest.approx(1.0) and not rows[0].lagging


def test_a_member_without_a_rate_ranks_first_and_lags_when_behind() -> None:
    rows = member_rows({"a": (100.0, 130.0), "b": (5.0, -1.0)}, required=0.10, years=2)
    assert rows[0].member == "b" and rows[0].ratio is None and rows[0].lagging


@given(
    st.lists(st.tuples(st.floats(1, 1e4), st.floats(1, 1e4)), min_size=1, max_size=8),
    st.floats(0.01, 0.5),
    st.integers(1, 5),
)
def test_shortfalls_add_up_to_the_scopes_distance(
    pairs: list[tuple[float, float]], required: float, years: int
) -> None:
    values = {f"u{i}": p for i, p in enumerate(pairs)}
    rows = member_rows(values, required=required, years=years)
    scope_base = sum(b for b, _ in pairs)
    scope_now = sum(c for _, c in pairs)
    distance = scope_base * (1 + required) ** years - scope_now
    assert sum(r.shortfall for r in rows) == pytest.approx(distance, rel=1e-9, abs=1e-6)
    shares = [r.gap_share for r in rows]
    if any(r.shortfall > 0 for r in rows):
        assert sum(s for s in shares if s is not None) == pytest.approx(1.0)
    ratios = [r.ratio for r in rows]
    assert ratios == sorted(ratios, key=lambda x: x if x is not None else -math.inf)
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))


# ------------------------------------------------------------------ by unit: the sample


def test_kecheng_is_slowest_on_the_sample(sample: tuple[pl.DataFrame, object]) -> None:
    values, structure = sample
    df = progress_by_member(values, _plan(), 2023, structure).filter(scope="city", rank=1)
    got = {r["indicator"]: (r["member"], round(r["ratio"], 2)) for r in df.iter_rows(named=True)}
    assert got["net_assets"] == ("kecheng", 0.50)
    assert got["revenue"] == ("kecheng", 0.29)
    assert got["total_profit"] == ("kecheng", 0.07)
    assert "debt_ratio" not in got and "rated_aaa" not in got  # amounts only


def test_unit_shares_add_up_per_target(sample: tuple[pl.DataFrame, object]) -> None:
    values, structure = sample
    df = progress_by_member(values, _plan(), 2023, structure)
    sums = df.group_by("scope", "indicator").agg(pl.col("gap_share").sum())
    assert all(s == pytest.approx(1.0) for s in sums["gap_share"])
    assert set(df.filter(scope="urban")["member"]) == {"municipal", "kecheng", "qujiang"}


def test_by_group_lists_top_level_groups(sample: tuple[pl.DataFrame, object]) -> None:
    values, structure = sample
    df = progress_by_member(values, _plan(), 2023, structure, by="group")
    members = set(df.filter(scope="city")["member"])
    assert {"mun.chengtou", "mun.jiaotou", "kc.capital"} <= members
    assert "mun.chengtou.hq" not in members  # a member of a group, not a top-level group


def test_a_units_own_target_is_its_pace(sample: tuple[pl.DataFrame, object]) -> None:
    values, structure = sample
    plan = _plan()
    own = Target(
        scope="kecheng",
        indicator="revenue",
        year=2025,
        kind=TargetKind.LEVEL,
        value=Decimal("6"),
    )
    plan = attrs.evolve(plan, targets=(*plan.targets, own))
    row = progress_by_member(values, plan, 2023, structure).filter(
        scope="city", indicator="revenue", member="kecheng"
    )
    assert row["own_target"][0] == 6.0
    base = row["base"][0]
    assert row["required_rate"][0] == pytest.approx((6.0 / base) ** (1 / 5) - 1)


def test_bad_by_and_bad_year_are_refused(sample: tuple[pl.DataFrame, object]) -> None:
    values, structure = sample
    with pytest.raises(AssessmentError, match="by 'county'"):
        progress_by_member(values, _plan(), 2023, structure, by="county")
    with pytest.raises(AssessmentError, match="not after the base year"):
        progress_by_member(values, _plan(), 2020, structure)


def test_assess_by_unit_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--sample", "--by", "unit", "--year", "2023", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "全市,净资产,柯城区,5.76%,11.51%,0.50,14.22,14.07%,1,滞后" in lines


def test_assess_by_needs_enterprise_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--by", "unit", "--year", "2023"]) != 0
    assert "--observations" in capsys.readouterr().err


# ------------------------------------------------------------------ loss-makers


def test_loss_run() -> None:
    assert loss_run({2021: -1.0, 2022: 2.0, 2023: -0.5}, 2023) == 1
    assert loss_run({2021: -1.0, 2023: -0.5}, 2023) == 1  # a missing year ends the run
    assert loss_run({2022: -1.0, 2023: -0.5}, 2023) == 2
    assert loss_run({}, 2023) == 0


def _values(rows: list[tuple[str, str, str, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"node": n, "node_type": t, "name_zh": n, "unit": u, "year": y,
             "indicator": "total_profit", "value": v}
            for n, t, u, y, v in rows
        ]
    )  # fmt: skip


def test_loss_makers_hand_built() -> None:
    values = _values(
        [
            ("e1", "entity", "a", 2022, -1.0),
            ("e1", "entity", "a", 2023, -0.5),
            ("e2", "entity", "a", 2022, 1.0),
            ("e2", "entity", "a", 2023, -2.0),
            ("e3", "entity", "b", 2023, 0.5),
            ("g1", "group", "a", 2023, -3.0),
        ]
    )
    df = loss_makers(values, 2023)
    assert df["entity"].to_list() == ["e1", "e2"]  # longest run first within the unit
    assert df["loss_years"].to_list() == [2, 1]
    assert df["previous"].to_list() == [-1.0, 1.0]
    assert loss_makers(values, 2023, groups=True)["entity"].to_list() == ["e1", "g1", "e2"]
    per = losses_by_unit(df)
    assert per.row(0) == ("a", 2, -2.5, 1)


def test_difference_units_are_not_loss_makers(sample: tuple[pl.DataFrame, object]) -> None:
    values, structure = sample
    df = loss_makers(values, 2023, structure)
    assert "mun.chengtou.diff" not in df["entity"].to_list()
    assert set(df["entity"]) == {"mun.guozi.bus", "mun.jiaotou.airport"}
    assert (df["total_profit"] < 0).all() and (df["loss_years"] >= 1).all()


def test_assess_losses_cli(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["assess", "--sample", "--losses", "--year", "2023", "--format", "csv", "--lang", "en"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Municipal level,衢州示例公交集团有限公司,single enterprise,-1.06,-0.99" in out


def test_assess_without_data_or_by_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "--year", "2023"]) == 2
    assert "give --data FILE" in capsys.readouterr().err
