"""The self-contained HTML report: one file, inline CSS and SVG, nothing fetched at view time.

The page carries a Content-Security-Policy (``default-src 'none'; style-src 'unsafe-inline';
img-src data:``, and the hash of its one inline script) so that a browser refuses any request
it might otherwise make, and any script but that one. The script (:data:`FONT_CHECK`) only
checks whether the reader's system has a Chinese font: it draws a Chinese character and a
character no font has on a canvas, and when both come out the same (the "missing glyph" box) it
shows a notice saying which font to install, instead of leaving the reader with boxes. With
scripts disabled, the notice stays hidden.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from soeplan.assessment.records import BoundStatus, MidTerm, Status, Verdict
from soeplan.plan.tables import PlanTable as PublishedTable
from soeplan.report.briefing import glance, laggard_groups
from soeplan.report.charts import FONT_STACK, breakdown_svg, trajectory_svg
from soeplan.report.i18n import LABELS, label
from soeplan.report.layout import (
    about_rows,
    assessment_block,
    banner,
    compliance_block,
    debt_watch_block,
    findings_block,
    plan_table_block,
    section_blocks,
    section_failure,
    set_aside_block,
)
from soeplan.report.markdown import summary_lines
from soeplan.report.model import Report, Series, WatchLevel
from soeplan.report.section_charts import section_chart_svg
from soeplan.report.small_charts import lag_caption, lag_legend_svg, lag_svg, sparkline_svg

#: The page's one script: is there a Chinese font? (see the module's docstring)
FONT_CHECK = (
    "(function(){var c=document.createElement('canvas');c.width=48;c.height=48;"
    "var g=c.getContext('2d');if(!g)return;"
    "function ink(t){g.clearRect(0,0,48,48);g.font='40px '+document.body.dataset.fonts;"
    "g.fillText(t,2,40);return c.toDataURL();}"
    "var box=ink('\\uDBFF\\uDFFD');"
    "if(ink('\\u56fd')===box&&ink('\\u8d44')===box){"
    "document.documentElement.classList.add('no-cjk-font');"
    "document.getElementById('font-notice').hidden=false;}})();"
)


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    f"script-src {_script_hash(FONT_CHECK)}"
)


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("soeplan.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _css_classes(lang: str) -> dict[str, str]:
    """Status and level labels (in ``lang``) to the CSS classes that colour them."""
    out = {s.label(lang): f"status-{s.value}" for s in Status}
    out |= {b.label(lang): f"bound-{b.value}" for b in BoundStatus}
    out |= {m.label(lang): f"mid-{m.value}" for m in MidTerm}
    out |= {label(w.label_key, lang): f"level-{w.value}" for w in WatchLevel}
    out |= {v.label(lang): f"verdict-{v.value}" for v in Verdict}
    return out


def _published_html(table: PublishedTable) -> Markup:
    """One of the plan's tables as published: merged header cells, cells as printed."""
    head = []
    for row in range(table.header_rows):
        cells = [h for h in table.header if h.row == row]
        head.append(
            "<tr>"
            + "".join(
                f'<th scope="col" rowspan="{h.rowspan}" colspan="{h.colspan}">{escape(h.text)}</th>'
                for h in sorted(cells, key=lambda h: h.col)
            )
            + "</tr>"
        )
    body = []
    for r in table.rows:
        tds = []
        for c in r.cells:
            cls = ' class="num"' if c.value is not None else ""
            tds.append(f"<td{cls}>{escape(c.text)}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    notes = "".join(f'<p class="note">{escape(n.text)}</p>' for n in table.notes)
    return Markup(
        f"<h3>{escape(table.title)}</h3>"
        f'<div class="table-wrap"><table class="published" data-table="{table.number}">'
        f"<thead>{''.join(head)}</thead><tbody>{''.join(body)}</tbody></table></div>{notes}"
    )


def _breakdown_note(report: Report) -> str | None:
    """The by-unit charts show the plan's first scope (全市) split by unit: its marking."""
    return report.partial_note(report.meta.scopes[0][0]) if report.meta.scopes else None


def _spark(series: Series | None, lang: str) -> Markup:
    return Markup(sparkline_svg(series, lang)) if series is not None else Markup("–")


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    lang = report.lang
    m = report.meta
    classes = _css_classes(lang)
    charts: dict[str, list[Markup]] = {}
    names: dict[str, str] = {sid: n(lang) for sid, n in m.scopes}
    for s in report.series:
        note = report.chart_note(s.scope)
        charts.setdefault(s.scope, []).append(Markup(trajectory_svg(s, lang, note=note)))
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            html_lang="zh-CN" if lang == "zh" else "en",
            lang=lang,
            L={k: label(k, lang) for k in LABELS if "{" not in LABELS[k][0]},
            title=label("report_title", lang, year=m.year),
            csp=CSP,
            font_stack=FONT_STACK,  # an attribute's value (escaped there)
            font_css=Markup(FONT_STACK),  # our own constant, in the style sheet
            font_check=Markup(FONT_CHECK),
            glance=[
                (name, [(row, _spark(row.series, lang)) for row in rows])
                for name, rows in glance(report)
            ],
            lag_legend=Markup(lag_legend_svg(lang)),
            laggards=[
                (heading, [(Markup(lag_svg(lag, lang)), lag_caption(lag, lang)) for lag in lags])
                for heading, lags in laggard_groups(report)
            ],
            meta=m,
            banner=banner(report),
            scopes=label("list_sep", lang).join(names.values()),
            summary=summary_lines(report),
            table_blocks=[
                plan_table_block(t, lang, report.partial_note(t.scope))
                for t in sorted(report.tables, key=lambda t: (t.number, t.scope))
            ],
            assessment=assessment_block(report),
            compliance=compliance_block(report),
            debt_watch=debt_watch_block(report),
            findings=findings_block(report),
            set_aside=set_aside_block(report),
            trajectory_charts=[(names.get(sid, sid), svgs) for sid, svgs in charts.items()],
            breakdown_charts=[
                Markup(breakdown_svg(b, m.year, lang, note=_breakdown_note(report)))
                for b in report.breakdowns
            ],
            sections=[
                (
                    sec,
                    section_blocks(report, sec),
                    section_failure(sec, lang),
                    [Markup(section_chart_svg(c, lang)) for c in sec.content.charts],
                )
                for sec in report.sections
            ],
            about=about_rows(report),
            published=[_published_html(t) for t in report.published_tables()],
            css=lambda text: classes.get(text, ""),
        )
    )


def write_html(report: Report, path: Path) -> Path:
    """Write the report's HTML page at ``path``."""
    path.write_text(render_html(report), encoding="utf-8")
    return path
