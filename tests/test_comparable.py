from __future__ import annotations

import polars as pl
import pytest

from soeplan.consolidation.comparable import comparable_growth
from soeplan.consolidation.rollup import rollup
from soeplan.sample import sample_observations
from soeplan.structure.city import city_structure


def test_comparable_growth_ignores_the_merger_and_the_transfer() -> None:
    data = sample_observations()
    s = city_structure(sample=True)
    g = comparable_growth(data, s, base_year=2021, year=2022, indicators=["total_assets"])
    r = rollup(data, s, indicators=["total_assets"]).values
    plain = {(n, y): v for n, y, v in r.select("node", "year", "value").iter_rows()}
    tourism = g.filter(pl.col("node") == "js.tourism").row(0, named=True)
    # the base is js.tourism and js.scenic together, as they are in 2022's structure
    assert tourism["base_value"] == pytest.approx(
        plain[("js.tourism", 2021)] + plain[("js.scenic", 2021)]
    )
    assert tourism["growth"] == pytest.approx(tourism["value"] / tourism["base_value"] - 1)
    # units and scopes are unchanged by the merger
    unit = g.filter(pl.col("node") == "jiangshan").row(0, named=True)
    assert unit["base_value"] == pytest.approx(plain[("jiangshan", 2021)])
    # the bus company moved to 交投集团 in 2021: comparable from 2020 on, it is in both years
    g20 = comparable_growth(data, s, base_year=2020, year=2021, indicators=["total_assets"])
    jt = g20.filter(pl.col("node") == "mun.jiaotou").row(0, named=True)
    assert jt["base_value"] == pytest.approx(
        plain[("mun.jiaotou", 2020)] + plain[("mun.guozi.bus", 2020)]
    )
    with pytest.raises(Exception, match="base year 2022 is not before"):
        comparable_growth(data, s, base_year=2022, year=2022)
