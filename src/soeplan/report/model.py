"""The report model: what a yearly run found, as frozen records, before any writer lays it out.

A :class:`Report` holds numbers at full precision (ratios as fractions); the writers (Excel,
HTML, Markdown) round once, when they print. Labels come from :mod:`soeplan.report.i18n`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path

import attrs
import polars as pl

from soeplan.arithmetic.rounding import Rounding
from soeplan.assessment.records import BoundStatus, MidTerm, Status, Verdict
from soeplan.plan.tables import PlanTable as PublishedTable
from soeplan.provenance import PluginFailure, Provider
from soeplan.rules import empty_findings
from soeplan.sections import SectionContent, Text


class CellFormat(StrEnum):
    """How a number is shown: the one place a writer decides rounding and number format."""

    AMOUNT = "amount"  #: 0.01, e.g. 亿元
    RATIO = "ratio"  #: a fraction shown as a percentage to 0.01 percentage points
    COUNT = "count"  #: a whole number (家)
    GROWTH = "growth"  #: a growth rate (fraction), shown like a ratio
    POINTS = "points"  #: a difference or change of a ratio (fraction), in percentage points
    SCORE = "score"  #: a total score to one decimal (an assessment's 总分: 93.9)
    TEXT = "text"


class WatchLevel(StrEnum):
    """Debt-ratio control line an entity is above."""

    WARNING = "warning"  #: at or above the warning line (预警线)
    KEY = "key"  #: at or above the key-supervision line (重点监管线)

    @property
    def label_key(self) -> str:
        return f"level_{self.value}"


DEBT_LINES_SOURCE = (
    "Defaults: warning line = the plan's binding ceiling (65%), key-supervision line = 70%. "
    "The 2018 national guidance (关于加强国有企业资产负债约束的指导意见) sets the warning line at "
    "the industry average + 5 percentage points and key supervision at + 10; central SOEs have "
    "used 65%/70% for industrial enterprises (70%/75% for non-industrial)."
)


@attrs.frozen
class DebtLines:
    """The debt-ratio control lines (fractions). Configurable; the defaults are documented above."""

    warning: float = 0.65
    key_supervision: float = 0.70
    source: str = DEBT_LINES_SOURCE

    def __attrs_post_init__(self) -> None:
        if not 0 < self.warning <= self.key_supervision < 1.5:
            from soeplan.errors import SoeplanError

            raise SoeplanError(
                f"debt-ratio lines {self.warning:.2%} / {self.key_supervision:.2%} are not valid\n"
                "  fix: give fractions with 0 < warning <= key supervision, e.g. 0.65 and 0.70"
            )

    def level(self, ratio: float) -> WatchLevel | None:
        if ratio >= self.key_supervision:
            return WatchLevel.KEY
        if ratio >= self.warning:
            return WatchLevel.WARNING
        return None


@attrs.frozen
class InputFile:
    """An input file of the run and its SHA-256 checksum."""

    path: str
    sha256: str
    unit: str | None = None

    @classmethod
    def of(cls, path: Path | str, unit: str | None = None) -> InputFile:
        """Checksum a file (or, for a directory such as an ingest store, every file in it)."""
        p = Path(path)
        h = hashlib.sha256()
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for f in files:
            if p.is_dir():
                h.update(str(f.relative_to(p)).encode())
            with f.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        return cls(str(path), h.hexdigest(), unit)


@attrs.frozen
class SetAside:
    """A unit left out of the rollup because of blocking findings."""

    unit: str
    name: Text
    errors: int
    file: str = ""  #: the file set aside, when it was a submitted file


@attrs.frozen
class PartialScope:
    """A scope whose total misses some of its units (the run was allowed to be partial).

    ``missing`` names each missing unit with its state, e.g. ``Text("柯城区（待上报）",
    "Kecheng (expected)")``. ``year`` is ``None`` for the report's year; an earlier year of the
    store that is partial too (its figures are in the charts) names its year.

    >>> p = PartialScope("city", ("kecheng",), (Text("柯城区（待上报）", "Kecheng (expected)"),))
    >>> p.note("zh"), p.note("en")
    ('部分：缺 1 个单位（柯城区（待上报））', 'partial: missing 1 unit (Kecheng (expected))')
    >>> attrs.evolve(p, year=2022).note("zh")
    '2022年部分：缺 1 个单位（柯城区（待上报））'
    """

    scope: str
    units: tuple[str, ...]  #: the missing units' ids
    missing: tuple[Text, ...]  #: the same units, named with their state
    year: int | None = None

    def note(self, lang: str) -> str:
        """``部分：缺 …单位`` / ``partial: missing …``, naming the units."""
        names = ("、" if lang == "zh" else ", ").join(m(lang) for m in self.missing)
        n = len(self.missing)
        if lang == "zh":
            when = f"{self.year}年" if self.year is not None else ""
            return f"{when}部分：缺 {n} 个单位（{names}）"
        when = f"{self.year} " if self.year is not None else ""
        return f"{when}partial: missing {n} unit{'s' if n != 1 else ''} ({names})"


@attrs.frozen(kw_only=True)
class ReportMeta:
    plan_id: str
    plan_title: Text
    document: str
    year: int
    base_year: int
    target_year: int
    scopes: tuple[tuple[str, Text], ...]
    lang: str
    #: the plugins that contributed to the run (the core too), with distribution and version
    plugins: tuple[Provider, ...]
    inputs: tuple[InputFile, ...]
    synthetic: bool
    generated_at: dt.datetime
    soeplan_version: str
    debt_lines: DebtLines = DebtLines()
    explain_example: str = ""
    #: names of county-level units, for rows about a unit (a county plugin's own targets)
    unit_names: tuple[tuple[str, Text], ...] = ()
    #: names of the entities, for rows about an entity (the findings)
    entity_names: tuple[tuple[str, str], ...] = ()
    #: How the plan prints ratios (Table 1's convention); every ratio in the report follows it,
    #: so a figure the plan also prints reads the same in both.
    ratio_rounding: Rounding = Rounding.HALF_UP
    #: scopes totalled without some of their units (``--allow-partial``); empty: complete
    partial: tuple[PartialScope, ...] = ()
    #: the units whose figures are synthetic, when the report mixes synthetic and real figures
    synthetic_units: tuple[str, ...] = ()
    #: plugins that failed to load or failed in the run (a rule, a section, a reader): their
    #: contribution was left out, and the report says so
    plugin_failures: tuple[PluginFailure, ...] = ()


@attrs.frozen
class Cell:
    value: float | None
    fmt: CellFormat
    text: Text | None = None  #: a label shown instead of the number (e.g. 低于65%)
    rounding: Rounding = Rounding.HALF_UP  #: the plan's convention for this column


@attrs.frozen
class ScopeRow:
    """One indicator's row of a :class:`ScopeTable`: its label, unit and cells."""

    indicator: str
    label: Text
    unit: Text
    cells: tuple[Cell, ...]


@attrs.frozen(kw_only=True)
class ScopeTable:
    """Table 1 or Table 2 of the plan, for one scope, in the plan's layout, with the run's figures.

    Not the plan's table as published (:class:`soeplan.plan.tables.PlanTable`, all scopes, cells
    as the document prints them): numbers here are the report's, at full precision.
    """

    number: int
    scope: str
    scope_name: Text
    title: Text
    columns: tuple[Text, ...]
    rows: tuple[ScopeRow, ...]
    #: (year, column index) of the cells that carry an indicator's value for a year
    year_columns: tuple[tuple[int, int], ...] = ()


@attrs.frozen(kw_only=True)
class AssessmentRow:
    """One target of one scope, assessed for the report year (ratios and growth as fractions)."""

    scope: str
    indicator: str
    label: Text
    fmt: CellFormat
    kind: str  #: TargetKind value
    binding: bool
    base: float | None
    actual: float | None
    milestone: float | None
    target: float
    stretch: float | None
    strict: bool
    target_year: int
    #: "compound" (rates are growth rates) or "linear" (rates are changes in the unit per year)
    method: str | None
    #: growth (or change) per year still needed from the actual value to reach the target
    required_growth: float | None
    #: growth (or change) per year from the base that reaches the target (the whole period)
    required_rate: float | None = None
    #: Statistics Canada's R = d·actual / abs(required)
    ratio: float | None = None
    #: the row's headline verdict (one per target)
    verdict: Verdict | None = None
    #: a ceiling or floor approached from the wrong side, assessed as a path
    path: bool = False
    #: the value in the target year at the observed pace
    projection: float | None = None
    #: how far the projection falls short of the target (positive = short)
    gap: float | None = None
    higher_is_better: bool = True

    @property
    def milestone_gap(self) -> float | None:
        """How far the actual value falls short of the year's milestone (positive = short)."""
        if self.milestone is None or self.actual is None:
            return None
        short = self.milestone - self.actual
        return short if self.higher_is_better else -short

    #: growth (or change) per year since the base year
    actual_growth: float | None
    completion: float | None
    time_share: float | None
    status: Status | None  #: level targets: progress band (Eurostat)
    midterm: MidTerm | None  #: level targets: 时间过半、任务过半 category
    compliance: BoundStatus | None  #: ceilings and floors
    headroom: float | None  #: ceilings and floors: distance to the bound, positive = inside

    @property
    def attention(self) -> bool:
        """Whether the row needs the office's attention: its verdict is neither achieved nor
        on track (a row with no observation is counted apart)."""
        return self.verdict not in {None, Verdict.ACHIEVED, Verdict.ON_TRACK}

    @property
    def reached(self) -> bool:
        return self.verdict is Verdict.ACHIEVED


@attrs.frozen(kw_only=True)
class ComplianceRow:
    """A binding target (约束性) checked in the report year."""

    scope: str
    indicator: str
    label: Text
    fmt: CellFormat
    kind: str
    limit: float
    strict: bool
    actual: float | None
    headroom: float | None  #: distance to the limit, positive = inside
    complies: bool | None
    status: BoundStatus | None = None


@attrs.frozen(kw_only=True)
class DebtWatchRow:
    entity: str
    name: str
    unit: str
    unit_name: Text
    total_assets: float
    net_assets: float
    debt_ratio: float
    level: WatchLevel


#: A chart's unit of measure when it has none.
NO_UNIT = Text("", "")


@attrs.frozen(kw_only=True)
class Series:
    """An indicator's trajectory for one scope: actuals by year, milestone path and target."""

    scope: str
    scope_name: Text
    indicator: str
    label: Text
    fmt: CellFormat
    kind: str
    actual: tuple[tuple[int, float], ...]
    milestones: tuple[tuple[int, float], ...]
    target_year: int
    target: float
    stretch: float | None = None
    unit: Text = NO_UNIT  #: the unit of measure (亿元, %, 家)


@attrs.frozen(kw_only=True)
class Breakdown:
    """One indicator's values for the report year by county-level unit."""

    indicator: str
    label: Text
    fmt: CellFormat
    values: tuple[tuple[str, Text, float], ...]  #: (unit id, unit name, value)
    unit: Text = NO_UNIT  #: the unit of measure (亿元, %, 家)


@attrs.frozen(kw_only=True)
class UnitLag:
    """A county-level unit lagging on an amount target of a scope: its own values by year against
    the path the scope's required pace sets from its base (:mod:`soeplan.report.laggards`)."""

    scope: str
    scope_name: Text
    indicator: str
    label: Text
    fmt: CellFormat
    unit_of_measure: Text  #: 亿元
    unit: str
    unit_name: Text
    actual: tuple[tuple[int, float], ...]  #: the unit's values, base year to the report year
    path: tuple[tuple[int, float], ...]  #: base × (1 + required)^years, to the target year
    actual_rate: float | None
    required_rate: float
    ratio: float | None  #: R = actual rate / required rate
    gap_share: float | None  #: its shortfall over the sum of the units' shortfalls
    rank: int  #: 1 = the slowest
    members: int  #: how many units were ranked
    own_target: bool = False  #: the required rate is the unit's own target's


@attrs.frozen(kw_only=True)
class RenderedSection:
    """A report section after rendering: its content and who provided it."""

    id: str
    title: Text
    unit: str | None
    provider: Provider | None
    content: SectionContent
    error: str | None = None  #: why the section could not be rendered, if it failed
    #: the plugin failure, when it failed (its content is then empty)
    failure: PluginFailure | None = None
    seconds: float = 0.0  #: how long rendering took
    #: the short name of its workbook sheet (:attr:`soeplan.ReportSection.sheet`)
    sheet: Text | None = None


@attrs.frozen(kw_only=True)
class Report:
    """Everything a yearly run produced, ready for the writers."""

    meta: ReportMeta
    tables: tuple[ScopeTable, ...]
    assessment: tuple[AssessmentRow, ...]
    compliance: tuple[ComplianceRow, ...]
    debt_watch: tuple[DebtWatchRow, ...]
    series: tuple[Series, ...]
    breakdowns: tuple[Breakdown, ...]
    sections: tuple[RenderedSection, ...]
    set_aside: tuple[SetAside, ...] = ()
    #: the units lagging on each amount target, slowest first (empty without a rollup)
    laggards: tuple[UnitLag, ...] = ()
    findings: pl.DataFrame = attrs.field(factory=empty_findings, eq=False)
    #: the consolidated scope totals the report was built from: ``scope, year, indicator, value``
    totals: pl.DataFrame = attrs.field(factory=pl.DataFrame, eq=False)
    #: the plan's own Tables 1 and 2 as published (:func:`soeplan.plan.tables.build_table`), by language
    published: Mapping[str, tuple[PublishedTable, ...]] = attrs.field(factory=dict, eq=False)

    def published_tables(self) -> tuple[PublishedTable, ...]:
        """The plan's published tables in the report's language."""
        return tuple(self.published.get(self.lang, ()))

    @property
    def lang(self) -> str:
        return self.meta.lang

    def with_lang(self, lang: str) -> Report:
        """The same report, labelled in another language."""
        return attrs.evolve(self, meta=attrs.evolve(self.meta, lang=lang))

    def data_strings(self) -> set[str]:
        """Deliberate data that stays as it is in every language: names, files, quoted values.

        Writers mark these as data; the translation test allows CJK only inside them.
        """
        out: set[str] = {w.name for w in self.debt_watch}
        out |= {f.path for f in self.meta.inputs}
        out.add(self.meta.document)  # the plan's document number, e.g. 衢发改发〔2021〕29号
        for col in ("file", "sheet", "cell", "unit", "entity", "expected", "found", "fix"):
            if col in self.findings.columns:
                out |= {str(v) for v in self.findings[col].drop_nulls().to_list()}
        for failure in self.meta.plugin_failures:  # a plugin's own words, as it raised them
            out |= {failure.text("zh"), failure.text("en")}
        for sec in self.sections:  # text values inside a plugin section's tables are its data
            for t in sec.content.tables:
                for col, dtype in t.frame.schema.items():
                    if dtype == pl.String:
                        out |= {str(v) for v in t.frame[col].drop_nulls().to_list()}
        return {s for s in out if s}

    def partial_note(self, scope: str) -> str | None:
        """The partial marking of ``scope`` for the report's year, in the report's language
        (``None``: complete)."""
        for p in self.meta.partial:
            if p.scope == scope and p.year is None:
                return p.note(self.lang)
        return None

    def chart_note(self, scope: str) -> str | None:
        """The partial marking of ``scope`` over every year a chart shows (``None``: complete)."""
        notes = [p.note(self.lang) for p in self.meta.partial if p.scope == scope]
        return ("；" if self.lang == "zh" else "; ").join(notes) if notes else None

    def table(self, number: int, scope: str) -> ScopeTable:
        for t in self.tables:
            if t.number == number and t.scope == scope:
                return t
        raise KeyError((number, scope))


def texts(items: Iterable[tuple[str, str]]) -> tuple[Text, ...]:
    return tuple(Text(zh, en) for zh, en in items)
