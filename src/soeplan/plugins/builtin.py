"""The core's own content, registered through the same hooks as any county plugin."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources

from soeplan.indicators import Indicator, builtin_indicators
from soeplan.plan.model import PlanSource
from soeplan.plugins.hookspecs import hookimpl
from soeplan.rules import Rule
from soeplan.structure.records import UnitStructure

BUILTIN_PLANS = ("quzhou-14th",)


@hookimpl
def soeplan_indicators() -> Iterable[Indicator]:
    return builtin_indicators()


@hookimpl
def soeplan_plans() -> Iterable[PlanSource]:
    base = resources.files("soeplan") / "data" / "plans"
    return [PlanSource(id=p, path=str(base / f"{p}.toml")) for p in BUILTIN_PLANS]


@hookimpl
def soeplan_structures() -> Iterable[UnitStructure]:
    from soeplan.structure.city import city_file

    return city_file().unit_structures


@hookimpl
def soeplan_rules() -> Iterable[Rule]:
    from soeplan.submissions.validation import CORE_RULES

    return CORE_RULES
