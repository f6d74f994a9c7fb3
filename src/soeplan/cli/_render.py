"""Plain renderers for rows of cells: terminal table, CSV and Markdown.

Every cell may hold text from an input, so CSV fields go through
:func:`soeplan.safety.csv_field` (never a formula) and Markdown cells through
:func:`soeplan.safety.md_text` (never markup); the terminal table escapes rich's markup and
shows control characters (:func:`soeplan.safety.terminal_text`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from soeplan.safety import csv_row, md_text, terminal_text


def render_rows(
    header: Sequence[str], rows: Sequence[Sequence[object]], fmt: str, title: str = ""
) -> str:
    """Render a header and rows as ``table`` (terminal), ``csv`` or ``md`` text."""
    cells = [[("" if c is None else str(c)) for c in row] for row in rows]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(csv_row(header))
        w.writerows(csv_row(row) for row in rows)
        return buf.getvalue()
    if fmt == "md":
        out = [f"**{md_text(title)}**\n"] if title else []
        out.append("| " + " | ".join(md_text(h) for h in header) + " |")
        out.append("|" + "|".join(" --- " for _ in header) + "|")
        out += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in cells]
        return "\n".join(out) + "\n"
    if fmt == "table":
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        def esc(text: str) -> str:
            return escape(terminal_text(text))

        table = Table(title=esc(title) if title else None, show_lines=False)
        for h in header:
            table.add_column(esc(h))
        for row in cells:
            table.add_row(*(esc(c) for c in row))
        buf = io.StringIO()
        Console(file=buf, width=200, force_terminal=False, color_system=None).print(table)
        return buf.getvalue()
    raise ValueError(f"unknown format {fmt!r}")
