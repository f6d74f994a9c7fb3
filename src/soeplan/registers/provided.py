"""A unit's capital registers as a county plugin provides them (hook
``soeplan_capital_registers``): its enterprise registers (sector, state share, listing, rating
per enterprise, dated) and its capital operations register (listing pipeline, reforms), as
records built in code or as the paths of the workbooks soeplan writes and reads.

The host merges them by unit and refuses two plugins' registers for the same unit, naming both.
A run with a store uses a plugin's registers for a unit only where the store holds none of that
kind (:func:`soeplan.capital.provided.provided_capital`): what the office loaded always wins.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from soeplan.provenance import Provider
from soeplan.registers.operations import Operations
from soeplan.registers.operations_workbook import read_operations
from soeplan.registers.reader import read_register
from soeplan.registers.records import Register

__all__ = ["CapitalRegisters"]


@attrs.frozen(kw_only=True)
class CapitalRegisters:
    """One county-level unit's capital registers, provided by a plugin.

    ``registers``: enterprise registers (:class:`soeplan.Register`, one per as-of date: each
    year's ratings, listings, sectors and state shares are those of the register stated for the
    year's end); ``operations``: its capital operations register (:class:`soeplan.Operations`).
    Either may instead be given as workbook paths (``register_files``, ``operations_file``),
    read and checked like a clerk's, every problem at once. ``synthetic`` says the registers are
    invented (the report says so); ``source`` where they come from.

    >>> import datetime as dt
    >>> from soeplan import CapitalRegisters, Register, RegisterEntry
    >>> r = Register(unit="kecheng", as_of=dt.date(2023, 12, 31), entries=(RegisterEntry(
    ...     id="kc.invest", name_zh="示例公司", unit="kecheng", rating="AA",
    ...     rating_date=dt.date(2018, 6, 30)),))
    >>> provided = CapitalRegisters(unit="kecheng", registers=(r,), synthetic=True,
    ...                             source="synthetic example")
    >>> provided.id, [x.unit for x in provided.resolve()[0]]
    ('kecheng', ['kecheng'])
    """

    unit: str
    registers: tuple[Register, ...] = ()
    operations: Operations | None = None
    register_files: tuple[str, ...] = ()
    operations_file: str | None = None
    source: str = ""
    synthetic: bool = False
    provider: Provider | None = attrs.field(default=None, eq=False)

    @property
    def id(self) -> str:
        return self.unit

    def resolve(self) -> tuple[tuple[Register, ...], Operations | None]:
        """The registers and the operations register, the files read (a file with problems
        raises :class:`~soeplan.registers.reader.RegisterError` listing them all)."""
        registers = (*self.registers, *(read_register(Path(p)) for p in self.register_files))
        ops = self.operations
        if self.operations_file:
            ops = read_operations(Path(self.operations_file))
        return registers, ops
