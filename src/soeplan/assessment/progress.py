"""Progress assessment: an observed value against a plan's target.

Two readings of the same numbers, side by side (see ``docs/explanation/assessment-methodology.md``):

- **status** (:class:`Status`), after Eurostat's SDG monitoring of indicators with quantified
  targets: the ratio of the actual annual growth since the base year to the growth the target
  requires, banded ``>= 0.95`` on track, ``0.60–0.95`` moderate, ``0–0.60`` insufficient,
  ``< 0`` moving away, with "target achieved" checked first;
- **category** (:class:`MidTerm`), after China's mid-term practice 时间过半、任务过半: the share
  of the distance covered against the share of the time elapsed.

Ceilings and floors are not paths: :func:`assess_bound` reports compliance, headroom and a flag
when the observed trend breaches the bound by the target year.

:func:`assess_frame` assesses a whole long frame of observations against a plan, vectorised; each
row equals :func:`assess_progress` or :func:`assess_bound` on the same numbers.
"""

from __future__ import annotations

import math
from enum import StrEnum

import attrs
import polars as pl

from soeplan.arithmetic.growth import annual_change, cagr, compound
from soeplan.assessment.milestones import METHOD_DTYPE, Method, indicator_frame, path_value
from soeplan.errors import Problem, SoeplanError
from soeplan.plan.model import Plan, TargetKind

__all__ = [
    "ASSESSMENT_SCHEMA",
    "AssessmentError",
    "BoundAssessment",
    "BoundStatus",
    "MidTerm",
    "Progress",
    "Status",
    "assess_bound",
    "assess_frame",
    "assess_progress",
]

#: Band edges of the ratio of actual to required growth (Eurostat).
ON_TRACK = 0.95
MODERATE = 0.60
#: Default tolerance of 基本符合预期: completion share within ±10 % of the time share.
TOLERANCE = 0.10


class AssessmentError(SoeplanError):
    """The numbers or years given for an assessment cannot be assessed."""


class Status(StrEnum):
    """Progress towards a level target (Eurostat's bands, target achieved first)."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    MODERATE = "moderate"
    INSUFFICIENT = "insufficient"
    MOVING_AWAY = "moving_away"

    @property
    def zh(self) -> str:
        return _STATUS_ZH[self]

    @property
    def en(self) -> str:
        return _STATUS_EN[self]

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


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


class MidTerm(StrEnum):
    """Category of the 时间过半、任务过半 reading: completion share against time share."""

    AHEAD = "ahead"  #: 提前实现: the target is reached before the target year
    FASTER = "faster"  #: 快于预期: completion share above the time share beyond the tolerance
    AS_EXPECTED = "as_expected"  #: 基本符合预期: within the tolerance of the time share
    LAGGING = "lagging"  #: 滞后: below the time share beyond the tolerance
    ACHIEVED = "achieved"  #: 已实现: the target is reached in (or after) the target year

    @property
    def zh(self) -> str:
        return _MIDTERM_ZH[self]

    @property
    def en(self) -> str:
        return _MIDTERM_EN[self]

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


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


class BoundStatus(StrEnum):
    """Compliance with a ceiling or a floor."""

    STRETCH_MET = "stretch_met"  #: the floor is met and so is its stretch level (力争)
    MET = "met"  #: the bound is respected and the trend keeps it so by the target year
    AT_RISK = "at_risk"  #: respected now, but the observed trend breaches it by the target year
    NOT_MET = "not_met"  #: the value is beyond the bound now

    @property
    def zh(self) -> str:
        return _BOUND_ZH[self]

    @property
    def en(self) -> str:
        return _BOUND_EN[self]

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


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


def _none(x: float) -> float | None:
    return None if math.isnan(x) else x


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
    #: actual_rate / required_rate; None when the base is already at or past the target
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
        ratio = math.nan if past else actual / required
    else:
        actual = annual_change(b, c, dt)
        required = annual_change(b, t, n)
        remaining = annual_change(c, t, left)
        projection = c + actual * left if left > 0 else c
        ratio = math.nan if past else ((c - b) * n) / ((t - b) * dt)
    if achieved:
        status = Status.ACHIEVED
    elif past:
        status = Status.MOVING_AWAY
    elif ratio >= ON_TRACK:
        status = Status.ON_TRACK
    elif ratio >= MODERATE:
        status = Status.MODERATE
    elif ratio >= 0:
        status = Status.INSUFFICIENT
    else:
        status = Status.MOVING_AWAY
    completion = math.nan if past else (c - b) / (t - b)
    time_share = dt / n
    if achieved:
        category = MidTerm.AHEAD if current_year < target_year else MidTerm.ACHIEVED
    elif past:
        category = MidTerm.LAGGING
    else:
        pace = completion / time_share
        if pace >= 1 + tolerance:
            category = MidTerm.FASTER
        elif pace >= 1 - tolerance:
            category = MidTerm.AS_EXPECTED
        else:
            category = MidTerm.LAGGING
    return Progress(
        base=b,
        base_year=base_year,
        current=c,
        current_year=current_year,
        target=t,
        target_year=target_year,
        higher_is_better=higher_is_better,
        method=use,
        actual_rate=_none(actual),
        required_rate=_none(required),
        required_rate_remaining=_none(remaining),
        ratio=_none(ratio),
        status=status,
        completion_share=_none(completion),
        time_share=time_share,
        category=category,
        projection=_none(projection),
        gap=_none(s * (t - projection)),
    )


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


def _inside(kind: TargetKind, value: float, bound: float, strict: bool) -> bool:
    if kind is TargetKind.CEILING:
        return value < bound if strict else value <= bound
    return value > bound if strict else value >= bound


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

    >>> from soeplan import assess_bound
    >>> a = assess_bound(0.5560, 2020, 0.6200, 2023, 0.65, 2025, "ceiling", strict=True)
    >>> a.status.value, round(a.headroom, 4), round(a.projection, 4)
    ('at_risk', 0.03, 0.6627)
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
    )


# ----------------------------------------------------------------------------- frames

STATUS_DTYPE = pl.Enum([s.value for s in Status])
MIDTERM_DTYPE = pl.Enum([m.value for m in MidTerm])
BOUND_DTYPE = pl.Enum([b.value for b in BoundStatus])
KIND_DTYPE = pl.Enum([k.value for k in TargetKind])

#: Columns of the frame :func:`assess_frame` returns, in order.
ASSESSMENT_SCHEMA: dict[str, pl.DataType] = {
    "scope": pl.String(),
    "indicator": pl.String(),
    "kind": KIND_DTYPE,
    "higher_is_better": pl.Boolean(),
    "method": METHOD_DTYPE,
    "base_year": pl.Int32(),
    "base": pl.Float64(),
    "year": pl.Int32(),
    "current": pl.Float64(),
    "target_year": pl.Int32(),
    "target": pl.Float64(),
    "stretch": pl.Float64(),
    "strict": pl.Boolean(),
    "milestone": pl.Float64(),
    "actual_rate": pl.Float64(),
    "required_rate": pl.Float64(),
    "required_rate_remaining": pl.Float64(),
    "ratio": pl.Float64(),
    "status": STATUS_DTYPE,
    "completion_share": pl.Float64(),
    "time_share": pl.Float64(),
    "category": MIDTERM_DTYPE,
    "projection": pl.Float64(),
    "gap": pl.Float64(),
    "headroom": pl.Float64(),
    "meets_stretch": pl.Boolean(),
    "compliance": BOUND_DTYPE,
}

_REQUIRED = ("scope", "year", "indicator", "value")


def _prepare(observations: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    """Check the columns and types; map scope names to ids; keep the scopes of the plan."""
    missing = [c for c in _REQUIRED if c not in observations.columns]
    if missing:
        raise AssessmentError(
            f"the observations lack the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (they have: {', '.join(observations.columns) or 'none'})",
            problems=[
                Problem(
                    "columns",
                    "expected columns scope, year, indicator, value",
                    "give one row per scope, year and indicator (long format), "
                    "as `soeplan rollup --format csv` prints it",
                )
            ],
        )
    obs = observations.select(_REQUIRED)
    for col, dtype in (("year", pl.Int32), ("value", pl.Float64)):
        try:
            obs = obs.with_columns(pl.col(col).cast(dtype, strict=True))
        except pl.exceptions.PolarsError:
            bad = obs.with_row_index("row").filter(
                pl.col(col).is_not_null() & pl.col(col).cast(dtype, strict=False).is_null()
            )
            first = bad.row(0, named=True)
            raise AssessmentError(
                f"column {col} must hold numbers, and {bad.height} value(s) do not",
                problems=[
                    Problem(
                        f"row {first['row'] + 2} (counting the header as row 1), "
                        f"scope {first['scope']}, indicator {first['indicator']}",
                        f"{col} is {first[col]!r}",
                        "write plain numbers: years as 2023, values as 2380.18, "
                        "ratios as fractions (0.5560 for 55.60 %)",
                    )
                ],
            ) from None
    names = {s.name_zh: s.id for s in plan.scopes} | {s.name_en: s.id for s in plan.scopes}
    names |= {s.id: s.id for s in plan.scopes}
    # scopes that only targets name (a county plugin's targets for its unit, by unit id)
    names |= {t.scope: t.scope for t in plan.targets if t.scope not in names}
    obs = obs.with_columns(
        pl.col("scope")
        .cast(pl.String)
        .str.strip_chars()
        .replace_strict(names, default=None)
        .alias("scope"),
        pl.col("indicator").cast(pl.String).str.strip_chars(),
        # A ratio over a zero denominator is NaN in a rollup: treat it as missing, never assess it.
        pl.when(pl.col("value").is_finite()).then(pl.col("value")).alias("value"),
    ).filter(pl.col("scope").is_not_null())
    if obs.height == 0:
        known = ", ".join(f"{s.id} / {s.name_zh}" for s in plan.scopes)
        raise AssessmentError(
            f"no observations for a scope of plan {plan.id}",
            problems=[
                Problem(
                    "scope",
                    f"no row has a scope with targets ({known})",
                    "include the scope totals (全市, 市区), e.g. the output of "
                    "`soeplan rollup --format csv`",
                )
            ],
        )
    dups = obs.filter(pl.struct("scope", "year", "indicator").is_duplicated())
    if dups.height:
        r = dups.row(0, named=True)
        raise AssessmentError(
            f"{dups.height} rows repeat a scope, year and indicator",
            problems=[
                Problem(
                    f"scope {r['scope']}, indicator {r['indicator']}, year {r['year']}",
                    "appears more than once",
                    "keep one value per scope, year and indicator",
                )
            ],
        )
    return obs


def assess_frame(observations: pl.DataFrame, plan: Plan, year: int) -> pl.DataFrame:
    """Assess a long frame of observations against every target of ``plan`` in ``year``.

    ``observations`` has columns ``scope, year, indicator, value`` (scope ids ``city``/``urban``
    or their names 全市/市区; other scopes are ignored; ratios as fractions). Returns one row per
    scope and indicator with a target, columns :data:`ASSESSMENT_SCHEMA`. The base is the
    observation at the plan's base year where there is one, else the plan's published figure.
    Level rows carry the fields of :class:`Progress` and the milestone for ``year`` (on the
    path of the row's method); ceiling and floor rows those of :class:`BoundAssessment`
    (``compliance`` is its status). A row without an observation in ``year`` has nulls.
    """
    obs = _prepare(observations, plan)
    if year <= plan.base_year:
        raise AssessmentError(
            f"year {year} is not after the base year {plan.base_year} of plan {plan.id}",
            problems=[
                Problem(
                    "year", "nothing to assess yet", f"pass --year {plan.base_year + 1} or later"
                )
            ],
        )
    targets = plan.targets_frame().rename(
        {"year": "target_year", "value": "target", "kind": "kind"}
    )
    base_obs = obs.select(
        "scope", "indicator", pl.col("year").alias("base_year"), pl.col("value").alias("obs_base")
    )
    published = plan.figures_frame().select(
        "scope", "indicator", pl.col("year").alias("base_year"), pl.col("value").alias("pub_base")
    )
    current = obs.filter(pl.col("year") == year).select(
        "scope", "indicator", pl.col("value").alias("current")
    )
    keys = ["scope", "indicator", "base_year"]
    df = (
        targets.join(base_obs, on=keys, how="left")
        .join(published, on=keys, how="left")
        .join(current, on=["scope", "indicator"], how="left")
        .join(indicator_frame(), on="indicator", how="left")
        .with_columns(
            pl.coalesce("obs_base", "pub_base").alias("base"),
            pl.lit(year, dtype=pl.Int32).alias("year"),
            pl.col("higher").fill_null(True),
            pl.col("compoundable").fill_null(False),
        )
    )
    b, c, t = pl.col("base"), pl.col("current"), pl.col("target")
    s = pl.when(pl.col("higher")).then(1.0).otherwise(-1.0)
    n = (pl.col("target_year") - pl.col("base_year")).cast(pl.Float64)
    dt = (pl.col("year") - pl.col("base_year")).cast(pl.Float64)
    left = (pl.col("target_year") - pl.col("year")).cast(pl.Float64)
    is_level = pl.col("kind") == "level"
    known = b.is_not_null() & c.is_not_null()
    df = df.with_columns(
        (s * (c - t) >= 0).alias("_achieved"),
        (s * (b - t) >= 0).alias("_past"),
        (
            pl.col("compoundable")
            & (((b > 0) & (c > 0) & (t > 0)) | ((b < 0) & (c < 0) & (t < 0)))
            & (cagr(b.abs(), t.abs(), n) != 0)
        ).alias("_compound"),
        pl.when(b > 0).then(1.0).otherwise(-1.0).alias("_m"),
    )
    comp = pl.col("_compound")
    bm, cm, tm = b.abs(), c.abs(), t.abs()
    actual = pl.when(comp).then(cagr(bm, cm, dt)).otherwise(annual_change(b, c, dt))
    required = pl.when(comp).then(cagr(bm, tm, n)).otherwise(annual_change(b, t, n))
    remaining = pl.when(comp).then(cagr(cm, tm, left)).otherwise(annual_change(c, t, left))
    df = df.with_columns(
        actual.alias("actual_rate"),
        required.alias("required_rate"),
        remaining.alias("required_rate_remaining"),
    )
    a_r = pl.col("actual_rate")
    projection = (
        pl.when(left <= 0)
        .then(c)
        .when(comp)
        .then(pl.col("_m") * compound(cm, a_r, left))
        .otherwise(c + a_r * left)
    )
    ratio = (
        pl.when(pl.col("_past"))
        .then(None)
        .when(comp)
        .then(a_r / pl.col("required_rate"))
        .otherwise(((c - b) * n) / ((t - b) * dt))
    )
    df = df.with_columns(
        projection.alias("projection"),
        ratio.alias("ratio"),
        pl.when(pl.col("_past")).then(None).otherwise((c - b) / (t - b)).alias("completion_share"),
        (dt / n).alias("time_share"),
        pl.when(comp).then(pl.lit("compound")).otherwise(pl.lit("linear")).alias("method"),
    )
    r = pl.col("ratio")
    status = (
        pl.when(~known)
        .then(None)
        .when(pl.col("_achieved"))
        .then(pl.lit("achieved"))
        .when(pl.col("_past"))
        .then(pl.lit("moving_away"))
        .when(r >= ON_TRACK)
        .then(pl.lit("on_track"))
        .when(r >= MODERATE)
        .then(pl.lit("moderate"))
        .when(r >= 0)
        .then(pl.lit("insufficient"))
        .when(r < 0)
        .then(pl.lit("moving_away"))
    )
    pace = pl.col("completion_share") / pl.col("time_share")
    category = (
        pl.when(~known)
        .then(None)
        .when(pl.col("_achieved") & (pl.col("year") < pl.col("target_year")))
        .then(pl.lit("ahead"))
        .when(pl.col("_achieved"))
        .then(pl.lit("achieved"))
        .when(pl.col("_past"))
        .then(pl.lit("lagging"))
        .when(pace >= 1 + TOLERANCE)
        .then(pl.lit("faster"))
        .when(pace >= 1 - TOLERANCE)
        .then(pl.lit("as_expected"))
        .when(pace.is_not_null())
        .then(pl.lit("lagging"))
    )
    milestone = path_value(b, t, n, dt, comp)
    level = df.with_columns(
        status.alias("status"),
        category.alias("category"),
        (s * (t - pl.col("projection"))).alias("gap"),
        milestone.alias("milestone"),
    )

    # Ceilings and floors: compliance, headroom, linear trend.
    ceiling = pl.col("kind") == "ceiling"
    sign = pl.when(ceiling).then(1.0).otherwise(-1.0)
    change = annual_change(b, c, dt)
    proj = pl.when(left <= 0).then(c).otherwise(c + change * left)

    def inside(v: pl.Expr, lim: pl.Expr, strict: pl.Expr) -> pl.Expr:
        return (
            pl.when(ceiling)
            .then(pl.when(strict).then(v < lim).otherwise(v <= lim))
            .otherwise(pl.when(strict).then(v > lim).otherwise(v >= lim))
        )

    bounds = df.with_columns(
        change.alias("actual_rate"),
        proj.alias("projection"),
        (sign * (t - c)).alias("headroom"),
        (sign * (proj - t)).alias("gap"),
        inside(c, t, pl.col("strict")).alias("_complies"),
        inside(proj, t, pl.col("strict")).alias("_proj_ok"),
        pl.when(pl.col("stretch").is_null())
        .then(None)
        .otherwise(inside(c, pl.col("stretch"), pl.lit(False)))
        .alias("meets_stretch"),
        pl.lit("linear").alias("method"),
    ).with_columns(
        pl.when(~known)
        .then(None)
        .when(~pl.col("_complies"))
        .then(pl.lit("not_met"))
        .when(~pl.col("_proj_ok"))
        .then(pl.lit("at_risk"))
        .when(pl.col("meets_stretch"))
        .then(pl.lit("stretch_met"))
        .otherwise(pl.lit("met"))
        .alias("compliance")
    )
    out = pl.concat(
        [
            level.filter(is_level).with_columns(
                pl.lit(None, dtype=pl.Float64).alias("headroom"),
                pl.lit(None, dtype=pl.Boolean).alias("meets_stretch"),
                pl.lit(None, dtype=pl.String).alias("compliance"),
            ),
            bounds.filter(~is_level).with_columns(
                *(
                    pl.lit(None, dtype=pl.Float64).alias(col)
                    for col in (
                        "required_rate",
                        "required_rate_remaining",
                        "ratio",
                        "completion_share",
                        "milestone",
                    )
                ),
                pl.lit(None, dtype=pl.String).alias("status"),
                pl.lit(None, dtype=pl.String).alias("category"),
            ),
        ],
        how="diagonal_relaxed",
    )
    out = out.with_columns(
        pl.col("higher").alias("higher_is_better"),
        # nothing is known of a row without both values
        *(
            pl.when(known).then(pl.col(col)).otherwise(None).alias(col)
            for col in ("actual_rate", "projection", "gap", "headroom", "ratio")
        ),
    )
    return out.select(pl.col(name).cast(dtype) for name, dtype in ASSESSMENT_SCHEMA.items()).sort(
        "scope", "indicator"
    )
