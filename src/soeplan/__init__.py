"""soeplan: run a state-owned-enterprise reform plan by its numbers.

The public API is what this module exports; everything else is private.
"""

from __future__ import annotations

from soeplan._version import __version__
from soeplan.arithmetic.growth import (
    annual_change,
    cagr,
    compound,
    compound_path,
    interpolate,
    required_growth,
    total_growth,
)
from soeplan.arithmetic.precision import Interval
from soeplan.arithmetic.rounding import Rounding, TableRounding
from soeplan.assessment.milestones import MILESTONE_SCHEMA, Method, plan_milestones
from soeplan.assessment.progress import (
    ASSESSMENT_SCHEMA,
    AssessmentError,
    BoundAssessment,
    BoundStatus,
    MidTerm,
    Progress,
    Status,
    assess_bound,
    assess_frame,
    assess_progress,
)
from soeplan.consolidation.comparable import comparable_base, comparable_growth
from soeplan.consolidation.explain import Contribution, SourceRow, explain, render_explanation
from soeplan.consolidation.rollup import VALUE_SCHEMA, GroupReported, Rollup, rollup, scope_totals
from soeplan.errors import DataFileError, PluginError, Problem, SoeplanError, UnknownNameError
from soeplan.indicators import Aggregation, Category, Direction, Flow, Indicator, Kind, Ratio
from soeplan.plan.check import (
    FigureCheck,
    FindingKind,
    InconsistentPlanError,
    PlanCheck,
    PlanFinding,
    check_plan,
)
from soeplan.plan.model import (
    Attribute,
    Figure,
    GrowthKind,
    Plan,
    PlanSource,
    PublishedGrowth,
    Scope,
    TableLayout,
    Target,
    TargetKind,
    load_plan,
)
from soeplan.plan.tables import (
    CellKind,
    HeaderCell,
    PlanTable,
    TableCell,
    TableColumn,
    TableNote,
    TableRow,
    build_table,
)
from soeplan.plugins.hookspecs import hookimpl
from soeplan.plugins.host import PluginFailure, PluginInfo, Registry, get_registry
from soeplan.provenance import Provider
from soeplan.report import DebtLines, InputFile, Report, build_report, write_report
from soeplan.rules import FINDING_SCHEMA, Rule, RuleContext, Severity
from soeplan.run import report_from_observations, run_demo, run_submissions
from soeplan.sample import SYNTHETIC_NOTE, sample_observations, sample_unit
from soeplan.sdk import merge_observations, read_observations
from soeplan.sections import ReportSection, SectionContent, SectionContext, SectionTable, Text
from soeplan.structure.io import (
    EntityState,
    Snapshot,
    Structure,
    StructureError,
    StructureFile,
    check_credit_code,
    city_structure,
    compose_structure,
    load_structure_file,
)
from soeplan.structure.records import (
    CountyUnit,
    Entity,
    EventKind,
    FunctionalClass,
    NodeType,
    ScopeComposition,
    StructureEvent,
    UnitStructure,
)
from soeplan.submissions.annotate import annotate_workbook
from soeplan.submissions.ingest import check_file, ingest_files
from soeplan.submissions.readers import (
    OBSERVATION_SCHEMA,
    Submission,
    SubmissionReadError,
    read_submission,
)
from soeplan.submissions.sample import write_sample
from soeplan.submissions.store import Store, StoreEntry, read_store
from soeplan.submissions.template import write_template
from soeplan.submissions.validation import CORE_RULES, Policy, ValidationReport, validate

__all__ = [
    "ASSESSMENT_SCHEMA",
    "CORE_RULES",
    "FINDING_SCHEMA",
    "MILESTONE_SCHEMA",
    "OBSERVATION_SCHEMA",
    "SYNTHETIC_NOTE",
    "VALUE_SCHEMA",
    "Aggregation",
    "AssessmentError",
    "Attribute",
    "BoundAssessment",
    "BoundStatus",
    "Category",
    "CellKind",
    "Contribution",
    "CountyUnit",
    "DataFileError",
    "DebtLines",
    "Direction",
    "Entity",
    "EntityState",
    "EventKind",
    "Figure",
    "FigureCheck",
    "FindingKind",
    "Flow",
    "FunctionalClass",
    "GroupReported",
    "GrowthKind",
    "HeaderCell",
    "InconsistentPlanError",
    "Indicator",
    "InputFile",
    "Interval",
    "Kind",
    "Method",
    "MidTerm",
    "NodeType",
    "Plan",
    "PlanCheck",
    "PlanFinding",
    "PlanSource",
    "PlanTable",
    "PluginError",
    "PluginFailure",
    "PluginInfo",
    "Policy",
    "Problem",
    "Progress",
    "Provider",
    "PublishedGrowth",
    "Ratio",
    "Registry",
    "Report",
    "ReportSection",
    "Rollup",
    "Rounding",
    "Rule",
    "RuleContext",
    "Scope",
    "ScopeComposition",
    "SectionContent",
    "SectionContext",
    "SectionTable",
    "Severity",
    "Snapshot",
    "SoeplanError",
    "SourceRow",
    "Status",
    "Store",
    "StoreEntry",
    "Structure",
    "StructureError",
    "StructureEvent",
    "StructureFile",
    "Submission",
    "SubmissionReadError",
    "TableCell",
    "TableColumn",
    "TableLayout",
    "TableNote",
    "TableRounding",
    "TableRow",
    "Target",
    "TargetKind",
    "Text",
    "UnitStructure",
    "UnknownNameError",
    "ValidationReport",
    "__version__",
    "annotate_workbook",
    "annual_change",
    "assess_bound",
    "assess_frame",
    "assess_progress",
    "build_report",
    "build_table",
    "cagr",
    "check_credit_code",
    "check_file",
    "check_plan",
    "city_structure",
    "comparable_base",
    "comparable_growth",
    "compose_structure",
    "compound",
    "compound_path",
    "explain",
    "get_registry",
    "hookimpl",
    "ingest_files",
    "interpolate",
    "load_plan",
    "load_structure_file",
    "merge_observations",
    "plan_milestones",
    "read_observations",
    "read_store",
    "read_submission",
    "render_explanation",
    "report_from_observations",
    "required_growth",
    "rollup",
    "run_demo",
    "run_submissions",
    "sample_observations",
    "sample_unit",
    "scope_totals",
    "total_growth",
    "validate",
    "write_report",
    "write_sample",
    "write_template",
]
