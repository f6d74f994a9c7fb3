"""The indicator schema: what an indicator is, and the catalogue of known indicators.

An :class:`Indicator` is a frozen record. Amounts and counts are summed when rolled up; a ratio is
*recomputed* from its summed components (:class:`Ratio`), never summed or averaged. The core's own
catalogue lives in ``soeplan/data/indicators.toml`` and is registered through the
``soeplan_indicators`` hook like any plugin's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import attrs

from soeplan._toml import read_toml, unknown_keys
from soeplan.errors import DataFileError, Problem
from soeplan.provenance import Provider


class Category(StrEnum):
    """Indicator category (一级指标)."""

    SCALE = "scale"  #: 总体规模
    QUALITY = "quality"  #: 发展质量
    LOCAL = "local"  #: a county's own metric (地方指标)
    #: a figure for classified assessment (考核指标, e.g. 一利五率): reported where the enterprise
    #: has it, never required of every enterprise
    ASSESSMENT = "assessment"

    @property
    def zh(self) -> str:
        return _CATEGORY_ZH[self]

    @property
    def en(self) -> str:
        return _CATEGORY_EN[self]


_CATEGORY_ZH = {
    Category.SCALE: "总体规模",
    Category.QUALITY: "发展质量",
    Category.LOCAL: "地方指标",
    Category.ASSESSMENT: "考核指标",
}
_CATEGORY_EN = {
    Category.SCALE: "Overall scale",
    Category.QUALITY: "Development quality",
    Category.LOCAL: "Local metrics",
    Category.ASSESSMENT: "Assessment indicators",
}


class Kind(StrEnum):
    """What sort of number an indicator is."""

    AMOUNT = "amount"  #: 金额 / 数量: money, or another additive quantity (亿元, 吨)
    RATIO = "ratio"  #: 比率: a fraction computed from other indicators (%)
    COUNT = "count"  #: 户数: a number of enterprises (家)


class Flow(StrEnum):
    """For amounts: a balance at year end (stock) or a total over the year (flow)."""

    STOCK = "stock"  #: 时点数: a balance at year end (total assets)
    FLOW = "flow"  #: 时期数: a total over the year (revenue, profit)
    #: 平均数: an average over the period (average headcount): in a monthly report the average
    #: from January to the month, neither summed over months nor a balance at the month's end
    AVERAGE = "average"
    NONE = "none"  #: 不适用: neither (ratios, counts)


class Aggregation(StrEnum):
    """How an indicator rolls up from entities to groups, units and scopes."""

    SUM = "sum"  #: 加总: add the children's values
    RECOMPUTE = "recompute"  #: 重算: recompute from the rolled-up components (ratios)
    NONE = "none"  #: 不汇总: does not roll up: stays with the entity or unit that reports it


class Direction(StrEnum):
    """Which way is better."""

    HIGHER = "higher"  #: 越高越好: higher is better (revenue, profit)
    LOWER = "lower"  #: 越低越好: lower is better (the debt ratio)


@attrs.frozen
class Ratio:
    """A ratio over two other indicators.

    ``value = numerator / denominator``, or ``1 − numerator / denominator`` when ``one_minus``.
    With ``denominator_average`` the denominator is the mean of the previous and the current
    year's values (opening and closing balance).
    """

    numerator: str
    denominator: str
    one_minus: bool = False
    denominator_average: bool = False

    @property
    def components(self) -> tuple[str, str]:
        return (self.numerator, self.denominator)

    def describe(self) -> str:
        den = (
            f"mean({self.denominator}[t−1], {self.denominator}[t])"
            if self.denominator_average
            else self.denominator
        )
        core = f"{self.numerator} / {den}"
        return f"1 − {core}" if self.one_minus else core

    def apply(self, numerator: float, denominator: float) -> float:
        """The ratio of two plain numbers (NaN when the denominator is zero)."""
        if denominator == 0:
            return float("nan")
        v = numerator / denominator
        return 1.0 - v if self.one_minus else v


@attrs.frozen(kw_only=True)
class Indicator:
    """One indicator (二级指标) of a plan's indicator system."""

    code: str
    name_zh: str
    name_en: str
    category: Category
    unit: str
    kind: Kind
    aggregation: Aggregation
    direction: Direction = Direction.HIGHER
    flow: Flow = Flow.NONE
    formula: Ratio | None = None
    #: For a county's metric that counts toward a core indicator in city-wide figures
    #: (e.g. a county's AA-rated enterprises count toward ``rated_aa``). It is reported instead
    #: of that indicator: for the same entity and year it replaces the core figure (counted once).
    rolls_into: str | None = None
    #: The largest value the indicator reaches city-wide, in its unit, where the plan publishes
    #: no figure for it: it sets the plausible range (:mod:`soeplan.submissions.magnitude`).
    magnitude: float | None = None
    #: Computed by soeplan from other figures and the registers (e.g. state capital from net
    #: assets and the register's state share), never reported: templates do not ask for it.
    derived: bool = False
    note_zh: str = ""
    note_en: str = ""
    provider: Provider | None = attrs.field(default=None, eq=False)

    @property
    def id(self) -> str:
        return self.code

    @property
    def higher_is_better(self) -> bool:
        return self.direction is Direction.HIGHER

    @property
    def is_ratio(self) -> bool:
        return self.kind is Kind.RATIO

    @property
    def is_percent(self) -> bool:
        """A ratio that is a fraction printed in percent (unit ``%``). A ratio with another unit
        (全员劳动生产率 in 万元/人) is recomputed like any ratio but printed as a number."""
        return self.kind is Kind.RATIO and self.unit == "%"

    @property
    def unit_en(self) -> str:
        return UNIT_EN.get(self.unit, self.unit)

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en


#: English forms of the unit symbols the documents use.
UNIT_EN: Mapping[str, str] = {
    "亿元": "100 million yuan",
    "万元": "10 thousand yuan",
    "%": "%",
    "家": "enterprises",
    "吨": "tonnes",
    "万吨": "10 thousand tonnes",
    "个": "items",
    "人": "persons",
    "万元/人": "10 thousand yuan per person",
}

_CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


def indicator_from_mapping(
    raw: Mapping[str, Any], where: str, problems: list[Problem]
) -> Indicator | None:
    """Build an :class:`Indicator` from a TOML table, appending every problem found."""
    code = raw.get("code")
    if not isinstance(code, str) or not code or not set(code) <= _CODE_CHARS:
        problems.append(
            Problem(
                f"{where}.code",
                f"code {code!r} is missing or not snake_case",
                "use lower-case letters, digits and underscores, e.g. total_assets",
            )
        )
        return None
    for key in ("name_zh", "name_en", "unit"):
        if not isinstance(raw.get(key), str) or not raw.get(key):
            problems.append(
                Problem(
                    f"{where}.{key}",
                    f"{key} is missing",
                    f"give {code} a {key} (every label has a Chinese and an English form)",
                )
            )
    formula = _formula(raw, where, problems)
    magnitude = _magnitude(raw, where, problems)
    category = _enum(Category, raw, "category", "local", where, problems)
    kind = _enum(Kind, raw, "kind", None, where, problems)
    aggregation = _enum(Aggregation, raw, "aggregation", "sum", where, problems)
    direction = _enum(Direction, raw, "direction", "higher", where, problems)
    flow = _enum(Flow, raw, "flow", "none", where, problems)
    if (
        category is None
        or kind is None
        or aggregation is None
        or direction is None
        or flow is None
        or any(not isinstance(raw.get(k), str) for k in ("name_zh", "name_en", "unit"))
    ):
        return None
    ind = Indicator(
        code=code,
        name_zh=raw["name_zh"],
        name_en=raw["name_en"],
        unit=raw["unit"],
        formula=formula,
        rolls_into=raw.get("rolls_into"),
        magnitude=magnitude,
        derived=bool(raw.get("derived", False)),
        note_zh=raw.get("note_zh", ""),
        note_en=raw.get("note_en", ""),
        category=category,
        kind=kind,
        aggregation=aggregation,
        direction=direction,
        flow=flow,
    )
    _check_ratio(ind, where, problems)
    return ind


_E = TypeVar("_E", bound=StrEnum)


def _enum(
    cls: type[_E],
    raw: Mapping[str, Any],
    key: str,
    default: str | None,
    where: str,
    problems: list[Problem],
) -> _E | None:
    """The value of ``key`` as a member of ``cls`` (``None``, with a problem, when it is not one)."""
    value = raw.get(key, default)
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        problems.append(
            Problem(
                f"{where}.{key}",
                f"{value!r} is not one of: {allowed}",
                f"set {key} to one of: {allowed}",
            )
        )
        return None


def _magnitude(raw: Mapping[str, Any], where: str, problems: list[Problem]) -> float | None:
    """The ``magnitude`` of an indicator, if the table gives one: a positive, finite number."""
    m = raw.get("magnitude")
    if m is None:
        return None
    if isinstance(m, bool) or not isinstance(m, int | float) or not 0 < m < float("inf"):
        problems.append(
            Problem(
                f"{where}.magnitude",
                f"magnitude {m!r} is not a positive number",
                "give the largest value the indicator reaches city-wide, in its unit, e.g. "
                "magnitude = 200000",
            )
        )
        return None
    return float(m)


def _formula(raw: Mapping[str, Any], where: str, problems: list[Problem]) -> Ratio | None:
    """The ``formula`` of a ratio, if the table has one."""
    f = raw.get("formula")
    if f is None:
        return None
    if not isinstance(f, Mapping) or not {"numerator", "denominator"} <= set(f):
        problems.append(
            Problem(
                f"{where}.formula",
                "formula needs numerator and denominator",
                'write formula = { numerator = "...", denominator = "..." }',
            )
        )
        return None
    return Ratio(
        str(f["numerator"]),
        str(f["denominator"]),
        bool(f.get("one_minus", False)),
        bool(f.get("denominator_average", False)),
    )


def _check_ratio(ind: Indicator, where: str, problems: list[Problem]) -> None:
    """A ratio has a formula and is recomputed, never summed; only a ratio has a formula."""
    if ind.kind is not Kind.RATIO and ind.formula is not None:
        problems.append(
            Problem(
                f"{where}.formula",
                f"{ind.kind.value} {ind.code} has a formula, which only a ratio uses",
                'make it kind = "ratio" with aggregation = "recompute", or drop the formula',
            )
        )
    if ind.kind is Kind.RATIO and ind.formula is None:
        problems.append(
            Problem(
                f"{where}.formula",
                f"ratio {ind.code} has no formula",
                "give a formula over other indicators, or make it an amount",
            )
        )
    if ind.kind is Kind.RATIO and ind.aggregation is Aggregation.SUM:
        problems.append(
            Problem(
                f"{where}.aggregation",
                f"ratio {ind.code} cannot be summed",
                'use aggregation = "recompute" (or "none" for a local figure)',
            )
        )


#: The keys of an indicator file: at its top, in each ``[[indicator]]`` and in a ``formula``.
FILE_KEYS = frozenset({"source", "indicator"})
INDICATOR_KEYS = frozenset(
    {
        "code",
        "name_zh",
        "name_en",
        "category",
        "unit",
        "kind",
        "aggregation",
        "direction",
        "flow",
        "formula",
        "rolls_into",
        "magnitude",
        "derived",
        "note_zh",
        "note_en",
    }
)
FORMULA_KEYS = frozenset({"numerator", "denominator", "one_minus", "denominator_average"})


def load_indicators(path: Path | str) -> tuple[Indicator, ...]:
    """Load an indicator file: ``[[indicator]]`` tables (:doc:`/reference/indicators-format`).

    Every problem of the file is reported at once, each at its place (``indicator[2].rolls_int:
    unknown key 'rolls_int'``, with the closest known key as the fix): a misspelt key is
    refused, never quietly ignored.
    """
    path = Path(path)
    raw = read_toml(path, kind="indicator file")
    problems: list[Problem] = unknown_keys(raw, FILE_KEYS, "file")
    out = []
    tables = raw.get("indicator", [])
    if not isinstance(tables, list):
        problems.append(
            Problem("indicator", "indicator is not a list of tables", "write [[indicator]] tables")
        )
        tables = []
    for i, table in enumerate(tables):
        where = f"indicator[{i}]"
        if not isinstance(table, Mapping):
            problems.append(Problem(where, "not a table", "write each as an [[indicator]] table"))
            continue
        problems += unknown_keys(table, INDICATOR_KEYS, where)
        if isinstance(table.get("formula"), Mapping):
            problems += unknown_keys(table["formula"], FORMULA_KEYS, f"{where}.formula")
        ind = indicator_from_mapping(table, where, problems)
        if ind is not None:
            out.append(ind)
    problems += check_formulas(out, {i.code for i in out})
    if problems:
        raise DataFileError(path, problems)
    return tuple(out)


def check_formulas(indicators: Iterable[Indicator], known: set[str]) -> list[Problem]:
    """Every ratio's components must be known, non-ratio indicators."""
    problems = []
    for ind in indicators:
        if ind.formula is None:
            continue
        for comp in ind.formula.components:
            if comp not in known:
                problems.append(
                    Problem(
                        f"indicator {ind.code}.formula",
                        f"component {comp!r} is not a known indicator",
                        "define that indicator, or correct the formula",
                    )
                )
    return problems


def builtin_indicators() -> tuple[Indicator, ...]:
    """The core's catalogue, as shipped in ``soeplan/data/indicators.toml``."""
    ref = resources.files("soeplan") / "data" / "indicators.toml"
    with resources.as_file(ref) as p:
        return load_indicators(p)
