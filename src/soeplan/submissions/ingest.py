"""Checking and ingesting submitted files: read → validate (against last year's accepted
figures) → store, only when acceptable.

:func:`check_file` is what ``soeplan validate`` runs for each file; :func:`ingest_files` is
``soeplan ingest``: every file is checked first, and only acceptable ones go into the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import polars as pl

from soeplan.context import current
from soeplan.errors import Problem, YearOutsidePlanError
from soeplan.indicators import Kind
from soeplan.periods import Period
from soeplan.submissions.read_errors import SubmissionReadError
from soeplan.submissions.readers import Submission, read_submission
from soeplan.submissions.store import Store, StoreEntry
from soeplan.submissions.store_registers import has_register, store_structure
from soeplan.submissions.validate import Policy, ValidationReport, validate

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry


@attrs.frozen(kw_only=True)
class CheckedFile:
    """A submission read and validated."""

    submission: Submission
    unit: str
    year: int
    report: ValidationReport
    month: int | None = None  #: the month of a 快报; None for an annual submission

    @property
    def period(self) -> Period:
        return Period(self.year, self.month)

    @property
    def acceptable(self) -> bool:
        return self.report.acceptable


@attrs.frozen(kw_only=True)
class IngestResult:
    checked: CheckedFile
    entry: StoreEntry | None  #: None: refused (findings block)
    version: int | None = None  #: the version it was recorded as (refused ones included)


def _declared(sub: Submission, unit: str | None, year: int | None) -> tuple[str, int]:
    obs = sub.observations
    problems: list[Problem] = []
    y = year if year is not None else sub.year
    u = unit if unit is not None else sub.unit
    if y is None:
        years = sorted(int(v) for v in obs["year"].drop_nulls().unique().to_list())
        problems.append(
            Problem(
                sub.path,
                f"the file does not say which year it is for (years found: "
                f"{', '.join(map(str, years)) or 'none'})",
                "pass --year YEAR, or give one year per file",
            )
        )
    if u is None:
        units = sorted(str(v) for v in obs["unit"].drop_nulls().unique().to_list())
        problems.append(
            Problem(
                sub.path,
                f"the file does not say which unit it is for (units found: "
                f"{', '.join(units) or 'none'})",
                "pass --unit UNIT, or add a unit column with one unit per file",
            )
        )
    if problems:
        raise SubmissionReadError(
            f"{sub.path}: cannot tell what this submission is", problems=problems
        )
    assert u is not None and y is not None
    return u, y


def prior_from_store(
    store: Store | Path | str | None, unit: str, year: int, month: int | None = None
) -> pl.DataFrame | None:
    """Last year's accepted observations of ``unit`` in ``store`` (None when there are none);
    for a month's 快报, the same month of last year (同期)."""
    return _accepted(store, unit, year - 1, month)


def previous_from_store(
    store: Store | Path | str | None, unit: str, year: int, month: int | None
) -> pl.DataFrame | None:
    """The accepted 快报 of ``unit`` for the month before (None in January and for a year)."""
    if month is None or month == 1:
        return None
    return _accepted(store, unit, year, month - 1)


def _accepted(
    store: Store | Path | str | None, unit: str, year: int, month: int | None
) -> pl.DataFrame | None:
    if store is None:
        return None
    st = store if isinstance(store, Store) else Store(Path(store))
    if unit not in st.accepted(year, month):
        return None
    return st.read(unit, year, month=month)


def _declared_month(sub: Submission, month: int | None, year: int) -> int | None:
    """The month the submission is for: the file's and ``--period``'s must agree (a monthly
    workbook is not an annual one, and the other way round)."""
    if month is None or sub.month == month:
        return sub.month
    if sub.month is None and sub.format != "xlsx":
        return month  # a CSV or Parquet without a month column: the month given says it
    said = "an annual submission" if sub.month is None else f"the 快报 of {Period(year, sub.month)}"
    raise SubmissionReadError(
        f"{sub.path}: not the period asked for",
        problems=[
            Problem(
                sub.path,
                f"the file is {said}, not the 快报 of {Period(year, month)} / 报送期间不符",
                f"write the template with soeplan template --period {Period(year, month)}, or "
                "give the period the file says",
            )
        ],
    )


def check_file(
    path: Path | str,
    *,
    unit: str | None = None,
    year: int | None = None,
    plan: Any = "quzhou-14th",
    store: Store | Path | str | None = None,
    prior: pl.DataFrame | None = None,
    policy: Policy | None = None,
    options: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
    structure: Any = None,
    month: int | None = None,
) -> CheckedFile:
    """Read and validate one file. ``store`` supplies last year's accepted figures, and, when it
    holds a register of the file's unit, the structure the file is checked against (the
    register's entities: :func:`~soeplan.submissions.store_registers.store_structure`).

    ``month`` (or the file's own: a monthly workbook, a CSV's month column) makes it a month's
    快报: checked against the same month of last year and the month before
    (:mod:`~soeplan.submissions.period_rules`).

    A file for a year outside the plan's span is refused (:class:`SubmissionReadError`, naming
    the span), like a file that cannot be read."""
    sub = read_submission(path, unit=unit, year=year)
    u, y = _declared(sub, unit, year)
    m = _declared_month(sub, month, y)
    if prior is None:
        prior = prior_from_store(store, u, y, m)
    if structure is None and has_register(store, u):
        structure = store_structure(store, registry=registry)
    try:
        report = validate(
            sub.observations,
            year=y,
            unit=u,
            prior=prior,
            plan=plan if plan is not None else (sub.plan or "quzhou-14th"),
            registry=registry,
            policy=policy,
            options=options,
            structure=structure,
            month=m,
            previous=previous_from_store(store, u, y, m),
        )
    except YearOutsidePlanError as exc:  # said with the file, and collected with the others'
        raise SubmissionReadError(
            f"{sub.path}: not a year of the plan", problems=[exc.problem(sub.path)]
        ) from None
    return CheckedFile(submission=sub, unit=u, year=y, report=report, month=m)


def check_files(paths: Iterable[Path | str], **kwargs: Any) -> list[CheckedFile]:
    """Check several files; every unreadable file is reported at once (exit code 2)."""
    out: list[CheckedFile] = []
    problems: list[Problem] = []
    for p in paths:
        try:
            out.append(check_file(p, **kwargs))
        except SubmissionReadError as exc:
            problems += exc.problems
    if problems:
        n = len(problems)
        raise SubmissionReadError(
            f"{n} problem{'s' if n != 1 else ''} with the submissions; nothing was checked further",
            problems=problems,
        )
    return out


def ingest_files(
    paths: Iterable[Path | str],
    store: Store | Path | str,
    *,
    hold: bool = False,
    received_by: str = "",
    **kwargs: Any,
) -> list[IngestResult]:
    """Check every file and record each in ``store``: an acceptable one is accepted (or with
    ``hold``, waits for the office's decision); a refused one is recorded as returned, with its
    findings. Unreadable files are refused before anything is recorded."""
    st = store if isinstance(store, Store) else Store(Path(store))
    checked = check_files(paths, store=st, **kwargs)
    reg = current(kwargs.get("registry"))
    ratios = sorted(code for code, ind in reg.indicators.items() if ind.kind is Kind.RATIO)
    results = []
    for c in checked:
        # ratios are recomputed from their components, never stored
        frame = c.report.accepted_observations() if c.acceptable else c.submission.observations
        frame = frame.filter(~pl.col("indicator").is_in(ratios))
        explained = c.report.findings.filter(
            pl.col("explained") & (pl.col("severity") == "warning")
        ).height
        raw = Path(c.submission.path).read_bytes()
        entry = st.put(
            frame,
            unit=c.unit,
            year=c.year,
            source=Path(c.submission.path).name,
            source_sha256=hashlib.sha256(raw).hexdigest(),
            size=len(raw),
            received_by=received_by,
            synthetic=c.submission.synthetic,
            warnings_explained=explained,
            findings=c.report.findings,
            hold=hold,
            refused=not c.acceptable,
            month=c.month,
        )
        results.append(
            IngestResult(checked=c, entry=entry if c.acceptable else None, version=entry.version)
        )
    return results
