"""What a report section gets and prints with: the Rollup in its context, and the SDK's helpers
for figures in sentences (percent, thousands, units)."""

from __future__ import annotations

import math
import types
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import soeplan
from soeplan import ReportSection, SectionContent, SectionContext, Text, hookimpl
from soeplan.sample import sample_observations
from soeplan.sdk import figure, percent, quantity, thousands
from soeplan.testing import check_plugin

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(finite, st.integers(min_value=0, max_value=4))
def test_thousands_is_the_half_up_rounding_of_the_value(value: float, places: int) -> None:
    printed = thousands(value, places)
    expected = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert Decimal(printed.replace(",", "")) == expected
    digits = printed.lstrip("-").split(".")[0]
    assert all(len(g) == 3 for g in digits.split(",")[1:])  # separators every three digits
    assert len(digits.split(",")[0]) <= 3
    if expected == 0:
        assert not printed.startswith("-")  # never "-0" or "-0.00"


@given(st.floats(min_value=-10, max_value=10, allow_nan=False), st.integers(0, 3))
def test_percent_is_a_hundred_times_the_fraction(value: float, places: int) -> None:
    printed = percent(value, places)
    assert printed.endswith("%")
    assert math.isclose(
        float(printed[:-1].replace(",", "")), value * 100, abs_tol=0.5 * 10**-places + 1e-9
    )


def test_halves_round_up_not_to_even() -> None:
    assert (percent(0.00125, 1), percent(0.00135, 1)) == ("0.1%", "0.1%")
    assert (thousands(0.5), thousands(1.5), thousands(2.5)) == ("1", "2", "3")  # not 0, 2, 2
    assert thousands(2.675, 2) == "2.68"  # the float's shortest repr, 2.675, rounded half-up


@pytest.mark.parametrize("missing", [None, math.nan])
def test_a_missing_figure_is_a_word_in_each_language(missing: float | None) -> None:
    for fn in (percent, thousands, lambda v, lang: quantity(v, "吨", lang=lang)):
        assert fn(missing, lang="zh") == "未报"  # type: ignore[operator]
        assert fn(missing, lang="en") == "not reported"  # type: ignore[operator]


def test_figure_follows_the_indicator_kind_and_unit() -> None:
    ind = soeplan.get_registry().indicators
    assert figure(0.556, ind["debt_ratio"]) == "55.60%"
    assert figure(3.0, ind["rated_aa"], lang="en") == "3 enterprises"
    assert figure(2090.485, ind["total_assets"]) == "2,090.49亿元"
    assert figure(2090.485, ind["total_assets"], lang="en") == "2,090.49 (100 million yuan)"
    kc = soeplan.get_registry().indicators.get("kc_waste_received")
    if kc is not None:  # the Kecheng plugin installed: tonnes, whole
        assert figure(86000.0, kc) == "86,000吨"
        assert figure(86000.0, kc, lang="en") == "86,000 tonnes"


def test_a_section_gets_the_rollup_and_asks_it_for_one_figure() -> None:
    structure = soeplan.city_structure(sample=True)
    result = soeplan.rollup(sample_observations([2022, 2023]), structure)
    ctx = SectionContext(year=2023, structure=structure, consolidated=result, rollup=result.values)
    assert ctx.value("city", "total_assets") == result.value("city", "total_assets", 2023)
    assert ctx.value("city", "total_assets", 2022) == result.value("city", "total_assets", 2022)
    assert ctx.value("nowhere", "total_assets") is None
    assert SectionContext(year=2023).value("city", "total_assets") is None
    # the frame's node types and columns, as the reference describes them
    assert set(ctx.rollup["node_type"]) == {"entity", "group", "unit", "scope"}  # type: ignore[index]
    assert ctx.rollup.columns == list(soeplan.VALUE_SCHEMA)  # type: ignore[union-attr]
    scopes = ctx.rollup.filter(pl.col("node_type") == "scope")  # type: ignore[union-attr]
    assert scopes["unit"].is_null().all()


def test_the_run_gives_sections_the_rollup(tmp_path: object) -> None:
    seen: list[SectionContext] = []

    def render(ctx: SectionContext) -> SectionContent:
        seen.append(ctx)
        return SectionContent(paragraphs=(Text("说明", "Note"),))

    section = ReportSection(id="t.seen", title=Text("测试", "Test"), render=render)
    obs = sample_observations([2022, 2023])
    plugin = types.ModuleType("seen")
    plugin.soeplan_report_sections = hookimpl(lambda: [section])  # type: ignore[attr-defined]
    registry = soeplan.Registry.build(("seen", plugin), entry_points=False)
    with registry.active():
        run = soeplan.report_from_observations(obs, "quzhou-14th", 2023, synthetic=True)
    (ctx,) = seen
    assert ctx.consolidated is run.rollup
    assert ctx.rollup is not None and ctx.rollup.equals(run.rollup.values)
    assert ctx.value("city", "total_assets") == run.rollup.value("city", "total_assets", 2023)


def test_the_kit_renders_a_section_with_the_rollup_too() -> None:
    """A section that works from the observations but breaks on the rollup is caught."""

    def render(ctx: SectionContext) -> SectionContent:
        if ctx.consolidated is not None:
            ctx.consolidated.values["no_such_column"]
        return SectionContent(paragraphs=(Text("说明", "Note"),))

    section = ReportSection(id="t.fragile", title=Text("测试", "Test"), render=render)
    plugin = types.ModuleType("fragile")
    plugin.soeplan_report_sections = hookimpl(lambda: [section])  # type: ignore[attr-defined]
    report = check_plugin(plugin, name="fragile")
    assert [p.where for p in report.problems] == ["section t.fragile (zh, with the rollup)"]
    assert "raised ColumnNotFoundError" in report.problems[0].what
