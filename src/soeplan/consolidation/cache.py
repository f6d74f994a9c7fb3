"""The rollup's cache of what it derives from a structure: node codes, key maps, node tables."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from soeplan.structure.dated import Structure

T = TypeVar("T")


def _cached(structure: Structure, key: Hashable, make: Callable[[], T]) -> T:
    """Tables derived from a (frozen) structure are kept with it for the next rollup."""
    memo = structure.memo
    if key not in memo:
        memo[key] = make()
    return memo[key]  # type: ignore[no-any-return]
