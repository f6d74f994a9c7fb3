"""The rollup's inputs: the catalogue, the observations in the rollup's dtypes, what to read.

:func:`normalise_observations` checks and casts a long frame of observations;
:func:`indicator_catalogue` is the catalogue a rollup works with. The rest prepares one rollup:
which indicators and years it must read (a ratio's components, the year before for an average
denominator), the values scaled to whole numbers, county metrics in place of the core indicator
they roll into, and the span of years in the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs
import polars as pl

from soeplan.context import current
from soeplan.errors import SoeplanError, UnknownNameError
from soeplan.indicators import Indicator

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

__all__ = ["indicator_catalogue", "normalise_observations"]

#: Values are summed as whole numbers of 1/_SCALE of their unit (1e-8 亿元 is one yuan).
#: Float addition is not associative, so a plain float sum changes in its last bits with row
#: order and with polars' parallel split; whole numbers below 2**53 (9e7 亿元 at this scale) add
#: exactly, so the rollup is bit-for-bit the same for any order of its input. Figures are
#: thereby quantised to 1e-8 of their unit, far below any printed precision.
_SCALE = 1e8


def indicator_catalogue(registry: Registry | None) -> Mapping[str, Indicator]:
    """The indicators a rollup knows: ``registry``'s, or the current registry's if ``None``."""
    if registry is None:
        registry = current()
    cat: Mapping[str, Indicator] = registry.indicators
    return cat


def _needed(
    cat: Mapping[str, Indicator], wanted: Iterable[str] | None
) -> tuple[set[str], set[str]]:
    """(indicators to output, indicators to read)."""
    if wanted is None:
        out = set(cat)
    else:
        out = set(wanted)
        unknown = sorted(out - set(cat))
        if unknown:
            raise UnknownNameError(
                f"unknown indicator(s): {', '.join(unknown)}; known: {', '.join(sorted(cat))}"
            )
    read = set(out)
    for code in out:
        f = cat[code].formula
        if f is not None:
            read |= set(f.components)
    for ind in cat.values():
        if ind.rolls_into in read:
            read.add(ind.code)
    return out, read


def normalise_observations(observations: pl.DataFrame | pl.LazyFrame) -> tuple[pl.LazyFrame, bool]:
    """Observations as a lazy ``entity, year, indicator, value`` frame (and ``unit`` if they
    have one) in the rollup's dtypes; and whether they have ``unit``."""
    lf = observations.lazy()
    names = set(lf.collect_schema().names())
    missing = [c for c in ("entity", "year", "indicator", "value") if c not in names]
    if missing:
        raise SoeplanError(
            f"observations lack the column(s) {', '.join(missing)}; "
            "expected a long frame with entity, year, indicator, value (and optionally unit)"
        )
    cols = [
        pl.col("entity").cast(pl.String),
        pl.col("year").cast(pl.Int64),
        pl.col("indicator").cast(pl.String),
        pl.col("value").cast(pl.Float64),
    ]
    has_unit = "unit" in names
    if has_unit:
        cols.append(pl.col("unit").cast(pl.String))
    return lf.select(cols), has_unit


@attrs.frozen
class _Inputs:
    """The observations as one rollup reads them, and what it reads and outputs."""

    frame: pl.LazyFrame  # entity, year, indicator, value (in whole 1/_SCALE), unit if has_unit
    has_unit: bool
    out_inds: set[str]  # indicators to output
    read_inds: set[str]  # indicators to read (out_inds, ratios' components, county metrics)
    wanted_years: list[int] | None  # years to output (None: all)
    read_years: list[int] | None  # years to read (None: all)


def _prepared(
    observations: pl.DataFrame | pl.LazyFrame,
    cat: Mapping[str, Indicator],
    years: Iterable[int] | None,
    indicators: Iterable[str] | None,
) -> _Inputs:
    """The observations scaled and filtered to what the rollup reads."""
    out_inds, read_inds = _needed(cat, indicators)
    lf, has_unit = normalise_observations(observations)
    # Sum in whole units of 1e-8 (held as floats): whole numbers below 2**53 add exactly, so
    # the totals do not depend on row order or on how polars splits the work (see _SCALE).
    lf = lf.with_columns((pl.col("value") * _SCALE).round(0))
    roll_map = {i.code: i.rolls_into for i in cat.values() if i.rolls_into}

    wanted_years = None if years is None else sorted(set(years))
    read_years = None
    if wanted_years is not None:
        need_prev = any(
            cat[c].formula is not None and cat[c].formula.denominator_average  # type: ignore[union-attr]
            for c in out_inds
        )
        read_years = sorted(
            set(wanted_years) | ({y - 1 for y in wanted_years} if need_prev else set())
        )
        lf = lf.filter(pl.col("year").is_in(read_years))
    if indicators is not None:
        lf = lf.filter(pl.col("indicator").is_in(sorted(read_inds)))
    if roll_map:
        lf = _county_metrics_in_place(lf, roll_map)
    return _Inputs(lf, has_unit, out_inds, read_inds, wanted_years, read_years)


def _county_metrics_in_place(lf: pl.LazyFrame, roll_map: Mapping[str, str]) -> pl.LazyFrame:
    """A county metric that rolls into a core indicator is reported *instead of* it: for the
    same entity and year it replaces the core figure (never added to it: counted once)."""
    rolled = lf.filter(pl.col("indicator").is_in(list(roll_map))).with_columns(
        pl.col("indicator").replace_strict(roll_map, default=None)
    )
    into = pl.col("indicator").is_in(sorted(set(roll_map.values())))
    keys = ["entity", "year", "indicator"]
    return pl.concat(
        [
            lf.filter(~into),
            lf.filter(into).join(rolled.select(keys), on=keys, how="anti"),
            rolled,
        ]
    )


def _year_span(inputs: _Inputs, streaming: bool) -> tuple[int, int] | None:
    """The first and last year the rollup reads; ``None`` if there are no observations."""
    if inputs.read_years is not None:
        return inputs.read_years[0], inputs.read_years[-1]
    span_frame = inputs.frame.select(
        lo=pl.col("year").min(), hi=pl.col("year").max(), blank=pl.col("year").null_count()
    ).collect(engine="streaming" if streaming else "auto")
    if span_frame["blank"][0]:
        raise SoeplanError(
            f"{span_frame['blank'][0]} observation row(s) have no year\n"
            "  fix: fill in the year column of every row"
        )
    if span_frame["lo"][0] is None:
        return None
    return int(span_frame["lo"][0]), int(span_frame["hi"][0])
