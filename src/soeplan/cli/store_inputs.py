"""A store as the input of ``soeplan rollup`` and ``soeplan explain``: its accepted figures, and
the coverage check that refuses a year with missing units (unless ``--allow-partial``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from soeplan.errors import SoeplanError

if TYPE_CHECKING:
    import polars as pl

    from soeplan.periods import Period


def require_store(store: Path) -> None:
    """Refuse a directory that is not an ingest store (it has no ``soeplan.sqlite``)."""
    from soeplan.submissions.store import Store

    if not Store(store).exists():
        raise SoeplanError(
            f"{store} is not an ingest store (it has no soeplan.sqlite)\n"
            "  fix: pass the directory given to soeplan ingest --store"
        )


def observations_from_store(
    store: Path, *, sample: bool, data: Sequence[Path], period: Period | None = None
) -> pl.LazyFrame:
    """The current accepted figures of an ingest store (``soeplan ingest``), as one lazy frame;
    with a month's ``period``, its accepted express reports (快报) of that year and the year
    before (with a month column)."""
    from soeplan.submissions.store import Store, read_store

    if sample or data:
        raise SoeplanError(
            "give one source of figures: --sample, --data FILE or --store DIR\n"
            "  fix: drop the other options"
        )
    if not Store(store).exists():
        raise SoeplanError(
            f"{store} is not an ingest store (it has no soeplan.sqlite)\n"
            "  fix: pass the directory given to soeplan ingest --store"
        )
    if period is not None and not period.is_annual:
        from soeplan.submissions.store_months import read_store_months

        months = read_store_months(store, [period.year - 1, period.year])
        if months.filter(year=period.year, month=period.month).is_empty():
            raise SoeplanError(
                f"the store {store} holds no accepted express report (快报) for {period}\n"
                f"  fix: soeplan ingest the units' {period} files --store {store}; soeplan "
                f"status --store {store} --period {period} shows where they stand"
            )
        return months.lazy()
    frame = read_store(store)
    if frame.is_empty():
        waiting = list(Store(store).entries())  # checked, waiting for the office
        if waiting:
            first = waiting[0]
            raise SoeplanError(
                f"the store {store} holds no accepted submissions yet: {len(waiting)} "
                "received and waiting for the office's decision\n"
                f"  fix: soeplan status --store {store} lists them; accept each with soeplan "
                f"store accept --store {store} --unit {first.unit} --year {first.year}"
            )
        raise SoeplanError(
            f"the store {store} holds no accepted submissions yet\n"
            "  fix: soeplan ingest FILE... --store " + str(store)
        )
    return frame.lazy()


def store_coverage(
    store: Path,
    plan: str,
    structure: Any,
    years: Sequence[int],
    allow_partial: bool,
    node: str | None = None,
    month: int | None = None,
    what: str = "the totals",
) -> list[str]:
    """Check, for each year of the store's figures (or each --year), that every unit of every
    scope of the plan is present; refuse otherwise (unless ``allow_partial``: then the lines that
    mark the partial scopes, for stderr). With ``node`` (explain), only the scope it names, or
    the unit it is or belongs to, is checked."""
    from soeplan.plan.load import load_plan
    from soeplan.submissions.coverage import (
        coverage,
        plan_scope_units,
        present_units,
        refuse_partial,
        stored_states,
    )
    from soeplan.submissions.store import Store

    plan_obj = load_plan(plan)
    scopes: Mapping[str, tuple[str, ...]] = plan_scope_units(plan_obj, structure)
    if node is not None:
        scopes = _scopes_of(node, scopes, structure)
    wanted = sorted(set(years) or {e.year for e in Store(store).current()})
    lines = []
    for year in wanted:
        cov = coverage(
            year,
            present_units(store, year, month),
            scopes=scopes,
            stored=stored_states(store, year, month),
            month=month,
        )
        if not allow_partial:
            refuse_partial(cov, what=what)
        for s in cov.partial:
            units = ", ".join(m.unit for m in s.missing)
            when = year if month is None else f"{year}-{month:02d}"
            lines.append(f"partial: {s.scope} {when} missing {len(s.missing)} unit(s): {units}")
    return lines


def _scopes_of(
    node: str, scopes: Mapping[str, tuple[str, ...]], structure: Any
) -> Mapping[str, tuple[str, ...]]:
    """The scope ``node`` names (by id or name), or the unit it is or belongs to, as a scope."""
    for sid, units in scopes.items():
        comp = structure.scopes.get(sid)
        if node in {sid, getattr(comp, "name_zh", sid), getattr(comp, "name_en", sid)}:
            return {sid: units}
    unit = node if node in structure.units else None
    if unit is None and node in structure.entities:
        unit = structure.entities[node].unit
    return {unit: (unit,)} if unit is not None else scopes
