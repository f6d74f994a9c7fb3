"""The edges of the milestone paths and the headline verdict that a mutation run left open.

Which level targets get a compound path turns on a base and a target *strictly* above zero; the
milestone frame is sorted by scope, indicator, method and year; a bound that was respected at
the base is breached when not met, whatever its band of R.
"""

from __future__ import annotations

from decimal import Decimal

import attrs
import polars as pl
import pytest

import soeplan
from soeplan import BoundStatus, Status, Verdict
from soeplan.assessment.records import decide_verdict
from soeplan.plan.model import Plan

PLAN = "quzhou-14th"


def _with_city_total_assets(
    plan: Plan, *, base: str | None = None, target: str | None = None
) -> Plan:
    """The plan with the city's 2020 total assets and/or its 2025 target replaced."""
    figures = tuple(
        attrs.evolve(f, value=Decimal(base))
        if base is not None
        and (f.scope, f.indicator, f.year) == ("city", "total_assets", plan.base_year)
        else f
        for f in plan.figures
    )
    targets = tuple(
        attrs.evolve(t, value=Decimal(target))
        if target is not None and (t.scope, t.indicator) == ("city", "total_assets")
        else t
        for t in plan.targets
    )
    return attrs.evolve(plan, figures=figures, targets=targets)


def _methods(plan: Plan) -> list[str]:
    m = soeplan.plan_milestones(plan, method="both")
    rows = m.filter(scope="city", indicator="total_assets", year=plan.target_year)
    return sorted(str(x) for x in rows["method"].to_list())


@pytest.mark.parametrize(
    ("base", "target", "methods"),
    [
        ("2090.49", None, ["compound", "linear"]),  # the published figures
        ("0.5", None, ["compound", "linear"]),  # small but positive: compounds
        ("0", None, ["linear"]),  # nothing to compound from
        (None, "0.5", ["compound", "linear"]),
        (None, "0", ["linear"]),  # a total loss has no constant rate
    ],
)
def test_an_amount_compounds_only_from_and_to_a_positive_value(
    base: str | None, target: str | None, methods: list[str]
) -> None:
    plan = _with_city_total_assets(soeplan.load_plan(PLAN), base=base, target=target)
    assert _methods(plan) == methods


def test_the_milestones_are_sorted_by_scope_indicator_method_and_year() -> None:
    m = soeplan.plan_milestones(soeplan.load_plan(PLAN), method="both")
    keys = ["scope", "indicator", "method", "year"]
    assert m["scope"].n_unique() > 1 and m["method"].n_unique() == 2
    expected = m.with_columns(pl.col("method").cast(pl.String)).sort(keys, maintain_order=True)
    assert m.with_columns(pl.col("method").cast(pl.String)).equals(expected)


def test_a_bound_respected_at_the_base_is_breached_when_not_met_whatever_its_band() -> None:
    assert decide_verdict(Status.ON_TRACK, BoundStatus.NOT_MET) is Verdict.BREACHED
    assert decide_verdict(Status.ON_TRACK, BoundStatus.NOT_MET, path=False) is Verdict.BREACHED
    # on a path (the base was beyond the bound) the band decides until the bound is met
    assert decide_verdict(Status.ON_TRACK, BoundStatus.NOT_MET, path=True) is Verdict.ON_TRACK
    # a path with nothing observed on it is still a breach, not an error
    assert decide_verdict(None, BoundStatus.NOT_MET, path=True) is Verdict.BREACHED
