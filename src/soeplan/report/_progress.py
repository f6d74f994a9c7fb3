"""Milestones and progress for the report (pure arithmetic on plain numbers).

Follows the domain notes: a compound path from base to target for amounts, straight-line for
rates and counts; Eurostat's bands on the ratio of actual to required progress (≥ 95% on track,
60–95% moderate, 0–60% insufficient, < 0 moving away), with "target already reached" checked
first; and the mid-term reading "时间过半、任务过半" (completion share against time share:
≥ 1.1 × time share faster than expected, ≥ 0.9 × as expected, else behind).
"""

from __future__ import annotations

import math

from soeplan.report.model import MidTerm, Status


def milestone(
    base: float, target: float, base_year: int, target_year: int, year: int, *, compound: bool
) -> float:
    """The value on the path from ``base`` (base year) to ``target`` (target year) in ``year``."""
    share = (year - base_year) / (target_year - base_year)
    if compound and base > 0 and target > 0:
        return float(base * (target / base) ** share)
    return base + (target - base) * share


def cagr(start: float, end: float, years: int) -> float | None:
    """Average annual (compound) growth from ``start`` to ``end`` over ``years`` years."""
    if years <= 0 or start <= 0 or end <= 0:
        return None
    return float((end / start) ** (1 / years) - 1)


def level_status(
    base: float,
    actual: float,
    target: float,
    base_year: int,
    target_year: int,
    year: int,
    *,
    higher_is_better: bool,
    compound: bool,
) -> tuple[Status, float | None]:
    """Status of a level target and the progress ratio (actual over required progress)."""
    sign = 1 if higher_is_better else -1
    if sign * (actual - target) >= 0:
        return Status.ACHIEVED, None
    if year <= base_year:
        return Status.ON_TRACK, None
    if compound and base > 0 and actual > 0 and target > 0:
        got = math.log(actual / base)
        need = math.log(target / base) * (year - base_year) / (target_year - base_year)
    else:
        got = actual - base
        need = (target - base) * (year - base_year) / (target_year - base_year)
    if need == 0 or sign * need < 0:  # base already past the target in the wrong way round
        return (Status.AWAY if sign * got < 0 else Status.ON_TRACK), None
    ratio = got / need
    if ratio >= 0.95:
        return Status.ON_TRACK, ratio
    if ratio >= 0.6:
        return Status.MODERATE, ratio
    if ratio >= 0:
        return Status.INSUFFICIENT, ratio
    return Status.AWAY, ratio


def midterm(completion: float | None, time_share: float | None) -> MidTerm | None:
    """The mid-term category of a completion share against the time share."""
    if completion is None or time_share is None or time_share <= 0:
        return None
    if completion >= 1:
        return MidTerm.EARLY
    if completion >= 1.1 * time_share:
        return MidTerm.FASTER
    if completion >= 0.9 * time_share:
        return MidTerm.AS_EXPECTED
    return MidTerm.BEHIND
