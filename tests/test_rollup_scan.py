"""The big pass's packed keys (:mod:`soeplan.consolidation.scan`): each row's entity, indicator
and year as one integer, in the narrowest unsigned type that holds every key.

``key = (first * width + indicator) * span + year offset``; an entity outside the dictionary
takes the first ``n_firsts`` and an indicator outside the catalogue the code ``n_ind``, so every
key is below ``(n_firsts + 1) * width * span``. The keys are checked at that bound: just under
2³² (32 bits), exactly 2³² (still 32 bits: the largest key is 2³² − 1) and over it (64 bits: an
entity's first node of 2¹⁶ times 2¹⁶ in 32 bits wraps to 0, and figures of different cells would
be added up).
"""

from __future__ import annotations

import polars as pl
import pytest

from soeplan.consolidation.encoding import _Grid, _IndicatorCodes, _KeyMap
from soeplan.consolidation.scan import _packed

WIDTH, SPAN, Y0 = 2**10, 2**6, 2000  # width * span = 2**16
NAMES = [f"i{n:04d}" for n in range(WIDTH - 1)]


def keymap(n_firsts: int) -> _KeyMap:
    return _KeyMap(
        entities=pl.Enum(["e0", "e1"]),
        first=pl.Series([n_firsts - 1, 0], dtype=pl.UInt32),
        static=pl.Series([True, True]),
        entity_node=pl.Series([0, 1], dtype=pl.UInt32),
        kind=pl.Series([0], dtype=pl.UInt8),
        node=pl.Series([0], dtype=pl.UInt32),
        placed=frozenset(),
        n_keys=n_firsts,
    )


@pytest.mark.parametrize(
    ("n_firsts", "dtype"),
    [(2**16 - 2, pl.UInt32), (2**16 - 1, pl.UInt32), (2**16 + 1, pl.UInt64)],
)
def test_keys_are_exact_in_the_narrowest_type_that_holds_them(
    n_firsts: int, dtype: type[pl.DataType]
) -> None:
    inds = _IndicatorCodes(NAMES, {c: i for i, c in enumerate(NAMES)}, frozenset(), [], [])
    grid = _Grid(y0=Y0, span=SPAN, width=WIDTH, n_nodes=2)
    km = keymap(n_firsts)
    rows = pl.DataFrame(
        {
            "entity": ["e0", "e1", "unknown", "unknown"],
            "indicator": [NAMES[-1], NAMES[0], "not_an_indicator", NAMES[3]],
            "year": [Y0 + SPAN - 1, Y0, Y0 + SPAN - 1, Y0 + 1],
        }
    )
    keys = rows.select(key=_packed(km.first, n_firsts, km, inds, grid))["key"]
    top = (n_firsts + 1) * WIDTH * SPAN
    assert keys.dtype == dtype
    assert keys.to_list() == [
        ((n_firsts - 1) * WIDTH + WIDTH - 2) * SPAN + SPAN - 1,
        0,
        top - 1,  # the largest key there can be
        (n_firsts * WIDTH + 3) * SPAN + 1,
    ]
