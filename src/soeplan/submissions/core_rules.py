"""The core's validation rules (审核公式): the catalogue :data:`CORE_RULES`.

The core's rules are plain :class:`~soeplan.rules.Rule` records (:data:`CORE_RULES`), registered
through the ``soeplan_rules`` hook like a county plugin's. Their checks are in
:mod:`soeplan.submissions.schema` (columns and types), :mod:`soeplan.submissions.cell_rules` (each
cell and row as filed) and :mod:`soeplan.submissions.figure_rules` (the figures together).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from soeplan.rules import Rule, RuleContext, Severity
from soeplan.submissions.cell_rules import (
    check_declared,
    check_duplicates,
    check_known,
    check_non_negative,
    check_numbers,
    check_required,
)
from soeplan.submissions.figure_rules import (
    check_binding_targets,
    check_completeness,
    check_debt_ratio_range,
    check_group_totals,
    check_prior_jump,
    check_profit_plausible,
    check_ratio_identities,
)
from soeplan.submissions.magnitude import check_magnitude, check_magnitude_small
from soeplan.submissions.period_rules import check_ytd_decrease

SCHEMA_RULE_ID = "core.schema"


def _check_schema(ctx: RuleContext) -> pl.DataFrame:
    """:func:`soeplan.submissions.schema.check_schema`, imported when the rule runs: pandera (and
    pandas) load only when a submission is validated, not whenever the rules are registered."""
    from soeplan.submissions.schema import check_schema

    return check_schema(ctx)


def _rule(
    id: str, severity: Severity, zh: str, en: str, check: Callable[[RuleContext], pl.DataFrame]
) -> Rule:
    return Rule(id=id, severity=severity, description_zh=zh, description_en=en, check=check)


_E, _W = Severity.ERROR, Severity.WARNING

#: The core's rules, registered through the ``soeplan_rules`` hook (see :mod:`soeplan.plugins.builtin`).
CORE_RULES: tuple[Rule, ...] = (
    _rule(
        SCHEMA_RULE_ID,
        _E,
        "数据结构与类型（列、类型、年度范围）",
        "Schema and types: columns, types, year range",
        _check_schema,
    ),
    _rule(
        "core.required",
        _E,
        "必填项（单位、企业、指标、年度）不得为空",
        "Required cells: unit, entity, indicator and year are given",
        check_required,
    ),
    _rule(
        "core.number",
        _E,
        "数字单元格应为有限的数字（小数点为半角句点，金额和户数不带 %）",
        "Numbers are numbers, and finite: a point for decimals, no % outside ratios",
        check_numbers,
    ),
    _rule(
        "core.non-negative",
        _E,
        "资产总额、营业收入和户数不得为负，户数为整数",
        "Amounts that cannot be negative, and counts, are >= 0; counts are whole",
        check_non_negative,
    ),
    _rule(
        "core.magnitude",
        _E,
        "数值应在合理范围内（按规划数测算）；以元、万元误填为亿元的须改正",
        "Figures lie within their plausible range (from the plan); no amount in 元 or 万元 "
        "where 亿元 is asked",
        check_magnitude,
    ),
    _rule(
        "core.magnitude-small",
        _W,
        "非零金额小得不合常理（低于规划数的百万分之一）",
        "A non-zero amount below a millionth of the plan's scale",
        check_magnitude_small,
    ),
    _rule("core.known", _E, "企业和指标应已登记", "Entities and indicators are known", check_known),
    _rule(
        "core.duplicate",
        _E,
        "同一企业同一指标不得重复填报",
        "No figure is given twice",
        check_duplicates,
    ),
    _rule(
        "core.declared",
        _E,
        "数据年度和单位应与申报一致",
        "Every figure is for the declared year and unit",
        check_declared,
    ),
    _rule(
        "core.ratio-identity",
        _E,
        "填报的比率应与按分子分母重算的结果一致（按输入精度）",
        "A submitted ratio matches its recomputation, within input precision",
        check_ratio_identities,
    ),
    _rule(
        "core.profit-plausible",
        _W,
        "净利润高于利润总额（提醒核对）",
        "Net profit above total profit (plausibility)",
        check_profit_plausible,
    ),
    _rule(
        "core.debt-ratio-range",
        _E,
        "资产负债率应在 0–100% 之间",
        "The debt ratio lies within 0–100%",
        check_debt_ratio_range,
    ),
    _rule(
        "core.prior-jump",
        _W,
        "与上年相比变动过大须说明",
        "A change beyond the configured share against last year needs an explanation",
        check_prior_jump,
    ),
    _rule(
        "core.ytd-decrease",
        _W,
        "快报本年累计数不应低于上月累计（营业收入等须说明；利润当月亏损仅提示）",
        "A 快报's year-to-date flow below last month's: revenue and the like need an "
        "explanation; a profit's fall (a month's loss) is a hint",
        check_ytd_decrease,
    ),
    _rule(
        "core.completeness",
        _E,
        "必填企业的每个指标均须填报",
        "Every required entity reports every indicator",
        check_completeness,
    ),
    _rule(
        "core.group-total",
        _E,
        "集团汇总数应等于下级企业之和",
        "A group's figures equal the sum of its children",
        check_group_totals,
    ),
    _rule(
        "core.binding-target",
        _W,
        "达到或超过规划约束性指标（资产负债率 < 65%）",
        "At or beyond a binding target of the plan (debt ratio < 65%)",
        check_binding_targets,
    ),
)
