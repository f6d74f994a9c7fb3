"""Properties of check-plan over generated plans: it never accuses a figure the convention
produces from the printed inputs, and it always names a figure moved well outside them."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import soeplan
from soeplan.arithmetic.rounding import Rounding, format_percent
from soeplan.plan.check import check_plan

amount = st.integers(min_value=10_000, max_value=100_000).map(lambda n: Decimal(n).scaleb(-2))
mode = st.sampled_from(list(Rounding))


def _plan_text(
    ta: tuple[Decimal, Decimal],
    na: tuple[Decimal, Decimal],
    conventions: dict[str, Rounding],
    shift: Decimal = Decimal(0),
) -> str:
    def pct(value: Decimal, column: str) -> str:
        return format_percent(value, 2, conventions[column])

    with localcontext() as ctx:
        ctx.prec = 50
        cagr = (ta[1] / ta[0]) ** (Decimal(1) / 5) - 1 + shift
        total = na[1] / na[0] - 1
        debt = [1 - na[i] / ta[i] for i in range(2)]
    return f"""
[plan]
id = "generated"
title_zh = "生成的规划"
title_en = "A generated plan"
base_year = 2020
target_year = 2025

[[scope]]
id = "city"
name_zh = "全市"
name_en = "City-wide"

[[figure]]
indicator = "total_assets"
city = {{ 2015 = "{ta[0]}", 2020 = "{ta[1]}", cagr = "{pct(cagr, "cagr")}" }}

[[figure]]
indicator = "net_assets"
city = {{ 2015 = "{na[0]}", 2020 = "{na[1]}", total_growth = "{pct(total, "total_growth")}" }}

[[figure]]
indicator = "debt_ratio"
city = {{ 2015 = "{pct(debt[0], "ratio")}", 2020 = "{pct(debt[1], "ratio")}" }}

[[table]]
number = 1
kind = "results"
years = [2015, 2020]
rows = ["total_assets", "net_assets", "debt_ratio"]
rounding = {{ ratio = "{conventions["ratio"].value}", cagr = "{conventions["cagr"].value}", total_growth = "{conventions["total_growth"].value}" }}
"""


@settings(max_examples=40)
@given(
    st.tuples(amount, amount),
    st.tuples(amount, amount),
    st.fixed_dictionaries({"ratio": mode, "cagr": mode, "total_growth": mode}),
)
def test_figures_printed_by_the_convention_are_never_accused(
    tmp_path_factory: pytest.TempPathFactory,
    ta: tuple[Decimal, Decimal],
    na: tuple[Decimal, Decimal],
    conventions: dict[str, Rounding],
) -> None:
    path = tmp_path_factory.mktemp("plan") / "plan.toml"
    path.write_text(_plan_text(ta, na, conventions), encoding="utf-8")
    plan = soeplan.load_plan(path)
    result = check_plan(plan)
    assert result.ok
    assert len(result.checks) == 4
    assert all(c.reproduced and c.explained for c in result.checks)
    table = soeplan.build_table(plan, 1)
    assert not table.notes  # every computed cell prints as the published figure


@settings(max_examples=40)
@given(
    st.tuples(amount, amount),
    st.tuples(amount, amount),
    st.fixed_dictionaries({"ratio": mode, "cagr": mode, "total_growth": mode}),
    st.sampled_from([Decimal("0.01"), Decimal("-0.01"), Decimal("0.0125")]),
)
def test_a_figure_moved_outside_its_inputs_is_named(
    tmp_path_factory: pytest.TempPathFactory,
    ta: tuple[Decimal, Decimal],
    na: tuple[Decimal, Decimal],
    conventions: dict[str, Rounding],
    shift: Decimal,
) -> None:
    # Amounts of 100.00 to 1000.00 pin a CAGR to well within 0.1 percentage point, so a
    # published CAGR moved by a whole percentage point cannot be explained.
    path = tmp_path_factory.mktemp("plan") / "plan.toml"
    path.write_text(_plan_text(ta, na, conventions, shift), encoding="utf-8")
    result = check_plan(soeplan.load_plan(path))
    assert [(f.table, f.scope, f.indicator, f.column) for f in result.inconsistent] == [
        (1, "city", "total_assets", "cagr")
    ]
