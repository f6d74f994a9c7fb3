"""The hooks of the Jiangshan plugin: a dated structure, a rule and a comparable-growth section."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from soeplan import (
    EventKind,
    ReportSection,
    Rule,
    RuleContext,
    SectionContent,
    SectionContext,
    SectionTable,
    Severity,
    Structure,
    Text,
    UnitStructure,
    comparable_growth,
    hookimpl,
    rollup,
)
from soeplan.sdk import city_file, compose_structure, findings_frame, load_structure_file

UNIT = "jiangshan"
RULE_ID = "jiangshan.entity_vanished"
#: Events that explain why an entity stops reporting.
EXPLAINING = (EventKind.MERGE, EventKind.DISSOLVE, EventKind.TRANSFER)


def data_path(name: str) -> Path:
    return Path(str(resources.files("soeplan_jiangshan") / "data" / name))


def unit_structure() -> UnitStructure:
    return load_structure_file(data_path("structure.toml")).unit_structures[0]


def own_structure() -> Structure:
    """Jiangshan's structure alone, composed and checked (for use without a city structure)."""
    city = city_file()
    return compose_structure(
        units=city.units, scopes=(), registered=[("soeplan-jiangshan", unit_structure())]
    )


@hookimpl
def soeplan_structures() -> Iterable[UnitStructure]:
    return [unit_structure()]


# --------------------------------------------------------------------------- the rule


def vanished(ctx: RuleContext) -> pl.DataFrame:
    """Jiangshan entities that reported last year, report nothing this year, and have no merge,
    dissolution or transfer recorded between the two year ends."""
    if ctx.prior is None:
        return findings_frame([])
    structure = ctx.structure if isinstance(ctx.structure, Structure) else own_structure()

    def entities(frame: pl.DataFrame, year: int) -> set[str]:
        rows = frame.filter((pl.col("unit") == UNIT) & (pl.col("year") == year))
        return set(rows["entity"].cast(pl.String))

    before, now = entities(ctx.prior, ctx.year - 1), entities(ctx.observations, ctx.year)
    explained = {
        ev.entity for ev in structure.events if ev.kind in EXPLAINING and ev.date.year == ctx.year
    }
    rows: list[Mapping[str, Any]] = []
    for entity in sorted(before - now - explained):
        rows.append(
            {
                "severity": Severity.WARNING.value,
                "rule": RULE_ID,
                "unit": UNIT,
                "entity": entity,
                "year": ctx.year,
                "expected": f"figures for {ctx.year}, or a merger, dissolution or transfer",
                "found": f"figures for {ctx.year - 1} only",
                "message_zh": f"{entity} 上年有数据、本年无数据，且结构中无兼并、注销或划转记录",
                "message_en": f"{entity} reported in {ctx.year - 1} but not in {ctx.year}, "
                "and no merger, dissolution or transfer is recorded",
                "fix": "submit its figures, or record the event (date, kind, target) in the "
                "structure of soeplan-jiangshan",
            }
        )
    return findings_frame(rows)


@hookimpl
def soeplan_rules() -> Iterable[Rule]:
    return [
        Rule(
            id=RULE_ID,
            severity=Severity.WARNING,
            description_zh="企业上年有数据、本年消失，且无兼并、注销或划转记录",
            description_en="An entity that reported last year disappears without a recorded "
            "merger, dissolution or transfer",
            check=vanished,
        )
    ]


# --------------------------------------------------------------------------- comparable growth


def growth_table(
    observations: pl.DataFrame, structure: Structure, indicator: str, year: int
) -> pl.DataFrame:
    """Growth of ``indicator`` from ``year − 1`` to ``year`` for each Jiangshan group and the unit,
    as reported and on a comparable basis (可比口径, :func:`soeplan.consolidation.comparable.comparable_growth`).

    Reported growth compares each node with what it held last year; comparable growth restates
    last year's figures in this year's structure: a merged entity's figures go to the absorbing
    entity, a transferred entity's to its new group. Columns: ``node, current, prior,
    prior_comparable, growth, growth_comparable``.
    """
    obs = observations.filter((pl.col("unit") == UNIT) & (pl.col("indicator") == indicator)).select(
        "unit", "entity", "year", "indicator", "value"
    )
    nodes = [*structure.at(year).roots(UNIT), UNIT]
    comparable = comparable_growth(
        obs, structure, base_year=year - 1, year=year, indicators=[indicator]
    ).select("node", current="value", prior_comparable="base_value")
    reported = (
        rollup(obs, structure, years=[year - 1], indicators=[indicator])
        .values.filter(pl.col("indicator") == indicator)
        .select("node", prior="value")
    )
    frame = (
        pl.DataFrame({"node": nodes}, schema={"node": pl.String})
        .join(comparable, on="node", how="left")
        .join(reported, on="node", how="left")
        .select("node", "current", "prior", "prior_comparable")
    )
    return frame.with_columns(
        growth=pl.when(pl.col("prior") != 0).then(pl.col("current") / pl.col("prior") - 1),
        growth_comparable=pl.when(pl.col("prior_comparable") != 0).then(
            pl.col("current") / pl.col("prior_comparable") - 1
        ),
    )


def _name(structure: Structure, node: str | None, lang: str, *, data: bool = False) -> str:
    """An entity's or the unit's name in ``lang`` (its id when the structure does not know it).

    An entity without an English name keeps its Chinese one in a table (``data``: a table's
    text is shown as data), its id in an English sentence."""
    if node is None:
        return ""
    entity = structure.entities.get(node)
    if entity is not None:
        if lang == "zh":
            return entity.name_zh
        return entity.name_en or (entity.name_zh if data else node)
    unit = structure.units.get(node)
    if unit is not None:
        return unit.name_zh if lang == "zh" else unit.name_en
    return node


def render_section(ctx: SectionContext) -> SectionContent:
    structure = ctx.structure if isinstance(ctx.structure, Structure) else own_structure()
    events = [ev for ev in structure.events if ev.entity.startswith("js.")]
    paragraphs = [
        Text(
            zh="江山市通过兼并重组、资产划转做大做优国有企业。增长按可比口径计算：上年数据按本年结构重述"
            "（被兼并企业计入吸收方，划转企业计入新集团），结构变化不计为增长。",
            en="Jiangshan grew its state-owned enterprises through mergers and asset transfers. "
            "Growth is shown on a comparable basis: last year's figures are restated in this "
            "year's structure (a merged entity counts with the absorbing one, a transferred one "
            "with its new group), so structural changes are not counted as growth.",
        ),
        *(
            Text(
                zh=f"{ev.date.isoformat()}：{ev.kind.zh} {_name(structure, ev.entity, 'zh')} → "
                f"{_name(structure, ev.target, 'zh')}",
                en=f"{ev.date.isoformat()}: {ev.kind.value} {_name(structure, ev.entity, 'en')} → "
                f"{_name(structure, ev.target, 'en')}",
            )
            for ev in events
        ),
    ]
    tables: list[SectionTable] = []
    obs = ctx.observations
    if (
        obs is None
        or obs.filter((pl.col("unit") == UNIT) & (pl.col("indicator") == "total_assets")).is_empty()
    ):
        paragraphs.append(
            Text(
                zh=f"{ctx.year}年无江山市资产总额数据，未计算可比增长。",
                en=f"No Jiangshan total assets for {ctx.year}; comparable growth not computed.",
            )
        )
    else:
        frame = growth_table(obs, structure, "total_assets", ctx.year).with_columns(
            pl.col("node").map_elements(
                lambda n: _name(structure, n, ctx.lang, data=True), pl.String
            )
        )
        if bool(obs["synthetic"].any()) if "synthetic" in obs.columns else False:
            paragraphs.append(
                Text(zh="注：数据为示例（合成）数据。", en="Note: the figures are synthetic.")
            )
        tables.append(
            SectionTable(
                title=Text(
                    zh=f"江山市资产总额增长（{ctx.year - 1}–{ctx.year}，含可比口径）",
                    en=f"Jiangshan total assets growth ({ctx.year - 1}–{ctx.year}), "
                    "reported and comparable",
                ),
                frame=frame,
                labels={
                    "node": Text(zh="单位", en="Node"),
                    "current": Text(zh=f"{ctx.year}年（亿元）", en=f"{ctx.year} (100m yuan)"),
                    "prior": Text(zh=f"{ctx.year - 1}年（亿元）", en=f"{ctx.year - 1} (100m yuan)"),
                    "prior_comparable": Text(
                        zh=f"{ctx.year - 1}年可比口径", en=f"{ctx.year - 1} comparable basis"
                    ),
                    "growth": Text(zh="增长率", en="Growth"),
                    "growth_comparable": Text(zh="可比增长率", en="Comparable growth"),
                },
                # amounts as total assets are shown, growth as a percentage
                formats={
                    "current": "total_assets",
                    "prior": "total_assets",
                    "prior_comparable": "total_assets",
                    "growth": "growth",
                    "growth_comparable": "growth",
                },
            )
        )
    return SectionContent(paragraphs=tuple(paragraphs), tables=tuple(tables))


@hookimpl
def soeplan_report_sections() -> Iterable[ReportSection]:
    return [
        ReportSection(
            id="jiangshan.growth",
            title=Text(
                zh="江山市：兼并重组、资产划转与可比增长",
                en="Jiangshan: mergers, transfers and comparable growth",
            ),
            render=render_section,
            sheet=Text(zh="江山市可比增长", en="Jiangshan comparable growth"),
            order=330,
            unit=UNIT,
        )
    ]
