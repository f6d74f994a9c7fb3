"""What a plugin author imports besides the package root: reading a plugin's own files.

Plugins import public names only: the records and :data:`soeplan.hookimpl` from ``soeplan``,
and from here the readers of a plugin's own data files (:func:`read_observations`,
:func:`load_toml_observations`, :func:`load_indicators`, :func:`load_structure_file`), the city's
structure file to compose with (:func:`city_file`, :func:`compose_structure`) and the findings
frame a rule returns (:func:`findings_frame`).

A county plugin ships its own figures (local metrics, or a sample) as TOML::

    [data]
    unit = "kecheng"
    synthetic = true            # synthetic figures must say so
    source = "where the figures come from"

    [[series]]
    entity = "kc.recycle"
    indicator = "kc_waste_received"
    values = { 2021 = 152000, 2022 = 168000 }

:func:`read_observations` turns such a file into the long frame every soeplan function takes
(``unit, entity, year, indicator, value``, plus ``synthetic`` and ``source``), reporting every
problem of the file at once.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "obs.toml"
>>> _ = p.write_text('[data]\\nunit = "x"\\nsynthetic = true\\n[[series]]\\nentity = "x.a"\\n'
...                  'indicator = "revenue"\\nvalues = { 2022 = 1.5, 2023 = 2 }\\n')
>>> read_observations(p).select("entity", "year", "value").rows()
[('x.a', 2022, 1.5), ('x.a', 2023, 2.0)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from soeplan._toml import read_toml
from soeplan.context import current
from soeplan.errors import DataFileError, Problem
from soeplan.frames import SERIES_SCHEMA
from soeplan.indicators import load_indicators
from soeplan.rules import findings_frame
from soeplan.structure.city import city_file
from soeplan.structure.compose import compose_structure
from soeplan.structure.file import load_structure_file

if TYPE_CHECKING:
    from soeplan.indicators import Indicator
    from soeplan.plugins.registry import Registry

__all__ = [
    "SERIES_SCHEMA",
    "city_file",
    "compose_structure",
    "findings_frame",
    "load_indicators",
    "load_structure_file",
    "load_toml_observations",
    "merge_observations",
    "overlay_plugin_samples",
    "read_observations",
]


def read_observations(
    path: Path | str, *, year: int | None = None, indicators: Iterable[str] | None = None
) -> pl.DataFrame:
    """Read a plugin's observation file (see the module docs); optionally only ``year``.

    With ``indicators`` (the registered codes), an unknown indicator code is a problem.
    """
    path = Path(path)
    raw = read_toml(path, kind="observation file")
    problems: list[Problem] = []
    head: Any = raw.get("data", {})
    unit = head.get("unit") if isinstance(head, dict) else None
    if not isinstance(unit, str) or not unit:
        problems.append(Problem("data.unit", "unit is missing", 'write [data] unit = "kecheng"'))
    synthetic = bool(head.get("synthetic", False)) if isinstance(head, dict) else False
    source = str(head.get("source", "")) if isinstance(head, dict) else ""
    known = set(indicators) if indicators is not None else None
    rows: list[dict[str, Any]] = []
    for i, series in enumerate(raw.get("series", [])):
        where = f"series[{i}]"
        entity, code, values = series.get("entity"), series.get("indicator"), series.get("values")
        if not isinstance(entity, str) or not entity:
            problems.append(Problem(f"{where}.entity", "entity is missing", "name the entity id"))
        if not isinstance(code, str) or not code:
            problems.append(Problem(f"{where}.indicator", "indicator is missing", "name its code"))
        elif known is not None and code not in known:
            problems.append(
                Problem(f"{where}.indicator", f"unknown indicator {code!r}", "register it first")
            )
        if not isinstance(values, dict) or not values:
            problems.append(
                Problem(f"{where}.values", "values are missing", "write values = { 2023 = 1.0 }")
            )
            continue
        for key, value in values.items():
            if not str(key).isdigit():
                problems.append(Problem(f"{where}.values.{key}", "not a year", "use e.g. 2023"))
            elif isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(
                    Problem(f"{where}.values.{key}", f"{value!r} is not a number", "write a number")
                )
            else:
                rows.append(
                    {
                        "unit": unit,
                        "entity": entity,
                        "year": int(key),
                        "indicator": code,
                        "value": float(value),
                        "synthetic": bool(series.get("synthetic", synthetic)),
                        "source": str(series.get("source", source)),
                    }
                )
    if problems:
        raise DataFileError(path, problems)
    frame = pl.DataFrame(rows, schema=SERIES_SCHEMA)
    if year is not None:
        frame = frame.filter(pl.col("year") == year)
    return frame.sort("entity", "indicator", "year")


def load_toml_observations(
    own_unit: str,
    sample: Path,
    *,
    unit: str,
    year: int,
    source: str,
    sample_source: str = "sample",
) -> pl.DataFrame | None:
    """The usual body of a county plugin's ``soeplan_load_observations`` hook.

    For ``own_unit`` only: ``source == sample_source`` reads the plugin's synthetic ``sample``
    file; a path to a ``.toml`` file in the same format reads that file (if it holds only
    ``own_unit``'s figures). Anything else is not this plugin's: ``None``.

    >>> load_toml_observations("kecheng", Path("x.toml"), unit="qujiang", year=2023,
    ...                        source="sample") is None
    True
    """
    if unit != own_unit:
        return None
    if source == sample_source:
        return read_observations(sample, year=year)
    path = Path(source)
    if path.suffix == ".toml" and path.exists():
        frame = read_observations(path, year=year)
        return frame if set(frame["unit"]) <= {own_unit} else None
    return None


def merge_observations(
    base: pl.DataFrame, county: pl.DataFrame, indicators: Mapping[str, Indicator]
) -> pl.DataFrame:
    """The ``base`` observations (e.g. the bundled sample) with a county's own figures laid over.

    A county's figure replaces the base's for the same entity, year and indicator; a county
    metric that ``rolls_into`` a core indicator replaces the base's figure of that core indicator
    for the same entity and year (the county reports it under its own code *instead of* the core's,
    so the rollup counts it once). Columns: ``unit, entity, year, indicator, value``.

    >>> import polars as pl
    >>> from soeplan import get_registry
    >>> cols = ["unit", "entity", "year", "indicator", "value"]
    >>> base = pl.DataFrame([("x", "x.a", 2023, "revenue", 1.0)], schema=cols, orient="row")
    >>> mine = pl.DataFrame([("x", "x.a", 2023, "revenue", 2.0)], schema=cols, orient="row")
    >>> merge_observations(base, mine, current().indicators)["value"].to_list()
    [2.0]
    """
    cols = ["unit", "entity", "year", "indicator", "value"]

    def norm(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select(
            pl.col("unit").cast(pl.String),
            pl.col("entity").cast(pl.String),
            pl.col("year").cast(pl.Int32),
            pl.col("indicator").cast(pl.String),
            pl.col("value").cast(pl.Float64),
        )

    b, c = norm(base), norm(county)
    rolls = {code: i.rolls_into for code, i in indicators.items() if i.rolls_into}
    replaced = pl.concat(
        [
            c.select("entity", "year", "indicator"),
            c.filter(pl.col("indicator").is_in(list(rolls)))
            .with_columns(pl.col("indicator").replace_strict(rolls, default=None))
            .select("entity", "year", "indicator"),
        ]
    ).unique()
    kept = b.join(replaced, on=["entity", "year", "indicator"], how="anti")
    return pl.concat([kept, c]).select(cols).sort("unit", "entity", "year", "indicator")


def overlay_plugin_samples(
    observations: pl.DataFrame, registry: Registry | None = None
) -> pl.DataFrame:
    """``observations`` with every county plugin's own *synthetic sample* figures laid over.

    For each unit and year in ``observations``, asks ``soeplan_load_observations(unit, year,
    source="sample")``; what the plugins answer (their local metrics, or their own code for a
    core indicator) is merged with :func:`merge_observations`. This is what the bundled sample
    looks like with the county plugins installed (``soeplan demo``, ``rollup --sample``).
    """
    reg = current(registry)
    pairs = observations.select("unit", "year").unique().sort("unit", "year").iter_rows()
    found = [
        f for u, y in pairs if (f := reg.load_observations(str(u), int(y), "sample")) is not None
    ]
    found = [f for f in found if f.height]
    if not found:
        return observations
    county = pl.concat(
        [f.select("unit", "entity", "year", "indicator", "value") for f in found],
        how="vertical_relaxed",
    )
    return merge_observations(observations, county, reg.indicators)
