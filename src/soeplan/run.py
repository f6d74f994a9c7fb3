"""The yearly municipal run: observations in, the report out.

:func:`report_from_observations` is the common core of ``soeplan rollup ... --out`` and
``soeplan demo``: consolidate the (validated) observations through the composed dated structure
of the core and the plugins (:func:`soeplan.consolidation.rollup.rollup`), assess the scopes against the plan
(:func:`soeplan.assess_frame`), render the plugins' report sections, and build the
:class:`~soeplan.report.model.Report`. :func:`run_demo` does it on the bundled synthetic sample,
which the core's plugin loads through ``soeplan_load_observations`` like a county's figures
(:func:`soeplan.plugins.builtin.load_core_sample`).

Long: a little over 500 lines: the three ways into the yearly run (submissions, the store and
the sample) share their checks and are read together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import polars as pl

from soeplan.capital.definitions import CapitalDefinition
from soeplan.capital.view import (
    CapitalInputs,
    CapitalView,
    sample_inputs,
    store_inputs,
    with_capital,
)
from soeplan.consolidation.records import Rollup
from soeplan.consolidation.rollup import rollup
from soeplan.context import current
from soeplan.errors import Problem, SoeplanError
from soeplan.frames import FINDING_SCHEMA, empty_long
from soeplan.plan.load import load_plan
from soeplan.plan.model import Plan
from soeplan.plugins.builtin import load_core_sample
from soeplan.provenance import HookTiming, PluginFailure, slow
from soeplan.report.build import build_report
from soeplan.report.model import DebtLines, InputFile, PartialScope, Report, SetAside
from soeplan.report.partial import check_coverage, demo_partial, synthetic_unit_names, years_of
from soeplan.report.write import OBSERVATIONS_FILE, write_report
from soeplan.rules import empty_findings
from soeplan.sections import SectionContext, Text
from soeplan.structure.city import city_structure
from soeplan.structure.dated import Structure
from soeplan.submissions.store_registers import store_structure

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry
    from soeplan.submissions.ingest import CheckedFile
    from soeplan.submissions.validate import ValidationReport

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@attrs.frozen
class RunResult:
    """What a run produced: the report, the rollup it was built from, and where it was written."""

    report: Report
    rollup: Rollup
    out: Path | None = None


def _frames(result: Rollup) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict[str, str]]:
    v = result.values
    totals = v.filter(pl.col("node_type") == "scope").select(
        pl.col("node").alias("scope"), "year", "indicator", "value"
    )
    units = v.filter(pl.col("node_type") == "unit").select(
        pl.col("node").alias("unit"), "year", "indicator", "value"
    )
    entities = v.filter(pl.col("node_type") == "entity").select(
        pl.col("node").alias("entity"), "unit", "year", "indicator", "value"
    )
    names = dict(
        v.filter(pl.col("node_type") == "entity")
        .select("node", "name_zh")
        .unique("node")
        .iter_rows()
    )
    return totals, units, entities, {k: str(n or k) for k, n in names.items()}


def report_from_observations(
    observations: pl.DataFrame,
    plan: Plan | str,
    year: int,
    *,
    structure: Structure | None = None,
    inputs: Sequence[InputFile] = (),
    synthetic: bool = False,
    findings: pl.DataFrame | None = None,
    set_aside: Sequence[SetAside] = (),
    lang: str = "zh",
    debt_lines: DebtLines | None = None,
    debt_baselines: Mapping[tuple[str, int], float] | None = None,
    progress: Progress = _quiet,
    section_options: Mapping[str, Any] | None = None,
    explain_example: str | None = None,
    plugin_failures: Sequence[PluginFailure] = (),
    partial: Sequence[PartialScope] = (),
    synthetic_units: Sequence[str] = (),
    registers: CapitalInputs | pl.DataFrame | None = None,
    capital: CapitalDefinition | None = None,
) -> RunResult:
    """Consolidate ``observations`` (``entity, year, indicator, value``, ``unit`` optional) and
    build the report of ``plan`` for ``year``. ``findings`` are the validation findings so far (columns :data:`soeplan.FINDING_SCHEMA`);
    the rollup's own checks are added to them. ``set_aside`` lists units left out.
    ``debt_baselines``: industry baselines of the debt-risk lines, ``(industry, year) -> ratio``
    (:func:`soeplan.assessment.debt_risk.read_baselines`); without them, SASAC's class defaults.
    ``plugin_failures`` are the plugins' failures so far (their rules'); the report lists them
    with the registry's load failures and the sections that fail here. In strict plugin mode a
    section that fails raises :class:`~soeplan.errors.PluginError` here, before anything is
    written. ``partial``, ``synthetic_units``: see :func:`soeplan.report.build_report`;
    ``registers``, ``capital``: :func:`soeplan.capital.view.with_capital`;
    ``section_options``: more options for the sections (``scoring_standards``, ...).
    """
    plan = plan if isinstance(plan, Plan) else load_plan(plan)
    plan.require_year(year, what="the report's year")
    plan = current().plan_with_targets(plan)  # with the counties' own targets
    years = _years(observations, year, set_aside)
    registry = current()
    progress("composing the structure (core and plugins)")
    structure = structure or city_structure(sample=synthetic)
    consolidated, view = with_capital(observations, registers, structure, capital, synthetic)
    progress(f"consolidating {observations.height} observations, {years[0]}–{years[-1]}")
    result = rollup(consolidated, structure)
    totals, units, entities, names = _frames(result)
    all_findings = _all_findings(findings, result, view)
    sections = list(registry.sections.values())
    progress(f"assessing against {plan.id} and rendering {len(sections)} report section(s)")
    context = SectionContext.of_rollup(
        result,
        year=year,
        plan=plan,
        observations=observations,
        lang=lang,
        options=_options(synthetic, debt_baselines, view, section_options),
    )
    report = build_report(
        plan,
        year,
        totals,
        units=units,
        entities=entities,
        findings=all_findings,
        set_aside=set_aside,
        sections=sections,
        section_context=context,
        providers=registry.host.providers.values(),
        inputs=inputs,
        synthetic=synthetic,
        lang=lang,
        debt_lines=debt_lines,
        unit_names={u.id: Text(u.name_zh, u.name_en) for u in structure.units.values()},
        entity_names=names,
        explain_example=explain_example,
        plugin_failures=[*registry.load_failures(), *plugin_failures],
        partial=partial,
        synthetic_units=synthetic_units,
    )
    _after_sections(report, registry, progress)
    return RunResult(report=report, rollup=result)


def _all_findings(
    findings: pl.DataFrame | None, result: Rollup, view: CapitalView | None
) -> pl.DataFrame:
    """The validation findings so far, the rollup's and the registers' (a rating count that
    disagrees with the register)."""
    so_far = findings if findings is not None else empty_findings()
    extra = [view.findings] if view is not None else []
    out = pl.concat([so_far, result.findings, *extra], how="vertical_relaxed")
    return out.select(list(FINDING_SCHEMA))


def _options(
    synthetic: bool,
    debt_baselines: Mapping[tuple[str, int], float] | None,
    capital: CapitalView | None,
    more: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The report sections' options: whether the figures are synthetic, the industry baselines
    of the debt-risk lines (:mod:`soeplan.assessment.debt_risk`), the capital figures
    (:class:`soeplan.capital.view.CapitalView`; None without registers), and ``more`` (the
    classified assessment's ``scoring_standards``, ``scoring_special``:
    :mod:`soeplan.report.scoring_section`)."""
    return {
        "synthetic": synthetic,
        "debt_baselines": dict(debt_baselines or {}),
        "capital": capital,
        **(more or {}),
    }


def _years(observations: pl.DataFrame, year: int, set_aside: Sequence[SetAside] = ()) -> list[int]:
    """The years the observations cover; refused when ``year`` is not among them (naming the
    units whose files were set aside, when that is why)."""
    years = (
        sorted(set(observations["year"].cast(pl.Int32).to_list())) if observations.height else []
    )
    if year not in years and set_aside:
        raise SoeplanError(
            f"no figures for {year} are left to total: {len(set_aside)} unit(s) were set aside",
            problems=[
                Problem(
                    s.file or s.unit,
                    f"{s.unit}'s file was set aside: {s.errors} blocking finding(s)",
                    "correct the file (see the findings above) and submit it again",
                )
                for s in set_aside
            ],
        )
    if year not in years:
        shown = f"{years[0]}–{years[-1]}" if years else "none"
        raise SoeplanError(
            f"the observations have no figures for {year} (years found: {shown})\n"
            "  fix: pass --year for a year the submissions cover, or add that year's submissions"
        )
    return years


def _after_sections(report: Report, registry: Registry, progress: Progress) -> None:
    """Report the sections that failed (strict plugin mode stops here, before anything is
    written) and name the slow ones."""
    for sec in report.sections:
        if sec.failure is not None:
            registry.report_failure(sec.failure)
    show_slow(
        (
            HookTiming(s.provider.plugin if s.provider else "?", "section", s.id, s.seconds)
            for s in report.sections
        ),
        progress,
    )


def show_slow(timings: Iterable[HookTiming], progress: Progress) -> None:
    """Name each plugin call slower than :func:`soeplan.provenance.slow_plugin_seconds`."""
    for t in slow(timings):
        progress(str(t))


def _rule_notes(reports: Iterable[ValidationReport], progress: Progress) -> list[PluginFailure]:
    """The rules' plugin failures of the submissions' validation; their slow calls shown."""
    reports = list(reports)
    show_slow((t for r in reports for t in r.timings), progress)
    return [f for r in reports for f in r.plugin_failures]


_OBS = ("unit", "entity", "year", "indicator", "value")


def run_submissions(
    submissions: Sequence[Path | str],
    out: Path | str,
    *,
    plan: str = "quzhou-14th",
    year: int,
    store: Path | str | None = None,
    lang: str = "zh",
    debt_lines: DebtLines | None = None,
    debt_baselines: Mapping[tuple[str, int], float] | None = None,
    progress: Progress = _quiet,
    section_options: Mapping[str, Any] | None = None,
    allow_partial: bool = False,
    capital: CapitalDefinition | None = None,
) -> RunResult:
    """The yearly run on the units' submitted files (and/or an ingest store); writes the report.

    Every file is read and validated (against last year's accepted figures in ``store``, when
    given). A unit whose submission has blocking findings is set aside. With a ``store``, its
    accepted figures (other years, and units that did not submit a file this time) are
    consolidated too.

    Coverage is checked first (:func:`soeplan.report.partial.check_coverage`): a year with missing
    units is refused, with the list and nothing written, unless ``allow_partial`` (then marked).

    Long: the run's steps in order (check, accept, add the store, cover, consolidate, report),
    one call each, with the options each step takes passed through.
    """
    if not submissions and store is None:
        raise SoeplanError(
            "nothing to report on: give submission files, --store DIR, or both\n"
            "  fix: e.g. soeplan rollup submissions/*.xlsx --year 2023 --out report"
        )
    plan_obj = load_plan(plan)
    plan_obj.require_year(year, what="the report's year")
    checked = _checked_submissions(submissions, plan_obj, year, store, progress)
    accepted = _accepted(checked, progress)
    if store is not None:
        accepted = _with_store(accepted, Path(store), year)
    findings = [
        c.report.findings.select(list(FINDING_SCHEMA)) for c in checked if c.report.findings.height
    ]
    observations = (
        pl.concat(
            [f.with_columns(pl.col("year").cast(pl.Int32)) for f in accepted.frames],
            how="vertical_relaxed",
        )
        if accepted.frames
        else empty_long()
    )
    structure = store_structure(store, sample=accepted.synthetic)  # with its registers
    partial = check_coverage(
        plan_obj, structure, year, checked, store, allow_partial, years_of(observations) - {year}
    )
    scope = plan_obj.scopes[0].name_zh if lang == "zh" else plan_obj.scopes[0].id
    explain = (
        f"soeplan explain --data {Path(out) / OBSERVATIONS_FILE} --scope {scope} "
        f"--indicator total_assets --year {year}" + (" --lang en" if lang == "en" else "")
    )
    run = report_from_observations(
        observations,
        plan_obj,
        year,
        structure=structure,
        explain_example=explain,
        inputs=accepted.inputs,
        synthetic=accepted.synthetic,
        findings=pl.concat(findings) if findings else None,
        set_aside=accepted.set_aside,
        lang=lang,
        debt_lines=debt_lines,
        debt_baselines=debt_baselines,
        progress=progress,
        section_options=section_options,
        plugin_failures=_rule_notes((c.report for c in checked), progress),
        partial=partial,
        synthetic_units=synthetic_unit_names(
            accepted.synthetic_units, accepted.units, structure, lang
        ),
        registers=store_inputs(store, sorted(years_of(observations))) if store else None,
        capital=capital,
    )
    progress(f"writing the report into {out}")
    return attrs.evolve(run, out=write_report(run.report, out, observations=observations))


def _checked_submissions(
    submissions: Sequence[Path | str],
    plan: Plan,
    year: int,
    store: Path | str | None,
    progress: Progress,
) -> list[CheckedFile]:
    """Read and validate every file; every unreadable file, or one for another year, at once."""
    from soeplan.submissions.ingest import check_file
    from soeplan.submissions.read_errors import SubmissionReadError

    checked = []
    problems: list[Problem] = []
    for i, path in enumerate(submissions, start=1):
        progress(f"reading and validating {path} ({i}/{len(submissions)})")
        try:
            checked.append(check_file(path, year=None, plan=plan, store=store))
        except SubmissionReadError as exc:
            problems += exc.problems
    if problems:
        raise SubmissionReadError(
            f"{len(problems)} problem(s) reading the submissions; no report was written",
            problems=problems,
        )
    wrong_year = [c for c in checked if c.year != year]
    if wrong_year:
        raise SoeplanError(
            f"{len(wrong_year)} submission(s) are not for {year}",
            problems=[
                from_problem(c.submission.path, f"declares the year {c.year}") for c in wrong_year
            ],
        )
    return checked


@attrs.frozen
class _Accepted:
    """What goes into the rollup: the accepted figures, the units set aside, the inputs read."""

    frames: list[pl.DataFrame]
    set_aside: list[SetAside]
    inputs: list[InputFile]
    synthetic: bool
    submitted_units: frozenset[str]
    #: the units whose accepted figures go in, and those of them marked synthetic
    units: frozenset[str] = frozenset()
    synthetic_units: frozenset[str] = frozenset()


def _accepted(checked: Sequence[CheckedFile], progress: Progress) -> _Accepted:
    """The acceptable submissions' figures; a unit with blocking findings is set aside."""
    frames: list[pl.DataFrame] = []
    set_aside: list[SetAside] = []
    inputs: list[InputFile] = []
    synthetic = False
    submitted_units: set[str] = set()
    units = {u.id: Text(u.name_zh, u.name_en) for u in city_structure(sample=False).units.values()}
    used: set[str] = set()
    syn_units: set[str] = set()
    for c in checked:
        inputs.append(InputFile.of(c.submission.path, c.unit))
        submitted_units.add(c.unit)
        if c.acceptable:
            frames.append(c.report.accepted_observations().select(_OBS))
            used.add(c.unit)
            if c.submission.synthetic:
                synthetic = True
                syn_units.add(c.unit)
        else:
            blocking = c.report.blocking.height
            name = units.get(c.unit, Text(c.unit, c.unit))
            set_aside.append(SetAside(c.unit, name, blocking, str(c.submission.path)))
            progress(f"setting {c.unit} aside: {blocking} blocking finding(s)")
    return _Accepted(
        frames,
        set_aside,
        inputs,
        synthetic,
        frozenset(submitted_units),
        frozenset(used),
        frozenset(syn_units),
    )


def _with_store(accepted: _Accepted, store: Path, year: int) -> _Accepted:
    """Add the store's accepted figures: other years, and the units that sent no file this time."""
    from soeplan.submissions.store import Store, read_store

    st = Store(store)
    stored = read_store(store)
    submitted = accepted.submitted_units
    # this year's files replace the store's figures of their units for this year
    stored = stored.filter(~((pl.col("year") == year) & pl.col("unit").is_in(sorted(submitted))))
    inputs = list(accepted.inputs)
    synthetic = accepted.synthetic
    used, syn_units = set(accepted.units), set(accepted.synthetic_units)
    for e in st.current():
        if e.year == year and e.unit in submitted:
            continue
        inputs.append(InputFile(str(store / e.path), e.sha256, e.unit))
        synthetic = synthetic or e.synthetic
        used.add(e.unit)
        if e.synthetic:
            syn_units.add(e.unit)
    return attrs.evolve(
        accepted,
        frames=[*accepted.frames, stored.select(_OBS)],
        inputs=inputs,
        synthetic=synthetic,
        units=frozenset(used),
        synthetic_units=frozenset(syn_units),
    )


def from_problem(where: str, what: str) -> Problem:
    return Problem(where, what, "submit each unit's file for the year being reported")


#: The demo's policy: errors block; the sample's warnings are listed but count as explained,
#: as if each unit had written its 出错说明 (the sample carries no explanation column).
DEMO_POLICY_NOTE = "errors block; warnings are listed and treated as explained"


def _demo_explain(plan: Plan, year: int, lang: str) -> str:
    """The ``soeplan explain`` command the demo's report shows as its example."""
    scope = plan.scopes[0].name_zh if lang == "zh" else plan.scopes[0].id
    return f"soeplan explain --sample --scope {scope} --indicator total_assets --year {year}" + (
        " --lang en" if lang == "en" else ""
    )


def run_demo(
    out: Path | str,
    *,
    plan: str = "quzhou-14th",
    year: int = 2023,
    lang: str = "zh",
    debt_lines: DebtLines | None = None,
    debt_baselines: Mapping[tuple[str, int], float] | None = None,
    progress: Progress = _quiet,
    capital: CapitalDefinition | None = None,
    section_options: Mapping[str, Any] | None = None,
) -> RunResult:
    """The yearly run on the bundled **synthetic** sample (its registers too: the capital
    figures under ``capital``); writes the report into ``out``. Each unit's sample figures for ``year`` are validated like a submission (against the unit's
    figures of the year before) with :data:`DEMO_POLICY_NOTE`; a unit with blocking findings is
    set aside for ``year``; earlier years are taken as accepted.
    """
    from soeplan.sdk import overlay_plugin_samples
    from soeplan.submissions.validate import Policy, validate

    plan_obj = load_plan(plan)
    plan_obj.require_year(year, what="the report's year")
    progress("reading the bundled sample (synthetic data)")
    # the core's sample, loaded through its plugin as a county's figures are, with the county
    # plugins' own sample figures (their local metrics) laid over
    registry = current()
    before = len(registry.failures)
    observations = overlay_plugin_samples(load_core_sample())
    readers_failed = registry.failures[before:]  # plugins whose sample figures could not load
    structure = city_structure(sample=True)
    policy = Policy(explain=frozenset())
    keep: list[pl.DataFrame] = [observations.filter(pl.col("year") != year)]
    findings: list[pl.DataFrame] = []
    set_aside: list[SetAside] = []
    reports: list[ValidationReport] = []
    units = sorted(observations["unit"].unique().to_list())
    for i, unit in enumerate(units, start=1):
        progress(f"validating {unit}'s {year} figures ({i}/{len(units)})")
        this = observations.filter((pl.col("unit") == unit) & (pl.col("year") == year))
        prior = observations.filter((pl.col("unit") == unit) & (pl.col("year") == year - 1))
        checked = validate(
            this,
            year=year,
            unit=unit,
            prior=prior if prior.height else None,
            plan=plan_obj,
            policy=policy,
        )
        reports.append(checked)
        if checked.findings.height:
            findings.append(checked.findings.select(list(FINDING_SCHEMA)))
        if checked.acceptable:
            keep.append(this)
        else:
            u = structure.units.get(unit)
            name = Text(u.name_zh, u.name_en) if u else Text(unit, unit)
            set_aside.append(SetAside(unit, name, checked.blocking.height))
            progress(f"setting {unit} aside: {checked.blocking.height} blocking finding(s)")
    run = report_from_observations(
        pl.concat(keep),
        plan_obj,
        year,
        structure=structure,
        explain_example=_demo_explain(plan_obj, year, lang),
        synthetic=True,
        findings=pl.concat(findings) if findings else None,
        set_aside=set_aside,
        lang=lang,
        debt_lines=debt_lines,
        debt_baselines=debt_baselines,
        progress=progress,
        section_options=section_options,
        plugin_failures=[*readers_failed, *_rule_notes(reports, progress)],
        partial=demo_partial(plan_obj, structure, year, units, set_aside),
        registers=sample_inputs(),
        capital=capital,
    )
    progress(f"writing the report into {out}")
    path = write_report(run.report, out)
    return attrs.evolve(run, out=path)
