"""The records of a progress assessment: statuses, categories and what an assessment returns.

:class:`Status` (Eurostat's bands), :class:`MidTerm` (时间过半、任务过半) and :class:`BoundStatus`
(a ceiling or a floor), each with its Chinese and English label; :class:`Progress` and
:class:`BoundAssessment`, what :func:`~soeplan.assessment.progress.assess_progress` and
:func:`~soeplan.assessment.progress.assess_bound` return. The methodology is explained in
``docs/explanation/assessment-methodology.md``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

import attrs

from soeplan.assessment.milestones import Method
from soeplan.errors import SoeplanError
from soeplan.plan.model import TargetKind

__all__ = [
    "AssessmentError",
    "BoundAssessment",
    "BoundStatus",
    "MidTerm",
    "Progress",
    "Status",
    "Verdict",
    "decide_verdict",
]

#: Band edges of the ratio of actual to required growth (Eurostat).
ON_TRACK = 0.95
MODERATE = 0.60
#: Default tolerance of 基本符合预期: completion share within ±10 % of the time share.
TOLERANCE = 0.10


_E = TypeVar("_E", bound=StrEnum)


class _Labelled(StrEnum):
    """An enum whose members have a Chinese and an English label (in :data:`_LABELS`, by class
    and value: members of a string enum equal their values, so ``on_track`` of two enums would
    collide as keys)."""

    @property
    def zh(self) -> str:
        return _LABELS[type(self), self.value][0]

    @property
    def en(self) -> str:
        return _LABELS[type(self), self.value][1]

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


class AssessmentError(SoeplanError):
    """The numbers or years given for an assessment cannot be assessed."""


class Status(_Labelled):
    """Progress towards a level target (Eurostat's bands, target achieved first)."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    MODERATE = "moderate"
    INSUFFICIENT = "insufficient"
    MOVING_AWAY = "moving_away"


_STATUS_ZH = {
    Status.ACHIEVED: "已实现目标",
    Status.ON_TRACK: "进展顺利",
    Status.MODERATE: "进展一般",
    Status.INSUFFICIENT: "进展不足",
    Status.MOVING_AWAY: "背离目标",
}
_STATUS_EN = {
    Status.ACHIEVED: "target achieved",
    Status.ON_TRACK: "on track",
    Status.MODERATE: "moderate progress",
    Status.INSUFFICIENT: "insufficient progress",
    Status.MOVING_AWAY: "moving away",
}


class MidTerm(_Labelled):
    """Category of the 时间过半、任务过半 reading: completion share against time share."""

    AHEAD = "ahead"  #: 提前实现: the target is reached before the target year
    FASTER = "faster"  #: 快于预期: completion share above the time share beyond the tolerance
    AS_EXPECTED = "as_expected"  #: 基本符合预期: within the tolerance of the time share
    LAGGING = "lagging"  #: 滞后: below the time share beyond the tolerance
    ACHIEVED = "achieved"  #: 已实现: the target is reached in (or after) the target year


_MIDTERM_ZH = {
    MidTerm.AHEAD: "提前实现",
    MidTerm.FASTER: "快于预期",
    MidTerm.AS_EXPECTED: "基本符合预期",
    MidTerm.LAGGING: "滞后",
    MidTerm.ACHIEVED: "已实现",
}
_MIDTERM_EN = {
    MidTerm.AHEAD: "achieved ahead of time",
    MidTerm.FASTER: "faster than expected",
    MidTerm.AS_EXPECTED: "broadly as expected",
    MidTerm.LAGGING: "lagging",
    MidTerm.ACHIEVED: "achieved",
}


class BoundStatus(_Labelled):
    """Compliance with a ceiling or a floor."""

    STRETCH_MET = "stretch_met"  #: the floor is met and so is its stretch level (力争)
    MET = "met"  #: the bound is respected and the trend keeps it so by the target year
    AT_RISK = "at_risk"  #: respected now, but the observed trend breaches it by the target year
    NOT_MET = "not_met"  #: the value is beyond the bound now


_BOUND_ZH = {
    BoundStatus.STRETCH_MET: "达到力争目标",
    BoundStatus.MET: "符合",
    BoundStatus.AT_RISK: "符合但趋势将突破",
    BoundStatus.NOT_MET: "未达标",
}
_BOUND_EN = {
    BoundStatus.STRETCH_MET: "stretch level met",
    BoundStatus.MET: "met",
    BoundStatus.AT_RISK: "met, but trending to a breach",
    BoundStatus.NOT_MET: "not met",
}


class Verdict(_Labelled):
    """The single headline status of a target, checked in this order (the first that holds wins).

    ``achieved`` (a level reached; a bound respected whose trend keeps it so) > ``breached`` (a
    bound the base respected is crossed) > ``at_risk`` (respected now, the trend crosses it by the
    target year) > ``off_track`` (ratio R < 0.60) > ``behind`` (0.60 <= R < 0.95) > ``on_track``
    (R >= 0.95). See ``docs/explanation/assessment-methodology.md``.
    """

    ACHIEVED = "achieved"
    BREACHED = "breached"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    BEHIND = "behind"
    ON_TRACK = "on_track"


_VERDICT_ZH = {
    Verdict.ACHIEVED: "已达到",
    Verdict.BREACHED: "突破限值",
    Verdict.AT_RISK: "有突破风险",
    Verdict.OFF_TRACK: "偏离进度",
    Verdict.BEHIND: "落后于进度",
    Verdict.ON_TRACK: "进度符合",
}
_VERDICT_EN = {
    Verdict.ACHIEVED: "achieved",
    Verdict.BREACHED: "bound breached",
    Verdict.AT_RISK: "at risk of breach",
    Verdict.OFF_TRACK: "off track",
    Verdict.BEHIND: "behind schedule",
    Verdict.ON_TRACK: "on track",
}

_FROM_STATUS = {
    Status.ACHIEVED: Verdict.ACHIEVED,
    Status.ON_TRACK: Verdict.ON_TRACK,
    Status.MODERATE: Verdict.BEHIND,
    Status.INSUFFICIENT: Verdict.OFF_TRACK,
    Status.MOVING_AWAY: Verdict.OFF_TRACK,
}


def decide_verdict(
    status: Status | str | None,
    compliance: BoundStatus | str | None = None,
    *,
    path: bool = False,
) -> Verdict | None:
    """The headline verdict of a row from its measures (None: nothing observed).

    A level target (``compliance`` None) takes its band of R. A ceiling or floor that the base
    respected takes its compliance: met → achieved, at risk → at risk, not met → breached. A
    bound approached from the wrong side (``path``: the base was beyond it) is a path until it
    is reached: met → achieved, at risk → at risk, not yet met → its band of R on the path.

    >>> decide_verdict("moderate").value, decide_verdict(None, "not_met").value
    ('behind', 'breached')
    >>> decide_verdict("on_track", "not_met", path=True).value   # a floor approached from below
    'on_track'
    """
    if compliance is None:
        return None if status is None else _FROM_STATUS[Status(status)]
    c = BoundStatus(compliance)
    if c in (BoundStatus.MET, BoundStatus.STRETCH_MET):
        return Verdict.ACHIEVED
    if c is BoundStatus.AT_RISK:
        return Verdict.AT_RISK
    if path and status is not None:
        return _FROM_STATUS[Status(status)]
    return Verdict.BREACHED


@attrs.frozen(kw_only=True)
class Progress:
    """The assessment of one observed value against a level target.

    Rates are per year: growth rates (fractions) when ``method`` is compound, changes in the
    indicator's unit when it is linear. ``None`` marks what is undefined (see the methodology).
    """

    base: float
    base_year: int
    current: float
    current_year: int
    target: float
    target_year: int
    higher_is_better: bool
    method: Method
    #: actual annual growth (or change) since the base year
    actual_rate: float | None
    #: annual growth (or change) from the base that reaches the target in the target year
    required_rate: float | None
    #: annual growth (or change) still needed from the current value (None from the target year)
    required_rate_remaining: float | None
    #: d·actual_rate / abs(required_rate) (Statistics Canada; d = +1 where higher is better,
    #: −1 where lower is, on the magnitudes for negative values); None when nothing is required
    ratio: float | None
    status: Status
    #: (current - base) / (target - base); None when the base is already at or past the target
    completion_share: float | None
    #: (current_year - base_year) / (target_year - base_year)
    time_share: float
    category: MidTerm
    #: the value in the target year if the observed rate goes on
    projection: float | None
    #: how far the projection falls short of the target (positive = short, <= 0 = reaches it)
    gap: float | None

    @property
    def verdict(self) -> Verdict:
        """The headline verdict (:class:`Verdict`) of this level target."""
        v = decide_verdict(self.status)
        assert v is not None
        return v


@attrs.frozen(kw_only=True)
class BoundAssessment:
    """Compliance of an observed value with a ceiling or a floor (and its stretch level)."""

    kind: TargetKind
    bound: float
    strict: bool
    stretch: float | None
    base: float
    base_year: int
    current: float
    current_year: int
    target_year: int
    #: the value respects the bound now
    complies: bool
    #: the value reaches the stretch level (力争); None without one
    meets_stretch: bool | None
    #: distance to the bound, positive inside it (ceiling: bound − value; floor: value − bound)
    headroom: float
    #: observed change per year since the base year (linear)
    annual_change: float
    #: the value in the target year if the observed change goes on (the current value from then)
    projection: float
    #: how far the projection is beyond the bound (positive = breach, <= 0 = inside)
    gap: float
    #: respected now but the projection breaches it
    trending_to_breach: bool
    status: BoundStatus
    #: the path to the bound when the base was beyond it (approached from the wrong side):
    #: a linear level assessment of the bound as a target; None when the base respected it
    path: Progress | None = None

    @property
    def verdict(self) -> Verdict:
        """The headline verdict (:class:`Verdict`): compliance, or the path while not yet met."""
        v = decide_verdict(
            None if self.path is None else self.path.status, self.status, path=self.path is not None
        )
        assert v is not None
        return v


def _labels(zh: dict[_E, str], en: dict[_E, str]) -> dict[tuple[type, str], tuple[str, str]]:
    return {(type(m), m.value): (zh[m], en[m]) for m in zh}


#: Every member's (Chinese, English) label.
_LABELS = (
    _labels(_STATUS_ZH, _STATUS_EN)
    | _labels(_MIDTERM_ZH, _MIDTERM_EN)
    | _labels(_BOUND_ZH, _BOUND_EN)
    | _labels(_VERDICT_ZH, _VERDICT_EN)
)
