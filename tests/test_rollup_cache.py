"""The rollup's cache of what it derives from a structure (:mod:`soeplan.consolidation.cache`):
made once per structure object and reused, kept apart between structures, and dropped when its
structure is collected."""

from __future__ import annotations

import gc

import polars as pl

from _structures import nested_structure, small_structure
from soeplan.consolidation import cache
from soeplan.consolidation.rollup import rollup


def test_what_is_made_for_a_structure_is_made_once() -> None:
    s = small_structure()
    made: list[int] = []

    def make() -> int:
        made.append(1)
        return len(made)

    assert cache._cached(s, ("test", 1), make) == 1
    assert cache._cached(s, ("test", 1), make) == 1  # reused
    assert cache._cached(s, ("test", 2), make) == 2  # another key
    assert len(made) == 2


def test_two_structures_never_share_what_was_made() -> None:
    a, b = small_structure(), nested_structure()
    assert cache._cached(a, ("test",), lambda: "a") == "a"
    assert cache._cached(b, ("test",), lambda: "b") == "b"
    assert cache._cached(a, ("test",), lambda: "x") == "a"
    # and the rollups on them, one after the other, each on its own structure
    data = pl.DataFrame(
        {"entity": ["x1"], "year": [2020], "indicator": ["revenue"], "value": [1.0]}
    )
    on_nested = rollup(data, b)
    assert on_nested.value("g1", "revenue", 2020) == 1.0
    small = pl.DataFrame(
        {"entity": ["x"], "year": [2020], "indicator": ["revenue"], "value": [2.0]}
    )
    assert rollup(small, a).value("g", "revenue", 2020) == 2.0


def test_a_structures_entry_goes_with_it() -> None:
    s = small_structure()
    cache._cached(s, ("test",), lambda: 1)
    key = id(s)
    assert key in cache._MEMO
    del s
    gc.collect()
    assert key not in cache._MEMO
