"""The monthly express report's three files: a workbook, an offline HTML page and a Markdown
summary, written by the yearly report's machinery (its blocks, sheets, style sheet,
Content-Security-Policy and atomic directory write), all or none.

>>> EXPRESS_FILES
('express.xlsx', 'express.html', 'express.md')
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.styles import Font

from soeplan.report.charts import FONT_STACK
from soeplan.report.express import ExpressReport
from soeplan.report.express_layout import express_blocks, express_label, express_summary
from soeplan.report.html import CSP, FONT_CHECK, _css_classes, _env
from soeplan.report.i18n import label
from soeplan.report.layout import about_rows, banner
from soeplan.report.markdown import _md_table
from soeplan.report.sheet_names import whole_words
from soeplan.report.write import write_files
from soeplan.report.xlsx import _BANNER, _BOLD, _write_block, sheet_name
from soeplan.report.xlsx_sheet import Region, SheetLayout, finish
from soeplan.safety import md_text, xlsx_cell

__all__ = [
    "EXPRESS_FILES",
    "render_express_html",
    "render_express_markdown",
    "write_express",
    "write_express_workbook",
]

#: The files an express report directory holds.
EXPRESS_FILES = ("express.xlsx", "express.html", "express.md")


def _title(report: ExpressReport) -> str:
    p = report.period
    return express_label("title", report.lang, period=p.zh if report.lang == "zh" else p.en)


def write_express_workbook(report: ExpressReport, path: Path) -> Path:
    """The workbook: 说明/About first, then one sheet per block; numbers stay numbers."""
    lang = report.lang
    wb = Workbook()
    about = wb.active
    assert about is not None
    taken: set[str] = set()
    about.title = sheet_name(label("about", lang), taken)
    note = banner(report.shell())
    r = 1
    if note:
        xlsx_cell(about, r, 1, note).fill = _BANNER
        r += 1
    xlsx_cell(about, r, 1, _title(report)).font = Font(bold=True, size=14)
    r += 2
    first = r
    for line in express_summary(report):
        xlsx_cell(about, r, 1, line)
        r += 1
    r += 1
    for item, value, _ in about_rows(report.shell()):
        xlsx_cell(about, r, 1, item).font = _BOLD
        xlsx_cell(about, r, 2, value)
        r += 1
    layouts = {about.title: SheetLayout([Region(first, 1, 2, r, header_rows=0, filtered=False)])}
    for block in express_blocks(report):
        ws = wb.create_sheet(sheet_name(whole_words(block.sheet), taken))
        layouts[ws.title] = SheetLayout()
        _write_block(ws, block, 1, note, layouts[ws.title])
    counter = [0]
    for ws in wb.worksheets:
        finish(ws, layouts[ws.title], counter)
    wb.save(path)
    return path


def render_express_html(report: ExpressReport) -> str:
    """The report as one self-contained HTML page (no request leaves it: :data:`CSP`)."""
    lang = report.lang
    shell = report.shell()
    classes = _css_classes(lang)
    names = [n(lang) for _, n in report.meta.scopes]
    return (
        _env()
        .get_template("express.html.j2")
        .render(
            html_lang="zh-CN" if lang == "zh" else "en",
            lang=lang,
            title=_title(report),
            period=report.period.zh if lang == "zh" else report.period.en,
            csp=CSP,
            font_stack=FONT_STACK,
            font_css=Markup(FONT_STACK),  # our own constant, in the style sheet
            font_check=Markup(FONT_CHECK),
            font_notice=label("font_notice", lang),
            meta=report.meta,
            banner=banner(shell),
            scopes=label("list_sep", lang).join(names),
            summary_title=label("summary", lang),
            summary=express_summary(report),
            blocks=express_blocks(report),
            provenance=label("provenance", lang),
            about=about_rows(shell),
            css=lambda text: classes.get(text, ""),
        )
    )


def render_express_markdown(report: ExpressReport) -> str:
    """The summary and every table as Markdown (text from inputs escaped, never markup)."""
    lang = report.lang
    out = [f"# {md_text(_title(report))}", ""]
    note = banner(report.shell())
    if note:
        out += [f"> **{md_text(note)}**", ""]
    out += [f"## {label('summary', lang)}", ""]
    out += [f"- {md_text(line)}" for line in express_summary(report)] + [""]
    for block in express_blocks(report):
        out += [f"## {md_text(block.title)}", "", *_md_table(block)]
        out += [f"_{md_text(n)}_" for n in block.notes] + ([""] if block.notes else [])
    out += [f"## {label('provenance', lang)}", ""]
    out += [f"- **{md_text(i)}**: {md_text(v)}" for i, v, _ in about_rows(report.shell())]
    return "\n".join(out) + "\n"


def write_express(report: ExpressReport, out: Path | str) -> Path:
    """Write :data:`EXPRESS_FILES` into ``out`` (created if needed), all or none."""
    return write_files(out, {
        "express.xlsx": lambda p: write_express_workbook(report, p),
        "express.html": lambda p: p.write_text(render_express_html(report), encoding="utf-8"),
        "express.md": lambda p: p.write_text(render_express_markdown(report), encoding="utf-8"),
    })  # fmt: skip
