"""Tests that pin the edges: each asserts the exact value on both sides of a threshold.

Band edges, tolerances and formulas are written here as numbers, never imported from the code
they check: a test that shares a constant with the code passes whatever the constant is.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import polars as pl
import pytest

import soeplan
from _structures import small_structure
from soeplan import (
    CORE_RULES,
    CountyUnit,
    Entity,
    NodeType,
    ScopeComposition,
    UnitStructure,
    assess_frame,
    assess_progress,
    compose_structure,
    load_plan,
    rollup,
    validate,
)
from soeplan.consolidation.records import VALUE_SCHEMA
from soeplan.submissions.rule_helpers import _written_half_ulp as half_ulp

# The module the rollup is defined in (wherever it lives): its wide path is spied on below.
_ROLLUP_MODULE = inspect.getmodule(rollup)


# ------------------------------------------------------------------ status and mid-term bands

# A linear path from 0 (2020) to 200 (2025), observed in 2022: the ratio of actual to required
# change is (c * 5) / (200 * 2) = c / 80, exact in binary floating point for these values; the
# completion share c / 200 against the time share 2 / 5.
BASE, TARGET, N_YEARS = 0.0, 200.0, 5
STATUS_EDGES = [
    (76.0, 0.95, "on_track"),  # exactly on the edge: on track (ratio >= 0.95)
    (75.99, 0.949875, "moderate"),  # just below it
    (48.0, 0.6, "moderate"),  # exactly 0.60: moderate
    (47.99, 0.599875, "insufficient"),
    (0.0, 0.0, "insufficient"),  # no change at all: insufficient, not moving away
    (-0.08, -0.001, "moving_away"),
    (200.0, 2.5, "achieved"),  # the target itself: achieved first, whatever the ratio
]
MIDTERM_EDGES = [
    (88.01, "faster"),  # pace 1.100125: beyond +10 % of the time share
    (87.99, "as_expected"),  # pace 1.099875
    (72.01, "as_expected"),  # pace 0.900125
    (71.99, "lagging"),  # pace 0.899875
]


@pytest.mark.parametrize(("current", "ratio", "status"), STATUS_EDGES)
def test_status_band_edges_of_the_scalar_assessment(
    current: float, ratio: float, status: str
) -> None:
    p = assess_progress(BASE, 2020, current, 2022, TARGET, 2025, method="linear")
    if status != "achieved":
        assert p.ratio == pytest.approx(ratio, abs=1e-12)
    assert p.status.value == status


def test_the_on_track_edge_is_exact_not_approximate() -> None:
    # the ratio is exactly 0.95 in floating point, and 0.95 is on track (>=, not >)
    p = assess_progress(BASE, 2020, 76.0, 2022, TARGET, 2025, method="linear")
    assert p.ratio == 0.95 and p.status is soeplan.Status.ON_TRACK
    q = assess_progress(BASE, 2020, 48.0, 2022, TARGET, 2025, method="linear")
    assert q.ratio == 0.6 and q.status is soeplan.Status.MODERATE


@pytest.mark.parametrize(("current", "category"), MIDTERM_EDGES)
def test_midterm_tolerance_edges_of_the_scalar_assessment(current: float, category: str) -> None:
    p = assess_progress(BASE, 2020, current, 2022, TARGET, 2025, method="linear")
    assert p.time_share == pytest.approx(0.4)
    assert p.completion_share == pytest.approx(current / 200)
    assert p.category.value == category


def test_a_wider_tolerance_moves_the_midterm_edges() -> None:
    # tolerance 0.2: pace 1.100125 is now within it, 0.799875 below it
    wide = dict(method="linear", tolerance=0.2)
    assert assess_progress(BASE, 2020, 88.01, 2022, TARGET, 2025, **wide).category.value == (
        "as_expected"
    )
    assert assess_progress(BASE, 2020, 96.01, 2022, TARGET, 2025, **wide).category.value == (
        "faster"
    )
    assert assess_progress(BASE, 2020, 63.99, 2022, TARGET, 2025, **wide).category.value == (
        "lagging"
    )


def test_lower_is_better_bands_mirror_the_edges() -> None:
    # from 200 down to 0: the same distances, the other direction
    on = assess_progress(200.0, 2020, 124.0, 2022, 0.0, 2025, False, method="linear")
    below = assess_progress(200.0, 2020, 124.01, 2022, 0.0, 2025, False, method="linear")
    assert on.ratio == 0.95 and on.status.value == "on_track"
    assert below.status.value == "moderate"
    away = assess_progress(200.0, 2020, 200.08, 2022, 0.0, 2025, False, method="linear")
    assert away.status.value == "moving_away"


def _revenue_frame(current: float) -> pl.DataFrame:
    """全市 revenue observed at 0 in the base year and at ``current`` in 2022 (plan target 200)."""
    return pl.DataFrame(
        {
            "scope": ["city", "city"],
            "year": [2020, 2022],
            "indicator": ["revenue", "revenue"],
            "value": [0.0, current],
        }
    )


@pytest.fixture(scope="module")
def plan() -> soeplan.Plan:
    p = load_plan("quzhou-14th")
    t = p.target("city", "revenue")
    assert t is not None and float(t.value) == TARGET and t.year == 2025 and p.base_year == 2020
    return p


@pytest.mark.parametrize(("current", "ratio", "status"), STATUS_EDGES)
def test_status_band_edges_of_the_frame_assessment(
    plan: soeplan.Plan, current: float, ratio: float, status: str
) -> None:
    row = (
        assess_frame(_revenue_frame(current), plan, 2022)
        .filter(pl.col("scope") == "city", pl.col("indicator") == "revenue")
        .row(0, named=True)
    )
    assert row["method"] == "linear"  # a zero base has no compound rate
    if status != "achieved":
        assert row["ratio"] == pytest.approx(ratio, abs=1e-12)
    assert row["status"] == status


@pytest.mark.parametrize(("current", "category"), MIDTERM_EDGES)
def test_midterm_tolerance_edges_of_the_frame_assessment(
    plan: soeplan.Plan, current: float, category: str
) -> None:
    row = (
        assess_frame(_revenue_frame(current), plan, 2022)
        .filter(pl.col("scope") == "city", pl.col("indicator") == "revenue")
        .row(0, named=True)
    )
    assert row["category"] == category


def test_the_frame_on_track_edge_is_exact(plan: soeplan.Plan) -> None:
    row = (
        assess_frame(_revenue_frame(76.0), plan, 2022)
        .filter(pl.col("scope") == "city", pl.col("indicator") == "revenue")
        .row(0, named=True)
    )
    assert row["ratio"] == 0.95 and row["status"] == "on_track"
    # the hand-computed rest of the row: 38 a year against the 40 required, 190 by 2025
    assert row["actual_rate"] == 38.0 and row["required_rate"] == 40.0
    assert row["projection"] == 190.0 and row["gap"] == 10.0 and row["milestone"] == 80.0


# ------------------------------------------------------------------ the rollup's wide path


def obs(rows: list[tuple[str, int, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["entity", "year", "indicator", "value"], orient="row")


@pytest.fixture
def wide_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the rollups that take the wide path (so a test knows which path it ran)."""
    calls: list[int] = []
    wide = _ROLLUP_MODULE._wide_rollup  # type: ignore[union-attr]

    def counted(*args: object) -> pl.DataFrame:
        calls.append(1)
        result: pl.DataFrame = wide(*args)
        return result

    monkeypatch.setattr(_ROLLUP_MODULE, "_wide_rollup", counted)
    yield calls


@pytest.mark.parametrize("include_entities", [False, True])
def test_a_ratio_reported_alone_is_never_summed(
    wide_calls: list[int], include_entities: bool
) -> None:
    # two entities report a debt ratio (0.6, 0.7) and total assets, but no net assets: there is
    # nothing to recompute the ratio from, so no node has one (never 0.6 + 0.7 = 1.3)
    data = obs(
        [
            ("x", 2020, "debt_ratio", 0.6),
            ("z", 2020, "debt_ratio", 0.7),
            ("x", 2020, "total_assets", 100.0),
            ("z", 2020, "total_assets", 50.0),
        ]
    )
    r = rollup(data, small_structure(), include_entities=include_entities)
    assert wide_calls == ([] if include_entities else [1])
    for node in ("g", "a", "all", "only_a") + (("x", "z") if include_entities else ()):
        assert r.value(node, "debt_ratio", 2020) is None, node
    assert set(r.values["indicator"]) == {"total_assets"}
    assert r.value("a", "total_assets", 2020) == 150.0
    assert r.value("all", "total_assets", 2020) == 150.0
    hint = r.findings.filter(pl.col("rule") == "rollup.ratio_recomputed")
    assert hint["indicator"].to_list() == ["debt_ratio"] and hint["severity"][0] == "hint"
    assert hint.select("expected", "found").row(0) == (
        "components of the ratio",
        "reported ratio values",
    )


@pytest.mark.parametrize("include_entities", [False, True])
def test_a_ratio_reported_beside_its_components_is_recomputed(
    wide_calls: list[int], include_entities: bool
) -> None:
    data = obs(
        [
            ("x", 2020, "debt_ratio", 0.6),
            ("z", 2020, "debt_ratio", 0.7),
            ("x", 2020, "total_assets", 100.0),
            ("x", 2020, "net_assets", 40.0),
            ("z", 2020, "total_assets", 100.0),
            ("z", 2020, "net_assets", 20.0),
        ]
    )
    r = rollup(data, small_structure(), include_entities=include_entities)
    assert wide_calls == ([] if include_entities else [1])
    # unit a: 1 - (40 + 20) / (100 + 100) = 0.7; group g (x alone): 1 - 40 / 100 = 0.6
    assert r.value("a", "debt_ratio", 2020) == pytest.approx(0.7, abs=1e-15)
    assert r.value("g", "debt_ratio", 2020) == pytest.approx(0.6, abs=1e-15)
    assert r.value("all", "debt_ratio", 2020) == pytest.approx(0.7, abs=1e-15)


WIDE_FORMULA_DATA = [
    # unit a: x (under group g) and z; unit b: w
    ("x", 2019, "net_assets", 30.0),
    ("x", 2020, "net_assets", 40.0),
    ("x", 2020, "total_assets", 100.0),
    ("x", 2020, "net_profit", 5.0),
    ("z", 2019, "net_assets", 10.0),
    ("z", 2020, "net_assets", 20.0),
    ("z", 2020, "total_assets", 100.0),
    ("z", 2020, "net_profit", 4.0),
    ("w", 2019, "net_assets", -5.0),
    ("w", 2020, "net_assets", 5.0),
    ("w", 2020, "total_assets", 50.0),
    ("w", 2020, "net_profit", 1.0),
]


def test_the_wide_path_gives_the_cell_paths_frame_row_for_row_on_the_sample(
    wide_calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from soeplan.sample import sample_observations
    from soeplan.structure.city import city_structure

    data, structure = sample_observations([2022, 2023]), city_structure(sample=True)
    wide = rollup(data, structure, include_entities=False).values
    assert wide_calls == [1]
    monkeypatch.setattr(_ROLLUP_MODULE, "_WIDE", False)
    cells = rollup(data, structure, include_entities=False).values
    assert wide_calls == [1]  # the second run took the cell path
    assert wide.equals(cells)  # same rows in the same order, not only the same set
    assert wide["node_type"].unique().sort().to_list() == ["group", "scope", "unit"]
    first_year = wide.filter(pl.col("year") == 2022)["node_type"].unique(maintain_order=True)
    assert first_year.to_list() == ["scope", "unit", "group"]


@pytest.mark.parametrize(
    ("include_entities", "years"),
    [(True, (2021, 2022, 2023)), (False, (2021, 2022, 2023)), (False, (2022, 2023))],
)  # the last takes the wide path
def test_the_join_to_the_units_gives_what_the_lookup_gives(
    monkeypatch: pytest.MonkeyPatch, include_entities: bool, years: tuple[int, ...]
) -> None:
    # the propagation looks each node-year's unit up in an array, and falls back to a join
    # where a node-year has more than one unit: force the join and compare
    import importlib

    from soeplan.sample import sample_observations
    from soeplan.structure.city import city_structure

    propagate = importlib.import_module("soeplan.consolidation.propagate")
    data, structure = sample_observations(years), city_structure(sample=True)
    looked_up = rollup(data, structure, include_entities=include_entities).values
    levels = propagate._levels

    def joined(*args: object) -> object:
        tree, to_unit, unit_scope, _ = levels(*args)
        return tree, to_unit, unit_scope, None

    monkeypatch.setattr(propagate, "_levels", joined)
    assert rollup(data, structure, include_entities=include_entities).values.equals(looked_up)


def test_the_wide_path_with_nothing_to_show_gives_an_empty_frame_of_the_values_schema(
    wide_calls: list[int],
) -> None:
    # only total assets reported, only the debt ratio asked for: nothing can be shown
    data = obs([("x", 2020, "total_assets", 1.0)])
    r = rollup(data, small_structure(), include_entities=False, indicators=["debt_ratio"])
    assert wide_calls == [1]
    assert r.values.is_empty() and r.values.schema == pl.Schema(VALUE_SCHEMA)


@pytest.mark.parametrize("include_entities", [False, True])
def test_debt_ratio_and_average_denominator_against_hand_figures(
    wide_calls: list[int], include_entities: bool
) -> None:
    r = rollup(obs(WIDE_FORMULA_DATA), small_structure(), include_entities=include_entities)
    assert wide_calls == ([] if include_entities else [1])

    def v(node: str, ind: str, year: int = 2020) -> float | None:
        return r.value(node, ind, year)

    # debt ratio = 1 - net assets / total assets, of the summed components
    assert v("g", "debt_ratio") == pytest.approx(0.6, abs=1e-15)  # 1 - 40/100
    assert v("a", "debt_ratio") == pytest.approx(0.7, abs=1e-15)  # 1 - 60/200
    assert v("b", "debt_ratio") == pytest.approx(0.9, abs=1e-15)  # 1 - 5/50
    assert v("all", "debt_ratio") == pytest.approx(0.74, abs=1e-15)  # 1 - 65/250
    # roe_avg = net profit / ((net assets + net assets a year before) / 2)
    assert v("g", "roe_avg") == pytest.approx(5 / 35, abs=1e-15)  # 5 / ((40 + 30) / 2)
    assert v("a", "roe_avg") == pytest.approx(0.18, abs=1e-15)  # 9 / ((60 + 40) / 2)
    assert v("all", "roe_avg") == pytest.approx(0.2, abs=1e-15)  # 10 / ((65 + 35) / 2)
    assert v("b", "roe_avg") is None  # (5 + -5) / 2 = 0: no ratio over a zero denominator
    assert v("a", "roe_avg", 2019) is None  # no year before 2019, no average
    # roe (year-end equity) for contrast: 9 / 60
    assert v("a", "roe") == pytest.approx(0.15, abs=1e-15)
    assert v("b", "roe") == pytest.approx(0.2, abs=1e-15)
    assert v("a", "net_assets", 2019) == 40.0 and v("all", "net_assets") == 65.0


# ------------------------------------------------------------------ the rollup's group check


def _group_reports(children_sum: float) -> pl.DataFrame:
    """Group g reports 1000 亿元 total assets; its children x and y sum to ``children_sum``."""
    return obs(
        [
            ("g", 2020, "total_assets", 1000.0),
            ("x", 2020, "total_assets", 600.0),
            ("y", 2020, "total_assets", children_sum - 600.0),
        ]
    )


@pytest.mark.parametrize(
    ("children_sum", "flagged"),
    [
        (1000.0, False),
        (1000.0000009, False),  # 9e-7 apart: within a relative 1e-9 of 1000
        (999.9999991, False),
        (1000.0000011, True),  # 1.1e-6 apart: beyond it
        (999.9999989, True),
    ],
)
def test_group_check_tolerance_just_inside_and_just_outside(
    children_sum: float, flagged: bool
) -> None:
    r = rollup(_group_reports(children_sum), small_structure())
    f = r.findings.filter(pl.col("rule") == "rollup.group_check")
    assert f.height == (1 if flagged else 0)
    assert r.value("g", "total_assets", 2020) == pytest.approx(children_sum, abs=1e-12)
    if flagged:
        row = f.row(0, named=True)
        assert row["entity"] == "g" and row["indicator"] == "total_assets"
        assert row["found"] == "1000.0" and row["year"] == 2020
        assert float(row["expected"]) == pytest.approx(children_sum, abs=1e-12)


@pytest.mark.parametrize(
    ("reported", "children"),
    [
        (1000.0, 999.999999),  # 1e-6 apart: exactly 1e-9 of the reported figure, not flagged
        (999.999999, 1000.0),  # the same gap with the children's sum the larger: not flagged
        (10.0, 9.99999999),  # one unit (1e-8 亿元) apart, a tolerance of exactly one unit
    ],
)
def test_group_check_tolerance_is_relative_to_the_larger_figure_and_includes_its_edge(
    reported: float, children: float
) -> None:
    data = obs(
        [
            ("g", 2020, "total_assets", reported),
            ("x", 2020, "total_assets", 6.0),
            ("y", 2020, "total_assets", children - 6.0),
        ]
    )
    f = rollup(data, small_structure()).findings.filter(pl.col("rule") == "rollup.group_check")
    assert f.is_empty()
    # one more unit of difference is beyond it
    beyond = data.with_columns(
        pl.when(pl.col("entity") == "y").then(pl.col("value") - 2e-8).otherwise(pl.col("value"))
    )
    if reported > children:
        f = rollup(beyond, small_structure()).findings
        assert f.filter(pl.col("rule") == "rollup.group_check")["entity"].to_list() == ["g"]


def test_group_check_tolerance_scales_with_the_figure() -> None:
    # at 1 亿元 the same 1.1e-6 gap is far beyond a relative 1e-9: flagged
    data = obs(
        [
            ("g", 2020, "total_assets", 1.0),
            ("x", 2020, "total_assets", 0.6),
            ("y", 2020, "total_assets", 0.4000011),
        ]
    )
    f = rollup(data, small_structure()).findings.filter(pl.col("rule") == "rollup.group_check")
    assert f["entity"].to_list() == ["g"]
    # and 1e-8 (one unit of the rollup's fixed-point sums) at 1 亿元 is flagged too
    data = data.with_columns(pl.Series("value", [1.0, 0.6, 0.40000001]))
    f = rollup(data, small_structure()).findings.filter(pl.col("rule") == "rollup.group_check")
    assert f["entity"].to_list() == ["g"]


# ------------------------------------------------------------------ validation: group totals

_GROUP_TOTAL = next(r for r in CORE_RULES if r.id == "core.group-total")


def two_children() -> soeplan.Structure:
    """Unit a: group g with children x and y (no difference unit)."""
    ents = (
        Entity(id="g", name_zh="集团", unit="a", node_type=NodeType.GROUP),
        Entity(id="x", name_zh="甲", unit="a", parent="g"),
        Entity(id="y", name_zh="乙", unit="a", parent="g"),
    )
    return compose_structure(
        units=[CountyUnit("a", "甲县", "A")],
        scopes=[ScopeComposition("all", ("a",))],
        registered=[("test", UnitStructure(unit="a", entities=ents))],
    )


def _group_total_findings(group: float, kids: tuple[float, float]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "unit": ["a"] * 3,
            "entity": ["g", "x", "y"],
            "year": [2020] * 3,
            "indicator": ["total_assets"] * 3,
            "value": [group, *kids],
        }
    )
    report = validate(frame, year=2020, structure=two_children(), plan=None, rules=[_GROUP_TOTAL])
    return report.findings.filter(pl.col("rule") == "core.group-total")


@pytest.mark.parametrize(
    ("group", "kids", "flagged"),
    [
        # the tolerance is half a unit in the last written place of each figure: here
        # 0.005 (group, 2 decimals) + 0.05 + 0.05 (children, 1 decimal) = 0.105
        (10.4, (4.1, 6.3), False),  # the exact total
        (10.49, (4.1, 6.3), False),  # 0.09 above: inside
        (10.51, (4.1, 6.3), True),  # 0.11 above: outside
        (10.31, (4.1, 6.3), False),  # 0.09 below: inside
        (10.29, (4.1, 6.3), True),  # 0.11 below: outside
        # a group written as a whole number stands for ±0.5: 0.5 + 0.005 + 0.005 = 0.51
        (10.0, (4.13, 6.27), False),  # 0.40 below the children's 10.40: inside
        (11.0, (4.13, 6.27), True),  # 0.60 above: outside
        (10.41, (4.13, 6.27), False),  # 0.01 above, tolerance 0.015
        (10.42, (4.13, 6.27), True),  # 0.02 above
    ],
)
def test_group_total_tolerance_just_inside_and_just_outside(
    group: float, kids: tuple[float, float], flagged: bool
) -> None:
    f = _group_total_findings(group, kids)
    assert f.height == (1 if flagged else 0), f
    if flagged:
        row = f.row(0, named=True)
        assert row["entity"] == "g" and row["severity"] == "error"
        assert row["found"] == f"{group:.6g}"
        assert row["expected"].startswith(f"{sum(kids):.6g}（")
        assert "sum of 2 children" in row["expected"]
        assert row["message_zh"] == "集团 g 的 资产总额 不等于下级企业之和"
        assert row["message_en"] == "group g's Total assets is not the sum of its children"
        assert "correct the group or its children" in row["fix"] and "差额单位" in row["fix"]


def test_group_total_checks_only_summed_indicators_with_every_child_reported() -> None:
    # a ratio is not the sum of the children's ratios: never checked
    frame = pl.DataFrame(
        {
            "unit": ["a"] * 6,
            "entity": ["g", "x", "y", "g", "x", "g"],
            "year": [2020] * 6,
            "indicator": ["debt_ratio"] * 3 + ["total_assets"] * 2 + ["revenue"],
            "value": [0.6, 0.5, 0.5, 99.0, 4.0, 7.0],
        }
    )
    report = validate(frame, year=2020, structure=two_children(), plan=None, rules=[_GROUP_TOTAL])
    # total assets: y has no figure, so there is no total to compare with; revenue: no child
    assert report.findings.filter(pl.col("rule") == "core.group-total").is_empty()
    # the same with y's total assets: now the group's 99 is checked against 4 + 5
    frame = pl.concat(
        [
            frame,
            frame.head(1).with_columns(
                entity=pl.lit("y"), indicator=pl.lit("total_assets"), value=pl.lit(5.0)
            ),
        ]
    )
    report = validate(frame, year=2020, structure=two_children(), plan=None, rules=[_GROUP_TOTAL])
    f = report.findings.filter(pl.col("rule") == "core.group-total")
    assert f.select("entity", "indicator", "found").rows() == [("g", "total_assets", "99")]
    assert f["expected"][0] == "9（下级合计 / sum of 2 children）"


# ------------------------------------------------------------------ assessment: more edges


def test_the_midterm_edges_are_inclusive() -> None:
    # over 2020-2024, observed in 2022: time share exactly 0.5; completion 0.55 and 0.45 give a
    # pace of exactly 1.1 (faster) and 0.9 (as expected: the edge belongs to the band above)
    fast = assess_progress(0.0, 2020, 110.0, 2022, 200.0, 2024, method="linear")
    assert fast.time_share == 0.5 and fast.completion_share == 0.55
    assert fast.category.value == "faster"
    edge = assess_progress(0.0, 2020, 90.0, 2022, 200.0, 2024, method="linear")
    assert edge.completion_share == 0.45 and edge.category.value == "as_expected"


@pytest.mark.parametrize(
    ("base", "current", "target"),
    [
        (100.0, 0.0, 200.0),  # a current value of zero has no growth rate
        (100.0, 50.0, 0.0),  # nor a target of zero
        (0.0, -5.0, -10.0),  # nor a base of zero
        (0.5, -5.0, -10.0),  # signs differ
        (-5.0, 0.0, -10.0),
        (-5.0, 0.5, -10.0),
        (-5.0, -6.0, 0.0),
        (-5.0, -6.0, 0.5),
    ],
)
def test_compound_needs_one_sign_throughout(base: float, current: float, target: float) -> None:
    p = assess_progress(base, 2020, current, 2022, target, 2025, target > base)
    assert p.method.value == "linear"


def test_a_required_rate_of_exactly_one_hundred_percent_compounds() -> None:
    # from 1 to 32 in five years is +100 % a year: a rate, not a rounding error of zero
    p = assess_progress(1.0, 2020, 4.0, 2022, 32.0, 2025)
    assert p.method.value == "compound" and p.required_rate == pytest.approx(1.0)
    assert p.actual_rate == pytest.approx(1.0) and p.ratio == pytest.approx(1.0)


def test_negative_figures_compound_on_their_magnitudes() -> None:
    # a loss growing from -100 to -121 in two years (+10 % a year in magnitude), target -200
    p = assess_progress(-100.0, 2020, -121.0, 2022, -200.0, 2025, False)
    assert p.method.value == "compound" and p.actual_rate == pytest.approx(0.1)
    assert p.projection == pytest.approx(-121 * 1.1**3)  # -161.051
    assert p.gap == pytest.approx(-(-200 - (-161.051)), abs=1e-9)  # 38.949 short of the target


def test_the_assessment_keeps_the_numbers_it_was_given() -> None:
    p = assess_progress(10, 2020, 12, 2022, 20, 2025, False, method="linear")
    assert (p.base, p.base_year, p.current, p.current_year) == (10.0, 2020, 12.0, 2022)
    assert (p.target, p.target_year, p.higher_is_better) == (20.0, 2025, False)


@pytest.mark.parametrize("bad", ["base", "current", "target"])
def test_every_value_must_be_finite(bad: str) -> None:
    values = {"base": 1.0, "current": 2.0, "target": 3.0, bad: float("nan")}
    with pytest.raises(soeplan.AssessmentError, match=bad):
        assess_progress(values["base"], 2020, values["current"], 2022, values["target"], 2025)


def test_group_total_goes_on_past_entities_and_indicators_it_does_not_check() -> None:
    # in this order: an entity the structure does not know, a child (no children of its own),
    # then the group with a ratio (not summed) and an amount one child lacks, before the amount
    # that is off
    rows = [
        ("ghost", "total_assets", 1.0),
        ("x", "total_assets", 4.0),
        ("x", "net_assets", 1.0),
        ("g", "debt_ratio", 0.6),
        ("g", "net_assets", 50.0),  # y reports no net assets: not checked
        ("g", "total_assets", 99.0),
        ("y", "total_assets", 5.0),
        ("y", "debt_ratio", 0.5),
    ]
    frame = pl.DataFrame(
        {
            "unit": ["a"] * len(rows),
            "entity": [r[0] for r in rows],
            "year": [2020] * len(rows),
            "indicator": [r[1] for r in rows],
            "value": [r[2] for r in rows],
        }
    )
    report = validate(frame, year=2020, structure=two_children(), plan=None, rules=[_GROUP_TOTAL])
    f = report.findings.filter(pl.col("rule") == "core.group-total")
    assert f.select("entity", "indicator").rows() == [("g", "total_assets")]
    # a child with no figure at all: nothing to compare, and no error
    only_x = frame.filter(pl.col("entity").is_in(["g", "x"]))
    report = validate(only_x, year=2020, structure=two_children(), plan=None, rules=[_GROUP_TOTAL])
    assert report.findings.is_empty()
    # without a structure there are no groups to check
    ctx = soeplan.RuleContext(observations=frame, year=2020)
    assert _GROUP_TOTAL.check(ctx).is_empty()


@pytest.mark.parametrize(
    ("value", "half"),
    [
        (8.83, 0.005),
        (0.1, 0.05),
        (920.0, 0.5),  # a whole number stands for ±0.5
        (1200.0, 0.5),  # not ±5: trailing zeros of a whole number are not decimals
        (12.5, 0.05),
        (float("inf"), 0.0),
        (float("nan"), 0.0),
    ],
)
def test_half_a_unit_in_the_last_written_place(value: float, half: float) -> None:
    assert half_ulp(value) == pytest.approx(half, rel=1e-12)
