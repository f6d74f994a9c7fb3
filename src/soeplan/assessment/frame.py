"""Progress assessment of a whole frame: every target of a plan in one year, vectorised.

:func:`assess_frame` takes a long frame of observations (``scope, year, indicator, value``) and
returns one row per scope and indicator with a target (:data:`ASSESSMENT_SCHEMA`); each row equals
:func:`~soeplan.assessment.progress.assess_progress` (a level target) or
:func:`~soeplan.assessment.progress.assess_bound` (a ceiling or a floor) on the same numbers.
"""

from __future__ import annotations

import polars as pl

from soeplan.arithmetic.growth import annual_change, cagr, compound
from soeplan.assessment.milestones import METHOD_DTYPE, indicator_frame, path_value
from soeplan.assessment.records import (
    MODERATE,
    ON_TRACK,
    TOLERANCE,
    AssessmentError,
    BoundStatus,
    MidTerm,
    Status,
    Verdict,
    decide_verdict,
)
from soeplan.errors import Problem
from soeplan.plan.model import Plan, TargetKind

__all__ = ["ASSESSMENT_SCHEMA", "assess_frame"]

STATUS_DTYPE = pl.Enum([s.value for s in Status])
MIDTERM_DTYPE = pl.Enum([m.value for m in MidTerm])
BOUND_DTYPE = pl.Enum([b.value for b in BoundStatus])
KIND_DTYPE = pl.Enum([k.value for k in TargetKind])
VERDICT_DTYPE = pl.Enum([v.value for v in Verdict])

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
    #: a ceiling or floor the base did not respect, assessed as a linear path to the bound
    "path": pl.Boolean(),
    #: the row's single headline status (:class:`~soeplan.assessment.records.Verdict`)
    "verdict": VERDICT_DTYPE,
}

_REQUIRED = ("scope", "year", "indicator", "value")


def prepare_observations(observations: pl.DataFrame, plan: Plan) -> pl.DataFrame:
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


# The columns a row's assessment reads, as expressions: base, current and target values; the
# years from the base to the target, from the base to the assessed year, and left from it.
_B, _C, _T = pl.col("base"), pl.col("current"), pl.col("target")
_N = (pl.col("target_year") - pl.col("base_year")).cast(pl.Float64)
#: years elapsed: whole years for a year, a fraction for a month (:mod:`.period`)
_DT = pl.col("elapsed")
_LEFT = _N - _DT
#: 1 where higher is better, −1 where lower is
_S = pl.when(pl.col("higher")).then(1.0).otherwise(-1.0)
#: nothing is known of a row without both values
_KNOWN = _B.is_not_null() & _C.is_not_null()


def assess_frame(observations: pl.DataFrame, plan: Plan, year: int) -> pl.DataFrame:
    """Assess a long frame of observations against every target of ``plan`` in ``year``.

    ``observations`` has columns ``scope, year, indicator, value`` (scope ids ``city``/``urban``
    or their names 全市/市区; other scopes are ignored; ratios as fractions). Returns one row per
    scope and indicator with a target, columns :data:`ASSESSMENT_SCHEMA`. The base is the
    observation at the plan's base year where there is one, else the plan's published figure.
    Level rows carry the fields of :class:`~soeplan.assessment.records.Progress` and the milestone for ``year`` (on the
    path of the row's method); ceiling and floor rows those of :class:`~soeplan.assessment.records.BoundAssessment`
    (``compliance`` is its status). A row without an observation in ``year`` has nulls.
    """
    obs = prepare_observations(observations, plan)
    if year <= plan.base_year:
        raise AssessmentError(
            f"year {year} is not after the base year {plan.base_year} of plan {plan.id}",
            problems=[
                Problem(
                    "year", "nothing to assess yet", f"pass --year {plan.base_year + 1} or later"
                )
            ],
        )
    return assess_rows(targets_with_values(obs, plan, year))


def assess_rows(df: pl.DataFrame) -> pl.DataFrame:
    """The readings of every target row of :func:`targets_with_values` (after any change to
    its ``current`` or ``elapsed``, as a month's assessment makes), as :data:`ASSESSMENT_SCHEMA`."""
    df = _bound_readings(_level_readings(_level_rates(df)))
    level, path = pl.col("kind") == "level", pl.col("_path")
    out = df.with_columns(
        *(
            pl.when(level).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("headroom", "meets_stretch", "compliance")
        ),
        # a bound the base respected is no path: no required rate, ratio, milestone or status
        *(pl.when(~level & ~path).then(None).otherwise(pl.col(c)).alias(c) for c in _PATH_COLUMNS),
        pl.col("higher").alias("higher_is_better"),
        (~level & path).alias("path"),
    )
    out = out.with_columns(
        # nothing is known of a row without both values
        *(
            pl.when(_KNOWN).then(pl.col(col)).otherwise(None).alias(col)
            for col in ("actual_rate", "projection", "gap", "headroom", "ratio")
        ),
    )
    out = out.with_columns(
        pl.struct("status", "compliance", "path")
        .map_elements(_verdict, return_dtype=pl.String)
        .alias("verdict")
    )
    return out.select(pl.col(name).cast(dtype) for name, dtype in ASSESSMENT_SCHEMA.items()).sort(
        "scope", "indicator"
    )


_PATH_COLUMNS = (
    "required_rate",
    "required_rate_remaining",
    "ratio",
    "completion_share",
    "milestone",
    "status",
    "category",
)


def _verdict(r: dict[str, object]) -> str | None:
    """The verdict of one row, by :func:`~soeplan.assessment.records.decide_verdict`."""
    status, compliance = r["status"], r["compliance"]
    v = decide_verdict(
        None if status is None else str(status),
        None if compliance is None else str(compliance),
        path=bool(r["path"]),
    )
    return None if v is None else v.value


def targets_with_values(obs: pl.DataFrame, plan: Plan, year: int) -> pl.DataFrame:
    """Every target of the plan, with its base (observed, else published), the value observed
    in ``year``, the years ``elapsed`` since the base and the indicator's direction and method."""
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
    return (
        targets.join(base_obs, on=keys, how="left")
        .join(published, on=keys, how="left")
        .join(current, on=["scope", "indicator"], how="left")
        .join(indicator_frame(), on="indicator", how="left")
        .with_columns(
            pl.coalesce("obs_base", "pub_base").alias("base"),
            pl.lit(year, dtype=pl.Int32).alias("year"),
            (year - pl.col("base_year")).cast(pl.Float64).alias("elapsed"),
            # a floor is to be reached from below, a ceiling from above; bounds are linear
            pl.when(pl.col("kind") == "level")
            .then(pl.col("higher").fill_null(True))
            .otherwise(pl.col("kind") == "floor")
            .alias("higher"),
            (pl.col("compoundable").fill_null(False) & (pl.col("kind") == "level")).alias(
                "compoundable"
            ),
        )
        .with_columns(
            (
                (pl.col("kind") != "level")
                & ~_inside(pl.col("base"), pl.col("target"), pl.col("strict"))
            )
            .fill_null(False)
            .alias("_path")
        )
    )


def _inside(v: pl.Expr, lim: pl.Expr, strict: pl.Expr) -> pl.Expr:
    """``v`` respects the bound ``lim`` of the row's kind (a ceiling, else a floor)."""
    return (
        pl.when(pl.col("kind") == "ceiling")
        .then(pl.when(strict).then(v < lim).otherwise(v <= lim))
        .otherwise(pl.when(strict).then(v > lim).otherwise(v >= lim))
    )


def _level_rates(df: pl.DataFrame) -> pl.DataFrame:
    """The rates of :func:`~soeplan.assessment.progress.assess_progress` for every row: actual,
    required and remaining rates, the projection, the ratio, the completion and time shares."""
    b, c, t, s, n, dt, left = _B, _C, _T, _S, _N, _DT, _LEFT
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
    # Statistics Canada's R = d·actual/|required|, d the desired direction (on the magnitudes)
    d = pl.when(comp).then(s * pl.col("_m")).otherwise(s)
    ratio = (
        pl.when(pl.col("required_rate") == 0)
        .then(None)
        .otherwise(d * a_r / pl.col("required_rate").abs())
    )
    return df.with_columns(
        projection.alias("projection"),
        ratio.alias("ratio"),
        pl.when(pl.col("_past")).then(None).otherwise((c - b) / (t - b)).alias("completion_share"),
        (dt / n).alias("time_share"),
        pl.when(comp).then(pl.lit("compound")).otherwise(pl.lit("linear")).alias("method"),
    )


def _level_readings(df: pl.DataFrame) -> pl.DataFrame:
    """A level target's status, mid-term category, gap and milestone (after :func:`_level_rates`)."""
    b, t, s, n, dt, known = _B, _T, _S, _N, _DT, _KNOWN
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
        .when(pl.col("_achieved") & (_LEFT > 0))
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
    milestone = path_value(b, t, n, dt, pl.col("_compound"))
    return df.with_columns(
        status.alias("status"),
        category.alias("category"),
        (s * (t - pl.col("projection"))).alias("gap"),
        milestone.alias("milestone"),
    )


def _bound_readings(df: pl.DataFrame) -> pl.DataFrame:
    """Ceilings and floors: compliance, headroom, linear trend (level rows keep their own)."""
    b, c, t, dt, left, known = _B, _C, _T, _DT, _LEFT, _KNOWN
    bound = pl.col("kind") != "level"
    sign = pl.when(pl.col("kind") == "ceiling").then(1.0).otherwise(-1.0)
    change = annual_change(b, c, dt)
    proj = pl.when(left <= 0).then(c).otherwise(c + change * left)

    def for_bounds(e: pl.Expr, name: str) -> pl.Expr:
        return pl.when(bound).then(e).otherwise(pl.col(name)).alias(name)

    return df.with_columns(
        for_bounds(change, "actual_rate"),
        for_bounds(proj, "projection"),
        for_bounds(sign * (proj - t), "gap"),
        (sign * (t - c)).alias("headroom"),
        _inside(c, t, pl.col("strict")).alias("_complies"),
        _inside(proj, t, pl.col("strict")).alias("_proj_ok"),
        pl.when(pl.col("stretch").is_null())
        .then(None)
        .otherwise(_inside(c, pl.col("stretch"), pl.lit(False)))
        .alias("meets_stretch"),
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
