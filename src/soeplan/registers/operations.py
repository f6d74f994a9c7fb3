"""The capital operations register (资本运作台账): a unit's listing pipeline (拟上市企业梯队) and
its mixed-ownership reforms and restructurings (混合所有制改革与重组), with their labels.

One :class:`Operations` per unit, stated ``as_of`` a date like the enterprise register
(:mod:`soeplan.registers.records`): a :class:`ListingStep` per enterprise and stage reached
(摸排 → 认定 → 辅导 → 报会 → 上市, each dated), a :class:`Reform` per reform (its kind, date, the
state's share before and after, the investors where public). The workbook's layout is here too;
:mod:`soeplan.registers.operations_workbook` writes and reads it, every problem at once, and the
store keeps every loaded version (:mod:`soeplan.submissions.store_operations`).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import attrs

from soeplan.registers.layout import Column

__all__ = [
    "LISTING_COLUMNS",
    "LISTING_SHEET",
    "OPERATIONS_KIND",
    "REFORM_COLUMNS",
    "REFORM_SHEET",
    "ListingStage",
    "ListingStep",
    "Operations",
    "Reform",
    "ReformKind",
]


class ListingStage(StrEnum):
    """The stages of the listing pipeline (拟上市企业梯队), in order."""

    SCREENING = "screening"  #: 摸排
    IDENTIFIED = "identified"  #: 认定 (recognised as a listing reserve)
    TUTORING = "tutoring"  #: 辅导 (pre-listing tutoring filed with the regulator)
    FILED = "filed"  #: 报会 (application filed with the exchange / CSRC)
    LISTED = "listed"  #: 上市

    @property
    def zh(self) -> str:
        return {"screening": "摸排", "identified": "认定", "tutoring": "辅导", "filed": "报会",
                "listed": "上市"}[self.value]  # fmt: skip

    @property
    def en(self) -> str:
        return {"screening": "Screening", "identified": "Identified", "tutoring": "Tutoring",
                "filed": "Filed", "listed": "Listed"}[self.value]  # fmt: skip

    @property
    def rank(self) -> int:
        return list(ListingStage).index(self)


class ReformKind(StrEnum):
    """The kinds of reform and restructuring the plan names (§二, §四)."""

    STRATEGIC_INVESTOR = "strategic_investor"  #: 引入战略投资者
    EMPLOYEE_SHARES = "employee_shares"  #: 员工持股
    MIXED = "mixed_ownership"  #: 混合所有制改革 (other)
    INTEGRATION = "integration"  #: 兼并重组 / 专业化整合
    CORPORATISATION = "corporatisation"  #: 公司制改制
    TRANSFER = "transfer"  #: 资产划转 (an enterprise moved under another parent)
    #: 体系外资产纳入国资监管 (assets outside the system brought under supervision; ``amount``)
    SUPERVISION = "supervision"

    @property
    def zh(self) -> str:
        return {"strategic_investor": "引入战略投资者", "employee_shares": "员工持股",
                "mixed_ownership": "混合所有制改革", "integration": "专业化整合",
                "corporatisation": "公司制改制", "transfer": "资产划转",
                "supervision": "纳入国资监管"}[self.value]  # fmt: skip

    @property
    def en(self) -> str:
        return {"strategic_investor": "Strategic investors", "employee_shares":
                "Employee shareholding", "mixed_ownership": "Mixed-ownership reform",
                "integration": "Merger / specialised integration",
                "corporatisation": "Corporatisation", "transfer": "Asset transfer",
                "supervision": "Brought under supervision"}[self.value]  # fmt: skip

    @property
    def mixed(self) -> bool:
        """A form of mixed-ownership reform (混改): strategic investors, employee shares, other."""
        return self in (ReformKind.STRATEGIC_INVESTOR, ReformKind.EMPLOYEE_SHARES, ReformKind.MIXED)

    @property
    def structural(self) -> bool:
        """It changes the structure: a merger or integration, or a transfer (a structure event
        of the enterprise register is expected)."""
        return self in (ReformKind.INTEGRATION, ReformKind.TRANSFER)


@attrs.frozen(kw_only=True)
class ListingStep:
    """An enterprise reaching a stage of the listing pipeline on a date."""

    entity: str
    stage: ListingStage
    date: dt.date
    exchange: str = ""  #: where it lists or applies (上交所, 深交所, 北交所, HKEX)
    stock_code: str = ""  #: once listed
    note: str = ""
    row: int = attrs.field(default=0, eq=False)


@attrs.frozen(kw_only=True)
class Reform:
    """One reform or restructuring of an enterprise: its kind and date, the state's share before
    and after (fractions; ``None`` where not stated), the investors where public."""

    entity: str
    date: dt.date
    kind: ReformKind
    share_before: float | None = None
    share_after: float | None = None
    investors: str = ""
    note: str = ""
    #: 亿元: the assets the reform concerns (for ``supervision``: brought under supervision)
    amount: float | None = None
    #: the date of the structure event (merge, transfer) the reform is, where it names one
    event_date: dt.date | None = None
    row: int = attrs.field(default=0, eq=False)

    @property
    def share_change(self) -> float | None:
        if self.share_before is None or self.share_after is None:
            return None
        return self.share_after - self.share_before


@attrs.frozen(kw_only=True)
class Operations:
    """One unit's capital operations register, stated as of ``as_of``."""

    unit: str
    as_of: dt.date
    listings: tuple[ListingStep, ...] = ()
    reforms: tuple[Reform, ...] = ()
    source: str = ""


OPERATIONS_KIND = "operations"
LISTING_SHEET = "上市梯队 Listing pipeline"
REFORM_SHEET = "改革记录 Reforms"

LISTING_COLUMNS: tuple[Column, ...] = (
    Column("entity", "企业编码", "Entity ID", 16, True),
    Column("stage", "阶段", "Stage", 10, True),
    Column("date", "日期", "Date", 12, True),
    Column("exchange", "上市地点", "Exchange", 12),
    Column("stock_code", "股票代码", "Stock code", 12),
    Column("note", "备注", "Note", 30),
)
REFORM_COLUMNS: tuple[Column, ...] = (
    Column("entity", "企业编码", "Entity ID", 16, True),
    Column("date", "日期", "Date", 12, True),
    Column("kind", "改革类型", "Kind of reform", 16, True),
    Column("share_before", "改革前国有股权比例", "State share before", 14),
    Column("share_after", "改革后国有股权比例", "State share after", 14),
    Column("investors", "引入投资者", "Investors", 30),
    Column("note", "备注", "Note", 30),
    Column("amount", "涉及资产（亿元）", "Assets concerned (100 million yuan)", 14),
    Column("event_date", "关联结构变动日期", "Structure event date", 14),
)
