"""The yearly run end to end on the bundled sample: ``soeplan demo`` and its report."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

import soeplan
from soeplan.cli import main
from soeplan.consolidation.rollup import rollup
from soeplan.report import REPORT_FILES
from soeplan.report.i18n import LABELS, has_cjk
from soeplan.report.xlsx import sheet_name
from soeplan.run import run_demo
from soeplan.sample import sample_observations
from soeplan.structure.city import city_structure


def _cells(path: Path) -> dict[str, list[list[object]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


@pytest.mark.usefixtures("only_the_repos_plugins")
def test_demo_writes_the_report_and_its_numbers_are_the_rollup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo-report"
    assert main(["demo", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == sorted(REPORT_FILES)
    assert "consolidating" in captured.err  # progress on stderr
    assert str(out / "report.html") in captured.out

    # the rollup frame, computed here independently of the report code (polars' parallel sums
    # may differ in the last bit between two runs, hence approx at 1e-12)
    values = rollup(sample_observations(), city_structure(sample=True)).values
    _assert_table1_is(out / "report.xlsx", values, rel=1e-12)
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert LABELS["synthetic_banner"][0] in md
    assert "soeplan explain" in md


def _assert_table1_is(path: Path, values: pl.DataFrame, rel: float) -> None:
    """Table 1's 2023 column, per scope, holds the rollup's scope values."""
    scope = values.filter(pl.col("node_type") == "scope", pl.col("year") == 2023)
    expected = {(s, i): v for s, i, v in scope.select("node", "indicator", "value").iter_rows()}
    sheets = _cells(path)
    plan = soeplan.load_plan("quzhou-14th")
    checked = 0
    for sid, name in (("city", "全市"), ("urban", "市区")):
        rows = sheets[f"表1-{name}"]
        header = next(r for r in rows if r[0] == "指标")
        col = header.index("2023年")
        by_label = {r[0]: r[col] for r in rows[rows.index(header) + 1 :] if r[0]}
        for code in plan.table(1).rows:
            ind = soeplan.get_registry().indicators[code]
            want = float(f"{expected[(sid, code)]:.16g}")  # openpyxl writes 16 digits
            got = by_label[ind.name_zh]
            assert got == (want if rel == 0 else pytest.approx(want, rel=rel)), (sid, code)
            checked += 1
    assert checked == 2 * len(plan.table(1).rows)


# Table 1 of the demo, by hand: 2015 and 2020 are the plan's published figures (Table 1 of the
# document, which the synthetic sample reproduces to the cent), 2023 the synthetic sample's totals
# written down once (a change to the sample must change them here too); amounts in 亿元, counts
# of enterprises.
TABLE1_BY_HAND = {
    "city": {
        "total_assets": (920.12, 2090.49, 3033.33),
        "net_assets": (468.14, 928.12, 1185.73),
        "revenue": (42.83, 78.74, 100.83),
        "total_profit": (8.76, 15.94, 18.10),
        "net_profit": (8.83, 12.26, 13.26),
        "rated_aa_plus": (0, 3, 5),
        "rated_aa": (1, 15, 14),
    },
    "urban": {
        "total_assets": (370.55, 1197.87, 1810.44),
        "net_assets": (194.39, 544.11, 697.51),
        "revenue": (29.97, 46.02, 59.43),
        "total_profit": (6.15, 11.57, 13.24),
        "net_profit": (5.87, 8.97, 9.81),
        "rated_aa_plus": (0, 3, 4),
        "rated_aa": (1, 8, 7),
    },
}


@pytest.mark.usefixtures("only_the_repos_plugins")
def test_workbook_equals_the_rollup_that_produced_it(tmp_path: Path) -> None:
    run = run_demo(tmp_path / "r")
    _assert_table1_is(tmp_path / "r" / "report.xlsx", run.rollup.values, rel=0)
    # and both equal the figures written above: a rollup bug cannot pass by agreeing with itself
    sheets = _cells(tmp_path / "r" / "report.xlsx")
    for sid, name in (("city", "全市"), ("urban", "市区")):
        rows = sheets[f"表1-{name}"]
        header = next(r for r in rows if r[0] == "指标")
        assert header[2:7] == [
            "2015年",
            "2020年",
            "2023年",
            "2020—2023年均增长率",
            "2020—2023总体增长率",
        ]
        by_label = {r[0]: r[2:7] for r in rows[rows.index(header) + 1 :] if r[0]}
        hand = TABLE1_BY_HAND[sid]
        row = {
            c: by_label[i.name_zh]
            for c, i in soeplan.get_registry().indicators.items()
            if i.name_zh in by_label
        }

        for code, (y15, y20, y23) in hand.items():
            assert row[code][:3] == [
                pytest.approx(y15, abs=1e-9),
                pytest.approx(y20, abs=1e-9),
                pytest.approx(y23, abs=1e-9),
            ], (sid, code)
            if code.startswith("rated"):
                assert row[code][3:] == [None, None]
            else:  # growth 2020 → 2023 from the hand figures
                assert row[code][3:] == [
                    pytest.approx((y23 / y20) ** (1 / 3) - 1, rel=1e-9),
                    pytest.approx(y23 / y20 - 1, rel=1e-9),
                ], (sid, code)
        # the ratios, recomputed here from the hand figures of their components
        ta, na = hand["total_assets"], hand["net_assets"]
        rev, tp, np_ = hand["revenue"], hand["total_profit"], hand["net_profit"]
        ratios = {
            "debt_ratio": [1 - n / t for n, t in zip(na, ta, strict=True)],
            "roe": [p / n for p, n in zip(np_, na, strict=True)],
            "profit_margin": [p / r for p, r in zip(tp, rev, strict=True)],
            "net_margin": [p / r for p, r in zip(np_, rev, strict=True)],
        }
        for code, want in ratios.items():
            assert row[code][:3] == [pytest.approx(w, rel=1e-9) for w in want], (sid, code)
            assert row[code][3:] == [None, None]


def test_demo_in_english_is_english(tmp_path: Path) -> None:
    run = run_demo(tmp_path / "en", lang="en")
    allowed = run.report.data_strings()
    text = (tmp_path / "en" / "summary.md").read_text(encoding="utf-8")
    for s in sorted(allowed, key=len, reverse=True):
        text = text.replace(s, "")
    assert not has_cjk(text)
    assert LABELS["synthetic_banner"][1] in text
    # the page: no CJK outside the spans marked as data; every sheet: none outside data strings
    from test_report import _Collect

    page = _Collect()
    page.feed((tmp_path / "en" / "report.html").read_text(encoding="utf-8"))
    assert not has_cjk("".join(page.text))
    for title, rows in _cells(tmp_path / "en" / "report.xlsx").items():
        cells = "\n".join(str(v) for row in rows for v in row if v is not None)
        for s in sorted(allowed, key=len, reverse=True):
            cells = cells.replace(s, "")
        assert not has_cjk(cells), title
    # every registered section rendered, each stating its provider with a version
    registered = soeplan.get_registry().sections
    assert [s.id for s in run.report.sections] == sorted(
        registered, key=lambda k: (registered[k].order, k)
    )
    assert all(s.error is None for s in run.report.sections)
    assert all(s.provider and s.provider.version for s in run.report.sections)
    sheets = _cells(tmp_path / "en" / "report.xlsx")
    assert list(sheets)[:2] == ["Contents", "About"]
    shorts = {sheet_name((s.sheet or s.title).en, set()) for s in run.report.sections}
    assert shorts <= set(sheets)


def test_demo_states_plugins_with_versions() -> None:
    from soeplan.run import report_from_observations

    run = report_from_observations(sample_observations(), "quzhou-14th", 2022, synthetic=True)
    plugins = {p.plugin: p.version for p in run.report.meta.plugins}
    assert plugins["core"] == soeplan.__version__
    assert set(plugins) == set(soeplan.get_registry().host.providers)


def test_a_year_without_data_is_an_error_for_people(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path / "x"), "--year", "2024", "-q"]) == 2
    err = capsys.readouterr().err
    assert "no figures for 2024" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()
    # a year outside the plan is refused before anything is read, with the plan's span
    assert main(["demo", "--out", str(tmp_path / "x"), "--year", "2031", "-q"]) == 2
    err = capsys.readouterr().err
    assert "2031 is outside the plan quzhou-14th, which covers 2015–2025" in err
    assert "Traceback" not in err and not (tmp_path / "x").exists()


def test_debt_lines_are_configurable_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path / "a"), "-q", "--debt-warning", "50"]) == 0
    assert main(["demo", "--out", str(tmp_path / "b"), "-q"]) == 0
    capsys.readouterr()

    def watch_rows(path: Path) -> int:
        rows = _cells(path / "report.xlsx")["资产负债率监测名单"]
        header = next(i for i, r in enumerate(rows) if r[0] == "企业编号")
        return sum(1 for r in rows[header + 1 :] if r[0] and r[5] is not None)

    assert watch_rows(tmp_path / "a") > watch_rows(tmp_path / "b")
    assert main(["demo", "--out", str(tmp_path / "c"), "--debt-warning", "80"]) == 2


# ---------------------------------------------------------------- submissions and the store

UNITS_2023 = ("changshan", "jiangshan", "kaihua", "kecheng", "longyou", "municipal", "qujiang")


def _submissions(tmp: Path, broken: str = "kaihua") -> list[Path]:
    """Every unit's 2023 sample figures as a submission; ``broken`` has negative net assets.

    Workbooks from the template for two units, CSV for the others (both are accepted formats).
    """
    from soeplan.sample import sample_unit
    from soeplan.submissions.template_workbook import write_template

    paths = []
    for unit in UNITS_2023:
        frame = sample_unit(unit, 2023)
        if unit == broken:
            frame = frame.with_columns(
                pl.when(pl.col("indicator") == "net_assets")
                .then(-5.0)
                .otherwise(pl.col("value"))
                .alias("value")
            )
        if unit in (broken, "kecheng"):
            path = tmp / f"{unit}-2023.xlsx"
            write_template(
                path,
                unit=unit,
                year=2023,
                values=frame.select("entity", "indicator", "value"),
                synthetic=True,
            )
        else:
            path = tmp / f"{unit}-2023.csv"
            frame.write_csv(path)
        paths.append(path)
    return paths


def test_rollup_report_mode_sets_a_blocked_unit_aside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from soeplan.run import run_submissions

    paths = _submissions(tmp_path)
    out = tmp_path / "report"
    args = ["rollup", *map(str, paths), "--year", "2023", "--out", str(out)]
    assert main(args) == 1  # kaihua is set aside: 全市 would miss it
    assert "kaihua: returned" in capsys.readouterr().err and not out.exists()
    assert main([*args, "--allow-partial"]) == 0
    err = capsys.readouterr().err
    assert "reading and validating" in err and "kaihua set aside" in err
    run = run_submissions(paths, tmp_path / "again", year=2023, allow_partial=True)
    assert [s.unit for s in run.report.set_aside][:1] == ["kaihua"]
    blocked = {s.unit for s in run.report.set_aside}
    # the consolidated totals are those of the accepted units only
    rolled = run.rollup.values.filter(pl.col("node_type") == "unit", pl.col("year") == 2023)
    assert set(rolled["node"].unique().to_list()) == set(UNITS_2023) - blocked
    _assert_table1_is(out / "report.xlsx", run.rollup.values, rel=1e-12)
    # the blocked unit is listed, every input file is stated with its checksum
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "开化县" in html and "core.debt-ratio-range" in html
    from soeplan.report import InputFile

    for p in paths:
        assert InputFile.of(p).sha256 in html
    assert "合成示例数据" in html  # the template workbooks are marked synthetic
    # any figure can be traced: the report names the command, and it works on what was written
    explain = f"soeplan explain --data {out / 'observations.csv'} --scope 全市"
    assert explain in html
    capsys.readouterr()
    argv = ["explain", "--data", str(out / "observations.csv"), "--scope", "全市"]
    assert main([*argv, "--indicator", "total_assets", "--year", "2023"]) == 0
    traced = capsys.readouterr().out.splitlines()[0]
    total = run.rollup.value("city", "total_assets", 2023)
    assert total is not None and f"= {total:,.2f}" in traced


def test_rollup_report_mode_reads_an_ingest_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from soeplan.submissions.ingest import ingest_files
    from soeplan.submissions.store import Store

    store = tmp_path / "store"
    results = ingest_files(_submissions(tmp_path, broken="kaihua"), store)
    accepted = {r.checked.unit for r in results if r.entry is not None}
    assert "kaihua" not in accepted and accepted
    out = tmp_path / "report"
    args = ["rollup", "--store", str(store), "--year", "2023", "--out", str(out), "-q"]
    assert main([*args, "--allow-partial"]) == 0
    capsys.readouterr()
    md = (out / "summary.md").read_text(encoding="utf-8")
    for entry in Store(store).current():
        assert entry.sha256 in md
    sheets = _cells(out / "report.xlsx")
    assert sheets["表1-全市"]  # the tables are there


def test_report_mode_needs_one_year_and_an_out_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [str(p) for p in _submissions(tmp_path)]
    assert main(["rollup", *paths, "--year", "2023"]) == 2
    assert "--out" in capsys.readouterr().err
    assert main(["rollup", *paths, "--out", str(tmp_path / "r")]) == 2
    assert "one --year" in capsys.readouterr().err
    assert main(["rollup", *paths, "--year", "2022", "--out", str(tmp_path / "r")]) == 2
    assert "not for 2022" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
