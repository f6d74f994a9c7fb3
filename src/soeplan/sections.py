"""Report sections: bilingual blocks of text, tables and charts that the core and plugins
contribute.

A :class:`ReportSection` renders, from a :class:`SectionContext`, a :class:`SectionContent`:
paragraphs, tables and charts (:class:`SectionChart`: values by year, as lines or stacked
bars), each with a Chinese and an English form. The report writers (Excel, HTML, Markdown) lay
the content out; a section never formats for one medium (the page draws a chart as inline SVG,
the workbook writes its figures as a table).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import polars as pl

from soeplan.provenance import Provider, a_type

if TYPE_CHECKING:  # records of higher layers, named for type checkers only
    from soeplan.consolidation.records import Rollup
    from soeplan.plan.model import Plan
    from soeplan.structure.dated import Structure


@attrs.frozen
class Text:
    """A label or paragraph in both languages."""

    zh: str
    en: str

    def __call__(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@attrs.frozen(kw_only=True)
class SectionTable:
    """A table of a section: a frame plus bilingual column labels (by column name).

    ``formats`` says how a column's numbers are shown, by column name: an indicator's code (its
    kind and unit decide: a ratio as a percentage, a count whole, an amount in money to 0.01,
    another amount such as tonnes with thousands separators and no more decimals than it has),
    or one of ``amount``, ``ratio``, ``growth`` (a rate, shown as a percentage), ``points``,
    ``count`` and ``text``. A column not named there whose name is an indicator's code is shown
    by that indicator; any other by its type. Numbers stay numbers in the workbook.
    """

    title: Text
    frame: pl.DataFrame = attrs.field(eq=False)
    labels: Mapping[str, Text] = attrs.field(factory=dict)
    formats: Mapping[str, str] = attrs.field(factory=dict)


#: The kinds of :class:`SectionChart`: a line per series, or each year's values stacked as bars.
CHART_KINDS = ("line", "bars")
#: How a chart's values and ticks print (the formats of :class:`SectionTable` that are numbers).
CHART_FORMATS = ("amount", "ratio", "growth", "points", "count")


@attrs.frozen(kw_only=True)
class ChartSeries:
    """One series a :class:`SectionChart` draws: its values by year, under a legend label.
    ``key`` names it in the drawing (``data-key``) and in the workbook's figures."""

    key: str
    label: Text
    points: tuple[tuple[int, float], ...]


@attrs.frozen(kw_only=True)
class ChartLevel:
    """A level a :class:`SectionChart` draws across every year, dashed: a floor, a ceiling or a
    target value, under a legend label."""

    key: str
    label: Text
    value: float


@attrs.frozen(kw_only=True)
class SectionChart:
    """A section's chart of values by year: a line per series (``kind="line"``), or each year's
    values of the series stacked into one bar (``kind="bars"``, for counts of kinds), with
    ``levels`` drawn across.

    ``unit`` is the unit of measure (亿元, %, 家); the writers add it to ``title`` (``资产证券化率
    （%）``), so every chart names its unit. ``format`` says how values and axis ticks print, as a
    table column's would (``ratio``: fractions as percentages; ``count``: whole ticks). Every
    series and level is in the legend.

    >>> from soeplan import SectionChart, ChartSeries, ChartLevel, Text
    >>> c = SectionChart(title=Text("三大领域国有资本占比", "Strategic-sector share"),
    ...     unit=Text("%", "%"), format="ratio",
    ...     series=(ChartSeries(key="city", label=Text("全市", "City"),
    ...                         points=((2022, 0.95), (2023, 0.97))),),
    ...     levels=(ChartLevel(key="floor", label=Text("下限 90%", "Floor 90%"), value=0.9),))
    >>> c.full_title("zh"), c.full_title("en")
    ('三大领域国有资本占比（%）', 'Strategic-sector share (%)')
    >>> c.years()
    [2022, 2023]
    """

    title: Text
    unit: Text
    series: tuple[ChartSeries, ...]
    levels: tuple[ChartLevel, ...] = ()
    kind: str = "line"
    format: str = "amount"
    #: the value axis starts at zero (else it spans the values and levels alone: a share that
    #: moves between 95 % and 98 % against a 90 % floor); bars always start at zero
    from_zero: bool = True

    def full_title(self, lang: str = "zh") -> str:
        """The title with the unit of measure: ``标题（亿元）`` / ``Title (100 million yuan)``."""
        unit = self.unit(lang)
        if not unit:
            return self.title(lang)
        return f"{self.title(lang)}（{unit}）" if lang == "zh" else f"{self.title(lang)} ({unit})"

    def years(self) -> list[int]:
        """Every year any series has a value for, in order."""
        return sorted({y for s in self.series for y, _ in s.points})


@attrs.frozen(kw_only=True)
class SectionContent:
    paragraphs: tuple[Text, ...] = ()
    tables: tuple[SectionTable, ...] = ()
    charts: tuple[SectionChart, ...] = ()


@attrs.frozen(kw_only=True)
class SectionContext:
    """What a section's ``render(ctx)`` sees: the report's year and language, the plan, the
    composed structure, the observations and the rollup. Every field but ``year`` may be
    ``None`` (a section renders from any context, saying so when figures are missing: the
    conformance kit renders it with ``year`` and ``observations`` only).

    ``consolidated`` is the run's :class:`soeplan.Rollup`: ask it for one figure with
    ``ctx.consolidated.value(node, indicator, year)``, or use :meth:`value` (this year by
    default). ``node`` is an entity id (``kc.recycle``), a group's id, a county-level unit's id
    (``kecheng``) or a scope's id (``city``, ``urban``).

    ``rollup`` is the same figures as a long frame (kept for sections written before
    ``consolidated``; ``ctx.consolidated.values`` is the same frame), one row per node, year
    and indicator, the columns of :data:`soeplan.VALUE_SCHEMA`:

    - ``node``: the node's id, as above;
    - ``node_type``: ``"entity"`` (an enterprise or a difference unit 差额, as reported),
      ``"group"`` (a group 集团: the sum of its children), ``"unit"`` (a county-level unit,
      市本级 included: the sum of its entities) or ``"scope"`` (a scope of the plan: the sum of
      its units);
    - ``name_zh``, ``name_en``: the node's names (全市 / City-wide); ``name_en`` is the Chinese
      name where the structure gives no English one;
    - ``unit``: the county-level unit the node belongs to (``None`` for a scope);
    - ``year``, ``indicator`` (its code), ``value`` (full precision; ratios as fractions,
      recomputed from the summed components at every level).

    ``observations`` is the run's validated entity-level frame (``unit, entity, year,
    indicator, value``, with ``synthetic`` and ``source`` when the run has them); ``options``
    anything else the run passes (``synthetic``: the figures are the bundled sample's;
    ``debt_baselines``).
    """

    year: int
    plan: Plan | None = None
    structure: Structure | None = None
    observations: pl.DataFrame | None = None
    rollup: pl.DataFrame | None = None
    lang: str = "zh"
    options: Mapping[str, Any] = attrs.field(factory=dict)
    consolidated: Rollup | None = attrs.field(default=None, eq=False)

    @classmethod
    def of_rollup(
        cls,
        result: Rollup,
        *,
        year: int,
        plan: Plan | None = None,
        observations: pl.DataFrame | None = None,
        lang: str = "zh",
        options: Mapping[str, Any] | None = None,
    ) -> SectionContext:
        """The context a yearly run gives: ``result``'s structure, the :class:`soeplan.Rollup`
        itself (``consolidated``) and its values frame (``rollup``); for a plugin's own tests.

        >>> from soeplan import city_structure, rollup
        >>> from soeplan.sample import sample_observations
        >>> result = rollup(sample_observations([2023]), city_structure(sample=True))
        >>> ctx = SectionContext.of_rollup(result, year=2023)
        >>> ctx.value("city", "total_assets") == result.value("city", "total_assets", 2023)
        True
        """
        return cls(
            year=year,
            plan=plan,
            structure=result.structure,
            observations=observations,
            rollup=result.values,
            consolidated=result,
            lang=lang,
            options=dict(options or {}),
        )

    def value(self, node: str, indicator: str, year: int | None = None) -> float | None:
        """One figure of the rollup (full precision): ``node``'s ``indicator`` in ``year``
        (default: the report's year); ``None`` when the run has none, or gave no rollup.

        >>> SectionContext(year=2023).value("kecheng", "total_assets") is None
        True
        """
        if self.consolidated is None:
            return None
        return self.consolidated.value(node, indicator, self.year if year is None else year)


@attrs.frozen(kw_only=True)
class ReportSection:
    """A section of the yearly report."""

    id: str
    title: Text
    render: Callable[[SectionContext], SectionContent] = attrs.field(eq=False)
    order: int = 100  #: position among sections (ties broken by id)
    unit: str | None = None  #: the county-level unit it is about, if any
    #: the short name of its sheet in the workbook (at most 31 characters in each language);
    #: without one, the title up to the last whole word that fits
    sheet: Text | None = None
    provider: Provider | None = attrs.field(default=None, eq=False)


def content_problems(content: object) -> list[str]:
    """Why a section's ``render`` result cannot be laid out (its types), or ``[]`` when it can.

    What the report checks before it lays a section out; the conformance kit
    (:func:`soeplan.testing.check_section_content`) asks more (both languages everywhere, a
    label for every column).

    >>> content_problems(SectionContent(paragraphs=(Text("说明", "Note"),)))
    []
    >>> content_problems({"text": "a dict"})
    ['returned a dict, expected a SectionContent']
    >>> content_problems(SectionContent(paragraphs=("plain text",)))
    ['paragraph 0 is a str, expected a Text(zh=..., en=...)']
    """
    if not isinstance(content, SectionContent):
        return [f"returned {a_type(content)}, expected a SectionContent"]
    out: list[str] = []

    def text(where: str, t: object) -> None:
        if not (isinstance(t, Text) and isinstance(t.zh, str) and isinstance(t.en, str)):
            out.append(f"{where} is {a_type(t)}, expected a Text(zh=..., en=...)")

    for name in ("paragraphs", "tables", "charts"):
        if not isinstance(getattr(content, name, ()), tuple | list):
            out.append(f"{name} is {a_type(getattr(content, name))}, expected a tuple")
    if out:
        return out
    for i, p in enumerate(content.paragraphs):
        text(f"paragraph {i}", p)
    for i, table in enumerate(content.tables):
        if not isinstance(table, SectionTable):
            out.append(f"table {i} is {a_type(table)}, expected a SectionTable")
            continue
        text(f"table {i}'s title", table.title)
        if not isinstance(table.frame, pl.DataFrame):
            out.append(f"table {i}'s frame is {a_type(table.frame)}, expected a DataFrame")
        if not isinstance(table.labels, Mapping):
            out.append(f"table {i}'s labels are {a_type(table.labels)}, expected a dict")
            continue
        for col, label in table.labels.items():
            text(f"table {i}'s label of {col!r}", label)
        formats = getattr(table, "formats", {})
        if not isinstance(formats, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in formats.items()
        ):
            out.append(f"table {i}'s formats are {a_type(formats)}, expected a dict of str")
    for i, chart in enumerate(getattr(content, "charts", ())):
        out += _chart_problems(i, chart, text)
    return out


def _chart_problems(i: int, chart: object, text: Callable[[str, object], None]) -> list[str]:
    """Why a section's chart cannot be drawn (``text`` records a label that is no Text)."""
    if not isinstance(chart, SectionChart):
        return [f"chart {i} is {a_type(chart)}, expected a SectionChart"]
    out: list[str] = []
    text(f"chart {i}'s title", chart.title)
    text(f"chart {i}'s unit", chart.unit)
    if chart.kind not in CHART_KINDS:
        out.append(f"chart {i}'s kind is {chart.kind!r}, expected one of {', '.join(CHART_KINDS)}")
    if chart.format not in CHART_FORMATS:
        out.append(f"chart {i}'s format is {chart.format!r}, expected one of "
                   f"{', '.join(CHART_FORMATS)}")  # fmt: skip
    for j, item in enumerate((*chart.series, *chart.levels)):
        if not isinstance(item, ChartSeries | ChartLevel):
            out.append(f"chart {i}'s item {j} is {a_type(item)}, expected a ChartSeries")
            continue
        text(f"chart {i}'s label of {item.key!r}", item.label)
        values = [item.value] if isinstance(item, ChartLevel) else [v for _, v in item.points]
        if not all(isinstance(v, int | float) and v == v for v in values):
            out.append(f"chart {i}'s {item.key!r} has a value that is not a number")
    return out
