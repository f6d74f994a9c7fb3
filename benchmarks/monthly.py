"""Benchmark the monthly rollup (月度快报; ``nox -s bench``; not part of the tests).

Twelve months multiply the rows: at ``N`` annual rows (default 10M: 50,000 entities × 10 years ×
20 indicators, the tree of ``benchmarks/run.py``) the monthly data holds ``12 × N`` rows (120M).
The data is synthetic (合成数据): each month's figure is the annual one scaled by ``month / 12``,
December's the annual figure itself, so December's rollup must equal the annual one (checked).

Everything is written to Parquet in 5M-row files and read with ``pl.scan_parquet`` and the
streaming engine, in one child process per layout, which times, one after the other:

* ``annual``: :func:`soeplan.consolidation.rollup` of the ``N`` annual rows (the yardstick);
* ``month``: :func:`soeplan.consolidation.period.rollup_period` of June of the last year from the
  ``12 × N`` monthly rows (it reads that month and, for ``roe_avg``, the December before);
* ``december``: the same for December, compared with the annual rollup of that year;
* ``twelve months``: June's rollup done for every month of the last year in turn (a year's
  monthly series), with ``--all-months``.

and reports the child's peak RSS (``resource.getrusage``: the largest of the runs).

Two layouts of the monthly files: ``by month`` (each file holds one month: how a store export or
a monthly drop lands; Parquet's statistics let the scan skip the other months' row groups) and
``interleaved`` (each file holds every month of a slice of the entities: nothing can be skipped,
all ``12 × N`` rows are decoded and filtered).

Usage::

    python benchmarks/monthly.py              # 10M annual, 120M monthly, both layouts
    python benchmarks/monthly.py 1e6          # quick: 1M annual, 12M monthly
    python benchmarks/monthly.py 1e7 --layout by-month --all-months
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
import run as bench  # the annual benchmark's tree and data

CHUNK = 5_000_000

CHILD = """
import json, resource, sys, time
from types import SimpleNamespace
import polars as pl
sys.path.insert(0, {bench_dir!r})
import run as bench
from soeplan.consolidation.period import rollup_period
from soeplan.consolidation.rollup import rollup
from soeplan.periods import Period
rows, last, all_months = {rows}, {last}, {all_months}
entities, years, inds = bench.shape(rows)
structure, _ = bench.build_tree(entities)
reg = SimpleNamespace(indicators=bench.catalogue(inds))
out = {{}}
t0 = time.perf_counter()
annual = rollup(pl.scan_parquet({annual!r}), structure, include_entities=False, registry=reg,
                streaming=True)
out["annual_s"] = time.perf_counter() - t0
monthly = pl.scan_parquet({monthly!r})
t0 = time.perf_counter()
june = rollup_period(monthly, structure, Period(last, 6), include_entities=False, registry=reg,
                     streaming=True)
out["month_s"] = time.perf_counter() - t0
t0 = time.perf_counter()
dec = rollup_period(monthly, structure, Period(last, 12), include_entities=False, registry=reg,
                    streaming=True)
out["december_s"] = time.perf_counter() - t0
year = annual.values.filter(pl.col("year") == last).sort("node", "indicator")
out["december_equals_annual"] = dec.values.drop("month").sort("node", "indicator").equals(year)
out["out_rows"] = june.values.height
if all_months:
    t0 = time.perf_counter()
    for m in range(1, 13):
        rollup_period(monthly, structure, Period(last, m), include_entities=False, registry=reg,
                      streaming=True)
    out["twelve_s"] = time.perf_counter() - t0
out["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps(out))
"""


def monthly_chunk(rows: int, offset: int, count: int, month: int) -> pl.DataFrame:
    """Rows ``offset … offset+count`` of the annual data as ``month``'s 快报 (December exact)."""
    frame = bench.observations(rows, offset, count)
    if month != 12:  # flows and stocks alike scaled: the rollup's work is the same
        frame = frame.with_columns((pl.col("value") * month / 12).round(2))
    return frame.with_columns(pl.lit(month, dtype=pl.Int8).alias("month"))


def write_data(rows: int, workdir: Path, layout: str) -> dict[str, Any]:
    """The annual files and the monthly files of ``layout`` under ``workdir``."""
    entities, years, inds = bench.shape(rows)
    total = entities * years * inds
    (workdir / "annual").mkdir()
    (workdir / "monthly").mkdir()
    t0 = time.perf_counter()
    for n, offset in enumerate(range(0, total, CHUNK)):
        bench.observations(rows, offset, CHUNK).write_parquet(workdir / f"annual/{n:04d}.parquet")
    if layout == "by-month":
        for month in range(1, 13):
            for n, offset in enumerate(range(0, total, CHUNK)):
                monthly_chunk(rows, offset, CHUNK, month).write_parquet(
                    workdir / f"monthly/{month:02d}-{n:04d}.parquet"
                )
    else:  # every month of a slice of the entities in each file
        step = max(1, CHUNK // 12)
        for n, offset in enumerate(range(0, total, step)):
            parts = [monthly_chunk(rows, offset, step, m) for m in range(1, 13)]
            pl.concat(parts).sort("entity", "year", "month").write_parquet(
                workdir / f"monthly/{n:04d}.parquet"
            )
    generated = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in (workdir / "monthly").glob("*.parquet"))
    monthly_rows = pl.scan_parquet(workdir / "monthly/*.parquet").select(pl.len()).collect()
    return {
        "annual_rows": total,
        "monthly_rows": int(monthly_rows.item()),
        "years": years,
        "generate_s": generated,
        "monthly_bytes": size,
    }


def run_layout(rows: int, layout: str, all_months: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="soeplan-bench-monthly-") as tmp:
        workdir = Path(tmp)
        data = write_data(rows, workdir, layout)
        code = CHILD.format(
            bench_dir=str(Path(__file__).parent),
            rows=rows,
            last=2000 + data["years"] - 1,
            all_months=all_months,
            annual=str(workdir / "annual/*.parquet"),
            monthly=str(workdir / "monthly/*.parquet"),
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr}")
    child: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return {**data, **child, "layout": layout}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("sizes", nargs="*", default=["1e7"], help="annual rows (default 1e7)")
    parser.add_argument("--layout", choices=["by-month", "interleaved", "both"], default="both")
    parser.add_argument("--all-months", action="store_true", help="also every month in turn")
    args = parser.parse_args(argv)
    layouts = ["by-month", "interleaved"] if args.layout == "both" else [args.layout]
    print(f"polars {pl.__version__}, {pl.thread_pool_size()} threads; synthetic data (合成数据)")
    for text in args.sizes:
        for layout in layouts:
            r = run_layout(int(float(text)), layout, args.all_months)
            twelve = f", twelve months {r['twelve_s']:.2f} s" if "twelve_s" in r else ""
            print(
                f"{r['monthly_rows']:>12,} monthly rows ({layout}; {r['annual_rows']:,} annual), "
                f"Parquet {r['monthly_bytes'] / 2**30:.2f} GiB, streaming:\n"
                f"    annual rollup  {r['annual_s']:7.2f} s\n"
                f"    June           {r['month_s']:7.2f} s   month/annual = "
                f"{r['month_s'] / r['annual_s']:.2f}\n"
                f"    December       {r['december_s']:7.2f} s   equals the annual rollup: "
                f"{r['december_equals_annual']}{twelve}\n"
                f"    peak RSS {r['peak_rss'] / 2**30:.2f} GiB, {r['out_rows']:,} output rows, "
                f"generated in {r['generate_s']:.0f} s"
            )


if __name__ == "__main__":
    main()
