from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

import soeplan
from _structures import nested_structure, small_structure
from soeplan.consolidation.records import scope_totals
from soeplan.consolidation.rollup import rollup
from soeplan.indicators import Aggregation, Category, Indicator, Kind, builtin_indicators
from soeplan.sample import sample_observations
from soeplan.structure.city import city_structure
from soeplan.structure.records import (
    EventKind,
    StructureEvent,
)


def obs(rows: list[tuple[str, int, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["entity", "year", "indicator", "value"], orient="row")


def val(r: soeplan.Rollup, node: str, ind: str = "total_assets", year: int = 2020) -> float | None:
    return r.value(node, ind, year)


def test_sample_reproduces_table_1_exactly() -> None:
    r = rollup(sample_observations(), city_structure(sample=True))
    plan = soeplan.load_plan("quzhou-14th")
    checked = 0
    for f in plan.figures:
        ind = soeplan.get_registry().indicators[f.indicator]
        got = r.value(f.scope, f.indicator, f.year)
        assert got is not None, f
        if ind.kind is Kind.RATIO:  # published ratios are cut off at 0.01 pp
            assert abs(Decimal(repr(got)) - f.value) < Decimal("0.0001"), f
        else:
            assert round(got, 2) == float(f.value), f
        checked += 1
    assert checked >= 40
    assert r.findings.is_empty()


def test_levels_and_names() -> None:
    r = rollup(
        obs(
            [
                ("x", 2020, "total_assets", 1.0),
                ("y", 2020, "total_assets", 2.0),
                ("z", 2020, "total_assets", 4.0),
                ("w", 2020, "total_assets", 8.0),
            ]
        ),
        small_structure(),
    )
    assert val(r, "g") == 3.0 and val(r, "a") == 7.0 and val(r, "b") == 8.0
    assert val(r, "all") == 15.0 and val(r, "only_a") == 7.0
    types = dict(r.values.select("node", "node_type").unique().iter_rows())
    assert types == {
        "x": "entity",
        "y": "entity",
        "z": "entity",
        "w": "entity",
        "g": "group",
        "a": "unit",
        "b": "unit",
        "all": "scope",
        "only_a": "scope",
    }
    assert r.values.columns == list(soeplan.VALUE_SCHEMA)
    st = scope_totals(r)
    assert st.columns == ["scope", "year", "indicator", "value"]
    assert set(st["scope"]) == {"全部", "only_a", "a", "b"}
    assert set(scope_totals(r, lang="en")["scope"]) == {"All", "only_a", "a", "b"}


def test_ratios_are_recomputed_never_averaged() -> None:
    data = obs(
        [
            ("x", 2020, "total_assets", 100.0),
            ("x", 2020, "net_assets", 10.0),
            ("z", 2020, "total_assets", 10.0),
            ("z", 2020, "net_assets", 9.0),
            ("x", 2020, "debt_ratio", 0.123),  # reported ratios are not used
        ]
    )
    r = rollup(data, small_structure())
    assert val(r, "a", "debt_ratio") == pytest.approx(1 - 19 / 110)
    assert val(r, "x", "debt_ratio") == pytest.approx(0.9)  # recomputed, not the reported 0.123
    assert "rollup.ratio_recomputed" in set(r.findings["rule"])


def test_roe_avg_uses_previous_year_net_assets() -> None:
    data = obs(
        [
            ("x", 2019, "net_assets", 10.0),
            ("x", 2020, "net_assets", 30.0),
            ("x", 2020, "net_profit", 4.0),
        ]
    )
    r = rollup(data, small_structure(), years=[2020], indicators=["roe_avg", "roe"])
    assert val(r, "g", "roe_avg") == pytest.approx(4 / 20)
    assert val(r, "g", "roe") == pytest.approx(4 / 30)
    assert set(r.values["year"]) == {2020}
    assert set(r.values["indicator"]) == {"roe_avg", "roe"}


def test_group_own_figures_are_not_added_and_are_checked() -> None:
    data = obs(
        [
            ("x", 2020, "total_assets", 1.0),
            ("y", 2020, "total_assets", 2.0),
            ("g", 2020, "total_assets", 2.5),
        ]
    )
    r = rollup(data, small_structure())
    assert val(r, "g") == 3.0 and val(r, "a") == 3.0
    f = r.findings.filter(pl.col("rule") == "rollup.group_check")
    assert f.height == 1 and f["entity"][0] == "g" and f["severity"][0] == "warning"
    assert f["expected"][0] == "3.0" and f["found"][0] == "2.5"
    assert f["unit"][0] == "a" and f["year"][0] == 2020
    # in check mode the fix points to the difference mode, not to a missing difference unit
    assert 'roll up with group_reported="difference"' in f["fix"][0]
    assert "type = " not in f["fix"][0]
    assert rollup(data, small_structure(), group_reported="ignore").findings.is_empty()


def test_difference_mode_books_the_gap_to_the_difference_unit() -> None:
    data = obs(
        [
            ("x", 2020, "total_assets", 1.0),
            ("y", 2020, "total_assets", 2.0),
            ("d", 2020, "total_assets", -0.1),
            ("g", 2020, "total_assets", 2.5),
        ]
    )
    r = rollup(data, small_structure(), group_reported="difference")
    assert val(r, "g") == pytest.approx(2.5)
    assert val(r, "d") == pytest.approx(-0.5)
    assert val(r, "a") == pytest.approx(2.5)
    assert r.findings.is_empty()


def test_difference_mode_without_difference_unit_is_a_finding() -> None:
    data = obs([("w", 2020, "total_assets", 1.0), ("b", 2020, "total_assets", 5.0)])
    r = rollup(data, small_structure(), group_reported="difference")
    f = r.findings.filter(pl.col("rule") == "rollup.group_check")
    assert f["entity"].to_list() == ["b"] and f["unit"].to_list() == ["b"]
    assert f["fix"][0].startswith('add a difference unit (type = "difference", parent = "b")')
    assert val(r, "b") == 1.0


def test_a_subgroup_reporting_alone_stands_in_and_its_group_is_checked_against_it() -> None:
    # G and g1 report their own totals and nothing below g1 reports: g1 stands in for x1 and
    # x2, and G (whose descendant reports) is checked against it, never added on top
    data = obs([("G", 2020, "total_assets", 10.0), ("g1", 2020, "total_assets", 10.0)])
    r = rollup(data, nested_structure())
    assert (val(r, "g1"), val(r, "G"), val(r, "a"), val(r, "all")) == (10.0, 10.0, 10.0, 10.0)
    assert r.findings.is_empty()
    f = rollup(data.with_columns(pl.Series("value", [12.0, 10.0])), nested_structure()).findings
    assert f.select("entity", "expected", "found").rows() == [("G", "10.0", "12.0")]


def test_groups_are_checked_from_the_deepest_up_and_every_level_keeps_its_findings() -> None:
    # g1 matches its children (a level without findings), G does not: G is still checked
    data = obs(
        [
            ("x1", 2020, "total_assets", 2.0),
            ("x2", 2020, "total_assets", 3.0),
            ("g1", 2020, "total_assets", 5.0),
            ("G", 2020, "total_assets", 9.0),
        ]
    )
    r = rollup(data, nested_structure())
    assert r.findings.select("entity", "expected", "found").rows() == [("G", "5.0", "9.0")]
    assert val(r, "G") == 5.0
    # mismatches at both levels: both reported, the deeper one first
    both = rollup(data.with_columns(pl.Series("value", [2.0, 3.0, 6.0, 9.0])), nested_structure())
    assert both.findings["entity"].to_list() == ["g1", "G"]


def test_findings_of_one_level_are_ordered_by_node_indicator_and_year() -> None:
    rows = []
    for year in (2021, 2020):
        for ind in ("total_assets", "revenue"):
            rows += [("y", year, ind, 1.0), ("g2", year, ind, 2.0)]
            rows += [("x1", year, ind, 1.0), ("g1", year, ind, 3.0)]
    r = rollup(obs(rows), nested_structure())
    keys = r.findings.select("entity", "indicator", "year").rows()
    assert len(keys) == 8 and keys == sorted(keys)


def test_group_reporting_alone_counts_as_its_own_leaf() -> None:
    data = obs([("g", 2020, "total_assets", 7.0), ("z", 2020, "total_assets", 1.0)])
    r = rollup(data, small_structure())
    assert val(r, "g") == 7.0 and val(r, "a") == 8.0
    assert r.findings.is_empty()


def test_unknown_entities_roll_up_flat_with_a_hint() -> None:
    data = obs([("x", 2020, "total_assets", 1.0), ("new1", 2020, "total_assets", 2.0)])
    data = data.with_columns(unit=pl.Series(["a", "b"]))
    r = rollup(data, small_structure())
    assert val(r, "new1") == 2.0 and val(r, "b") == 2.0 and val(r, "all") == 3.0
    hint = r.findings.filter(pl.col("rule") == "rollup.flat_fallback")
    assert hint["severity"].to_list() == ["hint"] and hint["entity"][0] == "new1"
    assert "b" in hint["message_en"][0]


def test_unknown_entity_without_unit_column_is_an_error() -> None:
    with pytest.raises(soeplan.UnknownNameError, match="new1"):
        rollup(obs([("new1", 2020, "total_assets", 2.0)]), small_structure())


def test_structure_in_force_each_year() -> None:
    events = (
        StructureEvent(date=dt.date(2021, 3, 1), kind=EventKind.TRANSFER, entity="z", target="g"),
    )
    data = obs(
        [
            ("z", 2020, "total_assets", 4.0),
            ("z", 2021, "total_assets", 4.0),
            ("x", 2020, "total_assets", 1.0),
            ("x", 2021, "total_assets", 1.0),
        ]
    )
    r = rollup(data, small_structure(events))
    assert val(r, "g", year=2020) == 1.0 and val(r, "g", year=2021) == 5.0
    assert val(r, "a", year=2020) == val(r, "a", year=2021) == 5.0


def test_figures_after_a_merger_warn_and_still_count() -> None:
    events = (
        StructureEvent(date=dt.date(2020, 6, 1), kind=EventKind.MERGE, entity="z", target="x"),
    )
    r = rollup(obs([("z", 2021, "total_assets", 4.0)]), small_structure(events))
    w = r.findings.filter(pl.col("rule") == "rollup.not_in_force")
    assert w["entity"].to_list() == ["z"] and w["severity"][0] == "warning"
    assert val(r, "a", year=2021) == 4.0


@pytest.mark.parametrize("include_entities", [True, False])
def test_an_entity_placed_year_by_year_never_sums_a_ratio_or_a_local_metric(
    include_entities: bool,
) -> None:
    # z moves under g in 2021, so it is placed year by year; it reports a ratio alone and a
    # metric that does not roll up: neither reaches g, the unit or the scope
    events = (
        StructureEvent(date=dt.date(2021, 3, 1), kind=EventKind.TRANSFER, entity="z", target="g"),
    )
    local = Indicator(
        code="two_mountains", name_zh="两山", name_en="Two mountains", category=Category.LOCAL,
        unit="个", kind=Kind.COUNT, aggregation=Aggregation.NONE,
    )  # fmt: skip
    reg = SimpleNamespace(indicators={i.code: i for i in (*builtin_indicators(), local)})
    data = obs(
        [
            ("z", year, code, value)
            for year in (2020, 2021)
            for code, value in (("total_assets", 4.0), ("debt_ratio", 0.6), ("two_mountains", 3.0))
        ]
    )
    r = rollup(data, small_structure(events), registry=reg, include_entities=include_entities)
    assert val(r, "g", year=2021) == 4.0 and val(r, "a", year=2020) == 4.0
    for node in ("g", "a", "all"):
        for year in (2020, 2021):
            assert val(r, node, "debt_ratio", year) is None, (node, year)
            assert val(r, node, "two_mountains", year) is None, (node, year)
    if include_entities:
        assert val(r, "z", "two_mountains", 2021) == 3.0  # stays with the entity reporting it


def test_local_metrics_stay_local_and_rolls_into() -> None:
    local = Indicator(
        code="two_mountains",
        name_zh="两山",
        name_en="Two mountains",
        category=Category.LOCAL,
        unit="个",
        kind=Kind.COUNT,
        aggregation=Aggregation.NONE,
    )
    counted = Indicator(
        code="county_aa",
        name_zh="县AA",
        name_en="County AA",
        category=Category.LOCAL,
        unit="家",
        kind=Kind.COUNT,
        aggregation=Aggregation.NONE,
        rolls_into="rated_aa",
    )
    cat = {i.code: i for i in (*builtin_indicators(), local, counted)}
    reg = SimpleNamespace(indicators=cat)
    data = obs(
        [
            ("x", 2020, "two_mountains", 3.0),
            ("a", 2020, "two_mountains", 9.0),
            ("x", 2020, "county_aa", 1.0),
            ("z", 2020, "rated_aa", 1.0),
        ]
    )
    r = rollup(data, small_structure(), registry=reg)
    assert val(r, "x", "two_mountains") == 3.0
    assert val(r, "a", "two_mountains") == 9.0  # the unit's own figure
    assert val(r, "g", "two_mountains") is None and val(r, "all", "two_mountains") is None
    assert val(r, "all", "rated_aa") == 2.0 and val(r, "g", "rated_aa") == 1.0


@pytest.mark.parametrize("include_entities", [True, False])
def test_only_ratios_are_recomputed_an_amount_carrying_a_formula_is_summed(
    include_entities: bool,
) -> None:
    # the catalogue file refuses such an amount; built in code, it is still just summed
    odd = Indicator(
        code="odd_total", name_zh="合计", name_en="Total", category=Category.LOCAL, unit="亿元",
        kind=Kind.AMOUNT, aggregation=Aggregation.SUM,
        formula=soeplan.Ratio("total_profit", "total_assets"),
    )  # fmt: skip
    reg = SimpleNamespace(indicators={i.code: i for i in (*builtin_indicators(), odd)})
    data = obs(
        [
            ("x", 2020, "odd_total", 1.0),
            ("y", 2020, "odd_total", 2.0),
            ("x", 2020, "total_profit", 1.0),
            ("x", 2020, "total_assets", 4.0),
        ]
    )
    r = rollup(data, small_structure(), registry=reg, include_entities=include_entities)
    assert val(r, "g", "odd_total") == 3.0 and val(r, "all", "odd_total") == 3.0
    # one figure per node, year and indicator: no recomputed quotient beside the sum
    assert not r.values.select("node", "year", "indicator").is_duplicated().any()
    assert r.values.filter(indicator="odd_total")["value"].to_list().count(3.0) >= 2


def test_filters_and_exclusion_of_entities() -> None:
    data = obs(
        [
            ("x", 2020, "total_assets", 1.0),
            ("x", 2021, "total_assets", 2.0),
            ("x", 2021, "revenue", 5.0),
        ]
    )
    r = rollup(
        data, small_structure(), years=[2021], indicators=["total_assets"], include_entities=False
    )
    assert set(r.values["node_type"]) == {"group", "unit", "scope"}
    assert set(r.values["year"]) == {2021} and set(r.values["indicator"]) == {"total_assets"}
    with pytest.raises(soeplan.UnknownNameError, match="nonsense"):
        rollup(data, small_structure(), indicators=["nonsense"])


def test_missing_columns_are_named() -> None:
    with pytest.raises(soeplan.SoeplanError, match="value"):
        rollup(
            pl.DataFrame({"entity": ["x"], "year": [2020], "indicator": ["t"]}), small_structure()
        )


def test_lazy_and_eager_agree() -> None:
    data = sample_observations()
    s = city_structure(sample=True)
    # sums are exact (whole units of 1e-8), so the frames are bit-for-bit the same
    assert rollup(data.lazy(), s).values.equals(rollup(data, s).values)


def test_rows_without_a_year_or_an_entity_are_named() -> None:
    no_year = pl.DataFrame(
        {"entity": ["x", "y"], "year": [2020, None], "indicator": ["total_assets"] * 2},
        schema_overrides={"year": pl.Int64},
    ).with_columns(value=pl.lit(1.0))
    with pytest.raises(soeplan.SoeplanError, match=r"1 observation row\(s\) have no year"):
        rollup(no_year, small_structure())
    no_entity = obs([("x", 2020, "total_assets", 1.0)]).vstack(
        pl.DataFrame(
            {"entity": [None], "year": [2020], "indicator": ["total_assets"], "value": [2.0]},
            schema={
                "entity": pl.String,
                "year": pl.Int64,
                "indicator": pl.String,
                "value": pl.Float64,
            },
        )
    )
    with pytest.raises(soeplan.SoeplanError, match="no entity id"):
        rollup(no_entity, small_structure())


def test_indicators_outside_the_catalogue_are_left_out() -> None:
    rows = [("x", 2020, "total_assets", 1.5), ("y", 2020, "total_assets", 2.0)]
    plain = rollup(obs(rows), small_structure())
    mixed = rollup(obs([*rows, ("x", 2020, "not_in_catalogue", 9.0)]), small_structure())
    assert mixed.values.equals(plain.values)
    assert "not_in_catalogue" not in set(mixed.values["indicator"])
    assert val(mixed, "all") == 3.5


def _in_output_order(values: pl.DataFrame) -> pl.DataFrame:
    kind = {"scope": 0, "unit": 1, "group": 2, "entity": 3}
    return values.sort(
        pl.col("year"), pl.col("node_type").replace_strict(kind), pl.col("node"), "indicator"
    )


def test_output_is_ordered_by_year_level_id_and_indicator() -> None:
    r = rollup(sample_observations(), city_structure(sample=True))
    assert r.values.equals(_in_output_order(r.values))
    # entities the structure does not know are placed in the order too (another sort path)
    extra = pl.DataFrame(
        {
            "entity": ["aaa.new", "zzz.new"],
            "year": [2020, 2020],
            "indicator": ["total_assets"] * 2,
            "value": [1.0, 2.0],
            "unit": ["kecheng", "kecheng"],
        }
    )
    data = pl.concat([sample_observations(), extra], how="diagonal_relaxed")
    r = rollup(data, city_structure(sample=True))
    assert {"aaa.new", "zzz.new"} <= set(r.values["node"])
    assert r.values.equals(_in_output_order(r.values))


def test_streaming_gives_the_same_frame_in_one_pass_or_several(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    rollup_module = importlib.import_module("soeplan.consolidation.scan")

    data = sample_observations()
    s = city_structure(sample=True)
    eager = rollup(data, s).values
    assert rollup(data.lazy(), s, streaming=True).values.equals(eager)
    monkeypatch.setattr(rollup_module, "_CELLS_PER_PASS", 500)  # several passes over the data
    assert rollup(data.lazy(), s, streaming=True).values.equals(eager)


def test_streaming_splits_the_big_pass_only_past_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shares are a memory bound: the result is the same for any number of them (above), so
    count them. The sample's cells (keys × years × indicators read) fit the default bound in one
    pass; at a bound of 500 cells they take several; the default engine never splits."""
    import soeplan.consolidation.scan as scan

    sums: list[int] = []
    summed = scan._summed

    def counted(frame: pl.LazyFrame) -> pl.LazyFrame:
        sums.append(1)
        return summed(frame)

    monkeypatch.setattr(scan, "_summed", counted)
    data, s = sample_observations().lazy(), city_structure(sample=True)

    def passes(**kwargs: bool) -> int:
        sums.clear()
        rollup(data, s, **kwargs)
        return len(sums)

    one = passes(streaming=True)  # the big pass (and the entity level's own sums)
    assert one == 2
    monkeypatch.setattr(scan, "_CELLS_PER_PASS", 500)
    assert passes(streaming=True) >= one + 2  # a share or more after the first
    assert passes() == one
    monkeypatch.setattr(scan, "_CELLS_PER_PASS", 10**9)
    assert passes(streaming=True) == one


def test_the_wide_path_gives_the_same_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    # the usual case (leaves under their first node, no entity level) runs in wide form; with
    # the wide path off, the cell-by-cell path must give the same frame, bit for bit
    import importlib

    rollup_module = importlib.import_module("soeplan.consolidation.rollup")
    calls: list[int] = []
    wide = rollup_module._wide_rollup

    def counted(*args: object) -> pl.DataFrame:
        calls.append(1)
        result: pl.DataFrame = wide(*args)
        return result

    monkeypatch.setattr(rollup_module, "_wide_rollup", counted)
    s = small_structure()
    data = obs(
        [
            ("x", 2019, "net_assets", 2.0),
            ("x", 2020, "total_assets", 10.25),
            ("x", 2020, "net_assets", 4.0),
            ("y", 2020, "total_assets", 5.5),
            ("z", 2020, "total_assets", 1.0),
            ("w", 2020, "total_assets", 0.0),
            ("w", 2020, "net_profit", 0.5),
            ("w", 2020, "net_assets", 0.0),
            ("x", 2020, "debt_ratio", 0.9),  # reported ratio: recomputed instead
        ]
    )
    for kwargs in ({}, {"years": [2020]}, {"indicators": ["total_assets", "roe"]}):
        fast = rollup(data, s, include_entities=False, **kwargs)
        monkeypatch.setattr(rollup_module, "_WIDE", False)
        slow = rollup(data, s, include_entities=False, **kwargs)
        monkeypatch.setattr(rollup_module, "_WIDE", True)
        assert fast.values.equals(slow.values) and fast.findings.equals(slow.findings)
    assert len(calls) == 3
    assert val(fast, "all") == 16.75 and val(fast, "w") is None


def test_the_catalogue_file_refuses_a_formula_on_an_amount(tmp_path: Path) -> None:
    from soeplan.errors import DataFileError
    from soeplan.indicators import load_indicators

    cat = tmp_path / "i.toml"
    cat.write_text(
        '[[indicator]]\ncode = "x_total"\nname_zh = "合计"\nname_en = "Total"\nunit = "亿元"\n'
        'kind = "amount"\nformula = { numerator = "revenue", denominator = "total_assets" }\n',
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as err:
        load_indicators(cat)
    text = str(err.value)
    assert "indicator[0].formula: amount x_total has a formula, which only a ratio uses" in text
    assert 'make it kind = "ratio"' in text
