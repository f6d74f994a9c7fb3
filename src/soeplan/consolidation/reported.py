"""Groups (and units) that report their own figures: checked against their children's.

A node's own figure stands in for its children's when none of them reports (it is then added
like a leaf's). Where children report too, the own figure is not added: with
``group_reported="check"`` a mismatch with the children's sum is a warning
(``rollup.group_check``); with ``"difference"`` the gap is booked to the node's difference unit
(差额) and propagated, a warning only where there is none; ``"ignore"`` leaves it aside. Nodes
are checked from the deepest up, so a booked gap counts in the checks above it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import polars as pl

from soeplan.consolidation.encoding import _Run
from soeplan.consolidation.inputs import _SCALE
from soeplan.consolidation.propagate import _Contributions, _propagate
from soeplan.consolidation.records import GroupReported
from soeplan.rules import Severity


@attrs.frozen
class _Reported:
    """The propagation after the nodes' own figures."""

    values: pl.DataFrame  # cell, value: every node's propagated sums
    adjusted: bool  # a gap was booked to a difference unit (it overlaps the unit's own row)
    findings: list[Mapping[str, Any]]


def _group_reported(
    contrib: _Contributions,
    values: pl.DataFrame,
    anc: pl.DataFrame,
    nodes: pl.DataFrame,
    mode: GroupReported,
    run: _Run,
) -> _Reported:
    """Own figures of nodes whose children do not report are added; the others checked."""
    leaf_sum, own_sum = contrib.leaf, contrib.own
    grid = run.grid
    if own_sum.is_empty():
        return _Reported(values, False, [])
    width, size = grid.width, grid.span * grid.n_nodes
    c_ind = grid.cell_ind()
    strict = anc.filter(pl.col("pos") != pl.col("anc"))
    below = (
        own_sum.with_columns(pos=pl.col("cell") // width)
        .join(strict, on="pos")
        .select(cell=pl.col("anc") * width + c_ind)
    )
    mine = own_sum.select("cell").unique()
    has_desc = pl.concat([values.join(mine, on="cell", how="semi").select("cell"), below]).unique()
    acting = own_sum.join(has_desc, on="cell", how="anti")
    checked = own_sum.join(has_desc, on="cell", how="semi")
    if not acting.is_empty():
        leaf_sum = pl.concat([leaf_sum, acting])
        values = _propagate(leaf_sum, anc, width, size, run.engine)
    if mode is GroupReported.IGNORE or checked.is_empty():
        return _Reported(values, False, [])
    checked = checked.with_columns(pos=pl.col("cell") // width).join(
        nodes.select("pos", "year", "node", "depth", "diff_child", "unit"), on="pos"
    )
    return _checked(leaf_sum, values, checked, anc, mode, run)


def _checked(
    leaf_sum: pl.DataFrame,
    values: pl.DataFrame,
    checked: pl.DataFrame,
    anc: pl.DataFrame,
    mode: GroupReported,
    run: _Run,
) -> _Reported:
    """The own figures of nodes whose children report, depth by depth from the deepest."""
    grid, codes, inds = run.grid, run.codes, run.inds
    width, size = grid.width, grid.span * grid.n_nodes
    c_ind = grid.cell_ind()
    adjusted = False
    findings: list[Mapping[str, Any]] = []
    for depth in sorted(set(checked["depth"].to_list()), reverse=True):
        level = (
            checked.filter(pl.col("depth") == depth)
            .join(values.rename({"value": "children"}), on="cell", how="left")
            .with_columns(pl.col("children").fill_null(0.0))
        )
        level = level.with_columns(residual=pl.col("value") - pl.col("children"))
        tol = 1e-9 * pl.max_horizontal(pl.lit(1.0), pl.col("value").abs(), pl.col("children").abs())
        level = level.filter(pl.col("residual").abs() > tol)
        if level.is_empty():
            continue
        if mode is GroupReported.DIFFERENCE:
            adjust = level.filter(pl.col("diff_child").is_not_null())
            if not adjust.is_empty():
                delta = adjust.select(
                    cell=(pl.col("pos") - pl.col("node") + pl.col("diff_child")) * width + c_ind,
                    value=pl.col("residual"),
                )
                leaf_sum = pl.concat([leaf_sum, delta])
                adjusted = True
                values = _propagate(leaf_sum, anc, width, size, run.engine)
            level = level.filter(pl.col("diff_child").is_null())
        plain = [pl.col(c) / _SCALE for c in ("value", "children", "residual")]
        level = level.with_columns(
            *plain,
            node=pl.lit(codes.ids).gather("node"),
            indicator=pl.lit(pl.Series(inds.names, dtype=pl.String)).gather(c_ind),
        ).sort("node", "indicator", "year")
        findings += _mismatch_findings(level, mode)
    return _Reported(values, adjusted, findings)


def _mismatch_findings(level: pl.DataFrame, mode: GroupReported) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for r in level.iter_rows(named=True):
        fix = (
            f'add a difference unit (type = "difference", parent = "{r["node"]}") to carry the eliminations'
            if mode is GroupReported.DIFFERENCE
            else "check the group's consolidated figure and its children's, or roll up with "
            'group_reported="difference" to book the gap to its difference unit'
        )
        out.append(
            dict(
                severity=Severity.WARNING.value,
                rule="rollup.group_check",
                unit=r["unit"],
                entity=r["node"],
                indicator=r["indicator"],
                year=r["year"],
                expected=repr(r["children"]),
                found=repr(r["value"]),
                message_zh=f"{r['node']} 报送的 {r['indicator']}（{r['value']!r}）与下级合计（{r['children']!r}）不符，差 {r['residual']!r}",
                message_en=f"{r['node']} reports {r['indicator']} = {r['value']!r} but its children sum to {r['children']!r} (difference {r['residual']!r})",
                fix=fix,
            )
        )
    return out
