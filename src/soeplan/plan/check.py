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
from enum import StrEnum
from typing import Any

import attrs
import polars as pl

from soeplan.arithmetic.precision import Interval, published_interval
from soeplan.arithmetic.rounding import Rounding, format_percent, format_printed, round_decimal
from soeplan.context import current
from soeplan.errors import Problem, SoeplanError
from soeplan.indicators import Indicator, Kind
from soeplan.plan._computed import Computed, computed_growth, computed_ratio
from soeplan.plan.model import GrowthKind, Plan, TableLayout, Target, TargetKind
from soeplan.rules import FINDING_SCHEMA, Severity


class InconsistentPlanError(SoeplanError):
    """A plan publishes figures that no rounding of their inputs explains (exit status 1)."""

    exit_code = 1


class FindingKind(StrEnum):
    """What a finding of :func:`check_plan` is about."""

    INCONSISTENT = "inconsistent"  #: no rounding of the inputs explains the published figure
    EXPLAINED = (
        "explained"  #: not reproduced from the printed inputs, but explained by their precision
    )
    NOT_COMPUTABLE = "not_computable"  #: a published figure whose inputs are missing or undefined
    PLAUSIBILITY = "plausibility"  #: possible, but worth a look (net profit above total profit)
    COHERENCE = "coherence"  #: a ratio target against the ratio its amount targets imply
    TARGET_BELOW_BASE = (
        "target_below_base"  #: a level target below (or, lower-better, above) the base
    )


@attrs.frozen(kw_only=True)
class FigureCheck:
    """One published figure checked against its inputs.

    ``column`` is the year of a ratio (``"2020"``) or the growth kind (``"cagr"``,
    ``"total_growth"``). ``conventions`` are the roundings the figure may have been printed with
    (its table's, or both when no table prints it). ``achievable`` is the interval of values from
    inputs anywhere inside their printed precision; ``stands_for`` the values that print as the
    published figure (under the first convention).
    """

    table: int | None
    scope: str
    indicator: str
    column: str
    published: Decimal
    conventions: tuple[Rounding, ...]
    computed: Decimal | None
    achievable: Interval | None
    stands_for: Interval
    reproduced: bool
    explained: bool
    inputs: tuple[tuple[str, Decimal], ...] = ()


@attrs.frozen(kw_only=True)
class PlanFinding:
    """Something :func:`check_plan` reports, with a message in both languages."""

    severity: Severity
    kind: FindingKind
    table: int | None
    scope: str
    indicator: str
    column: str
    published: str
    computed: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en


@attrs.frozen(kw_only=True)
class PlanCheck:
    """The result of checking a plan: every figure checked, and the findings."""

    plan: str
    path: str
    checks: tuple[FigureCheck, ...]
    findings: tuple[PlanFinding, ...]

    @property
    def inconsistent(self) -> tuple[PlanFinding, ...]:
        return tuple(f for f in self.findings if f.kind is FindingKind.INCONSISTENT)

    @property
    def ok(self) -> bool:
        """True when no published figure is inconsistent with its inputs."""
        return not self.inconsistent

    def raise_if_inconsistent(self, lang: str = "zh") -> None:
        """Raise :class:`InconsistentPlanError` naming every inconsistent figure."""
        bad = self.inconsistent
        if not bad:
            return
        n = len(bad)
        if lang == "zh":
            message = f"规划 {self.plan}（{self.path}）有 {n} 个公布数字与其输入数据不一致"
            fix = "核对文件中的该数字及其输入；若是录入错误，请在规划文件中更正"
        else:
            message = (
                f"plan {self.plan} ({self.path}): {n} published figure{'s' if n != 1 else ''} "
                "inconsistent with their inputs"
            )
            fix = "check the figure and its inputs against the document; correct the plan file"
        problems = [
            Problem(
                f.message(lang).partition("：" if lang == "zh" else ": ")[0],
                f"published {f.published}, computed {f.computed}"
                if lang != "zh"
                else f"公布 {f.published}，计算 {f.computed}",
                fix,
            )
            for f in bad
        ]
        raise InconsistentPlanError(message, problems=problems)

    def findings_frame(self) -> pl.DataFrame:
        """The findings in the common findings layout (:data:`soeplan.rules.FINDING_SCHEMA`)."""
        rows = [
            {
                "severity": f.severity.value,
                "rule": f"check-plan.{f.kind.value}",
                "file": self.path,
                "sheet": f"表{f.table}" if f.table is not None else None,
                "cell": f"{f.scope}:{f.column}",
                "unit": f.scope,
                "indicator": f.indicator,
                "year": int(f.column) if f.column.isdigit() else None,
                "expected": f.computed,
                "found": f.published,
                "message_zh": f.message_zh,
                "message_en": f.message_en,
                "fix": "",
            }
            for f in self.findings
        ]
        full = [{k: r.get(k) for k in FINDING_SCHEMA} for r in rows]
        return pl.DataFrame(full, schema=FINDING_SCHEMA)


# -- labels -----------------------------------------------------------------------------------


class _Labels:
    def __init__(self, plan: Plan, indicators: Mapping[str, Indicator]) -> None:
        self.plan = plan
        self.indicators = indicators

    def scope(self, scope: str, lang: str) -> str:
        return self.plan.scope(scope).name(lang)

    def indicator(self, code: str, lang: str) -> str:
        ind = self.indicators.get(code)
        return ind.name(lang) if ind is not None else code

    def column(self, column: str, table: TableLayout | None, lang: str) -> str:
        if column.isdigit():
            return f"{column}年" if lang == "zh" else column
        kind = GrowthKind(column)
        if kind is GrowthKind.TOTAL and table is not None and table.kind == "targets":
            return "增长率" if lang == "zh" else "growth"
        return kind.zh if lang == "zh" else kind.en.lower()

    def where(
        self, table: TableLayout | None, scope: str, code: str, column: str, lang: str
    ) -> str:
        parts = []
        if table is not None:
            parts.append(f"表{table.number}" if lang == "zh" else f"Table {table.number}")
        parts += [
            self.scope(scope, lang),
            self.indicator(code, lang),
            self.column(column, table, lang),
        ]
        return (" " if lang == "zh" else ", ").join(parts)


def _pct(value: Decimal) -> str:
    return format_printed(value, percent=True)


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
        check = FigureCheck(
            table=number,
            scope=scope,
            indicator=code,
            column=column,
            published=published,
            conventions=conventions,
            computed=None,
            achievable=None,
            stands_for=stands_for,
            reproduced=False,
            explained=False,
        )
        finding = PlanFinding(
            severity=Severity.WARNING,
            kind=FindingKind.NOT_COMPUTABLE,
            table=number,
            scope=scope,
            indicator=code,
            column=column,
            published=_pct(published),
            computed="",
            message_zh=f"{labels.where(table, scope, code, column, 'zh')}：公布为 {_pct(published)}，"
            "但缺少计算它的数据（或增长率无定义），无法核对。",
            message_en=f"{labels.where(table, scope, code, column, 'en')}: published as "
            f"{_pct(published)}, but its inputs are missing (or the growth is undefined), "
            "so it cannot be checked.",
        )
        return check, finding
    reproduced = any(
        round_decimal(comp.value.scaleb(2), places, m) == published.scaleb(2) for m in conventions
    )
    explained = any(comp.interval.meets(published_interval(published, m)) for m in conventions)
    check = FigureCheck(
        table=number,
        scope=scope,
        indicator=code,
        column=column,
        published=published,
        conventions=conventions,
        computed=comp.value,
        achievable=comp.interval,
        stands_for=stands_for,
        reproduced=reproduced,
        explained=explained,
        inputs=comp.inputs,
    )
    if reproduced:
        return check, None
    conv_zh = "或".join(m.zh for m in conventions)
    conv_en = " or ".join(m.en for m in conventions)
    shown = format_percent(comp.value, places, conventions[0])
    inputs = ", ".join(f"{name} = {value}" for name, value in comp.inputs)
    achievable = comp.interval.percent_text(4)
    stands = " ∪ ".join(published_interval(published, m).percent_text(4) for m in conventions)
    w_zh = labels.where(table, scope, code, column, "zh")
    w_en = labels.where(table, scope, code, column, "en")
    if explained:
        return check, PlanFinding(
            severity=Severity.HINT,
            kind=FindingKind.EXPLAINED,
            table=number,
            scope=scope,
            indicator=code,
            column=column,
            published=_pct(published),
            computed=shown,
            message_zh=f"{w_zh}：公布 {_pct(published)}，按{conv_zh}由打印数据计算得 {shown}；"
            f"输入在其打印精度内可得 {achievable}，与公布值所代表的 {stands} 相交，"
            f"可由输入数据的舍入解释（{inputs}）。",
            message_en=f"{w_en}: published {_pct(published)}; the printed inputs give {shown} "
            f"({conv_en}), but inputs anywhere within their printed precision give {achievable}, "
            f"which meets the {stands} the published figure stands for: explained by the "
            f"rounding of the inputs ({inputs}).",
        )
    return check, PlanFinding(
        severity=Severity.ERROR,
        kind=FindingKind.INCONSISTENT,
        table=number,
        scope=scope,
        indicator=code,
        column=column,
        published=_pct(published),
        computed=shown,
        message_zh=f"{w_zh}：公布 {_pct(published)}（按{conv_zh}代表 {stands}），"
        f"但输入在其打印精度内只能得到 {achievable}（{inputs}，按{conv_zh}为 {shown}）："
        "任何输入舍入都不能解释公布值。请核对该数字或其输入。",
        message_en=f"{w_en}: published {_pct(published)} (under {conv_en} it stands for "
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
        num = plan.target(t.scope, ind.formula.numerator)
        den = plan.target(t.scope, ind.formula.denominator)
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
        percent = ind.kind is Kind.RATIO
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


def findings_rows(
    result: PlanCheck,
    lang: str = "zh",
    *,
    include_checks: bool = False,
    plan: Plan | None = None,
    indicators: Mapping[str, Indicator] | None = None,
) -> tuple[list[str], list[list[Any]]]:
    """Header and rows for printing the findings (and, with ``include_checks``, every check).

    With ``plan`` (and ``indicators``, default the registered catalogue), the scope, indicator and
    column are given by their names in ``lang``; without, by their ids (for machines: CSV).
    """
    zh = lang == "zh"
    if plan is not None:
        if indicators is None:
            indicators = current().indicators
        labels = _Labels(plan, indicators)
        tables = {t.number: t for t in plan.tables}

        def scope_of(scope: str) -> str:
            return labels.scope(scope, lang)

        def indicator_of(code: str) -> str:
            return labels.indicator(code, lang)

        def column_of(column: str, table: int | None) -> str:
            if column == "target":
                return "目标" if zh else "target"
            return labels.column(column, tables.get(table) if table else None, lang)
    else:

        def scope_of(scope: str) -> str:
            return scope

        def indicator_of(code: str) -> str:
            return code

        def column_of(column: str, table: int | None) -> str:
            return column

    header = (
        ["级别", "表", "范围", "指标", "列", "公布", "计算", "说明"]
        if zh
        else [
            "severity",
            "table",
            "scope",
            "indicator",
            "column",
            "published",
            "computed",
            "message",
        ]
    )
    rows: list[list[Any]] = []
    for f in result.findings:
        rows.append(
            [
                f.severity.zh if zh else f.severity.value,
                "" if f.table is None else f.table,
                scope_of(f.scope),
                indicator_of(f.indicator),
                column_of(f.column, f.table),
                f.published,
                f.computed,
                f.message(lang),
            ]
        )
    if include_checks:
        for c in result.checks:
            status_zh = "复现" if c.reproduced else ("可解释" if c.explained else "不一致")
            status_en = (
                "reproduced" if c.reproduced else ("explained" if c.explained else "inconsistent")
            )
            achievable = c.achievable.percent_text(4) if c.achievable is not None else ""
            rows.append(
                [
                    "核对" if zh else "check",
                    "" if c.table is None else c.table,
                    scope_of(c.scope),
                    indicator_of(c.indicator),
                    column_of(c.column, c.table),
                    _pct(c.published),
                    achievable,
                    (status_zh if zh else status_en)
                    + f" ({', '.join(m.zh if zh else m.en for m in c.conventions)})",
                ]
            )
    return header, rows


def summary(result: PlanCheck, lang: str = "zh") -> str:
    """One line: how many figures were checked, and how many are inconsistent."""
    n = len(result.checks)
    bad = len(result.inconsistent)
    explained = sum(1 for c in result.checks if c.explained and not c.reproduced)
    warnings = sum(1 for f in result.findings if f.severity is Severity.WARNING)
    if lang == "zh":
        return f"核对 {n} 个公布数字：{bad} 个不一致，{explained} 个由输入舍入解释；{warnings} 条警告。"
    return (
        f"checked {n} published figures: {bad} inconsistent, {explained} explained by the "
        f"rounding of the inputs; {warnings} warnings."
    )
