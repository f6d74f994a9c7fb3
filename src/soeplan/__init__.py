"""soeplan: run a state-owned-enterprise reform plan by its numbers.

The public API is what this module exports; everything else is private.
"""

from __future__ import annotations

__version__ = "0.1.0"

from soeplan.errors import DataFileError, PluginError, Problem, SoeplanError, UnknownNameError
from soeplan.hookspecs import hookimpl
from soeplan.indicators import Aggregation, Category, Direction, Flow, Indicator, Kind, Ratio
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
    "FINDING_SCHEMA",
    "SYNTHETIC_NOTE",
    "Aggregation",
    "Attribute",
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
    "NodeType",
    "Plan",
    "PlanCheck",
    "PlanFinding",
    "PlanSource",
    "PlanTable",
    "PluginError",
    "Problem",
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
    "build_table",
    "check_plan",
    "get_registry",
    "hookimpl",
    "load_plan",
    "sample_observations",
    "sample_unit",
]
