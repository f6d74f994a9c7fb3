"""Capital layout and operations: state capital by strategic sector against the 90 % floor, the
rating counts derived from the registers (and a disagreeing submitted count as a finding),
listings and securitisation, on the synthetic sample, on a store's registers and on frames
built in code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import soeplan
from _registers import CHANGSHAN, register_workbook
from soeplan import (
    CapitalDefinition,
    SecuritisationBasis,
    StateCapitalBasis,
    capital_observations,
    entity_capital,
    listed_companies,
    rating_counts,
    rating_findings,
    register_ratings,
    sample_attributes,
    sample_registers,
    sector_layout,
    store_attributes,
)
from soeplan.registers.reader import read_register
from soeplan.registers.workbook import write_register_template
from soeplan.run import report_from_observations
from soeplan.sample import sample_observations
from soeplan.structure.city import city_file, city_structure
from soeplan.submissions.store_registers import load_register


@pytest.fixture(scope="module")
def sample() -> tuple[pl.DataFrame, pl.DataFrame]:
    return sample_observations(), sample_attributes()


def _count(counts: pl.DataFrame, scope: str, year: int, indicator: str) -> int:
    return counts.filter(scope=scope, year=year, indicator=indicator)["value"].item()


def test_the_sample_registers_counts_are_table_1s(
    sample: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    plan = soeplan.load_plan("quzhou-14th")
    counts = rating_counts(sample[1], city_structure(sample=True))
    for scope in ("city", "urban"):
        for year in (2015, 2020):
            for ind in ("rated_aa_plus", "rated_aa"):
                published = plan.figure(scope, ind, year)
                assert published is not None
                assert _count(counts, scope, year, ind) == int(published.value), (scope, year, ind)
        assert _count(counts, scope, 2020, "rated_aaa") == 0
    # the published figures the issue names, spelled out
    assert _count(counts, "city", 2020, "rated_aa_plus") == 3
    assert (
        _count(counts, "city", 2020, "rated_aa"),
        _count(counts, "urban", 2020, "rated_aa"),
    ) == (
        15,
        8,
    )


def test_the_sample_register_is_marked_synthetic_and_round_trips(tmp_path: Path) -> None:
    registers = sample_registers()
    assert all("合成" in r.source and "synthetic" in r.source for r in registers)
    assert all(e.note == "示例（合成）" for r in registers for e in r.entries)
    muni = next(r for r in registers if r.unit == "municipal" and r.as_of.year == 2023)
    unit = next(u for u in city_file().units if u.id == "municipal")
    again = read_register(write_register_template(tmp_path / "m.xlsx", unit=unit, register=muni))
    assert again.entries == muni.entries and again.as_of == muni.as_of


def test_submitted_counts_agree_with_the_register_and_a_planted_disagreement_is_a_finding(
    sample: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    obs, attrs_ = sample
    assert rating_findings(obs, attrs_).height == 0
    planted = obs.with_columns(
        pl.when(
            (pl.col("entity") == "kc.invest")
            & (pl.col("year") == 2020)
            & (pl.col("indicator") == "rated_aa")
        )
        .then(0.0)
        .when(
            (pl.col("entity") == "kc.agri")
            & (pl.col("year") == 2021)
            & (pl.col("indicator") == "rated_aa_plus")
        )
        .then(1.0)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    f = rating_findings(planted, attrs_)
    got = f.select("rule", "severity", "entity", "year", "indicator", "expected", "found").rows()
    assert got == [
        ("core.rating_register", "warning", "kc.invest", 2020, "rated_aa", "1", "0"),
        ("core.rating_register", "warning", "kc.agri", 2021, "rated_aa_plus", "0", "1"),
    ]
    assert "2018-06-30" in f["message_zh"][0] and "soeplan register load" in f["fix"][0]


def test_the_demo_assesses_the_layout_floor_and_shows_the_section(tmp_path: Path) -> None:
    run = soeplan.run_demo(tmp_path / "out")
    rows = {(a.scope, a.indicator): a for a in run.report.assessment}
    for scope in ("city", "urban"):
        a = rows[(scope, "strategic_capital_share")]
        assert a.target == pytest.approx(0.90) and a.actual is not None and a.actual > 0.9
        assert a.compliance is not None and a.compliance.value == "met"
    sec = next(s for s in run.report.sections if s.id == "core.capital")
    layout, ratings, rated, listed, securitisation, target, pipe, reforms, *_ = sec.content.tables
    assert layout.frame["node"].to_list()[:2] == ["全市", "市区"]
    assert set(layout.frame["status"].to_list()) == {"符合"}
    by_grade = {(r[0], r[1]): r[2:] for r in ratings.frame.rows()}
    # 2023: the register's counts, the submitted ones, the 2020 base and the 2025 target
    assert by_grade[("全市", "AAA")] == (1, 1, 0, 1)
    assert by_grade[("市区", "AA+")] == (4, 4, 3, 6)
    assert "是" in rated.frame["new"].to_list()  # cs.liangshan first rated in 2023
    assert listed.frame["code"].to_list() == ["示例600001"]
    assert securitisation.frame["2022"].to_list() == [0.0, 0.0]
    assert securitisation.frame["2023"][0] > 0
    assert target.frame.rows() == [("全市", 1, 2, "进展一般"), ("市区", 1, 2, "进展一般")]
    assert pipe.frame.select("stage", "listed").rows()[0] == ("上市", "2023-06-28")
    assert pipe.frame["stage"].to_list() == ["上市", "辅导", "认定", "摸排"]
    city_2022 = reforms.frame.filter(node="全市", year=2022)
    got = [(k, n, None if c is None else round(c, 6)) for k, n, c in
           city_2022.select("kind", "count", "change").rows()]  # fmt: skip
    # numbers in the table (the change of the share, a fraction), printed as -5.00pp
    assert got == [("员工持股", 1, -0.05), ("专业化整合", 1, None), ("混合所有制改革", 1, -0.2)]
    assert "-5.00pp" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "布局与资本运作" in html and "示例评级机构（合成）" in html


def test_a_disagreement_in_a_run_is_among_the_reports_findings() -> None:
    obs = sample_observations().with_columns(
        pl.when((pl.col("entity") == "js.hq") & (pl.col("indicator") == "rated_aa_plus"))
        .then(0.0)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    run = report_from_observations(
        obs, "quzhou-14th", 2023, synthetic=True, registers=sample_attributes()
    )
    mine = run.report.findings.filter(pl.col("rule") == "core.rating_register")
    assert sorted(set(mine["year"].to_list())) == [2022, 2023]
    assert set(mine["entity"].to_list()) == {"js.hq"}


def test_without_registers_the_floor_has_no_figure_and_the_section_says_what_to_load() -> None:
    run = report_from_observations(sample_observations(), "quzhou-14th", 2023, synthetic=True)
    a = next(a for a in run.report.assessment if a.indicator == "strategic_capital_share")
    assert a.actual is None
    sec = next(s for s in run.report.sections if s.id == "core.capital")
    assert "register load" in sec.content.paragraphs[0].zh and not sec.content.tables


def _frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    obs = pl.DataFrame(
        {
            "unit": ["u"] * 6,
            "entity": ["a", "a", "b", "b", "c", "c"],
            "year": [2023] * 6,
            "indicator": ["net_assets", "total_assets"] * 3,
            "value": [10.0, 30.0, 5.0, 8.0, 2.0, 4.0],
        }
    )
    attributes = pl.DataFrame(
        {
            "entity": ["a", "b", "c"],
            "year": [2023] * 3,
            "sector": ["infrastructure", "other", None],
            "state_share": [0.6, None, 1.0],
            "listed": [True, False, False],
        }
    )
    return obs, attributes


def test_each_definition_changes_what_it_says() -> None:
    obs, attributes = _frames()

    def capital(d: CapitalDefinition, o: pl.DataFrame = obs) -> dict[str, float]:
        ec = entity_capital(o, attributes, definition=d)
        return dict(zip(ec["entity"], ec["state_capital"], strict=True))

    assert capital(CapitalDefinition()) == {"a": 6.0, "b": 5.0, "c": 2.0}
    assert capital(CapitalDefinition(missing_share=0.5))["b"] == 2.5
    assert capital(CapitalDefinition(state_capital=StateCapitalBasis.NET_ASSETS))["a"] == 10.0
    reported = pl.concat(
        [obs, pl.DataFrame({"unit": ["u"], "entity": ["a"], "year": [2023],
                            "indicator": ["state_equity"], "value": [7.5]})]
    )  # fmt: skip
    assert capital(CapitalDefinition(), reported)["a"] == 7.5
    assert capital(CapitalDefinition(use_reported=False), reported)["a"] == 6.0
    by_net = capital_observations(
        obs, attributes, definition=CapitalDefinition(securitisation=SecuritisationBasis.NET_ASSETS)
    ).filter(pl.col("indicator") == "securitised_assets")
    assert dict(zip(by_net["entity"], by_net["value"], strict=True)) == {
        "a": 10.0,
        "b": 0.0,
        "c": 0.0,
    }
    # an entity without a sector is unclassified: in the denominator, never in the numerator
    strategic = capital_observations(obs, attributes).filter(
        pl.col("indicator") == "state_capital_strategic"
    )
    assert dict(zip(strategic["entity"], strategic["value"], strict=True)) == {
        "a": 6.0,
        "b": 0.0,
        "c": 0.0,
    }


def test_an_entity_without_a_sector_takes_its_groups(
    sample: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    s = city_structure(sample=True)
    ec = entity_capital(sample[0], sample[1], s)
    diff = ec.filter((pl.col("entity") == "mun.chengtou.diff") & (pl.col("year") == 2023))
    assert diff["sector"].item() == "infrastructure" and diff["state_capital"].item() < 0
    assert "mun.chengtou" not in ec["entity"].to_list()  # a group's own row is left out
    layout = sector_layout(ec, s).filter(node="city", year=2023)
    assert layout["share"].sum() == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(-50, 500, allow_nan=False),
            st.sampled_from(["infrastructure", "modern_services", "emerging", "other", None]),
            st.one_of(st.none(), st.floats(0, 1, allow_nan=False)),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_strategic_capital_is_the_strategic_entities_state_capital(
    rows: list[tuple[float, str | None, float | None]],
) -> None:
    ids = [f"e{i}" for i in range(len(rows))]
    obs = pl.DataFrame(
        {"unit": "u", "entity": ids, "year": 2023, "indicator": "net_assets",
         "value": [r[0] for r in rows]}
    )  # fmt: skip
    attributes = pl.DataFrame(
        {"entity": ids, "year": 2023, "sector": [r[1] for r in rows],
         "state_share": [r[2] for r in rows], "listed": False},
        schema_overrides={"sector": pl.String, "state_share": pl.Float64},
    )  # fmt: skip
    derived = capital_observations(obs, attributes)
    total = derived.filter(indicator="state_capital")["value"].sum()
    strategic = derived.filter(indicator="state_capital_strategic")["value"].sum()
    expected_total = sum(r[0] * (1.0 if r[2] is None else r[2]) for r in rows)
    expected_strategic = sum(
        r[0] * (1.0 if r[2] is None else r[2]) for r in rows if r[1] not in (None, "other")
    )
    assert total == pytest.approx(expected_total, abs=1e-9)
    assert strategic == pytest.approx(expected_strategic, abs=1e-9)


def test_a_stores_registers_give_the_counts_and_listings(tmp_path: Path) -> None:
    entities = [
        dict(CHANGSHAN[0]),
        dict(CHANGSHAN[1], rating="AA+", rating_agency="联合资信", rating_date=dt.date(2023, 3, 1)),
        dict(CHANGSHAN[2], listed="是", exchange="深交所", stock_code="000000"),
    ]
    store = tmp_path / "store"
    load_register(store, register_workbook(tmp_path / "cs.xlsx", entities=entities))
    attributes = store_attributes(store, [2022, 2023])
    held = register_ratings(attributes)
    # the 2023 register also stands for 2022 (its earliest version), but a rating dated 2023
    # counts from 2023 only
    assert set(attributes["year"].to_list()) == {2022, 2023}
    assert held.select("year", "entity", "rating", "new").rows() == [
        (2023, "cs.group", "AA", True),
        (2023, "cs.water", "AA+", True),
    ]
    listed = listed_companies(attributes, 2023)
    assert listed.select("entity", "exchange", "stock_code").rows() == [
        ("cs.tour", "深交所", "000000")
    ]


def test_the_command_line_takes_the_offices_definition(tmp_path: Path) -> None:
    from soeplan.cli import main

    assert main(["demo", "--out", str(tmp_path / "a"), "-q", "--lang", "en",
                 "--state-capital", "net-assets", "--securitisation-basis", "net-assets"]) == 0  # fmt: skip
    html = (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
    assert "state capital = net assets;" in html and "securitisation rate on net assets" in html
    assert main(["demo", "--out", str(tmp_path / "b"), "--state-capital", "book"]) == 2
