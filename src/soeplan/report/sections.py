"""Render the report sections registered through ``soeplan_report_sections``, whoever registered them.

Every :class:`~soeplan.sections.ReportSection` in the registry, the core's and the plugins'
alike, is rendered here in one order (``order``, then ``id``), stamped with its provider, and
timed. A section that raises, or returns anything the writers cannot lay out (not a
:class:`~soeplan.sections.SectionContent`, see :func:`~soeplan.sections.content_problems`), is a
*plugin failure*: it keeps its place in the report with the failure instead of its content
(:attr:`RenderedSection.failure`), and the report lists it among the plugin failures. The report's writers give each rendered section its own part
(a sheet of the workbook, an article of the page).

What is *not* a section, and why. The report's fixed parts (the plan's Tables 1 and 2 per scope,
the assessment, compliance, trajectories, breakdowns by unit, the debt-ratio watch list, the
findings and the units set aside) are typed records of :class:`~soeplan.report.model.Report`,
built by :func:`soeplan.report.build.build_report` from the run's frames, not
:class:`~soeplan.sections.SectionContent` (bilingual paragraphs and frames) rendered from a
:class:`~soeplan.sections.SectionContext`. The writers lay each one out in its own way: the
plan's tables keep per-column rounding conventions and number formats, the trajectories and
breakdowns become SVG charts, the Markdown summary counts the assessment, compliance and watch
list, scripts read them as ``report.assessment`` or ``report.table(1, "city")``. Turned into
sections they would lose all of that, and land among the plugin sections with a provider line,
changing every report. So the core registers no report section of its own: its fixed parts stay
the report's structure, and ``soeplan_report_sections`` is where any further block of text and
tables goes, from the core or a county, rendered here.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from soeplan.provenance import UNREGISTERED, PluginFailure
from soeplan.report.model import RenderedSection
from soeplan.sections import (
    ReportSection,
    SectionContent,
    SectionContext,
    Text,
    content_problems,
)


def render_sections(
    sections: Iterable[ReportSection], context: SectionContext
) -> list[RenderedSection]:
    """Render every section; one that fails is kept with its failure, never taking the report down."""
    return [render_section(sec, context) for sec in sorted(sections, key=lambda s: (s.order, s.id))]


def render_section(sec: ReportSection, context: SectionContext) -> RenderedSection:
    """One section rendered and timed; a failure names the plugin, the hook and the section."""
    provider = sec.provider or UNREGISTERED
    start = time.perf_counter()
    try:
        content = sec.render(context)
        problems = content_problems(content)
    except Exception as exc:  # a plugin's bug must not take the whole report down
        problems = [f"raised {type(exc).__name__}: {exc}"]
    seconds = time.perf_counter() - start
    failure = None
    if problems:
        content = SectionContent()
        failure = PluginFailure(
            provider.plugin,
            "soeplan_report_sections",
            "; ".join(problems),
            provider,
            kind="section",
            record=sec.id,
            where=f"report {context.year}",
        )
    return RenderedSection(
        id=sec.id,
        title=sec.title,
        unit=sec.unit,
        provider=sec.provider,
        sheet=sec.sheet if isinstance(sec.sheet, Text) else None,
        content=content,
        error=failure.reason if failure else None,
        failure=failure,
        seconds=seconds,
    )
