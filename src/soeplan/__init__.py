"""soeplan: run a state-owned-enterprise reform plan by its numbers.

The public API is what this module exports (:data:`__all__`); everything else is private. Names
are loaded on first use (PEP 562), so ``import soeplan`` and the command line's ``--help`` load
no polars, pandera, pandas, openpyxl or jinja2: each heavy library is imported by the module that
uses it, when a name of that module is first asked for.

Scripts use the plan, arithmetic, rollup, submission and report names; plugins use the records
they register (:class:`Indicator`, :class:`Rule`, :class:`ReportSection`,
:class:`UnitStructure`, :class:`Target`, ...), :data:`hookimpl`, and the helpers of
:mod:`soeplan.sdk` and :mod:`soeplan.testing`. The API reference lists them in the groups of
:data:`_API` below.

Long: every public name is listed twice, in :data:`_API` and in the import block for type
checkers, so this module grows by two lines with each name of the API.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from soeplan import context as _context
from soeplan._version import __version__ as __version__

#: The public names by audience and concept: (heading, {defining module: names}).
_API: tuple[tuple[str, dict[str, tuple[str, ...]]], ...] = (
    (
        "For scripts: the plan, its tables and its check",
        {
            "soeplan.plan.model": (
                "Attribute",
                "Figure",
                "GrowthKind",
                "Plan",
                "PlanSource",
                "PublishedGrowth",
                "Scope",
                "TableLayout",
                "Target",
                "TargetKind",
            ),
            "soeplan.plan.load": ("load_plan",),
            "soeplan.plan.tables": (
                "CellKind",
                "HeaderCell",
                "PlanTable",
                "TableCell",
                "TableColumn",
                "TableNote",
                "TableRow",
                "build_table",
            ),
            "soeplan.plan.findings": (
                "FigureCheck",
                "FindingKind",
                "InconsistentPlanError",
                "PlanCheck",
                "PlanFinding",
            ),
            "soeplan.plan.check": ("check_plan",),
        },
    ),
    (
        "For scripts: target arithmetic",
        {
            "soeplan.arithmetic.growth": (
                "annual_change",
                "cagr",
                "compound",
                "compound_path",
                "interpolate",
                "required_growth",
                "total_growth",
            ),
            "soeplan.arithmetic.rounding": (
                "Rounding",
                "TableRounding",
            ),
            "soeplan.arithmetic.precision": ("Interval",),
            "soeplan.periods": ("Period", "PeriodError"),
        },
    ),
    (
        "For scripts: milestones and assessment",
        {
            "soeplan.assessment.milestones": (
                "MILESTONE_SCHEMA",
                "Method",
                "plan_milestones",
            ),
            "soeplan.assessment.records": (
                "AssessmentError",
                "BoundAssessment",
                "BoundStatus",
                "MidTerm",
                "Progress",
                "Status",
                "Verdict",
            ),
            "soeplan.assessment.progress": (
                "assess_bound",
                "assess_progress",
            ),
            "soeplan.assessment.frame": (
                "ASSESSMENT_SCHEMA",
                "assess_frame",
            ),
            "soeplan.assessment.period": (
                "PERIOD_ASSESSMENT_SCHEMA",
                "assess_period",
            ),
        },
    ),
    (
        "For scripts: structures and the rollup",
        {
            "soeplan.structure.dated": (
                "EntityState",
                "Snapshot",
                "Structure",
            ),
            "soeplan.structure.compose": (
                "StructureError",
                "compose_structure",
            ),
            "soeplan.structure.file": (
                "StructureFile",
                "load_structure_file",
            ),
            "soeplan.structure.credit_code": ("check_credit_code",),
            "soeplan.structure.city": ("city_structure",),
            "soeplan.consolidation.records": (
                "VALUE_SCHEMA",
                "GroupReported",
                "Rollup",
                "scope_totals",
            ),
            "soeplan.consolidation.rollup": ("rollup",),
            "soeplan.consolidation.period": ("MONTHLY_VALUE_SCHEMA", "rollup_period"),
            "soeplan.consolidation.explain": (
                "Contribution",
                "SourceRow",
                "explain",
                "render_explanation",
            ),
            "soeplan.consolidation.comparable": (
                "comparable_base",
                "comparable_growth",
            ),
        },
    ),
    (
        "For scripts: submissions, validation and the store",
        {
            "soeplan.submissions.template_workbook": ("write_template",),
            "soeplan.submissions.readers": ("Submission", "read_submission"),
            "soeplan.submissions.read_errors": ("SubmissionReadError",),
            "soeplan.submissions.workbook_limits": ("WORKBOOK_LIMITS", "WorkbookLimits"),
            "soeplan.submissions.core_rules": ("CORE_RULES",),
            "soeplan.submissions.magnitude": (
                "PlausibleRange",
                "plausible_ranges",
            ),
            "soeplan.submissions.validate": (
                "Policy",
                "ValidationReport",
                "validate",
            ),
            "soeplan.submissions.annotate": ("annotate_workbook",),
            "soeplan.submissions.ingest": (
                "check_file",
                "ingest_files",
            ),
            "soeplan.submissions.store": (
                "Store",
                "StoreEntry",
                "StoreError",
                "UnitState",
                "read_store",
            ),
            "soeplan.submissions.store_months": ("read_store_months",),
            "soeplan.submissions.sample": ("write_sample",),
            "soeplan.frames": (
                "FINDING_SCHEMA",
                "OBSERVATION_SCHEMA",
            ),
        },
    ),
    (
        "For scripts: enterprise registers (企业名录)",
        {
            "soeplan.registers.records": (
                "RATINGS",
                "Register",
                "RegisterChange",
                "RegisterEntry",
                "StrategicSector",
            ),
            "soeplan.registers.reader": (
                "RegisterCheck",
                "RegisterError",
                "check_register",
                "read_register",
            ),
            "soeplan.registers.workbook": (
                "register_from_structure",
                "write_register_template",
            ),
            "soeplan.registers.merge": ("MergeFinding", "merge_register"),
            "soeplan.submissions.store_registers": (
                "RegisterLoad",
                "RegisterVersion",
                "load_register",
                "register_versions",
                "store_structure",
                "stored_register",
            ),
            "soeplan.submissions.register_view": ("REGISTER_FRAME_SCHEMA", "register_frame"),
        },
    ),
    (
        "For scripts: capital layout and operations (布局与资本运作)",
        {
            "soeplan.capital.definitions": (
                "DEFAULT_DEFINITION",
                "STRATEGIC_SECTORS",
                "CapitalDefinition",
                "SecuritisationBasis",
                "StateCapitalBasis",
            ),
            "soeplan.capital.attributes": (
                "ATTRIBUTE_SCHEMA",
                "register_attributes",
                "store_attributes",
            ),
            "soeplan.capital.layout": ("capital_observations", "entity_capital", "sector_layout"),
            "soeplan.capital.ratings": (
                "listed_companies",
                "listed_findings",
                "rating_counts",
                "rating_findings",
                "register_ratings",
            ),
            "soeplan.capital.sample_register": (
                "sample_attributes",
                "sample_operations",
                "sample_registers",
            ),
            "soeplan.capital.view": (
                "CapitalInputs",
                "CapitalView",
                "capital_view",
                "sample_inputs",
                "store_inputs",
                "with_capital",
            ),
            "soeplan.capital.operations": ("pipeline", "reform_counts", "reform_tallies"),
            "soeplan.registers.operations": (
                "ListingStage",
                "ListingStep",
                "Operations",
                "Reform",
                "ReformKind",
            ),
            "soeplan.registers.operations_workbook": (
                "OperationsCheck",
                "check_operations",
                "read_operations",
                "write_operations_template",
            ),
            "soeplan.submissions.store_operations": (
                "OperationsVersion",
                "load_operations",
                "operations_frames",
                "operations_versions",
                "stored_operations",
            ),
        },
    ),
    (
        "For scripts: classified assessment (分类考核, 功效系数法)",
        {
            "soeplan.scoring.records": (
                "BANDS",
                "GRADES",
                "Band",
                "Grade",
                "Scheme",
                "SchemeItem",
                "SpecialItem",
                "StandardRow",
                "StandardTable",
                "grade_of",
            ),
            "soeplan.scoring.efficacy": (
                "band_of",
                "efficacy_expr",
                "efficacy_score",
                "standards_problem",
            ),
            "soeplan.scoring.files": ("read_schemes", "read_special_items", "read_standards"),
            "soeplan.scoring.score": (
                "ITEM_SCHEMA",
                "TOTAL_SCHEMA",
                "Scores",
                "choose_scheme",
                "score_enterprises",
            ),
            "soeplan.scoring.defaults": ("default_schemes", "sample_standards"),
        },
    ),
    (
        "For scripts: monthly express reports and budgets (月度快报, 全面预算)",
        {
            "soeplan.express.derived": (
                "month_on_month",
                "monthly_amounts",
                "year_on_year",
                "ytd_ratios",
            ),
            "soeplan.express.reconcile": ("DECEMBER_TOLERANCE", "reconcile_december"),
            "soeplan.express.budget": (
                "BUDGET_INDICATORS",
                "ExecutionStatus",
                "ExecutionThresholds",
                "budget_execution",
                "budget_findings",
                "roll_budget",
            ),
            "soeplan.express.sample_budget": ("sample_budget",),
            "soeplan.express.monthly_rollup": ("rollup_by_month",),
            "soeplan.express.files": ("read_annual", "read_monthly"),
            "soeplan.registers.budget_workbook": (
                "check_budget",
                "read_budget",
                "write_budget_template",
            ),
            "soeplan.submissions.store_budgets": (
                "budget_versions",
                "load_budget",
                "stored_budget",
            ),
            "soeplan.report.express": ("ExpressReport", "build_express", "express_meta"),
            "soeplan.report.express_write": ("write_express",),
        },
    ),
    (
        "For scripts: the yearly run, its report and the synthetic sample",
        {
            "soeplan.run": (
                "report_from_observations",
                "run_demo",
                "run_submissions",
            ),
            "soeplan.report": (
                "DebtLines",
                "InputFile",
                "Report",
                "build_report",
                "write_report",
            ),
            "soeplan.sample": (
                "SYNTHETIC_NOTE",
                "sample_observations",
                "sample_unit",
            ),
        },
    ),
    (
        "For plugins (and scripts): the records a plugin registers, the hook marker, the registry",
        {
            "soeplan.indicators": (
                "Aggregation",
                "Category",
                "Direction",
                "Flow",
                "Indicator",
                "Kind",
                "Ratio",
            ),
            "soeplan.rules": (
                "Rule",
                "RuleContext",
                "Severity",
            ),
            "soeplan.registers.provided": ("CapitalRegisters",),
            "soeplan.sections": (
                "ChartLevel",
                "ChartSeries",
                "ReportSection",
                "SectionChart",
                "SectionContent",
                "SectionContext",
                "SectionTable",
                "Text",
            ),
            "soeplan.structure.records": (
                "CountyUnit",
                "Entity",
                "EventKind",
                "FunctionalClass",
                "NodeType",
                "ScopeComposition",
                "StructureEvent",
                "UnitStructure",
            ),
            "soeplan.provenance": ("HookTiming", "PluginFailure", "Provider"),
            "soeplan.plugins.hookspecs": ("hookimpl",),
            "soeplan.plugins.registry": (
                "PluginInfo",
                "Registry",
                "get_registry",
            ),
            "soeplan.sdk": (
                "merge_observations",
                "read_observations",
            ),
        },
    ),
    (
        "Errors",
        {
            "soeplan.errors": (
                "DataFileError",
                "PluginError",
                "Problem",
                "SoeplanError",
                "UnknownNameError",
                "YearOutsidePlanError",
            ),
        },
    ),
)
#: Where each public name is defined.
_WHERE = {
    name: module for _, modules in _API for module, names in modules.items() for name in names
}

__all__ = sorted([*_WHERE, "__version__"])


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'soeplan' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def _default_registry() -> Registry:
    from soeplan.plugins.registry import get_registry

    return get_registry()


# The process default that soeplan.context falls back to: the core plus every installed plugin.
_context.install_default(_default_registry)

# For type checkers and IDEs: the same names, imported eagerly (tests check the two lists agree).
if TYPE_CHECKING:
    from soeplan.express.budget import (
        BUDGET_INDICATORS as BUDGET_INDICATORS,
    )
    from soeplan.express.budget import (
        ExecutionStatus as ExecutionStatus,
    )
    from soeplan.express.budget import (
        ExecutionThresholds as ExecutionThresholds,
    )
    from soeplan.express.budget import (
        budget_execution as budget_execution,
    )
    from soeplan.express.budget import (
        budget_findings as budget_findings,
    )
    from soeplan.express.budget import (
        roll_budget as roll_budget,
    )
    from soeplan.express.derived import (
        month_on_month as month_on_month,
    )
    from soeplan.express.derived import (
        monthly_amounts as monthly_amounts,
    )
    from soeplan.express.derived import (
        year_on_year as year_on_year,
    )
    from soeplan.express.derived import (
        ytd_ratios as ytd_ratios,
    )
    from soeplan.express.files import read_annual as read_annual
    from soeplan.express.files import read_monthly as read_monthly
    from soeplan.express.monthly_rollup import rollup_by_month as rollup_by_month
    from soeplan.express.reconcile import (
        DECEMBER_TOLERANCE as DECEMBER_TOLERANCE,
    )
    from soeplan.express.reconcile import (
        reconcile_december as reconcile_december,
    )
    from soeplan.express.sample_budget import sample_budget as sample_budget
    from soeplan.registers.budget_workbook import check_budget as check_budget
    from soeplan.registers.budget_workbook import read_budget as read_budget
    from soeplan.registers.budget_workbook import (
        write_budget_template as write_budget_template,
    )
    from soeplan.report.express import ExpressReport as ExpressReport
    from soeplan.report.express import build_express as build_express
    from soeplan.report.express import express_meta as express_meta
    from soeplan.report.express_write import write_express as write_express
    from soeplan.submissions.store_budgets import budget_versions as budget_versions
    from soeplan.submissions.store_budgets import load_budget as load_budget
    from soeplan.submissions.store_budgets import stored_budget as stored_budget
    from soeplan.plan.model import (
        Attribute as Attribute,
        Figure as Figure,
        GrowthKind as GrowthKind,
        Plan as Plan,
        PlanSource as PlanSource,
        PublishedGrowth as PublishedGrowth,
        Scope as Scope,
        TableLayout as TableLayout,
        Target as Target,
        TargetKind as TargetKind,
    )
    from soeplan.plan.load import load_plan as load_plan
    from soeplan.plan.tables import (
        CellKind as CellKind,
        HeaderCell as HeaderCell,
        PlanTable as PlanTable,
        TableCell as TableCell,
        TableColumn as TableColumn,
        TableNote as TableNote,
        TableRow as TableRow,
        build_table as build_table,
    )
    from soeplan.plan.findings import (
        FigureCheck as FigureCheck,
        FindingKind as FindingKind,
        InconsistentPlanError as InconsistentPlanError,
        PlanCheck as PlanCheck,
        PlanFinding as PlanFinding,
    )
    from soeplan.plan.check import check_plan as check_plan
    from soeplan.arithmetic.growth import (
        annual_change as annual_change,
        cagr as cagr,
        compound as compound,
        compound_path as compound_path,
        interpolate as interpolate,
        required_growth as required_growth,
        total_growth as total_growth,
    )
    from soeplan.arithmetic.rounding import Rounding as Rounding, TableRounding as TableRounding
    from soeplan.arithmetic.precision import Interval as Interval
    from soeplan.assessment.milestones import (
        MILESTONE_SCHEMA as MILESTONE_SCHEMA,
        Method as Method,
        plan_milestones as plan_milestones,
    )
    from soeplan.assessment.records import (
        AssessmentError as AssessmentError,
        BoundAssessment as BoundAssessment,
        BoundStatus as BoundStatus,
        MidTerm as MidTerm,
        Progress as Progress,
        Status as Status,
        Verdict as Verdict,
    )
    from soeplan.assessment.progress import (
        assess_bound as assess_bound,
        assess_progress as assess_progress,
    )
    from soeplan.assessment.frame import (
        ASSESSMENT_SCHEMA as ASSESSMENT_SCHEMA,
        assess_frame as assess_frame,
    )
    from soeplan.assessment.period import (
        PERIOD_ASSESSMENT_SCHEMA as PERIOD_ASSESSMENT_SCHEMA,
        assess_period as assess_period,
    )
    from soeplan.structure.dated import (
        EntityState as EntityState,
        Snapshot as Snapshot,
        Structure as Structure,
    )
    from soeplan.structure.compose import (
        StructureError as StructureError,
        compose_structure as compose_structure,
    )
    from soeplan.structure.file import (
        StructureFile as StructureFile,
        load_structure_file as load_structure_file,
    )
    from soeplan.structure.credit_code import check_credit_code as check_credit_code
    from soeplan.structure.city import city_structure as city_structure
    from soeplan.consolidation.records import (
        VALUE_SCHEMA as VALUE_SCHEMA,
        GroupReported as GroupReported,
        Rollup as Rollup,
        scope_totals as scope_totals,
    )
    from soeplan.consolidation.rollup import rollup as rollup
    from soeplan.consolidation.period import (
        MONTHLY_VALUE_SCHEMA as MONTHLY_VALUE_SCHEMA,
        rollup_period as rollup_period,
    )
    from soeplan.consolidation.explain import (
        Contribution as Contribution,
        SourceRow as SourceRow,
        explain as explain,
        render_explanation as render_explanation,
    )
    from soeplan.consolidation.comparable import (
        comparable_base as comparable_base,
        comparable_growth as comparable_growth,
    )
    from soeplan.submissions.template_workbook import write_template as write_template
    from soeplan.submissions.read_errors import SubmissionReadError as SubmissionReadError
    from soeplan.submissions.readers import (
        Submission as Submission,
        read_submission as read_submission,
    )
    from soeplan.submissions.workbook_limits import (
        WORKBOOK_LIMITS as WORKBOOK_LIMITS,
        WorkbookLimits as WorkbookLimits,
    )
    from soeplan.submissions.core_rules import CORE_RULES as CORE_RULES
    from soeplan.submissions.magnitude import (
        PlausibleRange as PlausibleRange,
        plausible_ranges as plausible_ranges,
    )
    from soeplan.submissions.validate import (
        Policy as Policy,
        ValidationReport as ValidationReport,
        validate as validate,
    )
    from soeplan.submissions.annotate import annotate_workbook as annotate_workbook
    from soeplan.submissions.ingest import check_file as check_file, ingest_files as ingest_files
    from soeplan.submissions.store import (
        Store as Store,
        StoreEntry as StoreEntry,
        StoreError as StoreError,
        UnitState as UnitState,
        read_store as read_store,
    )
    from soeplan.submissions.store_months import read_store_months as read_store_months
    from soeplan.submissions.sample import write_sample as write_sample
    from soeplan.frames import (
        FINDING_SCHEMA as FINDING_SCHEMA,
        OBSERVATION_SCHEMA as OBSERVATION_SCHEMA,
    )
    from soeplan.registers.records import (
        RATINGS as RATINGS,
        Register as Register,
        RegisterChange as RegisterChange,
        RegisterEntry as RegisterEntry,
        StrategicSector as StrategicSector,
    )
    from soeplan.registers.reader import (
        RegisterCheck as RegisterCheck,
        RegisterError as RegisterError,
        check_register as check_register,
        read_register as read_register,
    )
    from soeplan.registers.workbook import (
        register_from_structure as register_from_structure,
        write_register_template as write_register_template,
    )
    from soeplan.registers.merge import (
        MergeFinding as MergeFinding,
        merge_register as merge_register,
    )
    from soeplan.submissions.store_registers import (
        RegisterLoad as RegisterLoad,
        RegisterVersion as RegisterVersion,
        load_register as load_register,
        register_versions as register_versions,
        store_structure as store_structure,
        stored_register as stored_register,
    )
    from soeplan.submissions.register_view import (
        REGISTER_FRAME_SCHEMA as REGISTER_FRAME_SCHEMA,
        register_frame as register_frame,
    )
    from soeplan.capital.definitions import (
        DEFAULT_DEFINITION as DEFAULT_DEFINITION,
        STRATEGIC_SECTORS as STRATEGIC_SECTORS,
        CapitalDefinition as CapitalDefinition,
        SecuritisationBasis as SecuritisationBasis,
        StateCapitalBasis as StateCapitalBasis,
    )
    from soeplan.capital.attributes import (
        ATTRIBUTE_SCHEMA as ATTRIBUTE_SCHEMA,
        register_attributes as register_attributes,
        store_attributes as store_attributes,
    )
    from soeplan.capital.layout import (
        capital_observations as capital_observations,
        entity_capital as entity_capital,
        sector_layout as sector_layout,
    )
    from soeplan.capital.ratings import (
        listed_companies as listed_companies,
        listed_findings as listed_findings,
        rating_counts as rating_counts,
        rating_findings as rating_findings,
        register_ratings as register_ratings,
    )
    from soeplan.capital.sample_register import (
        sample_attributes as sample_attributes,
        sample_operations as sample_operations,
        sample_registers as sample_registers,
    )
    from soeplan.capital.view import (
        CapitalInputs as CapitalInputs,
        CapitalView as CapitalView,
        capital_view as capital_view,
        sample_inputs as sample_inputs,
        store_inputs as store_inputs,
        with_capital as with_capital,
    )
    from soeplan.capital.operations import (
        pipeline as pipeline,
        reform_counts as reform_counts,
        reform_tallies as reform_tallies,
    )
    from soeplan.registers.operations import (
        ListingStage as ListingStage,
        ListingStep as ListingStep,
        Operations as Operations,
        Reform as Reform,
        ReformKind as ReformKind,
    )
    from soeplan.registers.operations_workbook import (
        OperationsCheck as OperationsCheck,
        check_operations as check_operations,
        read_operations as read_operations,
        write_operations_template as write_operations_template,
    )
    from soeplan.submissions.store_operations import (
        OperationsVersion as OperationsVersion,
        load_operations as load_operations,
        operations_frames as operations_frames,
        operations_versions as operations_versions,
        stored_operations as stored_operations,
    )
    from soeplan.scoring.records import (
        BANDS as BANDS,
        GRADES as GRADES,
        Band as Band,
        Grade as Grade,
        Scheme as Scheme,
        SchemeItem as SchemeItem,
        SpecialItem as SpecialItem,
        StandardRow as StandardRow,
        StandardTable as StandardTable,
        grade_of as grade_of,
    )
    from soeplan.scoring.efficacy import (
        band_of as band_of,
        efficacy_expr as efficacy_expr,
        efficacy_score as efficacy_score,
        standards_problem as standards_problem,
    )
    from soeplan.scoring.files import (
        read_schemes as read_schemes,
        read_special_items as read_special_items,
        read_standards as read_standards,
    )
    from soeplan.scoring.score import (
        ITEM_SCHEMA as ITEM_SCHEMA,
        TOTAL_SCHEMA as TOTAL_SCHEMA,
        Scores as Scores,
        choose_scheme as choose_scheme,
        score_enterprises as score_enterprises,
    )
    from soeplan.scoring.defaults import (
        default_schemes as default_schemes,
        sample_standards as sample_standards,
    )
    from soeplan.run import (
        report_from_observations as report_from_observations,
        run_demo as run_demo,
        run_submissions as run_submissions,
    )
    from soeplan.report import (
        DebtLines as DebtLines,
        InputFile as InputFile,
        Report as Report,
        build_report as build_report,
        write_report as write_report,
    )
    from soeplan.sample import (
        SYNTHETIC_NOTE as SYNTHETIC_NOTE,
        sample_observations as sample_observations,
        sample_unit as sample_unit,
    )
    from soeplan.indicators import (
        Aggregation as Aggregation,
        Category as Category,
        Direction as Direction,
        Flow as Flow,
        Indicator as Indicator,
        Kind as Kind,
        Ratio as Ratio,
    )
    from soeplan.rules import Rule as Rule, RuleContext as RuleContext, Severity as Severity
    from soeplan.registers.provided import CapitalRegisters as CapitalRegisters
    from soeplan.sections import (
        ChartLevel as ChartLevel,
        ChartSeries as ChartSeries,
        ReportSection as ReportSection,
        SectionChart as SectionChart,
        SectionContent as SectionContent,
        SectionContext as SectionContext,
        SectionTable as SectionTable,
        Text as Text,
    )
    from soeplan.structure.records import (
        CountyUnit as CountyUnit,
        Entity as Entity,
        EventKind as EventKind,
        FunctionalClass as FunctionalClass,
        NodeType as NodeType,
        ScopeComposition as ScopeComposition,
        StructureEvent as StructureEvent,
        UnitStructure as UnitStructure,
    )
    from soeplan.provenance import (
        HookTiming as HookTiming,
        PluginFailure as PluginFailure,
        Provider as Provider,
    )
    from soeplan.plugins.hookspecs import hookimpl as hookimpl
    from soeplan.plugins.registry import (
        PluginInfo as PluginInfo,
        Registry as Registry,
        get_registry as get_registry,
    )
    from soeplan.sdk import (
        merge_observations as merge_observations,
        read_observations as read_observations,
    )
    from soeplan.periods import (
        Period as Period,
        PeriodError as PeriodError,
    )
    from soeplan.errors import (
        DataFileError as DataFileError,
        PluginError as PluginError,
        Problem as Problem,
        SoeplanError as SoeplanError,
        UnknownNameError as UnknownNameError,
        YearOutsidePlanError as YearOutsidePlanError,
    )
