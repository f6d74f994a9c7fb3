"""The conformance checks of what a plugin registers: structures, rules and report sections.

Each check returns every problem it finds (:class:`~soeplan.errors.Problem`: where, what, the
fix); :func:`soeplan.testing.check_plugin` runs them on a plugin's records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from soeplan.errors import Problem, SoeplanError
from soeplan.frames import FINDING_SCHEMA
from soeplan.plugins.checks import record_problems
from soeplan.plugins.registry import Registry
from soeplan.rules import Rule, RuleContext
from soeplan.sections import (
    ReportSection,
    SectionChart,
    SectionContent,
    SectionContext,
    SectionTable,
    Text,
    content_problems,
)
from soeplan.structure.records import EventKind, UnitStructure

if TYPE_CHECKING:
    from soeplan.plan.model import Plan


def structure_problems(structure: UnitStructure, observations: pl.DataFrame) -> list[Problem]:
    """A structure's record problems, plus: parents form a tree, events apply in date order
    (merges and transfers name an entity that exists at that date), and every entity that reports
    figures for the unit in ``observations`` is in the structure (else it would roll up flat)."""
    where = f"structure {structure.unit}"
    out = list(record_problems(structure))
    parents = {e.id: e.parent for e in structure.entities}
    for start in parents:
        seen = {start}
        node = parents.get(start)
        while node is not None:
            if node in seen:
                out.append(Problem(where, f"entity {start!r} is its own ancestor", "fix parent"))
                break
            seen.add(node)
            node = parents.get(node)
    alive = {e.id: e.since or dt.date.min for e in structure.entities}
    gone: dict[str, dt.date] = {}
    for ev in sorted(structure.events, key=lambda e: (e.date, e.entity)):
        w = f"{where}, {ev.kind.value} of {ev.entity} on {ev.date}"
        if ev.entity in gone:
            out.append(Problem(w, f"{ev.entity!r} no longer exists on that date", "fix the date"))
        if ev.kind in (EventKind.MERGE, EventKind.TRANSFER):
            if ev.target is None:
                out.append(Problem(w, "has no target", "name the absorbing entity or new parent"))
            elif ev.target in alive and (alive[ev.target] > ev.date or ev.target in gone):
                out.append(Problem(w, f"target {ev.target!r} does not exist then", "fix the date"))
            elif ev.target not in alive and ev.unit is None:
                out.append(Problem(w, f"target {ev.target!r} is unknown", "add it or fix the id"))
        if ev.kind in (EventKind.MERGE, EventKind.DISSOLVE):
            gone[ev.entity] = ev.date
    if "unit" in observations.columns and observations.height:
        reported = set(
            observations.filter(pl.col("unit") == structure.unit)["entity"].cast(pl.String)
        )
        flat = sorted(reported - set(alive))
        if flat:
            out.append(
                Problem(
                    where,
                    f"entities with figures but not in the structure: {', '.join(flat)}",
                    "add them to the structure, or they roll up flat under the unit",
                )
            )
    return out


def composition_problems(
    registry: Registry, observations: pl.DataFrame, units: Iterable[str]
) -> list[Problem]:
    """Compose the city's structure with the plugin's (and the sample's entities, and the
    entities in ``observations``), then roll the observations up: the plugin's units must not fall
    back to a flat rollup, and each unit's total of every summed indicator must equal the sum of
    its entities' figures (nothing lost, nothing counted twice)."""
    from soeplan.consolidation.rollup import rollup
    from soeplan.structure.city import city_structure

    extra = sorted({(str(e), str(u)) for e, u in observations.select("entity", "unit").iter_rows()})
    try:
        structure = city_structure(sample=True, registry=registry, extra_entities=extra)
    except SoeplanError as exc:
        return [Problem("city structure with this plugin", exc.render(), "fix the structure")]
    units = sorted(units)
    obs = observations.filter(pl.col("unit").is_in(units))
    if obs.is_empty():
        return []
    try:
        result = rollup(obs, city_structure(sample=False, registry=registry), registry=registry)
    except SoeplanError as exc:
        return [Problem("rollup with this plugin", exc.render(), "fix the structure or data")]
    out: list[Problem] = []
    flat = result.findings.filter(pl.col("rule") == "rollup.flat_fallback")
    for unit, entity in flat.select("unit", "entity").iter_rows():
        out.append(
            Problem(
                f"rollup of {unit}",
                f"entities not in the plugin's structure roll up flat: {entity}",
                "add them to the structure the plugin registers",
            )
        )
    summed = {c for c, i in registry.indicators.items() if i.aggregation.value == "sum"}
    rolls = {c: i.rolls_into for c, i in registry.indicators.items() if i.rolls_into}
    rolled = obs.filter(pl.col("indicator").is_in(list(rolls))).with_columns(
        pl.col("indicator").replace_strict(rolls, default=None)
    )
    expected = (
        pl.concat([obs, rolled])
        .filter(pl.col("indicator").is_in(sorted(summed)))
        .group_by("unit", "year", "indicator")
        .agg(pl.col("value").sum())
    )
    for unit, year, code, value in expected.iter_rows():
        got = result.value(unit, code, year)
        if got is None or abs(got - value) > 1e-6 * max(1.0, abs(value)):
            out.append(
                Problem(
                    f"rollup of {unit}, {code}, {year}",
                    f"the unit total is {got}, its entities sum to {value}",
                    "check parents, co-owners and difference units in the structure",
                )
            )
    del structure
    return out


def capital_register_problems(record: object, registry: Registry) -> list[Problem]:
    """A plugin's capital registers (``soeplan_capital_registers``): the record's own checks,
    its workbooks readable, its unit one of the city's, and every enterprise it names one of the
    unit's in the city's structure with the plugin's."""
    from soeplan.registers.provided import CapitalRegisters
    from soeplan.structure.city import city_structure

    if not isinstance(record, CapitalRegisters):
        return [Problem("capital registers", f"a {type(record).__name__}", "use CapitalRegisters")]
    where = f"capital registers of {record.unit}"
    out = [Problem(where, p.what, p.fix) for p in record_problems(record)]
    try:
        registers, ops = record.resolve()
    except SoeplanError as exc:
        return [*out, Problem(where, exc.render(), "correct the workbook the plugin ships")]
    try:
        structure = city_structure(sample=True, registry=registry)
    except SoeplanError as exc:
        return [*out, Problem(where, exc.render(), "fix the structure")]
    if record.unit not in structure.units:
        return [*out, Problem(where, f"{record.unit!r} is not a county-level unit of the city",
                              "name a unit the structures register")]  # fmt: skip
    known = {e.id for e in structure.entities.values() if e.unit == record.unit}
    named = [(f"register as of {r.as_of}", e.id) for r in registers for e in r.entries]
    if ops is not None:
        named += [("operations register", x.entity) for x in ops.listings]
        named += [("operations register", x.entity) for x in ops.reforms]
    for what, entity in dict.fromkeys(named):
        if entity not in known:
            out.append(Problem(f"{where}, {what}", f"enterprise {entity!r} is not one of "
                               f"{record.unit}'s", "use the ids of the unit's structure"))  # fmt: skip
    return out


def rule_problems(
    rule: Rule, registry: Registry, observations: pl.DataFrame, year: int
) -> list[Problem]:
    where = f"rule {rule.id}"
    out: list[Problem] = []
    for unit in sorted(set(observations["unit"])) or [None]:
        obs = observations if unit is None else observations.filter(pl.col("unit") == unit)
        ctx = RuleContext(
            observations=obs.filter(pl.col("year") == year),
            year=year,
            unit=unit,
            prior=obs.filter(pl.col("year") == year - 1),
            indicators=registry.indicators,
        )
        try:
            findings = rule.check(ctx)
        except Exception as exc:
            out.append(
                Problem(
                    f"{where} on {unit or 'no data'} {year}",
                    f"raised {type(exc).__name__}: {exc}",
                    "a rule must return findings, never raise on valid data",
                )
            )
            continue
        if not isinstance(findings, pl.DataFrame):
            out.append(
                Problem(where, f"returned a {type(findings).__name__}", "return a findings frame")
            )
            continue
        missing = [c for c in FINDING_SCHEMA if c not in findings.columns]
        if missing:
            out.append(
                Problem(
                    where,
                    f"findings lack {', '.join(missing)}",
                    "build them with soeplan.rules.findings_frame",
                )
            )
            continue
        for row in findings.iter_rows(named=True):
            if not row["message_zh"] or not row["message_en"]:
                out.append(Problem(where, "a finding lacks message_zh or message_en", "add both"))
                break
    return out


def section_problems(
    section: ReportSection, registry: Registry, observations: pl.DataFrame, year: int
) -> list[Problem]:
    """A section rendered in both languages from the observations alone, and once from the
    context a yearly run gives (structure, :class:`soeplan.Rollup`, rollup frame): it raises
    in none of them, and each content has both languages and a label for every column."""
    from soeplan.plan.file import load_plan_file

    plans = list(registry.plans.values())
    plan = load_plan_file(Path(plans[0].path), registry.indicators) if plans else None
    contexts = {
        lang: SectionContext(year=year, plan=plan, observations=observations, lang=lang)
        for lang in ("zh", "en")
    }
    if {"entity", "year", "indicator", "value"} <= set(observations.columns):
        contexts["zh, with the rollup"] = _run_context(registry, plan, observations, year)
    out: list[Problem] = []
    for label, ctx in contexts.items():
        try:
            content = section.render(ctx)
        except Exception as exc:
            out.append(
                Problem(
                    f"section {section.id} ({label})",
                    f"raised {type(exc).__name__}: {exc}",
                    "a section must render from any context, saying so when data are missing",
                )
            )
            continue
        where = f"section {section.id} ({label})"
        out += check_section_content(content, where=where)
        out += _format_problems(content, registry, where)
    return out


def _format_problems(content: object, registry: Registry, where: str) -> list[Problem]:
    """A table's column formats that are neither a format nor a registered indicator."""
    from soeplan.report.model import CellFormat

    formats = [f.value for f in CellFormat]
    out: list[Problem] = []
    for i, table in enumerate(getattr(content, "tables", ())):
        for col, fmt in getattr(table, "formats", {}).items():
            if fmt not in formats and fmt not in registry.indicators:
                out.append(
                    Problem(
                        f"{where}, table {i}",
                        f"column {col!r} has the format {fmt!r}, neither a format nor an indicator",
                        f"use one of {', '.join(formats)} or an indicator code",
                    )
                )
    return out


def _run_context(
    registry: Registry, plan: Plan | None, observations: pl.DataFrame, year: int
) -> SectionContext:
    """The context a yearly run gives a section: the composed structure and the rollup."""
    from soeplan.consolidation.rollup import rollup
    from soeplan.structure.city import city_structure

    with registry.active():
        structure = city_structure(registry=registry, sample=True)
        result = rollup(observations, structure, registry=registry)
    return SectionContext.of_rollup(
        result, year=year, plan=plan, observations=observations, options={"synthetic": True}
    )


def check_section_content(content: object, *, where: str = "section") -> list[Problem]:
    """Problems of a rendered section: type, and Chinese and English text everywhere."""
    if not isinstance(content, SectionContent):
        return [Problem(where, f"rendered a {type(content).__name__}", "return SectionContent")]
    out: list[Problem] = []

    def text(w: str, t: object) -> None:
        if not isinstance(t, Text):
            out.append(Problem(w, f"is a {type(t).__name__}, not a Text", "use Text(zh=…, en=…)"))
        elif not (
            isinstance(t.zh, str) and t.zh.strip() and isinstance(t.en, str) and t.en.strip()
        ):
            out.append(Problem(w, "lacks its Chinese or its English form", "give both"))

    if not content.paragraphs and not content.tables and not content.charts:
        out.append(Problem(where, "rendered nothing", "say at least what the section is about"))
    for i, p in enumerate(content.paragraphs):
        text(f"{where}, paragraph {i}", p)
    for i, table in enumerate(content.tables):
        w = f"{where}, table {i}"
        if not isinstance(table, SectionTable):
            out.append(Problem(w, f"is a {type(table).__name__}", "use SectionTable"))
            continue
        text(f"{w} title", table.title)
        if not isinstance(table.frame, pl.DataFrame):
            out.append(Problem(w, "frame is not a polars DataFrame", "pass a DataFrame"))
            continue
        for col in table.frame.columns:
            if col not in table.labels:
                out.append(Problem(w, f"column {col!r} has no label", "add it to labels"))
            else:
                text(f"{w}, label of {col}", table.labels[col])
        for col in getattr(table, "formats", {}):
            if col not in table.frame.columns:
                out.append(Problem(w, f"formats names {col!r}, not a column", "drop it"))
    out += _chart_problems(content, where, text)
    return out


def _chart_problems(
    content: SectionContent, where: str, text: Callable[[str, object], None]
) -> list[Problem]:
    """A chart's title, unit and every legend label in both languages; what the report refuses
    to draw (:func:`soeplan.sections.content_problems`), each named."""
    out = [
        Problem(where, p, "see SectionChart: kind line or bars, a format, numbers, Text labels")
        for p in content_problems(SectionContent(charts=content.charts))
        if "expected a Text" not in p  # the labels are checked below, both languages
    ]
    for i, chart in enumerate(content.charts):
        if not isinstance(chart, SectionChart):
            continue
        w = f"{where}, chart {i}"
        text(f"{w} title", chart.title)
        text(f"{w} unit of measure", chart.unit)
        for item in (*chart.series, *chart.levels):
            text(f"{w}, legend label of {getattr(item, 'key', '?')}", getattr(item, "label", None))
        if not chart.series:
            out.append(Problem(w, "draws no series", "leave out a chart with nothing to draw"))
    return out
