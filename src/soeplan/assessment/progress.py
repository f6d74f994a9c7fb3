"""Progress assessment: an observed value against a plan's target.

Two readings of the same numbers, side by side (see ``docs/explanation/assessment-methodology.md``):

- **status** (:class:`~soeplan.assessment.records.Status`), after Eurostat's SDG monitoring of indicators with quantified
  targets: the ratio of the actual annual growth since the base year to the growth the target
  requires, banded ``>= 0.95`` on track, ``0.60–0.95`` moderate, ``0–0.60`` insufficient,
  ``< 0`` moving away, with "target achieved" checked first;
- **category** (:class:`~soeplan.assessment.records.MidTerm`), after China's mid-term practice 时间过半、任务过半: the share
  of the distance covered against the share of the time elapsed.

Ceilings and floors are not paths: :func:`assess_bound` reports compliance, headroom and a flag
when the observed trend breaches the bound by the target year.

:func:`~soeplan.assessment.frame.assess_frame` assesses a whole long frame of observations against a plan, vectorised; each
row equals :func:`assess_progress` or :func:`assess_bound` on the same numbers.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from soeplan.arithmetic.growth import annual_change, cagr, compound
from soeplan.assessment.milestones import Method
from soeplan.assessment.records import (
    MODERATE,
    ON_TRACK,
    TOLERANCE,
    AssessmentError,
    BoundAssessment,
    BoundStatus,
    MidTerm,
    Progress,
    Status,
)
from soeplan.errors import Problem
from soeplan.plan.model import TargetKind

__all__ = ["assess_bound", "assess_progress"]


def _none(x: float) -> float | None:
    return None if math.isnan(x) else x


def _check_years(base_year: int, current_year: int, target_year: int) -> None:
    if target_year <= base_year:
        raise AssessmentError(
            f"target year {target_year} is not after the base year {base_year}",
            problems=[Problem("years", "a target needs time to be reached", "check the years")],
        )
    if current_year <= base_year:
        raise AssessmentError(
            f"year {current_year} is not after the base year {base_year}: there is no progress "
            "to assess yet",
            problems=[
                Problem(
                    "year",
                    f"expected a year after {base_year}",
                    f"assess a year from {base_year + 1} on",
                )
            ],
        )


def _check_values(**values: float) -> None:
    bad = [k for k, v in values.items() if not math.isfinite(float(v))]
    if bad:
        raise AssessmentError(
            f"{', '.join(bad)} must be finite numbers, got "
            + ", ".join(f"{k}={values[k]!r}" for k in bad),
            problems=[Problem(k, "not a finite number", "give the observed value") for k in bad],
        )


def assess_progress(
    base: float,
    base_year: int,
    current: float,
    current_year: int,
    target: float,
    target_year: int,
    higher_is_better: bool = True,
    *,
    method: str = "compound",
    tolerance: float = TOLERANCE,
) -> Progress:
    """Assess ``current`` (in ``current_year``) against ``target`` (in ``target_year``).

    ``method="compound"`` measures growth as a constant annual rate (Eurostat); it needs the
    base, current and target values all positive or all negative (then on their magnitudes) and
    falls back to ``"linear"`` (constant annual change) otherwise. Pass ``method="linear"`` for
    ratios and counts. ``tolerance`` is the half-width of 基本符合预期, relative to the time share.

    >>> from soeplan import assess_progress
    >>> p = assess_progress(2090.49, 2020, 2900.0, 2023, 4000, 2025)
    >>> p.status.value, round(p.ratio, 3), p.category.zh
    ('moderate', 0.832, '滞后')
    >>> assess_progress(1.2, 2020, -0.5, 2023, 3.0, 2025).method.value   # a sign change
    'linear'
    """
    _check_years(base_year, current_year, target_year)
    _check_values(base=base, current=current, target=target)
    if method not in (Method.COMPOUND, Method.LINEAR):
        raise AssessmentError(
            f"unknown method {method!r}", problems=[Problem("method", "", "use compound or linear")]
        )
    b, c, t = float(base), float(current), float(target)
    s = 1.0 if higher_is_better else -1.0
    n = float(target_year - base_year)
    dt = float(current_year - base_year)
    left = float(target_year - current_year)
    achieved = s * (c - t) >= 0
    past = s * (b - t) >= 0
    rates = _rates(b, c, t, n, dt, left, method=method, s=s)
    completion = math.nan if past else (c - b) / (t - b)
    time_share = dt / n
    return Progress(
        base=b,
        base_year=base_year,
        current=c,
        current_year=current_year,
        target=t,
        target_year=target_year,
        higher_is_better=higher_is_better,
        method=rates.method,
        actual_rate=_none(rates.actual),
        required_rate=_none(rates.required),
        required_rate_remaining=_none(rates.remaining),
        ratio=_none(rates.ratio),
        status=_status(achieved, past, rates.ratio),
        completion_share=_none(completion),
        time_share=time_share,
        category=_category(
            achieved,
            past,
            completion,
            time_share,
            early=current_year < target_year,
            tolerance=tolerance,
        ),
        projection=_none(rates.projection),
        gap=_none(s * (t - rates.projection)),
    )


class _Rates(NamedTuple):
    """The rates of a level target's assessment (NaN where undefined)."""

    method: Method
    actual: float
    required: float
    remaining: float
    projection: float
    ratio: float


def _rates(
    b: float, c: float, t: float, n: float, dt: float, left: float, *, method: str, s: float
) -> _Rates:
    """Actual, required and remaining rates, the projection and the ratio, by the method used.

    The ratio is Statistics Canada's R = d·actual / abs(required), with d the desired direction
    (``s``, on the magnitudes for negative values): defined even when the base is already past
    the target (then R < 0 while the value moves back towards the target)."""
    same_sign = (b > 0 and c > 0 and t > 0) or (b < 0 and c < 0 and t < 0)
    # A compound rate needs one sign throughout, and a required rate that is not zero in
    # floating point (a target within a rounding error of the base).
    compoundable = same_sign and cagr(abs(b), abs(t), n) != 0
    use = Method.COMPOUND if method == Method.COMPOUND and compoundable else Method.LINEAR
    if use is Method.COMPOUND:
        m = 1.0 if b > 0 else -1.0
        bm, cm, tm = abs(b), abs(c), abs(t)
        actual = cagr(bm, cm, dt)
        required = cagr(bm, tm, n)
        remaining = cagr(cm, tm, left)
        projection = m * compound(cm, actual, left) if left > 0 else c
        d = s * m
    else:
        actual = annual_change(b, c, dt)
        required = annual_change(b, t, n)
        remaining = annual_change(c, t, left)
        projection = c + actual * left if left > 0 else c
        d = s
    ratio = math.nan if required == 0 else d * actual / abs(required)
    return _Rates(use, actual, required, remaining, projection, ratio)


def _status(achieved: bool, past: bool, ratio: float) -> Status:
    """Eurostat's band of the ratio of actual to required growth, target achieved first."""
    if achieved:
        return Status.ACHIEVED
    if past:
        return Status.MOVING_AWAY
    if ratio >= ON_TRACK:
        return Status.ON_TRACK
    if ratio >= MODERATE:
        return Status.MODERATE
    if ratio >= 0:
        return Status.INSUFFICIENT
    return Status.MOVING_AWAY


def _category(
    achieved: bool,
    past: bool,
    completion: float,
    time_share: float,
    *,
    early: bool,
    tolerance: float,
) -> MidTerm:
    """时间过半、任务过半: the completion share against the time share (``early``: before the
    target year)."""
    if achieved:
        return MidTerm.AHEAD if early else MidTerm.ACHIEVED
    if past:
        return MidTerm.LAGGING
    pace = completion / time_share
    if pace >= 1 + tolerance:
        return MidTerm.FASTER
    if pace >= 1 - tolerance:
        return MidTerm.AS_EXPECTED
    return MidTerm.LAGGING


def _inside(kind: TargetKind, value: float, bound: float, strict: bool) -> bool:
    if kind is TargetKind.CEILING:
        return value < bound if strict else value <= bound
    return value > bound if strict else value >= bound


def _path(
    k: TargetKind, b: float, by: int, c: float, cy: int, lim: float, ty: int, strict: bool
) -> Progress | None:
    """A bound the base did not respect, as a linear path to it in the target year."""
    if _inside(k, b, lim, strict):
        return None
    return assess_progress(b, by, c, cy, lim, ty, k is TargetKind.FLOOR, method="linear")


def assess_bound(
    base: float,
    base_year: int,
    current: float,
    current_year: int,
    bound: float,
    target_year: int,
    kind: TargetKind | str,
    *,
    strict: bool = False,
    stretch: float | None = None,
) -> BoundAssessment:
    """Assess ``current`` against a ceiling or floor ``bound`` (and a floor's ``stretch``).

    The trend is the straight line through the base and the current value; it is projected to
    the target year. A value beyond the bound is ``not_met``; one inside it whose projection is
    beyond is ``at_risk``; otherwise ``stretch_met`` when a stretch level is reached, else ``met``.
    A bound the base did not respect (a floor approached from below, a ceiling from above) is also
    assessed as a linear path to the bound in the target year (``path``, a
    :class:`~soeplan.assessment.records.Progress`), which gives the verdict until it is met.

    >>> from soeplan import assess_bound
    >>> a = assess_bound(0.5560, 2020, 0.6200, 2023, 0.65, 2025, "ceiling", strict=True)
    >>> a.status.value, round(a.headroom, 4), round(a.projection, 4)
    ('at_risk', 0.03, 0.6627)
    >>> roe = assess_bound(0.0132, 2020, 0.0195, 2023, 0.02, 2025, "floor")   # from below
    >>> roe.status.value, round(roe.path.projection, 4), roe.path.status.value, roe.verdict.value
    ('not_met', 0.0237, 'on_track', 'on_track')
    """
    _check_years(base_year, current_year, target_year)
    _check_values(base=base, current=current, bound=bound)
    k = TargetKind(kind)
    if k is TargetKind.LEVEL:
        raise AssessmentError(
            "assess_bound takes a ceiling or a floor",
            problems=[Problem("kind", "got a level target", "use assess_progress for levels")],
        )
    b, c, lim = float(base), float(current), float(bound)
    sign = 1.0 if k is TargetKind.CEILING else -1.0
    change = annual_change(b, c, current_year - base_year)
    left = target_year - current_year
    projection = c + change * left if left > 0 else c
    complies = _inside(k, c, lim, strict)
    projected_ok = _inside(k, projection, lim, strict)
    meets_stretch = None if stretch is None else _inside(k, c, float(stretch), False)
    path = _path(k, b, base_year, c, current_year, lim, target_year, strict)
    if not complies:
        status = BoundStatus.NOT_MET
    elif not projected_ok:
        status = BoundStatus.AT_RISK
    elif meets_stretch:
        status = BoundStatus.STRETCH_MET
    else:
        status = BoundStatus.MET
    return BoundAssessment(
        kind=k,
        bound=lim,
        strict=strict,
        stretch=None if stretch is None else float(stretch),
        base=b,
        base_year=base_year,
        current=c,
        current_year=current_year,
        target_year=target_year,
        complies=complies,
        meets_stretch=meets_stretch,
        headroom=sign * (lim - c),
        annual_change=change,
        projection=projection,
        gap=sign * (projection - lim),
        trending_to_breach=complies and not projected_ok,
        status=status,
        path=path,
    )
