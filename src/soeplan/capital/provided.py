"""The capital registers county plugins provide (hook ``soeplan_capital_registers``), for the
units a store has none of: the enterprise registers' attributes per year and the capital
operations registers, with the findings of a provided workbook that cannot be read.

What the office loaded into the store always wins: a unit's provided enterprise registers are
used only when the store holds no enterprise register of that unit, its provided operations
register only when the store holds no capital operations register of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import polars as pl

from soeplan.capital.attributes import ATTRIBUTE_SCHEMA, register_attributes
from soeplan.context import current
from soeplan.errors import SoeplanError
from soeplan.registers.operations import Operations
from soeplan.registers.provided import CapitalRegisters
from soeplan.registers.records import Register
from soeplan.rules import empty_findings, findings_frame

__all__ = ["PROVIDED_RULE", "ProvidedCapital", "provided_capital"]

#: The id of the findings of a provided register that cannot be read.
PROVIDED_RULE = "core.capital_registers"


@attrs.frozen
class ProvidedCapital:
    """What the plugins provide for the units a store lacks."""

    attributes: pl.DataFrame = attrs.field(eq=False)  #: :data:`~.attributes.ATTRIBUTE_SCHEMA`
    operations: tuple[Operations, ...] = ()
    used: tuple[CapitalRegisters, ...] = ()  #: the records used, each with its provider
    findings: pl.DataFrame = attrs.field(factory=empty_findings, eq=False)


def _finding(record: CapitalRegisters, exc: SoeplanError) -> dict[str, Any]:
    who = record.provider.plugin if record.provider is not None else "?"
    text = exc.render()
    return {
        "severity": "warning", "rule": PROVIDED_RULE, "unit": record.unit,
        "message_zh": f"插件 {who} 提供的 {record.unit} 资本登记表无法读取，该单位未使用：{text}",
        "message_en": f"the capital registers plugin {who} provides for {record.unit} cannot be "
        f"read, and are not used: {text}",
        "fix": f"correct the plugin's workbook (plugin {who}), or load the unit's registers into "
        "the store (soeplan register load / soeplan operations load)",
    }  # fmt: skip


def provided_capital(
    years: Iterable[int],
    *,
    have_registers: Iterable[str] = (),
    have_operations: Iterable[str] = (),
    provided: Mapping[str, CapitalRegisters] | None = None,
) -> ProvidedCapital:
    """The plugins' capital registers (``provided``, default: the registry in use's) for the
    units not in ``have_registers`` (enterprise registers) or ``have_operations`` (capital
    operations registers), their attributes for ``years``."""
    records = provided if provided is not None else current().capital_registers
    skip_r, skip_o = set(have_registers), set(have_operations)
    registers: list[Register] = []
    operations: list[Operations] = []
    used: list[CapitalRegisters] = []
    problems: list[dict[str, Any]] = []
    for unit, record in sorted(records.items()):
        if unit in skip_r and unit in skip_o:
            continue
        try:
            regs, ops = record.resolve()
        except SoeplanError as exc:
            problems.append(_finding(record, exc))
            continue
        took = False
        if unit not in skip_r and regs:
            registers += regs
            took = True
        if unit not in skip_o and ops is not None:
            operations.append(ops)
            took = True
        if took:
            used.append(record)
    years = list(years)
    attributes = (
        register_attributes(registers, years)
        if registers
        else pl.DataFrame(schema=ATTRIBUTE_SCHEMA)
    )
    return ProvidedCapital(
        attributes=attributes,
        operations=tuple(operations),
        used=tuple(used),
        findings=findings_frame(problems) if problems else empty_findings(),
    )
