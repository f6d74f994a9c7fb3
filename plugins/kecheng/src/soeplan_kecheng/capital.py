"""柯城区's capital registers (资本登记表), provided through ``soeplan_capital_registers``.

**Synthetic** (示例数据（合成）): the enterprises are the bundled sample's invented examples, and
their sectors, state shares and ratings agree with the sample's (the investment company rated
AA since 2018, the urban construction company since 2022; the recycling park company's employee
shareholding in 2022). A run on a store that holds no register of 柯城区 uses these; once the
office loads the district's own, those win.
"""

from __future__ import annotations

import datetime as dt

from soeplan import (
    CapitalRegisters,
    NodeType,
    Operations,
    Reform,
    ReformKind,
    Register,
    RegisterEntry,
    StrategicSector,
)

UNIT = "kecheng"
SOURCE = "柯城区示例资本登记表（合成数据） Kecheng synthetic capital registers"
AGENCY = "示例评级机构（合成）"
NOTE = "示例（合成）"


def _entries(year: int) -> tuple[RegisterEntry, ...]:
    """The district's enterprises as stated for the end of ``year``."""
    aa = {"rating": "AA", "rating_agency": AGENCY}
    rows: tuple[tuple[str, str, StrategicSector, dict[str, object]], ...] = (
        ("kc.capital", "柯城区国有资本运营集团（示例）", StrategicSector.MODERN_SERVICES,
         {"node_type": NodeType.GROUP, "parent": None}),
        ("kc.invest", "柯城区示例国有资产投资有限公司", StrategicSector.MODERN_SERVICES,
         {**aa, "rating_date": dt.date(2018, 6, 30)}),
        ("kc.urban", "柯城区示例城市建设发展有限公司", StrategicSector.INFRASTRUCTURE,
         {**aa, "rating_date": dt.date(2022, 6, 30)} if year >= 2022 else {}),
        ("kc.agri", "柯城区示例农业发展有限公司", StrategicSector.OTHER, {}),
        ("kc.recycle", "柯城区示例建筑垃圾资源化利用有限公司", StrategicSector.EMERGING,
         {"state_share": 0.95 if year >= 2022 else 1.0}),
    )  # fmt: skip
    return tuple(
        RegisterEntry(
            id=i, name_zh=name, unit=UNIT, sector=sector, note=NOTE,
            **{"parent": "kc.capital", "state_share": 1.0, **more},  # type: ignore[arg-type]
        )
        for i, name, sector, more in rows
    )  # fmt: skip


def capital_registers() -> CapitalRegisters:
    """The district's synthetic registers: the enterprise register as of the end of each year
    2021–2023 (the 2021 one stands for the years before), and the capital operations register
    as of the end of 2023."""
    registers = tuple(
        Register(unit=UNIT, as_of=dt.date(y, 12, 31), entries=_entries(y), source=SOURCE)
        for y in (2021, 2022, 2023)
    )
    operations = Operations(
        unit=UNIT,
        as_of=dt.date(2023, 12, 31),
        reforms=(
            Reform(entity="kc.urban", date=dt.date(2018, 11, 30),
                   kind=ReformKind.CORPORATISATION, note=NOTE),
            Reform(entity="kc.recycle", date=dt.date(2022, 12, 1),
                   kind=ReformKind.EMPLOYEE_SHARES, share_before=1.0, share_after=0.95,
                   note=NOTE),
        ),
        source=SOURCE,
    )  # fmt: skip
    return CapitalRegisters(
        unit=UNIT, registers=registers, operations=operations, source=SOURCE, synthetic=True
    )
