"""``soeplan demo``: the yearly run and its report on the bundled sample; shared report options.

The report mode of ``soeplan rollup SUBMISSIONS... --out DIR`` uses :func:`report_options` and
:func:`debt_lines_from` from here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from soeplan.cli._common import cli, lang_option, plan_option, warn_plugin_failures

F = TypeVar("F", bound=Callable[..., Any])


def _help(prefix: str, text: str) -> str:
    whole = prefix + text
    return whole[:1].upper() + whole[1:]


def _run_options(f: F, prefix: str = "") -> F:
    """``--debt-warning``, ``--debt-key``, ``--debt-baselines``, ``--standards``, ``--special``
    and ``--quiet`` (help texts prefixed with ``prefix``)."""
    f = click.option(
        "--quiet", "-q", is_flag=True, default=False, help=_help(prefix, "no progress on stderr.")
    )(f)
    f = click.option(
        "--securitisation-basis",
        type=click.Choice(["total-assets", "net-assets"]),
        default="total-assets",
        show_default=True,
        help=_help(prefix, "the amount the securitisation rate (资产证券化率) compares."),
    )(f)
    f = click.option(
        "--state-capital",
        type=click.Choice(["equity-share", "net-assets"]),
        default="equity-share",
        show_default=True,
        help=_help(
            prefix,
            "state capital (国有资本) by sector: net assets × the register's state share, or the "
            "whole of net assets (a reported state_equity is used where given).",
        ),
    )(f)
    f = click.option(
        "--special",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        metavar="FILE",
        help=_help(prefix, "the special-items list (特殊事项清单) applied before scoring."),
    )(f)
    f = click.option(
        "--standards",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        metavar="FILE",
        help=_help(
            prefix,
            "the year's standard values (企业绩效评价标准值, CSV or .xlsx) for the section "
            "分类考核; the sample uses synthetic ones.",
        ),
    )(f)
    f = click.option(
        "--debt-baselines",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        metavar="FILE",
        help=_help(
            prefix,
            "industry baselines of the debt-risk lines: a CSV industry,year,debt_ratio "
            "(GB/T 4754 codes, ratios as fractions); default: SASAC's class lines "
            "65/70% industrial, 70/75% non-industrial.",
        ),
    )(f)
    f = click.option(
        "--debt-key",
        type=click.FloatRange(0, 150, min_open=True),
        default=70.0,
        show_default=True,
        metavar="PERCENT",
        help=_help(prefix, "debt-ratio key-supervision line (重点监管线), in percent."),
    )(f)
    return click.option(
        "--debt-warning",
        type=click.FloatRange(0, 150, min_open=True),
        default=65.0,
        show_default=True,
        metavar="PERCENT",
        help=_help(
            prefix,
            "debt-ratio warning line (预警线), in percent; default: the plan's binding ceiling.",
        ),
    )(f)


def report_options(f: F) -> F:
    """``--year``, ``--debt-warning``, ``--debt-key`` and ``--quiet``, for report-writing commands."""
    f = _run_options(f)
    return click.option(
        "--year", type=int, default=2023, show_default=True, help="The year to report on."
    )(f)


def report_mode_options(f: F) -> F:
    """The options ``soeplan rollup`` takes for its report mode (``--out DIR``)."""
    f = _run_options(f, "Report mode: ")
    f = plan_option(f)
    f = click.option(
        "--allow-partial",
        is_flag=True,
        default=False,
        help="Total a year even when some units of a scope have no accepted submission; every "
        "partial figure is then marked (部分：缺 …单位) and partial scopes are not assessed. "
        "Without it such a year is refused, listing the missing units.",
    )(f)
    f = click.option(
        "--store",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        metavar="DIR",
        help="An ingest store (soeplan ingest) to read accepted figures from (totals, or with --out the report).",
    )(f)
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        metavar="DIR",
        help="Report mode: write report.xlsx, report.html and summary.md into DIR.",
    )(f)


def report_mode(
    *,
    submissions: tuple[Path, ...],
    out: Path | None,
    store: Path | None,
    sample: bool,
    data: tuple[Path, ...],
    years: tuple[int, ...],
    plan: str,
    lang: str,
    debt_warning: float,
    debt_key: float,
    quiet: bool,
    allow_partial: bool = False,
    debt_baselines: Path | None = None,
    state_capital: str = "equity-share",
    securitisation_basis: str = "total-assets",
    standards: Path | None = None,
    special: Path | None = None,
) -> None:
    """``soeplan rollup ... --out DIR``: the yearly run and its report.

    Long: one parameter per option of the report mode, checked here and handed on."""
    from soeplan.errors import SoeplanError
    from soeplan.run import run_demo, run_submissions

    if out is None:
        raise SoeplanError(
            "submission files are read in report mode only\n"
            "  fix: add --out DIR (e.g. --out report-2023), or use --data FILE to print totals"
        )
    if len(years) != 1:
        raise SoeplanError(
            "report mode reports on one year\n  fix: pass exactly one --year, e.g. --year 2023"
        )
    if data:
        raise SoeplanError(
            "report mode reads submissions (validated), not --data\n"
            "  fix: pass the files as SUBMISSIONS (e.g. soeplan rollup a.csv b.xlsx --out DIR)"
        )
    if sample and (submissions or store is not None):
        raise SoeplanError(
            "give either --sample or submissions/--store, not both\n"
            "  fix: drop --sample to report on the submissions"
        )
    warn_plugin_failures()
    lines = debt_lines_from(debt_warning, debt_key)
    baselines = baselines_from(debt_baselines)
    options = scoring_options(standards, special)
    show = progress_printer(quiet)
    if sample:
        result = run_demo(
            out,
            plan=plan,
            year=years[0],
            lang=lang,
            debt_lines=lines,
            debt_baselines=baselines,
            progress=show,
            capital=capital_from(state_capital, securitisation_basis),
            section_options=options,
        )
    else:
        result = run_submissions(
            submissions,
            out,
            plan=plan,
            year=years[0],
            store=store,
            lang=lang,
            debt_lines=lines,
            debt_baselines=baselines,
            progress=show,
            allow_partial=allow_partial,
            capital=capital_from(state_capital, securitisation_basis),
            section_options=options,
        )
    assert result.out is not None
    for p in result.report.meta.partial:
        click.echo(f"warning: {p.scope}: {p.note('en')}", err=True)
    for s in result.report.set_aside:
        click.echo(f"warning: {s.unit} set aside ({s.errors} blocking finding(s))", err=True)
    for name in ("report.xlsx", "report.html", "summary.md"):
        click.echo(str(result.out / name))


def capital_from(state_capital: str, securitisation_basis: str) -> Any:
    """The office's :class:`~soeplan.capital.definitions.CapitalDefinition` from the options."""
    from soeplan.capital.definitions import (
        CapitalDefinition,
        SecuritisationBasis,
        StateCapitalBasis,
    )

    return CapitalDefinition(
        state_capital=StateCapitalBasis(state_capital),
        securitisation=SecuritisationBasis(securitisation_basis),
    )


def scoring_options(standards: Path | None, special: Path | None) -> dict[str, Any]:
    """The report sections' options for the classified assessment, read and checked first."""
    from soeplan.plugins.registry import get_registry
    from soeplan.scoring.files import read_special_items, read_standards

    catalogue = get_registry().indicators
    options: dict[str, Any] = {}
    if standards is not None:
        options["scoring_standards"] = read_standards(standards, catalogue)
    if special is not None:
        options["scoring_special"] = read_special_items(special, catalogue)
    return options


def debt_lines_from(warning: float, key: float) -> Any:
    from soeplan.report import DebtLines

    if key < warning:
        raise click.BadParameter(
            f"the key-supervision line ({key}%) is below the warning line ({warning}%)",
            param_hint="--debt-key",
        )
    return DebtLines(warning=warning / 100, key_supervision=key / 100)


def baselines_from(path: Path | None) -> dict[tuple[str, int], float] | None:
    """The industry baselines in ``path`` (``--debt-baselines``), read before anything runs."""
    if path is None:
        return None
    from soeplan.assessment.debt_risk import read_baselines

    return read_baselines(path)


def progress_printer(quiet: bool) -> Callable[[str], None]:
    def show(message: str) -> None:
        if not quiet:
            click.echo(f"· {message}", err=True)

    return show


#: Where ``soeplan demo`` writes without ``--out``, by language: one folder per language.
DEMO_OUT = {"zh": "demo-report", "en": "demo-report-en"}


@cli.command("demo")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory to write report.xlsx, report.html and summary.md into "
    "[default: demo-report, or demo-report-en with --lang en].",
)
@plan_option
@lang_option
@report_options
def demo_cmd(
    out: Path | None,
    plan: str,
    lang: str,
    year: int,
    debt_warning: float,
    debt_key: float,
    quiet: bool,
    debt_baselines: Path | None,
    state_capital: str,
    securitisation_basis: str,
    standards: Path | None,
    special: Path | None,
) -> None:
    """Run the yearly municipal run on the bundled SYNTHETIC sample and write its report.

    Consolidates the sample's enterprises through the dated structures of the core and the
    installed plugins, assesses the scopes against the plan's targets and yearly milestones, and
    writes report.xlsx, report.html (self-contained, works offline) and summary.md into OUT.
    Every figure is synthetic and labelled so. Without --out, the Chinese report goes into
    demo-report/ and the English one into demo-report-en/, so neither overwrites the other.

    \b
    Example:
      soeplan demo
      soeplan demo --lang en --year 2022
      soeplan demo --out demo-report --debt-baselines baselines.csv
    """
    from soeplan.run import run_demo

    warn_plugin_failures()
    lines = debt_lines_from(debt_warning, debt_key)
    if out is None:
        out = Path(DEMO_OUT[lang])
    result = run_demo(
        out,
        plan=plan,
        year=year,
        lang=lang,
        debt_lines=lines,
        debt_baselines=baselines_from(debt_baselines),
        progress=progress_printer(quiet),
        capital=capital_from(state_capital, securitisation_basis),
        section_options=scoring_options(standards, special),
    )
    assert result.out is not None
    for name in ("report.xlsx", "report.html", "summary.md"):
        click.echo(str(result.out / name))
