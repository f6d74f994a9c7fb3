"""Benchmark the command line's start-up (``nox -s bench``; not part of the tests).

A clerk types ``soeplan ...`` many times a day, so the cost of starting the command matters.
This times, as whole processes, ``soeplan --help`` against a plain reference that any polars
tool pays, ``python -c "import click, polars"``, and ``python -c "import soeplan"``. The runs
alternate (A B A B ...) after a warm-up, so a machine whose speed drifts moves both alike; the
figure to quote is the median of the pairwise ratios. The goal (issue 11): ``soeplan --help``
within 1.5x of the reference.

Usage::

    python benchmarks/startup.py            # 15 pairs
    python benchmarks/startup.py --runs 31
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

REFERENCE = [sys.executable, "-c", "import click, polars"]
GOAL = 1.5


def _soeplan() -> list[str]:
    exe = shutil.which("soeplan")
    return [exe, "--help"] if exe else [sys.executable, "-m", "soeplan.cli", "--help"]


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(a: list[str], b: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall seconds of ``a`` and ``b``, run in turn (order alternating) after one warm-up each."""
    _time(a), _time(b)
    ta: list[float] = []
    tb: list[float] = []
    for i in range(runs):
        if i % 2:
            tb.append(_time(b))
            ta.append(_time(a))
        else:
            ta.append(_time(a))
            tb.append(_time(b))
    return ta, tb


def _row(name: str, times: list[float]) -> str:
    return (
        f"{name:<34} min {min(times) * 1e3:7.1f} ms  median {statistics.median(times) * 1e3:7.1f} ms"
        f"  max {max(times) * 1e3:7.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    cli = _soeplan()
    t_cli, t_ref = measure(cli, REFERENCE, args.runs)
    t_imp, _ = measure([sys.executable, "-c", "import soeplan"], REFERENCE, max(5, args.runs // 3))
    ratios = [a / b for a, b in zip(t_cli, t_ref, strict=True)]
    print(_row("soeplan --help", t_cli))
    print(_row('python -c "import click, polars"', t_ref))
    print(_row('python -c "import soeplan"', t_imp))
    median = statistics.median(ratios)
    print(
        f"ratio soeplan --help / reference: median {median:.2f} "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f}); goal <= {GOAL}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
