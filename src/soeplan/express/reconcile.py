"""December's express report against the annual submission (12月快报与年报核对).

December's year-to-date flows are the year's totals and its month-end stocks the year-end
balances, so each must equal the annual submission's figure. :func:`reconcile_december` compares
them entity by entity and indicator by indicator; a difference beyond the tolerance is a finding
naming the entity, the indicator and both values. A figure in one and not in the other is a
finding too (the 快报 or the annual submission lacks it).

>>> import polars as pl
>>> dec = pl.DataFrame({"unit": ["kecheng"], "entity": ["kc.a"], "year": [2023], "month": [12],
...                     "indicator": ["revenue"], "value": [10.0]})
>>> annual = pl.DataFrame({"unit": ["kecheng"], "entity": ["kc.a"], "year": [2023],
...                        "indicator": ["revenue"], "value": [10.3]})
>>> reconcile_december(dec, annual, 2023)["found"].to_list()
['10.0000 (快报 2023-12) / 10.3000 (年报 2023)']
"""

from __future__ import annotations

import polars as pl

from soeplan.frames import COLUMNS
from soeplan.rules import findings_frame

__all__ = ["DECEMBER_RULE", "DECEMBER_TOLERANCE", "reconcile_december"]

#: The rule id of a December 快报 that disagrees with the annual submission.
DECEMBER_RULE = "express.december_vs_annual"

#: The largest difference taken as agreement, in the indicator's own unit (亿元 for amounts):
#: half of the last place the figures are printed to (0.01), so two figures that print the same
#: agree, and one that a clerk keyed in differently does not.
DECEMBER_TOLERANCE = 0.005


def _entity_figures(frame: pl.DataFrame, year: int, month: int | None) -> pl.DataFrame:
    f = frame.filter(pl.col("year") == year)
    if month is not None:
        f = f.filter(pl.col("month") == month)
    if "unit" not in f.columns:
        f = f.with_columns(pl.lit(None, COLUMNS["unit"]).alias("unit"))
    return (
        f.group_by("unit", "entity", "indicator")
        .agg(pl.col("value").cast(COLUMNS["value"]).sum())
        .with_columns(pl.col("unit").cast(COLUMNS["unit"]))
    )


def reconcile_december(
    monthly: pl.DataFrame,
    annual: pl.DataFrame,
    year: int,
    *,
    tolerance: float = DECEMBER_TOLERANCE,
    indicators: list[str] | None = None,
) -> pl.DataFrame:
    """Findings (:data:`soeplan.FINDING_SCHEMA`) where ``year``'s December 快报 and annual
    figures differ by more than ``tolerance``, or one has a figure the other lacks.

    ``monthly`` is a monthly observations frame (``unit, entity, year, month, indicator,
    value``), ``annual`` the annual observations (``unit, entity, year, indicator, value``);
    only the indicators both carry somewhere are compared (or ``indicators``, when given), so an
    annual-only indicator (a count of rated enterprises) is not a finding.
    """
    dec = _entity_figures(monthly, year, 12).rename({"value": "december"})
    ann = _entity_figures(annual, year, None).rename({"value": "annual"})
    shared = indicators or sorted(set(dec["indicator"]) & set(ann["indicator"]))
    both = dec.filter(pl.col("indicator").is_in(shared)).join(
        ann.filter(pl.col("indicator").is_in(shared)),
        on=["entity", "indicator"],
        how="full",
        coalesce=True,
        suffix="_annual",
    )
    rows = []
    for r in both.sort("entity", "indicator").iter_rows(named=True):
        d, a = r["december"], r["annual"]
        if d is not None and a is not None and abs(d - a) <= tolerance:
            continue
        unit = r["unit"] or r.get("unit_annual")
        rows.append(_finding(r["entity"], unit, r["indicator"], year, d, a, tolerance))
    return findings_frame(rows)


def _shown(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def _finding(
    entity: str,
    unit: str | None,
    indicator: str,
    year: int,
    december: float | None,
    annual: float | None,
    tolerance: float,
) -> dict[str, object]:
    found = f"{_shown(december)} (快报 {year}-12) / {_shown(annual)} (年报 {year})"
    if december is None or annual is None:
        which_zh, which_en = (
            ("12月快报", "December express report")
            if december is None
            else ("年报", "annual submission")
        )
        zh = f"{entity} {indicator}：{year}年{which_zh}缺少该数"
        en = f"{entity} {indicator}: the {year} {which_en} has no figure"
        fix = "report the figure in both, or explain why one has none"
    else:
        diff = december - annual
        zh = f"{entity} {indicator}：{year}年12月快报与年报相差 {diff:+.4f}（容差 {tolerance}）"
        en = (
            f"{entity} {indicator}: the December {year} express report differs from the annual "
            f"submission by {diff:+.4f} (tolerance {tolerance})"
        )
        fix = (
            "correct whichever is wrong: December's year-to-date flows and month-end balances "
            "are the year's figures"
        )
    return {
        "severity": "warning",
        "rule": DECEMBER_RULE,
        "unit": unit,
        "entity": entity,
        "indicator": indicator,
        "year": year,
        "expected": _shown(annual),
        "found": found,
        "message_zh": zh,
        "message_en": en,
        "fix": fix,
    }
