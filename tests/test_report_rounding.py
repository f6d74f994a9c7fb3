"""A figure the plan prints reads the same in the report: the report follows the plan's conventions."""

from __future__ import annotations

from decimal import Decimal

import soeplan
from soeplan.arithmetic.rounding import format_printed
from soeplan.report.layout import plan_table_block
from soeplan.run import report_from_observations
from soeplan.sample import sample_observations


def test_restated_plan_figures_print_as_the_plan_prints_them() -> None:
    plan = soeplan.load_plan("quzhou-14th")
    run = report_from_observations(sample_observations(), plan, 2023, synthetic=True)
    checked = 0
    for table in run.report.tables:
        if table.number != 1:
            continue
        block = plan_table_block(table, "zh")
        years = [h for h in block.header if h.endswith("年")]
        for row, cells in zip(table.rows, block.rows, strict=True):
            for year_label in years:
                year = int(year_label.removesuffix("年"))
                fig = plan.figure(table.scope, row.indicator, year)
                if fig is None:
                    continue
                printed = cells[block.header.index(year_label)].text()
                ind = soeplan.get_registry().indicators[row.indicator]
                expected = format_printed(fig.value, percent=ind.is_ratio)
                if not ind.is_ratio and ind.kind is not soeplan.Kind.COUNT:
                    expected = f"{Decimal(expected):,.2f}"
                assert printed == expected, (table.scope, row.indicator, year)
                checked += 1
    # 2 scopes x 11 rows x 2 published years
    assert checked == 44


def test_the_urban_debt_ratio_is_truncated_like_table_1() -> None:
    # 1 − 544.11 / 1197.87 = 54.5768…%: the plan prints 54.57%, half-up would print 54.58%.
    plan = soeplan.load_plan("quzhou-14th")
    run = report_from_observations(sample_observations(), plan, 2023, synthetic=True)
    row = next(
        a for a in run.report.assessment if (a.scope, a.indicator) == ("urban", "debt_ratio")
    )
    from soeplan.report.layout import assessment_block

    block = assessment_block(run.report)
    idx = block.header.index("基期值")
    texts = [r[idx].text() for r in block.rows]
    assert "54.57%" in texts and "54.58%" not in texts
    assert abs(row.base - (1 - 544.11 / 1197.87)) < 1e-9
