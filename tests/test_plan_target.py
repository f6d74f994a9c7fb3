"""Plan.target: a scope by id or Chinese name, and a clear refusal of an unknown name."""

from __future__ import annotations

import pytest

import soeplan
from soeplan.errors import UnknownNameError


@pytest.fixture(scope="module")
def plan() -> soeplan.Plan:
    return soeplan.load_plan("quzhou-14th")


def test_every_target_is_found_by_scope_id_and_by_chinese_name(plan: soeplan.Plan) -> None:
    assert plan.targets
    for t in plan.targets:
        zh = plan.scope(t.scope).name_zh
        assert plan.target(t.scope, t.indicator) is t
        assert plan.target(zh, t.indicator) is t
        assert plan.find_target(zh, t.indicator) is t


def test_the_readme_example_with_the_chinese_scope_name(plan: soeplan.Plan) -> None:
    t = plan.target("全市", "debt_ratio")
    assert (t.scope, t.indicator) == ("city", "debt_ratio")


def test_an_unknown_indicator_is_refused_with_a_suggestion(plan: soeplan.Plan) -> None:
    with pytest.raises(UnknownNameError) as err:
        plan.target("city", "debt")
    text = str(err.value)
    assert "'debt'" in text and "did you mean 'debt_ratio'?" in text
    assert "city (全市)" in text and "fix:" in text and "total_assets" in text


def test_an_unknown_scope_is_refused_with_a_suggestion(plan: soeplan.Plan) -> None:
    with pytest.raises(UnknownNameError) as err:
        plan.target("cty", "debt_ratio")
    assert "did you mean 'city'?" in str(err.value)
    with pytest.raises(UnknownNameError, match="known scopes: city"):
        plan.target("county", "debt_ratio")


def test_find_target_returns_none_where_the_plan_sets_no_target(plan: soeplan.Plan) -> None:
    assert plan.find_target("city", "debt") is None
    assert plan.find_target("nowhere", "debt_ratio") is None
