"""Finding a plan: by the id a plugin registered it under, or by the path of its file.

The file itself is read by :func:`soeplan.plan.file.load_plan_file`; this module adds the lookup
in the registry (:func:`soeplan.context.current`).
"""

from __future__ import annotations

from pathlib import Path

from soeplan.context import current
from soeplan.errors import UnknownNameError
from soeplan.plan.file import load_plan_file
from soeplan.plan.model import Plan

__all__ = ["load_plan"]


def load_plan(plan: str | Path) -> Plan:
    """Load a plan by its registered id (``"quzhou-14th"``) or from a plan file path.

    >>> from soeplan import load_plan
    >>> plan = load_plan("quzhou-14th")
    >>> plan.base_year, plan.target_year
    (2020, 2025)
    >>> plan.figure("city", "net_profit", 2020).value
    Decimal('12.26')
    """
    registry = current()
    key = str(plan)
    if isinstance(plan, str) and key in registry.plans:
        path = Path(registry.plans[key].path)
    else:
        path = Path(plan)
        if not path.exists():
            known = ", ".join(sorted(registry.plans)) or "none"
            raise UnknownNameError(
                f"no plan {key!r}: it is neither a registered plan id nor an existing file\n"
                f"  fix: use one of the registered plans ({known}) or the path of a plan file"
            )
    return load_plan_file(path, registry.indicators)
