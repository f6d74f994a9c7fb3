"""The records of an enterprise register (企业名录 / 产权登记) and their labels.

A :class:`Register` is one unit's entity list as a county keeps it: one :class:`RegisterEntry`
per enterprise (who it is, where it sits, its functional class, industry, strategic sector,
state ownership share, listing and credit rating) and one :class:`RegisterChange` per dated
change (新设, 更名, 兼并重组, 资产划转, 注销). A register is *dated* twice over: its changes date the
structure (as a structure file's events do), and the register itself is stated ``as_of`` a
date, so that the attributes it carries (sector, share, rating) are known for that date; the
store keeps every loaded version (:mod:`soeplan.submissions.store_registers`).

:meth:`Register.unit_structure` turns a register into the
:class:`~soeplan.structure.records.UnitStructure` the rollup runs on; the attributes a structure
has no place for stay in the register.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import attrs

from soeplan.structure.records import (
    Entity,
    EventKind,
    FunctionalClass,
    NodeType,
    StructureEvent,
    UnitStructure,
)

__all__ = [
    "RATINGS",
    "Register",
    "RegisterChange",
    "RegisterEntry",
    "StrategicSector",
]


class StrategicSector(StrEnum):
    """The plan's strategic sectors for the layout of state capital (布局结构, §二(三))."""

    INFRASTRUCTURE = "infrastructure"  #: 基础设施与民生保障
    MODERN_SERVICES = "modern_services"  #: 现代服务业
    EMERGING = "emerging"  #: 战略性新兴产业
    OTHER = "other"  #: 其他

    @property
    def zh(self) -> str:
        return {
            "infrastructure": "基础设施与民生保障",
            "modern_services": "现代服务业",
            "emerging": "战略性新兴产业",
            "other": "其他",
        }[self.value]

    @property
    def en(self) -> str:
        return {
            "infrastructure": "Infrastructure and public services",
            "modern_services": "Modern services",
            "emerging": "Strategic emerging industries",
            "other": "Other",
        }[self.value]


#: The long-term credit rating scale of Chinese rating agencies, best first.
RATINGS: tuple[str, ...] = (
    "AAA",
    "AA+",
    "AA",
    "AA-",
    "A+",
    "A",
    "A-",
    "BBB+",
    "BBB",
    "BBB-",
    "BB+",
    "BB",
    "BB-",
    "B+",
    "B",
    "B-",
    "CCC",
    "CC",
    "C",
)


@attrs.frozen(kw_only=True)
class RegisterEntry:
    """One enterprise of a register, as the county states it on the register's ``as_of`` date.

    ``state_share`` is the state's ownership share as a fraction (0.51 for 51 %); ``None`` where
    the register leaves it blank. A rating comes with its agency and date, or not at all.
    ``row`` is the workbook row it was read from (0 when built in code).
    """

    id: str
    name_zh: str
    unit: str
    name_en: str = ""
    credit_code: str | None = None
    parent: str | None = None
    node_type: NodeType = NodeType.SINGLE
    functional_class: FunctionalClass | None = None
    industry: str | None = None  #: GB/T 4754 code, e.g. ``E48``
    sector: StrategicSector | None = None
    state_share: float | None = None
    listed: bool = False
    exchange: str = ""  #: e.g. 上交所 / SSE
    stock_code: str = ""
    rating: str | None = None  #: one of :data:`RATINGS`
    rating_agency: str = ""
    rating_date: dt.date | None = None
    since: dt.date | None = None  #: 设立日期; None: existed before any year of interest
    note: str = ""
    row: int = attrs.field(default=0, eq=False)

    def to_entity(self) -> Entity:
        """The entity as a structure carries it (its register-only attributes left out)."""
        return Entity(**shared_fields(self, Entity))

    @classmethod
    def of(cls, entity: Entity) -> RegisterEntry:
        """A structure's entity as a register entry (the attributes it has no place for blank)."""
        return cls(**shared_fields(entity, cls))


@attrs.frozen(kw_only=True)
class RegisterChange:
    """A dated change of a register's entity (the changes sheet, 变更记录)."""

    date: dt.date
    kind: EventKind
    entity: str
    target: str | None = None  #: MERGE: the absorbing entity; TRANSFER: the new parent
    name_zh: str | None = None  #: RENAME: the new name
    name_en: str | None = None  #: RENAME: the new English name
    unit: str | None = None  #: TRANSFER to another unit: that unit
    note: str = ""
    row: int = attrs.field(default=0, eq=False)

    def to_event(self, source: str = "") -> StructureEvent:
        return StructureEvent(**shared_fields(self, StructureEvent), source=source)

    @classmethod
    def of(cls, event: StructureEvent) -> RegisterChange:
        return cls(**shared_fields(event, cls))


def shared_fields(record: Any, cls: type[Any]) -> dict[str, Any]:
    """The attributes of ``record`` that ``cls`` has too (a register's and a structure's records
    share their common attributes by name), besides where each came from."""
    names = set(attrs.fields_dict(cls)) & set(attrs.fields_dict(type(record)))
    return {n: getattr(record, n) for n in sorted(names - {"row", "source", "synthetic"})}


@attrs.frozen(kw_only=True)
class Register:
    """One unit's register: its entries and dated changes, stated as of ``as_of``."""

    unit: str
    as_of: dt.date
    entries: tuple[RegisterEntry, ...] = ()
    changes: tuple[RegisterChange, ...] = ()
    source: str = ""  #: the file it was read from, or the store version it came from

    def entry(self, entity_id: str) -> RegisterEntry | None:
        return next((e for e in self.entries if e.id == entity_id), None)

    def unit_structure(self) -> UnitStructure:
        """The register as the structure of its unit (real data: never marked synthetic)."""
        where = self.source or f"register of {self.unit}"
        return UnitStructure(
            unit=self.unit,
            name=f"企业名录 register ({self.as_of.isoformat()})",
            entities=tuple(e.to_entity() for e in self.entries),
            events=tuple(
                c.to_event(where)
                for c in sorted(self.changes, key=lambda c: (c.date, c.entity, c.kind.value))
            ),
            source=where,
            synthetic=False,
        )
