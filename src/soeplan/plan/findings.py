"""What :func:`~soeplan.plan.check.check_plan` finds, and the findings as rows to print.

:class:`PlanCheck` holds every figure checked (:class:`FigureCheck`) and what is reported about
the plan (:class:`PlanFinding`, of a :class:`FindingKind`); :func:`findings_rows` and
:func:`summary` put them in a table and a line for the command line.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs
import polars as pl

from soeplan.arithmetic.precision import Interval
from soeplan.arithmetic.rounding import Rounding, format_printed
from soeplan.context import current
from soeplan.errors import Problem, SoeplanError
from soeplan.frames import FINDING_SCHEMA
from soeplan.indicators import Indicator
from soeplan.plan.model import GrowthKind, Plan, TableLayout
from soeplan.rules import Severity

__all__ = [
    "FigureCheck",
    "FindingKind",
    "InconsistentPlanError",
    "PlanCheck",
    "PlanFinding",
    "findings_rows",
    "summary",
]


class InconsistentPlanError(SoeplanError):
    """A plan publishes figures that no rounding of their inputs explains (exit status 1)."""

    exit_code = 1


class FindingKind(StrEnum):
    """What a finding of :func:`check_plan` is about."""

    #: 不一致: no rounding of the inputs explains the published figure
    INCONSISTENT = "inconsistent"
    #: 精度可解释: not reproduced from the printed inputs, but explained by their precision
    EXPLAINED = "explained"
    #: 无法计算: a published figure whose inputs are missing or undefined
    NOT_COMPUTABLE = "not_computable"
    #: 合理性: possible, but worth a look (net profit above total profit)
    PLAUSIBILITY = "plausibility"
    #: 一致性: a ratio target against the ratio its amount targets imply
    COHERENCE = "coherence"
    #: 目标低于基期: a level target below (or, lower-better, above) the base
    TARGET_BELOW_BASE = "target_below_base"


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
        """The findings in the common findings layout (:data:`soeplan.frames.FINDING_SCHEMA`)."""
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


# -- printing -------------------------------------------------------------------------------


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
    names = _RowNames(lang, plan, indicators)
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
                names.scope(f.scope),
                names.indicator(f.indicator),
                names.column(f.column, f.table),
                f.published,
                f.computed,
                f.message(lang),
            ]
        )
    if include_checks:
        rows += [_check_row(c, zh, names) for c in result.checks]
    return header, rows


class _RowNames:
    """How :func:`findings_rows` names scopes, indicators and columns: by their names in
    ``lang`` when a plan is given, else by their ids."""

    def __init__(
        self, lang: str, plan: Plan | None, indicators: Mapping[str, Indicator] | None
    ) -> None:
        self.lang = lang
        self.labels: _Labels | None = None
        self.tables: dict[int, TableLayout] = {}
        if plan is not None:
            if indicators is None:
                indicators = current().indicators
            self.labels = _Labels(plan, indicators)
            self.tables = {t.number: t for t in plan.tables}

    def scope(self, scope: str) -> str:
        return scope if self.labels is None else self.labels.scope(scope, self.lang)

    def indicator(self, code: str) -> str:
        return code if self.labels is None else self.labels.indicator(code, self.lang)

    def column(self, column: str, table: int | None) -> str:
        if self.labels is None:
            return column
        if column == "target":
            return "目标" if self.lang == "zh" else "target"
        return self.labels.column(column, self.tables.get(table) if table else None, self.lang)


def _check_row(c: FigureCheck, zh: bool, names: _RowNames) -> list[Any]:
    """A row for one check: its status (reproduced, explained, inconsistent) and conventions."""
    status_zh = "复现" if c.reproduced else ("可解释" if c.explained else "不一致")
    status_en = "reproduced" if c.reproduced else ("explained" if c.explained else "inconsistent")
    achievable = c.achievable.percent_text(4) if c.achievable is not None else ""
    return [
        "核对" if zh else "check",
        "" if c.table is None else c.table,
        names.scope(c.scope),
        names.indicator(c.indicator),
        names.column(c.column, c.table),
        _pct(c.published),
        achievable,
        (status_zh if zh else status_en)
        + f" ({', '.join(m.zh if zh else m.en for m in c.conventions)})",
    ]


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
