"""The Jiangshan plugin: conformance, dated events, the vanished-entity rule, comparable growth."""

from __future__ import annotations

import polars as pl
import pytest
import soeplan_jiangshan.plugin as plugin
from hypothesis import given, settings
from hypothesis import strategies as st

from soeplan import Registry, RuleContext, SectionContext, city_structure
from soeplan.testing import assert_plugin, check_section_content

ENTITIES = ("js.hq", "js.tourism", "js.scenic", "js.water", "js.urban", "js.transport")


def frame(values: dict[tuple[str, int], float], indicator: str = "total_assets") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit": ["jiangshan"] * len(values),
            "entity": [e for e, _ in values],
            "year": [y for _, y in values],
            "indicator": [indicator] * len(values),
            "value": list(values.values()),
        },
        schema={
            "unit": pl.String,
            "entity": pl.String,
            "year": pl.Int32,
            "indicator": pl.String,
            "value": pl.Float64,
        },
    )


def test_conforms_to_soeplan() -> None:
    report = assert_plugin(plugin, name="jiangshan")
    assert {"structure jiangshan", "rule jiangshan.entity_vanished"} <= set(report.checked)


def test_transfer_and_merge_take_effect_on_their_dates() -> None:
    reg = Registry.build(("jiangshan", plugin), entry_points=False)
    s = city_structure(sample=True, registry=reg)
    assert s.at(2020)["js.water"].parent == "js.group.capital"
    assert s.at(2021)["js.water"].parent == "js.group.infra"
    assert "js.scenic" in s.at(2021) and "js.scenic" not in s.at(2022)
    assert s.successor("js.scenic", 2022) == "js.tourism"
    # the whole unit keeps its entities across the transfer: transfers don't change the unit
    assert s.at(2021).entities_of_unit("jiangshan") == s.at(2020).entities_of_unit("jiangshan")


def rule_findings(before: set[str], after: set[str], year: int) -> pl.DataFrame:
    prior = frame({(e, year - 1): 1.0 for e in before})
    now = frame({(e, year): 1.0 for e in after})
    return plugin.vanished(RuleContext(observations=now, prior=prior, year=year, unit="jiangshan"))


def test_rule_flags_an_unexplained_disappearance_only() -> None:
    all_but_scenic = set(ENTITIES) - {"js.scenic"}
    # 2022: js.scenic was merged into js.tourism, so its absence is explained
    assert rule_findings(set(ENTITIES), all_but_scenic, 2022).is_empty()
    # 2021: no event explains it
    found = rule_findings(set(ENTITIES), all_but_scenic, 2021)
    assert found["entity"].to_list() == ["js.scenic"]
    assert found["severity"].to_list() == ["warning"]
    assert found["message_zh"][0] and found["message_en"][0]
    # the transfer of js.water in 2021 is a recorded event: explained
    assert rule_findings(set(ENTITIES), set(ENTITIES) - {"js.water"}, 2021).is_empty()


@given(st.sets(st.sampled_from(ENTITIES)), st.sets(st.sampled_from(ENTITIES)))
def test_rule_flags_exactly_the_vanished_without_event(before: set[str], after: set[str]) -> None:
    found = set(rule_findings(before, after, 2020)["entity"])  # no events in 2020
    assert found == before - after


amounts = st.floats(min_value=0.1, max_value=1e4, allow_nan=False)


@settings(max_examples=30)
@given(st.fixed_dictionaries({e: amounts for e in ENTITIES}))
def test_a_transfer_is_not_growth(values: dict[str, float]) -> None:
    # same figures in 2020 and 2021; js.water moves to the infrastructure group in 2021
    obs = frame({(e, y): v for e, v in values.items() for y in (2020, 2021)})
    g = {
        r["node"]: r
        for r in plugin.growth_table(obs, plugin.own_structure(), "total_assets", 2021).iter_rows(
            named=True
        )
    }
    for node in ("js.group.capital", "js.group.infra", "jiangshan"):
        assert g[node]["growth_comparable"] == pytest.approx(0.0, abs=1e-12)
    assert g["jiangshan"]["growth"] == pytest.approx(0.0, abs=1e-12)
    assert g["js.group.infra"]["growth"] > 0  # as reported, the group grew by js.water
    assert g["js.group.capital"]["prior"] - g["js.group.capital"][
        "prior_comparable"
    ] == pytest.approx(values["js.water"])


@settings(max_examples=30)
@given(st.fixed_dictionaries({e: amounts for e in ENTITIES}))
def test_a_merger_is_not_growth_of_the_absorbing_group(values: dict[str, float]) -> None:
    before = {(e, 2021): v for e, v in values.items()}
    after = {(e, 2022): v for e, v in values.items() if e not in ("js.scenic", "js.tourism")}
    after[("js.tourism", 2022)] = values["js.tourism"] + values["js.scenic"]
    obs = frame(before | after)
    g = {
        r["node"]: r
        for r in plugin.growth_table(obs, plugin.own_structure(), "total_assets", 2022).iter_rows(
            named=True
        )
    }
    assert g["js.group.capital"]["growth_comparable"] == pytest.approx(0.0, abs=1e-9)
    assert g["jiangshan"]["current"] == pytest.approx(sum(values.values()))


def test_section_renders_with_and_without_figures() -> None:
    empty = plugin.render_section(SectionContext(year=2022))
    assert check_section_content(empty) == []
    assert not empty.tables and any("not computed" in p.en for p in empty.paragraphs)
    obs = frame(
        {(e, y): 10.0 for e in ENTITIES for y in (2021, 2022) if (e, y) != ("js.scenic", 2022)}
    )
    content = plugin.render_section(SectionContext(year=2022, observations=obs))
    assert check_section_content(content) == []
    # the groups and the unit by name, not by id
    assert content.tables[0].frame["node"].to_list() == [
        "江山市国有资产经营集团（示例）",
        "江山市城建交通集团（示例）",
        "江山市",
    ]
    assert content.tables[0].formats["growth"] == "growth"  # a rate, shown as a percentage
    assert any("兼并重组 江山市示例景区管理有限公司 → " in p.zh for p in content.paragraphs)
    # an entity without an English name: its id in an English sentence, never Chinese
    assert any("merge js.scenic → js.tourism" in p.en for p in content.paragraphs)


def test_the_bundled_sample_is_consistent_with_the_events() -> None:
    from soeplan import sample_observations

    obs = sample_observations()
    structure = city_structure(
        sample=True,
        registry=Registry.build(("jiangshan", plugin), entry_points=False),
    )
    for year in range(2016, 2024):
        ctx = RuleContext(
            observations=obs.filter(pl.col("year") == year),
            prior=obs.filter(pl.col("year") == year - 1),
            year=year,
            unit="jiangshan",
            structure=structure,
        )
        assert plugin.vanished(ctx).is_empty(), year
    # js.scenic stops reporting exactly when it is merged
    scenic_years = set(obs.filter(pl.col("entity") == "js.scenic")["year"])
    assert max(scenic_years) == 2021
