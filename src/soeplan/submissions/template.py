"""Submission templates: what a county-level unit reports every year, and the template's layout.

A unit's entities (:func:`unit_entities`, from its structure) each report the indicators
:func:`reported_indicators` lists: only amounts and counts are asked for, ratios are recomputed
from them. The workbook (:func:`soeplan.submissions.template_workbook.write_template`) has a README
sheet (填报说明, in Chinese with English), the unit's entity list (企业名单) and a data sheet
(数据填报) with one row per reporting entity and a column per indicator it must report.
Machine-readable codes sit in a hidden row and a hidden column (indicator codes, entity ids) and
in a hidden sheet (plan, unit, year), so that a workbook still reads back correctly after someone
edits or translates the visible headers. :mod:`soeplan.submissions.readers` reads it back.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from soeplan.context import current
from soeplan.errors import UnknownNameError
from soeplan.indicators import Category, Indicator, Kind

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

#: Sheet names; every visible label carries its Chinese and its English form.
README_SHEET = "填报说明 README"
ENTITY_SHEET = "企业名单 Entities"
DATA_SHEET = "数据填报 Data"
META_SHEET = "_soeplan"
FINDINGS_SHEET = "发现问题 Findings"

#: Layout of the data sheet (1-based rows and columns, as Excel counts them).
CODE_ROW = 1  #: hidden: ``entity``, ``name``, ``node_type``, indicator codes, ``explanation``
TITLE_ROW = 2
HEADER_ZH_ROW = 3
HEADER_EN_ROW = 4
UNIT_ROW = 5
FIRST_DATA_ROW = 6
ENTITY_COL = 1  #: hidden: entity ids
NAME_COL = 2
TYPE_COL = 3
FIRST_INDICATOR_COL = 4

ENTITY_CODE = "entity"
NAME_CODE = "name"
TYPE_CODE = "node_type"
EXPLANATION_CODE = "explanation"
TEMPLATE_FORMAT = 1

SYNTHETIC_MARK = "示例数据（合成）/ Synthetic sample data: invented figures, not real enterprises"

#: Amounts that may legitimately be negative: an enterprise can make a loss (利润总额, 净利润) or be
#: insolvent (净资产 < 0). Every other amount (资产总额, 营业收入, and a plugin's amounts unless
#: listed here) and every count must be >= 0.
NEGATIVE_ALLOWED: frozenset[str] = frozenset({"net_assets", "total_profit", "net_profit"})


def can_be_negative(indicator: Indicator | str) -> bool:
    """Whether a negative value of this indicator is possible (a loss, negative equity)."""
    code = indicator if isinstance(indicator, str) else indicator.code
    return code in NEGATIVE_ALLOWED


@attrs.frozen
class TemplateEntity:
    """An entity as the template lists it: who it is, where it sits, whether it must report."""

    id: str
    name_zh: str
    name_en: str
    node_type: str
    parent: str | None
    functional_class: str | None
    required: bool  #: leaves (single enterprises, difference units) must fill every indicator
    synthetic: bool = False


def reported_indicators(unit: str, registry: Registry | None = None) -> tuple[Indicator, ...]:
    """The indicators a unit's entities report: amounts and counts (ratios are recomputed).

    The core's scale and quality amounts and counts, plus every local indicator registered by the
    plugin that registers this unit's structure (a county's own metrics).
    """
    reg = current(registry)
    unit_provider = getattr(reg.structures.get(unit), "provider", None)
    order = _catalogue_order()
    out = []
    for ind in sorted(reg.indicators.values(), key=lambda i: (order.get(i.code, 999), i.code)):
        if ind.kind is Kind.RATIO or ind.derived:
            continue
        plugin = ind.provider.plugin if ind.provider else "core"
        if plugin == "core" or (unit_provider is not None and plugin == unit_provider.plugin):
            out.append(ind)
    return tuple(out)


@functools.cache
def _catalogue_order() -> dict[str, int]:
    from soeplan.indicators import builtin_indicators

    return {ind.code: i for i, ind in enumerate(builtin_indicators())}


def required_indicators(unit: str, registry: Registry | None = None) -> tuple[Indicator, ...]:
    """The indicators every required entity must fill: the reported ones except local metrics.

    A county plugin's local metrics (category ``local``) apply to some enterprises only (the
    construction-waste park, the rated enterprises): their columns are filled where they apply.
    So are the assessment figures (category ``assessment``: the components of 一利五率).
    """
    optional = (Category.LOCAL, Category.ASSESSMENT)
    return tuple(i for i in reported_indicators(unit, registry) if i.category not in optional)


def _city_structure(sample: bool, registry: Registry | None) -> Any:
    from soeplan.structure.city import city_structure

    return city_structure(sample=sample, registry=registry)


def unit_entities(
    unit: str, year: int, registry: Registry | None = None
) -> tuple[TemplateEntity, ...]:
    """The unit's entities in force at the end of ``year``, parents before children.

    Uses the unit's registered structure; when that lists no enterprise for the unit (only
    groups, or nothing), the bundled synthetic sample list, each entity marked ``synthetic``.
    """
    return unit_context(unit, year, registry)[1]


def unit_context(
    unit: str, year: int, registry: Registry | None = None, *, structure: Any = None
) -> tuple[Any, tuple[TemplateEntity, ...]]:
    """The structure in force for ``unit`` and its entities in ``year`` (see :func:`unit_entities`)."""
    reg = current(registry)
    candidates = [structure] if structure is not None else [None, None]
    states: list[Any] = []
    for i, given in enumerate(candidates):
        st = given if given is not None else _city_structure(i == 1, reg)
        if unit not in st.units:
            known = ", ".join(sorted(st.units))
            raise UnknownNameError(
                f"unknown county-level unit {unit!r}; known units: {known}\n"
                "  fix: pass one of the known unit ids with --unit"
            )
        snap = st.at(year)
        states = [snap[e] for e in snap.entities_of_unit(unit)]
        if any(str(s.node_type) != "group" for s in states) or i == len(candidates) - 1:
            return st, _ordered(states)
    raise AssertionError("unreachable")  # pragma: no cover


def _ordered(states: Sequence[Any]) -> tuple[TemplateEntity, ...]:
    ids = {s.id for s in states}
    kids: dict[str | None, list[Any]] = {}
    for s in states:
        parent = s.parent if s.parent in ids else None
        kids.setdefault(parent, []).append(s)
    out: list[TemplateEntity] = []

    def walk(parent: str | None) -> None:
        for s in sorted(kids.get(parent, []), key=lambda e: e.id):
            children = kids.get(s.id, [])
            out.append(
                TemplateEntity(
                    id=s.id,
                    name_zh=s.name_zh,
                    name_en=getattr(s, "name_en", "") or "",
                    node_type=str(getattr(s.node_type, "value", s.node_type)),
                    parent=s.parent,
                    functional_class=(
                        str(getattr(s.functional_class, "value", s.functional_class))
                        if s.functional_class is not None
                        else None
                    ),
                    required=not children and str(s.node_type) != "group",
                    synthetic=bool(getattr(s, "synthetic", False)),
                )
            )
            walk(s.id)

    walk(None)
    return tuple(out)


def template_codes(indicators: Iterable[Indicator]) -> list[str]:
    """The hidden code row of a data sheet for these indicators."""
    return [ENTITY_CODE, NAME_CODE, TYPE_CODE, *[i.code for i in indicators], EXPLANATION_CODE]
