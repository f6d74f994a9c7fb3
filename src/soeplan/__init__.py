"""soeplan: run a state-owned-enterprise reform plan by its numbers.

The public API is what this module exports; everything else is private.
"""

from __future__ import annotations

__version__ = "0.1.0"

from soeplan.annotate import annotate_workbook
from soeplan.assessment import (
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
from soeplan.comparable import comparable_base, comparable_growth
from soeplan.errors import DataFileError, PluginError, Problem, SoeplanError, UnknownNameError
from soeplan.explain import Contribution, SourceRow, explain, render_explanation
from soeplan.growth import (
    annual_change,
    cagr,
    compound,
    compound_path,
    interpolate,
    required_growth,
    total_growth,
)
from soeplan.hookspecs import hookimpl
from soeplan.indicators import Aggregation, Category, Direction, Flow, Indicator, Kind, Ratio
from soeplan.ingest import check_file, ingest_files
from soeplan.milestones import MILESTONE_SCHEMA, Method, plan_milestones
from soeplan.plan import (
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
from soeplan.plancheck import (
    FigureCheck,
    FindingKind,
    InconsistentPlanError,
    PlanCheck,
    PlanFinding,
    check_plan,
)
from soeplan.plugins import PluginFailure, PluginInfo, Registry, get_registry
from soeplan.precision import Interval
from soeplan.provenance import Provider
from soeplan.readers import (
    OBSERVATION_SCHEMA,
    Submission,
    SubmissionReadError,
    read_submission,
)
from soeplan.report import DebtLines, InputFile, Report, build_report, write_report
from soeplan.report.run import report_from_observations, run_demo, run_submissions
from soeplan.rollup import VALUE_SCHEMA, GroupReported, Rollup, rollup, scope_totals
from soeplan.rounding import Rounding, TableRounding
from soeplan.rules import FINDING_SCHEMA, Rule, RuleContext, Severity
from soeplan.sample import SYNTHETIC_NOTE, sample_observations, sample_unit
from soeplan.sample_submission import write_sample
from soeplan.sdk import merge_observations, read_observations
from soeplan.sections import ReportSection, SectionContent, SectionContext, SectionTable, Text
from soeplan.store import Store, StoreEntry, read_store
from soeplan.structure_io import (
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
from soeplan.structures import (
    CountyUnit,
    Entity,
    EventKind,
    FunctionalClass,
    NodeType,
    ScopeComposition,
    StructureEvent,
    UnitStructure,
)
from soeplan.tables import (
    CellKind,
    HeaderCell,
    PlanTable,
    TableCell,
    TableColumn,
    TableNote,
    TableRow,
    build_table,
)
from soeplan.templates import write_template
from soeplan.validation import CORE_RULES, Policy, ValidationReport, validate

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
