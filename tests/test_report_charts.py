"""The report's charts: round ticks (a property), units in every title, every line in the legend."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from soeplan.report.charts import trajectory_svg, value_ticks, wrap
from soeplan.report.model import CellFormat, Series
from soeplan.report.ticks import (
    MAX_TICKS,
    MIN_TICKS,
    nice_ticks,
    tick_count,
    tick_label,
    tick_step,
)
from soeplan.sections import Text

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


def _is_round(step: float) -> bool:
    """1, 2 or 5 times a power of ten."""
    exponent = math.floor(math.log10(step))
    mantissa = Decimal(repr(step)).scaleb(-exponent)
    return mantissa in (Decimal(1), Decimal(2), Decimal(5))


@given(finite, finite)
def test_ticks_are_round_cover_the_data_and_number_three_to_seven(a: float, b: float) -> None:
    lo, hi = min(a, b), max(a, b)
    ticks = nice_ticks(lo, hi)
    step = tick_step(lo, hi)
    assert MIN_TICKS <= len(ticks) <= MAX_TICKS
    assert _is_round(step)
    assert ticks[0] <= lo and ticks[-1] >= hi  # the axis covers the data
    for i, t in enumerate(ticks):
        # each tick a whole multiple of the step, evenly spaced
        k = t / step
        assert abs(k - round(k)) < 1e-6, (t, step)
        assert math.isclose(t, ticks[0] + i * step, rel_tol=1e-9, abs_tol=step * 1e-9)
    # the smallest round step: the next smaller one needs more than MAX_TICKS ticks
    # (a flat series is widened first, so it is left out of this check)
    if hi - lo > 1e-9 * max(1.0, abs(hi)):
        smaller = {1: 0.5, 2: 0.5, 5: 0.4}[
            int(Decimal(repr(step)).scaleb(-math.floor(math.log10(step))))
        ]
        assert tick_count(lo, hi, float(Decimal(repr(step)) * Decimal(repr(smaller)))) > MAX_TICKS


def test_the_reported_case_gets_thousands() -> None:
    """The issue's axis: 1,080 / 2,160 / 3,240 becomes 0 / 1,000 / … / 4,000."""
    ticks = value_ticks([920.12, 3033.33, 3085.57, 4000.0], CellFormat.AMOUNT)
    assert [tick_label(t, 1000.0) for t in ticks] == ["0", "1,000", "2,000", "3,000", "4,000"]


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=8))
def test_count_ticks_are_whole_numbers(values: list[int]) -> None:
    ticks = value_ticks([float(v) for v in values], CellFormat.COUNT)
    assert all(t == int(t) for t in ticks)
    assert ticks[0] <= min(values) and ticks[-1] >= max(values)
    assert len(ticks) >= MIN_TICKS


def test_percent_ticks_print_as_round_percentages() -> None:
    ticks = value_ticks([0.5557, 0.609, 0.65], CellFormat.RATIO)
    step = ticks[1] - ticks[0]
    assert [tick_label(t, step, percent=True) for t in ticks] == ["0%", "20%", "40%", "60%", "80%"]


def _series(kind: str, stretch: float | None, fmt: CellFormat = CellFormat.RATIO) -> Series:
    return Series(
        scope="urban",
        scope_name=Text("市区", "Urban area"),
        indicator="roe",
        label=Text("净资产收益率", "Return on equity"),
        fmt=fmt,
        kind=kind,
        actual=((2020, 0.0164), (2021, 0.015), (2022, 0.014), (2023, 0.0140)),
        milestones=((2020, 0.0164), (2025, 0.022)) if kind == "level" else (),
        target_year=2025,
        target=0.022,
        stretch=stretch,
        unit=Text("%", "%"),
    )


def _legend_keys(svg: str) -> set[str]:
    return set(re.findall(r'class="legend-item" data-key="([a-z]+)"', svg))


def _drawn(svg: str) -> set[str]:
    """The marks drawn in the plot, by class."""
    drawn = set(re.findall(r'<(?:polyline|line|circle) class="([a-z-]+)"', svg))
    aliases = {"actual-point": "actual", "target-line": "target", "stretch-line": "stretch"}
    return {aliases.get(d, d) for d in drawn} - {"grid"}


def test_every_drawn_line_is_in_the_legend_the_stretch_line_too() -> None:
    for kind in ("floor", "ceiling", "level"):
        for stretch in (None, 0.025):
            svg = trajectory_svg(_series(kind, stretch), "zh")
            assert _drawn(svg) == _legend_keys(svg), (kind, stretch)
            assert ("stretch" in _legend_keys(svg)) is (stretch is not None)
    svg = trajectory_svg(_series("floor", 0.025), "zh")
    assert "力争值" in svg and "下限" in svg
    assert "Stretch target" in trajectory_svg(_series("floor", 0.025), "en")


def test_titles_name_the_unit_and_ticks_are_round() -> None:
    svg = trajectory_svg(_series("floor", 0.025), "zh")
    assert "净资产收益率（市区，%）" in svg
    ticks = re.findall(r'<text class="tick"[^>]*>([^<]+)</text>', svg)
    assert ticks == ["0.0%", "0.5%", "1.0%", "1.5%", "2.0%", "2.5%"]
    en = trajectory_svg(_series("level", None, CellFormat.AMOUNT), "en")
    assert "Return on equity (Urban area, %)" in en


def test_a_long_title_wraps_inside_the_chart() -> None:
    long = "Net assets (owners' equity) (Urban area, 100 million yuan) — partial: missing 2 units"
    lines = wrap(long, 13, 412)
    assert len(lines) > 1 and " ".join(lines) == long
    assert all(len(x) <= 10 for x in wrap("资产总额" * 20, 13, 130))
