"""The records of classified assessment (分类考核): bands, grades, schemes, standard values.

- :data:`BANDS`: the five standard levels of the efficacy-coefficient method (功效系数法) with
  their standard coefficients (本档标准系数) from 财统字〔1999〕6号: 优秀 1.0, 良好 0.8, 平均 0.6,
  较低 0.4, 较差 0.2;
- :data:`GRADES`: the grades of a total score (2006 rules: A 优 ≥ 85, B 良 ≥ 70, C 中 ≥ 50,
  D 低 ≥ 40, E 差 below), as data: pass another tuple to change the thresholds;
- :class:`Scheme` and :class:`SchemeItem`: an assessment scheme (考核方案) for a functional
  class, or for one enterprise (一企一策): indicators, weights summing to 100, direction;
- :class:`StandardRow` and :class:`StandardTable`: the standard values (企业绩效评价标准值) per
  year, industry and indicator, kept with their source;
- :class:`SpecialItem`: an entry of the special-items list (特殊事项清单), an amount taken out
  of (or added back to) an enterprise's figure before it is scored.

>>> grade_of(Decimal("85.0")).letter, grade_of(Decimal("84.9")).letter, grade_of(Decimal("12")).zh
('A', 'B', '差')
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from soeplan.indicators import Direction
from soeplan.provenance import Provider
from soeplan.structure.records import FunctionalClass

__all__ = [
    "BANDS",
    "BELOW_POOR",
    "GRADES",
    "Band",
    "Grade",
    "Scheme",
    "SchemeItem",
    "SpecialItem",
    "StandardRow",
    "StandardTable",
    "grade_of",
]


@attrs.frozen
class Band:
    """A standard level (档) of the efficacy-coefficient method and its standard coefficient."""

    key: str  #: ``excellent``, ``good``, ``average``, ``low``, ``poor`` (also the CSV columns)
    zh: str
    en: str
    coefficient: Decimal  #: 本档标准系数


#: The five standard levels, best first, with their standard coefficients (财统字〔1999〕6号).
BANDS: tuple[Band, ...] = (
    Band("excellent", "优秀", "Excellent", Decimal("1.0")),
    Band("good", "良好", "Good", Decimal("0.8")),
    Band("average", "平均", "Average", Decimal("0.6")),
    Band("low", "较低", "Low", Decimal("0.4")),
    Band("poor", "较差", "Poor", Decimal("0.2")),
)
#: Below the 较差 value: no base score and no adjustment, the item scores 0.
BELOW_POOR = Band("below", "较差以下", "Below poor", Decimal("0"))


@attrs.frozen
class Grade:
    """A grade of a total score: reached at ``minimum`` points or more."""

    letter: str
    zh: str
    en: str
    minimum: Decimal


#: The grades (2006 rules), best first; the last one's minimum is 0.
GRADES: tuple[Grade, ...] = (
    Grade("A", "优", "Excellent", Decimal(85)),
    Grade("B", "良", "Good", Decimal(70)),
    Grade("C", "中", "Fair", Decimal(50)),
    Grade("D", "低", "Low", Decimal(40)),
    Grade("E", "差", "Poor", Decimal(0)),
)


def grade_of(total: Decimal, grades: Sequence[Grade] = GRADES) -> Grade:
    """The first grade (best first) whose minimum ``total`` reaches; the last grade otherwise."""
    for g in grades:
        if total >= g.minimum:
            return g
    return grades[-1]


@attrs.frozen(kw_only=True)
class SchemeItem:
    """One indicator of a scheme: its weight (points of 100) and which way is better."""

    indicator: str
    weight: Decimal = attrs.field(converter=Decimal)
    direction: Direction = attrs.field(default=Direction.HIGHER, converter=Direction)
    note: str = ""

    @property
    def higher_is_better(self) -> bool:
        return self.direction is Direction.HIGHER


@attrs.frozen(kw_only=True)
class Scheme:
    """An assessment scheme (考核方案): for a functional class, or for one enterprise (一企一策).

    A scheme with ``entity`` applies to that enterprise only and takes precedence over its
    class's scheme; one with ``functional_class`` and ``unit`` applies to that class within the
    unit, before a city-wide scheme of the class (:func:`soeplan.choose_scheme`). The weights of ``items`` sum to 100 (the readers check it).
    """

    id: str
    name_zh: str
    name_en: str
    items: tuple[SchemeItem, ...]
    functional_class: FunctionalClass | None = None
    entity: str | None = None
    #: with a functional class: the scheme applies to that class within one county-level unit
    unit: str | None = None
    source: str = ""
    #: a default shipped with soeplan, to be reviewed by the office before it is used for real
    default: bool = False
    note_zh: str = ""
    note_en: str = ""
    provider: Provider | None = attrs.field(default=None, eq=False)

    @property
    def weight_total(self) -> Decimal:
        return sum((i.weight for i in self.items), Decimal(0))

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en


@attrs.frozen(kw_only=True)
class StandardRow:
    """The five standard values of one indicator in one industry and year, best level first.

    Ratio indicators are written in percent, as the published tables print them (10.5 for
    10.5 %); ``row`` is the row of the file it was read from.
    """

    year: int
    industry: str  #: a GB/T 4754 code, or ``*`` for all industries (全国国有企业)
    indicator: str
    values: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
    industry_name: str = ""
    source: str = ""
    row: int = 0


#: the industry code of a row that applies to every industry
ALL_INDUSTRIES = "*"


@attrs.frozen(kw_only=True)
class StandardTable:
    """Standard values read from one file: rows by year, industry and indicator, and the source."""

    rows: tuple[StandardRow, ...]
    source: str  #: the file it was read from, or the publication
    synthetic: bool = False  #: made-up values (the sample's), never published figures

    def years(self) -> tuple[int, ...]:
        return tuple(sorted({r.year for r in self.rows}))

    def lookup(self, year: int, industry: str | None, indicator: str) -> StandardRow | None:
        """The row for an enterprise's industry: its own code, then each shorter prefix of it
        (``C261``, ``C26``, ``C2``, ``C``), then the all-industries row ``*``."""
        rows = {(r.industry, r.indicator): r for r in self.rows if r.year == year}
        code = (industry or "").strip()
        for n in range(len(code), 0, -1):
            if (hit := rows.get((code[:n], indicator))) is not None:
                return hit
        return rows.get((ALL_INDUSTRIES, indicator))


@attrs.frozen(kw_only=True)
class SpecialItem:
    """An entry of the special-items list (特殊事项清单), applied before scoring.

    ``amount`` (in the indicator's unit) is added to the enterprise's figure of ``indicator``
    for ``year`` before its ratios are computed: positive adds back a cost a city task caused,
    negative takes out a windfall. ``indicator`` is an amount the ratios are computed from.
    """

    entity: str
    year: int
    indicator: str
    amount: Decimal
    reason: str
    source: str = ""
    row: int = 0
