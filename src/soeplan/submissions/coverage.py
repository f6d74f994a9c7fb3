"""Coverage: for a year, which units each plan scope needs, which are there, and which are missing.

A scope total (全市, 市区, a county's own) is a sum over the scope's county-level units. It means
what it says only when every one of those units' submissions for the year is accepted; a total of
the units that happen to be in the store is an official-looking wrong answer. :func:`coverage`
says, per scope, which units are present and which are missing, and in which state; the yearly run
(:func:`soeplan.run.run_submissions`) refuses a report with missing units unless partial results
are allowed, and then marks every partial figure.

What counts as *present* is read in one place, :func:`present_units`: today a unit is present for
a year when the store holds a (current) entry for it, i.e. an accepted submission
(:meth:`soeplan.submissions.store.Store.current`), or when a file for it was checked and accepted
in this run. A unit with neither is *expected* (待上报); one whose file was set aside in this run is
*returned* (退回, with the reason).

>>> cov = coverage(2023, {"qujiang"}, scopes={"city": ("kecheng", "qujiang"), "urban": ("qujiang",)})
>>> cov.complete
False
>>> [(s.scope, s.missing_units) for s in cov.partial]
[('city', ('kecheng',))]
>>> cov.scope("city").missing[0].state
'expected'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs

from soeplan.errors import Problem, SoeplanError
from soeplan.plan.model import Plan
from soeplan.structure.dated import Structure

#: A unit's state for a year, in the office's words (zh, en).
STATES: Mapping[str, tuple[str, str]] = {
    "accepted": ("已接收", "accepted"),
    "expected": ("待上报", "expected (nothing received)"),
    "submitted": ("已上报", "submitted, not yet accepted"),
    "resubmitted": ("修改后重报", "resubmitted, not yet accepted"),
    "returned": ("退回", "returned (set aside)"),
}


@attrs.frozen
class Missing:
    """A unit a scope needs that has no accepted submission for the year."""

    unit: str
    state: str  #: a key of :data:`STATES`
    reason: str = ""  #: why, e.g. "3 blocking finding(s) in qujiang-2023.xlsx"

    def state_text(self, lang: str = "en") -> str:
        """The state in ``lang``, with the reason: e.g. ``returned (set aside) (3 blocking ...)``."""
        zh, en = STATES.get(self.state, (self.state, self.state))
        state = zh if lang == "zh" else en
        if not self.reason:
            return state
        return f"{state}（{self.reason}）" if lang == "zh" else f"{state}: {self.reason}"

    def fix(self, year: int, month: int | None = None) -> str:
        """What gets this unit's ``year`` (or its ``month``'s 快报) accepted, by its state.

        >>> Missing("qujiang", "submitted").fix(2023)
        'review it and accept it: soeplan store accept --store STORE --unit qujiang --year 2023 (or return it with soeplan store return)'
        >>> Missing("qujiang", "expected").fix(2023, 6)
        'ask the unit for its 2023-06 express report (快报), then soeplan ingest FILE --period 2023-06'
        """
        if month is not None:
            when = _period_text(year, month)
            if self.state in ("submitted", "resubmitted"):
                return (
                    "review it and accept it: soeplan store accept --store STORE --unit "
                    f"{self.unit} --period {when} (or return it with soeplan store return)"
                )
            if self.state == "returned":
                return (
                    f"the unit resubmits a corrected {when} express report: soeplan ingest FILE "
                    f"--period {when}, then accept it"
                )
            return (
                f"ask the unit for its {when} express report (快报), then soeplan ingest FILE "
                f"--period {when}"
            )
        if self.state in ("submitted", "resubmitted"):
            return (
                f"review it and accept it: soeplan store accept --store STORE --unit {self.unit} "
                f"--year {year} (or return it with soeplan store return)"
            )
        if self.state == "returned":
            return f"the unit resubmits a corrected {year} file: soeplan ingest it, then accept it"
        return f"ask the unit for its {year} file, then soeplan ingest it"


def _period_text(year: int, month: int | None) -> str:
    """``2023`` or ``2023-06``, as ``--period`` takes it."""
    return str(year) if month is None else f"{year}-{month:02d}"


@attrs.frozen
class ScopeCoverage:
    """One scope in one year: the units it needs, those present, those missing."""

    scope: str
    year: int
    required: tuple[str, ...]
    present: tuple[str, ...]
    missing: tuple[Missing, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def missing_units(self) -> tuple[str, ...]:
        return tuple(m.unit for m in self.missing)


@attrs.frozen
class Coverage:
    """Every scope's coverage for one year, or for one month's 快报 of it (``month``)."""

    year: int
    scopes: tuple[ScopeCoverage, ...]
    month: int | None = None

    @property
    def period(self) -> str:
        """``2023``, or ``2023-06`` for a month."""
        return _period_text(self.year, self.month)

    @property
    def complete(self) -> bool:
        return all(s.complete for s in self.scopes)

    @property
    def partial(self) -> tuple[ScopeCoverage, ...]:
        return tuple(s for s in self.scopes if not s.complete)

    def scope(self, scope: str) -> ScopeCoverage:
        for s in self.scopes:
            if s.scope == scope:
                return s
        raise KeyError(scope)

    def missing(self) -> tuple[Missing, ...]:
        """Every missing unit once, sorted."""
        seen: dict[str, Missing] = {}
        for s in self.scopes:
            for m in s.missing:
                seen.setdefault(m.unit, m)
        return tuple(seen[u] for u in sorted(seen))


def coverage(
    year: int,
    present: Iterable[str],
    *,
    scopes: Mapping[str, Iterable[str]],
    returned: Mapping[str, str] | None = None,
    stored: Mapping[str, tuple[str, str]] | None = None,
    month: int | None = None,
) -> Coverage:
    """The coverage of ``scopes`` (scope id → its units) for ``year`` (or its ``month``'s
    快报) given the ``present`` units.

    ``returned`` maps a unit whose file was set aside in this run to the reason; ``stored`` a
    unit the store holds in another state than accepted to (state, reason) (see
    :func:`stored_states`); other missing units are ``expected``.
    """
    have = set(present)
    back = dict(returned or {})
    held = dict(stored or {})

    def missing_one(u: str) -> Missing:
        if u in back:
            return Missing(u, "returned", back[u])
        if u in held:
            return Missing(u, *held[u])
        return Missing(u, "expected")

    out = []
    for sid, units in scopes.items():
        req = tuple(sorted(set(units)))
        missing = tuple(missing_one(u) for u in req if u not in have)
        out.append(ScopeCoverage(sid, year, req, tuple(u for u in req if u in have), missing))
    return Coverage(year, tuple(out), month)


def plan_scope_units(plan: Plan, structure: Structure) -> dict[str, tuple[str, ...]]:
    """The units each scope of ``plan`` needs: its scopes' units in the composed ``structure``,
    and each county-level unit a target is set for (a county plugin's own targets) on its own."""
    out = {
        s.id: tuple(structure.scopes[s.id].units) for s in plan.scopes if s.id in structure.scopes
    }
    for t in plan.targets:
        if t.scope not in out and t.scope in structure.units:
            out[t.scope] = (t.scope,)
    return out


def present_units(store: Path | str | None, year: int, month: int | None = None) -> frozenset[str]:
    """The units with a submission for ``year`` (or its ``month``'s 快报) that the office has
    accepted in ``store``."""
    if store is None:
        return frozenset()
    from soeplan.submissions.store import Store

    return frozenset(Store(Path(store)).accepted(year, month))


def stored_states(
    store: Path | str | None, year: int, month: int | None = None
) -> dict[str, tuple[str, str]]:
    """Why each unit the store has heard of is not accepted for ``year``: unit → (state, reason).

    A unit the store has never heard of is simply expected; one whose file was received but not
    accepted (submitted, resubmitted or returned) is named with its state and reason.
    """
    if store is None:
        return {}
    from soeplan.submissions.store import Store

    out: dict[str, tuple[str, str]] = {}
    for unit, st in Store(Path(store)).states(year, month=month).items():
        if st.state not in ("accepted", "expected"):
            out[unit] = (
                st.state,
                f"version {st.version}" + (f": {st.reason}" if st.reason else ""),
            )
    return out


class CoverageError(SoeplanError):
    """A scope total was asked for while some of the scope's units are missing."""

    exit_code = 1


def refuse_partial(
    cov: Coverage, *, what: str = "the report", also: Iterable[Coverage] = ()
) -> None:
    """Raise :class:`CoverageError` listing every missing unit and its state, if any.

    ``also``: the coverage of other years that would be totalled too (a store's earlier years);
    their missing units are named with the year. A month's coverage is named by its month, and
    each fix says that month's ingest:

    >>> cov = coverage(2023, set(), scopes={"urban": ("kecheng",)}, month=6)
    >>> refuse_partial(cov, what="the rollup")
    Traceback (most recent call last):
    ...
    soeplan.submissions.coverage.CoverageError: the rollup for 2023-06 would total incomplete scopes: 2023-06: urban (missing 1)
      fix: get the missing units' express reports for 2023-06 accepted (soeplan ingest FILE --period 2023-06), or pass --allow-partial to total what is there, marked partial
      - kecheng: expected (nothing received)
        fix: ask the unit for its 2023-06 express report (快报), then soeplan ingest FILE --period 2023-06
    """
    others = [c for c in also if not c.complete]
    if cov.complete and not others:
        return
    scopes = "; ".join(
        f"{c.period}: " + ", ".join(f"{s.scope} (missing {len(s.missing)})" for s in c.partial)
        for c in (cov, *others)
        if not c.complete
    )
    problems = [
        Problem(m.unit, m.state_text("en"), m.fix(cov.year, cov.month)) for m in cov.missing()
    ]
    problems += [
        Problem(f"{m.unit} ({c.period})", m.state_text("en"), m.fix(c.year, c.month))
        for c in others
        for m in c.missing()
    ]
    accepted = (
        "submissions accepted (soeplan ingest)"
        if cov.month is None
        else f"express reports for {cov.period} accepted (soeplan ingest FILE --period "
        f"{cov.period})"
    )
    raise CoverageError(
        f"{what} for {cov.period} would total incomplete scopes: {scopes}\n"
        f"  fix: get the missing units' {accepted}, or pass "
        "--allow-partial to total what is there, marked partial",
        problems=problems,
    )
