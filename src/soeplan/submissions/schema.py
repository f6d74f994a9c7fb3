"""The observation frame's columns and types, checked with pandera (polars backend).

This is the only module of soeplan that imports pandera (which brings pandas): the core's schema
rule (``core.schema``, :data:`soeplan.submissions.core_rules.CORE_RULES`) loads it when it runs.
"""

from __future__ import annotations

from typing import Any

import pandera.polars as pa
import polars as pl

from soeplan.rules import RuleContext, empty_findings, findings_frame
from soeplan.submissions.rule_helpers import _where


class ObservationModel(pa.DataFrameModel):
    """The observation frame as pandera sees it (polars backend): columns, types, year range."""

    unit: pl.String = pa.Field(nullable=True)
    entity: pl.String = pa.Field(nullable=True)
    year: pl.Int32 = pa.Field(nullable=True, ge=2000, le=2100)
    indicator: pl.String = pa.Field(nullable=True)
    value: pl.Float64 = pa.Field(nullable=True)

    class Config:
        strict = False


def check_schema(ctx: RuleContext) -> pl.DataFrame:
    """Columns and types of the observation frame (pandera), every failure at once."""
    from pandera.errors import SchemaError, SchemaErrors

    try:
        ObservationModel.validate(ctx.observations, lazy=True)
        return empty_findings()
    except (SchemaErrors, SchemaError) as exc:
        cases = getattr(exc, "failure_cases", None)
        if not isinstance(cases, pl.DataFrame):
            cases = pl.DataFrame(
                {"failure_case": [str(exc)], "column": [None], "check": [None], "index": [None]}
            )
    rows = []
    obs = ctx.observations
    for c in cases.iter_rows(named=True):
        idx = c.get("index")
        r: dict[str, Any] = obs.row(int(idx), named=True) if idx is not None else {}
        check = str(c.get("check"))
        col = c.get("column")
        if check == "column_in_dataframe":
            col = c.get("failure_case")
            zh, en = f"缺少列 {col}", f"the column {col!r} is missing"
            expected = "unit, entity, year, indicator, value"
        elif check.startswith("dtype"):
            zh, en = f"列 {col} 的类型不对", f"column {col!r} has the wrong type"
            expected = check
        else:
            zh = f"{col} 的值 {c.get('failure_case')} 不符合 {check}"
            en = f"{col} value {c.get('failure_case')} fails {check}"
            expected = check
        rows.append(
            {
                **_where(r),
                "year": r.get("year") if isinstance(r.get("year"), int) else None,
                "row": r.get("row") if r else None,
                "expected": expected,
                "found": str(c.get("failure_case")),
                "message_zh": zh,
                "message_en": en,
                "fix": "按模板格式填报 / use the template's layout: columns unit, entity, year "
                "(2000–2100), indicator, value (a number)",
            }
        )
    return findings_frame(rows)
