"""Compare workbook readers for the submission template (not part of the tests).

Correctness first, then speed. Each reader is asked to return the data sheet's rows as a person
sees them, on workbooks built here by code:

* ``stale``: the template with its sheet's ``<dimension>`` rewritten to ``A1:L10`` (cells past
  it must still be read);
* ``formula``: a formula cell with its cached value, and one saved without one (the cached value
  must come back; the one without must come back empty, so that soeplan can name it);
* ``hidden``: a hidden sheet (the reader must read it, and say that it is hidden);
* ``text``: a text cell ``"0,46"`` in a number column (it must stay text, for validation to
  name it).

Then each reader reads a realistic template (``--entities`` rows × ``--indicators`` columns, 200
× 20 by default) ``--repeat`` times, alternating readers, and the median is printed.

Readers: openpyxl in normal mode; openpyxl ``read_only`` as it is (trusting ``<dimension>``);
openpyxl ``read_only`` after ``ws.reset_dimensions()``; python-calamine; fastexcel (built on
calamine, returning Arrow). The last two are optional: a reader not installed is skipped.

Usage::

    pip install python-calamine fastexcel   # to compare them too
    python benchmarks/readers.py
    python benchmarks/readers.py --entities 2000 --indicators 40 --repeat 5
"""

from __future__ import annotations

import argparse
import io
import random
import re
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

Rows = list[list[Any]]
DATA = "数据填报 Data"


def _build(path: Path, entities: int, indicators: int, *, hidden: bool = False) -> Path:
    """A workbook in the template's layout: hidden code row, headers, one row per entity."""
    rnd = random.Random(1)
    wb = Workbook()
    ws = wb.active
    ws.title = DATA
    codes = ["entity", "name", "node_type", *[f"ind{j}" for j in range(indicators)], "explanation"]
    ws.append(codes)
    ws.row_dimensions[1].hidden = True
    for _ in range(4):
        ws.append(["", *[f"header {j}" for j in range(len(codes) - 1)]])
    for i in range(entities):
        figures = [round(rnd.uniform(0, 500), 2) for _ in range(indicators)]
        ws.append([f"E{i:05d}", f"企业 {i}", "单户 Single", *figures, None])
    if hidden:
        hs = wb.create_sheet("_hidden")
        hs.append(["key", "value"])
        hs.sheet_state = "hidden"
    wb.save(path)
    return path


def _patch(path: Path, edit: Callable[[str, str], str]) -> Path:
    """Rewrite every worksheet part of ``path`` through ``edit(name, xml)``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = edit(info.filename, data.decode()).encode()
            dst.writestr(info, data)
    path.write_bytes(buf.getvalue())
    return path


def stale(path: Path) -> Path:
    _build(path, 30, 20)
    return _patch(
        path, lambda _n, x: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:L10"', x)
    )


def formula(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = DATA
    ws.append([1.5, 2.5, "=A1+B1", "=A1*2"])
    wb.save(path)
    # C1 keeps a cached value (4.0), D1 is saved without one (as a generator that never
    # calculated would write it)
    return _patch(path, lambda _n, x: x.replace("<f>A1+B1</f><v />", "<f>A1+B1</f><v>4</v>"))


def text(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = DATA
    ws.append(["total_assets", "0,46"])
    wb.save(path)
    return path


# ---------------------------------------------------------------- the readers


def op_normal(path: Path, sheet: str) -> Rows:
    wb = load_workbook(path, data_only=True)
    rows = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    wb.close()
    return rows


def op_read_only(path: Path, sheet: str) -> Rows:
    wb = load_workbook(path, read_only=True, data_only=True)
    rows = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    wb.close()
    return rows


def op_reset(path: Path, sheet: str) -> Rows:
    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb[sheet]
    ws.reset_dimensions()
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def calamine(path: Path, sheet: str) -> Rows:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    sh = wb.get_sheet_by_name(sheet)
    rows = [[None if v == "" else v for v in r] for r in sh.to_python(skip_empty_area=False)]
    wb.close()
    return rows


def fastexcel_(path: Path, sheet: str) -> Rows:
    import fastexcel

    reader = fastexcel.read_excel(str(path))
    frame = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    return [list(r) for r in frame.iter_rows()]


def soeplan_(path: Path, sheet: str) -> Rows:
    """What soeplan runs: the survey and the scan of the sheet (limits), then python-calamine."""
    from soeplan.submissions.workbook_reader import load_data_sheet

    return [list(r) for r in load_data_sheet(path).rows]


READERS: dict[str, Callable[[Path, str], Rows]] = {
    "openpyxl normal": op_normal,
    "openpyxl read_only": op_read_only,
    "openpyxl read_only + reset_dimensions": op_reset,
    "python-calamine": calamine,
    "fastexcel": fastexcel_,
    "soeplan (limits + python-calamine)": soeplan_,
}


def _available() -> dict[str, Callable[[Path, str], Rows]]:
    out = {}
    for name, fn in READERS.items():
        module = {"python-calamine": "python_calamine", "fastexcel": "fastexcel"}.get(name)
        if name.startswith("soeplan"):
            module = "python_calamine"
        if module is not None:
            try:
                __import__(module)
            except ImportError:
                print(f"({name} is not installed: skipped)")
                continue
        out[name] = fn
    return out


def _hidden_seen(name: str, path: Path) -> str:
    """Whether the reader tells that ``_hidden`` is hidden."""
    if name.startswith("openpyxl"):
        wb = load_workbook(path, read_only=name != "openpyxl normal")
        state = wb["_hidden"].sheet_state
        wb.close()
        return f"yes ({state})"
    if name == "python-calamine" or name.startswith("soeplan"):
        from python_calamine import CalamineWorkbook

        meta = {m.name: m.visible for m in CalamineWorkbook.from_path(str(path)).sheets_metadata}
        return f"yes ({meta['_hidden']})"
    import fastexcel

    return f"yes ({fastexcel.read_excel(str(path)).load_sheet('_hidden').visible})"


def correctness(readers: dict[str, Callable[[Path, str], Rows]], tmp: Path) -> None:
    s, f, h, t = (
        stale(tmp / "stale.xlsx"),
        formula(tmp / "formula.xlsx"),
        _build(tmp / "hidden.xlsx", 3, 2, hidden=True),
        text(tmp / "text.xlsx"),
    )
    print("\ncorrectness")
    print(f"{'reader':40} {'stale <dimension>':22} {'formulas C1, D1':18} {'hidden':18} text")
    for name, fn in readers.items():
        rows = fn(s, DATA)
        width = max((len(r) for r in rows), default=0)
        stale_ok = f"{len(rows)}x{width}" + (" ok" if len(rows) == 35 and width == 24 else " LOST")
        try:
            fr = fn(f, DATA)[0]
            c1, d1 = [*fr, None, None, None, None][2:4]
            form = f"{c1!r}, {d1!r}"
        except Exception as exc:  # soeplan refuses D1 by name
            form = "refused, names D1" if "(D1)" in str(exc) else f"error {type(exc).__name__}"
        try:
            hid = _hidden_seen(name, h)
        except Exception as exc:  # a reader that cannot tell
            hid = f"no ({type(exc).__name__})"
        tv = fn(t, DATA)[0][1]
        print(f"{name:40} {stale_ok:22} {form:18} {hid:18} {tv!r}")


def speed(
    readers: dict[str, Callable[[Path, str], Rows]], tmp: Path, n: int, k: int, repeat: int
) -> None:
    path = _build(tmp / "big.xlsx", n, k)
    times: dict[str, list[float]] = {name: [] for name in readers}
    for _ in range(repeat):
        for name, fn in readers.items():
            start = time.perf_counter()
            fn(path, DATA)
            times[name].append(time.perf_counter() - start)
    size = path.stat().st_size
    print(f"\nspeed: {n} entities x {k} indicators ({size / 1024:.0f} KB), median of {repeat}")
    for name, ts in times.items():
        print(f"{name:40} {statistics.median(ts) * 1000:8.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=200)
    ap.add_argument("--indicators", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    readers = _available()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        correctness(readers, tmp)
        speed(readers, tmp, args.entities, args.indicators, args.repeat)


if __name__ == "__main__":
    main()
