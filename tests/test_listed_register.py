"""The submitted listed count (国有控股上市公司, 0 or 1 per entity) checked against the registers
like the rating counts: a disagreement is a finding of rule ``core.listed_register``."""

from __future__ import annotations

import polars as pl

from soeplan import listed_findings, sample_attributes
from soeplan.run import report_from_observations
from soeplan.sample import sample_observations


def _planted(entity: str, year: int, value: float) -> pl.DataFrame:
    obs = sample_observations()
    hit = (
        (pl.col("entity") == entity) & (pl.col("year") == year) & (pl.col("indicator") == "listed")
    )
    return obs.with_columns(pl.when(hit).then(value).otherwise(pl.col("value")).alias("value"))


def test_the_sample_agrees_with_its_registers() -> None:
    assert listed_findings(sample_observations(), sample_attributes()).height == 0


def test_a_listed_company_reported_as_not_listed_and_the_reverse_are_findings() -> None:
    planted = _planted("mun.guozi.capital", 2023, 0.0)
    planted = planted.with_columns(
        pl.when((pl.col("entity") == "mun.jitou.hq") & (pl.col("year") == 2022)
                & (pl.col("indicator") == "listed")).then(1.0).otherwise(pl.col("value"))
        .alias("value"))  # fmt: skip
    f = listed_findings(planted, sample_attributes())
    assert f.select("rule", "severity", "entity", "year", "expected", "found").rows() == [
        ("core.listed_register", "warning", "mun.jitou.hq", 2022, "0", "1"),
        ("core.listed_register", "warning", "mun.guozi.capital", 2023, "1", "0"),
    ]
    assert f["message_zh"][1] == (
        "衢州示例国有资本投资有限公司 2023 年报送国有控股上市公司 0 家，"
        "企业名录登记为已上市（上交所 示例600001）"
    )
    assert f["message_en"][0].endswith("the register says not listed")


def test_a_listed_company_that_leaves_the_count_out_is_a_finding() -> None:
    obs = sample_observations().filter(
        ~((pl.col("entity") == "mun.guozi.capital") & (pl.col("indicator") == "listed"))
    )
    f = listed_findings(obs, sample_attributes())
    assert f.select("entity", "year", "found").rows() == [("mun.guozi.capital", 2023, "0")]


def test_a_planted_disagreement_is_among_the_reports_findings() -> None:
    run = report_from_observations(_planted("mun.guozi.capital", 2023, 0.0), "quzhou-14th", 2023,
                                   synthetic=True, registers=sample_attributes())  # fmt: skip
    mine = run.report.findings.filter(rule="core.listed_register")
    assert mine.select("entity", "year", "indicator").rows() == [
        ("mun.guozi.capital", 2023, "listed")
    ]
