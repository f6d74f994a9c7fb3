"""``--period``: a year (``2023``) or a month's express report (``2023-06``), beside ``--year``.

Every command that takes ``--year`` takes ``--period`` as well: it accepts whatever
:meth:`soeplan.Period.parse` reads (``2023``, ``2023-06``, ``2023/6``, ``2023年6月``). ``--year``
keeps working unchanged; giving both is refused (exit 2) with a message saying which to keep.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from soeplan.periods import Period

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["PeriodType", "chosen_period", "period_option"]


class PeriodType(click.ParamType):  # type: ignore[type-arg]
    """A click parameter read by :meth:`soeplan.Period.parse` (a bad one: exit 2, the fix)."""

    name = "period"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from soeplan.periods import Period, PeriodError

        if isinstance(value, Period):
            return value
        try:
            return Period.parse(value)
        except PeriodError as exc:
            self.fail(str(exc), param, ctx)


def period_option(f: F) -> F:
    """``--period PERIOD``: a year or a month (its value a :class:`soeplan.Period`)."""
    return click.option(
        "--period",
        "period",
        type=PeriodType(),
        default=None,
        metavar="PERIOD",
        help="A year (2023) or a month's express report (2023-06, 快报): flows year-to-date, "
        "stocks at the month's end. Instead of --year, not with it.",
    )(f)


def chosen_period(period: Period | None, years: Sequence[int] | int | None) -> Period | None:
    """The period the options give: ``--period``, else the one ``--year`` (as a whole year).

    Both given is refused. Several ``--year`` values without ``--period`` give ``None`` (the
    command then works by years, as it always has).
    """
    from soeplan.periods import Period

    given = [] if years is None else [years] if isinstance(years, int) else list(years)
    if period is not None and given:
        raise click.UsageError(
            f"give --period or --year, not both (--period {period}, --year "
            f"{', '.join(map(str, given))}) / 期间与年度只能择一\n"
            f"  fix: keep --period {period} (a month is its year's 快报), or drop it for --year"
        )
    if period is not None:
        return period
    return Period(given[0]) if len(given) == 1 else None
