"""Errors meant for people.

Every error soeplan raises on bad input is a :class:`SoeplanError`: it says *what* was wrong,
*where* (file, sheet, row, entity, indicator, year: whatever applies), and *what to do*.
The command line prints these without a traceback and exits with :attr:`SoeplanError.exit_code`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs


@attrs.frozen
class Problem:
    """One thing wrong with an input: where it is, what is wrong, how to fix it."""

    where: str
    what: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.what}"
        return f"{text}\n    fix: {self.fix}" if self.fix else text


class SoeplanError(Exception):
    """Base of all errors about the user's input or setup (never a bug of soeplan's own)."""

    exit_code: int = 2

    def __init__(self, message: str, *, problems: Sequence[Problem] = ()) -> None:
        self.message = message
        self.problems = tuple(problems)
        super().__init__(self.render())

    def render(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class DataFileError(SoeplanError):
    """A data file (plan, structure, indicator catalogue) is missing or malformed.

    Carries every problem found in the file at once, each naming its key and the fix.
    """

    def __init__(self, path: object, problems: Iterable[Problem]) -> None:
        problems = tuple(problems)
        n = len(problems)
        super().__init__(
            f"{path}: {n} problem{'s' if n != 1 else ''} in this file", problems=problems
        )
        self.path = path


class UnknownNameError(SoeplanError):
    """A name (plan, indicator, scope, unit, entity) that soeplan does not know."""


class PluginError(SoeplanError):
    """A plugin failed to load, or its records conflict with another provider's."""


class YearOutsidePlanError(SoeplanError):
    """A year outside the span of the plan being run (its published figures to its targets).

    Carries the plan's span, so that a caller collecting problems over several files can turn it
    into a :class:`Problem` (:meth:`problem`).
    """

    def __init__(self, year: int, *, plan: str, first: int, last: int, what: str = "") -> None:
        self.year, self.plan, self.first, self.last = year, plan, first, last
        self.what = what
        super().__init__(f"{self.describe()}\n  fix: {self.fix}")

    def describe(self) -> str:
        subject = f"{self.what} " if self.what else ""
        return (
            f"{subject}{self.year} is outside the plan {self.plan}, which covers "
            f"{self.first}–{self.last} / {self.year} 年不在规划 {self.plan} 的年度范围"
            f"（{self.first}–{self.last} 年）内"
        )

    @property
    def fix(self) -> str:
        return (
            f"use a year from {self.first} to {self.last}, or pass --plan with a plan that covers "
            f"{self.year} / 使用 {self.first}–{self.last} 年之间的年度"
        )

    def problem(self, where: str) -> Problem:
        return Problem(where, self.describe(), self.fix)
