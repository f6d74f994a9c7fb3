"""One dtype per column everywhere: every frame schema of the package agrees with soeplan.frames."""

from __future__ import annotations

import importlib
import pkgutil

import polars as pl
import pytest

import soeplan
from soeplan.frames import COLUMNS


def _schemas() -> dict[str, dict[str, object]]:
    """Every public module-level ``*_SCHEMA`` of the package, by where it is defined.

    (A stage's private working frames, e.g. the rollup's integer-coded nodes, are its own.)
    """
    found: dict[str, dict[str, object]] = {}
    for info in pkgutil.walk_packages(soeplan.__path__, "soeplan."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.endswith("_SCHEMA") and not name.startswith("_") and isinstance(value, dict):
                found[f"{info.name}.{name}"] = value
    return found


SCHEMAS = _schemas()


def _dtype(d: object) -> pl.DataType:
    return d() if isinstance(d, type) else d  # type: ignore[return-value]


def test_the_package_schemas_are_all_seen() -> None:
    names = {k.rsplit(".", 1)[1] for k in SCHEMAS}
    assert {"LONG_SCHEMA", "FINDING_SCHEMA", "VALUE_SCHEMA", "ASSESSMENT_SCHEMA"} <= names
    assert {"MILESTONE_SCHEMA", "OBSERVATION_SCHEMA", "STORE_SCHEMA", "SERIES_SCHEMA"} <= names


@pytest.mark.parametrize("where", sorted(SCHEMAS))
def test_every_shared_column_has_one_dtype(where: str) -> None:
    wrong = {
        column: (str(_dtype(dtype)), str(_dtype(COLUMNS[column])))
        for column, dtype in SCHEMAS[where].items()
        if column in COLUMNS and _dtype(dtype) != _dtype(COLUMNS[column])
    }
    assert wrong == {}, f"{where}: columns whose dtype differs from soeplan.frames.COLUMNS"


def test_a_rollup_and_an_observation_frame_join_on_year_without_a_cast() -> None:
    observations = soeplan.sample_observations([2023])
    result = soeplan.rollup(observations, soeplan.city_structure(), include_entities=False)
    assert result.values.schema["year"] == observations.schema["year"] == pl.Int32
    joined = result.values.join(observations, on="year", how="semi")
    assert joined.height == result.values.height
