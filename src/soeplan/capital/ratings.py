"""Credit ratings and listings from the registers: who holds which rating since when, the counts
of AAA / AA+ / AA enterprises per scope and year, and the findings where a submitted count
disagrees with the register (rule ``core.rating_register``; for the listed count, rule
``core.listed_register``: an entity submits 1 when it is a state-controlled listed company).

A rating counts for year *Y* when the register stated for the end of *Y* carries it with a
rating date on or before 31 December of *Y*; each enterprise counts once, at the grade it holds
(an AAA enterprise is not also counted as AA+), as Table 1 counts them.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from soeplan.context import current
from soeplan.rules import findings_frame
from soeplan.structure.dated import Structure

__all__ = [
    "COUNTED_RATINGS",
    "LISTED_RULE",
    "RATING_RULE",
    "listed_companies",
    "listed_findings",
    "rating_counts",
    "rating_findings",
    "register_ratings",
]

#: The grades the plan counts, and the indicator of each.
COUNTED_RATINGS: dict[str, str] = {"AAA": "rated_aaa", "AA+": "rated_aa_plus", "AA": "rated_aa"}
#: The id of the findings :func:`rating_findings` makes.
RATING_RULE = "core.rating_register"
#: The id of the findings :func:`listed_findings` makes.
LISTED_RULE = "core.listed_register"

_RATING_COLS: dict[str, Any] = {
    "unit": pl.String,
    "entity": pl.String,
    "name_zh": pl.String,
    "year": pl.Int32,
    "rating": pl.String,
    "rating_agency": pl.String,
    "rating_date": pl.Date,
    "indicator": pl.String,
    "new": pl.Boolean,
}


def register_ratings(attributes: pl.DataFrame) -> pl.DataFrame:
    """Each rating in force at a year's end: ``unit, entity, name_zh, year, rating,
    rating_agency, rating_date, indicator`` (the count it goes into, null for a grade the plan
    does not count) and ``new``: the entity did not hold this grade at the end of the year
    before (newly rated, or up- or downgraded to it)."""
    held = attributes.filter(
        pl.col("rating").is_not_null()
        & pl.col("rating_date").is_not_null()
        & (pl.col("rating_date").dt.year() <= pl.col("year"))
    ).with_columns(pl.col("year").cast(pl.Int32))
    prior = held.select(
        "entity", (pl.col("year") + 1).alias("year"), pl.col("rating").alias("_before")
    )
    return (
        held.join(prior, on=["entity", "year"], how="left")
        .with_columns(
            pl.col("rating").replace_strict(COUNTED_RATINGS, default=None).alias("indicator"),
            (pl.col("_before").is_null() | (pl.col("_before") != pl.col("rating"))).alias("new"),
        )
        .select(list(_RATING_COLS))
        .cast(_RATING_COLS)  # type: ignore[arg-type]
        .sort("year", "unit", "entity")
    )


def rating_counts(attributes: pl.DataFrame, structure: Structure) -> pl.DataFrame:
    """The register's AAA / AA+ / AA counts per scope and year: ``scope, year, indicator,
    value`` (a zero where a scope holds none of a grade)."""
    r = register_ratings(attributes).filter(pl.col("indicator").is_not_null())
    years = sorted(set(attributes["year"].to_list()))
    rows = []
    for scope in structure.scopes.values():
        counted = r.filter(pl.col("unit").is_in(list(scope.units)))
        for year in years:
            this = counted.filter(pl.col("year") == year)
            for ind in COUNTED_RATINGS.values():
                rows.append(
                    (scope.scope, year, ind, this.filter(pl.col("indicator") == ind).height)
                )
    return pl.DataFrame(
        rows,
        schema={"scope": pl.String, "year": pl.Int32, "indicator": pl.String, "value": pl.Int64},
        orient="row",
    )


def _submitted(
    observations: pl.DataFrame, cores: tuple[str, ...] = tuple(COUNTED_RATINGS.values())
) -> pl.DataFrame:
    """Each entity's submitted count per year and core indicator of ``cores`` (a county's
    metric that rolls into one replaces it for the same entity and year)."""
    into = {
        code: ind.rolls_into
        for code, ind in current().indicators.items()
        if ind.rolls_into in cores
    }
    codes = [*cores, *into]
    obs = observations.filter(pl.col("indicator").is_in(codes)).with_columns(
        pl.col("year").cast(pl.Int32),
        pl.col("indicator").replace(into).alias("core"),
        pl.col("indicator").is_in(list(into)).alias("local"),
    )
    return (
        obs.sort("local", descending=True)
        .group_by("entity", "year", "core", maintain_order=True)
        .agg(pl.col("value").first().cast(pl.Float64), pl.col("indicator").first())
    )


def rating_findings(observations: pl.DataFrame, attributes: pl.DataFrame) -> pl.DataFrame:
    """A warning for each entity, year and grade where the submitted count (0 or 1) disagrees
    with the register stated for that year's end; only entities the register lists, in years
    they submitted figures for (columns :data:`soeplan.FINDING_SCHEMA`)."""
    obs = observations.with_columns(pl.col("year").cast(pl.Int32))
    reported = obs.select("entity", "year").unique()
    covered = attributes.select("unit", "entity", "name_zh", pl.col("year").cast(pl.Int32)).join(
        reported, on=["entity", "year"]
    )
    grades = pl.DataFrame({"label": list(COUNTED_RATINGS), "core": list(COUNTED_RATINGS.values())})
    held = register_ratings(attributes).filter(pl.col("indicator").is_not_null())
    sub = _submitted(obs).rename({"value": "found", "indicator": "submitted_as"})
    grid = (
        covered.join(grades, how="cross")
        .join(held.select("entity", "year", "rating", "rating_agency", "rating_date"),
              on=["entity", "year"], how="left")
        .join(sub, on=["entity", "year", "core"], how="left")
        .with_columns(
            (pl.col("rating") == pl.col("label")).fill_null(False).cast(pl.Int64).alias("expected"),
            pl.col("found").fill_null(0.0),
        )
        .filter(pl.col("found") != pl.col("expected"))
        .sort("year", "unit", "entity", pl.col("label").replace_strict(
            {g: i for i, g in enumerate(COUNTED_RATINGS)}, return_dtype=pl.Int32))
    )  # fmt: skip
    rows = []
    for r in grid.iter_rows(named=True):
        grade, found, year = r["rating"], int(r["found"]), r["year"]
        said = f"{grade} ({r['rating_agency']}, {r['rating_date']})" if grade else "无"
        rows.append({
            "severity": "warning", "rule": RATING_RULE, "unit": r["unit"], "entity": r["entity"],
            "indicator": r["submitted_as"] or r["core"], "year": year,
            "expected": str(r["expected"]), "found": str(found),
            "message_zh": f"{r['name_zh']} {year} 年 {r['label']} 评级企业报 {found} 户，企业名录登记评级为 {said}",
            "message_en": f"{r['entity']} {year}: {found} {r['label']}-rated enterprise submitted, "
            f"the register's rating is {said if grade else 'none'}",
            "fix": "correct the count in the submission, or load the register that records "
            "the rating (soeplan register load FILE --store DIR)",
        })  # fmt: skip
    return findings_frame(rows)


def listed_companies(attributes: pl.DataFrame, year: int) -> pl.DataFrame:
    """The listed state-controlled companies the registers state for the end of ``year``:
    ``unit, entity, name_zh, exchange, stock_code, state_share, since`` (``since``: the first
    year the registers mark it listed)."""
    listed = attributes.filter(pl.col("listed")).with_columns(pl.col("year").cast(pl.Int32))
    first = listed.group_by("entity").agg(pl.col("year").min().alias("since"))
    return (
        listed.filter(pl.col("year") == year)
        .join(first, on="entity")
        .select("unit", "entity", "name_zh", "exchange", "stock_code", "state_share", "since")
        .sort("unit", "entity")
    )


def listed_findings(observations: pl.DataFrame, attributes: pl.DataFrame) -> pl.DataFrame:
    """A warning for each entity and year where the submitted ``listed`` count (0 or 1)
    disagrees with the register stated for that year's end (listed or not); only entities the
    register lists, in years they submitted figures for (columns :data:`soeplan.FINDING_SCHEMA`).

    >>> import polars as pl
    >>> from soeplan import listed_findings, sample_attributes
    >>> obs = pl.DataFrame({"unit": ["municipal"], "entity": ["mun.guozi.capital"],
    ...                     "year": [2023], "indicator": ["listed"], "value": [0.0]})
    >>> f = listed_findings(obs, sample_attributes())
    >>> f.select("rule", "entity", "expected", "found").rows()
    [('core.listed_register', 'mun.guozi.capital', '1', '0')]
    """
    obs = observations.with_columns(pl.col("year").cast(pl.Int32))
    reported = obs.select("entity", "year").unique()
    covered = attributes.with_columns(pl.col("year").cast(pl.Int32)).join(
        reported, on=["entity", "year"]
    )
    sub = _submitted(obs, ("listed",)).rename({"value": "found", "indicator": "submitted_as"})
    grid = (
        covered.join(sub.drop("core"), on=["entity", "year"], how="left")
        .with_columns(pl.col("listed").fill_null(False).cast(pl.Int64).alias("expected"),
                      pl.col("found").fill_null(0.0))
        .filter(pl.col("found") != pl.col("expected"))
        .sort("year", "unit", "entity")
    )  # fmt: skip
    rows = []
    for r in grid.iter_rows(named=True):
        found, year = int(r["found"]), r["year"]
        where = " ".join(x for x in (r["exchange"], r["stock_code"]) if x)
        said_zh = f"已上市（{where}）" if r["expected"] else "未上市"
        said_en = f"listed ({where})" if r["expected"] else "not listed"
        rows.append({
            "severity": "warning", "rule": LISTED_RULE, "unit": r["unit"], "entity": r["entity"],
            "indicator": r["submitted_as"] or "listed", "year": year,
            "expected": str(r["expected"]), "found": str(found),
            "message_zh": f"{r['name_zh']} {year} 年报送国有控股上市公司 {found} 家，企业名录登记为{said_zh}",
            "message_en": f"{r['entity']} {year}: {found} listed company submitted, the register "
            f"says {said_en}",
            "fix": "correct the count in the submission, or load the register that records the "
            "listing (soeplan register load FILE --store DIR)",
        })  # fmt: skip
    return findings_frame(rows)
