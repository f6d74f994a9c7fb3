"""Reading a plan file: every section checked, every problem reported at once.

A plan file is TOML (see ``docs/reference/plan-format.md``): a ``[plan]`` table, then
``[[scope]]``, ``[[figure]]``, ``[[target]]`` and ``[[table]]`` tables. :func:`load_plan_file`
reads one into a :class:`~soeplan.plan.model.Plan` (:func:`soeplan.plan.load.load_plan` finds a
registered plan by its id). Numbers are written as strings so that their printed precision
survives (:func:`parse_number`).

Long: about 580 lines on purpose: it is the whole file format in one place, one function per
section in the order of the file, so every rule of the format and its message is found here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from soeplan._toml import read_toml
from soeplan.arithmetic.rounding import ROUNDED_COLUMNS, Rounding, TableRounding
from soeplan.errors import DataFileError, Problem
from soeplan.indicators import Indicator
from soeplan.plan.model import (
    Attribute,
    Figure,
    GrowthKind,
    Plan,
    PublishedGrowth,
    Scope,
    TableLayout,
    Target,
    TargetKind,
)
from soeplan.plan.unit_targets import read_unit_targets

__all__ = ["load_plan_file", "parse_number"]


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
    """The plan, section by section (``None`` when there are problems)."""
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
    base_year, target_year = _plan_head(meta, problems)
    scopes = _scopes(raw, problems)
    reader = _Reader(
        indicators,
        {s.id for s in scopes},
        problems,
        plan_id=str(meta.get("id", "")),
        base_year=base_year,
        target_year=target_year,
    )
    figures, growth = reader.figures(raw)
    targets = reader.targets(raw, growth)
    unit_targets = read_unit_targets(raw, reader)
    tables = _tables(raw, indicators, problems)
    _check_components(figures, indicators, problems)
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
        unit_targets=tuple(unit_targets),
    )


def _plan_head(meta: Mapping[str, Any], problems: list[Problem]) -> tuple[int, int]:
    """Check the ``[plan]`` table; its base and target years (``0`` when missing)."""
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
    return years.get("base_year", 0), years.get("target_year", 0)


def _scopes(raw: Mapping[str, Any], problems: list[Problem]) -> list[Scope]:
    """The ``[[scope]]`` tables (at least one)."""
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
    if not scopes:
        problems.append(
            Problem("[[scope]]", "the plan defines no scope", "add at least one [[scope]] table")
        )
    return scopes


class _Reader:
    """Reads the ``[[figure]]`` and ``[[target]]`` tables: per indicator, values per scope."""

    def __init__(
        self,
        indicators: Mapping[str, Indicator],
        scope_ids: set[str],
        problems: list[Problem],
        *,
        plan_id: str,
        base_year: int,
        target_year: int,
    ) -> None:
        self.indicators = indicators
        self.scope_ids = scope_ids
        self.problems = problems
        self.plan_id = plan_id
        self.base_year = base_year
        self.target_year = target_year

    def indicator_of(self, where: str, table: Mapping[str, Any]) -> Indicator | None:
        code = table.get("indicator")
        if not isinstance(code, str) or code not in self.indicators:
            self.problems.append(
                Problem(
                    f"{where}.indicator",
                    f"unknown indicator {code!r}",
                    "use a code from the indicator catalogue (soeplan indicators), "
                    "or register it from a plugin",
                )
            )
            return None
        return self.indicators[code]

    def scoped(
        self, where: str, table: Mapping[str, Any]
    ) -> Iterable[tuple[str, Mapping[str, Any]]]:
        """The table's values per scope (the keys other than indicator, source, attribute)."""
        scope_ids = self.scope_ids
        for key, value in table.items():
            if key in _TABLE_KEYS:
                continue
            if key not in scope_ids:
                self.problems.append(
                    Problem(
                        f"{where}.{key}",
                        f"unknown scope {key!r}",
                        f"use one of the plan's scopes: {', '.join(sorted(scope_ids))}",
                    )
                )
                continue
            if not isinstance(value, Mapping):
                self.problems.append(
                    Problem(
                        f"{where}.{key}",
                        "expected an inline table of values",
                        f'write {key} = {{ 2020 = "1.0" }}',
                    )
                )
                continue
            yield key, value

    def number(
        self, where: str, text: object, ind: Indicator, *, percent: bool | None = None
    ) -> Decimal | None:
        try:
            return parse_number(text, percent=ind.is_percent if percent is None else percent)
        except ValueError as exc:
            self.problems.append(Problem(where, str(exc), "write the number as printed, in quotes"))
            return None

    # -- [[figure]] ---------------------------------------------------------------------------
    def figures(self, raw: Mapping[str, Any]) -> tuple[list[Figure], list[PublishedGrowth]]:
        """The published results and their growth figures (results up to the base year)."""
        base_year = self.base_year
        figures: list[Figure] = []
        growth: list[PublishedGrowth] = []
        for i, table in enumerate(raw.get("figure", [])):
            where = f"figure[{i}] ({table.get('indicator', '?')})"
            ind = self.indicator_of(where, table)
            if ind is None:
                continue
            source = str(table.get("source", ""))
            for scope, values in self.scoped(where, table):
                self.figure_values(f"{where}.{scope}", scope, values, ind, source, figures, growth)
        for f in figures:
            if f.year > base_year and base_year:
                self.problems.append(
                    Problem(
                        f"figure ({f.indicator}).{f.scope}.{f.year}",
                        f"a published result for {f.year} is after the base year {base_year}",
                        "results are for the base year or earlier; targets go in [[target]]",
                    )
                )
        return figures, growth

    def figure_values(
        self,
        where: str,
        scope: str,
        values: Mapping[str, Any],
        ind: Indicator,
        source: str,
        figures: list[Figure],
        growth: list[PublishedGrowth],
    ) -> None:
        """One scope's values of a ``[[figure]]``: a value per year, growth over those years."""
        problems = self.problems
        fig_years = []
        for key, text in values.items():
            w = f"{where}.{key}"
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
            v = self.number(w, text, ind)
            if v is not None:
                figures.append(Figure(scope, ind.code, int(key), v, source))
                fig_years.append(int(key))
        for gk in GrowthKind:
            if gk.value in values:
                w = f"{where}.{gk.value}"
                if len(fig_years) < 2:
                    problems.append(
                        Problem(
                            w,
                            "a growth figure needs two years of values",
                            "give the start and end values beside it",
                        )
                    )
                    continue
                g = self.number(w, values[gk.value], ind, percent=True)
                if g is not None:
                    growth.append(
                        PublishedGrowth(
                            scope, ind.code, gk, min(fig_years), max(fig_years), g, source
                        )
                    )

    # -- [[target]] ---------------------------------------------------------------------------
    def targets(self, raw: Mapping[str, Any], growth: list[PublishedGrowth]) -> list[Target]:
        """The targets; a target's published total growth is added to ``growth``."""
        targets: list[Target] = []
        for i, table in enumerate(raw.get("target", [])):
            where = f"target[{i}] ({table.get('indicator', '?')})"
            ind = self.indicator_of(where, table)
            if ind is None:
                continue
            try:
                attribute = Attribute(table.get("attribute", "expected"))
            except ValueError:
                self.problems.append(
                    Problem(
                        f"{where}.attribute",
                        f"{table.get('attribute')!r} is not an attribute",
                        "use expected (预期性) or binding (约束性)",
                    )
                )
                continue
            source = str(table.get("source", ""))
            for scope, spec in self.scoped(where, table):
                w = f"{where}.{scope}"
                target = self.target(w, scope, spec, ind, attribute, source)
                if target is None:
                    continue
                targets.append(target)
                if "total_growth" in spec:
                    g = self.number(f"{w}.total_growth", spec["total_growth"], ind, percent=True)
                    if g is not None:
                        growth.append(
                            PublishedGrowth(
                                scope,
                                ind.code,
                                GrowthKind.TOTAL,
                                self.base_year,
                                target.year,
                                g,
                                source,
                            )
                        )
        return targets

    def target(
        self,
        where: str,
        scope: str,
        spec: Mapping[str, Any],
        ind: Indicator,
        attribute: Attribute,
        source: str,
    ) -> Target | None:
        """One scope's target of a ``[[target]]`` table (``None`` when it has a problem)."""
        problems = self.problems
        base_year = self.base_year
        try:
            kind = TargetKind(spec.get("kind", "level"))
        except ValueError:
            problems.append(
                Problem(
                    f"{where}.kind",
                    f"{spec.get('kind')!r} is not a target kind",
                    "use level, ceiling or floor",
                )
            )
            return None
        if "value" not in spec:
            problems.append(
                Problem(f"{where}.value", "the target has no value", 'add value = "..."')
            )
            return None
        value = self.number(f"{where}.value", spec["value"], ind)
        stretch = (
            self.number(f"{where}.stretch", spec["stretch"], ind) if "stretch" in spec else None
        )
        year = spec.get("year", self.target_year)
        if not isinstance(year, int) or (base_year and year <= base_year):
            problems.append(
                Problem(
                    f"{where}.year",
                    f"target year {year!r} is not after the base year {base_year}",
                    "a target's year must come after the plan's base year",
                )
            )
            return None
        if stretch is not None and kind is not TargetKind.FLOOR:
            problems.append(
                Problem(
                    f"{where}.stretch",
                    "only a floor can have a stretch level (力争)",
                    'remove stretch, or make the target kind = "floor"',
                )
            )
            return None
        if value is None or ("stretch" in spec and stretch is None):
            return None
        if stretch is not None and stretch <= value:
            problems.append(
                Problem(
                    f"{where}.stretch",
                    f"stretch level {spec['stretch']} is not above the floor {spec['value']}",
                    "the stretch level (力争) must be higher than the floor (不低于)",
                )
            )
            return None
        return Target(
            scope=scope,
            indicator=ind.code,
            year=year,
            kind=kind,
            value=value,
            attribute=attribute,
            stretch=stretch,
            strict=bool(spec.get("strict", False)),
            base_year=base_year,
            source=source,
            plan=self.plan_id,
        )


def _tables(
    raw: Mapping[str, Any], indicators: Mapping[str, Indicator], problems: list[Problem]
) -> list[TableLayout]:
    """The layouts of the plan's published tables (``[[table]]``)."""
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
    return tables


def _check_components(
    figures: Sequence[Figure], indicators: Mapping[str, Indicator], problems: list[Problem]
) -> None:
    """A ratio needs its components wherever it is published or targeted with levels."""
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
