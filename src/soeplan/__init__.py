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
from soeplan.plugins import get_registry
from soeplan.provenance import Provider

__all__ = [
    "Aggregation",
    "Attribute",
    "Category",
    "DataFileError",
    "Direction",
    "Figure",
    "Flow",
    "GrowthKind",
    "Indicator",
    "Kind",
    "Plan",
    "PlanSource",
    "PluginError",
    "Problem",
    "Provider",
    "PublishedGrowth",
    "Ratio",
    "Scope",
    "SoeplanError",
    "TableLayout",
    "Target",
    "TargetKind",
    "UnknownNameError",
    "__version__",
    "get_registry",
    "hookimpl",
    "load_plan",
]
