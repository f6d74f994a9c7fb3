"""The plan's Tables 1 and 2 for every scope, filled with the run's figures (:class:`ScopeTable`).

Table 1 (``results``) shows the plan's years and the report year, then the average annual and
total growth since the base year; Table 2 (``targets``) shows the base year, the target, the
planned growth, the target's attribute (约束性/预期性) and the report year's actual. Numbers stay
at full precision; each cell carries the plan's rounding convention for its column.
"""

from __future__ import annotations

from collections.abc import Mapping

from soeplan.arithmetic.growth import cagr
from soeplan.arithmetic.rounding import Rounding
from soeplan.indicators import Indicator, Kind
from soeplan.plan.model import Plan, Scope, TableLayout, TargetKind
from soeplan.plan.tables import target_text
from soeplan.report.format import cell_format
from soeplan.report.i18n import LABELS, label
from soeplan.report.model import Cell, CellFormat, ScopeRow, ScopeTable
from soeplan.report.totals import TotalsLookup
from soeplan.sections import Text


def _t(key: str, **fields: object) -> Text:
    zh, en = LABELS[key]
    return Text(zh.format(**fields), en.format(**fields))


def unit_text(ind: Indicator) -> Text:
    return Text(ind.unit, ind.unit_en)


def _row(code: str, ind: Indicator, cells: list[Cell]) -> ScopeRow:
    return ScopeRow(code, Text(ind.name_zh, ind.name_en), unit_text(ind), tuple(cells))


def plan_tables(
    plan: Plan, year: int, lookup: TotalsLookup, inds: Mapping[str, Indicator]
) -> list[ScopeTable]:
    """Table 1 (results) and Table 2 (targets) for every scope, rows in the plan's order."""
    return [
        (results_table if layout.kind == "results" else targets_table)(
            plan, layout, scope, year, lookup, inds
        )
        for layout in plan.tables
        for scope in plan.scopes
    ]


def results_table(
    plan: Plan,
    layout: TableLayout,
    scope: Scope,
    year: int,
    lookup: TotalsLookup,
    inds: Mapping[str, Indicator],
) -> ScopeTable:
    """A results table (Table 1) of one scope: the layout's years and ``year``, then the growth."""
    base = plan.base_year
    sname = Text(scope.name_zh, scope.name_en)
    head = [_t("indicator"), _t("unit_of_measure")]
    years = sorted({*layout.years, year})
    year_cols = tuple((y, 2 + i) for i, y in enumerate(years))
    head += [_t("year_col", year=y) for y in years]
    growth_span = year > base
    if growth_span:
        head += [
            _t("cagr_col", start=base, end=year),
            _t("total_growth_col", start=base, end=year),
        ]
    rows: list[ScopeRow] = []
    for code in layout.rows:
        ind = inds[code]
        fmt = cell_format(ind)
        conv = layout.rounding
        shown = conv.ratio if fmt is CellFormat.RATIO else Rounding.HALF_UP
        cells = [Cell(lookup.get(scope.id, code, y), fmt, rounding=shown) for y in years]
        if growth_span:
            b, a = lookup.get(scope.id, code, base), lookup.get(scope.id, code, year)
            amount = ind.kind is Kind.AMOUNT and b and a is not None
            g = cagr(b, a, year - base) if amount and b and a else None
            tg = (a / b - 1) if amount and b and a is not None else None
            cells += [
                Cell(g, CellFormat.GROWTH, rounding=conv.cagr),
                Cell(tg, CellFormat.GROWTH, rounding=conv.total_growth),
            ]
        rows.append(_row(code, ind, cells))
    title = _t("table1_title", scope=sname.zh)
    title = Text(title.zh, label("table1_title", "en", scope=sname.en))
    return ScopeTable(
        number=layout.number,
        scope=scope.id,
        scope_name=sname,
        title=title,
        columns=tuple(head),
        rows=tuple(rows),
        year_columns=year_cols,
    )


def targets_table(
    plan: Plan,
    layout: TableLayout,
    scope: Scope,
    year: int,
    lookup: TotalsLookup,
    inds: Mapping[str, Indicator],
) -> ScopeTable:
    """A targets table (Table 2) of one scope: base year, target, growth, attribute, actual."""
    base = plan.base_year
    sname = Text(scope.name_zh, scope.name_en)
    head = [
        _t("indicator"),
        _t("unit_of_measure"),
        _t("year_col", year=base),
        _t("target_col", year=plan.target_year),
        _t("planned_growth"),
        _t("attribute"),
        _t("actual_col", year=year),
    ]
    rows = [
        _target_row(plan, layout, scope, code, year, lookup, inds[code]) for code in layout.rows
    ]
    return ScopeTable(
        number=layout.number,
        scope=scope.id,
        scope_name=sname,
        title=Text(
            label("table2_title", "zh", scope=sname.zh, year=year),
            label("table2_title", "en", scope=sname.en, year=year),
        ),
        columns=tuple(head),
        rows=tuple(rows),
        year_columns=((base, 2), (year, 6)),
    )


def _target_row(
    plan: Plan,
    layout: TableLayout,
    scope: Scope,
    code: str,
    year: int,
    lookup: TotalsLookup,
    ind: Indicator,
) -> ScopeRow:
    """One indicator's row of a targets table; a row without a target leaves its cells empty."""
    fmt = cell_format(ind)
    tgt = plan.find_target(scope.id, code)
    b = lookup.get(scope.id, code, plan.base_year)
    conv = layout.rounding
    shown = conv.ratio if fmt is CellFormat.RATIO else Rounding.HALF_UP
    cells = [Cell(b, fmt, rounding=shown)]
    if tgt is None:
        cells += [
            Cell(None, fmt),
            Cell(None, CellFormat.GROWTH),
            Cell(None, CellFormat.TEXT),
        ]
    else:
        tv = float(tgt.value)
        if tgt.kind is TargetKind.LEVEL:
            cells.append(Cell(tv, fmt))
        else:
            cells.append(
                Cell(
                    tv,
                    CellFormat.TEXT,
                    text=Text(target_text(tgt, "zh"), target_text(tgt, "en")),
                )
            )
        growth = (
            tv / b - 1 if ind.kind is Kind.AMOUNT and tgt.kind is TargetKind.LEVEL and b else None
        )
        cells.append(Cell(growth, CellFormat.GROWTH, rounding=conv.total_growth))
        attr = "attr_binding" if tgt.binding else "attr_expected"
        cells.append(Cell(None, CellFormat.TEXT, text=_t(attr)))
    cells.append(Cell(lookup.get(scope.id, code, year), fmt, rounding=shown))
    return _row(code, ind, cells)
