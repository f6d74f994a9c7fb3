"""Every frame's columns in one place: one dtype per column name, wherever the column appears.

soeplan passes its figures around as long polars frames. A column means the same and has the
same dtype in every frame that carries it: ``year`` is an ``Int32`` in an observation, a
finding, a rollup value and an assessment alike. :data:`COLUMNS` gives each shared column its
dtype; the schemas below pick their columns from it, and the few frames whose schemas add
columns of their own (the assessment's enums, say) take the shared ones from here too (a test
checks every ``*_SCHEMA`` of the package against :data:`COLUMNS`).
"""

from __future__ import annotations

import polars as pl

#: A column's dtype, as polars takes it in a schema.
DType = pl.DataType | type[pl.DataType]

#: The dtype of every column that more than one frame carries.
COLUMNS: dict[str, DType] = {
    # the long frame of figures
    "unit": pl.String,
    "entity": pl.String,
    "year": pl.Int32,
    #: the month of a monthly express report (快报), 1 to 12; an annual frame has no month column
    "month": pl.Int8,
    "indicator": pl.String,
    "value": pl.Float64,
    # where a figure came from
    "raw": pl.String,
    "explanation": pl.String,
    "file": pl.String,
    "sheet": pl.String,
    "row": pl.Int64,
    "cell": pl.String,
    "synthetic": pl.Boolean,
    "source": pl.String,
    # consolidated figures and scopes
    "scope": pl.String,
    "node": pl.String,
    "node_type": pl.String,
    "name_zh": pl.String,
    "name_en": pl.String,
    # findings
    "severity": pl.String,
    "rule": pl.String,
    "expected": pl.String,
    "found": pl.String,
    "message_zh": pl.String,
    "message_en": pl.String,
    "fix": pl.String,
}


def columns(*names: str) -> dict[str, DType]:
    """The schema of the named columns, in that order (each with its dtype from :data:`COLUMNS`)."""
    return {name: COLUMNS[name] for name in names}


#: The columns every observations frame starts with, in order: what a reader, the store, the
#: sample and a plugin's data file all have in common; each adds its own columns after these.
LONG_SCHEMA: dict[str, DType] = columns("unit", "entity", "year", "indicator", "value")

#: A monthly express report's observations (快报): flows are year-to-date totals to the month's
#: end, stocks the balance at the month's end (:class:`soeplan.Period`).
MONTHLY_SCHEMA: dict[str, DType] = columns("unit", "entity", "year", "month", "indicator", "value")

#: A submission's observations as read from its file, with where each figure came from.
OBSERVATION_SCHEMA: dict[str, DType] = {
    **LONG_SCHEMA,
    **columns("raw", "explanation", "file", "sheet", "row", "cell"),
}

#: A plugin's own series as read from its TOML file (:func:`soeplan.sdk.read_observations`).
SERIES_SCHEMA: dict[str, DType] = {**LONG_SCHEMA, **columns("synthetic", "source")}

#: What the store keeps of an accepted submission.
STORE_SCHEMA: dict[str, DType] = {**LONG_SCHEMA, **columns("explanation")}

#: Every findings frame, in order. ``expected`` and ``found`` are text as shown to people.
FINDING_SCHEMA: dict[str, DType] = columns(
    "severity",
    "rule",
    "file",
    "sheet",
    "cell",
    "row",
    "unit",
    "entity",
    "indicator",
    "year",
    "expected",
    "found",
    "message_zh",
    "message_en",
    "fix",
)


def empty_long() -> pl.DataFrame:
    """An empty frame of :data:`LONG_SCHEMA`."""
    return pl.DataFrame(schema=LONG_SCHEMA)
