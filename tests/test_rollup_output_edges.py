"""The cell-by-cell path's output stage (:mod:`soeplan.consolidation.output`).

- The fast order (``_sorted_by_cell``): the cells of the node-years with info, scattered into a
  dense table, come out sorted without a sort; a value it cannot place (a null, a cell given
  twice, a node-year without info) makes it give up, so the caller sorts instead. The output is
  the same either way, so these tests call the function itself, and check that the usual rollup
  takes it: a fast path that always gave up would pass every output test and only be slower.
- A renamed entity's names, year by year; no entity rows without the entity level, when
  entities move between years; only the indicators asked for.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import soeplan.consolidation.output as output
import soeplan.consolidation.rollup as rollup_module
from _structures import small_structure
from soeplan import EventKind, Kind, StructureEvent
from soeplan.consolidation.inputs import indicator_catalogue
from soeplan.consolidation.output import _sorted_by_cell
from soeplan.consolidation.rollup import rollup

WIDTH = 3


def frame(cells: list[int], values: list[float | None] | None = None) -> pl.DataFrame:
    vals = values if values is not None else [float(c) + 0.5 for c in cells]
    return pl.DataFrame(
        {"cell": pl.Series(cells, dtype=pl.UInt64), "value": pl.Series(vals, dtype=pl.Float64)}
    )


def positions(pos: list[int]) -> pl.Series:
    return pl.Series(pos, dtype=pl.UInt32)


def test_a_full_table_comes_out_in_cell_order() -> None:
    # node-years 1 and 3 of 5 have info; every cell of both given, the last one too
    cells = [3, 4, 5, 9, 10, 11]
    shuffled = [10, 3, 11, 5, 9, 4]
    out = _sorted_by_cell(frame(shuffled), positions([3, 1]), 5, WIDTH)
    assert out is not None
    assert out.collect().rows() == [(c, c + 0.5) for c in cells]


def test_gaps_inside_a_node_year_are_skipped() -> None:
    out = _sorted_by_cell(frame([11, 3]), positions([1, 3]), 5, WIDTH)
    assert out is not None
    assert out.collect().rows() == [(3, 3.5), (11, 11.5)]


@pytest.mark.parametrize("ind", range(WIDTH))
def test_a_value_in_a_node_year_without_info_gives_up(ind: int) -> None:
    # node-year 2 (cells 6-8) has no info: the value goes to the spare slot, whichever its cell
    assert _sorted_by_cell(frame([3, 6 + ind]), positions([1, 3]), 5, WIDTH) is None


def test_a_cell_given_twice_gives_up() -> None:
    assert _sorted_by_cell(frame([3, 3, 4]), positions([1]), 5, WIDTH) is None


def test_a_null_value_gives_up() -> None:
    assert _sorted_by_cell(frame([3, 4], [1.0, None]), positions([1]), 5, WIDTH) is None


@given(
    st.sets(st.integers(0, 7), min_size=1).flatmap(
        lambda pos: st.tuples(
            st.just(sorted(pos)),
            st.sets(
                st.sampled_from([p * WIDTH + i for p in pos for i in range(WIDTH)]), min_size=1
            ),
            st.randoms(use_true_random=False),
        )
    )
)
def test_whatever_cells_are_given_the_order_is_a_sort(
    case: tuple[list[int], set[int], object],
) -> None:
    pos, cells, rnd = case
    given_order = sorted(cells)
    rnd.shuffle(given_order)  # type: ignore[attr-defined]
    shuffled_pos = list(pos)
    rnd.shuffle(shuffled_pos)  # type: ignore[attr-defined]
    out = _sorted_by_cell(frame(given_order), positions(shuffled_pos), 8, WIDTH)
    assert out is not None
    assert out.collect().rows() == [(c, c + 0.5) for c in sorted(cells)]


@pytest.mark.parametrize("size", [1, 4])
def test_the_only_node_year_at_the_end_of_the_table(size: int) -> None:
    last = size - 1
    cells = [last * WIDTH + i for i in range(WIDTH)]
    out = _sorted_by_cell(frame(cells[::-1]), positions([last]), size, WIDTH)
    assert out is not None
    assert out.collect()["cell"].to_list() == cells


def obs(rows: list[tuple[str, int, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["entity", "year", "indicator", "value"], orient="row")


MID_2021 = dt.date(2021, 6, 30)
RENAME_AND_TRANSFER = (
    StructureEvent(
        date=MID_2021, kind=EventKind.RENAME, entity="x", name_zh="新甲", name_en="New X"
    ),
    StructureEvent(date=MID_2021, kind=EventKind.TRANSFER, entity="z", target="g"),
)
DATA = obs(
    [
        ("x", 2020, "total_assets", 1.0), ("x", 2021, "total_assets", 2.0),
        ("z", 2020, "total_assets", 4.0), ("z", 2021, "total_assets", 8.0),
        ("w", 2021, "total_assets", 16.0), ("y", 2020, "total_assets", 32.0),
    ]
)  # fmt: skip


@pytest.fixture
def cell_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rollup_module, "_WIDE", False)


@pytest.mark.usefixtures("cell_path")
def test_the_usual_rollup_is_ordered_without_a_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    results: list[bool] = []

    def spy(*args: object) -> pl.LazyFrame | None:
        out = _sorted_by_cell(*args)  # type: ignore[arg-type]
        results.append(out is not None)
        return out

    data = obs([(e, 2020, "total_assets", 1.0) for e in ("x", "y", "z", "w")])
    monkeypatch.setattr(output, "_sorted_by_cell", spy)
    fast = rollup(data, small_structure()).values
    assert results == [True]
    # and the same frame as the sort gives
    monkeypatch.setattr(output, "_sorted_by_cell", lambda *args: None)
    assert_frame_equal(rollup(data, small_structure()).values, fast)
    assert fast["node"].to_list() == ["all", "only_a", "a", "b", "g", "w", "x", "y", "z"]


@pytest.mark.usefixtures("cell_path")
def test_a_renamed_entity_has_each_years_names() -> None:
    values = rollup(DATA, small_structure(RENAME_AND_TRANSFER)).values
    x = values.filter(pl.col("node") == "x").select("year", "name_zh", "name_en", "value")
    assert x.rows() == [(2020, "甲", "甲", 1.0), (2021, "新甲", "New X", 2.0)]
    g = values.filter(pl.col("node") == "g").select("year", "name_zh", "value")
    assert g.rows() == [(2020, "集团", 33.0), (2021, "集团", 10.0)]


@pytest.mark.usefixtures("cell_path")
def test_without_the_entity_level_entities_that_move_leave_no_rows() -> None:
    values = rollup(DATA, small_structure(RENAME_AND_TRANSFER), include_entities=False).values
    assert set(values["node_type"]) == {"scope", "unit", "group"}
    got = {(n, y): v for n, y, v in values.select("node", "year", "value").iter_rows()}
    assert got == {
        ("all", 2020): 37.0, ("only_a", 2020): 37.0, ("a", 2020): 37.0, ("g", 2020): 33.0,
        ("all", 2021): 26.0, ("only_a", 2021): 10.0, ("a", 2021): 10.0, ("b", 2021): 16.0,
        ("g", 2021): 10.0,
    }  # fmt: skip


@pytest.mark.usefixtures("cell_path")
@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        (["total_assets", "net_assets"], {"total_assets", "net_assets"}),
        (["total_assets", "debt_ratio"], {"total_assets", "debt_ratio"}),
        (["net_assets"], {"net_assets"}),
        (None, {"total_assets", "net_assets", "revenue", "debt_ratio"}),
    ],
)
def test_only_the_indicators_asked_for_are_shown(asked: list[str] | None, shown: set[str]) -> None:
    data = obs(
        [
            ("x", 2020, "total_assets", 2.0), ("x", 2020, "net_assets", 0.5),
            ("w", 2020, "revenue", 5.0), ("w", 2020, "total_assets", 2.0),
        ]
    )  # fmt: skip
    values = rollup(data, small_structure(), indicators=asked).values
    assert set(values["indicator"]) == shown


@pytest.mark.usefixtures("cell_path")
def test_every_ratio_asked_for_shows_no_component() -> None:
    ratios = sorted(c for c, i in indicator_catalogue(None).items() if i.kind is Kind.RATIO)
    data = obs([("x", 2020, "total_assets", 2.0), ("x", 2020, "net_assets", 0.5)])
    values = rollup(data, small_structure(), indicators=ratios).values
    assert set(values["indicator"]) == {"debt_ratio"}
    assert values.filter(pl.col("node") == "x")["value"].to_list() == [0.75]


@pytest.fixture(params=["wide", "cell"])
def entities(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Each path in turn; the ``include_entities`` that takes it (the wide path is taken only
    without the entity level)."""
    monkeypatch.setattr(rollup_module, "_WIDE", request.param == "wide")
    return bool(request.param == "cell")


def test_a_year_rolled_up_on_another_years_structure(entities: bool) -> None:
    # z moves under g in mid-2021; x is renamed then
    s = small_structure(RENAME_AND_TRANSFER)
    data = obs([("x", 2020, "total_assets", 1.0), ("z", 2020, "total_assets", 4.0)])
    own = rollup(data, s, include_entities=entities)
    assert own.value("g", "total_assets", 2020) == 1.0
    on_2021 = rollup(data, s, structure_years={2020: 2021}, include_entities=entities)
    assert on_2021.value("g", "total_assets", 2020) == 5.0
    assert on_2021.value("a", "total_assets", 2020) == 5.0
    if entities:
        x = on_2021.values.filter(pl.col("node") == "x")
        assert x.select("year", "name_zh").rows() == [(2020, "新甲")]


def test_every_rollup_carries_the_structure_its_figures_were_placed_on(entities: bool) -> None:
    s = small_structure()
    data = obs([("z", 2020, "total_assets", 1.0), ("w", 2020, "total_assets", 2.0)])
    full = rollup(data, s, include_entities=entities)
    assert full.structure is s and full.value("all", "total_assets", 2020) == 3.0
    # no figure in the years asked for
    none = rollup(data, s, years=[2019], include_entities=entities)
    assert none.structure is s and none.values.is_empty() and none.findings.is_empty()
    assert none.values.schema == full.values.schema
