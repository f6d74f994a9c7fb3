"""The plan's published tables, regenerated from its base amounts.

:func:`build_table` lays out one of a plan's tables (Table 1: the results of the previous period;
Table 2: the targets) as the document prints it: two header rows (一级指标, 二级指标, 单位, then per
scope the years and the growth columns, and for a targets table the attribute 指标属性), rows in
the document's order, the category label on the first row of its group. Every ratio and growth
figure is **computed** from the amounts and rounded once, for print, by its column's convention
(:class:`~soeplan.arithmetic.rounding.TableRounding`, data in the plan file). A computed cell that does not
print as the document's figure is marked ``†`` and explained in a note that gives the published
figure; a published figure is never printed as if computed.

The result, a :class:`PlanTable`, is plain data for every medium: :mod:`soeplan.plan.table_output`
prints it as a terminal table, CSV or Markdown (:func:`~soeplan.plan.table_output.render_table`)
and puts it in an Excel workbook with merged header cells
(:func:`~soeplan.plan.table_output.write_xlsx`,
:func:`~soeplan.plan.table_output.add_to_worksheet`).

Long: a little over 500 lines: the table's records and the builder that fills them, read together.

>>> from decimal import Decimal
>>> import soeplan
>>> from soeplan.plan.tables import build_table
>>> table = build_table(soeplan.load_plan("quzhou-14th"), 1)
>>> table.grid()[2][:7]
['总体规模', '资产总额', '亿元', '920.12', '2090.49', '17.84%', '127.19%']
>>> cell = table.cell("city", "total_assets", "total_growth")
>>> cell.text, cell.rounding.value, cell.value > Decimal("1.27197")   # kept at full precision
('127.19%', 'truncate', True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import StrEnum

import attrs

from soeplan.arithmetic.precision import published_interval
from soeplan.arithmetic.rounding import Rounding, format_percent, format_printed, round_decimal
from soeplan.context import current
from soeplan.errors import Problem, SoeplanError, UnknownNameError
from soeplan.indicators import UNIT_EN, Indicator, Kind
from soeplan.plan._computed import Computed, computed_growth, computed_ratio, has_growth
from soeplan.plan.model import GrowthKind, Plan, TableLayout, Target, TargetKind
from soeplan.sections import Text

#: The mark put after a computed figure that does not print as the document's figure.
MARK = "†"
#: Printed where the document has no figure.
NO_FIGURE = "/"


class CellKind(StrEnum):
    """What a body cell holds."""

    LABEL = "label"  #: 标签: category, indicator name, unit or attribute
    #: 数值: a value from the plan, printed as the document prints it (amounts, counts)
    FIGURE = "figure"
    COMPUTED = "computed"  #: 计算值: a ratio or growth figure computed from the plan's amounts
    TARGET = "target"  #: 目标: a target as the plan states it (``<65%``, ``不低于2%``)
    EMPTY = "empty"  #: 空: the document prints no figure here (``/``)


@attrs.frozen(kw_only=True)
class TableCell:
    """One body cell: the text as printed, and what is behind it.

    ``value`` is full precision (ratios and growth as fractions: ``0.1784`` is 17.84%);
    ``published`` the document's own figure for a computed cell; ``marked`` says the computed
    figure, rounded by ``rounding``, does not print as ``published`` (the text then ends in ``†``
    and ``note`` is the index of the explaining note in :attr:`PlanTable.notes`).
    """

    text: str
    kind: CellKind
    value: Decimal | None = None
    published: Decimal | None = None
    marked: bool = False
    rounding: Rounding | None = None
    percent: bool = False
    note: int | None = None


@attrs.frozen(kw_only=True)
class TableColumn:
    """A column of the table. ``key`` is ``category``, ``indicator``, ``unit``, ``attribute``, a
    year (``"2015"``), ``target`` or a growth kind (``cagr``, ``total_growth``); ``scope`` is set
    for the per-scope columns."""

    key: str
    scope: str | None = None
    label: str = ""


@attrs.frozen(kw_only=True)
class HeaderCell:
    """A header cell at ``(row, col)`` (0-based, within the header) spanning rows and columns."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@attrs.frozen(kw_only=True)
class TableRow:
    """A body row: one indicator; ``cells`` line up with :attr:`PlanTable.columns`."""

    indicator: str
    category: str
    cells: tuple[TableCell, ...]


@attrs.frozen(kw_only=True)
class TableNote:
    """A note after the table, about one marked cell."""

    mark: str
    scope: str
    indicator: str
    column: str
    text: str


@attrs.frozen(kw_only=True)
class PlanTable:
    """A published table of a plan, laid out as the document prints it, in one language."""

    plan: str
    number: int
    title: str
    lang: str
    columns: tuple[TableColumn, ...]
    header: tuple[HeaderCell, ...]
    header_rows: int
    rows: tuple[TableRow, ...]
    notes: tuple[TableNote, ...] = ()

    def header_grid(self) -> list[list[str]]:
        """The header as rows of text; a merged cell's text sits in its top-left position."""
        grid = [[""] * len(self.columns) for _ in range(self.header_rows)]
        for h in self.header:
            grid[h.row][h.col] = h.text
        return grid

    def body_grid(self) -> list[list[str]]:
        return [[c.text for c in row.cells] for row in self.rows]

    def grid(self) -> list[list[str]]:
        """Header and body as rows of text: what the CSV holds before its notes."""
        return self.header_grid() + self.body_grid()

    def row(self, indicator: str) -> TableRow:
        for r in self.rows:
            if r.indicator == indicator:
                return r
        raise UnknownNameError(f"table {self.number} has no row for indicator {indicator!r}")

    def cell(self, scope: str | None, indicator: str, column: str) -> TableCell:
        """The cell of a row in a column (``scope=None`` for category, indicator, unit, attribute)."""
        row = self.row(indicator)
        for i, col in enumerate(self.columns):
            if col.key == column and col.scope == scope:
                return row.cells[i]
        raise UnknownNameError(
            f"table {self.number} has no column {column!r} for scope {scope!r}; its columns: "
            + ", ".join(f"{c.scope}:{c.key}" if c.scope else c.key for c in self.columns)
        )


_LABELS: Mapping[str, Text] = {
    "category": Text("一级指标", "Category"),
    "indicator": Text("二级指标", "Indicator"),
    "unit": Text("单位", "Unit"),
    "attribute": Text("指标属性", "Attribute"),
    "cagr": Text("年均增长率", "Average annual growth"),
    "total_growth": Text("总体增长率", "Total growth"),
    "growth": Text("增长率", "Growth"),
}


def _year_label(year: int, lang: str) -> str:
    return f"{year}年" if lang == "zh" else str(year)


def _growth_label(kind: GrowthKind, layout: TableLayout, lang: str) -> str:
    if kind is GrowthKind.TOTAL and layout.kind == "targets":
        return _LABELS["growth"](lang)
    return _LABELS[kind.value](lang)


def target_text(target: Target, lang: str = "zh", *, percent: bool | None = None) -> str:
    """A target as the document states it: ``4000``, ``<65%``, ``不低于2.2%，力争2.5%``.

    >>> import soeplan
    >>> plan = soeplan.load_plan("quzhou-14th")
    >>> target_text(plan.target("urban", "roe")), target_text(plan.target("urban", "roe"), "en")
    ('不低于2.2%，力争2.5%', 'not below 2.2%, strive for 2.5%')
    """
    if percent is None:
        percent = _is_percent(target)
    value = format_printed(target.value, percent=percent)
    if target.kind is TargetKind.LEVEL:
        return value
    if target.kind is TargetKind.CEILING:
        if target.strict:
            return f"<{value}"
        return f"不高于{value}" if lang == "zh" else f"not above {value}"
    if target.strict:
        text = f">{value}"
    else:
        text = f"不低于{value}" if lang == "zh" else f"not below {value}"
    if target.stretch is not None:
        stretch = format_printed(target.stretch, percent=percent)
        text += f"，力争{stretch}" if lang == "zh" else f", strive for {stretch}"
    return text


def _is_percent(target: Target) -> bool:
    ind = current().indicators.get(target.indicator)
    return ind is not None and ind.is_percent


def _scope_label(plan: Plan, scope_id: str, lang: str) -> str:
    s = plan.scope(scope_id)
    if lang == "zh":
        return s.column_zh or s.name_zh
    return s.column_en or s.name_en


class _Builder:
    def __init__(
        self, plan: Plan, layout: TableLayout, indicators: Mapping[str, Indicator], lang: str
    ) -> None:
        self.plan = plan
        self.layout = layout
        self.indicators = indicators
        self.lang = lang
        self.notes: list[TableNote] = []

    # -- columns and header ---------------------------------------------------------------
    def scope_columns(self, scope: str) -> list[TableColumn]:
        lay, lang = self.layout, self.lang
        cols = []
        if lay.kind == "targets":
            cols.append(
                TableColumn(
                    key=str(lay.years[0]), scope=scope, label=_year_label(lay.years[0], lang)
                )
            )
            cols.append(
                TableColumn(key="target", scope=scope, label=_year_label(lay.years[-1], lang))
            )
        else:
            cols += [
                TableColumn(key=str(y), scope=scope, label=_year_label(y, lang)) for y in lay.years
            ]
        cols += [
            TableColumn(key=g.value, scope=scope, label=_growth_label(g, lay, lang))
            for g in lay.growth
        ]
        return cols

    def columns_and_header(self) -> tuple[list[TableColumn], list[HeaderCell]]:
        lang = self.lang
        cols = [
            TableColumn(key=k, label=_LABELS[k](lang)) for k in ("category", "indicator", "unit")
        ]
        header = [HeaderCell(text=c.label, row=0, col=i, rowspan=2) for i, c in enumerate(cols)]
        for s in self.plan.scopes:
            sc = self.scope_columns(s.id)
            header.append(
                HeaderCell(
                    text=_scope_label(self.plan, s.id, lang), row=0, col=len(cols), colspan=len(sc)
                )
            )
            header += [HeaderCell(text=c.label, row=1, col=len(cols) + i) for i, c in enumerate(sc)]
            cols += sc
        if self.layout.kind == "targets":
            header.append(
                HeaderCell(text=_LABELS["attribute"](lang), row=0, col=len(cols), rowspan=2)
            )
            cols.append(TableColumn(key="attribute", label=_LABELS["attribute"](lang)))
        return cols, header

    # -- cells ------------------------------------------------------------------------------
    def figure_cell(self, scope: str, ind: Indicator, year: int) -> TableCell:
        if ind.kind is Kind.RATIO:
            fig = self.plan.figure(scope, ind.code, year)
            published = fig.value if fig is not None else None
            comp = computed_ratio(self.plan, self.indicators, scope, ind.code, year)
            if comp is None:
                return self.uncomputable_cell(scope, ind, str(year), published, year)
            return self.computed_cell(
                scope, ind, str(year), comp, self.layout.rounding.ratio, published, year
            )
        fig = self.plan.figure(scope, ind.code, year)
        if fig is None:
            return TableCell(text=NO_FIGURE, kind=CellKind.EMPTY)
        return TableCell(
            text=format_printed(fig.value, percent=False), kind=CellKind.FIGURE, value=fig.value
        )

    def growth_cell(self, scope: str, ind: Indicator, kind: GrowthKind) -> TableCell:
        start = self.layout.years[0]
        end = self.layout.years[-1]
        if self.layout.kind == "targets":
            target = self.plan.find_target(scope, ind.code)
            end = target.year if target is not None else end
        pub = self.plan.published_growth(scope, ind.code, kind, start, end)
        if pub is None and not has_growth(ind):
            return TableCell(text=NO_FIGURE, kind=CellKind.EMPTY)
        comp = computed_growth(self.plan, scope, ind.code, kind, start, end)
        published = pub.value if pub is not None else None
        if comp is None:
            return self.uncomputable_cell(scope, ind, kind.value, published, None)
        return self.computed_cell(
            scope,
            ind,
            kind.value,
            comp,
            self.layout.rounding.for_column(kind.value),
            published,
            None,
        )

    def uncomputable_cell(
        self, scope: str, ind: Indicator, column: str, published: Decimal | None, year: int | None
    ) -> TableCell:
        """``/`` where a figure cannot be computed; marked, with a note, if one is published."""
        if published is None:
            return TableCell(text=NO_FIGURE, kind=CellKind.EMPTY)
        note = len(self.notes)
        pub = format_printed(published, percent=True)
        where = self.where(scope, ind, column, year)
        text = (
            f"{MARK} {where}：文件公布为 {pub}，但缺少计算它的数据（或增长率无定义），未予计算。"
            if self.lang == "zh"
            else f"{MARK} {where}: the document publishes {pub}, but its inputs are missing "
            "(or the growth is undefined), so it is not computed."
        )
        self.notes.append(
            TableNote(mark=MARK, scope=scope, indicator=ind.code, column=column, text=text)
        )
        return TableCell(
            text=NO_FIGURE + MARK,
            kind=CellKind.EMPTY,
            published=published,
            marked=True,
            percent=True,
            note=note,
        )

    def where(self, scope: str, ind: Indicator, column: str, year: int | None) -> str:
        lang = self.lang
        sep = " " if lang == "zh" else ", "
        what = (
            _year_label(year, lang)
            if year is not None
            else _growth_label(GrowthKind(column), self.layout, lang)
        )
        return sep.join((_scope_label(self.plan, scope, lang), ind.name(lang), what))

    def computed_cell(
        self,
        scope: str,
        ind: Indicator,
        column: str,
        comp: Computed,
        mode: Rounding,
        published: Decimal | None,
        year: int | None,
    ) -> TableCell:
        places = self.layout.rounding.places
        text = format_percent(comp.value, places, mode)
        rounded = round_decimal(comp.value.scaleb(2), places, mode)
        marked = published is not None and rounded != published.scaleb(2)
        note = None
        if marked:
            assert published is not None
            note = len(self.notes)
            self.notes.append(self.note(scope, ind, column, text, mode, published, comp, year))
            text += MARK
        return TableCell(
            text=text,
            kind=CellKind.COMPUTED,
            value=comp.value,
            published=published,
            marked=marked,
            rounding=mode,
            percent=True,
            note=note,
        )

    def note(
        self,
        scope: str,
        ind: Indicator,
        column: str,
        text: str,
        mode: Rounding,
        published: Decimal,
        comp: Computed,
        year: int | None,
    ) -> TableNote:
        lang = self.lang
        pub = format_printed(published, percent=True)
        explained = comp.interval.meets(published_interval(published, mode))
        where = self.where(scope, ind, column, year)
        if lang == "zh":
            body = f"{MARK} {where}：由表中数据计算并按{mode.zh}得 {text}，文件公布为 {pub}。" + (
                "公布值在输入数据舍入误差可解释的范围内（见 soeplan check-plan）。"
                if explained
                else "输入数据的舍入误差不能解释公布值（见 soeplan check-plan）。"
            )
        else:
            body = (
                f"{MARK} {where}: computed from the table's figures and "
                f"{'rounded half-up' if mode is Rounding.HALF_UP else 'truncated'}, "
                f"{text}; the document publishes {pub}. "
                + (
                    "The published figure is within what the rounding of the printed inputs "
                    "explains (see soeplan check-plan)."
                    if explained
                    else "No rounding of the printed inputs explains the published figure "
                    "(see soeplan check-plan)."
                )
            )
        return TableNote(mark=MARK, scope=scope, indicator=ind.code, column=column, text=body)

    def target_cell(self, scope: str, ind: Indicator) -> TableCell:
        target = self.plan.find_target(scope, ind.code)
        if target is None:
            return TableCell(text=NO_FIGURE, kind=CellKind.EMPTY)
        return TableCell(
            text=target_text(target, self.lang, percent=ind.is_percent),
            kind=CellKind.TARGET,
            value=target.value,
            percent=ind.is_percent,
        )

    def attribute_cell(self, ind: Indicator) -> TableCell:
        attrs_ = []
        for s in self.plan.scopes:
            t = self.plan.find_target(s.id, ind.code)
            if t is not None and t.attribute not in attrs_:
                attrs_.append(t.attribute)
        if not attrs_:
            return TableCell(text=NO_FIGURE, kind=CellKind.EMPTY)
        sep = "；" if self.lang == "zh" else "; "
        return TableCell(
            text=sep.join(a.zh if self.lang == "zh" else a.en for a in attrs_), kind=CellKind.LABEL
        )

    def body(self, columns: Sequence[TableColumn]) -> list[TableRow]:
        rows = []
        previous = None
        for code in self.layout.rows:
            ind = self.indicators[code]
            cells = []
            for col in columns:
                if col.key == "category":
                    label = ind.category.zh if self.lang == "zh" else ind.category.en
                    text = label if ind.category != previous else ""
                    cells.append(TableCell(text=text, kind=CellKind.LABEL))
                elif col.key == "indicator":
                    cells.append(TableCell(text=ind.name(self.lang), kind=CellKind.LABEL))
                elif col.key == "unit":
                    unit = ind.unit if self.lang == "zh" else UNIT_EN.get(ind.unit, ind.unit)
                    cells.append(TableCell(text=unit, kind=CellKind.LABEL))
                elif col.key == "attribute":
                    cells.append(self.attribute_cell(ind))
                elif col.key == "target":
                    assert col.scope is not None
                    cells.append(self.target_cell(col.scope, ind))
                elif col.key.isdigit():
                    assert col.scope is not None
                    cells.append(self.figure_cell(col.scope, ind, int(col.key)))
                else:
                    assert col.scope is not None
                    cells.append(self.growth_cell(col.scope, ind, GrowthKind(col.key)))
            previous = ind.category
            rows.append(TableRow(indicator=code, category=ind.category.value, cells=tuple(cells)))
        return rows


def build_table(
    plan: Plan,
    number: int,
    lang: str = "zh",
    indicators: Mapping[str, Indicator] | None = None,
) -> PlanTable:
    """Lay out table ``number`` of ``plan`` in ``lang`` (``"zh"`` or ``"en"``).

    ``indicators`` defaults to the registered catalogue. Raises
    :class:`~soeplan.errors.UnknownNameError` for a table the plan does not have.
    """
    if lang not in ("zh", "en"):
        raise SoeplanError(f"unknown language {lang!r}; use zh or en")
    if indicators is None:
        indicators = current().indicators
    layout = plan.table(number)
    missing = [code for code in layout.rows if code not in indicators]
    if missing:
        raise SoeplanError(
            f"table {number} of plan {plan.id} has rows for unknown indicators",
            problems=[
                Problem(
                    f"table {number}.rows",
                    f"unknown indicator {code!r}",
                    "install the plugin that registers it, or correct the plan file",
                )
                for code in missing
            ],
        )
    if not layout.years:
        raise SoeplanError(
            f"table {number} of plan {plan.id} has no years to print",
            problems=[
                Problem(
                    f"{plan.path or plan.id}: table {number}.years",
                    "the table's years are missing",
                    "write years = [2015, 2020] (a targets table: [base_year, target_year])",
                )
            ],
        )
    builder = _Builder(plan, layout, indicators, lang)
    columns, header = builder.columns_and_header()
    rows = builder.body(columns)
    return PlanTable(
        plan=plan.id,
        number=number,
        title=layout.title_zh if lang == "zh" else (layout.title_en or layout.title_zh),
        lang=lang,
        columns=tuple(columns),
        header=tuple(header),
        header_rows=2,
        rows=tuple(rows),
        notes=tuple(builder.notes),
    )
