"""From coverage to the report: refuse a partial year, or record its partial scopes.

:func:`check_coverage` is the yearly run's check (:func:`soeplan.run.run_submissions`): it reads
which units are present (:func:`soeplan.submissions.coverage.present_units`, the store's accepted
entries, and the files accepted in this run), refuses a year with missing units unless partial
results are allowed, and returns the :class:`~soeplan.report.model.PartialScope` records every
writer marks. :func:`demo_partial` does the same for the demo, which never refuses.
:func:`synthetic_unit_names` names the synthetic units of a report that mixes them with real ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import polars as pl

from soeplan.plan.model import Plan
from soeplan.report.model import PartialScope, SetAside
from soeplan.sections import Text
from soeplan.structure.dated import Structure
from soeplan.submissions.coverage import Coverage

if TYPE_CHECKING:
    from soeplan.submissions.ingest import CheckedFile


def years_of(observations: pl.DataFrame) -> set[int]:
    if not observations.height:
        return set()
    return {int(y) for y in observations["year"].unique().to_list()}


def demo_partial(
    plan: Plan, structure: Structure, year: int, units: Sequence[str], set_aside: Sequence[SetAside]
) -> list[PartialScope]:
    """The demo never refuses: a sample unit set aside makes its scopes partial, marked."""
    from soeplan.submissions.coverage import coverage, plan_scope_units

    out = {s.unit: f"{s.errors} blocking finding(s)" for s in set_aside}
    present = set(units) - set(out)
    cov = coverage(year, present, scopes=plan_scope_units(plan, structure), returned=out)
    return partial_scopes(cov, structure)


def check_coverage(
    plan: Plan,
    structure: Structure,
    year: int,
    checked: Sequence[CheckedFile],
    store: Path | str | None,
    allow_partial: bool,
    other_years: set[int],
) -> list[PartialScope]:
    """Refuse a year some scope's units are missing from (unless ``allow_partial``); the partial
    scopes, named with their missing units and states, for the report.

    ``other_years`` are the store's other years, totalled too (the charts, last year's figures):
    a partial one is refused, or marked, likewise.
    """
    from soeplan.submissions.coverage import (
        coverage,
        plan_scope_units,
        present_units,
        refuse_partial,
        stored_states,
    )

    sent = {c.unit for c in checked}
    stored = present_units(store, year)
    returned = {
        c.unit: f"{c.report.blocking.height} blocking finding(s) in {Path(c.submission.path).name}"
        + ("; the store's earlier accepted version is not used" if c.unit in stored else "")
        for c in checked
        if not c.acceptable
    }
    present = {c.unit for c in checked if c.acceptable} | (stored - sent)
    scopes = plan_scope_units(plan, structure)
    cov = coverage(
        year, present, scopes=scopes, returned=returned, stored=stored_states(store, year)
    )
    others = [
        coverage(y, present_units(store, y), scopes=scopes, stored=stored_states(store, y))
        for y in sorted(other_years)
    ]
    if not allow_partial:
        refuse_partial(cov, also=others)
    out = partial_scopes(cov, structure)
    for c in others:
        out += [attrs.evolve(p, year=c.year) for p in partial_scopes(c, structure)]
    return out


def partial_scopes(cov: Coverage, structure: Structure) -> list[PartialScope]:
    """The report's record of each partial scope: its missing units, named with their state."""
    units = structure.units
    return [
        PartialScope(
            s.scope,
            s.missing_units,
            tuple(
                Text(
                    f"{units[m.unit].name_zh if m.unit in units else m.unit}（{m.state_text('zh')}）",
                    f"{units[m.unit].name_en if m.unit in units else m.unit} ({m.state_text('en')})",
                )
                for m in s.missing
            ),
        )
        for s in cov.partial
    ]


def synthetic_unit_names(
    synthetic: frozenset[str], used: frozenset[str], structure: Structure, lang: str
) -> list[str]:
    """The names of the units whose figures are synthetic, when some but not all of the ``used``
    units' are (all or none: the report's ``synthetic`` flag says it)."""
    if not synthetic or synthetic >= used:
        return []
    units = structure.units
    return [
        (units[u].name_zh if lang == "zh" else units[u].name_en) if u in units else u
        for u in sorted(synthetic)
    ]
