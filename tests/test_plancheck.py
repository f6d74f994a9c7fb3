"""check-plan: published figures against the precision of their inputs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import soeplan
from soeplan.frames import FINDING_SCHEMA
from soeplan.plan.check import check_plan
from soeplan.plan.findings import FindingKind
from soeplan.rules import Severity

BUILTIN = Path(soeplan.__file__).parent / "data" / "plans" / "quzhou-14th.toml"


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    text = BUILTIN.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "plan.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seed_check() -> soeplan.PlanCheck:
    return check_plan(soeplan.load_plan("quzhou-14th"))


def test_the_seed_has_no_inconsistency(seed_check: soeplan.PlanCheck) -> None:
    assert seed_check.ok and seed_check.inconsistent == ()
    # 4 ratios x 2 years x 2 scopes, 5 amounts x 2 growth kinds x 2 scopes (Table 1),
    # 5 amounts x 2 scopes (Table 2).
    assert len(seed_check.checks) == 16 + 20 + 10
    assert all(c.explained for c in seed_check.checks)


def test_the_two_cagrs_half_up_misses_are_explained_by_input_precision(
    seed_check: soeplan.PlanCheck,
) -> None:
    missed = {(c.scope, c.indicator, c.column) for c in seed_check.checks if not c.reproduced}
    assert missed == {("city", "total_profit", "cagr"), ("city", "net_profit", "cagr")}
    for c in seed_check.checks:
        if not c.reproduced:
            assert c.conventions == (soeplan.Rounding.HALF_UP,)
            assert c.achievable is not None and c.achievable.meets(c.stands_for)
            assert c.computed is not None and c.achievable.contains(c.computed)
    explained = [f for f in seed_check.findings if f.kind is FindingKind.EXPLAINED]
    assert {f.published for f in explained} == {"12.71%", "6.79%"}
    assert all(f.severity is Severity.HINT for f in explained)


def test_conventions_per_column(seed_check: soeplan.PlanCheck) -> None:
    by = {(c.table, c.scope, c.indicator, c.column): c for c in seed_check.checks}
    assert by[(1, "urban", "debt_ratio", "2020")].conventions == (soeplan.Rounding.TRUNCATE,)
    assert by[(1, "city", "revenue", "cagr")].conventions == (soeplan.Rounding.HALF_UP,)
    assert by[(1, "city", "revenue", "total_growth")].conventions == (soeplan.Rounding.TRUNCATE,)
    t2 = by[(2, "urban", "net_assets", "total_growth")]
    assert t2.conventions == (soeplan.Rounding.TRUNCATE,) and t2.reproduced
    assert t2.published == Decimal("0.6540")


def test_plausibility_net_profit_above_total_profit_is_a_warning(
    seed_check: soeplan.PlanCheck,
) -> None:
    found = [f for f in seed_check.findings if f.kind is FindingKind.PLAUSIBILITY]
    assert len(found) == 1
    f = found[0]
    assert (f.scope, f.indicator, f.column, f.severity) == (
        "city",
        "net_profit",
        "2015",
        Severity.WARNING,
    )
    assert "8.83" in f.message_zh and "8.76" in f.message_en


def test_target_coherence(seed_check: soeplan.PlanCheck) -> None:
    coherence = {
        (f.scope, f.indicator): f for f in seed_check.findings if f.kind is FindingKind.COHERENCE
    }
    assert coherence[("city", "profit_margin")].computed == "22.50%"
    assert coherence[("city", "profit_margin")].severity is Severity.HINT
    assert coherence[("city", "net_margin")].computed == "17.50%"
    assert coherence[("urban", "profit_margin")].computed == "25.00%"
    assert coherence[("urban", "net_margin")].computed == "18.33%"
    assert coherence[("urban", "net_margin")].severity is Severity.HINT
    roe_city = coherence[("city", "roe")]
    assert roe_city.computed == "2.19%" and roe_city.severity is Severity.HINT
    roe_urban = coherence[("urban", "roe")]
    assert roe_urban.computed == "2.44%" and roe_urban.severity is Severity.WARNING
    assert "2.5%" in roe_urban.message_en and "stretch" in roe_urban.message_en
    assert coherence[("urban", "debt_ratio")].computed == "64.00%"
    assert all(f.kind is not FindingKind.INCONSISTENT for f in coherence.values())


def test_a_changed_growth_figure_is_named(tmp_path: Path) -> None:
    path = _copy(tmp_path, 'total_growth = "179.90%"', 'total_growth = "179.80%"')
    result = check_plan(soeplan.load_plan(path))
    assert not result.ok
    (bad,) = result.inconsistent
    assert (bad.table, bad.scope, bad.indicator, bad.column) == (
        1,
        "urban",
        "net_assets",
        "total_growth",
    )
    assert bad.severity is Severity.ERROR and bad.published == "179.80%"
    assert "表1 市区 净资产 总体增长率" in bad.message_zh
    with pytest.raises(soeplan.InconsistentPlanError) as info:
        result.raise_if_inconsistent("en")
    assert info.value.exit_code == 1
    assert "Table 1, Urban area, Net assets (owners' equity), total growth" in info.value.render()


def test_a_last_digit_change_inside_input_precision_is_explained(tmp_path: Path) -> None:
    # 13.47% -> 13.48%: the inputs 6.15 and 11.57 allow [13.44%, 13.50%], so it is explained.
    path = _copy(tmp_path, 'cagr = "13.47%"', 'cagr = "13.48%"')
    result = check_plan(soeplan.load_plan(path))
    assert result.ok
    assert any(
        f.kind is FindingKind.EXPLAINED and f.indicator == "total_profit" and f.scope == "urban"
        for f in result.findings
    )


def test_a_changed_table_2_growth_and_ratio_are_named(tmp_path: Path) -> None:
    path = _copy(tmp_path, 'total_growth = "154.00%"', 'total_growth = "155.00%"')
    (bad,) = check_plan(soeplan.load_plan(path)).inconsistent
    assert (bad.table, bad.scope, bad.indicator, bad.column) == (
        2,
        "city",
        "revenue",
        "total_growth",
    )
    path = _copy(tmp_path, '"1.64%"', '"1.65%"')  # truncation of 1.6485…% is 1.64%
    (bad,) = check_plan(soeplan.load_plan(path)).inconsistent
    assert (bad.table, bad.scope, bad.indicator, bad.column) == (1, "urban", "roe", "2020")


def test_findings_frame_uses_the_common_schema(seed_check: soeplan.PlanCheck) -> None:
    frame = seed_check.findings_frame()
    assert frame.columns == list(FINDING_SCHEMA)
    assert frame.height == len(seed_check.findings)
    assert set(frame["severity"]) == {"hint", "warning"}


def test_without_a_table_either_convention_may_explain(tmp_path: Path) -> None:
    text = BUILTIN.read_text(encoding="utf-8")
    start = text.index("# ---------------------------------------------------------------- Table 1")
    end = text.index("[[figure]]", start)
    text = text[:start] + text[end:]
    start = text.index("# ---------------------------------------------------------------- Table 2")
    end = text.index("# kind: level", start)
    text = text[:start] + text[end:]
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    plan = soeplan.load_plan(path)
    assert plan.tables == ()
    result = check_plan(plan)
    assert result.ok
    both = (soeplan.Rounding.HALF_UP, soeplan.Rounding.TRUNCATE)
    assert all(c.table is None and c.conventions == both for c in result.checks)
    # Truncation now reproduces 12.71%; only 6.79% needs the precision of the inputs.
    missed = [(c.indicator, c.column) for c in result.checks if not c.reproduced]
    assert missed == [("net_profit", "cagr")]
