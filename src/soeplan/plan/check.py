"""Checking a plan: are its published figures explained by its printed inputs?

For every published growth figure and ratio, :func:`check_plan` computes, by interval arithmetic
(:mod:`soeplan.arithmetic.precision`), the range of values the figure can take when each input is anywhere
inside its printed precision (``8.83`` stands for ``[8.825, 8.835)``), and compares it with the
interval the published figure stands for under its column's rounding convention (half-up:
``[p − ½ulp, p + ½ulp)``; truncation: ``[p, p + ulp)``). A figure whose intervals do not meet is
**inconsistent**: no rounding of the inputs explains it. A figure the convention does not
reproduce from the printed inputs, but that their precision explains, is reported as a hint.

It also reports plausibility warnings (net profit above total profit) and the coherence of the
targets (a ratio target against the ratio its amount targets imply); neither is an inconsistency.
The result and its findings are records of :mod:`soeplan.plan.findings`.

>>> import soeplan
>>> from soeplan.plan.check import check_plan
>>> result = check_plan(soeplan.load_plan("quzhou-14th"))
>>> result.ok, len(result.inconsistent)
(True, 0)
>>> [(c.indicator, c.column, c.reproduced, c.explained) for c in result.checks if not c.reproduced]
[('total_profit', 'cagr', False, True), ('net_profit', 'cagr', False, True)]
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from soeplan.arithmetic.precision import published_interval
from soeplan.arithmetic.rounding import Rounding, format_percent, format_printed, round_decimal
from soeplan.context import current
from soeplan.indicators import Indicator, Kind
from soeplan.plan._computed import Computed, computed_growth, computed_ratio
from soeplan.plan.findings import FigureCheck, FindingKind, PlanCheck, PlanFinding, _Labels, _pct
from soeplan.plan.model import GrowthKind, Plan, TableLayout, Target, TargetKind
from soeplan.rules import Severity

__all__ = ["check_plan", "implied_meets"]


# -- the checks ---------------------------------------------------------------------------------


def _table_for_ratio(plan: Plan, code: str, year: int) -> TableLayout | None:
    candidates = [t for t in plan.tables if code in t.rows and year in t.years]
    candidates.sort(key=lambda t: (t.kind != "results", t.number))
    return candidates[0] if candidates else None


def _table_for_growth(
    plan: Plan, code: str, kind: GrowthKind, start: int, end: int
) -> TableLayout | None:
    for t in plan.tables:
        if (
            code in t.rows
            and kind in t.growth
            and t.years
            and (t.years[0], t.years[-1])
            == (
                start,
                end,
            )
        ):
            return t
    return None


def _check_figure(
    labels: _Labels,
    table: TableLayout | None,
    scope: str,
    code: str,
    column: str,
    published: Decimal,
    comp: Computed | None,
    rounding_column: str,
) -> tuple[FigureCheck, PlanFinding | None]:
    """Check one published figure against ``comp``, computed from the printed inputs."""
    conventions = (
        (table.rounding.for_column(rounding_column),)
        if table is not None
        else (Rounding.HALF_UP, Rounding.TRUNCATE)
    )
    stands_for = published_interval(published, conventions[0])
    exp = published.as_tuple().exponent
    places = max(0, -exp - 2) if isinstance(exp, int) else 2
    number = table.number if table is not None else None
    if comp is None:
        reproduced = explained = False
    else:
        reproduced = any(
            round_decimal(comp.value.scaleb(2), places, m) == published.scaleb(2)
            for m in conventions
        )
        explained = any(comp.interval.meets(published_interval(published, m)) for m in conventions)
    check = FigureCheck(
        table=number,
        scope=scope,
        indicator=code,
        column=column,
        published=published,
        conventions=conventions,
        computed=None if comp is None else comp.value,
        achievable=None if comp is None else comp.interval,
        stands_for=stands_for,
        reproduced=reproduced,
        explained=explained,
        inputs=() if comp is None else comp.inputs,
    )
    if comp is None:
        return check, _not_computable(labels, table, check)
    if reproduced:
        return check, None
    return check, _unexplained(labels, table, check, comp, places)


def _not_computable(labels: _Labels, table: TableLayout | None, check: FigureCheck) -> PlanFinding:
    """A published figure whose inputs are missing (or whose growth is undefined)."""
    scope, code, column, published = check.scope, check.indicator, check.column, check.published
    return _figure_finding(
        check,
        Severity.WARNING,
        FindingKind.NOT_COMPUTABLE,
        "",
        f"{labels.where(table, scope, code, column, 'zh')}：公布为 {_pct(published)}，"
        "但缺少计算它的数据（或增长率无定义），无法核对。",
        f"{labels.where(table, scope, code, column, 'en')}: published as "
        f"{_pct(published)}, but its inputs are missing (or the growth is undefined), "
        "so it cannot be checked.",
    )


def _figure_finding(
    check: FigureCheck,
    severity: Severity,
    kind: FindingKind,
    computed: str,
    message_zh: str,
    message_en: str,
) -> PlanFinding:
    """A finding about the published figure of ``check``."""
    return PlanFinding(
        severity=severity,
        kind=kind,
        table=check.table,
        scope=check.scope,
        indicator=check.indicator,
        column=check.column,
        published=_pct(check.published),
        computed=computed,
        message_zh=message_zh,
        message_en=message_en,
    )


def _unexplained(
    labels: _Labels, table: TableLayout | None, check: FigureCheck, comp: Computed, places: int
) -> PlanFinding:
    """The finding on a figure the printed inputs do not reproduce: a hint when their precision
    explains it, else an inconsistency."""
    scope, code, column = check.scope, check.indicator, check.column
    published, conventions, explained = check.published, check.conventions, check.explained
    conv_zh = "或".join(m.zh for m in conventions)
    conv_en = " or ".join(m.en for m in conventions)
    shown = format_percent(comp.value, places, conventions[0])
    inputs = ", ".join(f"{name} = {value}" for name, value in comp.inputs)
    achievable = comp.interval.percent_text(4)
    stands = " ∪ ".join(published_interval(published, m).percent_text(4) for m in conventions)
    w_zh = labels.where(table, scope, code, column, "zh")
    w_en = labels.where(table, scope, code, column, "en")
    if explained:
        return _figure_finding(
            check,
            Severity.HINT,
            FindingKind.EXPLAINED,
            shown,
            f"{w_zh}：公布 {_pct(published)}，按{conv_zh}由打印数据计算得 {shown}；"
            f"输入在其打印精度内可得 {achievable}，与公布值所代表的 {stands} 相交，"
            f"可由输入数据的舍入解释（{inputs}）。",
            f"{w_en}: published {_pct(published)}; the printed inputs give {shown} "
            f"({conv_en}), but inputs anywhere within their printed precision give {achievable}, "
            f"which meets the {stands} the published figure stands for: explained by the "
            f"rounding of the inputs ({inputs}).",
        )
    return _figure_finding(
        check,
        Severity.ERROR,
        FindingKind.INCONSISTENT,
        shown,
        f"{w_zh}：公布 {_pct(published)}（按{conv_zh}代表 {stands}），"
        f"但输入在其打印精度内只能得到 {achievable}（{inputs}，按{conv_zh}为 {shown}）："
        "任何输入舍入都不能解释公布值。请核对该数字或其输入。",
        f"{w_en}: published {_pct(published)} (under {conv_en} it stands for "
        f"{stands}), but inputs anywhere within their printed precision give only {achievable} "
        f"({inputs}; {shown} under {conv_en}): no rounding of the inputs explains it. "
        "Check the figure or its inputs against the document.",
    )


def _plausibility(plan: Plan, labels: _Labels) -> list[PlanFinding]:
    out = []
    pairs = (
        ("net_profit", "total_profit", "净利润高于利润总额", "net profit above total profit",
         "可能（所得税为负或有税收返还），但值得核实",
         "possible (negative income tax), but worth checking"),
        ("net_assets", "total_assets", "净资产高于资产总额", "net assets above total assets",
         "意味着负债为负，请核实", "implies negative liabilities: check the figures"),
    )  # fmt: skip
    for high, low, what_zh, what_en, why_zh, why_en in pairs:
        for f in plan.figures:
            if f.indicator != high:
                continue
            other = plan.figure(f.scope, low, f.year)
            if other is None or not f.value > other.value:
                continue
            name_hi_zh, name_lo_zh = labels.indicator(high, "zh"), labels.indicator(low, "zh")
            name_hi_en, name_lo_en = labels.indicator(high, "en"), labels.indicator(low, "en")
            scope_zh, scope_en = labels.scope(f.scope, "zh"), labels.scope(f.scope, "en")
            out.append(
                PlanFinding(
                    severity=Severity.WARNING,
                    kind=FindingKind.PLAUSIBILITY,
                    table=None,
                    scope=f.scope,
                    indicator=high,
                    column=str(f.year),
                    published=str(f.value),
                    computed="",
                    message_zh=f"{scope_zh} {f.year}年：{what_zh}（{name_hi_zh} {f.value} > "
                    f"{name_lo_zh} {other.value}）：{why_zh}。",
                    message_en=f"{scope_en} {f.year}: {what_en} ({name_hi_en} {f.value} > "
                    f"{name_lo_en} {other.value}): {why_en}.",
                )
            )
    return out


def _coherence(
    plan: Plan, indicators: Mapping[str, Indicator], labels: _Labels
) -> list[PlanFinding]:
    out = []
    for t in plan.targets:
        ind = indicators.get(t.indicator)
        if ind is None or ind.formula is None or ind.formula.denominator_average:
            continue
        num = plan.find_target(t.scope, ind.formula.numerator)
        den = plan.find_target(t.scope, ind.formula.denominator)
        if not (_is_level(num, t.year) and _is_level(den, t.year)):
            continue
        implied = computed_ratio(plan, indicators, t.scope, t.indicator, t.year)
        if implied is None:
            continue
        out.append(_coherence_finding(t, ind, implied.value, labels))
    return out


def _is_level(target: Target | None, year: int) -> bool:
    return target is not None and target.kind is TargetKind.LEVEL and target.year == year


def _coherence_finding(t: Target, ind: Indicator, implied: Decimal, labels: _Labels) -> PlanFinding:
    assert ind.formula is not None
    num = labels.plan.target(t.scope, ind.formula.numerator)
    den = labels.plan.target(t.scope, ind.formula.denominator)
    assert num is not None and den is not None
    expr = f"{num.value} / {den.value}"
    if ind.formula.one_minus:
        expr = f"1 − {expr}"
    shown = format_percent(implied, 2, Rounding.HALF_UP)
    value = _pct(t.value)
    scope_zh, scope_en = labels.scope(t.scope, "zh"), labels.scope(t.scope, "en")
    name_zh, name_en = labels.indicator(t.indicator, "zh"), labels.indicator(t.indicator, "en")
    head_zh = f"{scope_zh} {name_zh} {t.year}年目标"
    head_en = f"{scope_en}, {name_en}, {t.year} target"
    imp_zh = f"由总量目标推得 {expr} = {shown}"
    imp_en = f"the amount targets imply {expr} = {shown}"
    ok: bool
    if t.kind is TargetKind.LEVEL:
        ok = any(implied_meets(implied, t.value, m) for m in Rounding)
        zh = f"{head_zh} {value}，{imp_zh}：" + ("一致。" if ok else "不一致。")
        en = f"{head_en} {value}; {imp_en}: " + ("consistent." if ok else "not consistent.")
    elif t.kind is TargetKind.CEILING:
        ok = implied < t.value if t.strict else implied <= t.value
        zh = f"{head_zh} {'<' if t.strict else '不高于'}{value}，{imp_zh}：" + (
            "总量目标满足该上限。" if ok else "总量目标本身就突破了该上限。"
        )
        en = f"{head_en} {'<' if t.strict else 'not above '}{value}; {imp_en}: " + (
            "the amount targets keep within the ceiling."
            if ok
            else "the amount targets themselves break the ceiling."
        )
    else:
        ok = implied >= t.value
        zh = f"{head_zh} 不低于{value}，{imp_zh}：" + (
            "总量目标达到该下限" if ok else "总量目标达不到该下限"
        )
        en = f"{head_en} not below {value}; {imp_en}: " + (
            "the amount targets reach the floor"
            if ok
            else "the amount targets fall short of the floor"
        )
        if t.stretch is not None:
            stretch = _pct(t.stretch)
            reach = implied >= t.stretch
            ok = ok and reach
            zh += (
                f"，也达到力争水平 {stretch}。"
                if reach
                else f"，但低于力争水平 {stretch}：达到力争水平需要高于总量目标的"
                f"{labels.indicator(ind.formula.numerator, 'zh')}"
                f"或低于总量目标的{labels.indicator(ind.formula.denominator, 'zh')}。"
            )
            en += (
                f", and the stretch level {stretch} too."
                if reach
                else f", but not the stretch level {stretch}: reaching it needs more "
                f"{labels.indicator(ind.formula.numerator, 'en').lower()} or less "
                f"{labels.indicator(ind.formula.denominator, 'en').lower()} than the amount "
                "targets."
            )
        else:
            zh += "。"
            en += "."
    return PlanFinding(
        severity=Severity.HINT if ok else Severity.WARNING,
        kind=FindingKind.COHERENCE,
        table=None,
        scope=t.scope,
        indicator=t.indicator,
        column="target",
        published=value,
        computed=shown,
        message_zh=zh,
        message_en=en,
    )


def implied_meets(implied: Decimal, printed: Decimal, mode: Rounding) -> bool:
    """Whether an exact ``implied`` ratio prints as the ``printed`` target under ``mode``."""
    return published_interval(printed, mode).contains(implied)


def _below_base(
    plan: Plan, indicators: Mapping[str, Indicator], labels: _Labels
) -> list[PlanFinding]:
    out = []
    for t in plan.targets:
        ind = indicators.get(t.indicator)
        if ind is None or t.kind is not TargetKind.LEVEL:
            continue
        base_year = t.base_year if t.base_year is not None else plan.base_year
        base: Decimal | None
        if ind.kind is Kind.RATIO:
            comp = computed_ratio(plan, indicators, t.scope, t.indicator, base_year)
            base = comp.value if comp is not None else None
        else:
            fig = plan.figure(t.scope, t.indicator, base_year)
            base = fig.value if fig is not None else None
        if base is None:
            continue
        worse = t.value < base if ind.higher_is_better else t.value > base
        if not worse:
            continue
        percent = ind.is_percent
        tv = format_printed(t.value, percent=percent)
        bv = (
            format_percent(base, 2, Rounding.HALF_UP)
            if percent
            else format_printed(base, percent=False)
        )
        scope_zh, scope_en = labels.scope(t.scope, "zh"), labels.scope(t.scope, "en")
        name_zh, name_en = labels.indicator(t.indicator, "zh"), labels.indicator(t.indicator, "en")
        word_zh = "低于" if ind.higher_is_better else "高于"
        word_en = "below" if ind.higher_is_better else "above"
        out.append(
            PlanFinding(
                severity=Severity.HINT,
                kind=FindingKind.TARGET_BELOW_BASE,
                table=None,
                scope=t.scope,
                indicator=t.indicator,
                column="target",
                published=tv,
                computed=bv,
                message_zh=f"{scope_zh} {name_zh}：{t.year}年目标 {tv} {word_zh}{base_year}年的 "
                f"{bv}（该指标越{'高' if ind.higher_is_better else '低'}越好）。",
                message_en=f"{scope_en}, {name_en}: the {t.year} target {tv} is {word_en} the "
                f"{base_year} value {bv} of an indicator where "
                f"{'higher' if ind.higher_is_better else 'lower'} is better.",
            )
        )
    return out


def check_plan(plan: Plan, indicators: Mapping[str, Indicator] | None = None) -> PlanCheck:
    """Check every published growth figure and ratio of ``plan`` against its inputs.

    Also reports plausibility warnings and target coherence. ``indicators`` defaults to the
    registered catalogue.
    """
    if indicators is None:
        indicators = current().indicators
    labels = _Labels(plan, indicators)
    checks: list[FigureCheck] = []
    findings: list[PlanFinding] = []

    def add(result: tuple[FigureCheck, PlanFinding | None]) -> None:
        checks.append(result[0])
        if result[1] is not None:
            findings.append(result[1])

    for f in plan.figures:
        ind = indicators.get(f.indicator)
        if ind is None or ind.formula is None:
            continue
        table = _table_for_ratio(plan, f.indicator, f.year)
        comp = computed_ratio(plan, indicators, f.scope, f.indicator, f.year)
        add(_check_figure(labels, table, f.scope, f.indicator, str(f.year), f.value, comp, "ratio"))
    for g in plan.growth:
        table = _table_for_growth(plan, g.indicator, g.kind, g.start_year, g.end_year)
        comp = computed_growth(plan, g.scope, g.indicator, g.kind, g.start_year, g.end_year)
        add(
            _check_figure(
                labels, table, g.scope, g.indicator, g.kind.value, g.value, comp, g.kind.value
            )
        )
    findings += _plausibility(plan, labels)
    findings += _coherence(plan, indicators, labels)
    findings += _below_base(plan, indicators, labels)
    findings.sort(key=lambda f: (-f.severity.rank, f.table or 99, f.kind.value))
    return PlanCheck(plan=plan.id, path=plan.path, checks=tuple(checks), findings=tuple(findings))
