"""soeplan: run a state-owned-enterprise reform plan by its numbers.

The public API is what this module exports; everything else is private.
"""

from __future__ import annotations

__version__ = "0.1.0"

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
from soeplan.errors import DataFileError, PluginError, Problem, SoeplanError, UnknownNameError
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
from soeplan.plugins import get_registry
from soeplan.precision import Interval
from soeplan.provenance import Provider
from soeplan.rounding import Rounding, TableRounding
from soeplan.rules import FINDING_SCHEMA, Rule, RuleContext, Severity
from soeplan.sample import SYNTHETIC_NOTE, sample_observations, sample_unit
from soeplan.sections import ReportSection, SectionContent, SectionContext, SectionTable, Text
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

__all__ = [
    "ASSESSMENT_SCHEMA",
    "FINDING_SCHEMA",
    "MILESTONE_SCHEMA",
    "SYNTHETIC_NOTE",
    "Aggregation",
    "AssessmentError",
    "Attribute",
    "BoundAssessment",
    "BoundStatus",
    "Category",
    "CellKind",
    "CountyUnit",
    "DataFileError",
    "Direction",
    "Entity",
    "EventKind",
    "Figure",
    "FigureCheck",
    "FindingKind",
    "Flow",
    "FunctionalClass",
    "GrowthKind",
    "HeaderCell",
    "InconsistentPlanError",
    "Indicator",
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
    "Problem",
    "Progress",
    "Provider",
    "PublishedGrowth",
    "Ratio",
    "ReportSection",
    "Rounding",
    "Rule",
    "RuleContext",
    "Scope",
    "ScopeComposition",
    "SectionContent",
    "SectionContext",
    "SectionTable",
    "Severity",
    "SoeplanError",
    "Status",
    "StructureEvent",
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
    "__version__",
    "annual_change",
    "assess_bound",
    "assess_frame",
    "assess_progress",
    "build_table",
    "cagr",
    "check_plan",
    "compound",
    "compound_path",
    "get_registry",
    "hookimpl",
    "interpolate",
    "load_plan",
    "plan_milestones",
    "required_growth",
    "sample_observations",
    "sample_unit",
    "total_growth",
]
