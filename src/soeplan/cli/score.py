"""``soeplan score``: each enterprise's classified-assessment score, grade and rank in its class."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from soeplan.cli._common import cli, format_option, lang_option, plan_option
from soeplan.cli._render import render_rows
from soeplan.cli.rollup import _inputs, data_options, refuse_implausible
from soeplan.errors import SoeplanError

_FILE = click.Path(dir_okay=False, path_type=Path)
_TOTAL_HEADER = {
    "zh": ("单位", "企业", "功能分类", "行业", "考核方案", "总分", "等级", "类内排名", "缺项"),
    "en": ("Unit", "Enterprise", "Class", "Industry", "Scheme", "Total", "Grade", "Rank in class",
           "Missing items"),
}  # fmt: skip
_ITEM_HEADER = {
    "zh": ("企业", "指标", "权数", "实际值", "标准值行业", "优秀", "良好", "平均", "较低", "较差",
           "所达档次", "得分", "说明"),
    "en": ("Enterprise", "Indicator", "Weight", "Actual", "Standards of", "Excellent", "Good",
           "Average", "Low", "Poor", "Level reached", "Score", "Note"),
}  # fmt: skip


def _standards(path: Path | None, sample: bool, year: int, catalogue: Any) -> Any:
    from soeplan.scoring.defaults import sample_standards
    from soeplan.scoring.files import read_standards

    if path is not None:
        return read_standards(path, catalogue)
    if sample:
        return sample_standards(year)
    raise SoeplanError(
        f"no standard values to score {year} against\n"
        "  fix: add --standards FILE (this year's 企业绩效评价标准值 as CSV or .xlsx, see "
        "docs/reference/scoring-files.md); with --sample the synthetic sample values are used"
    )


def _num(v: float | None, places: int) -> str:
    return "–" if v is None else f"{v:.{places}f}"


def _rows(scores: Any, names: Any, items: bool, lang: str) -> tuple[list[str], list[list[str]]]:
    from soeplan.report.scoring_section import CLASS_WORDS
    from soeplan.scoring.records import BANDS, BELOW_POOR

    if items:
        band = {b.key: b for b in (*BANDS, BELOW_POOR)}
        rows = [
            [
                names.entity(r["entity"])(lang),
                names.indicator(r["indicator"])(lang),
                _num(r["weight"], 0),
                _num(r["actual"], 2),
                r["standard_industry"] or "–",
                *(_num(r[k], 2) for k in ("excellent", "good", "average", "low", "poor")),
                (band[r["band"]].zh if lang == "zh" else band[r["band"]].en) if r["band"] else "–",
                _num(r["score"], 2),
                " ".join(x for x in (r["missing"], "adjusted" if r["adjusted"] else "") if x),
            ]
            for r in scores.items.iter_rows(named=True)
        ]
        return list(_ITEM_HEADER[lang]), rows
    grades = {g.letter: g for g in scores.grades}
    rows = []
    for r in scores.totals.iter_rows(named=True):
        g = grades[r["grade"]]
        fc = CLASS_WORDS.get(r["functional_class"] or "")
        rows.append(
            [
                names.unit(r["unit"])(lang),
                names.entity(r["entity"], r["name_zh"])(lang),
                fc(lang) if fc else "–",
                r["industry"] or "–",
                r["scheme"],
                _num(r["total"], 1),
                f"{g.letter} {g.zh if lang == 'zh' else g.en}",
                str(r["rank"]),
                str(r["missing"]),
            ]
        )
    return list(_TOTAL_HEADER[lang]), rows


@cli.command("score")
@plan_option
@click.option("--year", type=int, required=True, help="The year assessed.")
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Score the accepted submissions of an ingest store, with its enterprise registers.",
)
@data_options
@click.option("--standards", type=_FILE, default=None, metavar="FILE",
              help="The year's standard values (企业绩效评价标准值): CSV or .xlsx.")  # fmt: skip
@click.option("--scheme", "scheme_file", type=_FILE, default=None, metavar="FILE",
              help="The office's schemes (TOML), replacing the registered ones.")  # fmt: skip
@click.option("--special", type=_FILE, default=None, metavar="FILE",
              help="The special-items list (特殊事项清单, CSV or .xlsx), applied before scoring.")  # fmt: skip
@click.option("--items", is_flag=True, default=False,
              help="One row per enterprise and indicator instead of one per enterprise.")  # fmt: skip
@format_option()
@lang_option
def score_cmd(
    plan: str,
    year: int,
    store: Path | None,
    sample: bool,
    data: Sequence[Path],
    structure_files: Sequence[Path],
    standards: Path | None,
    scheme_file: Path | None,
    special: Path | None,
    items: bool,
    fmt: str,
    lang: str,
) -> None:
    """Score each enterprise by the efficacy-coefficient method (分类考核 / 功效系数法).

    Every top-level enterprise of each unit is scored by the scheme of its functional class
    (or its own, 一企一策) against the standard values of its industry; the total's grade is
    A 优 ≥ 85, B 良 ≥ 70, C 中 ≥ 50, D 低 ≥ 40, E 差 below. Without --scheme the registered
    schemes are used (the core's defaults, to be reviewed by the office, and any plugin's).

    \b
    Examples:
      soeplan score --sample --year 2023                       # synthetic standard values
      soeplan score --store store/ --year 2023 --standards 标准值2023.xlsx
      soeplan score --store store/ --year 2023 --standards std.csv --scheme schemes.toml \\
          --special special.csv --items --format csv

    A bad standard-values, scheme or special-items file is refused with every problem named
    (row, column, fix) and exit code 2.
    """
    from soeplan.consolidation.rollup import rollup
    from soeplan.plugins.registry import get_registry
    from soeplan.report.units import Names
    from soeplan.scoring.files import read_schemes, read_special_items
    from soeplan.scoring.score import score_enterprises
    from soeplan.sections import SectionContext

    registry = get_registry()
    catalogue = registry.indicators
    table = _standards(standards, sample, year, catalogue)
    schemes = read_schemes(scheme_file, catalogue) if scheme_file else None
    obs, structure = _inputs(store, sample, data, structure_files)
    obs = refuse_implausible(obs, plan, (year,))
    known = set(structure.entities)
    specials = read_special_items(special, catalogue, known=known) if special else ()
    result = rollup(obs, structure)
    scores = score_enterprises(
        result.values, structure, year, standards=table, schemes=schemes, special=specials
    )
    names = Names(SectionContext(year=year, structure=structure, lang=lang))
    header, rows = _rows(scores, names, items, lang)
    label = "（合成示例标准值）" if table.synthetic else ""
    label_en = " (synthetic sample standard values)" if table.synthetic else ""
    title = (
        f"{year}年分类考核{label}" if lang == "zh" else f"Classified assessment {year}{label_en}"
    )
    click.echo(render_rows(header, rows, fmt, title=title), nl=False)
    for r in scores.unscored.iter_rows(named=True):
        click.echo(f"not scored: {r['entity']} ({r['unit']}): {r['reason']}", err=True)
