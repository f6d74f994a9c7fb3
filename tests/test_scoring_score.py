"""Scoring a year's enterprises: schemes chosen, ratios recomputed, totals, grades, ranks."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import attrs
import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soeplan import Registry, hookimpl
from soeplan.cli import main
from soeplan.consolidation.rollup import rollup
from soeplan.errors import SoeplanError
from soeplan.plugins.builtin import load_core_sample
from soeplan.report.format import format_value
from soeplan.report.model import CellFormat
from soeplan.report.scoring_section import render_scoring, scoring_section
from soeplan.scoring.defaults import default_schemes, sample_standards
from soeplan.scoring.efficacy import efficacy_score, round_total
from soeplan.scoring.files import read_standards
from soeplan.scoring.records import Scheme, SchemeItem, SpecialItem, StandardRow, StandardTable
from soeplan.scoring.score import choose_scheme, score_enterprises
from soeplan.sections import SectionContext, content_problems
from soeplan.structure.city import city_structure
from soeplan.structure.records import FunctionalClass
from soeplan.testing import check_section_content

YEAR = 2023


@cache
def sample() -> tuple[Any, pl.DataFrame]:
    structure = city_structure(sample=True)
    return structure, rollup(load_core_sample(), structure).values


def scored(**kw: Any) -> Any:
    structure, values = sample()
    kw.setdefault("standards", sample_standards(YEAR))
    kw.setdefault("schemes", default_schemes())
    return score_enterprises(values, structure, YEAR, **kw)


def test_every_top_level_enterprise_is_scored_by_its_class_scheme() -> None:
    structure, values = sample()
    s = scored()
    tops = {k for k, e in structure.at(YEAR).items() if e.parent is None}
    assert set(s.totals["entity"]) == tops and s.unscored.is_empty()
    for r in s.totals.iter_rows(named=True):
        assert r["scheme"] == f"core.{r['functional_class']}"
    # the actual value is the rollup's ratio, in percent
    joined = s.items.join(
        values.filter(pl.col("year") == YEAR).select(
            pl.col("node").alias("entity"), "indicator", (pl.col("value") * 100).alias("rolled")
        ),
        on=["entity", "indicator"],
    )
    assert joined.height == s.items.height
    assert (joined["actual"] - joined["rolled"]).abs().max() < 1e-9  # type: ignore[operator]


def test_an_item_recomputes_from_the_table_and_the_total_sums_the_rounded_items() -> None:
    s = scored()
    table = sample_standards(YEAR)
    for r in s.items.head(12).iter_rows(named=True):
        row = table.lookup(YEAR, r["industry"], r["indicator"])
        assert row is not None and row.industry == r["standard_industry"]
        higher = r["indicator"] != "debt_ratio"
        want = efficacy_score(
            Decimal(repr(r["actual"])), row.values, r["weight"], higher_is_better=higher
        )
        assert abs(Decimal(repr(r["score"])) - want) <= Decimal("0.01")
    sums: dict[str, Decimal] = {}
    for r in s.items.iter_rows(named=True):
        sums[r["entity"]] = sums.get(r["entity"], Decimal(0)) + Decimal(repr(r["score"]))
    totals = dict(zip(s.totals["entity"], s.totals["total"], strict=True))
    assert {e: Decimal(repr(t)) for e, t in totals.items()} == {
        e: round_total(v) for e, v in sums.items()
    }
    # half-up, where a float sum rounded half-to-even would print 93.8
    assert totals["mun.guozi"] == 93.9 and sums["mun.guozi"] == Decimal("93.85")


def test_ranks_are_within_the_class_and_grades_follow_the_totals() -> None:
    s = scored()
    for (_,), part in s.totals.group_by("functional_class"):
        ordered = part.sort("rank")
        assert ordered["rank"][0] == 1
        assert ordered["total"].to_list() == sorted(ordered["total"].to_list(), reverse=True)
    for r in s.totals.iter_rows(named=True):
        expected = (
            "A"
            if r["total"] >= 85
            else "B"
            if r["total"] >= 70
            else "C"
            if r["total"] >= 50
            else "D"
            if r["total"] >= 40
            else "E"
        )
        assert r["grade"] == expected


def test_a_special_item_moves_the_ratios_it_enters_and_is_listed() -> None:
    before = scored().items.filter(pl.col("entity") == "mun.jiaotou")
    item = SpecialItem(entity="mun.jiaotou", year=YEAR, indicator="total_profit", amount=Decimal(3),
                       reason="承担重大专项任务", source="纪要")  # fmt: skip
    s = scored(special=[item])
    after = s.items.filter(pl.col("entity") == "mun.jiaotou")
    b, a = (dict(zip(f["indicator"], f["actual"], strict=True)) for f in (before, after))
    assert a["profit_margin"] > b["profit_margin"]  # total_profit / revenue, with 3 added back
    assert a["debt_ratio"] == b["debt_ratio"] and a["net_margin"] == b["net_margin"]
    flags = dict(zip(after["indicator"], after["adjusted"], strict=True))
    assert flags == {
        "roe_avg": False,
        "profit_margin": True,
        "net_margin": False,
        "debt_ratio": False,
    }
    assert s.adjustments.row(0)[:4] == ("mun.jiaotou", YEAR, "total_profit", 3.0)
    assert scored(special=[attrs.evolve(item, year=YEAR - 1)]).adjustments.is_empty()


def _scheme(sid: str, **kw: Any) -> Scheme:
    items = (
        SchemeItem(
            indicator="debt_ratio", weight=Decimal(100), direction=kw.pop("direction", "lower")
        ),
    )
    return Scheme(id=sid, name_zh=sid, name_en=sid, items=items, **kw)


def test_the_most_specific_scheme_wins_and_a_tie_is_refused() -> None:
    c2 = FunctionalClass.COMMERCIAL_2
    city = _scheme("core.c2", functional_class=c2, default=True)
    office = _scheme("office.c2", functional_class=c2)
    county = _scheme("kecheng.c2", functional_class=c2, unit="kecheng")
    own = _scheme("office.own", entity="kc.capital")
    all_four = [city, office, county, own]
    assert choose_scheme("kc.capital", "kecheng", "commercial_2", all_four) is own
    assert choose_scheme("kc.other", "kecheng", "commercial_2", all_four) is county
    assert choose_scheme("ly.hq", "longyou", "commercial_2", all_four) is office
    assert choose_scheme("ly.hq", "longyou", "commercial_2", [city]) is city
    assert choose_scheme("ly.hq", "longyou", "public", all_four) is None
    with pytest.raises(SoeplanError, match=r"schemes office\.c2, other\.c2 both apply"):
        choose_scheme(
            "ly.hq", "longyou", "commercial_2", [office, _scheme("other.c2", functional_class=c2)]
        )


def test_an_enterprise_scheme_scores_a_non_top_level_enterprise_and_no_scheme_leaves_one_out() -> (
    None
):
    structure, _ = sample()
    child = next(
        k for k, e in structure.at(YEAR).items() if e.parent is not None and e.functional_class
    )
    s = scored(schemes=[_scheme("own", entity=child)])
    assert s.totals["entity"].to_list() == [child]
    assert set(s.unscored["reason"]) == {"no scheme for commercial_1", "no scheme for commercial_2",
                                         "no scheme for public"}  # fmt: skip


def test_an_item_without_standard_values_scores_zero_and_the_total_says_so() -> None:
    only_all = attrs.evolve(sample_standards(YEAR), rows=tuple(
        r for r in sample_standards(YEAR).rows if r.indicator != "net_margin"))  # fmt: skip
    s = scored(standards=only_all)
    missing = s.items.filter(pl.col("indicator") == "net_margin")
    assert set(missing["missing"]) == {"no standard values"} and set(missing["score"]) == {0.0}
    c2 = s.totals.filter(pl.col("functional_class") == "commercial_2")
    assert set(c2["missing"]) == {1}


def test_an_unknown_indicator_in_a_scheme_and_standards_against_its_direction_are_refused() -> None:
    bad = Scheme(id="x", name_zh="x", name_en="x", functional_class=FunctionalClass.PUBLIC,
                 items=(SchemeItem(indicator="nope", weight=Decimal(100)),))  # fmt: skip
    with pytest.raises(SoeplanError, match="scheme x: indicator 'nope' is not in the catalogue"):
        scored(schemes=[bad])
    up = _scheme("up", functional_class=FunctionalClass.PUBLIC, direction="higher")
    with pytest.raises(SoeplanError, match=r"row \d+: the standard values of debt_ratio"):
        scored(schemes=[up])


@st.composite
def tables(draw: st.DrawFn) -> StandardTable:
    rows = []
    for code in ("roe_avg", "profit_margin", "net_margin", "debt_ratio"):
        v = sorted(
            draw(st.lists(st.integers(-50, 150), min_size=5, max_size=5, unique=True)), reverse=True
        )
        if code == "debt_ratio":
            v = v[::-1]
        rows.append(
            StandardRow(
                year=YEAR, industry="*", indicator=code, values=tuple(Decimal(x) for x in v)
            )
        )  # type: ignore[arg-type]
    return StandardTable(rows=tuple(rows), source="hypothesis")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_every_total_is_within_0_and_100_whatever_the_standards(table: StandardTable) -> None:
    s = scored(standards=table)
    assert s.totals.height == 20
    assert s.totals["total"].min() >= 0 and s.totals["total"].max() <= 100  # type: ignore[operator]
    per = s.items.join(
        s.items.select("entity", "indicator", "weight"), on=["entity", "indicator", "weight"]
    )
    assert ((per["score"] >= 0) & (per["score"] <= per["weight"])).all()


def test_a_plugin_registers_a_scheme_that_wins_over_the_default() -> None:
    county = _scheme("kecheng.c2", functional_class=FunctionalClass.COMMERCIAL_2, unit="kecheng")
    module = SimpleNamespace(soeplan_assessment_schemes=hookimpl(lambda: [county]))
    reg = Registry.build(("kecheng_scoring", module), entry_points=False)
    assert reg.schemes["kecheng.c2"].provider.plugin == "kecheng_scoring"  # type: ignore[union-attr]
    structure, values = sample()
    s = score_enterprises(values, structure, YEAR, standards=sample_standards(YEAR), registry=reg)
    schemes = dict(zip(s.totals["entity"], s.totals["scheme"], strict=True))
    assert schemes["kc.capital"] == "kecheng.c2" and schemes["mun.guozi"] == "core.commercial_2"


def test_a_plugin_scheme_whose_weights_do_not_sum_to_100_is_a_plugin_failure() -> None:
    bad = attrs.evolve(_scheme("bad.c2", functional_class=FunctionalClass.COMMERCIAL_2),
                       items=(SchemeItem(indicator="roe_avg", weight=Decimal(90)),))  # fmt: skip
    module = SimpleNamespace(soeplan_assessment_schemes=hookimpl(lambda: [bad]))
    reg = Registry.build(("bad", module), entry_points=False, strict=False)
    assert "bad.c2" not in reg.schemes
    assert any("the weights sum to 90" in f.reason for f in reg.failures)


def test_the_section_renders_the_sample_with_its_synthetic_label() -> None:
    structure, values = sample()
    ctx = SectionContext(year=YEAR, structure=structure, rollup=values, options={"synthetic": True})
    content = render_scoring(ctx)
    assert content_problems(content) == []
    check_section_content(content)
    text = " ".join(p.zh for p in content.paragraphs)
    assert "合成示例标准值" in text and "须经考核办审定" in text and "共考核 20 户企业" in text
    titles = [t.title.zh for t in content.tables]
    assert titles[-1] == "各单位等级分布" and len(titles) == 4
    assert scoring_section().id == "core.classified_assessment"
    # not the sample and no standard values: says how to bring them
    plain = render_scoring(SectionContext(year=YEAR, structure=structure, rollup=values))
    assert "soeplan score --standards FILE" in plain.paragraphs[-1].en and not plain.tables


def test_score_command_on_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--sample", "--year", "2023", "--format", "csv", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("Unit,Enterprise,Class,Industry,Scheme,Total,Grade")
    assert len(lines) == 21 and any(",A Excellent," in x for x in lines)
    assert main(["score", "--sample", "--year", "2023", "--items", "--format", "md"]) == 0
    assert "（合成示例标准值）" in capsys.readouterr().out


def test_score_command_refuses_bad_files_naming_the_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    std = tmp_path / "std.csv"
    std.write_text("year,industry,indicator,excellent,good,average,low,poor\n"
                   "2023,*,roe_avg,1,2,3,4,5\n", encoding="utf-8")  # fmt: skip
    assert main(["score", "--sample", "--year", "2023", "--standards", str(std)]) == 2
    err = capsys.readouterr().err
    assert "row 2 (* roe_avg): 优秀 (1) is not above 良好 (2)" in err and "Traceback" not in err
    scheme = tmp_path / "s.toml"
    scheme.write_text('[[scheme]]\nid = "a"\nfunctional_class = "public"\n'
                      'item = [{ indicator = "debt_ratio", weight = 99 }]\n', encoding="utf-8")  # fmt: skip
    assert main(["score", "--sample", "--year", "2023", "--scheme", str(scheme)]) == 2
    assert "the weights sum to 99" in capsys.readouterr().err
    assert main(["score", "--data", str(std), "--year", "2023"]) == 2
    assert "--standards FILE" in capsys.readouterr().err


def test_score_command_with_the_office_scheme_and_special_items(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scheme = tmp_path / "s.toml"
    scheme.write_text('[[scheme]]\nid = "office.public"\nfunctional_class = "public"\n'
                      'item = [{ indicator = "debt_ratio", weight = 100 }]\n', encoding="utf-8")  # fmt: skip
    special = tmp_path / "sp.csv"
    special.write_text(
        "entity,year,indicator,amount,reason\nkh.water,2023,net_assets,1,task\n", encoding="utf-8"
    )
    args = [
        "score",
        "--sample",
        "--year",
        "2023",
        "--scheme",
        str(scheme),
        "--special",
        str(special),
    ]
    assert main([*args, "--items", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("\n") == 2 and "adjusted" in captured.out
    assert "not scored: mun.jiaotou" in captured.err  # commercial classes: no scheme in the file


STD = "year,industry,indicator,excellent,good,average,low,poor,source\n" + "".join(
    f"2023,*,{c},{v}\n"
    for c, v in {
        "roe_avg": "2,1.5,1,0.5,0.2,office",
        "profit_margin": "20,15,10,6,3,office",
        "net_margin": "15,11,8,5,2,office",
        "debt_ratio": "55,58,61,64,68,office",
    }.items()
)


def test_the_report_takes_the_offices_standards_and_special_items(tmp_path: Path) -> None:
    std = tmp_path / "std.csv"
    std.write_text(STD, encoding="utf-8")
    special = tmp_path / "sp.csv"
    special.write_text("entity,year,indicator,amount,reason,source\n"
                       "mun.jiaotou,2023,total_profit,2,承担重大交通项目,纪要\n", encoding="utf-8")  # fmt: skip
    out = tmp_path / "r"
    args = ["rollup", "--sample", "--year", "2023", "--out", str(out), "-q"]
    assert main([*args, "--standards", str(std), "--special", str(special)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"标准值来源：{std}" in page and "合成示例标准值" not in page.split("分类考核", 1)[1]
    assert "承担重大交通项目" in page and "按特殊事项调整" in page


def test_standards_of_another_year_and_a_stranger_in_the_special_items_are_refused(
    tmp_path: Path,
) -> None:
    std = tmp_path / "std.csv"
    std.write_text(STD, encoding="utf-8")
    table = read_standards(std, Registry.build(entry_points=False).indicators)
    with pytest.raises(SoeplanError, match=r"standard values for 2023, not for 2022"):
        score_enterprises(sample()[1], sample()[0], 2022, standards=table)
    structure, values = sample()
    ctx = SectionContext(year=2022, structure=structure, rollup=values,
                         options={"scoring_standards": table})  # fmt: skip
    assert "hold nothing for 2022" in render_scoring(ctx).paragraphs[-1].en
    stranger = SpecialItem(entity="mun.nobody", year=YEAR, indicator="total_profit",
                           amount=Decimal(1), reason="x", row=7)  # fmt: skip
    with pytest.raises(SoeplanError, match=r"special item, row 7: entity 'mun\.nobody'"):
        scored(special=[stranger])


def test_text_from_the_special_items_stays_text_in_every_report_file(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    std = tmp_path / "std.csv"
    std.write_text(STD, encoding="utf-8")
    special = tmp_path / "sp.csv"
    hostile = '=HYPERLINK("http://x.example/","点击")'
    special.write_text(
        "entity,year,indicator,amount,reason,source\n"
        f'mun.jiaotou,2023,total_profit,2,"{hostile.replace(chr(34), chr(34) * 2)}",<b>纪要</b>\n',
        encoding="utf-8",
    )
    out = tmp_path / "r"
    args = ["rollup", "--sample", "--year", "2023", "--out", str(out), "-q"]
    assert main([*args, "--standards", str(std), "--special", str(special)]) == 0
    wb = load_workbook(out / "report.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]  # fmt: skip
    assert cells and all(c.data_type == "s" for c in cells)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<b>纪要</b>" not in page and "&lt;b&gt;纪要&lt;/b&gt;" in page


def test_totals_print_to_one_decimal_and_items_to_two_in_every_output(tmp_path: Path) -> None:
    """财统字〔1999〕6号: item scores to two decimals, the total to one (half-up)."""
    assert format_value(93.85, CellFormat.SCORE) == "93.9"
    assert format_value(93.849, CellFormat.SCORE) == "93.8"
    structure, values = sample()
    content = render_scoring(SectionContext(year=YEAR, structure=structure, rollup=values,
                                            options={"synthetic": True}))  # fmt: skip
    scheme_tables = [t for t in content.tables if "total" in t.frame.columns]
    assert scheme_tables and all(t.formats["total"] == "score" for t in scheme_tables)
    out = tmp_path / "r"
    assert main(["demo", "--out", str(out), "-q"]) == 0
    book = openpyxl.load_workbook(out / "report.xlsx")
    sheet = next(ws for ws in book.worksheets if ws.title.startswith("分类考核"))
    formats = {c.number_format for row in sheet.iter_rows() for c in row
               if isinstance(c.value, float)}  # fmt: skip
    assert "0.0" in formats and "#,##0.00" in formats
