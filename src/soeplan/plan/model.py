"""A plan as data: scopes, published figures, targets and table layouts.

A plan file is TOML (see ``docs/reference/plan-format.md``; read by :mod:`soeplan.plan.file`).
Numbers are written as strings so that their printed precision survives: ``"8.83"`` is known to
two decimals, ``"55.60%"`` to 0.01 percentage points. Ratios are held as fractions
(``Decimal("0.5560")``). Published growth figures are kept only to *check* the computed ones
(:mod:`soeplan.plan.check`); nothing prints them as computed.
"""

from __future__ import annotations

import difflib
from decimal import Decimal
from enum import StrEnum

import attrs
import polars as pl

from soeplan.arithmetic.precision import half_ulp
from soeplan.arithmetic.rounding import TableRounding
from soeplan.errors import UnknownNameError, YearOutsidePlanError
from soeplan.provenance import Provider


class TargetKind(StrEnum):
    """What a target asks for."""

    LEVEL = "level"  #: 达到: reach this value by the target year
    CEILING = "ceiling"  #: 低于 / 不高于: stay below (< or ≤) this value
    #: 不低于: not below this value, optionally striving for a stretch level (力争)
    FLOOR = "floor"


class Attribute(StrEnum):
    """A target's attribute (指标属性)."""

    EXPECTED = "expected"  #: 预期性: indicative
    BINDING = "binding"  #: 约束性: binding

    @property
    def zh(self) -> str:
        return "预期性" if self is Attribute.EXPECTED else "约束性"

    @property
    def en(self) -> str:
        return "Expected" if self is Attribute.EXPECTED else "Binding"


class GrowthKind(StrEnum):
    CAGR = "cagr"  #: 年均增长率: average annual (compound) growth
    TOTAL = "total_growth"  #: 总体增长率 / 增长率: total growth over the period

    @property
    def zh(self) -> str:
        return "年均增长率" if self is GrowthKind.CAGR else "总体增长率"

    @property
    def en(self) -> str:
        return "Average annual growth" if self is GrowthKind.CAGR else "Total growth"


@attrs.frozen
class PlanSource:
    """A plan registered by id: where its file is."""

    id: str
    path: str
    provider: Provider | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Scope:
    """A reporting scope of the plan (全市, 市区). Its composition is structure data."""

    id: str
    name_zh: str
    name_en: str
    column_zh: str = ""
    column_en: str = ""
    note: str = ""

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en


@attrs.frozen
class Figure:
    """A published value: an indicator of a scope in a year, as printed (ratios as fractions)."""

    scope: str
    indicator: str
    year: int
    value: Decimal
    source: str = ""

    @property
    def half_ulp(self) -> Decimal:
        """Half a unit in the last printed place: the value stands for ``value ± half_ulp``."""
        return half_ulp(self.value)


@attrs.frozen
class PublishedGrowth:
    """A growth figure as published, for checking the computed one."""

    scope: str
    indicator: str
    kind: GrowthKind
    start_year: int
    end_year: int
    value: Decimal
    source: str = ""


@attrs.frozen(kw_only=True)
class Target:
    """A target for an indicator of a scope (Table 2)."""

    scope: str
    indicator: str
    year: int
    kind: TargetKind
    value: Decimal
    attribute: Attribute = Attribute.EXPECTED
    stretch: Decimal | None = None
    strict: bool = False
    base_year: int | None = None
    source: str = ""
    plan: str = ""
    provider: Provider | None = attrs.field(default=None, eq=False)

    @property
    def id(self) -> str:
        return f"{self.plan}:{self.scope}:{self.indicator}:{self.year}"

    @property
    def binding(self) -> bool:
        return self.attribute is Attribute.BINDING


@attrs.frozen
class TableLayout:
    """The layout of one of the plan's published tables: rows and years in the document's order."""

    number: int
    title_zh: str
    title_en: str
    kind: str  # "results" or "targets"
    years: tuple[int, ...]
    rows: tuple[str, ...]
    #: How the table's computed columns are rounded for print (the ``rounding`` key).
    rounding: TableRounding = attrs.field(factory=TableRounding)
    #: The growth columns printed per scope, in order (the ``growth`` key); by default
    #: average annual and total growth for a results table, total growth for a targets table.
    growth: tuple[GrowthKind, ...] = ()


@attrs.frozen(kw_only=True)
class UnitTarget:
    """A scope's amount target broken down to a county-level unit (目标分解落实), as plan data.

    ``base`` is the unit's base-year figure where the plan gives it (the start of the unit's
    milestone path); the unit's progress is measured on its observed figures either way.
    """

    unit: str
    indicator: str
    year: int
    value: Decimal
    base: Decimal | None = None
    source: str = ""


@attrs.frozen(kw_only=True)
class Plan:
    """A plan: its scopes, published figures, growth figures, targets and table layouts."""

    id: str
    title_zh: str
    title_en: str
    document: str
    base_year: int
    target_year: int
    period_start: int
    scopes: tuple[Scope, ...]
    tables: tuple[TableLayout, ...]
    figures: tuple[Figure, ...]
    growth: tuple[PublishedGrowth, ...]
    targets: tuple[Target, ...]
    path: str = ""
    provider: Provider | None = attrs.field(default=None, eq=False)
    #: targets broken down to units (``[[unit_target]]``, :mod:`soeplan.plan.unit_targets`)
    unit_targets: tuple[UnitTarget, ...] = ()

    @property
    def first_year(self) -> int:
        """The earliest year the plan speaks of: its published figures and tables (Table 1 goes
        back to 2015), its base year and the start of its period."""
        years = [self.period_start, self.base_year, *(f.year for f in self.figures)]
        return min(years + [y for t in self.tables for y in t.years])

    @property
    def last_year(self) -> int:
        """The last year the plan speaks of: its target year, or a later target's year."""
        return max([self.target_year, *(t.year for t in self.targets)])

    @property
    def span(self) -> range:
        """The years the plan covers, :attr:`first_year` to :attr:`last_year` inclusive.

        >>> from soeplan import load_plan
        >>> span = load_plan("quzhou-14th").span
        >>> span.start, span.stop - 1, 2030 in span
        (2015, 2025, False)
        """
        return range(self.first_year, self.last_year + 1)

    def require_year(self, year: int, *, what: str = "") -> None:
        """Refuse a year outside :attr:`span` (:class:`~soeplan.errors.YearOutsidePlanError`,
        naming the plan's span); ``what`` says what the year is of (``"the template's year"``)."""
        if year not in self.span:
            raise YearOutsidePlanError(
                year, plan=self.id, first=self.first_year, last=self.last_year, what=what
            )

    def scope(self, scope_id: str) -> Scope:
        """A scope by its id (``city``) or its Chinese name (``全市``); an unknown one is refused
        with the closest name and the known ones."""
        for s in self.scopes:
            if s.id == scope_id or s.name_zh == scope_id:
                return s
        known = ", ".join(f"{s.id} ({s.name_zh})" for s in self.scopes)
        names = [n for s in self.scopes for n in (s.id, s.name_zh)]
        close = difflib.get_close_matches(scope_id, names, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnknownNameError(
            f"plan {self.id} has no scope {scope_id!r}{hint}; known scopes: {known}"
        )

    def table(self, number: int) -> TableLayout:
        for t in self.tables:
            if t.number == number:
                return t
        known = ", ".join(str(t.number) for t in self.tables) or "none"
        raise UnknownNameError(f"plan {self.id} has no table {number}; its tables: {known}")

    def figure(self, scope: str, indicator: str, year: int) -> Figure | None:
        return self._figures.get((scope, indicator, year))

    def target(self, scope: str, indicator: str) -> Target:
        """The target of ``indicator`` in ``scope`` (its id, ``city``, or its Chinese name,
        ``全市``, as the command line takes it).

        An unknown scope, or an indicator the scope has no target for, is refused
        (:class:`~soeplan.errors.UnknownNameError`) with the closest name and the known ones;
        :meth:`find_target` returns ``None`` instead.

        >>> from soeplan import load_plan
        >>> plan = load_plan("quzhou-14th")
        >>> plan.target("全市", "debt_ratio") == plan.target("city", "debt_ratio")
        True
        >>> plan.target("city", "debt")
        Traceback (most recent call last):
        ...
        soeplan.errors.UnknownNameError: plan quzhou-14th has no target for indicator 'debt' in scope city (全市) (did you mean 'debt_ratio'?)
          fix: give one of the scope's targets: ...
        """
        s = self.scope(scope)
        found = self.find_target(s.id, indicator)
        if found is not None:
            return found
        known = [t.indicator for t in self.targets if t.scope == s.id]
        close = difflib.get_close_matches(indicator, known, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnknownNameError(
            f"plan {self.id} has no target for indicator {indicator!r} in scope "
            f"{s.id} ({s.name_zh}){hint}\n"
            f"  fix: give one of the scope's targets: {', '.join(known) or 'none'}"
        )

    def find_target(self, scope: str, indicator: str) -> Target | None:
        """The target of ``indicator`` in ``scope`` (id or Chinese name), or ``None`` when the
        plan sets none there (:meth:`target` refuses instead).

        >>> from soeplan import load_plan
        >>> load_plan("quzhou-14th").find_target("city", "debt") is None
        True
        """
        ids = {s.name_zh: s.id for s in self.scopes}
        scope = ids.get(scope, scope)
        for t in self.targets:
            if t.scope == scope and t.indicator == indicator:
                return t
        return None

    def published_growth(
        self, scope: str, indicator: str, kind: GrowthKind, start: int, end: int
    ) -> PublishedGrowth | None:
        for g in self.growth:
            if (g.scope, g.indicator, g.kind, g.start_year, g.end_year) == (
                scope,
                indicator,
                kind,
                start,
                end,
            ):
                return g
        return None

    @property
    def _figures(self) -> dict[tuple[str, str, int], Figure]:
        return {(f.scope, f.indicator, f.year): f for f in self.figures}

    def figures_frame(self) -> pl.DataFrame:
        """Published figures as a long frame: ``scope, year, indicator, value`` (ratios as fractions)."""
        return pl.DataFrame(
            {
                "scope": [f.scope for f in self.figures],
                "year": [f.year for f in self.figures],
                "indicator": [f.indicator for f in self.figures],
                "value": [float(f.value) for f in self.figures],
            },
            schema={
                "scope": pl.String,
                "year": pl.Int32,
                "indicator": pl.String,
                "value": pl.Float64,
            },
        ).sort("scope", "year", "indicator")

    def targets_frame(self) -> pl.DataFrame:
        """Targets as a frame: one row per scope and indicator."""
        rows = [
            {
                "scope": t.scope,
                "indicator": t.indicator,
                "year": t.year,
                "kind": t.kind.value,
                "value": float(t.value),
                "stretch": None if t.stretch is None else float(t.stretch),
                "strict": t.strict,
                "attribute": t.attribute.value,
                "base_year": t.base_year if t.base_year is not None else self.base_year,
            }
            for t in self.targets
        ]
        schema = {
            "scope": pl.String,
            "indicator": pl.String,
            "year": pl.Int32,
            "kind": pl.String,
            "value": pl.Float64,
            "stretch": pl.Float64,
            "strict": pl.Boolean,
            "attribute": pl.String,
            "base_year": pl.Int32,
        }
        return pl.DataFrame(rows, schema=schema).sort("scope", "indicator")
