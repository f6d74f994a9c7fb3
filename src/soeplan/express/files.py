"""Reading the express report's observations files (CSV or Parquet).

A monthly file has the columns of :data:`soeplan.frames.MONTHLY_SCHEMA` (``unit, entity, year,
month, indicator, value``; others are ignored): year-to-date flows, month-end stocks; an annual
one those of :data:`soeplan.frames.LONG_SCHEMA`. Every problem is named at once, with the file,
the column and the first rows it is on.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from soeplan.errors import DataFileError, Problem
from soeplan.frames import LONG_SCHEMA, MONTHLY_SCHEMA, DType

__all__ = ["read_annual", "read_monthly"]


def read_monthly(path: Path | str) -> pl.DataFrame:
    """The monthly observations in ``path`` (``.csv`` or ``.parquet``), typed as
    :data:`~soeplan.frames.MONTHLY_SCHEMA`; raises :class:`~soeplan.errors.DataFileError` with
    every problem."""
    return _read(Path(path), MONTHLY_SCHEMA)


def read_annual(path: Path | str) -> pl.DataFrame:
    """The annual observations in ``path`` (``.csv`` or ``.parquet``), typed as
    :data:`~soeplan.frames.LONG_SCHEMA`, to reconcile December with."""
    return _read(Path(path), LONG_SCHEMA)


def _read(path: Path, schema: dict[str, DType]) -> pl.DataFrame:
    if not path.is_file():
        raise DataFileError(path, [Problem(str(path), "file not found", "check the path")])
    try:
        if path.suffix.lower() == ".parquet":
            raw = pl.read_parquet(path)
        else:
            raw = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except Exception as exc:  # polars raises many kinds for a file it cannot read
        raise DataFileError(path, [Problem(str(path), f"cannot read it ({type(exc).__name__})",
                                           "save it as UTF-8 CSV or Parquet")]) from None  # fmt: skip
    missing = [c for c in schema if c not in raw.columns]
    if missing:
        raise DataFileError(path, [Problem(str(path), f"no column {', '.join(missing)}",
                                           f"give the columns {', '.join(schema)}")])  # fmt: skip
    typed = raw.select(
        pl.col(c).cast(t, strict=False).alias(c) for c, t in schema.items()
    ).with_row_index("_row", offset=2)
    problems = []
    for col in [c for c in schema if c != "unit"]:
        bad = typed.filter(pl.col(col).is_null())["_row"].to_list()
        if bad:
            problems.append(Problem(f"{path} column {col}, row {_rows(bad)}",
                                    f"{col} is missing or not a {_what(col)}",
                                    f"write a {_what(col)} in every row"))  # fmt: skip
    months = (
        []
        if "month" not in schema
        else (typed.filter(~pl.col("month").is_between(1, 12))["_row"].to_list())
    )
    if months:
        problems.append(Problem(f"{path} column month, row {_rows(months)}",
                                "a month is 1 to 12", "write the month as 1 to 12"))  # fmt: skip
    if problems:
        raise DataFileError(path, problems)
    return typed.drop("_row")


def _what(col: str) -> str:
    return {"year": "year (2023)", "month": "month (1–12)", "value": "number"}.get(col, "text")


def _rows(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:5]))
    return shown + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
