"""The register workbook's layout: its sheets, its columns (code, Chinese and English header),
and the spellings accepted for each choice.

The workbook (:func:`soeplan.registers.workbook.write_register_template`) has an instructions
sheet (填表说明), an entities sheet (企业名录) and a changes sheet (变更记录); each data sheet has a
hidden row 1 with the column codes, the Chinese header in row 2, the English header in row 3 and
data from row 4. The reader finds each column by its code, so headers may be edited or
translated and columns moved. ``docs/reference/register-format.md`` documents every column.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from soeplan.registers.records import RATINGS, StrategicSector
from soeplan.structure.records import EventKind, FunctionalClass, NodeType

INSTRUCTIONS_SHEET = "填表说明 Instructions"
ENTITIES_SHEET = "企业名录 Entities"
CHANGES_SHEET = "变更记录 Changes"
META_SHEET = "_soeplan"
REGISTER_KIND = "register"
REGISTER_FORMAT = 1

CODE_ROW = 1
HEADER_ZH_ROW = 2
HEADER_EN_ROW = 3
FIRST_ROW = 4
#: where the instructions sheet holds the register's as-of date (截至日期)
AS_OF_CELL = "B3"


@attrs.frozen
class Column:
    code: str
    zh: str
    en: str
    width: int = 16
    required: bool = False


ENTITY_COLUMNS: tuple[Column, ...] = (
    Column("id", "企业编码", "ID", 16, True),
    Column("name_zh", "企业名称", "Name (Chinese)", 30, True),
    Column("name_en", "英文名称", "Name (English)", 30),
    Column("credit_code", "统一社会信用代码", "Unified social credit code", 22),
    Column("parent", "上级企业编码", "Parent ID", 16),
    Column("node_type", "单位类型", "Node type", 10),
    Column("functional_class", "功能分类", "Functional class", 12),
    Column("industry", "行业代码", "Industry (GB/T 4754)", 12),
    Column("sector", "战略领域", "Strategic sector", 20),
    Column("state_share", "国有股权比例", "State ownership share", 12),
    Column("listed", "是否上市", "Listed", 8),
    Column("exchange", "上市地点", "Exchange", 12),
    Column("stock_code", "股票代码", "Stock code", 10),
    Column("rating", "信用评级", "Credit rating", 10),
    Column("rating_agency", "评级机构", "Rating agency", 16),
    Column("rating_date", "评级日期", "Rating date", 12),
    Column("since", "设立日期", "Since", 12),
    Column("note", "备注", "Note", 24),
)

CHANGE_COLUMNS: tuple[Column, ...] = (
    Column("date", "变更日期", "Date", 12, True),
    Column("kind", "变更类型", "Kind of change", 12, True),
    Column("entity", "企业编码", "Entity ID", 16, True),
    Column("target", "目标企业编码", "Target ID", 16),
    Column("name_zh", "新名称", "New name (Chinese)", 30),
    Column("name_en", "新英文名称", "New name (English)", 30),
    Column("unit", "划入单位", "New unit", 12),
    Column("note", "说明", "Note", 30),
)

#: The label the drop-down shows for each choice (Chinese, as clerks read it).
NODE_LABELS: Mapping[NodeType, str] = {
    NodeType.SINGLE: "单户",
    NodeType.GROUP: "集团",
    NodeType.DIFFERENCE: "差额",
}
CLASS_LABELS: Mapping[FunctionalClass, str] = {c: c.zh for c in FunctionalClass}
SECTOR_LABELS: Mapping[StrategicSector, str] = {s: s.zh for s in StrategicSector}
KIND_LABELS: Mapping[EventKind, str] = {k: k.zh for k in EventKind}
LISTED_LABELS = ("是", "否")


def _spellings(labels: Mapping[Any, str], extra: Mapping[str, object]) -> dict[str, object]:
    """Every accepted spelling of a choice (lower case): its label, its code, its English name."""
    out: dict[str, object] = {}
    for member, label in labels.items():
        out[label.lower()] = member
        out[str(getattr(member, "value", member)).lower()] = member
        en = getattr(member, "en", None)
        if isinstance(en, str):
            out[en.lower()] = member
    out.update({k.lower(): v for k, v in extra.items()})
    return out


NODE_CHOICES = _spellings(
    NODE_LABELS, {"集团汇总": NodeType.GROUP, "差额单位": NodeType.DIFFERENCE}
)
CLASS_CHOICES = _spellings(CLASS_LABELS, {"商业1类": FunctionalClass.COMMERCIAL_1,
                                          "商业2类": FunctionalClass.COMMERCIAL_2,
                                          "公益": FunctionalClass.PUBLIC})  # fmt: skip
SECTOR_CHOICES = _spellings(
    SECTOR_LABELS, {"基础设施": StrategicSector.INFRASTRUCTURE, "其它": StrategicSector.OTHER}
)
KIND_CHOICES = _spellings(
    KIND_LABELS,
    {
        "设立": EventKind.CREATE,
        "新设立": EventKind.CREATE,
        "合并": EventKind.MERGE,
        "吸收合并": EventKind.MERGE,
        "划转": EventKind.TRANSFER,
        "无偿划转": EventKind.TRANSFER,
        "注销": EventKind.DISSOLVE,
        "撤销": EventKind.DISSOLVE,
    },
)
LISTED_CHOICES: dict[str, object] = {
    **dict.fromkeys(("是", "y", "yes", "true", "1", "已上市", "上市"), True),
    **dict.fromkeys(("否", "n", "no", "false", "0", "未上市"), False),
}
RATING_CHOICES: dict[str, object] = {r.lower(): r for r in RATINGS}


def shown(choices: Mapping[Any, str]) -> str:
    """The labels of a choice, for a message: ``单户, 集团, 差额``."""
    return ", ".join(choices.values())
