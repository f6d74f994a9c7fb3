"""The synthetic assumptions of the bundled sample (示例数据（合成），非真实企业数据).

**Every figure these tables lead to is synthetic.** :mod:`soeplan.sample` splits the plan's
published group totals over the units (:data:`UNIT_PROFILES`) and, within each unit, over its
entities (:data:`ENTITY_PROFILES`) by these invented profiles; it grows the groups after 2020 by
:data:`GROWTH` and gives the entities the credit ratings of :data:`RATINGS` and the listings of
:data:`LISTED`. What each assumption means is told in :mod:`soeplan.sample`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

__all__ = ["ENTITY_PROFILES", "GROWTH", "KEEP", "LISTED", "RATINGS", "UNIT_PROFILES", "Profile"]


@attrs.frozen
class Profile:
    """Synthetic profile of a unit or an entity; each field is a path over years.

    ``size``: relative size (asset weight), given at 2015, 2020 and 2023 and linear in between.
    ``equity``: net assets / total assets; ``intensity``: revenue / size; ``margin``: total profit /
    revenue (negative: a loss); ``keep``: net profit / total profit (1 − tax rate; above 1: a tax
    credit). A dict maps years to values (linear in between, flat outside); a string is constant.
    """

    size: tuple[str, str, str]
    equity: str | Mapping[int, str]
    intensity: str
    margin: str
    keep: str | Mapping[int, str]


#: Net profit / total profit of a profitable enterprise: low tax in 2015 (tax-exempt subsidies
#: and losses carried forward; 市区 kept 95 % of its total profit), an ordinary rate by 2020.
KEEP: Mapping[int, str] = MappingProxyType({2015: "0.97", 2020: "0.80"})


def _p(
    size: tuple[str, str, str],
    equity: str | Mapping[int, str],
    intensity: str,
    margin: str,
    keep: str | Mapping[int, str] = KEEP,
) -> Profile:
    return Profile(size, equity, intensity, margin, keep)


#: Units: within 市区 and within the rest of the city (全市 − 市区).
UNIT_PROFILES: dict[str, Profile] = {
    "municipal": _p(("70", "72", "73"), "0.48", "1.2", "0.26"),
    "kecheng": _p(("15", "13", "12"), "0.47", "1.0", "0.18"),
    "qujiang": _p(("15", "15", "15"), "0.46", "0.6", "0.20"),
    "jiangshan": _p(("36", "38", "38"), "0.47", "1.0", "0.20"),
    "changshan": _p(("20", "19", "19"), "0.47", "0.9", "0.18"),
    "kaihua": _p(("18", "17", "17"), "0.50", "0.8", "0.18"),
    "longyou": _p(
        ("26", "26", "26"), "0.48", "1.0", "0.20", {2015: "2.0", 2016: "1.3", 2017: "0.85"}
    ),
}

#: Entities: within their unit. HQs and platform companies are the largest.
ENTITY_PROFILES: dict[str, Profile] = {
    # 市本级
    "mun.guozi.hq": _p(("14", "15", "15"), "0.54", "0.05", "0.60"),
    "mun.guozi.capital": _p(("6", "8", "9"), "0.50", "0.15", "0.35"),
    "mun.guozi.bus": _p(("2", "2", "2"), "0.47", "0.40", "-0.30", "1"),
    "mun.jinkong.hq": _p(("8", "9", "10"), "0.54", "0.06", "0.50"),
    "mun.jinkong.fund": _p(("3", "4", "5"), "0.58", "0.10", "0.50"),
    "mun.jinkong.lease": _p(("3", "4", "5"), "0.48", "0.12", "0.30"),
    "mun.jinkong.guarantee": _p(("2", "2", "2"), "0.56", "0.10", "0.30"),
    "mun.jiaotou.hq": _p(("12", "15", "16"), "0.48", "0.03", "0.50"),
    "mun.jiaotou.airport": _p(("2", "2", "2"), "0.54", "0.20", "-0.20", "1"),
    "mun.jiaotou.road": _p(("8", "9", "10"), "0.47", "0.05", "0.20"),
    "mun.chengtou.hq": _p(("15", "14", "14"), "0.48", "0.04", "0.40"),
    "mun.chengtou.water": _p(("5", "4", "4"), "0.50", "0.15", "0.10"),
    "mun.chengtou.build": _p(("4", "4", "4"), "0.48", "0.45", "0.06"),
    # 差额: intra-group eliminations (negative); its own ratios are those of what it eliminates.
    "mun.chengtou.diff": _p(("-2", "-2", "-2"), "0.50", "0.20", "0.10", "1"),
    "mun.dahuayuan.hq": _p(("6", "7", "7"), "0.50", "0.05", "0.30"),
    "mun.dahuayuan.tourism": _p(("3", "3", "3"), "0.50", "0.20", "0.10"),
    "mun.dahuayuan.agri": _p(("2", "2", "2"), "0.54", "0.15", "0.05"),
    "mun.lvfa.hq": _p(("5", "8", "9"), "0.48", "0.04", "0.40"),
    "mun.lvfa.park": _p(("3", "5", "6"), "0.47", "0.05", "0.20"),
    "mun.jitou.hq": _p(("5", "8", "9"), "0.48", "0.04", "0.40"),
    "mun.jitou.property": _p(("1", "1", "1"), "0.47", "0.40", "0.05"),
    # 柯城区
    "kc.invest": _p(("8", "9", "9"), "0.50", "0.05", "0.50"),
    "kc.urban": _p(("6", "7", "7"), "0.47", "0.05", "0.30"),
    "kc.recycle": _p(("1", "2", "2"), "0.48", "0.30", "0.08"),
    "kc.agri": _p(("1", "1", "1"), "0.54", "0.20", "0.05"),
    # 衢江区: qj.urban borrows from 2022 and crosses the 70 % line in 2023.
    "qj.capital.hq": _p(("5", "8", "9"), "0.50", "0.05", "0.50"),
    "qj.transport": _p(("3", "5", "6"), "0.48", "0.05", "0.30"),
    "qj.urban": _p(
        ("4", "6", "8"),
        {2015: "0.46", 2020: "0.44", 2021: "0.43", 2022: "0.38", 2023: "0.33"},
        "0.05",
        "0.30",
        "0.85",
    ),
    "qj.industry": _p(("1", "2", "3"), "0.50", "0.30", "0.10"),
    "qj.culture": _p(("1", "1", "1"), "0.50", "0.20", "0.08"),
    "qj.water": _p(("1", "1", "1"), "0.50", "0.25", "0.06"),
    "qj.housing": _p(("2", "2", "2"), "0.47", "0.10", "0.10"),
    # 江山市: js.scenic merges into js.tourism in 2022 (the size moves with it).
    "js.hq": _p(("6", "8", "8"), "0.48", "0.05", "0.50"),
    "js.urban": _p(("5", "7", "7"), "0.47", "0.05", "0.30"),
    "js.transport": _p(("4", "6", "6"), "0.47", "0.05", "0.30"),
    "js.tourism": _p(("1", "1.5", "1.5"), "0.50", "0.30", "0.12"),
    "js.scenic": _p(("1", "1", "1"), "0.50", "0.30", "0.12"),
    "js.water": _p(("1", "1", "1"), "0.50", "0.25", "0.06"),
    # 常山县
    "cs.hq": _p(("6", "7", "7"), "0.48", "0.05", "0.50"),
    "cs.liangshan": _p(("2", "4", "5"), "0.50", "0.10", "0.25"),
    "cs.urban": _p(("5", "6", "6"), "0.47", "0.05", "0.30"),
    # 开化县
    "kh.hq": _p(("6", "7", "7"), "0.50", "0.05", "0.50"),
    "kh.tourism": _p(("2", "3", "3"), "0.50", "0.30", "0.12"),
    "kh.water": _p(("1", "1", "1"), "0.50", "0.25", "0.06"),
    # 龙游县: ly.industry's deferred-tax credit in 2015–2016 lifts net profit above total profit.
    "ly.hq": _p(("6", "7", "7"), "0.48", "0.05", "0.50"),
    "ly.urban": _p(("5", "6", "7"), "0.47", "0.05", "0.30"),
    "ly.industry": _p(
        ("3", "4", "4"), "0.50", "0.30", "0.20", {2015: "4.5", 2016: "2.0", 2017: "0.8"}
    ),
}

#: Group growth 2021–2023 (urban, rest of the city), per quantity; ± 1 pp seeded wobble on top.
GROWTH: dict[str, dict[str, tuple[str, str, str]]] = {
    "urban": {
        "total_assets": ("0.16", "0.15", "0.14"),
        "net_assets": ("0.10", "0.09", "0.08"),
        "revenue": ("0.12", "0.06", "0.09"),
        "total_profit": ("0.08", "-0.05", "0.10"),
        "net_profit": ("0.09", "-0.08", "0.10"),
    },
    "rest": {
        "total_assets": ("0.12", "0.11", "0.11"),
        "net_assets": ("0.09", "0.08", "0.08"),
        "revenue": ("0.10", "0.05", "0.08"),
        "total_profit": ("0.08", "-0.03", "0.06"),
        "net_profit": ("0.06", "-0.06", "0.06"),
    },
}

#: Credit ratings held at year end: entity -> ((from year, rating), ...); rating codes are indicators.
RATINGS: dict[str, tuple[tuple[int, str], ...]] = {
    "mun.guozi.hq": ((2015, "rated_aa"), (2018, "rated_aa_plus"), (2023, "rated_aaa")),
    "mun.jiaotou.hq": ((2016, "rated_aa"), (2019, "rated_aa_plus")),
    "mun.jitou.hq": ((2017, "rated_aa"), (2020, "rated_aa_plus")),
    "mun.chengtou.hq": ((2016, "rated_aa"), (2021, "rated_aa_plus")),
    "mun.jinkong.hq": ((2018, "rated_aa"), (2023, "rated_aa_plus")),
    "mun.dahuayuan.hq": ((2019, "rated_aa"),),
    "mun.lvfa.hq": ((2020, "rated_aa"),),
    "kc.invest": ((2018, "rated_aa"),),
    "kc.urban": ((2022, "rated_aa"),),
    "qj.capital.hq": ((2018, "rated_aa"),),
    "qj.transport": ((2019, "rated_aa"),),
    "qj.urban": ((2020, "rated_aa"),),
    "js.hq": ((2016, "rated_aa"), (2022, "rated_aa_plus")),
    "js.urban": ((2017, "rated_aa"),),
    "js.transport": ((2019, "rated_aa"),),
    "cs.hq": ((2017, "rated_aa"),),
    "cs.liangshan": ((2023, "rated_aa"),),
    "kh.hq": ((2018, "rated_aa"),),
    "ly.hq": ((2016, "rated_aa"),),
    "ly.urban": ((2020, "rated_aa"),),
}
#: State-controlled listed companies (国有控股上市公司): entity -> first year counted.
LISTED: dict[str, int] = {"mun.guozi.capital": 2023}
