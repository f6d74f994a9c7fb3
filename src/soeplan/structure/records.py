"""Operating structures: entities, their dated changes, county-level units and scope compositions.

A structure is *dated*: entities are created, renamed, merged into another, moved to another parent
(资产划转) or dissolved at a date, and a rollup for year ``Y`` uses the structure in force at the end
of ``Y``. Structures are data (TOML); each county-level unit's structure is a :class:`UnitStructure`
registered through the ``soeplan_structures`` hook, by the core for the municipal groups, by a
county's plugin for its own unit.

This module holds the records. A structure file is read by :mod:`soeplan.structure.file` (see
``docs/reference/structure-format.md``), the sources are composed and checked by
:mod:`soeplan.structure.compose` into the dated :class:`~soeplan.structure.dated.Structure`, and
the city's is put together by :mod:`soeplan.structure.city`.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

import attrs

from soeplan.provenance import Provider


class NodeType(StrEnum):
    """The kind of node an entity is in the reporting tree (单位类型)."""

    SINGLE = "single"  #: 单户: a single enterprise that reports its own figures
    GROUP = "group"  #: 集团汇总: a group whose figures are the rollup of its children
    DIFFERENCE = "difference"  #: 差额: carries intra-group eliminations of its parent group

    @property
    def zh(self) -> str:
        return {"single": "单户", "group": "集团汇总", "difference": "差额"}[self.value]

    @property
    def en(self) -> str:
        return {"single": "single enterprise", "group": "group", "difference": "difference unit"}[
            self.value
        ]


class FunctionalClass(StrEnum):
    """Functional classification used in SOE supervision (功能分类)."""

    COMMERCIAL_1 = "commercial_1"  #: 商业一类: competitive
    COMMERCIAL_2 = "commercial_2"  #: 商业二类: strategic / special tasks
    PUBLIC = "public"  #: 公益类: public welfare

    @property
    def zh(self) -> str:
        return {"commercial_1": "商业一类", "commercial_2": "商业二类", "public": "公益类"}[
            self.value
        ]

    @property
    def en(self) -> str:
        return {
            "commercial_1": "Commercial I (competitive)",
            "commercial_2": "Commercial II (strategic)",
            "public": "Public welfare",
        }[self.value]


class EventKind(StrEnum):
    """A dated change of structure."""

    CREATE = "create"  #: the entity starts to exist (新设)
    RENAME = "rename"  #: the entity takes a new name (更名); same entity, same id
    MERGE = "merge"  #: the entity is absorbed into ``target`` (兼并重组, 吸收合并)
    TRANSFER = "transfer"  #: the entity moves under a new parent ``target`` (资产划转)
    DISSOLVE = "dissolve"  #: the entity ceases to exist (注销)

    @property
    def zh(self) -> str:
        return {
            "create": "新设",
            "rename": "更名",
            "merge": "兼并重组",
            "transfer": "资产划转",
            "dissolve": "注销",
        }[self.value]


@attrs.frozen
class CountyUnit:
    """A county-level unit (县（市、区）) or the municipal level (市本级)."""

    id: str
    name_zh: str
    name_en: str
    kind: str = "county"  # "municipal", "district", "county_city" or "county"

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en


@attrs.frozen
class ScopeComposition:
    """Which county-level units a plan scope consists of (全市 = all units; 市区 = a reading)."""

    scope: str
    units: tuple[str, ...]
    source: str = ""
    assumption: str = ""
    name_zh: str = ""  #: e.g. 全市; empty: the scope id is shown
    name_en: str = ""

    def name(self, lang: str = "zh") -> str:
        return (self.name_zh if lang == "zh" else self.name_en) or self.scope


@attrs.frozen(kw_only=True)
class Entity:
    """An enterprise (or group, or difference unit) as it first appears in a structure.

    ``parent`` is ``None`` for a top-level entity of its unit. Later renames, merges and transfers
    are :class:`StructureEvent` records; :meth:`soeplan.structure.dated.Structure.at` applies them.
    """

    id: str
    name_zh: str
    unit: str
    node_type: NodeType = NodeType.SINGLE
    parent: str | None = None
    functional_class: FunctionalClass | None = None
    credit_code: str | None = None  #: 18-character unified social credit code (统一社会信用代码)
    name_en: str = ""
    since: dt.date | None = None  #: None: existed before any year of interest
    #: More than one parent at once is an error; a co-owned entity names its *consolidating*
    #: parent here and its other owners in ``co_owners`` (counted once, under ``parent``).
    co_owners: tuple[str, ...] = ()
    synthetic: bool = False
    note: str = ""
    #: industry (行业), a code of GB/T 4754 (国民经济行业分类): a section letter, optionally with
    #: its division digits, e.g. ``"E48"``; the debt-risk lines are set from it
    #: (:mod:`soeplan.assessment.debt_risk`)
    industry: str | None = None


#: A GB/T 4754 industry code: a section letter A–T, optionally two to four digits.
INDUSTRY_CODE = re.compile(r"^[A-T](\d{2,4})?$")


def industry_problem(code: str) -> str | None:
    """Why ``code`` is not a GB/T 4754 industry code, or ``None`` when it is.

    >>> industry_problem("E48") is None, industry_problem("D")
    (True, None)
    >>> industry_problem("城投")
    "'城投' is not a GB/T 4754 code (a section letter A–T, then up to 4 digits, e.g. E48)"
    """
    if INDUSTRY_CODE.match(code):
        return None
    return f"{code!r} is not a GB/T 4754 code (a section letter A–T, then up to 4 digits, e.g. E48)"


@attrs.frozen(kw_only=True)
class StructureEvent:
    """A dated change: rename, merge, transfer, create or dissolve."""

    date: dt.date
    kind: EventKind
    entity: str
    target: str | None = None  #: MERGE: the absorbing entity; TRANSFER: the new parent
    name_zh: str | None = None  #: RENAME: the new Chinese name
    unit: str | None = None  #: TRANSFER across units: the new unit
    #: RENAME: the new English name (without it the English name stays as it was)
    name_en: str | None = None
    source: str = ""
    note: str = ""


@attrs.frozen(kw_only=True)
class UnitStructure:
    """The dated operating structure of one county-level unit, as a plugin or the core registers it."""

    unit: str
    name: str = ""  #: e.g. "1+4+N国资运营架构"
    entities: tuple[Entity, ...] = ()
    events: tuple[StructureEvent, ...] = ()
    source: str = ""
    assumption: str = ""
    synthetic: bool = False
    provider: Provider | None = attrs.field(default=None, eq=False)

    @property
    def id(self) -> str:
        return self.unit
