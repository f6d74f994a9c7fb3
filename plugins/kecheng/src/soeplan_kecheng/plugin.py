"""The hooks of the Kecheng plugin: structure, park metrics, their data, a report section and
the district's (synthetic) capital registers."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import polars as pl

from soeplan import (
    CapitalRegisters,
    Indicator,
    ReportSection,
    SectionContent,
    SectionContext,
    SectionTable,
    Text,
    UnitStructure,
    hookimpl,
)
from soeplan.sdk import (
    load_indicators,
    load_structure_file,
    load_toml_observations,
    percent,
    quantity,
    read_observations,
)
from soeplan_kecheng.capital import capital_registers

UNIT = "kecheng"
#: The ``source`` that loads this plugin's bundled (synthetic) park figures.
SAMPLE_SOURCE = "sample"
PARK = "kc.recycle"
METRICS = ("kc_waste_received", "kc_waste_recycled", "kc_waste_recycled_share")


def data_path(name: str) -> Path:
    return Path(str(resources.files("soeplan_kecheng") / "data" / name))


@hookimpl
def soeplan_indicators() -> Iterable[Indicator]:
    return load_indicators(data_path("indicators.toml"))


@hookimpl
def soeplan_structures() -> Iterable[UnitStructure]:
    return load_structure_file(data_path("structure.toml")).unit_structures


@hookimpl
def soeplan_load_observations(unit: str, year: int, source: str) -> pl.DataFrame | None:
    """Kecheng's park figures: ``source="sample"`` (synthetic) or a file in the same format."""
    return load_toml_observations(
        UNIT,
        data_path("observations.toml"),
        unit=unit,
        year=year,
        source=source,
        sample_source=SAMPLE_SOURCE,
    )


def park_frame(observations: pl.DataFrame | None, year: int) -> tuple[pl.DataFrame, bool]:
    """The park's metrics up to ``year`` (wide: year × metric); from the run's observations when
    they carry them, else from the plugin's synthetic sample (second value: True if synthetic)."""
    synthetic = False
    obs = observations
    if obs is None or obs.filter(pl.col("indicator").is_in(METRICS)).is_empty():
        obs = read_observations(data_path("observations.toml"))
        synthetic = True
    long = obs.filter(
        (pl.col("entity") == PARK) & pl.col("indicator").is_in(METRICS) & (pl.col("year") <= year)
    ).select(pl.col("year").cast(pl.Int32), "indicator", pl.col("value").cast(pl.Float64))
    wide = long.pivot(on="indicator", index="year", values="value").sort("year")
    for m in METRICS:
        if m not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(m))
    # the share is a ratio: recomputed from its components, like every ratio in soeplan
    received, recycled = pl.col("kc_waste_received"), pl.col("kc_waste_recycled")
    wide = wide.with_columns(
        pl.when(received > 0).then(recycled / received).alias("kc_waste_recycled_share")
    )
    return wide.select("year", *METRICS), synthetic


def render_section(ctx: SectionContext) -> SectionContent:
    wide, synthetic = park_frame(ctx.observations, ctx.year)
    paragraphs = [
        Text(
            zh="柯城区深化市区两级联动：建筑垃圾资源化利用公司由区国资集团与市城投集团共同持股，"
            "由柯城区合并报表，全市汇总只计一次。",
            en="Kecheng deepens city–district linkage: the construction-waste recycling company is "
            "co-owned by the district group and the municipal Urban Construction Investment Group, "
            "consolidated by Kecheng and counted once in the city-wide totals.",
        ),
        Text(
            zh="园区指标（接收量、资源化利用量、利用率）只反映园区本身，不汇总进区、市合计。",
            en="The park's metrics (tonnes received, tonnes recycled, share recycled) describe the "
            "park only and are not added into district or city totals.",
        ),
    ]
    this = wide.filter(pl.col("year") == ctx.year)
    if this.is_empty():
        paragraphs.append(
            Text(
                zh=f"{ctx.year}年无园区数据。",
                en=f"No park figures for {ctx.year}.",
            )
        )
    else:
        received = this["kc_waste_received"][0]
        share = this["kc_waste_recycled_share"][0]
        # printed as the report prints figures: 168,000吨 / 168,000 tonnes, 87.5%, 未报
        paragraphs.append(
            Text(
                zh=f"{ctx.year}年园区接收建筑垃圾：{quantity(received, '吨')}；"
                f"资源化利用率：{percent(share)}。",
                en=f"In {ctx.year}, construction waste received by the park: "
                f"{quantity(received, '吨', lang='en')}; share recycled: "
                f"{percent(share, lang='en')}.",
            )
        )
    if synthetic:
        paragraphs.append(
            Text(
                zh="注：园区数据为示例（合成）数据，非真实数据。",
                en="Note: the park's figures are synthetic example data, not real figures.",
            )
        )
    table = SectionTable(
        title=Text(zh="建筑垃圾资源化示范园区", en="Construction-waste recycling park"),
        frame=wide,
        labels={
            "year": Text(zh="年份", en="Year"),
            "kc_waste_received": Text(zh="接收量（吨）", en="Received (tonnes)"),
            "kc_waste_recycled": Text(zh="资源化利用量（吨）", en="Recycled (tonnes)"),
            "kc_waste_recycled_share": Text(zh="资源化利用率", en="Share recycled"),
        },
    )
    return SectionContent(paragraphs=tuple(paragraphs), tables=(table,))


@hookimpl
def soeplan_report_sections() -> Iterable[ReportSection]:
    return [
        ReportSection(
            id="kecheng.linkage",
            title=Text(
                zh="柯城区：市区联动与建筑垃圾资源化",
                en="Kecheng: city–district linkage and construction-waste recycling",
            ),
            render=render_section,
            sheet=Text(zh="柯城区联动与资源化", en="Kecheng linkage and recycling"),
            order=310,
            unit=UNIT,
        )
    ]


@hookimpl
def soeplan_capital_registers() -> Iterable[CapitalRegisters]:
    """The district's synthetic capital registers (:mod:`soeplan_kecheng.capital`)."""
    return [capital_registers()]
