"""The synthetic sample's enterprise registers (示例数据（合成），非真实企业数据).

**Every attribute here is invented**, like the sample's figures (:mod:`soeplan.sample`): one
register per unit and year 2015–2023, stated as of 31 December, over the sample's entities as
they stand at that date. The ratings and listings are those the sample's counts are generated
from (:data:`soeplan.sample_profiles.RATINGS`, :data:`~soeplan.sample_profiles.LISTED`), so the
register's counts agree with the sample's submitted counts and with Table 1's published 2020
figures (AA+: 3; AA: 15 全市, 8 市区). Sectors follow each entity's industry
(:data:`SAMPLE_SECTORS`); state shares are 100 % except :data:`SAMPLE_SHARES`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache

import polars as pl

from soeplan.capital.attributes import register_attributes
from soeplan.registers.operations import ListingStage, ListingStep, Operations, Reform, ReformKind
from soeplan.registers.records import Register, RegisterEntry, StrategicSector
from soeplan.sample import SAMPLE_YEARS
from soeplan.sample_profiles import LISTED, RATINGS
from soeplan.structure.city import city_structure
from soeplan.structure.dated import EntityState

__all__ = [
    "SAMPLE_AGENCY",
    "SAMPLE_REGISTER_SOURCE",
    "SAMPLE_SECTORS",
    "SAMPLE_SHARES",
    "sample_attributes",
    "sample_operations",
    "sample_registers",
]

_I, _S, _E, _O = (
    StrategicSector.INFRASTRUCTURE,
    StrategicSector.MODERN_SERVICES,
    StrategicSector.EMERGING,
    StrategicSector.OTHER,
)
#: Synthetic: each entity's (or group's) strategic sector. An entity without one takes its
#: nearest group's (the 差额 unit its group's).
SAMPLE_SECTORS: Mapping[str, StrategicSector] = {
    "mun.guozi": _S, "mun.guozi.hq": _S, "mun.guozi.capital": _S, "mun.guozi.bus": _I,
    "mun.jinkong": _S, "mun.jinkong.hq": _S, "mun.jinkong.fund": _E, "mun.jinkong.lease": _S,
    "mun.jinkong.guarantee": _O,
    "mun.jiaotou": _I, "mun.jiaotou.hq": _I, "mun.jiaotou.airport": _I, "mun.jiaotou.road": _I,
    "mun.chengtou": _I, "mun.chengtou.hq": _I, "mun.chengtou.water": _I,
    "mun.chengtou.build": _I,
    "mun.dahuayuan": _S, "mun.dahuayuan.hq": _S, "mun.dahuayuan.tourism": _S,
    "mun.dahuayuan.agri": _O,
    "mun.lvfa": _E, "mun.lvfa.hq": _E, "mun.lvfa.park": _E,
    "mun.jitou": _I, "mun.jitou.hq": _I, "mun.jitou.property": _O,
    "kc.invest": _S, "kc.urban": _I, "kc.recycle": _E, "kc.agri": _O,
    "qj.capital.hq": _S, "qj.transport": _I, "qj.urban": _I, "qj.industry": _E,
    "qj.culture": _S, "qj.water": _I, "qj.housing": _I,
    "js.hq": _S, "js.urban": _I, "js.transport": _I, "js.tourism": _S, "js.scenic": _S,
    "js.water": _I,
    "cs.hq": _S, "cs.liangshan": _E, "cs.urban": _I,
    "kh.hq": _S, "kh.tourism": _S, "kh.water": _I,
    "ly.hq": _S, "ly.urban": _I, "ly.industry": _E,
}  # fmt: skip

#: Synthetic: state ownership shares below 100 %, from a year on: entity -> ((year, share), ...).
SAMPLE_SHARES: Mapping[str, tuple[tuple[int, float], ...]] = {
    "mun.guozi.capital": ((2015, 1.0), (2023, 0.55)),  # listed in 2023
    "mun.jinkong.lease": ((2015, 0.75),),
    "mun.jinkong.fund": ((2015, 1.0), (2021, 0.6)),
    "js.tourism": ((2015, 1.0), (2022, 0.8)),
    "kh.tourism": ((2015, 0.7),),
    "kc.recycle": ((2015, 1.0), (2022, 0.95)),  # employee shareholding
}

#: The rating agency every sample rating names: invented, and says so.
SAMPLE_AGENCY = "示例评级机构（合成）"
#: The source every sample register carries.
SAMPLE_REGISTER_SOURCE = "示例企业名录（合成数据） synthetic sample register"

_RATING_LABELS = {"rated_aaa": "AAA", "rated_aa_plus": "AA+", "rated_aa": "AA"}


def _dated(path: tuple[tuple[int, object], ...], year: int) -> tuple[int, object] | None:
    held = [(y, v) for y, v in path if y <= year]
    return held[-1] if held else None


def _entry(state: EntityState, unit: str, year: int) -> RegisterEntry:
    eid = state.id
    rating = _dated(RATINGS.get(eid, ()), year)
    share = _dated(SAMPLE_SHARES.get(eid, ()), year)
    listed = LISTED.get(eid, 9999) <= year
    return RegisterEntry(
        id=eid,
        name_zh=state.name_zh,
        name_en=state.name_en,
        unit=unit,
        parent=state.parent,
        node_type=state.node_type,
        functional_class=state.functional_class,
        sector=SAMPLE_SECTORS.get(eid),
        state_share=float(share[1]) if share else 1.0,  # type: ignore[arg-type]
        listed=listed,
        exchange="上交所" if listed else "",
        stock_code="示例600001" if listed else "",
        rating=_RATING_LABELS[str(rating[1])] if rating else None,
        rating_agency=SAMPLE_AGENCY if rating else "",
        rating_date=dt.date(rating[0], 6, 30) if rating else None,
        note="示例（合成）",
    )


@cache
def sample_registers() -> tuple[Register, ...]:
    """The sample's registers: one per unit and year 2015–2023, as of 31 December, marked
    synthetic in their source and every entry's note.

    >>> from soeplan.capital.sample_register import sample_registers
    >>> r = [r for r in sample_registers() if r.unit == "municipal" and r.as_of.year == 2020][0]
    >>> e = r.entry("mun.jitou.hq")
    >>> e.rating, e.rating_agency, e.rating_date, e.sector.zh
    ('AA+', '示例评级机构（合成）', datetime.date(2020, 6, 30), '基础设施与民生保障')
    """
    structure = city_structure(sample=True)
    out = []
    for year in SAMPLE_YEARS:
        snap = structure.at(year)
        for unit in sorted(structure.units):
            states = [snap[i] for i in snap.entities_of_unit(unit)]
            if not states:
                continue
            out.append(
                Register(
                    unit=unit,
                    as_of=dt.date(year, 12, 31),
                    entries=tuple(_entry(s, unit, year) for s in states),
                    source=SAMPLE_REGISTER_SOURCE,
                )
            )
    return tuple(out)


def sample_attributes() -> pl.DataFrame:
    """The sample registers' attributes for every sample year
    (:data:`~soeplan.capital.attributes.ATTRIBUTE_SCHEMA`)."""
    return register_attributes(sample_registers(), SAMPLE_YEARS)


_D = dt.date
#: Synthetic: the listing pipeline (拟上市企业梯队): entity -> ((stage, date), ...).
SAMPLE_PIPELINE: Mapping[str, tuple[tuple[ListingStage, dt.date], ...]] = {
    "mun.guozi.capital": (
        (ListingStage.SCREENING, _D(2021, 3, 1)), (ListingStage.IDENTIFIED, _D(2021, 9, 1)),
        (ListingStage.TUTORING, _D(2022, 2, 15)), (ListingStage.FILED, _D(2022, 11, 30)),
        (ListingStage.LISTED, _D(2023, 6, 28)),
    ),
    "mun.lvfa.park": ((ListingStage.SCREENING, _D(2022, 4, 1)),
                      (ListingStage.IDENTIFIED, _D(2023, 3, 1)),
                      (ListingStage.TUTORING, _D(2023, 10, 20))),
    "qj.industry": ((ListingStage.SCREENING, _D(2023, 5, 1)),),
    "ly.industry": ((ListingStage.SCREENING, _D(2022, 5, 1)),
                    (ListingStage.IDENTIFIED, _D(2023, 4, 1))),
}  # fmt: skip

#: Synthetic: the reforms, consistent with :data:`SAMPLE_SHARES` and the sample's merger.
SAMPLE_REFORMS: Mapping[str, tuple[tuple[dt.date, ReformKind, float | None, float | None, str], ...]] = {
    "mun.jinkong.fund": ((_D(2021, 8, 1), ReformKind.STRATEGIC_INVESTOR, 1.0, 0.6,
                          "示例投资者甲（合成）"),),
    "js.tourism": ((_D(2022, 3, 1), ReformKind.MIXED, 1.0, 0.8, "示例文旅企业（合成）"),
                   (_D(2022, 6, 30), ReformKind.INTEGRATION, None, None, "")),
    "mun.guozi.capital": ((_D(2023, 6, 28), ReformKind.MIXED, 1.0, 0.55, "公开发行（示例）"),),
    "kc.recycle": ((_D(2022, 12, 1), ReformKind.EMPLOYEE_SHARES, 1.0, 0.95, ""),),
}  # fmt: skip

#: Synthetic: corporatisations (公司制改制) of the period before the plan's: entity -> date.
SAMPLE_CORPORATISED: Mapping[str, dt.date] = {
    "mun.jiaotou.road": _D(2017, 6, 30), "mun.chengtou.water": _D(2018, 3, 31),
    "kc.urban": _D(2018, 11, 30), "qj.transport": _D(2019, 6, 30), "ly.urban": _D(2019, 12, 1),
}  # fmt: skip
#: Synthetic: outside assets brought under supervision (体系外资产纳入国资监管), 亿元:
#: entity receiving them -> ((date, amount), ...).
SAMPLE_SUPERVISED: Mapping[str, tuple[tuple[dt.date, float], ...]] = {
    "mun.guozi.hq": ((_D(2018, 9, 30), 12.6), (_D(2020, 6, 30), 4.3)),
    "kc.invest": ((_D(2019, 12, 31), 2.15),),
}  # fmt: skip


def _more_reforms() -> list[tuple[str, Reform]]:
    """The corporatisations and supervisions of :data:`SAMPLE_CORPORATISED` and
    :data:`SAMPLE_SUPERVISED`, as reforms."""
    out = [(e, Reform(entity=e, date=when, kind=ReformKind.CORPORATISATION, note="示例（合成）"))
           for e, when in SAMPLE_CORPORATISED.items()]  # fmt: skip
    out += [(e, Reform(entity=e, date=when, kind=ReformKind.SUPERVISION, amount=amount,
                       note="示例（合成）"))
            for e, items in SAMPLE_SUPERVISED.items() for when, amount in items]  # fmt: skip
    return out


def sample_operations() -> list[Operations]:
    """The sample's capital operations registers (one per unit with any, as of 2023-12-31),
    marked synthetic like the sample registers."""
    structure = city_structure(sample=True)
    by_unit: dict[str, tuple[list[ListingStep], list[Reform]]] = {}
    for entity, steps in SAMPLE_PIPELINE.items():
        unit = structure.entities[entity].unit
        by_unit.setdefault(unit, ([], []))[0].extend(
            ListingStep(entity=entity, stage=stage, date=when, note="示例（合成）",
                        exchange="上交所" if stage is ListingStage.LISTED else "",
                        stock_code="示例600001" if stage is ListingStage.LISTED else "")
            for stage, when in steps
        )  # fmt: skip
    for entity, reforms in SAMPLE_REFORMS.items():
        unit = structure.entities[entity].unit
        by_unit.setdefault(unit, ([], []))[1].extend(
            Reform(entity=entity, date=when, kind=kind, share_before=before, share_after=after,
                   investors=investors, note="示例（合成）",
                   event_date=when if kind.structural else None)
            for when, kind, before, after, investors in reforms
        )  # fmt: skip
    for entity, reform in _more_reforms():
        by_unit.setdefault(structure.entities[entity].unit, ([], []))[1].append(reform)
    return [
        Operations(unit=u, as_of=dt.date(2023, 12, 31), listings=tuple(ls),
                   reforms=tuple(sorted(rs, key=lambda r: (r.date, r.entity))),
                   source=SAMPLE_REGISTER_SOURCE)
        for u, (ls, rs) in sorted(by_unit.items())
    ]  # fmt: skip
