"""The charts of the section 布局与资本运作 (:mod:`soeplan.report.capital`), year by year up to
the report's year, each a :class:`~soeplan.sections.SectionChart` with its unit of measure:

- the share of state capital in the three strategic sectors for each scope against the plan's
  90 % floor (%);
- 全市's state capital by sector, stacked (亿元);
- the register's AAA / AA+ / AA counts for each scope, stacked (家);
- the securitisation rate for each scope (%);
- the reforms per year by kind, 全市 (户).

Each draws what the section's tables and the rollup say: the shares and the rate are the
rollup's (recomputed from totals at every level), the counts the registers'.
"""

from __future__ import annotations

import polars as pl

from soeplan.capital.layout import sector_layout
from soeplan.capital.operations import reform_counts
from soeplan.capital.ratings import COUNTED_RATINGS, rating_counts
from soeplan.capital.view import CapitalView
from soeplan.registers.operations import ReformKind
from soeplan.registers.records import StrategicSector
from soeplan.report.format import format_value
from soeplan.report.model import CellFormat
from soeplan.report.units import Names
from soeplan.sections import ChartLevel, ChartSeries, SectionChart, SectionContext, Text

__all__ = ["SHARE_INDICATOR", "capital_charts", "share_floor"]

SHARE_INDICATOR = "strategic_capital_share"
_PCT = Text("%", "%")
_YI = Text("亿元", "100 million yuan")
_JIA = Text("家", "enterprises")
_HU = Text("户", "reforms")


def _percent(v: float) -> str:
    """90% (a whole percentage as it is; else to 0.01 points)."""
    return f"{v:.0%}" if abs(v * 100 - round(v * 100)) < 1e-9 else format_value(v, CellFormat.RATIO)


def share_floor(ctx: SectionContext, scope: str) -> tuple[float, int] | None:
    """The plan's floor on the strategic-sector share for ``scope`` (else the plan's first such
    target's, for a unit) and its year."""
    if ctx.plan is None:
        return None
    ts = [t for t in ctx.plan.targets if t.indicator == SHARE_INDICATOR]
    t = next((t for t in ts if t.scope == scope), ts[0] if ts else None)
    return (float(t.value), t.year) if t is not None else None


def _points(
    rollup: pl.DataFrame, node: str, indicator: str, last: int
) -> tuple[tuple[int, float], ...]:
    rows = rollup.filter(
        (pl.col("node") == node)
        & (pl.col("indicator") == indicator)
        & (pl.col("year") <= last)
        & pl.col("value").is_not_null()
        & pl.col("value").is_not_nan()
    ).sort("year")
    return tuple((int(y), float(v)) for y, v in rows.select("year", "value").iter_rows())


def _scope_lines(
    ctx: SectionContext, rollup: pl.DataFrame, indicator: str
) -> tuple[ChartSeries, ...]:
    assert ctx.structure is not None
    names = Names(ctx)
    return tuple(
        ChartSeries(key=scope, label=names.node(scope), points=pts)
        for scope in ctx.structure.scopes
        if (pts := _points(rollup, scope, indicator, ctx.year))
    )


def _share_chart(ctx: SectionContext, rollup: pl.DataFrame) -> SectionChart:
    assert ctx.structure is not None
    floors = sorted({f[0] for s in ctx.structure.scopes if (f := share_floor(ctx, s))})
    levels = tuple(
        ChartLevel(
            key="floor" if i == 0 else f"floor-{i}",
            label=Text(f"规划下限 {_percent(v)}", f"The plan's floor, {_percent(v)}"),
            value=v,
        )
        for i, v in enumerate(floors)
    )  # fmt: skip
    return SectionChart(
        title=Text("三大领域国有资本占比与规划下限", "Strategic-sector share of state capital "
                   "against the plan's floor"),
        unit=_PCT, format="ratio", series=_scope_lines(ctx, rollup, SHARE_INDICATOR),
        levels=levels, from_zero=False,
    )  # fmt: skip


def _stacks(
    frame: pl.DataFrame, column: str, keys: list[tuple[str, Text]], value: str
) -> tuple[ChartSeries, ...]:
    """A series per key of ``column`` that has rows: ``value`` by year."""
    out = []
    for key, name in keys:
        mine = frame.filter(pl.col(column) == key).sort("year")
        if mine.height:
            pts = tuple((int(y), float(v)) for y, v in mine.select("year", value).rows())
            out.append(ChartSeries(key=key, label=name, points=pts))
    return tuple(out)  # fmt: skip


def _sector_chart(ctx: SectionContext, view: CapitalView, scope: str) -> SectionChart:
    assert ctx.structure is not None
    layout = sector_layout(view.entities, ctx.structure).filter(
        (pl.col("node") == scope) & (pl.col("year") <= ctx.year)
    )
    kinds = [(s.value, Text(s.zh, s.en)) for s in StrategicSector]
    kinds.append(("unclassified", Text("未分类", "Unclassified")))
    n = Names(ctx).node(scope)
    return SectionChart(
        title=Text(f"{n.zh}国有资本分领域", f"State capital by sector, {n.en}"),
        unit=_YI, format="amount", kind="bars",
        series=_stacks(layout, "sector", kinds, "state_capital"),
    )  # fmt: skip


def _rating_charts(ctx: SectionContext, view: CapitalView) -> list[SectionChart]:
    assert ctx.structure is not None
    counts = rating_counts(view.attributes, ctx.structure).filter(pl.col("year") <= ctx.year)
    names, out = Names(ctx), []
    for scope in ctx.structure.scopes:
        mine = counts.filter(pl.col("scope") == scope).sort("year")
        series = tuple(
            ChartSeries(key=ind, label=Text(f"{grade} 级", f"{grade}"), points=tuple(
                (int(y), float(v)) for y, v in mine.filter(pl.col("indicator") == ind)
                .select("year", "value").rows()))
            for grade, ind in COUNTED_RATINGS.items()
        )  # fmt: skip
        n = names.node(scope)
        out.append(SectionChart(
            title=Text(f"{n.zh}名录登记信用评级企业数", f"Rated enterprises in the registers, {n.en}"),
            unit=_JIA, format="count", kind="bars", series=series,
        ))  # fmt: skip
    return out


def _reform_chart(ctx: SectionContext, view: CapitalView, scope: str) -> SectionChart:
    assert ctx.structure is not None
    counts = reform_counts(view.reforms, ctx.structure).filter(
        (pl.col("node") == scope) & (pl.col("year") <= ctx.year)
    )
    kinds = [(k.value, Text(k.zh, k.en)) for k in ReformKind]
    n = Names(ctx).node(scope)
    return SectionChart(
        title=Text(f"{n.zh}混合所有制改革与重组", f"Reforms and restructurings, {n.en}"),
        unit=_HU, format="count", kind="bars", series=_stacks(counts, "kind", kinds, "count"),
    )  # fmt: skip


def capital_charts(
    ctx: SectionContext, view: CapitalView, rollup: pl.DataFrame
) -> tuple[SectionChart, ...]:
    """The section's charts (see the module), those with something to draw."""
    assert ctx.structure is not None
    first = next(iter(ctx.structure.scopes), None)
    charts = [
        _share_chart(ctx, rollup),
        _sector_chart(ctx, view, first) if first else None,
        *_rating_charts(ctx, view),
        SectionChart(
            title=Text(f"资产证券化率（{view.definition.securitisation.zh}口径）",
                       f"Securitisation rate ({view.definition.securitisation.en} basis)"),
            unit=_PCT, format="ratio", series=_scope_lines(ctx, rollup, "securitisation_rate"),
        ),
        _reform_chart(ctx, view, first) if first else None,
    ]  # fmt: skip
    return tuple(c for c in charts if c is not None and c.series)
