"""soeplan.testing: the conformance kit finds what is wrong with a plugin, all at once."""

from __future__ import annotations

import types
from collections.abc import Iterable

import polars as pl
import pytest

from soeplan import (
    Entity,
    ReportSection,
    Rule,
    SectionContent,
    SectionContext,
    Severity,
    Text,
    UnitStructure,
    hookimpl,
)
from soeplan.rules import RuleContext, empty_findings
from soeplan.structure.records import NodeType
from soeplan.testing import ConformanceError, assert_plugin, check_plugin


def module(**hooks: object) -> types.ModuleType:
    m = types.ModuleType("fake_county")
    for k, v in hooks.items():
        setattr(m, k, v)
    return m


@hookimpl
def good_structures() -> Iterable[UnitStructure]:
    return [
        UnitStructure(
            unit="changshan",
            entities=(
                Entity(
                    id="cs.group",
                    name_zh="常山县集团（示例）",
                    unit="changshan",
                    node_type=NodeType.GROUP,
                ),
                Entity(id="cs.hq", name_zh="本部", unit="changshan", parent="cs.group"),
                Entity(id="cs.liangshan", name_zh="两山", unit="changshan", parent="cs.group"),
                Entity(id="cs.urban", name_zh="城发", unit="changshan", parent="cs.group"),
            ),
        )
    ]


@hookimpl
def good_sections() -> Iterable[ReportSection]:
    def render(ctx: SectionContext) -> SectionContent:
        return SectionContent(paragraphs=(Text(zh=f"{ctx.year}年", en=f"Year {ctx.year}"),))

    return [ReportSection(id="cs.s", title=Text(zh="常山", en="Changshan"), render=render)]


def test_a_good_plugin_passes_and_its_structure_rolls_up() -> None:
    report = assert_plugin(
        module(soeplan_structures=good_structures, soeplan_report_sections=good_sections),
        name="changshan",
    )
    assert report.ok and "structure changshan" in report.checked


def test_every_problem_is_reported_at_once() -> None:
    @hookimpl
    def structures() -> Iterable[UnitStructure]:
        return [
            UnitStructure(
                unit="changshan",
                entities=(
                    Entity(id="cs.hq", name_zh="本部", unit="changshan", parent="cs.nowhere"),
                    Entity(id="cs.urban", name_zh="城发", unit="changshan"),
                    Entity(id="cs.x", name_zh="某", unit="changshan", node_type="group"),  # type: ignore[arg-type]
                ),
            )
        ]

    @hookimpl
    def sections() -> Iterable[ReportSection]:
        def render(ctx: SectionContext) -> SectionContent:
            return SectionContent(paragraphs=(Text(zh="只有中文", en=""),))

        return [ReportSection(id="cs.s", title=Text(zh="常山", en="Changshan"), render=render)]

    @hookimpl
    def rules() -> Iterable[Rule]:
        def check(ctx: RuleContext) -> pl.DataFrame:
            raise KeyError("value")

        return [
            Rule(
                id="cs.r",
                severity=Severity.HINT,
                description_zh="规则",
                description_en="rule",
                check=check,
            )
        ]

    report = check_plugin(
        module(
            soeplan_structures=structures, soeplan_report_sections=sections, soeplan_rules=rules
        ),
        name="changshan",
    )
    text = str(report)
    assert not report.ok
    assert "parent 'cs.nowhere'" in text  # the structure record
    assert "node_type 'group' is not a NodeType" in text
    assert "lacks its Chinese or its English form" in text  # the section
    assert "raised KeyError" in text  # the rule
    with pytest.raises(ConformanceError, match="does not conform"):
        assert_plugin(module(soeplan_report_sections=sections), name="changshan")


def test_unknown_hooks_and_empty_plugins_are_problems() -> None:
    @hookimpl
    def soeplan_section() -> list[object]:
        return []

    report = check_plugin(module(soeplan_section=soeplan_section), name="x")
    assert "does not have: soeplan_section" in str(report)
    assert "registers nothing" in str(check_plugin(module(), name="y"))


def test_rules_run_on_the_sample() -> None:
    seen: list[int] = []

    @hookimpl
    def rules() -> Iterable[Rule]:
        def check(ctx: RuleContext) -> pl.DataFrame:
            seen.append(ctx.observations.height)
            return empty_findings()

        return [
            Rule(
                id="cs.r",
                severity=Severity.HINT,
                description_zh="规则",
                description_en="rule",
                check=check,
            )
        ]

    assert check_plugin(module(soeplan_rules=rules), name="z").ok
    assert seen and max(seen) > 0  # it saw real (synthetic) sample rows


# ------------------------------------------- a plugin that adds an enterprise: sample and demo


def _adds_an_enterprise(**extra: float | None) -> types.ModuleType:
    """Kaihua's three sample enterprises plus one the plugin adds, with its own core figures."""
    import datetime as dt

    def structures() -> list[UnitStructure]:
        ids = [("kh.hq", "本部"), ("kh.tourism", "旅游"), ("kh.water", "水务")]
        ents = [Entity(id=i, name_zh=n, unit="kaihua") for i, n in ids]
        ents.append(
            Entity(
                id="kh.new", name_zh="开化县示例新设公司", unit="kaihua", since=dt.date(2022, 1, 1)
            )
        )
        return [UnitStructure(unit="kaihua", entities=tuple(ents), synthetic=True)]

    def load(unit: str, year: int, source: str) -> pl.DataFrame | None:
        if unit != "kaihua" or source != "sample" or year < 2022:
            return None
        figures = {"total_assets": 12.0, "net_assets": 5.0, "revenue": 3.0, "total_profit": 0.4}
        figures |= {"net_profit": 0.3, "rated_aaa": 0, "rated_aa_plus": 0, "rated_aa": 0}
        figures |= {"listed": 0, **extra}
        return pl.DataFrame(
            [("kaihua", "kh.new", year, i, v) for i, v in figures.items() if v is not None],
            schema=["unit", "entity", "year", "indicator", "value"],
            orient="row",
        )

    m = module(soeplan_structures=hookimpl(structures), soeplan_load_observations=hookimpl(load))
    m.__name__ = "kaihua_new"
    return m


def test_sample_and_demo_agree_on_an_enterprise_a_plugin_adds() -> None:
    from soeplan.plugins.host import make_host
    from soeplan.plugins.registry import build_registry
    from soeplan.submissions.sample import sample_submission

    plugin = _adds_an_enterprise()
    report = check_plugin(plugin, name="kaihua_new")
    assert report.ok, str(report)
    assert "sample kaihua" in report.checked
    registry = build_registry(make_host(load_entry_points=False, extra=[("kaihua_new", plugin)]))
    with registry.active():
        written = sample_submission("kaihua", 2023)
    new = written.filter(pl.col("entity") == "kh.new")
    got = dict(zip(new["indicator"], new["value"], strict=True))
    assert (got["total_assets"], got["net_assets"], got["listed"]) == (12.0, 5.0, 0.0)


def test_the_kit_catches_a_sample_that_leaves_out_the_plugins_enterprise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What ``soeplan sample --unit`` did before: the core's figures and the plugin's local
    metrics only, so a new enterprise's core figures were in the demo but not in the sample."""
    from soeplan.sample import sample_unit

    monkeypatch.setattr(
        "soeplan.submissions.sample.unit_sample",
        lambda unit, year, registry=None: sample_unit(unit, year),
    )
    report = check_plugin(_adds_an_enterprise(), name="kaihua_new")
    assert not report.ok
    (problem,) = [p for p in report.problems if "disagree" in p.what]
    assert problem.where == "sample kaihua 2023"
    assert "disagree on 9 figure(s)" in problem.what
    assert "e.g. kh.new listed: sample no figure, demo 0" in problem.what


def test_the_kit_catches_an_added_enterprise_whose_sample_is_refused() -> None:
    """Without its counts the new enterprise's sample is refused (core.completeness): the demo
    would set Kaihua aside, so the kit says so."""
    report = check_plugin(_adds_an_enterprise(listed=None), name="kaihua_new")
    (problem,) = [p for p in report.problems if p.where == "sample kaihua 2023"]
    assert "the unit's sample is refused (1 blocking finding(s)" in problem.what
    assert "core.completeness kh.new listed" in problem.what
