"""Register workbooks built in code: the template, filled in cell by cell through its codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from soeplan.registers.layout import (
    AS_OF_CELL,
    CHANGES_SHEET,
    CODE_ROW,
    ENTITIES_SHEET,
    FIRST_ROW,
    INSTRUCTIONS_SHEET,
)
from soeplan.registers.workbook import write_register_template
from soeplan.structure.city import city_file

#: A small real-looking county register: a group, two enterprises, a rename.
CHANGSHAN = [
    {"id": "cs.group", "name_zh": "常山县国有资产经营集团", "name_en": "Changshan State Assets Group",
     "credit_code": "91350100M000100Y43", "node_type": "集团", "functional_class": "商业二类",
     "industry": "L72", "sector": "基础设施与民生保障", "state_share": 1, "rating": "AA",
     "rating_agency": "中诚信国际", "rating_date": dt.date(2023, 6, 30)},
    {"id": "cs.water", "name_zh": "常山县水务有限公司", "parent": "cs.group", "node_type": "单户",
     "functional_class": "公益类", "industry": "D46", "sector": "基础设施与民生保障",
     "state_share": "51%"},
    {"id": "cs.tour", "name_zh": "常山县文旅发展有限公司", "parent": "cs.group",
     "functional_class": "商业一类", "industry": "N78", "sector": "现代服务业",
     "state_share": 0.8, "listed": "否"},
]  # fmt: skip
CHANGSHAN_CHANGES = [
    {"date": dt.date(2022, 6, 1), "kind": "更名", "entity": "cs.tour",
     "name_zh": "常山县文化旅游有限公司", "name_en": "Changshan Culture and Tourism"},
]  # fmt: skip


def unit(unit_id: str) -> Any:
    return next(u for u in city_file().units if u.id == unit_id)


def fill(
    path: Path,
    entities: Sequence[Mapping[str, Any]] = (),
    changes: Sequence[Mapping[str, Any]] = (),
    *,
    as_of: Any = dt.date(2023, 12, 31),
    first: int = FIRST_ROW,
) -> Path:
    """Fill rows of a register workbook by column code (existing rows from ``first`` on are
    overwritten); ``as_of`` is put in the as-of cell."""
    wb = load_workbook(path)
    for sheet, rows in ((ENTITIES_SHEET, entities), (CHANGES_SHEET, changes)):
        ws = wb[sheet]
        cols = {c.value: c.column for c in ws[CODE_ROW] if c.value}
        for i, row in enumerate(rows, start=first):
            for code, value in row.items():
                ws.cell(row=i, column=cols[code], value=value)
    wb[INSTRUCTIONS_SHEET][AS_OF_CELL] = as_of
    wb.save(path)
    return path


def register_workbook(
    path: Path,
    unit_id: str = "changshan",
    entities: Sequence[Mapping[str, Any]] = CHANGSHAN,
    changes: Sequence[Mapping[str, Any]] = CHANGSHAN_CHANGES,
    **kwargs: Any,
) -> Path:
    """A blank register template of ``unit_id``, filled with ``entities`` and ``changes``."""
    write_register_template(path, unit=unit(unit_id))
    return fill(path, entities, changes, **kwargs)
