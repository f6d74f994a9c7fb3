"""The conformance kit a plugin's own test suite runs, and helpers for testing plugins.

A county's plugin calls :func:`check_plugin` from its tests::

    from soeplan.testing import check_plugin
    import soeplan_changshan.plugin as plugin

    def test_conforms():
        report = check_plugin(plugin)
        assert report.ok, report

:func:`check_plugin` loads the module next to the core (without installing it), then checks,
collecting every problem at once: it registers only hooks soeplan has; every hook answers without
raising and returns valid records (bilingual labels, ids, no clash with the core's ids); its
structure loads and rolls up; its rules run on the sample data and return findings frames; its
report sections render a :class:`~soeplan.sections.SectionContent` with Chinese and English text
everywhere; its observation loader returns a well-formed frame. :func:`assert_plugin` raises
:class:`ConformanceError` instead.

:func:`fake_distribution` writes a fake installed distribution (``NAME-VERSION.dist-info`` with
its entry points) so that discovery through ``importlib.metadata`` can be tested without pip.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import polars as pl

from soeplan.errors import Problem, SoeplanError
from soeplan.frames import LONG_SCHEMA, empty_long
from soeplan.plugins.checks import record_problems
from soeplan.plugins.host import make_host
from soeplan.plugins.registry import Registry, build_registry
from soeplan.rules import FINDING_SCHEMA, Rule, RuleContext
from soeplan.sections import ReportSection, SectionContent, SectionContext, SectionTable, Text
from soeplan.structure.records import EventKind, UnitStructure

__all__ = [
    "ConformanceError",
    "ConformanceReport",
    "assert_plugin",
    "check_plugin",
    "check_section_content",
    "fake_distribution",
    "installed",
]


class ConformanceError(SoeplanError):
    """A plugin does not conform: every problem found, each with where, what and the fix."""


@attrs.frozen
class ConformanceReport:
    """What :func:`check_plugin` checked, and every problem it found."""

    plugin: str
    checked: tuple[str, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        head = f"plugin {self.plugin!r}: checked {', '.join(self.checked) or 'nothing'}"
        if self.ok:
            return head + "; no problems"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


def check_plugin(
    module: ModuleType | object,
    *,
    name: str | None = None,
    year: int = 2023,
    observations: pl.DataFrame | None = None,
    source: str | None = None,
) -> ConformanceReport:
    """Check a plugin module against soeplan's contracts; collects every problem at once.

    ``module`` is registered next to the core (no installation needed) under ``name`` (default:
    the module's name). ``observations`` (a long frame ``unit, entity, year, indicator, value``)
    is what rules and sections run on; without it, ``source`` is passed to the plugin's
    ``soeplan_load_observations`` for ``year`` and the year before, and, when soeplan ships its
    synthetic sample, the sample is used too.
    """
    name = name or getattr(module, "__name__", "plugin").split(".")[0]
    problems: list[Problem] = []
    checked: list[str] = []
    host = make_host(strict=False, load_entry_points=False, extra=[(name, module)])
    problems += _failures(host.failures, name)
    if not host.pm.has_plugin(name):
        return ConformanceReport(name, ("registration",), tuple(problems))
    checked.append("registration")
    try:
        registry = build_registry(host)
    except SoeplanError as exc:
        problems.append(Problem(f"plugin {name}", exc.render(), "fix the records named above"))
        return ConformanceReport(name, tuple(checked), tuple(problems))
    problems += _failures(registry.failures, name)
    checked.append("records")

    mine = _mine(registry, name)
    if not any(mine.values()) and "soeplan_load_observations" not in host.hooks_of(name):
        problems.append(
            Problem(
                f"plugin {name}",
                "registers nothing",
                "implement at least one soeplan_ hook with @soeplan.hookimpl",
            )
        )
    for ind in mine["indicators"]:
        if ind.aggregation.value == "none" and ind.rolls_into:
            problems.append(
                Problem(
                    f"indicator {ind.code}",
                    f"has aggregation none (stays local) but also rolls_into {ind.rolls_into!r}",
                    "drop rolls_into, or give it aggregation sum",
                )
            )

    # Observations: given, loaded through the plugin, and the core's synthetic sample.
    units = sorted({s.unit for s in mine["structures"]})
    frames: list[pl.DataFrame] = []
    if observations is not None:
        frames.append(observations)
    if source is not None:
        checked.append("observations")
        for unit in units or [name]:
            for y in (year - 1, year):
                try:
                    frame = registry.load_observations(unit, y, source)
                except SoeplanError as exc:
                    problems.append(Problem(f"load_observations({unit}, {y})", exc.render()))
                    continue
                if frame is None:
                    problems.append(
                        Problem(
                            f"load_observations({unit!r}, {y}, {source!r})",
                            "no plugin loaded the source",
                            "return a frame for your unit and source",
                        )
                    )
                    continue
                problems += _observation_problems(frame, registry, unit, y)
                frames.append(frame)
        problems += _failures(registry.failures, name)
    obs = _concat(frames)
    if observations is None:
        from soeplan.sdk import merge_observations

        obs = merge_observations(_core_sample(), obs, registry.indicators)

    for structure in mine["structures"]:
        checked.append(f"structure {structure.unit}")
        problems += structure_problems(structure, obs)
    if mine["structures"]:
        problems += _composition_problems(registry, obs, units)
    for rule in mine["rules"]:
        checked.append(f"rule {rule.id}")
        problems += _rule_problems(rule, registry, obs, year)
    for section in mine["sections"]:
        checked.append(f"section {section.id}")
        problems += _section_problems(section, registry, obs, year)
    if mine["targets"]:
        checked.append("targets")
        for t in mine["targets"]:
            if t.indicator not in registry.indicators:
                problems.append(
                    Problem(
                        f"target {t.id}",
                        f"indicator {t.indicator!r} is not registered",
                        "register the indicator (soeplan_indicators) or correct the code",
                    )
                )
    return ConformanceReport(name, tuple(checked), tuple(_unique(problems)))


def assert_plugin(module: ModuleType | object, **kwargs: Any) -> ConformanceReport:
    """Like :func:`check_plugin`, but raise :class:`ConformanceError` listing every problem."""
    report = check_plugin(module, **kwargs)
    if not report.ok:
        raise ConformanceError(
            f"plugin {report.plugin!r} does not conform to soeplan", problems=report.problems
        )
    return report


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _failures(failures: Iterable[Any], name: str) -> list[Problem]:
    return [
        Problem(f"plugin {f.plugin} ({f.stage})", f.reason, "fix the hook named here")
        for f in failures
        if f.plugin == name
    ]


def _mine(registry: Registry, name: str) -> dict[str, list[Any]]:
    def own(records: Mapping[str, Any]) -> list[Any]:
        return [r for r in records.values() if r.provider is not None and r.provider.plugin == name]

    targets: list[Any] = []
    for source in registry.plans.values():
        from soeplan.plan.file import load_plan_file

        plan = load_plan_file(Path(source.path), registry.indicators)
        targets += own(registry.targets(plan))
    return {
        "indicators": own(registry.indicators),
        "structures": own(registry.structures),
        "rules": own(registry.rules),
        "sections": own(registry.sections),
        "targets": targets,
    }


def _core_sample() -> pl.DataFrame:
    """soeplan's synthetic sample observations, when this soeplan ships them."""
    try:
        sample = importlib.import_module("soeplan.sample")
    except ImportError:
        return empty_long()
    frame: pl.DataFrame = sample.sample_observations()
    return frame


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    cols = list(LONG_SCHEMA)
    parts = [empty_long()]
    for f in frames:
        if all(c in f.columns for c in cols):
            parts.append(
                f.select(
                    pl.col("unit").cast(pl.String),
                    pl.col("entity").cast(pl.String),
                    pl.col("year").cast(pl.Int32),
                    pl.col("indicator").cast(pl.String),
                    pl.col("value").cast(pl.Float64),
                )
            )
    return pl.concat(parts).unique(maintain_order=True)


def _observation_problems(
    frame: pl.DataFrame, registry: Registry, unit: str, year: int
) -> list[Problem]:
    where = f"load_observations({unit!r}, {year})"
    out = []
    missing = [c for c in LONG_SCHEMA if c not in frame.columns]
    if missing:
        return [Problem(where, f"the frame lacks {', '.join(missing)}", "add those columns")]
    unknown = sorted(set(frame["indicator"].cast(pl.String)) - set(registry.indicators))
    if unknown:
        out.append(
            Problem(
                where,
                f"unknown indicators {', '.join(unknown)}",
                "register them with soeplan_indicators",
            )
        )
    others = sorted(set(frame["unit"].cast(pl.String)) - {unit})
    if others:
        out.append(Problem(where, f"rows of other units {', '.join(others)}", f"return {unit}'s"))
    years = sorted(set(frame["year"].cast(pl.Int64)) - {year})
    if years:
        out.append(Problem(where, f"rows of other years {years}", f"return {year}'s only"))
    return out


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


def _composition_problems(
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


def _rule_problems(
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


def _section_problems(
    section: ReportSection, registry: Registry, observations: pl.DataFrame, year: int
) -> list[Problem]:
    from soeplan.plan.file import load_plan_file

    plans = list(registry.plans.values())
    plan = load_plan_file(Path(plans[0].path), registry.indicators) if plans else None
    out: list[Problem] = []
    for lang in ("zh", "en"):
        ctx = SectionContext(year=year, plan=plan, observations=observations, lang=lang)
        try:
            content = section.render(ctx)
        except Exception as exc:
            out.append(
                Problem(
                    f"section {section.id} ({lang})",
                    f"raised {type(exc).__name__}: {exc}",
                    "a section must render from any context, saying so when data are missing",
                )
            )
            continue
        out += check_section_content(content, where=f"section {section.id} ({lang})")
    return out


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

    if not content.paragraphs and not content.tables:
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
    return out


def fake_distribution(
    root: Path,
    name: str,
    version: str = "1.0",
    *,
    entry_points: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
) -> Path:
    """Write a fake installed distribution into ``root`` (put ``root`` on ``sys.path``).

    ``entry_points`` maps plugin names to ``module`` or ``module:attribute`` in the ``soeplan``
    group; ``files`` maps relative paths to text (the plugin's modules). ``importlib.metadata``
    then finds ``NAME-VERSION.dist-info`` as if pip had installed it.
    """
    root.mkdir(parents=True, exist_ok=True)
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    eps = entry_points or {}
    lines = ["[soeplan]", *(f"{k} = {v}" for k, v in eps.items())]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for rel, text in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@contextmanager
def installed(*roots: Path) -> Iterator[None]:
    """Put fake distributions (see :func:`fake_distribution`) on ``sys.path`` for a block."""
    from soeplan.plugins.registry import set_registry

    before = list(sys.path)
    before_modules = set(sys.modules)
    sys.path[:0] = [str(r) for r in roots]
    importlib.invalidate_caches()
    set_registry(None)
    try:
        yield
    finally:
        sys.path[:] = before
        for mod in set(sys.modules) - before_modules:
            file = getattr(sys.modules[mod], "__file__", None) or ""
            if any(file.startswith(str(r)) for r in roots):
                del sys.modules[mod]
        importlib.invalidate_caches()
        set_registry(None)
