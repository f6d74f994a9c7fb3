"""Write the report's three files into a directory, atomically.

Everything is written into a temporary directory beside the destination, then moved into place:
an interrupted run never leaves a half-written report behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import polars as pl

from soeplan.errors import SoeplanError
from soeplan.report.html import write_html
from soeplan.report.markdown import write_markdown
from soeplan.report.model import Report
from soeplan.report.xlsx import write_workbook
from soeplan.safety import csv_frame

#: The files a report directory holds.
REPORT_FILES = ("report.xlsx", "report.html", "summary.md")


#: The consolidated input observations, written beside the report when the run read files,
#: so that ``soeplan explain --data DIR/observations.csv`` can trace any figure.
OBSERVATIONS_FILE = "observations.csv"


def write_report(
    report: Report, out: Path | str, *, observations: pl.DataFrame | None = None
) -> Path:
    """Write ``report.xlsx``, ``report.html`` and ``summary.md`` into ``out`` (created if needed).

    With ``observations`` (the accepted ``unit, entity, year, indicator, value`` the report was
    consolidated from), also :data:`OBSERVATIONS_FILE`, at full precision (a text that starts
    like a formula with a leading ``'``, :func:`soeplan.safety.csv_frame`). Files of an earlier
    report in ``out`` are replaced; other files there are left alone.
    """
    writers: dict[str, Callable[[Path], object]] = {
        "report.xlsx": lambda p: write_workbook(report, p),
        "report.html": lambda p: write_html(report, p),
        "summary.md": lambda p: write_markdown(report, p),
    }
    if observations is not None:
        writers[OBSERVATIONS_FILE] = lambda p: csv_frame(observations).write_csv(p)
    return write_files(out, writers)


def write_files(out: Path | str, writers: Mapping[str, Callable[[Path], object]]) -> Path:
    """Write each file of ``writers`` (its name to the function that writes it at a path) into
    ``out``, all or none: into a temporary directory beside ``out``, then moved into place.
    Files of the same names in ``out`` are replaced; other files there are left alone."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise SoeplanError(
            f"{out} exists and is not a directory\n  fix: give --out a directory path"
        )
    parent = out.parent if out.parent != Path("") else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    except OSError as exc:
        raise SoeplanError(
            f"cannot write into {parent}: {exc.strerror}\n  fix: choose a writable --out directory"
        ) from None
    try:
        for name, write in writers.items():
            write(tmp / name)
        if not out.exists():
            os.replace(tmp, out)
        else:
            for name in writers:
                os.replace(tmp / name, out / name)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out
