"""A plan as data: scopes, published figures, targets and table layouts.

A plan file is TOML (see ``docs/reference/plan-format.md``). Numbers are written as strings so that their
printed precision survives: ``"8.83"`` is known to two decimals, ``"55.60%"`` to 0.01 percentage
points. Ratios are held as fractions (``Decimal("0.5560")``). Published growth figures are kept
only to *check* the computed ones (:mod:`soeplan.plan.check`); nothing prints them as computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

import attrs
import polars as pl

from soeplan._toml import read_toml
from soeplan.arithmetic.rounding import ROUNDED_COLUMNS, Rounding, TableRounding
from soeplan.context import current
from soeplan.errors import DataFileError, Problem, UnknownNameError
from soeplan.indicators import Indicator, Kind
from soeplan.provenance import Provider


class TargetKind(StrEnum):
    """What a target asks for."""

    LEVEL = "level"  #: reach this value by the target year (达到)
    CEILING = "ceiling"  #: stay below (< or ≤) this value
    FLOOR = (
        "floor"  #: not below this value (不低于), optionally striving for a stretch level (力争)
    )


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

    def scope(self, scope_id: str) -> Scope:
        for s in self.scopes:
            if s.id == scope_id or s.name_zh == scope_id:
                return s
        known = ", ".join(f"{s.id} ({s.name_zh})" for s in self.scopes)
        raise UnknownNameError(f"plan {self.id} has no scope {scope_id!r}; known scopes: {known}")

    def table(self, number: int) -> TableLayout:
        for t in self.tables:
            if t.number == number:
                return t
        known = ", ".join(str(t.number) for t in self.tables) or "none"
        raise UnknownNameError(f"plan {self.id} has no table {number}; its tables: {known}")

    def figure(self, scope: str, indicator: str, year: int) -> Figure | None:
        return self._figures.get((scope, indicator, year))

    def target(self, scope: str, indicator: str) -> Target | None:
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


def half_ulp(value: Decimal) -> Decimal:
    """Half a unit in the last place of a printed decimal (``8.83`` → ``0.005``)."""
    exp = value.as_tuple().exponent
    assert isinstance(exp, int)
    return Decimal(5).scaleb(exp - 1)


def parse_number(text: object, *, percent: bool) -> Decimal:
    """Parse a printed number (``"920.12"``, ``"55.60%"``) into a Decimal; ratios become fractions.

    Raises ``ValueError`` with a message a person can act on.
    """
    if isinstance(text, bool) or not isinstance(text, str | int):
        raise ValueError(f'expected the number as printed, in quotes (e.g. "12.26"), got {text!r}')
    s = str(text).strip().replace(",", "")
    has_pct = s.endswith("%")
    if percent and not has_pct:
        raise ValueError(f'{text!r} is a ratio and must be written with a % sign, e.g. "55.60%"')
    if not percent and has_pct:
        raise ValueError(f"{text!r} has a % sign but this indicator is not a ratio")
    try:
        d = Decimal(s.removesuffix("%"))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not d.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    return d.scaleb(-2) if percent else d


_TABLE_KEYS = {"indicator", "source", "attribute"}


def load_plan_file(path: Path, indicators: Mapping[str, Indicator]) -> Plan:
    """Read and check a plan file; every problem is collected and reported at once."""
    raw = read_toml(
        path, kind="plan file", missing_fix="check the path, or pass a built-in plan id"
    )
    problems: list[Problem] = []
    plan = _build(raw, indicators, problems, str(path))
    if problems or plan is None:
        raise DataFileError(path, problems)
    return plan


def _build(
    raw: dict[str, Any], indicators: Mapping[str, Indicator], problems: list[Problem], path: str
) -> Plan | None:
    meta = raw.get("plan")
    if not isinstance(meta, dict):
        problems.append(
            Problem(
                "[plan]",
                "the [plan] table is missing",
                "start the file with a [plan] table: id, title_zh, title_en, base_year, target_year",
            )
        )
        return None
    for key in ("id", "title_zh", "title_en"):
        if not isinstance(meta.get(key), str):
            problems.append(Problem(f"plan.{key}", f"{key} is missing", f'add {key} = "..."'))
    years: dict[str, int] = {}
    for key in ("base_year", "target_year"):
        v = meta.get(key)
        if not isinstance(v, int) or isinstance(v, bool):
            problems.append(
                Problem(
                    f"plan.{key}",
                    f"{key} must be a year, got {v!r}",
                    f"write {key} = 2020 (a whole number)",
                )
            )
        else:
            years[key] = v
    if len(years) == 2 and years["target_year"] <= years["base_year"]:
        problems.append(
            Problem(
                "plan.target_year",
                f"target year {years['target_year']} is not after the base year {years['base_year']}",
                "a plan's target year must come after its base year",
            )
        )
    base_year = years.get("base_year", 0)
    target_year = years.get("target_year", 0)

    scopes = []
    for i, s in enumerate(raw.get("scope", [])):
        if (
            not isinstance(s.get("id"), str)
            or not isinstance(s.get("name_zh"), str)
            or not isinstance(s.get("name_en"), str)
        ):
            problems.append(
                Problem(
                    f"scope[{i}]",
                    "a scope needs id, name_zh and name_en",
                    'write [[scope]] id = "city", name_zh = "全市", name_en = "City-wide"',
                )
            )
            continue
        scopes.append(
            Scope(
                s["id"],
                s["name_zh"],
                s["name_en"],
                s.get("column_zh", ""),
                s.get("column_en", ""),
                s.get("note", ""),
            )
        )
    scope_ids = {s.id for s in scopes}
    if not scopes:
        problems.append(
            Problem("[[scope]]", "the plan defines no scope", "add at least one [[scope]] table")
        )

    def indicator_of(where: str, table: Mapping[str, Any]) -> Indicator | None:
        code = table.get("indicator")
        if not isinstance(code, str) or code not in indicators:
            problems.append(
                Problem(
                    f"{where}.indicator",
                    f"unknown indicator {code!r}",
                    "use a code from the indicator catalogue (soeplan indicators), "
                    "or register it from a plugin",
                )
            )
            return None
        return indicators[code]

    def scoped(where: str, table: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
        for key, value in table.items():
            if key in _TABLE_KEYS:
                continue
            if key not in scope_ids:
                problems.append(
                    Problem(
                        f"{where}.{key}",
                        f"unknown scope {key!r}",
                        f"use one of the plan's scopes: {', '.join(sorted(scope_ids))}",
                    )
                )
                continue
            if not isinstance(value, Mapping):
                problems.append(
                    Problem(
                        f"{where}.{key}",
                        "expected an inline table of values",
                        f'write {key} = {{ 2020 = "1.0" }}',
                    )
                )
                continue
            yield key, value

    def number(
        where: str, text: object, ind: Indicator, *, percent: bool | None = None
    ) -> Decimal | None:
        try:
            return parse_number(
                text, percent=ind.kind is Kind.RATIO if percent is None else percent
            )
        except ValueError as exc:
            problems.append(Problem(where, str(exc), "write the number as printed, in quotes"))
            return None

    figures: list[Figure] = []
    growth: list[PublishedGrowth] = []
    for i, table in enumerate(raw.get("figure", [])):
        where = f"figure[{i}] ({table.get('indicator', '?')})"
        ind = indicator_of(where, table)
        if ind is None:
            continue
        source = str(table.get("source", ""))
        for scope, values in scoped(where, table):
            fig_years = []
            for key, text in values.items():
                w = f"{where}.{scope}.{key}"
                if key in (GrowthKind.CAGR.value, GrowthKind.TOTAL.value):
                    continue
                if not key.isdigit():
                    problems.append(
                        Problem(
                            w,
                            f"{key!r} is neither a year nor cagr/total_growth",
                            "use a year (2015) or cagr / total_growth as the key",
                        )
                    )
                    continue
                v = number(w, text, ind)
                if v is not None:
                    figures.append(Figure(scope, ind.code, int(key), v, source))
                    fig_years.append(int(key))
            for gk in GrowthKind:
                if gk.value in values:
                    w = f"{where}.{scope}.{gk.value}"
                    if len(fig_years) < 2:
                        problems.append(
                            Problem(
                                w,
                                "a growth figure needs two years of values",
                                "give the start and end values beside it",
                            )
                        )
                        continue
                    g = number(w, values[gk.value], ind, percent=True)
                    if g is not None:
                        growth.append(
                            PublishedGrowth(
                                scope, ind.code, gk, min(fig_years), max(fig_years), g, source
                            )
                        )
    for f in figures:
        if f.year > base_year and base_year:
            problems.append(
                Problem(
                    f"figure ({f.indicator}).{f.scope}.{f.year}",
                    f"a published result for {f.year} is after the base year {base_year}",
                    "results are for the base year or earlier; targets go in [[target]]",
                )
            )

    targets: list[Target] = []
    for i, table in enumerate(raw.get("target", [])):
        where = f"target[{i}] ({table.get('indicator', '?')})"
        ind = indicator_of(where, table)
        if ind is None:
            continue
        try:
            attribute = Attribute(table.get("attribute", "expected"))
        except ValueError:
            problems.append(
                Problem(
                    f"{where}.attribute",
                    f"{table.get('attribute')!r} is not an attribute",
                    "use expected (预期性) or binding (约束性)",
                )
            )
            continue
        for scope, spec in scoped(where, table):
            w = f"{where}.{scope}"
            try:
                kind = TargetKind(spec.get("kind", "level"))
            except ValueError:
                problems.append(
                    Problem(
                        f"{w}.kind",
                        f"{spec.get('kind')!r} is not a target kind",
                        "use level, ceiling or floor",
                    )
                )
                continue
            if "value" not in spec:
                problems.append(
                    Problem(f"{w}.value", "the target has no value", 'add value = "..."')
                )
                continue
            value = number(f"{w}.value", spec["value"], ind)
            stretch = number(f"{w}.stretch", spec["stretch"], ind) if "stretch" in spec else None
            year = spec.get("year", target_year)
            if not isinstance(year, int) or (base_year and year <= base_year):
                problems.append(
                    Problem(
                        f"{w}.year",
                        f"target year {year!r} is not after the base year {base_year}",
                        "a target's year must come after the plan's base year",
                    )
                )
                continue
            if stretch is not None and kind is not TargetKind.FLOOR:
                problems.append(
                    Problem(
                        f"{w}.stretch",
                        "only a floor can have a stretch level (力争)",
                        'remove stretch, or make the target kind = "floor"',
                    )
                )
                continue
            if value is None or ("stretch" in spec and stretch is None):
                continue
            if stretch is not None and stretch <= value:
                problems.append(
                    Problem(
                        f"{w}.stretch",
                        f"stretch level {spec['stretch']} is not above the floor {spec['value']}",
                        "the stretch level (力争) must be higher than the floor (不低于)",
                    )
                )
                continue
            targets.append(
                Target(
                    scope=scope,
                    indicator=ind.code,
                    year=year,
                    kind=kind,
                    value=value,
                    attribute=attribute,
                    stretch=stretch,
                    strict=bool(spec.get("strict", False)),
                    base_year=base_year,
                    source=str(table.get("source", "")),
                    plan=str(meta.get("id", "")),
                )
            )
            if "total_growth" in spec:
                g = number(f"{w}.total_growth", spec["total_growth"], ind, percent=True)
                if g is not None:
                    growth.append(
                        PublishedGrowth(
                            scope,
                            ind.code,
                            GrowthKind.TOTAL,
                            base_year,
                            year,
                            g,
                            str(table.get("source", "")),
                        )
                    )

    tables = []
    for i, t in enumerate(raw.get("table", [])):
        where = f"table[{i}]"
        rows = tuple(t.get("rows", ()))
        for r in rows:
            if r not in indicators:
                problems.append(
                    Problem(
                        f"{where}.rows",
                        f"unknown indicator {r!r} in the table's rows",
                        "use codes from the indicator catalogue",
                    )
                )
        rounding = _table_rounding(t.get("rounding", {}), f"{where}.rounding", problems)
        table_kind = str(t.get("kind", "results"))
        growth_cols = _table_growth(t, table_kind, f"{where}.growth", problems)
        try:
            tables.append(
                TableLayout(
                    int(t["number"]),
                    str(t.get("title_zh", "")),
                    str(t.get("title_en", "")),
                    table_kind,
                    tuple(int(y) for y in t.get("years", ())),
                    rows,
                    rounding,
                    growth_cols,
                )
            )
        except (KeyError, TypeError, ValueError):
            problems.append(
                Problem(
                    where,
                    "a table needs number, years and rows",
                    "write number = 1, years = [2015, 2020], rows = [...]",
                )
            )

    # A ratio needs its components wherever it is published or targeted with levels.
    published = {(g.scope, g.indicator, g.year) for g in figures}
    for f in figures:
        ind = indicators[f.indicator]
        if ind.formula is None:
            continue
        for comp in ind.formula.components:
            if (f.scope, comp, f.year) not in published:
                problems.append(
                    Problem(
                        f"figure ({f.indicator}).{f.scope}.{f.year}",
                        f"ratio {f.indicator} is published but its component {comp} is not",
                        f"add {comp} for {f.scope} {f.year}: ratios are recomputed from components",
                    )
                )
    if problems:
        return None
    return Plan(
        id=meta["id"],
        title_zh=meta["title_zh"],
        title_en=meta["title_en"],
        document=str(meta.get("document", "")),
        base_year=base_year,
        target_year=target_year,
        period_start=int(meta.get("period_start", base_year + 1)),
        scopes=tuple(scopes),
        tables=tuple(sorted(tables, key=lambda t: t.number)),
        figures=tuple(figures),
        growth=tuple(growth),
        targets=tuple(targets),
        path=path,
    )


def _table_rounding(raw: object, where: str, problems: list[Problem]) -> TableRounding:
    """Read a table's ``rounding`` key: a convention per computed column, and ``places``."""
    if not isinstance(raw, Mapping):
        problems.append(
            Problem(
                where,
                "rounding must be a table of conventions",
                'write rounding = { ratio = "truncate", cagr = "half_up", total_growth = "truncate" }',
            )
        )
        return TableRounding()
    allowed = ", ".join(r.value for r in Rounding)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "places":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
                problems.append(
                    Problem(
                        f"{where}.places",
                        f"places must be a whole number of decimals from 0 to 10, got {value!r}",
                        "write places = 2 (percentages printed as 55.60%)",
                    )
                )
            else:
                values["places"] = value
        elif key not in ROUNDED_COLUMNS:
            problems.append(
                Problem(
                    f"{where}.{key}",
                    f"unknown column {key!r}",
                    f"give a convention for: {', '.join(ROUNDED_COLUMNS)} (and places)",
                )
            )
        else:
            try:
                values[key] = Rounding(value)
            except ValueError:
                problems.append(
                    Problem(
                        f"{where}.{key}",
                        f"{value!r} is not a rounding convention",
                        f"use one of: {allowed}",
                    )
                )
    return TableRounding(**values)


def _table_growth(
    t: Mapping[str, Any], kind: str, where: str, problems: list[Problem]
) -> tuple[GrowthKind, ...]:
    """Read a table's ``growth`` key: the growth columns printed per scope."""
    if "growth" not in t:
        if kind == "targets":
            return (GrowthKind.TOTAL,)
        return (GrowthKind.CAGR, GrowthKind.TOTAL)
    raw = t["growth"]
    out: list[GrowthKind] = []
    allowed = ", ".join(g.value for g in GrowthKind)
    for value in raw if isinstance(raw, list) else [raw]:
        try:
            out.append(GrowthKind(value))
        except ValueError:
            problems.append(
                Problem(where, f"{value!r} is not a growth column", f"use a list of: {allowed}")
            )
    return tuple(out)


def load_plan(plan: str | Path) -> Plan:
    """Load a plan by its registered id (``"quzhou-14th"``) or from a plan file path.

    >>> from soeplan import load_plan
    >>> plan = load_plan("quzhou-14th")
    >>> plan.base_year, plan.target_year
    (2020, 2025)
    >>> plan.figure("city", "net_profit", 2020).value
    Decimal('12.26')
    """
    registry = current()
    key = str(plan)
    if isinstance(plan, str) and key in registry.plans:
        path = Path(registry.plans[key].path)
    else:
        path = Path(plan)
        if not path.exists():
            known = ", ".join(sorted(registry.plans)) or "none"
            raise UnknownNameError(
                f"no plan {key!r}: it is neither a registered plan id nor an existing file\n"
                f"  fix: use one of the registered plans ({known}) or the path of a plan file"
            )
    return load_plan_file(path, registry.indicators)
