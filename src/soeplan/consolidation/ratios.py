"""Ratios, recomputed at every node from the rolled-up numerator and denominator.

Reported ratio values are never summed nor used (a hint finding says so): each wanted ratio is
the rolled-up numerator over the rolled-up denominator (or the mean of this year's and last
year's denominator), ``1 −`` that for the ratios so defined, and missing where the denominator
is zero. :func:`_ratios` works on cells; :func:`_wide_ratios` does the same float operations on
wide rows (one column per indicator), so both paths give the same bits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

import polars as pl

from soeplan.indicators import Indicator, Kind, Ratio
from soeplan.rules import Severity


def _ratios(
    values: pl.DataFrame,
    cat: Mapping[str, Indicator],
    out: AbstractSet[str],
    code_of: Mapping[str, int],
    width: int,
    n_nodes: int,
) -> pl.DataFrame:
    """Recompute each wanted ratio at every node from the rolled-up components (cells)."""
    wanted = []
    for code in sorted(out):
        f = cat[code].formula
        usable = f is not None and f.numerator in code_of and f.denominator in code_of
        if cat[code].kind is Kind.RATIO and f is not None and usable:
            wanted.append((code_of[code], f))
    if not wanted:
        return pl.DataFrame(schema={"cell": pl.UInt64, "value": pl.Float64})
    used = sorted({code_of[c] for _, f in wanted for c in (f.numerator, f.denominator)})
    # one pass to the components' rows; the ratios from it in one collect, side by side
    parts = (
        values.lazy()
        .filter((pl.col("cell") % width).is_in(used))
        .select(pos=pl.col("cell") // width, ind=pl.col("cell") % width, value="value")
    )

    def part(code: str, name: str) -> pl.LazyFrame:
        return parts.filter(pl.col("ind") == code_of[code]).select(
            "pos", pl.col("value").alias(name)
        )

    frames = []
    for target, f in wanted:
        num, den = part(f.numerator, "num"), part(f.denominator, "den")
        if f.denominator_average:  # the same node a year before is n_nodes positions back
            prev = den.select(pos=pl.col("pos") + n_nodes, prev="den")
            den = den.join(prev, on="pos").select("pos", den=(pl.col("den") + pl.col("prev")) / 2)
        ratio = pl.col("num") / pl.col("den")
        frames.append(
            num.join(den, on="pos")
            .filter(pl.col("den") != 0)
            .select(
                cell=pl.col("pos") * width + target,
                value=(1 - ratio) if f.one_minus else ratio,
            )
        )
    return pl.concat(pl.collect_all(frames))


def _wide_ratios(
    values: pl.DataFrame,
    ratios: Sequence[tuple[int, Ratio]],
    summed: Sequence[int],
    code_of: Mapping[str, int],
    n_nodes: int,
) -> tuple[pl.DataFrame, set[int]]:
    """:func:`_ratios` for wide rows (``pos``, a column ``c<code>`` per summed indicator): the
    rows with a column per ratio added, and the codes of the columns they now have."""
    # ratios from the rolled-up components: the same operations as _ratios
    have = set(summed)
    if any(f.denominator_average for _, f in ratios):
        prev = values.select(pos=pl.col("pos") + n_nodes, **{f"p{c}": f"c{c}" for c in summed})
        values = values.join(prev, on="pos", how="left")
    extra = {}
    for target, f in ratios:
        num, den = code_of.get(f.numerator, -1), code_of.get(f.denominator, -1)
        if num not in have or den not in have:
            continue
        d = pl.col(f"c{den}")
        if f.denominator_average:
            d = (d + pl.col(f"p{den}")) / 2
        ratio = pl.col(f"c{num}") / d
        extra[f"c{target}"] = pl.when(d != 0).then((1 - ratio) if f.one_minus else ratio)
    values = values.with_columns(**extra)
    have |= {int(c[1:]) for c in extra}
    return values, have


def _ratio_findings(dropped: Sequence[str]) -> list[Mapping[str, Any]]:
    """A hint for each ratio whose reported values were left out (``dropped``)."""
    return [
        dict(
            severity=Severity.HINT.value,
            rule="rollup.ratio_recomputed",
            indicator=code,
            expected="components of the ratio",
            found="reported ratio values",
            message_zh=f"比率 {code} 由汇总后的分子分母重新计算，报送的比率值未使用",
            message_en=f"ratio {code} is recomputed from rolled-up components; reported ratio values were not used",
            fix="report the ratio's components instead",
        )
        for code in dropped
    ]
