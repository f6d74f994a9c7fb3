"""The Markdown summary, for the record: the headline findings, the assessment and provenance.

Every text that may come from an input (an entity or unit name, a file name, a message, the
plan's title) goes through :func:`soeplan.safety.md_text`: it is shown, never rendered as markup.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from soeplan.assessment.records import Verdict
from soeplan.report.briefing import laggards_block
from soeplan.report.i18n import label
from soeplan.report.layout import (
    Block,
    about_rows,
    assessment_block,
    banner,
    compliance_block,
    debt_watch_block,
    not_included,
    partial_line,
    set_aside_block,
)
from soeplan.report.model import AssessmentRow, Report
from soeplan.safety import md_code_block, md_text


def verdict_counts(rows: Sequence[AssessmentRow], lang: str) -> str:
    """Each verdict's count in precedence order (achieved and on track always, the rest when
    any), then the rows not observed: every row is counted once, so the counts add up."""
    counts = Counter(r.verdict for r in rows)
    parts = [
        label("summary_count", lang, n=counts[v], verdict=v.label(lang))
        for v in Verdict
        if counts[v] or v in (Verdict.ACHIEVED, Verdict.ON_TRACK)
    ]
    if counts[None]:
        parts.append(
            label("summary_count", lang, n=counts[None], verdict=label("verdict_none", lang))
        )
    return ("，" if lang == "zh" else ", ").join(parts)


def summary_lines(report: Report) -> list[str]:
    """The report's headline sentences, in its language."""
    lang = report.lang
    a = report.assessment
    lines = [partial_line(report, p) for p in report.meta.partial]
    lines.append(label("summary_counts", lang, n=len(a), counts=verdict_counts(a, lang)))
    breaches = sum(c.complies is False for c in report.compliance)
    unassessed = any(report.partial_note(c.scope) for c in report.compliance)
    lines.append(
        label("summary_binding_breach", lang, n=breaches)
        if breaches
        else label("summary_binding_partial" if unassessed else "summary_binding_ok", lang)
    )
    key = sum(w.level.value == "key" for w in report.debt_watch)
    lines.append(label("summary_watch", lang, warning=len(report.debt_watch), keyline=key))
    f = report.findings
    errors = f.filter(f["severity"] == "error").height if f.height else 0
    lines.append(
        label("summary_findings", lang, n=f.height, errors=errors, set_aside=not_included(report))
    )
    if report.meta.plugin_failures:
        lines.append(label("summary_plugin_failures", lang, n=len(report.meta.plugin_failures)))
    return lines


def _md_table(block: Block) -> list[str]:
    if not block.rows:
        return [md_text(block.empty), ""] if block.empty else []
    out = [
        "| " + " | ".join(md_text(h) for h in block.header) + " |",
        "|" + "|".join(" --- " for _ in block.header) + "|",
    ]
    out += ["| " + " | ".join(md_text(c.text()) for c in row) + " |" for row in block.rows]
    return [*out, ""]


def render_markdown(report: Report) -> str:
    """The summary as Markdown text."""
    lang = report.lang
    m = report.meta
    out = [f"# {label('report_title', lang, year=m.year)}", ""]
    note = banner(report)
    if note:
        out += [f"> **{md_text(note)}**", ""]
    out += [md_text(m.plan_title(lang)), ""]
    out += [f"## {label('summary', lang)}", ""]
    out += [f"- {line}" for line in summary_lines(report)]
    out += ["", f"{label('files_written', lang)}", ""]
    blocks = [assessment_block(report), compliance_block(report)]
    if report.laggards:
        blocks.append(laggards_block(report))
    for block in (*blocks, debt_watch_block(report)):
        out += [f"## {md_text(block.title)}", "", *_md_table(block)]
        out += [f"_{md_text(n)}_" for n in block.notes] + ([""] if block.notes else [])
    sa = set_aside_block(report)
    out += [f"## {md_text(sa.title)}", "", *_md_table(sa)]
    out += [f"## {label('provenance', lang)}", ""]
    out += [f"- **{md_text(item)}**: {md_text(value)}" for item, value, _ in about_rows(report)]
    out += [
        "",
        f"### {label('trace', lang)}",
        "",
        label("trace_text", lang),
        "",
        md_code_block(m.explain_example, "sh"),
        "",
        label("rounding_note", lang),
        "",
    ]
    return "\n".join(out)


def write_markdown(report: Report, path: Path) -> Path:
    path.write_text(render_markdown(report), encoding="utf-8")
    return path
