"""The rollup's cache of what it derives from a structure: node codes, key maps, node tables.

Made once per structure and reused by the next rollup on the same structure object. The cache
belongs to the rollup, not to the (frozen) :class:`~soeplan.structure.dated.Structure`: nothing is
written into the structure. A structure's fields are mappings, so it is not hashable; the cache
is keyed by the structure's identity and an entry is dropped when its structure is collected
(a :func:`weakref.finalize` callback runs before the identity can be reused).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

from soeplan.structure.dated import Structure

T = TypeVar("T")

_MEMO: dict[int, dict[Hashable, object]] = {}  # id(structure) → key → what was made


def _memo_of(structure: Structure) -> dict[Hashable, object]:
    key = id(structure)
    memo = _MEMO.get(key)
    if memo is None:
        memo = _MEMO[key] = {}
        weakref.finalize(structure, _MEMO.pop, key, None).atexit = False
    return memo


def _cached(structure: Structure, key: Hashable, make: Callable[[], T]) -> T:
    """Tables derived from a (frozen) structure are kept for the next rollup on it."""
    memo = _memo_of(structure)
    if key not in memo:
        memo[key] = make()
    return cast(T, memo[key])
