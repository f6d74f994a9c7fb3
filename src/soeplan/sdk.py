"""What a plugin author imports besides the package root: reading a plugin's own files.

Plugins import public names only: the records and :data:`soeplan.hookimpl` from ``soeplan``,
and from here the readers of a plugin's own data files (:func:`read_observations`,
:func:`load_toml_observations`, :func:`load_indicators`, :func:`load_structure_file`), the city's
structure file to compose with (:func:`city_file`, :func:`compose_structure`), the findings
frame a rule returns (:func:`findings_frame`), and the helpers a report section prints a figure
with in a sentence (:func:`percent`, :func:`thousands`, :func:`quantity`, :func:`figure`: half-up
rounding, thousands separators, the unit in the reader's language, 未报 / not reported for a
missing figure; from :mod:`soeplan.report.numbers`, which the report uses too).

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

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl

from soeplan._toml import read_toml
from soeplan.errors import DataFileError, Problem
from soeplan.frames import SERIES_SCHEMA
from soeplan.indicators import load_indicators
from soeplan.report.numbers import figure, percent, quantity, thousands
from soeplan.rules import findings_frame
from soeplan.sample import merge_observations, overlay_plugin_samples
from soeplan.structure.city import city_file
from soeplan.structure.compose import compose_structure
from soeplan.structure.file import load_structure_file

__all__ = [
    "SERIES_SCHEMA",
    "city_file",
    "compose_structure",
    "figure",
    "findings_frame",
    "load_indicators",
    "load_structure_file",
    "load_toml_observations",
    "merge_observations",
    "overlay_plugin_samples",
    "percent",
    "quantity",
    "read_observations",
    "thousands",
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
