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


def test_labour_productivity_is_a_per_person_ratio_recomputed_from_its_summed_parts() -> None:
    catalogue = {i.code: i for i in builtin_indicators()}
    lp = catalogue["labour_productivity"]
    assert lp.formula is not None and lp.formula.components == ("labour_output", "avg_employees")
    assert lp.is_ratio and not lp.is_percent and lp.unit == "万元/人"
    assert catalogue["debt_ratio"].is_percent
    structure = city_structure(sample=True)
    obs = load_core_sample().filter(pl.col("year") == 2023)
    kids = ("cs.liangshan", "cs.urban")
    extra = pl.DataFrame(
        {"unit": "changshan", "entity": [*kids, *kids], "year": 2023,
         "indicator": ["labour_output"] * 2 + ["avg_employees"] * 2,
         "value": [100.0, 300.0, 10.0, 20.0]},
        schema=obs.schema,
    )  # fmt: skip
    values = rollup(pl.concat([obs, extra]), structure).values.filter(pl.col("year") == 2023)

    def value(node: str) -> float:
        return float(values.filter(node=node, indicator="labour_productivity")["value"][0])

    assert (value("cs.liangshan"), value("cs.urban")) == (10.0, 15.0)
    assert value("changshan") == 400.0 / 30.0  # summed parts, not the mean of 10 and 15


def test_a_per_person_ratio_prints_as_a_number_in_its_unit_never_as_a_percentage() -> None:
    from soeplan.report.format import cell_format
    from soeplan.report.model import CellFormat
    from soeplan.report.numbers import figure

    catalogue = {i.code: i for i in builtin_indicators()}
    lp = catalogue["labour_productivity"]
    assert figure(400 / 30, lp) == "13.33万元/人"
    assert "%" not in figure(400 / 30, lp, lang="en")
    assert figure(0.61234, catalogue["debt_ratio"]) == "61.23%"
    assert cell_format(lp, [13.3333]) is CellFormat.AMOUNT
    assert cell_format(catalogue["debt_ratio"], [0.6]) is CellFormat.RATIO


def test_labour_productivity_is_scored_against_standards_in_its_own_unit() -> None:
    from decimal import Decimal

    from soeplan.scoring.records import Scheme, SchemeItem, StandardRow, StandardTable
    from soeplan.scoring.score import score_enterprises
    from soeplan.structure.records import FunctionalClass

    structure = city_structure(sample=True)
    obs = load_core_sample().filter(pl.col("year") == 2023)
    leaves = obs.select("unit", "entity").unique()
    extra = pl.concat(
        [
            leaves.with_columns(year=pl.lit(2023, pl.Int32), indicator=pl.lit(code),
                                value=pl.lit(v, pl.Float64))
            for code, v in (("labour_output", 1400.0), ("avg_employees", 100.0))
        ]
    ).select(obs.columns)  # fmt: skip
    values = rollup(pl.concat([obs, extra]), structure).values
    scheme = Scheme(
        id="office.lp", name_zh="lp", name_en="lp", functional_class=FunctionalClass.PUBLIC,
        items=(SchemeItem(indicator="labour_productivity", weight=Decimal(100)),),
    )  # fmt: skip
    table = StandardTable(
        rows=(StandardRow(year=2023, industry="*", indicator="labour_productivity",
                          values=tuple(Decimal(v) for v in (20, 16, 12, 8, 4))),),  # type: ignore[arg-type]
        source="test: 万元/人",
    )  # fmt: skip
    s = score_enterprises(values, structure, 2023, standards=table, schemes=[scheme])
    assert not s.items.is_empty()
    # 14 万元/人 lies between 平均 12 (0.6) and 良好 16 (0.8): 60 + (14 − 12)/(16 − 12) × 20 = 70
    assert set(s.items["actual"].round(9)) == {14.0}
    assert set(s.items["score"]) == {70.0}
