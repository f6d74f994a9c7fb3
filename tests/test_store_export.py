"""What analysts read out of the store: every accepted 快报 as one frame
(:func:`~soeplan.submissions.store_months.read_store_months`), and the Parquet export
(``soeplan store export``): every version with its period and whether it is in force, every
receipt, every state change; a file only for what the store holds."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from soeplan.frames import MONTHLY_SCHEMA
from soeplan.submissions.store import Store
from soeplan.submissions.store_migrate import export
from soeplan.submissions.store_months import read_store_months


def frame(rows: list[tuple[str, str, int, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["unit", "entity", "year", "indicator", "value"], orient="row")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """a: 2023 twice (the second in force), June 2023 twice (the second held);
    b: June 2023 (two entities) and January 2024."""
    st = Store(tmp_path / "s")
    st.put(frame([("a", "e1", 2023, "revenue", 12.0)]), unit="a", year=2023)
    st.put(frame([("a", "e1", 2023, "revenue", 13.0)]), unit="a", year=2023)
    st.put(frame([("a", "e1", 2023, "revenue", 6.0)]), unit="a", year=2023, month=6)
    st.put(frame([("a", "e1", 2023, "revenue", 6.5)]), unit="a", year=2023, month=6, hold=True)
    two = [("b", "e2", 2023, "revenue", 2.0), ("b", "e1", 2023, "total_assets", 1.0)]
    st.put(frame(two), unit="b", year=2023, month=6)
    st.put(frame([("b", "e1", 2024, "revenue", 3.0)]), unit="b", year=2024, month=1)
    return st


def test_the_accepted_months_in_order_narrowed_by_year_and_unit(store: Store) -> None:
    every = read_store_months(store.root)
    assert every.schema == pl.Schema(MONTHLY_SCHEMA)
    assert every.rows() == [
        ("a", "e1", 2023, 6, "revenue", 6.0),  # the held version 2 is not accepted
        ("b", "e1", 2023, 6, "total_assets", 1.0),
        ("b", "e1", 2024, 1, "revenue", 3.0),
        ("b", "e2", 2023, 6, "revenue", 2.0),
    ]
    b_2023 = read_store_months(store.root, [2023], units=["b"])
    assert b_2023.select("entity", "year", "month").rows() == [("e1", 2023, 6), ("e2", 2023, 6)]
    assert read_store_months(store.root, units=["a"])["value"].to_list() == [6.0]
    assert read_store_months(store.root, [2024])["unit"].to_list() == ["b"]
    nothing = read_store_months(store.root, [2025])
    assert nothing.is_empty() and nothing.schema == pl.Schema(MONTHLY_SCHEMA)


def test_the_export_holds_every_version_with_its_period_and_whether_it_is_in_force(
    store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "pq"
    written = export(store, out)
    assert [p.name for p in written] == ["figures.parquet", "received.parquet", "history.parquet"]
    figures = pl.read_parquet(out / "figures.parquet")
    assert figures.schema["month"] == pl.Int8
    assert figures.select(
        "unit", "entity", "year", "month", "value", "version", "in_force"
    ).rows() == [
        ("a", "e1", 2023, None, 12.0, 1, False),
        ("a", "e1", 2023, None, 13.0, 2, True),
        ("a", "e1", 2023, 6, 6.0, 1, True),
        ("a", "e1", 2023, 6, 6.5, 2, False),
        ("b", "e1", 2023, 6, 1.0, 1, True),
        ("b", "e2", 2023, 6, 2.0, 1, True),
        ("b", "e1", 2024, 1, 3.0, 1, True),
    ]
    received = pl.read_parquet(out / "received.parquet")
    assert received.select("unit", "year", "month", "version").rows() == [
        ("a", 2023, None, 1),
        ("a", 2023, None, 2),
        ("a", 2023, 6, 1),
        ("a", 2023, 6, 2),
        ("b", 2023, 6, 1),
        ("b", 2024, 1, 1),
    ]
    history = pl.read_parquet(out / "history.parquet")
    assert history.select("unit", "year", "month", "version", "to").rows() == [
        ("a", 2023, None, 1, "accepted"),
        ("a", 2023, None, 2, "accepted"),
        ("a", 2023, 6, 1, "accepted"),
        ("a", 2023, 6, 2, "submitted"),
        ("b", 2023, 6, 1, "accepted"),
        ("b", 2024, 1, 1, "accepted"),
    ]


def test_an_empty_store_exports_no_file(tmp_path: Path) -> None:
    out = tmp_path / "pq"
    assert export(Store(tmp_path / "empty"), out) == []
    assert out.is_dir() and list(out.iterdir()) == []
