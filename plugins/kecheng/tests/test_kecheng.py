"""The Kecheng plugin: conformance, the co-owned company counted once, local park metrics."""

from __future__ import annotations

import polars as pl
import soeplan_kecheng.plugin as plugin

from soeplan import Registry, SectionContext, city_structure
from soeplan.testing import assert_plugin, check_section_content


def registry() -> Registry:
    return Registry.build(("kecheng", plugin), entry_points=False)


def test_conforms_to_soeplan() -> None:
    report = assert_plugin(plugin, name="kecheng", source=plugin.SAMPLE_SOURCE)
    assert "structure kecheng" in report.checked
    assert "section kecheng.linkage" in report.checked


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
