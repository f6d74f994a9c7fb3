"""Render the report sections registered through ``soeplan_report_sections``, whoever registered them.

Every :class:`~soeplan.sections.ReportSection` in the registry, the core's and the plugins'
alike, is rendered here in one order (``order``, then ``id``), stamped with its provider, and
kept with its error if it raises. The report's writers give each rendered section its own part
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

from collections.abc import Iterable

from soeplan.report.model import RenderedSection
from soeplan.sections import ReportSection, SectionContent, SectionContext


def render_sections(
    sections: Iterable[ReportSection], context: SectionContext
) -> list[RenderedSection]:
    """Render every section; one that raises is kept with its error, never taking the report down."""
    out = []
    for sec in sorted(sections, key=lambda s: (s.order, s.id)):
        try:
            content = sec.render(context)
            error = None
        except Exception as exc:  # a plugin's bug must not take the whole report down
            content, error = SectionContent(), f"{type(exc).__name__}: {exc}"
        out.append(
            RenderedSection(
                id=sec.id,
                title=sec.title,
                unit=sec.unit,
                provider=sec.provider,
                content=content,
                error=error,
            )
        )
    return out
