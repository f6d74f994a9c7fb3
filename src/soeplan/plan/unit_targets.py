"""``[[unit_target]]``: a plan's amount targets broken down to units (目标分解落实, plan §八(二)).

A plan file may break a scope's amount target down to its county-level units::

    [[unit_target]]
    unit = "kecheng"          # a county-level unit id of the structure
    indicator = "revenue"     # an amount indicator
    value = "8.50"            # the unit's target, 亿元
    base = "5.52"             # optional: the unit's base-year figure (its milestone path starts there)
    year = 2025               # optional: default the plan's target year
    source = "…"

A unit's own target sets the pace its progress is measured against
(:func:`soeplan.assessment.by_unit.progress_by_member`, ``soeplan assess --by unit``) in place of
its scope's, and ``soeplan milestones`` prints its path (where ``base`` is given). Every problem of
the tables is reported at once with the file's other problems.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from soeplan.errors import Problem
from soeplan.indicators import Indicator, Kind
from soeplan.plan.model import UnitTarget

__all__ = ["read_unit_targets"]

_KEYS = {"unit", "indicator", "value", "base", "year", "source"}


class _Reader(Protocol):
    indicators: Mapping[str, Indicator]
    problems: list[Problem]
    base_year: int
    target_year: int

    def number(self, where: str, text: object, ind: Indicator) -> Decimal | None: ...


def _one(i: int, table: Mapping[str, Any], reader: _Reader) -> UnitTarget | None:
    problems = reader.problems
    where = f"unit_target[{i}] ({table.get('unit', '?')}, {table.get('indicator', '?')})"
    n = len(problems)
    for key in sorted(set(table) - _KEYS):
        problems.append(
            Problem(f"{where}.{key}", f"unknown key {key!r}", f"use {', '.join(sorted(_KEYS))}")
        )
    unit = table.get("unit")
    if not isinstance(unit, str) or not unit.strip():
        problems.append(Problem(f"{where}.unit", "no unit", 'add unit = "kecheng" (a unit id)'))
    code = table.get("indicator")
    ind = reader.indicators.get(code) if isinstance(code, str) else None
    if ind is None or ind.kind is not Kind.AMOUNT:
        problems.append(
            Problem(
                f"{where}.indicator",
                f"{code!r} is not an amount indicator",
                "break down amount targets (total_assets, net_assets, revenue, total_profit, ...)",
            )
        )
        return None
    value = reader.number(f"{where}.value", table.get("value"), ind) if "value" in table else None
    if "value" not in table:
        problems.append(Problem(f"{where}.value", "the target has no value", 'add value = "..."'))
    base = reader.number(f"{where}.base", table["base"], ind) if "base" in table else None
    for name, v in (("value", value), ("base", base)):
        if v is not None and v <= 0:
            problems.append(Problem(f"{where}.{name}", f"{name} {v} is not above zero", ""))
    year = table.get("year", reader.target_year)
    if not isinstance(year, int) or year <= reader.base_year:
        problems.append(
            Problem(
                f"{where}.year",
                f"target year {year!r} is not after the base year {reader.base_year}",
                "a target's year must come after the plan's base year",
            )
        )
    if len(problems) > n or value is None or not isinstance(unit, str):
        return None
    return UnitTarget(
        unit=unit.strip(),
        indicator=ind.code,
        year=int(year),
        value=value,
        base=base,
        source=str(table.get("source", "")),
    )


def read_unit_targets(raw: Mapping[str, Any], reader: _Reader) -> list[UnitTarget]:
    """The file's ``[[unit_target]]`` tables; a unit and indicator given twice is a problem."""
    out: list[UnitTarget] = []
    seen: set[tuple[str, str]] = set()
    tables = raw.get("unit_target", [])
    if not isinstance(tables, list):
        reader.problems.append(Problem("unit_target", "write [[unit_target]] tables", ""))
        return out
    for i, table in enumerate(tables):
        t = _one(i, table, reader) if isinstance(table, Mapping) else None
        if t is None:
            continue
        if (t.unit, t.indicator) in seen:
            reader.problems.append(
                Problem(
                    f"unit_target[{i}] ({t.unit}, {t.indicator})",
                    "given twice",
                    "keep one target per unit and indicator",
                )
            )
            continue
        seen.add((t.unit, t.indicator))
        out.append(t)
    return out
