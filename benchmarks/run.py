"""Benchmark the consolidated rollup (``nox -s bench``; not part of the tests).

For each size (rows of long observations: entity, year, indicator, value) it generates synthetic
data over a realistic tree (hundreds of county-level units, thousands of groups, sub-groups,
tens of thousands of enterprises) and times, in the same process and on the same frame
(soeplan and polars interleaved in alternating order, then DuckDB; medians of ``--repeat``):

* ``soeplan``: :func:`soeplan.consolidation.rollup` to every group, unit and scope, ratios recomputed
  (``include_entities=False``: the entity level is the input itself);
* ``polars 1-level``: a hand-written single-level polars group-by (join entity → unit, group by
  unit, year, indicator, sum);
* ``duckdb``: DuckDB SQL doing the multi-level job (join each row to all its ancestors: groups,
  unit, scopes; group by node, year, indicator; sum).

Each in-memory size runs in a fresh child process, so that one size's leftovers (DuckDB's
buffers, the allocator's state) do not weigh on the next. With ``--parquet`` (default for sizes
≥ 1e8) the data is written to Parquet in chunks and the
soeplan rollup runs in a child process with ``pl.scan_parquet`` and the streaming engine; the
child's peak RSS is measured with ``resource.getrusage``.

Usage::

    python benchmarks/run.py 1e6            # quick
    python benchmarks/run.py 1e6 1e7 --repeat 7
    python benchmarks/run.py 1e8            # Parquet, streaming, peak memory

All data is synthetic (合成数据).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import polars as pl

from soeplan.consolidation.rollup import rollup
from soeplan.indicators import Aggregation, Category, Indicator, Kind, builtin_indicators
from soeplan.structure.compose import compose_structure
from soeplan.structure.dated import Structure
from soeplan.structure.records import CountyUnit, Entity, NodeType, ScopeComposition, UnitStructure

SEED = 20240601
CORE_AMOUNTS = ["total_assets", "net_assets", "revenue", "total_profit", "net_profit"]


def shape(rows: int) -> tuple[int, int, int]:
    """(entities, years, indicators) for about ``rows`` observations."""
    if rows <= 2_000_000:
        entities, years, inds = 20_000, 10, 5
    elif rows <= 20_000_000:
        entities, years, inds = 50_000, 10, 20
    else:
        entities, years, inds = 100_000, 20, 50
    entities = max(1, rows // (years * inds))
    return entities, years, inds


def catalogue(inds: int) -> dict[str, Indicator]:
    cat = {i.code: i for i in builtin_indicators()}
    for k in range(max(0, inds - len(CORE_AMOUNTS))):
        code = f"item_{k:03d}"
        cat[code] = Indicator(
            code=code,
            name_zh=f"报表项目{k}",
            name_en=f"Statement item {k}",
            category=Category.LOCAL,
            unit="亿元",
            kind=Kind.AMOUNT,
            aggregation=Aggregation.SUM,
        )
    return cat


def indicator_codes(inds: int) -> list[str]:
    return (CORE_AMOUNTS + [f"item_{k:03d}" for k in range(inds)])[:inds]


def build_tree(entities: int) -> tuple[Structure, pl.DataFrame]:
    """A tree with 300 units, groups and sub-groups, and ``entities`` enterprises.

    Returns the structure and the ancestor table (entity → every node above it) for DuckDB.
    """
    rnd = random.Random(SEED)
    n_units = 300
    n_groups = max(30, entities // 20)  # thousands of groups for the large sizes
    units = [f"u{u:03d}" for u in range(n_units)]
    records: list[Entity] = []
    group_unit: dict[str, str] = {}
    parent_of: dict[str, str | None] = {}
    for g in range(n_groups):
        gid = f"g{g:05d}"
        unit = units[g % n_units]
        parent = None
        if g >= n_groups // 2 and rnd.random() < 0.5:  # half the later groups are sub-groups
            candidates = [f"g{h:05d}" for h in range(g % n_units, n_groups // 2, n_units)]
            parent = rnd.choice(candidates) if candidates else None
        group_unit[gid] = unit
        parent_of[gid] = parent
        records.append(
            Entity(id=gid, name_zh=gid, unit=unit, node_type=NodeType.GROUP, parent=parent)
        )
    groups = list(group_unit)
    for e in range(entities):
        eid = f"e{e}"
        if rnd.random() < 0.9:
            parent = rnd.choice(groups)
            unit = group_unit[parent]
        else:
            parent, unit = None, units[rnd.randrange(n_units)]
        parent_of[eid] = parent
        records.append(Entity(id=eid, name_zh=eid, unit=unit, parent=parent))
    by_unit: dict[str, list[Entity]] = {u: [] for u in units}
    for r in records:
        by_unit[r.unit].append(r)
    urban = tuple(units[: n_units // 10])
    structure = compose_structure(
        units=[CountyUnit(u, u, u) for u in units],
        scopes=[ScopeComposition("city", tuple(units)), ScopeComposition("urban", urban)],
        registered=[
            ("bench", UnitStructure(unit=u, entities=tuple(es))) for u, es in by_unit.items()
        ],
    )
    unit_of = {r.id: r.unit for r in records}
    rows: list[tuple[str, str]] = []
    urban_set = set(urban)
    for e in range(entities):
        eid = f"e{e}"
        nodes = [eid]
        p = parent_of[eid]
        while p is not None:
            nodes.append(p)
            p = parent_of[p]
        nodes += [unit_of[eid], "city"] + (["urban"] if unit_of[eid] in urban_set else [])
        rows += [(eid, n) for n in nodes]
    anc = pl.DataFrame(rows, schema=["entity", "node"], orient="row")
    return structure, anc


def observations(rows: int, offset: int = 0, count: int | None = None) -> pl.DataFrame:
    """Rows ``offset … offset+count`` of the synthetic observations (deterministic)."""
    entities, years, inds = shape(rows)
    total = entities * years * inds
    count = total - offset if count is None else min(count, total - offset)
    codes = pl.Series(indicator_codes(inds), dtype=pl.String)
    i = pl.int_range(offset, offset + count, eager=True, dtype=pl.Int64).alias("i")
    return pl.DataFrame(i).select(
        entity=pl.lit("e") + (pl.col("i") // (years * inds)).cast(pl.String),
        year=(2000 + (pl.col("i") // inds) % years).cast(pl.Int64),
        indicator=pl.col("i").mod(inds).replace_strict(list(range(inds)), codes.to_list()),
        value=(pl.col("i").hash(SEED) % 1_000_000).cast(pl.Float64) / 100 + 1,
    )


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def run_in_memory(rows: int, repeat: int) -> dict[str, Any]:
    import duckdb

    entities, _years, inds = shape(rows)
    t0 = time.perf_counter()
    structure, anc = build_tree(entities)
    data = observations(rows)
    setup = time.perf_counter() - t0
    reg = SimpleNamespace(indicators=catalogue(inds))
    unit_map = pl.DataFrame(
        {"entity": list(structure.entities), "unit": [e.unit for e in structure.entities.values()]}
    )

    def soeplan_rollup() -> pl.DataFrame:
        return rollup(data, structure, include_entities=False, registry=reg).values

    def polars_one_level() -> pl.DataFrame:
        return (
            data.lazy()
            .join(unit_map.lazy(), on="entity")
            .group_by("unit", "year", "indicator")
            .agg(pl.col("value").sum())
            .collect()
        )

    con = duckdb.connect()
    con.execute(f"SET threads TO {pl.thread_pool_size()}")
    con.register("obs", data.to_arrow())
    con.register("anc", anc.to_arrow())

    def duckdb_sql() -> Any:
        return con.sql(
            "SELECT a.node, o.year, o.indicator, sum(o.value) AS value "
            "FROM obs o JOIN anc a ON o.entity = a.entity GROUP BY ALL"
        ).to_arrow_table()

    t_cold, out = median_time(soeplan_rollup, 1)  # first call: builds the structure's tables
    # soeplan and polars interleaved, in alternating order: a slow spell of the (shared)
    # machine weighs on both alike, and neither always runs first. DuckDB after them, on its
    # own: its large buffers would otherwise slow whichever runs next.
    rounds: dict[str, list[float]] = {"soeplan": [], "polars": []}
    pair = [("soeplan", soeplan_rollup), ("polars", polars_one_level)]
    for r in range(repeat):
        for name, fn in pair if r % 2 == 0 else pair[::-1]:
            rounds[name].append(median_time(fn, 1)[0])
    t_soe, t_pl = statistics.median(rounds["soeplan"]), statistics.median(rounds["polars"])
    t_db, _ = median_time(duckdb_sql, repeat)
    return {
        "rows": data.height,
        "entities": entities,
        "groups": sum(1 for e in structure.entities.values() if e.node_type is NodeType.GROUP),
        "units": len(structure.units),
        "setup_s": setup,
        "soeplan_s": t_soe,
        "soeplan_first_s": t_cold,
        "polars_1level_s": t_pl,
        "duckdb_s": t_db,
        "out_rows": out.height,
    }


CHILD = """
import json, resource, sys, time
from types import SimpleNamespace
import polars as pl
sys.path.insert(0, {bench_dir!r})
import run as bench
from soeplan.consolidation.rollup import rollup
rows = {rows}
entities, years, inds = bench.shape(rows)
structure, _ = bench.build_tree(entities)
reg = SimpleNamespace(indicators=bench.catalogue(inds))
t0 = time.perf_counter()
result = rollup(pl.scan_parquet({glob!r}), structure, include_entities=False, registry=reg,
                streaming=True)
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"soeplan_s": elapsed, "out_rows": result.values.height, "peak_rss": peak}}))
"""


def run_parquet(rows: int, workdir: Path) -> dict[str, Any]:
    entities, years, inds = shape(rows)
    total = entities * years * inds
    chunk = 5_000_000
    t0 = time.perf_counter()
    for n, offset in enumerate(range(0, total, chunk)):
        observations(rows, offset, chunk).write_parquet(workdir / f"part-{n:04d}.parquet")
    gen = time.perf_counter() - t0
    code = CHILD.format(
        bench_dir=str(Path(__file__).parent), rows=rows, glob=str(workdir / "*.parquet")
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr}")
    child = json.loads(proc.stdout.strip().splitlines()[-1])
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    size = sum(p.stat().st_size for p in workdir.glob("*.parquet"))
    return {
        "rows": total,
        "entities": entities,
        "generate_s": gen,
        "parquet_bytes": size,
        "peak_rss_bytes": max(child["peak_rss"], peak_children),
        **{k: v for k, v in child.items() if k != "peak_rss"},
    }


def in_child(rows: int, repeat: int) -> dict[str, Any]:
    """Run one in-memory size in a fresh process: what one size leaves behind (DuckDB's
    buffers, the allocator's state) does not weigh on the next."""
    proc = subprocess.run(
        [sys.executable, __file__, str(rows), "--repeat", str(repeat), "--one"],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("sizes", nargs="*", default=["1e6", "1e7", "1e8"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--parquet", action="store_true", help="Parquet + streaming for all sizes")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # child: JSON out
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_in_memory(int(float(args.sizes[0])), args.repeat)))
        return
    print(f"polars {pl.__version__}, {pl.thread_pool_size()} threads; synthetic data (合成数据)")
    for text in args.sizes:
        rows = int(float(text))
        if args.parquet or rows >= 100_000_000:
            with tempfile.TemporaryDirectory(prefix="soeplan-bench-") as tmp:
                r = run_parquet(rows, Path(tmp))
            print(
                f"{r['rows']:>12,} rows (Parquet, streaming): soeplan {r['soeplan_s']:.2f} s, "
                f"peak RSS {r['peak_rss_bytes'] / 2**30:.2f} GiB, "
                f"{r['out_rows']:,} output rows, Parquet {r['parquet_bytes'] / 2**30:.2f} GiB, "
                f"generated in {r['generate_s']:.0f} s"
            )
            continue
        r = in_child(rows, args.repeat)
        print(
            f"{r['rows']:>12,} rows, {r['entities']:,} entities, {r['groups']:,} groups, "
            f"{r['units']} units (median of {args.repeat}, interleaved):\n"
            f"    soeplan rollup    {r['soeplan_s']:8.3f} s   ({r['out_rows']:,} rows out; "
            f"first call {r['soeplan_first_s']:.3f} s)\n"
            f"    polars 1-level    {r['polars_1level_s']:8.3f} s   "
            f"soeplan/polars = {r['soeplan_s'] / r['polars_1level_s']:.2f}\n"
            f"    duckdb multi-lvl  {r['duckdb_s']:8.3f} s   "
            f"soeplan/duckdb = {r['soeplan_s'] / r['duckdb_s']:.2f}"
        )


if __name__ == "__main__":
    main()
