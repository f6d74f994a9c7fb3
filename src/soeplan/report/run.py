"""The yearly municipal run: observations in, the report out.

:func:`report_from_observations` is the common core of ``soeplan rollup ... --out`` and
``soeplan demo``: consolidate the (validated) observations through the composed dated structure
of the core and the plugins (:func:`soeplan.rollup.rollup`), assess the scopes against the plan
(:func:`soeplan.assess_frame`), render the plugins' report sections, and build the
:class:`~soeplan.report.model.Report`. :func:`run_demo` does it on the bundled synthetic sample.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
import polars as pl

from soeplan.errors import SoeplanError
from soeplan.plan import Plan, load_plan
from soeplan.report.build import build_report
from soeplan.report.model import DebtLines, InputFile, Report, SetAside
from soeplan.report.write import write_report
from soeplan.rollup import Rollup, rollup
from soeplan.rules import FINDING_SCHEMA, empty_findings
from soeplan.sections import SectionContext, Text
from soeplan.structure_io import Structure, city_structure

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
    progress: Progress = _quiet,
) -> RunResult:
    """Consolidate ``observations`` (``entity, year, indicator, value``, ``unit`` optional) and
    build the report of ``plan`` for ``year``.

    ``findings`` are the validation findings so far (columns :data:`soeplan.FINDING_SCHEMA`);
    the rollup's own checks are added to them. ``set_aside`` lists units left out.
    """
    from soeplan.plugins import get_registry

    plan = plan if isinstance(plan, Plan) else load_plan(plan)
    years = (
        sorted(set(observations["year"].cast(pl.Int32).to_list())) if observations.height else []
    )
    if year not in years:
        shown = f"{years[0]}–{years[-1]}" if years else "none"
        raise SoeplanError(
            f"the observations have no figures for {year} (years found: {shown})\n"
            "  fix: pass --year for a year the submissions cover, or add that year's submissions"
        )
    registry = get_registry()
    progress("composing the structure (core and plugins)")
    structure = structure or city_structure(sample=synthetic)
    progress(f"consolidating {observations.height} observations, {years[0]}–{years[-1]}")
    result = rollup(observations, structure)
    totals, units, entities, names = _frames(result)
    all_findings = pl.concat(
        [
            findings if findings is not None else empty_findings(),
            result.findings,
        ],
        how="vertical_relaxed",
    ).select(list(FINDING_SCHEMA))
    sections = list(getattr(registry, "sections", {}).values())
    progress(f"assessing against {plan.id} and rendering {len(sections)} report section(s)")
    context = SectionContext(
        year=year,
        plan=plan,
        structure=structure,
        observations=observations,
        rollup=result.values,
        lang=lang,
        options={"synthetic": synthetic},
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
    )
    return RunResult(report=report, rollup=result)


def run_demo(
    out: Path | str,
    *,
    plan: str = "quzhou-14th",
    year: int = 2023,
    lang: str = "zh",
    debt_lines: DebtLines | None = None,
    progress: Progress = _quiet,
) -> RunResult:
    """The yearly run on the bundled **synthetic** sample; writes the report into ``out``."""
    from soeplan.sample import sample_observations

    progress("reading the bundled sample (synthetic data)")
    observations = sample_observations()
    run = report_from_observations(
        observations,
        plan,
        year,
        synthetic=True,
        lang=lang,
        debt_lines=debt_lines,
        progress=progress,
    )
    progress(f"writing the report into {out}")
    path = write_report(run.report, out)
    return attrs.evolve(run, out=path)
