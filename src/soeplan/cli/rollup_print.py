"""What ``soeplan rollup`` prints: the totals (exactly in CSV and JSON, rounded in a table), the
findings on stderr, and a month's express reports (快报) with their month."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from soeplan.cli._render import render_rows

if TYPE_CHECKING:
    import polars as pl

    from soeplan.consolidation.records import Rollup
    from soeplan.indicators import Indicator
    from soeplan.periods import Period


def echo_findings(findings: pl.DataFrame, lang: str) -> None:
    """Findings to stderr, one line each."""
    from soeplan.safety import terminal_text

    col = "message_zh" if lang == "zh" else "message_en"
    for r in findings.iter_rows(named=True):
        line = f"{r['severity']}: {r[col]}" + (f"\n    fix: {r['fix']}" if r["fix"] else "")
        click.echo(terminal_text(line), err=True)


def exact_totals(totals: pl.DataFrame, cat: Mapping[str, Indicator], fmt: str) -> str:
    """The totals as CSV or JSON, each figure as exactly as it was computed: a sum to the
    rollup's 1e-8 of its unit (``2090.49``), a ratio at full precision
    (:func:`soeplan.safety.figure_text`)."""
    from soeplan.safety import figure_text, figure_value

    def kind(code: str) -> str:
        ind = cat.get(code)
        return ind.kind.value if ind is not None else "amount"  # an unknown code is summed

    keys = [c for c in totals.columns if c != "value"]  # scope, year (month), indicator
    if fmt == "json":
        items = [
            {**{k: r[k] for k in keys}, "value": figure_value(r["value"], kind(r["indicator"]))}
            for r in totals.iter_rows(named=True)
        ]
        return json.dumps(items, ensure_ascii=False, indent=1) + "\n"
    rows = [
        [*(r[k] for k in keys), figure_text(r["value"], kind(r["indicator"]))]
        for r in totals.iter_rows(named=True)
    ]
    return render_rows([*keys, "value"], rows, "csv")


def print_rollup(
    obs: pl.LazyFrame,
    structure: Any,
    years: Sequence[int],
    period: Period | None,
    indicators: Sequence[str],
    group_reported: str,
    level: str,
    fmt: str,
    lang: str,
    sample: bool,
    partial: Sequence[str],
) -> None:
    """Consolidate and print the figures of ``level`` (the findings on stderr): of ``years``, or
    of a month's express reports (``period``: the period, ``2023-06``, in the year's column of a
    table, ``month`` after ``year`` in CSV and JSON)."""
    import polars as pl

    from soeplan.consolidation.period import rollup_period
    from soeplan.consolidation.records import Rollup, scope_totals
    from soeplan.consolidation.rollup import rollup
    from soeplan.plugins.registry import get_registry
    from soeplan.sample import SYNTHETIC_NOTE

    kwargs: dict[str, Any] = dict(indicators=indicators or None, group_reported=group_reported,
                                  include_entities=level == "entity")  # fmt: skip
    if period is None:
        result = rollup(obs, structure, years=years or None, **kwargs)
    else:
        result = rollup_period(obs, structure, period, **kwargs)
    echo_findings(result.findings, lang)
    for line in partial:
        click.echo(f"# {line}", err=True)
    if period is None or period.is_annual:
        _print_values(result, level, fmt, lang, sample)
        return
    if fmt in ("csv", "json") and level == "scope":
        if sample:
            click.echo(f"# {SYNTHETIC_NOTE(lang)}", err=True)
        totals = scope_totals(result.values.drop("month")).with_columns(
            pl.lit(period.month, dtype=pl.Int8).alias("month")
        )
        totals = totals.select("scope", "year", "month", "indicator", "value")
        click.echo(exact_totals(totals, get_registry().indicators, fmt), nl=False)
        return
    shown = result.values.drop("month")
    if fmt not in ("csv", "json"):  # a table or Markdown: the period where the year stood
        shown = shown.with_columns(pl.lit(str(period)).alias("year"))
    _print_values(Rollup(shown, result.findings, result.structure), level, fmt, lang, sample)


def _print_values(result: Rollup, level: str, fmt: str, lang: str, sample: bool) -> None:
    """The figures of ``level``: the scopes' totals, or each group's or enterprise's."""
    if level != "scope":
        from soeplan.cli.rollup_levels import echo_level

        echo_level(result, level, fmt, lang, sample=sample)
        return
    echo_result(result, fmt, lang, sample=sample)


def echo_result(result: Rollup, fmt: str, lang: str, *, sample: bool) -> None:
    """CSV and JSON exactly (for machines), the table and Markdown rounded (for reading)."""
    from soeplan.consolidation.records import scope_totals
    from soeplan.plugins.registry import get_registry
    from soeplan.sample import SYNTHETIC_NOTE

    if fmt not in ("csv", "json"):
        from soeplan.cli.rollup_levels import echo_scopes

        echo_scopes(result, fmt, lang, sample=sample)
        return
    if sample:
        click.echo(f"# {SYNTHETIC_NOTE(lang)}", err=True)
    click.echo(exact_totals(scope_totals(result), get_registry().indicators, fmt), nl=False)
