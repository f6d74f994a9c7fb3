"""一利五率 in the catalogue: optional assessment figures, their ratios recomputed on rollup."""

from __future__ import annotations

import polars as pl

from soeplan.consolidation.rollup import rollup
from soeplan.indicators import Category, builtin_indicators
from soeplan.plugins.builtin import load_core_sample
from soeplan.structure.city import city_structure
from soeplan.submissions.template import reported_indicators, required_indicators

NEW = ("operating_cash_flow", "rd_expense", "labour_output", "avg_employees")


def test_the_assessment_figures_are_reported_where_available_never_required() -> None:
    catalogue = {i.code: i for i in builtin_indicators()}
    assert catalogue["cash_revenue_ratio"].formula.components == ("operating_cash_flow", "revenue")  # type: ignore[union-attr]
    assert catalogue["rd_intensity"].formula.components == ("rd_expense", "revenue")  # type: ignore[union-attr]
    assert all(catalogue[c].category is Category.ASSESSMENT for c in NEW)
    reported = {i.code for i in reported_indicators("changshan")}
    required = {i.code for i in required_indicators("changshan")}
    assert set(NEW) <= reported and not set(NEW) & required
    assert {"total_assets", "revenue"} <= required


def test_the_ratios_are_recomputed_on_rollup_from_the_summed_components() -> None:
    structure = city_structure(sample=True)
    obs = load_core_sample().filter(pl.col("year") == 2023)
    kids = ("cs.liangshan", "cs.urban")
    extra = pl.DataFrame(
        {"unit": "changshan", "entity": list(kids), "year": 2023,
         "indicator": "operating_cash_flow", "value": [0.5, 1.5]},
        schema=obs.schema,
    )  # fmt: skip
    values = rollup(pl.concat([obs, extra]), structure).values.filter(pl.col("year") == 2023)

    def value(node: str, code: str) -> float:
        return float(values.filter(node=node, indicator=code)["value"][0])

    for kid, cash in zip(kids, (0.5, 1.5), strict=True):
        assert value(kid, "cash_revenue_ratio") == cash / value(kid, "revenue")
    unit_cash = value("changshan", "operating_cash_flow")
    assert unit_cash == 2.0
    assert value("changshan", "cash_revenue_ratio") == unit_cash / value("changshan", "revenue")
