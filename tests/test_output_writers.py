"""Every writer with hostile text in everything that can come from an input: no formula in a
workbook or a CSV, no markup in Markdown or HTML (the structure of the output is the same as with
a plain word in its place)."""

from __future__ import annotations

import functools
import re
import tempfile
from pathlib import Path

import attrs
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import soeplan
from _hostile import (
    HYPERLINK,
    SHOWN,
    formula_cells,
    html_tags,
    markdown_html,
    text_cells,
    unsafe_csv_fields,
)
from _submission_helpers import sample_frame, write_csv, write_sample_xlsx
from report_fixtures import ENTITIES, entities_for, totals_for, unit_names, units_for
from soeplan.cli import main
from soeplan.cli._render import render_rows
from soeplan.plan.table_output import render_table, write_xlsx
from soeplan.plan.tables import build_table
from soeplan.report import InputFile, SetAside, build_report, write_report
from soeplan.rules import findings_frame
from soeplan.safety import xlsx_put, xlsx_text
from soeplan.sections import ReportSection, SectionContent, SectionContext, SectionTable, Text
from soeplan.submissions import template as tpl
from soeplan.submissions.annotate import annotate_workbook

YEAR = 2023
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _same(text: str) -> str:
    """A text as a workbook gives it back (XML keeps no carriage return)."""
    return xlsx_text(text).replace("\r\n", "\n").replace("\r", "\n")


@functools.cache
def _plan() -> soeplan.Plan:
    return soeplan.load_plan("quzhou-14th")


def _findings(t: str, sheet: str = "s", cell: str = "C7") -> pl.DataFrame:
    fields = ("file", "unit", "entity", "expected", "found", "message_zh", "message_en", "fix")
    row = {k: t for k in fields} | {"sheet": sheet, "cell": cell, "rule": "core.known"}
    return findings_frame([{**row, "severity": "error", "indicator": "net_assets", "year": YEAR}])


def _section(t: str) -> ReportSection:
    def render(ctx: SectionContext) -> SectionContent:
        frame = pl.DataFrame({"项目": [t], "value": [1.5]})
        table = SectionTable(title=Text(t, t), frame=frame, labels={"项目": Text(t, t)})
        return SectionContent(paragraphs=(Text(t, t),), tables=(table,))

    return ReportSection(id="zz.hostile", title=Text(t, t), render=render)


def _report_files(t: str, lang: str, out: Path) -> Path:
    """The report with ``t`` wherever a county, a plugin or a file name can put text."""
    totals = totals_for(_plan(), YEAR)
    report = build_report(
        _plan(),
        YEAR,
        totals,
        units=units_for(totals, YEAR),
        entities=entities_for(YEAR),
        findings=_findings(t),
        set_aside=(SetAside("changshan", Text(t, t), 1),),
        sections=[_section(t)],
        inputs=(InputFile(path=t, sha256="0" * 64, unit="kecheng"),),
        unit_names={**unit_names(), "kecheng": Text(t, t)},
        entity_names=dict.fromkeys(ENTITIES, t),
        explain_example=t,
        lang=lang,
    )
    observations = pl.DataFrame(
        {"unit": [t], "entity": [t], "year": [YEAR], "indicator": [t], "value": [-1.5]}
    )
    return write_report(report, out, observations=observations)


@functools.cache
def _structure(lang: str) -> tuple[object, object]:
    """The tags of summary.md and report.html when every hostile text is a plain word."""
    with tempfile.TemporaryDirectory() as tmp:
        out = _report_files("word", lang, Path(tmp) / "r")
        md = html_tags(markdown_html((out / "summary.md").read_text(encoding="utf-8"))).tags
        page = html_tags((out / "report.html").read_text(encoding="utf-8"))
        return md, (page.tags, page.attrs)


@SLOW
@given(SHOWN, st.sampled_from(["zh", "en"]))
def test_the_report_writes_input_text_as_text(t: str, lang: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = _report_files(t, lang, Path(tmp) / "r")
        assert formula_cells(out / "report.xlsx") == []  # soeplan writes no formula itself
        findings_sheet = "审核发现" if lang == "zh" else "Findings"
        cells = text_cells(out / "report.xlsx")
        assert any(k.startswith(findings_sheet) and v == _same(t) for k, v in cells.items()), (
            "the entity of the finding is a string cell of the findings sheet"
        )
        assert unsafe_csv_fields((out / "observations.csv").read_text(encoding="utf-8")) == []
        md, page = _structure(lang)
        summary = (out / "summary.md").read_text(encoding="utf-8")
        assert html_tags(markdown_html(summary)).tags == md
        tags = html_tags((out / "report.html").read_text(encoding="utf-8"))
        assert (tags.tags, tags.attrs) == page


@pytest.fixture(scope="module")
def submitted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_xlsx(tmp_path_factory.mktemp("sub") / "q.xlsx")


@SLOW
@given(t=SHOWN)
def test_the_annotated_copy_writes_findings_as_text(submitted: Path, t: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "q.checked.xlsx"
        findings = _findings(t, sheet=tpl.DATA_SHEET, cell="D6").with_columns(
            file=pl.lit(str(submitted))
        )
        annotate_workbook(submitted, findings, out)
        assert formula_cells(out) == []
        cells = text_cells(out)
        assert cells[f"{tpl.FINDINGS_SHEET}!F3"] == _same(t)  # the entity column
        comment = load_workbook(out)[tpl.DATA_SHEET]["D6"].comment
        assert comment is not None and _same(t) in comment.text.replace("\r", "\n")


@SLOW
@given(t=SHOWN)
def test_the_template_writes_names_and_explanations_as_text(t: str) -> None:
    from soeplan.submissions import template_workbook

    entities = template_workbook.unit_entities("qujiang", YEAR)
    hostile = [attrs.evolve(entities[0], name_zh=t, name_en=t), *entities[1:]]
    values = pl.DataFrame(
        {"entity": [entities[0].id], "indicator": ["total_assets"], "value": [1.0]}
    ).with_columns(explanation=pl.lit(t))
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setattr(template_workbook, "unit_entities", lambda *a, **k: hostile)
        out = template_workbook.write_template(
            Path(tmp) / "t.xlsx", unit="qujiang", year=YEAR, values=values
        )
        assert formula_cells(out) == []
        data = load_workbook(out)[tpl.DATA_SHEET]
        row = [c.value for c in data[tpl.FIRST_DATA_ROW]]
        assert row[tpl.NAME_COL - 1] == _same(t) and row[-1] == _same(t)  # name, explanation
        assert list(text_cells(out).values()).count(_same(t)) >= 4  # and the entity list


@settings(max_examples=30, deadline=None)
@given(t=SHOWN)
def test_the_plan_tables_write_text_as_text(t: str) -> None:
    table = build_table(_plan(), 1)
    row = table.rows[0]
    cells = (attrs.evolve(row.cells[0], text=t), *row.cells[1:])
    hostile = attrs.evolve(table, title=t, rows=(attrs.evolve(row, cells=cells), *table.rows[1:]))
    assert unsafe_csv_fields(render_table(hostile, "csv")) == []
    plain = attrs.evolve(table, title="word", rows=(attrs.evolve(row, cells=(
        attrs.evolve(row.cells[0], text="word"), *row.cells[1:])), *table.rows[1:]))  # fmt: skip
    md = html_tags(markdown_html(render_table(hostile, "md"))).tags
    assert md == html_tags(markdown_html(render_table(plain, "md"))).tags
    with tempfile.TemporaryDirectory() as tmp:
        out = write_xlsx([hostile], Path(tmp) / "t.xlsx")
        assert formula_cells(out) == []
        assert _same(t) in text_cells(out).values()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(SHOWN, min_size=3, max_size=3), min_size=1, max_size=4), SHOWN)
def test_command_output_writes_text_as_text(rows: list[list[str]], title: str) -> None:
    header = ["a", "b", "c"]
    assert unsafe_csv_fields(render_rows(header, rows, "csv")) == []
    plain = [["w"] * 3 for _ in rows]
    md = html_tags(markdown_html(render_rows(header, rows, "md", title=title))).tags
    assert md == html_tags(markdown_html(render_rows(header, plain, "md", title="w"))).tags
    table = render_rows(header, rows, "table", title=title)
    assert not CONTROL.search(table), "no escape sequence reaches the terminal"


# ------------------------------------------------------------ the cases, end to end


def _hostile_workbook(path: Path) -> Path:
    """The sample workbook with HYPERLINK(...) as an entity id and as an explanation."""
    write_sample_xlsx(path)
    wb = load_workbook(path)
    ws = wb[tpl.DATA_SHEET]
    codes = [c.value for c in ws[tpl.CODE_ROW]]
    xlsx_put(ws.cell(row=tpl.FIRST_DATA_ROW, column=tpl.ENTITY_COL), HYPERLINK)
    xlsx_put(ws.cell(row=tpl.FIRST_DATA_ROW + 1, column=len(codes)), HYPERLINK)
    wb.save(path)
    return path


def test_a_hyperlink_id_stays_text_through_validate_and_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _hostile_workbook(tmp_path / "qujiang.xlsx")
    checked = tmp_path / "checked.xlsx"
    assert main(["validate", str(bad), "--annotate", "-o", str(checked)]) == 1
    assert formula_cells(checked) == []
    cells = text_cells(checked)
    assert cells[f"{tpl.FINDINGS_SHEET}!F3"] == HYPERLINK  # the entity of the first finding
    assert main(["validate", str(bad), "--format", "csv"]) == 1
    out = capsys.readouterr().out
    assert unsafe_csv_fields(out) == [] and f"'{HYPERLINK}" in out.replace('""', '"')

    ok = tmp_path / "kecheng.csv"
    assert main(["sample", "--unit", "kecheng", "--year", "2023", "-o", str(ok)]) == 0
    rep = tmp_path / "rep"
    args = ["rollup", str(ok), str(bad), "--year", "2023", "--out", str(rep), "--allow-partial"]
    assert main(args) == 0
    assert formula_cells(rep / "report.xlsx") == []
    found = {k for k, v in text_cells(rep / "report.xlsx").items() if v == HYPERLINK}
    assert any(k.startswith("审核发现!D") for k in found), found  # the entity column
    assert unsafe_csv_fields((rep / "observations.csv").read_text(encoding="utf-8")) == []


def test_store_show_prints_a_submitted_script_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = sample_frame().with_columns(
        explanation=pl.when(pl.col("entity") == pl.col("entity").min())
        .then(pl.lit("<script>alert(1)</script>"))
        .otherwise(pl.lit(HYPERLINK))
    )
    path = write_csv(tmp_path / "qujiang-2023.csv", frame)
    store = tmp_path / "store"
    assert main(["ingest", str(path), "--store", str(store)]) == 0
    capsys.readouterr()
    show = ["store", "show", "--store", str(store), "--unit", "qujiang", "--year", "2023"]
    assert main([*show, "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "script" not in html_tags(markdown_html(md)).tags
    assert main([*show, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert unsafe_csv_fields(out) == [] and "'=HYPERLINK" in out
