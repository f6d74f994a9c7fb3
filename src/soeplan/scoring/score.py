"""Score a year's enterprises: each against its scheme and its industry's standard values.

:func:`score_enterprises` takes the rollup's values (``node, year, indicator, value``: each
enterprise's consolidated figures), the structure (who is assessed: every top-level enterprise of
each unit, with its functional class and industry; an enterprise a scheme names, wherever it
sits), the schemes, the standard values and the special items, and returns :class:`Scores`:

- ``items``: one row per enterprise and indicator (:data:`ITEM_SCHEMA`): the actual value (a
  ratio in percent, as the standard values are written), the standard values' industry row, the
  level reached, the item score (two decimals, half-up);
- ``totals``: one row per enterprise (:data:`TOTAL_SCHEMA`): the total (the sum of the item
  scores, to one decimal, half-up), the grade, the rank within its functional class;
- ``unscored``: the enterprises with no scheme (no functional class) or no figures for the
  year (a unit that has not reported), and why;
- ``adjustments``: the special items applied (特殊事项清单).

A ratio is recomputed from the enterprise's component amounts *after* the special items have
been added to them, with the catalogue's formula (so an item on ``total_profit`` moves
``profit_margin``). An item with no figure or no standard value scores 0 and is counted in the
total's ``missing`` column: the total then says it is incomplete rather than look complete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import polars as pl

from soeplan.context import current
from soeplan.errors import Problem, SoeplanError
from soeplan.indicators import Indicator, Kind
from soeplan.scoring.efficacy import (
    band_of,
    dec,
    efficacy_score,
    round_item,
    round_total,
    standards_problem,
)
from soeplan.scoring.records import GRADES, Grade, Scheme, SpecialItem, StandardTable, grade_of

__all__ = ["ITEM_SCHEMA", "TOTAL_SCHEMA", "Scores", "choose_scheme", "score_enterprises"]

#: The columns of :attr:`Scores.items`: one row per enterprise and indicator (a ratio in
#: percent; ``band`` the level reached; ``missing`` why an item scored 0 for want of data).
ITEM_SCHEMA: dict[str, Any] = {
    "entity": pl.String,
    "unit": pl.String,
    "functional_class": pl.String,
    "industry": pl.String,
    "scheme": pl.String,
    "indicator": pl.String,
    "weight": pl.Float64,
    "actual": pl.Float64,
    "standard_industry": pl.String,
    "excellent": pl.Float64,
    "good": pl.Float64,
    "average": pl.Float64,
    "low": pl.Float64,
    "poor": pl.Float64,
    "band": pl.String,
    "score": pl.Float64,
    "adjusted": pl.Boolean,
    "missing": pl.String,
}
#: The columns of :attr:`Scores.totals`: one row per enterprise (``rank`` within its class).
TOTAL_SCHEMA: dict[str, Any] = {
    "entity": pl.String,
    "unit": pl.String,
    "name_zh": pl.String,
    "name_en": pl.String,
    "functional_class": pl.String,
    "industry": pl.String,
    "scheme": pl.String,
    "total": pl.Float64,
    "grade": pl.String,
    "rank": pl.Int32,
    "missing": pl.Int32,
}
#: The columns of :attr:`Scores.adjustments`: the special items applied.
ADJUSTMENT_SCHEMA: dict[str, Any] = {
    "entity": pl.String,
    "year": pl.Int32,
    "indicator": pl.String,
    "amount": pl.Float64,
    "reason": pl.String,
    "source": pl.String,
}
#: The columns of :attr:`Scores.unscored`: who was not scored and why.
UNSCORED_SCHEMA: dict[str, Any] = {"entity": pl.String, "unit": pl.String, "reason": pl.String}


@attrs.frozen(kw_only=True)
class Scores:
    """The result of :func:`score_enterprises` (frames described in the module)."""

    year: int
    items: pl.DataFrame = attrs.field(eq=False)
    totals: pl.DataFrame = attrs.field(eq=False)
    unscored: pl.DataFrame = attrs.field(eq=False)
    adjustments: pl.DataFrame = attrs.field(eq=False)
    standards_source: str = ""
    synthetic: bool = False
    grades: tuple[Grade, ...] = GRADES
    schemes: Mapping[str, Scheme] = attrs.field(factory=dict, eq=False)


def _tier(s: Scheme) -> int:
    """0: the office's file or a plugin's; 1: a default shipped with soeplan."""
    return 1 if s.default else 0


def choose_scheme(
    entity: str, unit: str, functional_class: str | None, schemes: Sequence[Scheme]
) -> Scheme | None:
    """The scheme an enterprise is assessed by: its own (一企一策), else its class's within its
    unit, else its class's city-wide; at each level a scheme of the office or a plugin before a
    shipped default. Two schemes at the same level are refused, naming both.

    >>> from soeplan.scoring.defaults import default_schemes
    >>> choose_scheme("x", "kecheng", "public", default_schemes()).id
    'core.public'
    >>> choose_scheme("x", "kecheng", None, default_schemes()) is None
    True
    """
    levels = (
        [s for s in schemes if s.entity == entity],
        [
            s
            for s in schemes
            if s.entity is None
            and s.unit == unit
            and s.functional_class is not None
            and s.functional_class.value == functional_class
        ],
        [
            s
            for s in schemes
            if s.entity is None
            and s.unit is None
            and s.functional_class is not None
            and s.functional_class.value == functional_class
        ],
    )
    for found in levels:
        if not found:
            continue
        best = min(_tier(s) for s in found)
        top = [s for s in found if _tier(s) == best]
        if len(top) > 1:
            raise SoeplanError(
                f"enterprise {entity}: schemes {', '.join(s.id for s in top)} both apply",
                problems=[
                    Problem(
                        f"scheme {s.id}",
                        f"from {_origin(s)}",
                        "keep one scheme per enterprise, or per class and unit",
                    )
                    for s in top
                ],
            )
        return top[0]
    return None


def _origin(s: Scheme) -> str:
    return s.provider.plugin if s.provider is not None else (s.source or "a file")


def _assessed(structure: Any, year: int, schemes: Sequence[Scheme]) -> list[dict[str, Any]]:
    """Who is assessed: the top-level enterprises of each unit, and any a scheme names."""
    snap = structure.at(year)
    named = {s.entity for s in schemes if s.entity}
    out = []
    for eid in sorted(snap):
        st = snap[eid]
        if st.node_type.value == "difference" or (st.parent is not None and eid not in named):
            continue
        ent = structure.entities.get(eid)
        out.append(
            {
                "entity": eid,
                "unit": st.unit,
                "name_zh": st.name_zh,
                "name_en": st.name_en or st.name_zh,
                "functional_class": st.functional_class.value if st.functional_class else None,
                "industry": getattr(ent, "industry", None),
            }
        )
    return out


def _amounts(
    values: pl.DataFrame, nodes: list[str], year: int, special: Sequence[SpecialItem]
) -> dict[tuple[str, int, str], Decimal]:
    part = values.filter(
        pl.col("node").is_in(nodes)
        & pl.col("year").is_in([year, year - 1])
        & pl.col("value").is_not_null()
        & pl.col("value").is_not_nan()
    )
    out = {
        (n, int(y), i): dec(float(v))
        for n, y, i, v in part.select("node", "year", "indicator", "value").iter_rows()
    }
    for item in special:
        if item.year == year:
            key = (item.entity, year, item.indicator)
            if key in out:
                out[key] += item.amount
    return out


def _actual(
    ind: Indicator, node: str, year: int, amounts: Mapping[tuple[str, int, str], Decimal]
) -> Decimal | None:
    """The figure scored: an amount as it is, a ratio recomputed (in percent) from its parts."""
    if ind.formula is None:
        return amounts.get((node, year, ind.code))
    f = ind.formula
    num = amounts.get((node, year, f.numerator))
    den = amounts.get((node, year, f.denominator))
    if f.denominator_average and den is not None:
        before = amounts.get((node, year - 1, f.denominator))
        den = None if before is None else (before + den) / 2
    if num is None or den is None or den == 0:
        return None
    v = num / den
    v = 1 - v if f.one_minus else v
    return v * 100 if ind.kind is Kind.RATIO and ind.unit == "%" else v


def _item_row(
    who: Mapping[str, Any],
    scheme: Scheme,
    k: int,
    actual: Decimal | None,
    standards: StandardTable,
    year: int,
    adjusted: bool,
) -> dict[str, Any]:
    item = scheme.items[k]
    row = standards.lookup(year, who["industry"], item.indicator)
    out: dict[str, Any] = {
        **{c: who[c] for c in ("entity", "unit", "functional_class", "industry")},
        "scheme": scheme.id,
        "indicator": item.indicator,
        "weight": float(item.weight),
        "actual": None if actual is None else float(actual),
        "adjusted": adjusted,
        "standard_industry": row.industry if row else None,
        "band": None,
        "score": 0.0,
        "missing": None,
    }
    for key, v in zip(
        ("excellent", "good", "average", "low", "poor"), row.values if row else (), strict=False
    ):
        out[key] = float(v)
    if row is not None and (
        wrong := standards_problem(row.values, higher_is_better=item.higher_is_better)
    ):
        raise SoeplanError(
            f"{standards.source}, row {row.row}: the standard values of {item.indicator} "
            f"({row.industry}) do not run in scheme {scheme.id}'s direction ({item.direction})",
            problems=[
                Problem(
                    f"{standards.source}, row {row.row}",
                    wrong,
                    "correct the row, or the direction of the scheme's item",
                )
            ],
        )
    if actual is None or row is None:
        out["missing"] = "no figure" if actual is None else "no standard values"
        return out
    out["band"] = band_of(actual, row.values, higher_is_better=item.higher_is_better).key
    out["score"] = float(
        efficacy_score(actual, row.values, item.weight, higher_is_better=item.higher_is_better)
    )
    return out


def score_enterprises(
    values: pl.DataFrame,
    structure: Any,
    year: int,
    *,
    standards: StandardTable,
    schemes: Sequence[Scheme] | None = None,
    special: Sequence[SpecialItem] = (),
    grades: Sequence[Grade] = GRADES,
    registry: Any = None,
) -> Scores:
    """Score ``year``'s enterprises (see the module); ``schemes`` default to the registry's.

    Long: who is assessed, their amounts with the special items, each item, then the totals;
    one pass of each, kept together so the order of the steps reads as the rules state it.
    """
    reg = current(registry)
    schemes = list(schemes if schemes is not None else getattr(reg, "schemes", {}).values())
    catalogue = reg.indicators
    for s in schemes:
        for it in s.items:
            if it.indicator not in catalogue:
                raise SoeplanError(
                    f"scheme {s.id}: indicator {it.indicator!r} is not in the catalogue",
                    problems=[
                        Problem(
                            f"scheme {s.id}",
                            f"names {it.indicator!r}",
                            "use a code that `soeplan catalogue` lists",
                        )
                    ],
                )
    if year not in standards.years():
        held = ", ".join(str(y) for y in standards.years()) or "no year"
        raise SoeplanError(
            f"{standards.source}: standard values for {held}, not for {year}",
            problems=[
                Problem(
                    standards.source,
                    f"no row for {year}",
                    f"give the table applied to {year} (year column {year}), or score its year",
                )
            ],
        )
    strangers = [i for i in special if i.entity not in structure.entities]
    if strangers:
        raise SoeplanError(
            f"{len(strangers)} special item(s) name an enterprise the structure does not know",
            problems=[
                Problem(
                    f"special item, row {i.row}",
                    f"entity {i.entity!r}",
                    "use the entity id of the register (soeplan register show)",
                )
                for i in strangers
            ],
        )
    people = _assessed(structure, year, schemes)
    amounts = _amounts(values, [p["entity"] for p in people], year, special)
    adjusted = {(i.entity, i.indicator) for i in special if i.year == year}
    items, totals, unscored = [], [], []
    for who in people:
        scheme = choose_scheme(who["entity"], who["unit"], who["functional_class"], schemes)
        if scheme is None:
            reason = (
                "no functional class"
                if who["functional_class"] is None
                else f"no scheme for {who['functional_class']}"
            )
            unscored.append({"entity": who["entity"], "unit": who["unit"], "reason": reason})
            continue
        rows = []
        for k, item in enumerate(scheme.items):
            ind = catalogue[item.indicator]
            parts = {item.indicator, *(ind.formula.components if ind.formula else ())}
            touched = any((who["entity"], p) in adjusted for p in parts)
            actual = _actual(ind, who["entity"], year, amounts)
            rows.append(_item_row(who, scheme, k, actual, standards, year, touched))
        if all(r["actual"] is None for r in rows):  # nothing reported: not an E, not scored
            reason = f"no figures for {year}"
            unscored.append({"entity": who["entity"], "unit": who["unit"], "reason": reason})
            continue
        items += rows
        total = round_total(sum((round_item(dec(r["score"])) for r in rows), Decimal(0)))
        totals.append(
            {
                **{
                    c: who[c]
                    for c in (
                        "entity",
                        "unit",
                        "name_zh",
                        "name_en",
                        "functional_class",
                        "industry",
                    )
                },
                "scheme": scheme.id,
                "total": float(total),
                "grade": grade_of(total, grades).letter,
                "rank": 0,
                "missing": sum(1 for r in rows if r["missing"]),
            }
        )
    total_frame = pl.DataFrame(totals, schema=TOTAL_SCHEMA)
    total_frame = total_frame.with_columns(
        pl.col("total")
        .rank("min", descending=True)
        .over("functional_class")
        .cast(pl.Int32)
        .alias("rank")
    ).sort("functional_class", "rank", "entity")
    adjustments = pl.DataFrame(
        [
            (i.entity, i.year, i.indicator, float(i.amount), i.reason, i.source)
            for i in special
            if i.year == year
        ],
        schema=ADJUSTMENT_SCHEMA,
        orient="row",
    )
    return Scores(
        year=year,
        items=pl.DataFrame(items, schema=ITEM_SCHEMA),
        totals=total_frame,
        unscored=pl.DataFrame(unscored, schema=UNSCORED_SCHEMA),
        adjustments=adjustments,
        standards_source=standards.source,
        synthetic=standards.synthetic,
        grades=tuple(grades),
        schemes={s.id: s for s in schemes},
    )


def year_end(year: int) -> dt.date:
    """The date a year's registers are read for: 31 December."""
    return dt.date(year, 12, 31)
