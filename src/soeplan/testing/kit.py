"""The conformance kit: :func:`check_plugin` loads a plugin next to the core and checks it all.

It collects every problem at once (:class:`ConformanceReport`); :func:`assert_plugin` raises
:class:`ConformanceError` instead. The checks of each kind of record are in
:mod:`soeplan.testing.contents`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import polars as pl

from soeplan.errors import Problem, SoeplanError, UnknownNameError
from soeplan.frames import LONG_SCHEMA, empty_long
from soeplan.indicators import Indicator
from soeplan.plugins.host import make_host
from soeplan.plugins.registry import Registry, build_registry
from soeplan.testing.contents import (
    capital_register_problems,
    composition_problems,
    rule_problems,
    section_problems,
    structure_problems,
)


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
    problems += _indicator_problems(mine["indicators"])

    # Observations: given, loaded through the plugin, and the core's synthetic sample.
    units = sorted({s.unit for s in mine["structures"]})
    frames: list[pl.DataFrame] = []
    if observations is not None:
        frames.append(observations)
    if source is not None:
        checked.append("observations")
        loaded, found = _load(registry, units or [name], year, source)
        frames += loaded
        problems += found
        problems += _failures(registry.failures, name)
    obs = _concat(frames)
    if observations is None:
        from soeplan.sdk import merge_observations

        obs = merge_observations(_core_sample(), obs, registry.indicators)
    problems += _content_problems(registry, mine, obs, units, year, checked)
    problems += _sample_problems(registry, units, year, checked)
    return ConformanceReport(name, tuple(checked), tuple(_unique(problems)))


def _sample_problems(
    registry: Registry, units: Iterable[str], year: int, checked: list[str]
) -> list[Problem]:
    """``soeplan sample --unit U`` writes the figures ``soeplan demo`` reads for ``U``: the
    core's sample with the plugin's own laid over (the figures of an enterprise it adds too)."""
    try:
        from soeplan.plugins.builtin import load_core_sample
        from soeplan.sample import SAMPLE_YEARS, overlay_plugin_samples, sample_unit
        from soeplan.submissions.sample import sample_submission
    except ImportError:  # a soeplan without its sample
        return []
    in_sample = []
    for unit in units if year in SAMPLE_YEARS else ():
        try:
            sample_unit(unit, year)
        except UnknownNameError:  # a unit the sample does not cover
            continue
        in_sample.append(unit)
    if not in_sample:
        return []
    cols = list(LONG_SCHEMA)
    problems = []
    with registry.active():
        demo = overlay_plugin_samples(load_core_sample(registry), registry)
        for unit in in_sample:
            checked.append(f"sample {unit}")
            submission = sample_submission(unit, year)
            read = demo.filter((pl.col("unit") == unit) & (pl.col("year") == year)).select(cols)
            problems += _disagreement(unit, year, submission.select(cols), read)
            problems += _refused(unit, year, submission)
    return problems


def _refused(unit: str, year: int, submission: pl.DataFrame) -> list[Problem]:
    """The unit's sample is accepted under the demo's policy (errors block; warnings are taken
    as explained), as the demo needs: else it sets the unit aside."""
    from soeplan.submissions.validate import Policy, validate

    report = validate(submission, year=year, unit=unit, policy=Policy(explain=frozenset()))
    if report.acceptable:
        return []
    first = report.blocking.row(0, named=True)
    return [
        Problem(
            f"sample {unit} {year}",
            f"the unit's sample is refused ({report.blocking.height} blocking finding(s), e.g. "
            f"{first['rule']} {first['entity']} {first['indicator']}: {first['message_en']}); "
            "soeplan demo sets the unit aside",
            "give every required figure of your enterprises (amounts and counts) in your "
            "plugin's sample",
        )
    ]


def _disagreement(unit: str, year: int, written: pl.DataFrame, read: pl.DataFrame) -> list[Problem]:
    """Where the written sample and the demo's figures differ (a figure missing or different)."""
    key = ["entity", "indicator"]
    both = written.join(read, on=key, how="full", suffix="_demo", coalesce=True)
    differ = both.filter(
        pl.col("value").is_null()
        | pl.col("value_demo").is_null()
        | ((pl.col("value") - pl.col("value_demo")).abs() > 1e-9)
    ).sort(key)
    if differ.is_empty():
        return []
    first = differ.row(0, named=True)

    def show(v: float | None) -> str:
        return "no figure" if v is None else f"{v:g}"

    return [
        Problem(
            f"sample {unit} {year}",
            f"`soeplan sample --unit {unit}` and `soeplan demo` disagree on {differ.height} "
            f"figure(s), e.g. {first['entity']} {first['indicator']}: sample "
            f"{show(first['value'])}, demo {show(first['value_demo'])}",
            "give every figure of your enterprises in the answer of soeplan_load_observations("
            'unit, year, source="sample"), for entities of your structure only',
        )
    ]


def _indicator_problems(indicators: Iterable[Indicator]) -> list[Problem]:
    """A plugin's indicators: a local one (aggregation none) cannot also roll into another."""
    return [
        Problem(
            f"indicator {ind.code}",
            f"has aggregation none (stays local) but also rolls_into {ind.rolls_into!r}",
            "drop rolls_into, or give it aggregation sum",
        )
        for ind in indicators
        if ind.aggregation.value == "none" and ind.rolls_into
    ]


def _load(
    registry: Registry, units: Iterable[str], year: int, source: str
) -> tuple[list[pl.DataFrame], list[Problem]]:
    """Each unit's observations from ``source`` for ``year`` and the year before, and problems."""
    frames: list[pl.DataFrame] = []
    problems: list[Problem] = []
    for unit in units:
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
    return frames, problems


def _content_problems(
    registry: Registry,
    mine: Mapping[str, list[Any]],
    obs: pl.DataFrame,
    units: Iterable[str],
    year: int,
    checked: list[str],
) -> list[Problem]:
    """Run the plugin's structures, rules, sections and targets on ``obs``; notes each checked."""
    problems: list[Problem] = []
    for structure in mine["structures"]:
        checked.append(f"structure {structure.unit}")
        problems += structure_problems(structure, obs)
    if mine["structures"]:
        problems += composition_problems(registry, obs, units)
    for rule in mine["rules"]:
        checked.append(f"rule {rule.id}")
        problems += rule_problems(rule, registry, obs, year)
    for section in mine["sections"]:
        checked.append(f"section {section.id}")
        problems += section_problems(section, registry, obs, year)
    for capital in mine["capital_registers"]:
        checked.append(f"capital registers {capital.unit}")
        problems += capital_register_problems(capital, registry)
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
    return problems


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
        "capital_registers": own(registry.capital_registers),
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
