"""What :func:`~soeplan.submissions.validate.validate` gives the rules, seen by a probe rule: the
plan's year refused outside its span; the unit's entities and structure from the registry or the
structure given; the required indicators of the unit's plugin; the plan's and plugins' targets,
the plausible ranges and the jump share in the options; a month's report with its month and the
month before; a plugin's rule run beside the core's; the report keeping its policy."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import polars as pl
import pytest
from soeplan_kecheng import plugin as kecheng

from _structures import small_structure
from soeplan import Registry, Target, TargetKind, hookimpl
from soeplan.context import current
from soeplan.errors import YearOutsidePlanError
from soeplan.indicators import Aggregation, Category, Indicator, Kind
from soeplan.plan.load import load_plan
from soeplan.rules import Rule, RuleContext, Severity, empty_findings
from soeplan.submissions.figure_rules import DEFAULT_JUMP_SHARE
from soeplan.submissions.magnitude import plausible_ranges
from soeplan.submissions.template import unit_context
from soeplan.submissions.validate import (
    Policy,
    validate,
)

HINT = Severity.HINT


def probe() -> tuple[Rule, list[RuleContext]]:
    seen: list[RuleContext] = []

    def look(ctx: RuleContext) -> pl.DataFrame:
        seen.append(ctx)
        return empty_findings()

    return Rule(
        id="p.look", severity=HINT, description_zh="看", description_en="look", check=look
    ), seen


ONE_FIGURE = pl.DataFrame(
    {"unit": ["kecheng"], "entity": ["x"], "year": [2023], "indicator": ["revenue"], "value": [1.0]}
)


def test_a_year_outside_the_plan_is_refused_as_the_submissions_year() -> None:
    with pytest.raises(YearOutsidePlanError) as exc:
        validate(ONE_FIGURE.with_columns(year=pl.lit(2031)), year=2031)
    assert str(exc.value).startswith(
        "the submission's year 2031 is outside the plan quzhou-14th, which covers 2015–2025 / "
    )


def test_without_a_unit_the_rules_get_no_entities_and_nothing_required() -> None:
    rule_, seen = probe()
    validate(ONE_FIGURE.drop("unit"), year=2023, rules=[rule_], plan=None)
    [ctx] = seen
    assert ctx.unit is None and ctx.structure is None
    assert ctx.options["entities"] == () and ctx.options["required"] == []


def test_the_rules_get_the_units_entities_and_structure_from_the_registry_given() -> None:
    bare = Registry.build(entry_points=False, strict=False)  # no county plugin
    rule_, seen = probe()
    validate(ONE_FIGURE, year=2023, rules=[rule_], plan=None, registry=bare)
    structure, entities = unit_context("kecheng", 2023, bare)
    assert seen[0].options["entities"] == entities
    assert seen[0].structure is not None
    assert set(seen[0].structure.entities) == set(structure.entities)
    # the installed plugins' structure of the unit is another one
    assert entities != unit_context("kecheng", 2023)[1]


def test_a_structure_given_gives_the_units_entities_in_it() -> None:
    s = small_structure()
    rule_, seen = probe()
    frame = ONE_FIGURE.with_columns(unit=pl.lit("a"))
    validate(frame, year=2023, rules=[rule_], plan=None, structure=s)
    assert seen[0].structure is s
    assert [e.id for e in seen[0].options["entities"]] == [
        "g",
        "d",
        "x",
        "y",
        "z",
    ]  # parents first, then by id
    # a structure without a unit: no entities expected
    validate(frame.drop("unit"), year=2023, rules=[rule_], plan=None, structure=s)
    assert seen[1].structure is s and seen[1].options["entities"] == ()


def test_the_required_indicators_are_those_of_the_units_plugin_in_the_registry_given() -> None:
    output = Indicator(
        code="kx_output", name_zh="产值", name_en="Output", category=Category.SCALE,
        unit="万元", kind=Kind.AMOUNT, aggregation=Aggregation.SUM,
    )  # fmt: skip
    ns = SimpleNamespace(
        soeplan_structures=hookimpl(lambda: kecheng.soeplan_structures()),
        soeplan_indicators=hookimpl(lambda: [output]),
    )
    reg = Registry.build(("kx", ns), entry_points=False, strict=False)
    rule_, seen = probe()
    validate(ONE_FIGURE, year=2023, rules=[rule_], plan=None, registry=reg)
    assert "kx_output" in seen[0].options["required"]
    assert "total_assets" in seen[0].options["required"]


def test_the_registered_rules_run_a_plugins_rule_too() -> None:

    rule_, seen = probe()
    reg = Registry.build(
        ("p", SimpleNamespace(soeplan_rules=hookimpl(lambda: [rule_]))),
        entry_points=False,
        strict=False,
    )
    report = validate(ONE_FIGURE, year=2023, plan=None, registry=reg)
    assert len(seen) == 1
    ran = {t.record for t in report.timings}
    assert "p.look" in ran and "core.schema" in ran and "core.completeness" in ran


def test_the_rules_options_hold_the_plans_targets_ranges_and_the_jump_share() -> None:
    rule_, seen = probe()
    validate(ONE_FIGURE, year=2023, rules=[rule_])
    plan = load_plan("quzhou-14th")
    reg = current()
    targets = list(reg.targets(plan).values())
    opts = seen[0].options
    assert targets and opts["targets"] == targets
    assert opts["plausible"] == plausible_ranges(plan, reg.indicators, targets)
    assert opts["jump_share"] == DEFAULT_JUMP_SHARE
    assert seen[0].plan == plan
    # without a plan: no targets, the ranges from the catalogue alone; options given win
    validate(ONE_FIGURE, year=2023, rules=[rule_], plan=None, options={"jump_share": 0.9})
    opts = seen[1].options
    assert opts["targets"] == [] and seen[1].plan is None
    assert opts["plausible"] == plausible_ranges(None, reg.indicators, [])
    assert opts["jump_share"] == 0.9


def test_a_plugins_target_widens_the_plausible_range_the_rules_get() -> None:
    big = Target(
        scope="qujiang", indicator="total_assets", year=2025, kind=TargetKind.LEVEL,
        value=Decimal(10**8),
    )  # fmt: skip
    ns = SimpleNamespace(soeplan_targets=hookimpl(lambda plan: [big]))
    reg = Registry.build(("q", ns), entry_points=False, strict=False)
    rule_, seen = probe()
    validate(ONE_FIGURE, year=2023, rules=[rule_], registry=reg)
    got = seen[0].options["plausible"]["total_assets"]
    assert (got.scale, got.source) == (1e8, "total_assets (qujiang, 2025)")
    # the ranges are of the registry's catalogue: no installed county plugin's metric
    assert "qj_rated_aa" in current().indicators
    assert set(seen[0].options["plausible"]) <= set(reg.indicators)


def test_a_months_report_gives_the_rules_its_month_and_the_month_before() -> None:
    rule_, seen = probe()
    month = ONE_FIGURE.with_columns(month=pl.lit(6, dtype=pl.Int8))
    before = month.with_columns(month=pl.lit(5, dtype=pl.Int8), value=pl.lit(1))  # integer values
    last_year = month.with_columns(year=pl.lit(2022))
    validate(month, year=2023, month=6, previous=before, prior=last_year, rules=[rule_])
    ctx = seen[0]
    assert ctx.month == 6
    assert ctx.previous is not None and ctx.previous.schema["value"] == pl.Float64
    assert ctx.previous["month"].to_list() == [5] and ctx.previous["value"].to_list() == [1.0]
    assert "explanation" in ctx.previous.columns  # normalised like the observations
    assert ctx.prior is not None and ctx.prior["year"].to_list() == [2022]
    validate(ONE_FIGURE, year=2023, rules=[rule_])
    assert seen[1].month is None and seen[1].previous is None and seen[1].prior is None


def test_the_report_keeps_the_policy_it_was_judged_by() -> None:
    rule_, _ = probe()
    strict = Policy.named("strict")
    assert validate(ONE_FIGURE, year=2023, rules=[rule_], policy=strict).policy == strict
    assert validate(ONE_FIGURE, year=2023, rules=[rule_]).policy == Policy()
