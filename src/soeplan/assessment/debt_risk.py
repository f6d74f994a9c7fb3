"""Debt-risk monitoring as the 2018 guidance sets it: lines from each enterprise's industry.

中共中央办公厅、国务院办公厅《关于加强国有企业资产负债约束的指导意见》(2018) sets each
enterprise's lines from its industry: the **baseline** is the industry's prior-year average
debt ratio (本行业上年度规模以上全部企业平均资产负债率), the **warning line** (预警线) is the
baseline + 5 percentage points, the **key-supervision line** (重点监管线) the baseline + 10 pp;
they apply to groups on their consolidated statements as well. Where no baseline is given for
an industry, soeplan uses SASAC's class defaults (国资委 2017 central-enterprise practice):
65% / 70% for industrial enterprises, 70% / 75% for non-industrial ones.

An entity's industry is a GB/T 4754 code (:attr:`soeplan.Entity.industry`, e.g. ``E48``); it is
**industrial** (工业) when its section is B (采矿业), C (制造业) or D (电力、热力、燃气及水生产
和供应业), as the National Bureau of Statistics counts 工业. A baseline is looked up for the
code, then for its section letter. An entity without an industry gets the industrial pair
(the stricter one, and the plan's own 65% ceiling), marked *unclassified*. A group without an
industry of its own takes its main business's: the industry of its largest member by total
assets.

The baselines come from a small CSV (:func:`read_baselines`): ``industry,year,debt_ratio``,
ratios as fractions.

>>> from soeplan.assessment.debt_risk import lines_for
>>> a = lines_for("E48", 2023, {("E", 2022): 0.62})     # E48 falls back to section E's baseline
>>> (a.baseline, round(a.warning, 2), round(a.key, 2), a.source)
(0.62, 0.67, 0.72, 'baseline')
>>> b = lines_for("E48", 2023, {})      # construction is not industrial: 70 / 75
>>> (b.industrial, b.warning, b.key, b.source)
(False, 0.7, 0.75, 'default')
>>> lines_for("D46", 2023, {}).warning  # water supply is (section D): 65 / 70
0.65
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from pathlib import Path

import attrs
import polars as pl

from soeplan.errors import Problem, SoeplanError
from soeplan.structure.records import industry_problem

__all__ = [
    "DEBT_RISK_SCHEMA",
    "DebtBaselineError",
    "RiskLines",
    "debt_risk_watch",
    "lines_for",
    "read_baselines",
]

#: Sections of GB/T 4754 that make 工业 (industry): mining, manufacturing, utilities.
INDUSTRIAL_SECTIONS = frozenset("BCD")
#: The guidance's margins over the industry baseline: warning + 5 pp, key supervision + 10 pp.
WARNING_MARGIN, KEY_MARGIN = 0.05, 0.10
#: SASAC's class defaults (warning, key supervision) when no baseline is given.
DEFAULT_LINES: Mapping[bool, tuple[float, float]] = {True: (0.65, 0.70), False: (0.70, 0.75)}

Baselines = Mapping[tuple[str, int], float]


class DebtBaselineError(SoeplanError):
    """An industry-baseline file that cannot be used."""


@attrs.frozen(kw_only=True)
class RiskLines:
    """An entity's debt-ratio lines in one year, and where they come from."""

    industry: str | None
    industrial: bool
    baseline: float | None  #: the industry's prior-year average (``None``: class default)
    warning: float
    key: float
    source: str  #: ``"baseline"`` or ``"default"``


def lines_for(industry: str | None, year: int, baselines: Baselines) -> RiskLines:
    """The lines of an entity of ``industry`` in ``year`` (the baseline of ``year − 1``)."""
    industrial = industry is None or industry[0] in INDUSTRIAL_SECTIONS
    for code in (industry, industry[0] if industry else None):
        if code is not None and (code, year - 1) in baselines:
            base = baselines[(code, year - 1)]
            return RiskLines(
                industry=industry,
                industrial=industrial,
                baseline=base,
                warning=base + WARNING_MARGIN,
                key=base + KEY_MARGIN,
                source="baseline",
            )
    warning, key = DEFAULT_LINES[industrial]
    return RiskLines(
        industry=industry,
        industrial=industrial,
        baseline=None,
        warning=warning,
        key=key,
        source="default",
    )


def _bad(path: Path, row: int, what: str, fix: str) -> Problem:
    return Problem(f"{path}, row {row}", what, fix)


def read_baselines(path: Path | str) -> dict[tuple[str, int], float]:
    """Read an industry-baseline CSV (``industry,year,debt_ratio``; a ratio as a fraction).

    Every problem of the file is reported at once, by row; nothing is returned from a file with
    any problem. A percentage (57.3 for 57.3 %) is refused: the ratio is a fraction.
    """
    path = Path(path)
    fix_header = "give a UTF-8 CSV with the header industry,year,debt_ratio"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DebtBaselineError(
            f"{path}: cannot be read ({type(exc).__name__})",
            problems=[Problem(str(path), "cannot be read as UTF-8 text", fix_header)],
        ) from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in ("industry", "year", "debt_ratio") if c not in header]
    if missing:
        raise DebtBaselineError(
            f"{path}: no column {', '.join(missing)}",
            problems=[
                Problem(f"{path}, header", f"has {', '.join(header) or 'nothing'}", fix_header)
            ],
        )
    out: dict[tuple[str, int], float] = {}
    problems: list[Problem] = []
    for i, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        code, year_text, ratio_text = row["industry"], row["year"], row["debt_ratio"]
        if wrong := industry_problem(code):
            problems.append(_bad(path, i, f"industry {wrong}", "use a GB/T 4754 code, e.g. E48"))
            continue
        try:
            year, ratio = int(year_text), float(ratio_text)
        except ValueError:
            problems.append(
                _bad(path, i, f"year {year_text!r} or debt_ratio {ratio_text!r} is not a number",
                     "write a year as 2022 and a ratio as a fraction, e.g. 0.573")
            )  # fmt: skip
            continue
        if not (math.isfinite(ratio) and 0 < ratio < 1):
            problems.append(
                _bad(path, i, f"debt_ratio {ratio_text} of {code} is not a fraction in (0, 1)",
                     "write the ratio as a fraction: 0.573 for 57.3 %")
            )  # fmt: skip
            continue
        if (code, year) in out:
            problems.append(
                _bad(path, i, f"{code} {year} is given twice", "keep one baseline per industry and year")
            )  # fmt: skip
            continue
        out[(code, year)] = ratio
    if problems:
        raise DebtBaselineError(
            f"{path}: {len(problems)} problem(s) in the industry baselines", problems=problems
        )
    return out


#: Columns of the frame :func:`debt_risk_watch` returns, in order.
DEBT_RISK_SCHEMA: dict[str, pl.DataType] = {
    "entity": pl.String(),
    "name": pl.String(),
    "unit": pl.String(),
    "level": pl.String(),
    "industry": pl.String(),
    "industrial": pl.Boolean(),
    "baseline": pl.Float64(),
    "source": pl.String(),
    "warning_line": pl.Float64(),
    "key_line": pl.Float64(),
    "debt_ratio": pl.Float64(),
    "previous": pl.Float64(),
    "change": pl.Float64(),
    "years_above_warning": pl.Int32(),
    "years_above_key": pl.Int32(),
    "severity": pl.String(),
}


def _industries(structure: object, values: pl.DataFrame, year: int) -> dict[str, str | None]:
    """Each node's industry; a group without one takes its largest member's (by total assets)."""
    entities = getattr(structure, "entities", {})
    own = {k: e.industry for k, e in entities.items()}
    if structure is None:
        return own
    snap = structure.at(year)  # type: ignore[attr-defined]
    assets = dict(
        values.filter((pl.col("year") == year) & (pl.col("indicator") == "total_assets"))
        .select("node", "value")
        .iter_rows()
    )
    for g in snap:
        if snap[g].node_type.value == "group" and not own.get(g):
            members = [m for m in snap if g in snap.ancestors(m) and own.get(m)]
            if members:
                own[g] = own[max(members, key=lambda m: (assets.get(m) or 0.0, m))]
    return own


def _run(ratios: Mapping[int, float], year: int, line: Mapping[int, float]) -> int:
    run, y = 0, year
    while y in ratios and y in line and ratios[y] >= line[y]:
        run, y = run + 1, y - 1
    return run


def debt_risk_watch(
    values: pl.DataFrame,
    year: int,
    structure: object = None,
    baselines: Baselines | None = None,
    *,
    everyone: bool = False,
) -> pl.DataFrame:
    """The debt watch list of ``year``: every enterprise and group at or above its warning line.

    ``values``: a rollup's long frame (``node, node_type, name_zh, unit, year, indicator,
    value``; a group's figures are its consolidated ones). ``everyone`` lists every entity,
    not only those at or above the warning line. Ordered by severity: key supervision first,
    then by how far above its warning line, then by id. Difference units are left out.
    """
    base = baselines or {}
    ratio = values.filter(
        pl.col("node_type").is_in(["entity", "group"])
        & (pl.col("indicator") == "debt_ratio")
        & pl.col("value").is_not_null()
        & pl.col("value").is_finite()
        & (pl.col("year") <= year)
    )
    industries = _industries(structure, values, year)
    skip = set()
    if structure is not None:
        snap = structure.at(year)  # type: ignore[attr-defined]
        skip = {e for e in snap if snap[e].node_type.value == "difference"}
    rows = []
    now = ratio.filter(pl.col("year") == year)
    for node, node_type, name, unit, value in now.select(
        "node", "node_type", "name_zh", "unit", "value"
    ).iter_rows():
        if node in skip:
            continue
        ind = industries.get(node)
        history = dict(ratio.filter(pl.col("node") == node).select("year", "value").iter_rows())
        lines = {y: lines_for(ind, y, base) for y in history}
        here = lines[year]
        severity = "key" if value >= here.key else "warning" if value >= here.warning else None
        if severity is None and not everyone:
            continue
        prev = history.get(year - 1)
        rows.append(
            {
                "entity": node,
                "name": name or node,
                "unit": unit,
                "level": "group" if node_type == "group" else "entity",
                "industry": ind,
                "industrial": here.industrial,
                "baseline": here.baseline,
                "source": here.source,
                "warning_line": here.warning,
                "key_line": here.key,
                "debt_ratio": value,
                "previous": prev,
                "change": None if prev is None else value - prev,
                "years_above_warning": _run(
                    history, year, {y: v.warning for y, v in lines.items()}
                ),
                "years_above_key": _run(history, year, {y: v.key for y, v in lines.items()}),
                "severity": severity,
            }
        )
    rank = {"key": 0, "warning": 1, None: 2}
    rows.sort(
        key=lambda r: (
            rank[r["severity"]],
            -(float(r["debt_ratio"]) - float(r["warning_line"])),
            str(r["entity"]),
        )
    )
    return (
        pl.DataFrame(rows, schema=DEBT_RISK_SCHEMA)
        if rows
        else pl.DataFrame(schema=DEBT_RISK_SCHEMA)
    )
