"""The Kecheng plugin: conformance, the co-owned company counted once, local park metrics."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import soeplan_kecheng.plugin as plugin

from soeplan import Registry, SectionContext, city_structure, rating_findings, store_inputs
from soeplan.run import report_from_observations
from soeplan.sample import sample_observations
from soeplan.submissions.store import Store
from soeplan.testing import assert_plugin, check_section_content


def registry() -> Registry:
    return Registry.build(("kecheng", plugin), entry_points=False)


def test_conforms_to_soeplan() -> None:
    report = assert_plugin(plugin, name="kecheng", source=plugin.SAMPLE_SOURCE)
    assert "structure kecheng" in report.checked
    assert "section kecheng.linkage" in report.checked
    assert "capital registers kecheng" in report.checked


def test_recycling_company_is_co_owned_and_counted_once() -> None:
    structure = city_structure(sample=True, registry=registry())
    snap = structure.at(2023)
    park = snap["kc.recycle"]
    assert park.unit == "kecheng"
    assert park.parent == "kc.capital"
    assert park.co_owners == ("mun.chengtou",)
    # one node, under Kecheng only: the municipal group does not carry it as a child
    assert "kc.recycle" not in snap.children("mun.chengtou")
    assert [e for e in snap if e == "kc.recycle"] == ["kc.recycle"]
    assert "kc.recycle" in snap.children("kc.capital")


def test_park_metrics_stay_local() -> None:
    reg = registry()
    for code in plugin.METRICS:
        ind = reg.indicators[code]
        assert ind.aggregation.value == "none"
        assert ind.rolls_into is None


def test_sample_source_loads_the_synthetic_park_figures() -> None:
    reg = registry()
    frame = reg.load_observations("kecheng", 2022, plugin.SAMPLE_SOURCE)
    assert frame is not None
    assert set(frame["entity"]) == {"kc.recycle"}
    assert frame["synthetic"].all()
    row = dict(frame.select("indicator", "value").iter_rows())
    # the share is a ratio: not reported, recomputed from the tonnes
    assert set(row) == {"kc_waste_received", "kc_waste_recycled"}
    wide, synthetic = plugin.park_frame(frame, 2022)
    share = wide.filter(year=2022)["kc_waste_recycled_share"].item()
    assert synthetic is False
    assert share == row["kc_waste_recycled"] / row["kc_waste_received"] == 0.84
    assert reg.load_observations("qujiang", 2022, plugin.SAMPLE_SOURCE) is None


def test_section_renders_both_languages_and_says_synthetic() -> None:
    content = plugin.render_section(SectionContext(year=2023))
    assert check_section_content(content) == []
    assert any("synthetic" in p.en for p in content.paragraphs)
    assert any("181,000 tonnes" in p.en for p in content.paragraphs)
    assert any("181,000吨" in p.zh for p in content.paragraphs)
    # the share printed by the SDK's helper, half-up to 0.1 %; no figure: 未报 / not reported
    assert any("资源化利用率：" in p.zh and "%" in p.zh for p in content.paragraphs)
    table = content.tables[0].frame
    assert table["year"].to_list() == [2019, 2020, 2021, 2022, 2023]
    given = pl.DataFrame(
        {
            "unit": ["kecheng"],
            "entity": ["kc.recycle"],
            "year": [2023],
            "indicator": ["kc_waste_received"],
            "value": [5.0],
        }
    )
    from_run = plugin.render_section(SectionContext(year=2023, observations=given))
    assert not any("synthetic" in p.en for p in from_run.paragraphs)
    assert any("share recycled: not reported" in p.en for p in from_run.paragraphs)
    assert any("资源化利用率：未报" in p.zh for p in from_run.paragraphs)
    assert from_run.tables[0].frame["kc_waste_received"].to_list() == [5.0]


def test_its_synthetic_capital_registers_agree_with_the_sample_and_fill_a_bare_store(
    tmp_path: Path,
) -> None:
    reg = registry()
    provided = reg.capital_registers["kecheng"]
    assert provided.synthetic and "合成" in provided.source
    assert provided.provider is not None and provided.provider.plugin == "kecheng"
    with reg.active():
        inputs = store_inputs(Store(tmp_path / "store"), range(2020, 2024))
    aa = inputs.attributes.filter(pl.col("rating") == "AA")
    # the sample's ratings: the investment company AA since 2018, the urban company since 2022
    assert sorted(aa.filter(year=2023)["entity"].to_list()) == ["kc.invest", "kc.urban"]
    assert aa.filter(year=2021)["entity"].to_list() == ["kc.invest"]
    assert {e.note for r in provided.registers for e in r.entries} == {"示例（合成）"}
    share = inputs.attributes.filter(entity="kc.recycle").sort("year")["state_share"].to_list()
    assert share == [1.0, 1.0, 0.95, 0.95]
    assert inputs.reforms.select("entity", "kind").rows() == [
        ("kc.urban", "corporatisation"), ("kc.recycle", "employee_shares")]  # fmt: skip
    # the submitted AA counts of the sample agree with them: no rating finding for the district
    obs = sample_observations().filter(unit="kecheng")
    with reg.active():
        found = rating_findings(obs, inputs.attributes)
    assert found.height == 0


def test_a_report_on_a_bare_store_says_whose_registers_it_used(tmp_path: Path) -> None:
    reg = registry()
    with reg.active():
        inputs = store_inputs(Store(tmp_path / "store"), range(2020, 2024))
        run = report_from_observations(sample_observations(), "quzhou-14th", 2023,
                                       synthetic=True, registers=inputs)  # fmt: skip
    sec = next(s for s in run.report.sections if s.id == "core.capital")
    said = [p.zh for p in sec.content.paragraphs if "插件" in p.zh]
    assert said == ["柯城区的资本登记表由插件 kecheng 提供（库中无该单位登记表），"
                    "为示例数据（合成），非真实企业数据。"]  # fmt: skip
