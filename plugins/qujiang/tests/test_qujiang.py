"""The Qujiang plugin: conformance, "1+4+N", AA ratings 0 → 3, its own targets."""

from __future__ import annotations

from decimal import Decimal

import soeplan_qujiang.plugin as plugin

from soeplan import Registry, SectionContext, city_structure, load_plan
from soeplan.testing import assert_plugin, check_section_content


def registry() -> Registry:
    return Registry.build(("qujiang", plugin), entry_points=False)


def test_conforms_to_soeplan() -> None:
    report = assert_plugin(plugin, name="qujiang", source=plugin.SAMPLE_SOURCE)
    assert {"structure qujiang", "section qujiang.capital", "targets"} <= set(report.checked)


def test_one_plus_four_plus_n() -> None:
    snap = city_structure(sample=True, registry=registry()).at(2023)
    kids = snap.children("qj.capital")
    assert "qj.capital.hq" in kids
    assert set(snap.entities_of_unit("qujiang")) == {"qj.capital", *kids}
    assert snap.roots("qujiang") == ("qj.capital",)
    assert len([k for k in kids if k != "qj.capital.hq"]) == 6  # 4 platforms + N = 2


def test_aa_rated_from_zero_to_three_as_the_plan_says() -> None:
    reg = registry()
    totals = {
        y: reg.load_observations("qujiang", y, plugin.SAMPLE_SOURCE)["value"].sum()  # type: ignore[index]
        for y in range(2015, 2024)
    }
    assert totals[2015] == 0
    assert totals[2020] == 3
    assert all(totals[y] <= totals[y + 1] for y in range(2015, 2023))
    ind = reg.indicators["qj_rated_aa"]
    assert ind.rolls_into == "rated_aa" and ind.aggregation.value == "sum"


def test_own_targets_join_the_plan() -> None:
    plan = load_plan("quzhou-14th")
    targets = registry().targets(plan)
    mine = {k: t for k, t in targets.items() if t.scope == "qujiang"}
    assert set(mine) == {
        "quzhou-14th:qujiang:qj_rated_aa:2025",
        "quzhou-14th:qujiang:debt_ratio:2025",
    }
    assert mine["quzhou-14th:qujiang:qj_rated_aa:2025"].value == Decimal(5)
    assert all(t.provider is not None and t.provider.plugin == "qujiang" for t in mine.values())
    assert len(targets) == len(plan.targets) + 2


def test_section_renders_both_languages() -> None:
    content = plugin.render_section(SectionContext(year=2020))
    assert check_section_content(content) == []
    table = content.tables[0].frame
    assert dict(table.iter_rows()) == {
        2015: 0,
        2016: 0,
        2017: 0,
        2018: 1,
        2019: 2,
        2020: 3,
    }
    assert any("1+4+N" in p.en and "4 platform" in p.en for p in content.paragraphs)


def test_section_reads_this_years_counts_from_the_runs_rollup() -> None:
    import polars as pl

    from soeplan import city_structure, rollup, sample_observations
    from soeplan.sdk import overlay_plugin_samples

    reg = registry()
    with reg.active():
        obs = overlay_plugin_samples(sample_observations([2023]))
        result = rollup(obs, city_structure(sample=True))
    content = plugin.render_section(SectionContext.of_rollup(result, year=2023, observations=obs))
    assert check_section_content(content) == []
    district = result.value("qujiang", "rated_aa", 2023)
    city = result.value("city", "rated_aa", 2023)
    assert district is not None and city is not None and 0 < district <= city
    assert any(
        f"衢江区 AA 信用评级企业 {district:.0f}家，全市 {city:.0f}家" in p.zh
        for p in content.paragraphs
    )
    assert any(
        f"Qujiang has {district:.0f} enterprises rated AA" in p.en for p in content.paragraphs
    )
    # without the rollup (the kit's first context) the paragraph is left out, nothing fails
    bare = plugin.render_section(SectionContext(year=2023, observations=obs))
    assert not any("rated AA, the city" in p.en for p in bare.paragraphs)
    assert obs.filter(pl.col("indicator") == "qj_rated_aa").height > 0


def test_aa_reported_under_both_codes_is_counted_once() -> None:
    """qj_rated_aa is reported instead of rated_aa: a submission with both counts once."""
    import polars as pl

    from soeplan import rollup, sample_observations, scope_totals

    reg = registry()
    core = sample_observations().filter(pl.col("year") == 2020)
    own = reg.load_observations("qujiang", 2020, plugin.SAMPLE_SOURCE)
    assert own is not None
    both = pl.concat([core, own.select(core.columns).cast(core.schema)])
    totals = scope_totals(rollup(both, city_structure(sample=True, registry=reg), registry=reg))

    def value(scope: str, indicator: str) -> float:
        row = totals.filter(scope=scope, indicator=indicator, year=2020)
        return float(row["value"].item())

    assert value("qujiang", "rated_aa") == 3  # 衢江区: from zero to 3 (plan text)
    assert value("全市", "rated_aa") == 15  # Table 1, not 15 + 3


def test_own_targets_are_assessed_on_the_unit_totals() -> None:
    import polars as pl

    from soeplan import assess_frame, rollup, sample_observations, scope_totals
    from soeplan.sdk import overlay_plugin_samples

    reg = registry()
    plan = reg.plan_with_targets(load_plan("quzhou-14th"))
    obs = overlay_plugin_samples(sample_observations(), reg)
    totals = scope_totals(rollup(obs, city_structure(sample=True, registry=reg), registry=reg))
    frame = assess_frame(totals, plan, 2023).filter(pl.col("scope") == "qujiang")
    debt = frame.filter(indicator="debt_ratio").row(0, named=True)
    unit_debt = totals.filter(scope="qujiang", indicator="debt_ratio", year=2023)["value"].item()
    assert debt["current"] == unit_debt and debt["compliance"] is not None
    aa = frame.filter(indicator="qj_rated_aa").row(0, named=True)
    assert (aa["base"], aa["target"]) == (3.0, 5.0)


def test_merging_targets_twice_changes_nothing() -> None:
    reg = registry()
    once = reg.plan_with_targets(load_plan("quzhou-14th"))
    twice = reg.plan_with_targets(once)
    assert twice.targets == once.targets
    providers = {t.id: t.provider for t in twice.targets}
    assert providers["quzhou-14th:qujiang:debt_ratio:2025"].plugin == "qujiang"  # type: ignore[union-attr]
