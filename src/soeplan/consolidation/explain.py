"""Explain a rolled-up figure: the tree of contributions down to the observation rows.

:func:`explain` returns a frozen :class:`Contribution` tree: the node asked for, its value, and
its children (units of a scope, top-level entities of a unit, children of a group) down to the
entities, each with the observation rows its value came from. A ratio's tree has two branches,
its numerator and its denominator. :func:`render_explanation` prints it as text.

With ``period`` a month (:class:`~soeplan.periods.Period`), the tree is that month's express
report figure (快报: a stock at the month's end, a flow year-to-date), rolled up as
:func:`~soeplan.consolidation.period.rollup_period` rolls it, in the structure as it stands at
the month's end, down to the month's rows.

>>> from soeplan.sample import sample_observations
>>> from soeplan.structure.city import city_structure
>>> tree = explain(sample_observations(), city_structure(sample=True),
...                node="kecheng", indicator="total_assets", year=2020)
>>> round(tree.value, 2) == round(sum(c.value for c in tree.children), 2)
True
>>> print(render_explanation(tree).splitlines()[0])
柯城区 kecheng · 资产总额 total_assets · 2020 = 155.8

"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import polars as pl

from soeplan.consolidation.inputs import indicator_catalogue, normalise_observations
from soeplan.consolidation.period import monthly_rows, rollup_period
from soeplan.consolidation.records import GroupReported
from soeplan.consolidation.rollup import rollup
from soeplan.errors import UnknownNameError
from soeplan.indicators import Indicator, Kind, Ratio
from soeplan.periods import Period
from soeplan.structure.dated import Snapshot, Structure

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

__all__ = ["Contribution", "SourceRow", "explain", "render_explanation"]


@attrs.frozen
class SourceRow:
    """One observation row behind an entity's figure (with its file/sheet/row when known)."""

    entity: str
    year: int
    indicator: str
    value: float
    where: str = ""
    month: int | None = None  #: the 快报's month, None for an annual row


@attrs.frozen(kw_only=True)
class Contribution:
    """A node's figure and what it is made of."""

    node: str
    node_type: str
    name_zh: str
    name_en: str
    indicator: str
    year: int
    value: float
    children: tuple[Contribution, ...] = ()
    rows: tuple[SourceRow, ...] = ()
    note_zh: str = ""
    note_en: str = ""
    month: int | None = None  #: the 快报's month, None for a year

    @property
    def period(self) -> str:
        """``2023``, or ``2023-06`` for a month's figure."""
        return str(self.year) if self.month is None else f"{self.year}-{self.month:02d}"

    def walk(self) -> list[Contribution]:
        """This node and every node below it, depth first."""
        out = [self]
        for c in self.children:
            out += c.walk()
        return out


def _resolve(structure: Structure, node: str) -> str:
    for s in structure.scopes.values():
        if node in (s.scope, s.name_zh, s.name_en):
            return s.scope
    if node in structure.units or node in structure.entities:
        return node
    known = ", ".join(f"{s.scope} ({s.name_zh})" for s in structure.scopes.values())
    raise UnknownNameError(
        f"no scope, unit or entity {node!r}; scopes: {known}; units: {', '.join(structure.units)}"
    )


def explain(
    observations: pl.DataFrame | pl.LazyFrame,
    structure: Structure,
    *,
    node: str,
    indicator: str,
    year: int | None = None,
    group_reported: GroupReported | str = GroupReported.CHECK,
    registry: Registry | None = None,
    period: Period | None = None,
) -> Contribution:
    """Trace ``node``'s ``indicator`` in ``year`` (a scope by id or name, a unit or an entity),
    or in ``period``: a year, or a month's 快报 (monthly ``observations``, with ``month``).

    >>> from soeplan.sample import sample_observations
    >>> from soeplan.sample_monthly import monthly_sample
    >>> from soeplan.structure.city import city_structure
    >>> june = Period(2023, 6)
    >>> tree = explain(monthly_sample(sample_observations()), city_structure(sample=True),
    ...                node="kecheng", indicator="revenue", period=june)
    >>> tree.period, tree.rows == () and {r.month for c in tree.walk() for r in c.rows}
    ('2023-06', {6})
    """
    if period is None:
        if year is None:
            raise TypeError("explain() needs year or period")
        period = Period(year)
    elif year is not None and year != period.year:
        raise TypeError(f"year {year} and period {period} disagree: give one")
    cat = indicator_catalogue(registry)
    if indicator not in cat:
        raise UnknownNameError(f"unknown indicator {indicator!r}; known: {', '.join(sorted(cat))}")
    target = _resolve(structure, node)
    ind = cat[indicator]
    year = period.year
    kwargs: dict[str, Any] = dict(
        indicators=[indicator, *(ind.formula.components if ind.formula else ())],
        group_reported=group_reported,
        registry=registry,
    )
    result = (
        rollup(observations, structure, years=[year], **kwargs)
        if period.is_annual
        else rollup_period(observations, structure, period, **kwargs)
    )
    values = result.values if period.is_annual else result.values.drop("month")
    source = observations.lazy() if period.is_annual else monthly_rows(observations, period)
    lf, _ = normalise_observations(source)
    raw = source.filter(pl.col("year").cast(pl.Int64) == year)
    extra: list[str] = [
        c for c in ("file", "sheet", "row", "cell") if c in raw.collect_schema().names()
    ]
    rows = (
        lf.filter(pl.col("year") == year)
        .with_row_index("_i")
        .join(
            raw.with_row_index("_i").select("_i", *[pl.col(c).cast(pl.String) for c in extra]),
            on="_i",
            how="left",
        )
        .collect()
        if extra
        else lf.filter(pl.col("year") == year).collect()
    )
    try:
        tree = _explain(result.structure, values, rows, extra, target, ind, year)
    except UnknownNameError as exc:
        if period.is_annual:
            raise
        raise UnknownNameError(
            str(exc).replace(f" for {year}", f" for {period} (快报)", 1)
        ) from None
    return tree if period.is_annual else _in_month(tree, period.end_month)


def _in_month(tree: Contribution, month: int) -> Contribution:
    """The tree with every node and row marked as the month's."""
    return attrs.evolve(
        tree,
        month=month,
        children=tuple(_in_month(c, month) for c in tree.children),
        rows=tuple(attrs.evolve(r, month=month) for r in tree.rows),
    )


def _explain(
    structure: Structure,
    values: pl.DataFrame,
    rows: pl.DataFrame,
    extra: list[str],
    target: str,
    ind: Indicator,
    year: int,
) -> Contribution:
    tracer = _tracer(structure, values, rows, extra, year)
    if ind.kind is Kind.RATIO and ind.formula is not None:
        return _ratio_tree(tracer, target, ind, ind.formula)
    tree = tracer.build(target, ind.code)
    if tree is None:
        raise UnknownNameError(f"{target} has no {ind.code} for {year}: no observations reach it")
    return tree


@attrs.frozen
class _Tracer:
    """What tracing one year's figures looks up: the nodes, their values, their source rows."""

    structure: Structure
    snap: Snapshot  # the structure in force at the end of the year
    year: int
    info: Mapping[str, Mapping[str, Any]]  # node → node_type, name_zh, name_en, unit
    vals: Mapping[tuple[str, str], float]  # (node, indicator) → value
    row_map: Mapping[tuple[str, str], list[SourceRow]]  # (entity, indicator) → its rows
    by_unit: Mapping[str, list[str]]  # unit → entities flat under it (unknown or not in force)

    def kids(self, n: str) -> list[str]:
        structure, snap = self.structure, self.snap
        if n in structure.scopes:
            return list(structure.scopes[n].units)
        if n in structure.units:
            return [*snap.roots(n), *sorted(self.by_unit.get(n, ()))]
        return list(snap.children(n)) if n in snap else []

    def build(self, n: str, code: str) -> Contribution | None:
        """``n``'s ``code`` and what it is made of (``None``: no value)."""
        value = self.vals.get((n, code))
        if value is None:
            return None
        meta = self.info.get(n) or {"node_type": "entity", "name_zh": n, "name_en": n}
        children = tuple(c for k in self.kids(n) if (c := self.build(k, code)) is not None)
        own = tuple(self.row_map.get((n, code), ()))
        note_zh = note_en = ""
        if children and own:
            reported = sum(r.value for r in own)
            note_zh = f"本级报送 {_fmt(reported)}（未计入：下级已报送，按下级合计）"
            note_en = f"reported its own {_fmt(reported)} (not added: its children report)"
            own = ()
        return Contribution(
            node=n,
            node_type=meta["node_type"],
            name_zh=meta["name_zh"],
            name_en=meta["name_en"],
            indicator=code,
            year=self.year,
            value=value,
            children=children,
            rows=own,
            note_zh=note_zh,
            note_en=note_en,
        )


def _tracer(
    structure: Structure, values: pl.DataFrame, rows: pl.DataFrame, extra: list[str], year: int
) -> _Tracer:
    info = {
        r["node"]: r
        for r in values.select("node", "node_type", "name_zh", "name_en", "unit")
        .unique("node")
        .iter_rows(named=True)
    }
    vals = {
        (r["node"], r["indicator"]): r["value"]
        for r in values.select("node", "indicator", "value").iter_rows(named=True)
    }
    snap = structure.at(year)
    by_unit: dict[str, list[str]] = {}
    for n, r in info.items():
        if r["node_type"] in ("entity", "group") and n not in snap:
            by_unit.setdefault(r["unit"], []).append(n)  # flat: unknown or not in force
    row_map: dict[tuple[str, str], list[SourceRow]] = {}
    for r in rows.iter_rows(named=True):
        where = ", ".join(f"{c} {r[c]}" for c in extra if r.get(c) is not None)
        row_map.setdefault((r["entity"], r["indicator"]), []).append(
            SourceRow(r["entity"], year, r["indicator"], r["value"], where)
        )
    return _Tracer(structure, snap, year, info, vals, row_map, by_unit)


def _ratio_tree(tracer: _Tracer, target: str, ind: Indicator, f: Ratio) -> Contribution:
    """A ratio's tree: its value, with its numerator's and its denominator's trees."""
    year = tracer.year
    value = tracer.vals.get((target, ind.code))
    parts = tuple(c for code in f.components if (c := tracer.build(target, code)) is not None)
    meta = tracer.info.get(target)
    if value is None or meta is None:
        raise UnknownNameError(f"{target} has no {ind.code} for {year} (a component is missing)")
    return Contribution(
        node=target,
        node_type=meta["node_type"],
        name_zh=meta["name_zh"],
        name_en=meta["name_en"],
        indicator=ind.code,
        year=year,
        value=value,
        children=parts,
        note_zh=f"比率，由汇总后的分子分母重新计算：{f.describe()}",
        note_en=f"ratio recomputed from rolled-up components: {f.describe()}",
    )


def _fmt(v: float) -> str:
    text = f"{v:,.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def render_explanation(
    tree: Contribution, *, lang: str = "zh", catalogue: Mapping[str, Indicator] | None = None
) -> str:
    """The tree as indented text: node, value, and the rows under each entity."""
    cat = catalogue if catalogue is not None else indicator_catalogue(None)

    def label(c: Contribution) -> str:
        name = c.name_zh if lang == "zh" else c.name_en
        return f"{name} {c.node}" if name != c.node else c.node

    def value(c: Contribution) -> str:
        ind = cat.get(c.indicator)
        if ind is not None and ind.is_percent:
            return f"{c.value * 100:.4f}%"
        return _fmt(c.value)

    ind = cat.get(tree.indicator)
    ind_name = (ind.name(lang) if ind else tree.indicator) + f" {tree.indicator}"
    lines = [f"{label(tree)} · {ind_name} · {tree.period} = {value(tree)}"]
    note = tree.note_zh if lang == "zh" else tree.note_en
    if note:
        lines.append(f"  ({note})")

    def walk(c: Contribution, prefix: str) -> None:
        items: list[Any] = [*c.children, *c.rows]
        for i, item in enumerate(items):
            last = i == len(items) - 1
            branch = "└── " if last else "├── "
            if isinstance(item, SourceRow):
                where = f" [{item.where}]" if item.where else ""
                when = item.year if item.month is None else f"{item.year}-{item.month:02d}"
                lines.append(
                    f"{prefix}{branch}row: {item.entity} {when} {item.indicator} = {_fmt(item.value)}{where}"
                )
                continue
            head = f"{prefix}{branch}{label(item)}"
            if item.indicator != tree.indicator:
                head += f" · {item.indicator}"
            n = item.note_zh if lang == "zh" else item.note_en
            lines.append(f"{head}  {value(item)}" + (f"  ({n})" if n else ""))
            walk(item, prefix + ("    " if last else "│   "))

    walk(tree, "")
    return "\n".join(lines) + "\n"
