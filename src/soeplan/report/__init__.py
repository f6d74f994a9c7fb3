"""The yearly report: the model (:mod:`.model`), built from a run's frames (:mod:`.build`, one
module per part: :mod:`.totals`, :mod:`.tables`, :mod:`.assessment`, :mod:`.series`,
:mod:`.debt`, :mod:`.sections`), and its writers: an Excel workbook (:mod:`.xlsx`), a
self-contained HTML page (:mod:`.html`) and a Markdown summary (:mod:`.markdown`).
:func:`write_report` writes all three atomically.
"""

from __future__ import annotations

from soeplan.report.build import build_report
from soeplan.report.model import (
    AssessmentRow,
    Breakdown,
    Cell,
    CellFormat,
    ComplianceRow,
    DebtLines,
    DebtWatchRow,
    InputFile,
    PartialScope,
    RenderedSection,
    Report,
    ReportMeta,
    ScopeRow,
    ScopeTable,
    Series,
    SetAside,
    WatchLevel,
)
from soeplan.report.write import REPORT_FILES, write_report

__all__ = [
    "REPORT_FILES",
    "AssessmentRow",
    "Breakdown",
    "Cell",
    "CellFormat",
    "ComplianceRow",
    "DebtLines",
    "DebtWatchRow",
    "InputFile",
    "PartialScope",
    "RenderedSection",
    "Report",
    "ReportMeta",
    "ScopeRow",
    "ScopeTable",
    "Series",
    "SetAside",
    "WatchLevel",
    "build_report",
    "write_report",
]
