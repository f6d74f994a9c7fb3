"""A section's charts: what they draw (values, ticks, legend), checked from the SVG itself."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soeplan.report.model import RenderedSection
from soeplan.report.section_charts import chart_blocks, chart_rows, section_chart_svg
from soeplan.sections import (
    ChartLevel,
    ChartSeries,
    SectionChart,
    SectionContent,
    Text,
    content_problems,
)


def _svg(chart: SectionChart, lang: str = "zh") -> ET.Element:
    return ET.fromstring(section_chart_svg(chart, lang))


def _all(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def _ticks(root: ET.Element) -> list[tuple[str, float]]:
    """Each tick's label and the height it is drawn at."""
    return [(t.text or "", float(t.get("y", 0)) - 4) for t in _all(root, "tick")]


def _legend(root: ET.Element) -> list[tuple[str, str]]:
    return [(g.get("data-key", ""), "".join(g.itertext())) for g in _all(root, "legend-item")]


SHARE = SectionChart(
    title=Text("三大领域国有资本占比", "Strategic-sector share"),
    unit=Text("%", "%"),
    format="ratio",
    series=(
        ChartSeries(key="city", label=Text("全市", "City"), points=((2021, 0.95), (2023, 0.97))),
        ChartSeries(key="urban", label=Text("市区", "Urban"), points=((2021, 0.93),)),
    ),
    levels=(ChartLevel(key="floor", label=Text("下限 90%", "Floor 90%"), value=0.9),),
)


def test_a_line_chart_draws_each_value_where_its_axis_says_with_the_unit_and_a_legend() -> None:
    root = _svg(SHARE)
    assert root.find("title").text == "三大领域国有资本占比（%）"  # type: ignore[union-attr]
    ticks = _ticks(root)
    assert [t for t, _ in ticks] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert _legend(root) == [("city", "全市"), ("urban", "市区"), ("floor", "下限 90%")]
    py0, py100 = ticks[0][1], ticks[-1][1]

    def height_of(value: float) -> float:
        return py0 + (py100 - py0) * value

    points = {(p.get("data-key"), int(p.get("data-year", 0))): p for p in _all(root, "point")}
    assert set(points) == {("city", 2021), ("city", 2023), ("urban", 2021)}
    for (key, year), p in points.items():
        value = float(p.get("data-value", "nan"))
        assert value == dict(next(s for s in SHARE.series if s.key == key).points)[year]
        assert float(p.get("cy", 0)) == pytest.approx(height_of(value), abs=0.1)
        assert p.find("title").text.endswith(f"{year}: {value:.2%}")  # type: ignore[union-attr]
    (level,) = _all(root, "level")
    assert float(level.get("y1", 0)) == pytest.approx(height_of(0.9), abs=0.1)
    # the later year is to the right; a single point draws no line
    assert float(points["city", 2023].get("cx", 0)) > float(points["city", 2021].get("cx", 0))
    assert [line.get("data-key") for line in _all(root, "series-line")] == ["city"]


def test_an_axis_not_from_zero_spans_the_values_and_levels() -> None:
    import attrs

    root = _svg(attrs.evolve(SHARE, from_zero=False), "en")
    labels = [t for t, _ in _ticks(root)]
    assert labels[0] == "90%" and labels[-1] in ("97%", "98%")
    assert root.find("title").text == "Strategic-sector share (%)"  # type: ignore[union-attr]
    assert _legend(root)[2] == ("floor", "Floor 90%")


COUNTS = SectionChart(
    title=Text("信用评级企业数", "Rated enterprises"),
    unit=Text("家", "enterprises"),
    format="count",
    kind="bars",
    series=(
        ChartSeries(key="aaa", label=Text("AAA", "AAA"), points=((2022, 0.0), (2023, 1.0))),
        ChartSeries(key="aa", label=Text("AA", "AA"), points=((2022, 3.0), (2023, 2.0))),
    ),
)


def test_bars_stack_each_years_values_in_order_on_whole_ticks() -> None:
    root = _svg(COUNTS)
    ticks = _ticks(root)
    assert [t for t, _ in ticks] == ["0", "1", "2", "3"]
    per_unit = (ticks[0][1] - ticks[-1][1]) / 3
    bars = {(b.get("data-key"), int(b.get("data-year", 0))): b for b in _all(root, "bar")}
    assert set(bars) == {("aaa", 2023), ("aa", 2022), ("aa", 2023)}  # a zero draws nothing
    for (_, _), b in bars.items():
        assert float(b.get("height", 0)) == pytest.approx(
            float(b.get("data-value", 0)) * per_unit, abs=0.1
        )
    # 2023: AAA (1) at the bottom, AA (2) on top of it, together up to 3
    aaa, aa = bars["aaa", 2023], bars["aa", 2023]
    assert float(aaa.get("y", 0)) + float(aaa.get("height", 0)) == pytest.approx(ticks[0][1], 0.1)
    assert float(aa.get("y", 0)) + float(aa.get("height", 0)) == pytest.approx(
        float(aaa.get("y", 0)), abs=0.1
    )
    assert float(aa.get("y", 0)) == pytest.approx(ticks[-1][1], abs=0.1)
    assert float(aa.get("x", 0)) == float(aaa.get("x", 0))
    assert [k for k, _ in _legend(root)] == ["aaa", "aa"]
    assert all(g.find("rect") is not None for g in _all(root, "legend-item"))  # swatches


def test_a_chart_without_values_says_so() -> None:
    import attrs

    root = _svg(attrs.evolve(COUNTS, series=()), "en")
    assert [e.text for e in _all(root, "empty")] == ["No figures"]


def test_text_from_a_label_is_escaped_not_markup() -> None:
    import attrs

    chart = attrs.evolve(
        COUNTS, title=Text("<script>x</script>", "t"), series=(
            ChartSeries(key='a"b', label=Text("<b>名</b>", "n"), points=((2023, 1.0),)),)
    )  # fmt: skip
    svg = section_chart_svg(chart)
    assert "<script>" not in svg and "<b>" not in svg
    root = ET.fromstring(svg)
    assert _legend(root) == [('a"b', "<b>名</b>")]


def test_the_workbook_figures_are_the_charts_values() -> None:
    header, rows = chart_rows(SHARE, "en")
    assert header == ["Year", "City", "Urban", "Floor 90%"]
    assert rows == [[2021, 0.95, 0.93, 0.9], [2023, 0.97, None, 0.9]]
    sec = RenderedSection(id="x", title=Text("节", "Section"), unit=None, provider=None,
                          content=SectionContent(charts=(SHARE,)))  # fmt: skip
    (block,) = chart_blocks(sec, "zh")
    assert block.title == "三大领域国有资本占比（%）（图表数据）"
    assert [c.text() for c in block.rows[1]] == ["2023", "97.00%", "–", "90.00%"]


def test_a_chart_the_writers_cannot_draw_is_refused_by_name() -> None:
    bad = SectionChart(title="plain", unit=Text("%", "%"), kind="pie", format="money",  # type: ignore[arg-type]
                       series=(ChartSeries(key="s", label=Text("s", "s"),
                                           points=((2023, float("nan")),)),))  # fmt: skip
    problems = content_problems(SectionContent(charts=(bad, "chart")))  # type: ignore[arg-type]
    assert problems == [
        "chart 0's title is a str, expected a Text(zh=..., en=...)",
        "chart 0's kind is 'pie', expected one of line, bars",
        "chart 0's format is 'money', expected one of amount, ratio, growth, points, count",
        "chart 0's 's' has a value that is not a number",
        "chart 1 is a str, expected a SectionChart",
    ]


values = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.dictionaries(st.integers(2010, 2025), values, min_size=1, max_size=6),
             min_size=1, max_size=5),
    st.sampled_from(["line", "bars"]),
)  # fmt: skip
def test_every_value_is_drawn_once_inside_the_axis_and_every_series_is_in_the_legend(
    data: list[dict[int, float]], kind: str
) -> None:
    chart = SectionChart(
        title=Text("图", "Chart"), unit=Text("亿元", "100 million yuan"), kind=kind,
        series=tuple(ChartSeries(key=f"s{i}", label=Text(f"序列{i}", f"S{i}"),
                                 points=tuple(sorted(d.items()))) for i, d in enumerate(data)),
    )  # fmt: skip
    root = _svg(chart)
    assert root.find("title").text == "图（亿元）"  # type: ignore[union-attr]
    assert [k for k, _ in _legend(root)] == [f"s{i}" for i in range(len(data))]
    marks = _all(root, "bar" if kind == "bars" else "point")
    drawn = sorted((m.get("data-key"), int(m.get("data-year", 0))) for m in marks)
    expected = sorted(
        (f"s{i}", y) for i, d in enumerate(data) for y, v in d.items() if kind == "line" or v
    )
    assert drawn == expected
    ticks = _ticks(root)
    bottom, top = ticks[0][1], ticks[-1][1]
    for m in marks:
        ys = [float(m.get("cy", 0))] if kind == "line" else [
            float(m.get("y", 0)), float(m.get("y", 0)) + float(m.get("height", 0))]  # fmt: skip
        assert all(top - 0.6 <= v <= bottom + 0.6 for v in ys)
        assert not math.isnan(float(m.get("data-value", "nan")))


def test_the_conformance_kit_names_a_charts_missing_english_and_an_undrawable_kind() -> None:
    import attrs

    from soeplan.testing.contents import check_section_content

    chart = attrs.evolve(COUNTS, kind="pie", unit=Text("家", ""))
    problems = check_section_content(SectionContent(charts=(chart,)), where="demo.section")
    assert [(p.where, p.what) for p in problems] == [
        ("demo.section, chart 0 unit of measure", "lacks its Chinese or its English form"),
        ("demo.section", "chart 0's kind is 'pie', expected one of line, bars"),
    ]
    assert check_section_content(SectionContent(charts=(COUNTS,))) == []
