"""One worksheet's real extent, scanned before it is read: :func:`scan_sheet`.

The extent is the last row and the last column that hold a value or a formula, counted from the
cells themselves, never from the sheet's declared ``<dimension>`` (which any program can leave
stale). The scan streams the sheet's XML in chunks, builds no tree, and stops at the first cell
past the limits, so a sparse sheet with one cell at ``XFD1048576`` is refused at once whatever
its size on disk. It also collects the formula cells saved without a value (a reader of saved
values would see them blank) and the cells holding an Excel error (``#DIV/0!``).

Two scanners give the same answer. The fast one matches cell tags with regular expressions (C
speed, about 20 ms for 2,000 rows × 40 columns) and serves a sheet of plain values whose every
cell names its own coordinate, as Excel, WPS and openpyxl write them. A sheet with anything else
(formulas, error cells, cells without a coordinate, prefixed tags, declarations) is scanned
again, from the start, by the exact one, an expat parser that follows rows and cells as a
reader does.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from typing import IO
from xml.parsers import expat

import attrs

from soeplan.submissions.read_errors import read_failure
from soeplan.submissions.workbook_limits import (
    SAVE_AS_XLSX,
    WORKBOOK_LIMITS,
    WorkbookLimits,
    WorkbookSurvey,
    XmlRefused,
    local_name,
    safe_parser,
)

_CHUNK = 1 << 20
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")
#: a cell tag naming its coordinate; group 3 is "/" for an empty, self-closing cell
_FAST_CELL = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(/?)>')
_ANY_CELL = re.compile(rb"<c[\s/>]")
#: what the fast scanner leaves to the exact one: formulas, error cells, declarations and CDATA,
#: prefixed cell tags
_NOT_PLAIN = (b"<f>", b"<f ", b"<f/", b't="e"', b"<!", b":c ", b":c>", b":row", b":v>")


@attrs.frozen
class SheetScan:
    """A sheet's real extent and the cells a reader of saved values cannot read."""

    rows: int  #: the last row holding a value or a formula (0: none)
    columns: int  #: the last column holding a value or a formula
    formulas_without_value: tuple[str, ...] = ()  #: e.g. ``("D7", "E7")``, at most 1,000
    errors: Mapping[tuple[int, int], str] = attrs.field(factory=dict)  #: (row, col) → ``#REF!``


class _TooLarge(Exception):
    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref


class _NotPlain(Exception):
    """The fast scanner met something it leaves to the exact one."""


def column_number(letters: str) -> int:
    """``"A"`` → 1, ``"XFD"`` → 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    """``1`` → ``"A"``, ``16384`` → ``"XFD"``."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def scan_sheet(survey: WorkbookSurvey, sheet: str) -> SheetScan:
    """The real extent, and the formula and error cells, of ``sheet`` in a surveyed workbook.

    Raises :class:`~soeplan.submissions.read_errors.SubmissionReadError` at the first cell past the
    survey's limits, or when the sheet's XML is damaged.
    """
    part = survey.sheets[sheet].part
    if part is None:
        return SheetScan(rows=0, columns=0)
    path, limits = survey.path, survey.limits
    try:
        with zipfile.ZipFile(path) as zf:
            try:
                with zf.open(part) as fh:
                    return _fast_scan(fh, limits)
            except _NotPlain:
                with zf.open(part) as fh:
                    return _exact_scan(fh, limits)
    except _TooLarge as big:
        raise read_failure(
            path,
            f"单元格超出填报范围 / sheet {sheet!r}: cell {big.ref} holds a value, past the last row {limits.rows} or "
            f"column {column_letters(limits.columns)} ({limits.columns}) a submission may use",
            f"delete what is in {big.ref} and anything else far below or to the right of the "
            "figures (select the rows or columns, right-click → 删除 / Delete), save, and submit "
            "again",
        ) from None
    except (expat.ExpatError, XmlRefused, zipfile.BadZipFile, EOFError, NotImplementedError) as exc:
        raise read_failure(path, f"sheet {sheet!r} is damaged ({exc})", SAVE_AS_XLSX) from None


def _fast_scan(fh: IO[bytes], limits: WorkbookLimits) -> SheetScan:
    """Cell tags by regular expression; raises :class:`_NotPlain` on anything but plain cells."""
    max_row = max_col = 0
    carry = b""
    while True:
        block = fh.read(_CHUNK)
        data = carry + block
        cut = data.rfind(b">") + 1 if block else len(data)
        chunk, carry = data[:cut], data[cut:]
        if any(mark in chunk for mark in _NOT_PLAIN):
            raise _NotPlain
        cells = _FAST_CELL.findall(chunk)
        if len(cells) != len(_ANY_CELL.findall(chunk)):
            raise _NotPlain  # a cell without its coordinate
        columns = {c for c, _, empty in cells if not empty}
        if columns:
            rows = {r for _, r, empty in cells if not empty}
            letters = max(columns, key=lambda c: (len(c), c)).decode()
            last = int(max(rows, key=lambda r: (len(r), r)))
            if column_number(letters) > limits.columns or last > limits.rows:
                raise _TooLarge(_first_too_large(cells, limits))
            max_col = max(max_col, column_number(letters))
            max_row = max(max_row, last)
        if not block:
            return SheetScan(rows=max_row, columns=max_col)


def _first_too_large(cells: list[tuple[bytes, bytes, bytes]], limits: WorkbookLimits) -> str:
    for c, r, empty in cells:
        if not empty and (column_number(c.decode()) > limits.columns or int(r) > limits.rows):
            return f"{c.decode()}{r.decode()}"
    raise AssertionError("unreachable")  # pragma: no cover


class _CellScanner:
    """expat handlers that follow the rows and cells of a sheet, as a reader does."""

    def __init__(self, limits: WorkbookLimits) -> None:
        self.limits = limits
        self.row = self.col = 0
        self.max_row = self.max_col = 0
        self.missing: list[str] = []
        self.errors: dict[tuple[int, int], str] = {}
        self._t = ""
        self._f = self._v = self._is = self._in_v = False
        self._text: list[str] = []

    def start(self, tag: str, a: dict[str, str]) -> None:
        name = local_name(tag)
        if name == "row":
            r = a.get("r", "")
            self.row = int(r) if r.isdigit() else self.row + 1
            self.col = 0
        elif name == "c":
            m = _CELL_REF.match(a.get("r", ""))
            if m:
                self.col, self.row = column_number(m.group(1)), int(m.group(2))
            else:
                self.col += 1
            self._t = a.get("t", "n")
            self._f = self._v = self._is = self._in_v = False
            self._text = []
        elif name == "f":
            self._f = True
        elif name == "v":
            self._in_v = True
        elif name == "is":
            self._is = True

    def text(self, data: str) -> None:
        if self._in_v and len(self._text) < 8:
            self._text.append(data)

    def end(self, tag: str) -> None:
        name = local_name(tag)
        if name == "v":
            self._in_v = False
            self._v = bool("".join(self._text))
        elif name == "c":
            self._end_cell()

    def _end_cell(self) -> None:
        if not (self._v or self._is or self._f):
            return  # a formatted, empty cell: readers skip it
        r, c = self.row, self.col
        ref = f"{column_letters(c)}{r}"
        if r > self.limits.rows or c > self.limits.columns:
            raise _TooLarge(ref)
        self.max_row, self.max_col = max(self.max_row, r), max(self.max_col, c)
        # a formula whose saved result is text may be saved empty (t="str"): that is a blank
        if self._f and not self._v and self._t != "str" and len(self.missing) < 1000:
            self.missing.append(ref)
        if self._t == "e" and self._v:
            self.errors[(r, c)] = "".join(self._text)[:32]


def _exact_scan(fh: IO[bytes], limits: WorkbookLimits = WORKBOOK_LIMITS) -> SheetScan:
    """Follow rows and cells with expat, in chunks, building no tree."""
    scanner = _CellScanner(limits)
    parser = safe_parser()
    parser.buffer_text = True
    parser.StartElementHandler = scanner.start
    parser.EndElementHandler = scanner.end
    parser.CharacterDataHandler = scanner.text
    while chunk := fh.read(_CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return SheetScan(
        rows=scanner.max_row,
        columns=scanner.max_col,
        formulas_without_value=tuple(scanner.missing),
        errors=scanner.errors,
    )
