"""The hooks of the Qujiang plugin: the "1+4+N" structure, AA-rated enterprises, targets, section."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from soeplan import (
    Attribute,
    Indicator,
    Plan,
    ReportSection,
    SectionContent,
    SectionContext,
    SectionTable,
    Target,
    TargetKind,
    Text,
    UnitStructure,
    hookimpl,
)
from soeplan.sdk import (
    load_indicators,
    load_structure_file,
    load_toml_observations,
    quantity,
    read_observations,
)

UNIT = "qujiang"
GROUP = "qj.capital"
METRIC = "qj_rated_aa"
#: The ``source`` that loads this plugin's bundled (synthetic) figures.
SAMPLE_SOURCE = "sample"


def data_path(name: str) -> Path:
    return Path(str(resources.files("soeplan_qujiang") / "data" / name))


@hookimpl
def soeplan_indicators() -> Iterable[Indicator]:
    return load_indicators(data_path("indicators.toml"))


@hookimpl
def soeplan_structures() -> Iterable[UnitStructure]:
    return load_structure_file(data_path("structure.toml")).unit_structures


def load_targets() -> tuple[str, tuple[Target, ...]]:
    """The plan id and Qujiang's own targets from ``data/targets.toml``."""
    raw: dict[str, Any] = tomllib.loads(data_path("targets.toml").read_text(encoding="utf-8"))
    plan_id = str(raw["plan"])
    targets = tuple(
        Target(
            scope=UNIT,
            indicator=t["indicator"],
            year=int(t["year"]),
            kind=TargetKind(t["kind"]),
            value=Decimal(t["value"]),
            attribute=Attribute(t.get("attribute", "expected")),
            strict=bool(t.get("strict", False)),
            base_year=t.get("base_year"),
            source=str(raw.get("source", "")),
            plan=plan_id,
        )
        for t in raw["target"]
    )
    return plan_id, targets


@hookimpl
def soeplan_targets(plan: Plan) -> Iterable[Target]:
    plan_id, targets = load_targets()
    return targets if plan.id == plan_id else ()


@hookimpl
def soeplan_load_observations(unit: str, year: int, source: str) -> pl.DataFrame | None:
    """Qujiang's AA ratings: ``source="sample"`` (synthetic) or a file in the same format."""
    return load_toml_observations(
        UNIT,
        data_path("observations.toml"),
        unit=unit,
        year=year,
        source=source,
        sample_source=SAMPLE_SOURCE,
    )


def rated_by_year(observations: pl.DataFrame | None, year: int) -> tuple[pl.DataFrame, bool]:
    """District totals of AA-rated enterprises up to ``year``; from the run's observations when
    they carry the metric, else from the synthetic sample (second value: True if synthetic)."""
    obs, synthetic = observations, False
    if obs is None or obs.filter(pl.col("indicator") == METRIC).is_empty():
        obs, synthetic = read_observations(data_path("observations.toml")), True
    frame = (
        obs.filter((pl.col("indicator") == METRIC) & (pl.col("year") <= year))
        .group_by(pl.col("year").cast(pl.Int32))
        .agg(pl.col("value").sum().cast(pl.Int64).alias(METRIC))
        .sort("year")
    )
    return frame, synthetic


def render_section(ctx: SectionContext) -> SectionContent:
    structure = load_structure_file(data_path("structure.toml")).unit_structures[0]
    four = [e for e in structure.entities if "“4”" in e.note]
    n = [e for e in structure.entities if "“N”" in e.note]
    frame, synthetic = rated_by_year(ctx.observations, ctx.year)
    _, targets = load_targets()
    aa_target = next(t for t in targets if t.indicator == METRIC)
    paragraphs = [
        Text(
            zh=f"衢江区构建“1+4+N”国资运营架构：1 家区国有资本运营集团，{len(four)} 家平台公司，"
            f"{len(n)} 家其他国有企业（N）。",
            en=f'Qujiang runs a "1+4+N" state capital structure: 1 district state capital operating '
            f"group, {len(four)} platform companies and {len(n)} other state-owned enterprises (N).",
        ),
        Text(
            zh="AA 信用评级企业由 2015 年的 0 家增至 2020 年的 3 家（规划数据），计入全市 AA 评级企业数；"
            f"区目标：{aa_target.year} 年达到 {aa_target.value} 家（示例目标）。",
            en="AA-rated enterprises rose from 0 in 2015 to 3 in 2020 (the plan's figures) and count "
            f"toward the city's AA-rated enterprises; the district's target: {aa_target.value} by "
            f"{aa_target.year} (an example target).",
        ),
    ]
    district, city = ctx.value(UNIT, "rated_aa"), ctx.value("city", "rated_aa")
    if district is not None:  # the run's rollup: its own AA count counted toward the city's
        paragraphs.append(
            Text(
                zh=f"{ctx.year}年衢江区 AA 信用评级企业 {quantity(district, '家')}，"
                f"全市 {quantity(city, '家')}。",
                en=f"In {ctx.year}, Qujiang has {quantity(district, '家', lang='en')} rated AA, "
                f"the city {quantity(city, '家', lang='en')}.",
            )
        )
    if synthetic:
        paragraphs.append(
            Text(
                zh="注：分企业、分年度评级数据为示例（合成）数据。",
                en="Note: the per-enterprise and per-year ratings are synthetic example data.",
            )
        )
    table = SectionTable(
        title=Text(zh="衢江区 AA 信用评级企业数", en="Qujiang: AA-rated enterprises"),
        frame=frame,
        labels={
            "year": Text(zh="年份", en="Year"),
            METRIC: Text(zh="AA 评级企业（家）", en="AA-rated enterprises"),
        },
    )
    return SectionContent(paragraphs=tuple(paragraphs), tables=(table,))


@hookimpl
def soeplan_report_sections() -> Iterable[ReportSection]:
    return [
        ReportSection(
            id="qujiang.capital",
            title=Text(
                zh="衢江区：“1+4+N”国资运营架构",
                en='Qujiang: the "1+4+N" state capital structure',
            ),
            render=render_section,
            sheet=Text(zh="衢江区国资运营架构", en="Qujiang state capital"),
            order=320,
            unit=UNIT,
        )
    ]
