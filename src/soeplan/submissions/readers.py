"""Readers: a submitted file → the canonical observation frame.

Every reader returns the same long frame (:data:`OBSERVATION_SCHEMA`): ``unit, entity, year,
indicator, value`` plus the provenance of each value (``file, sheet, row, cell``), the text of a
cell that is not a number (``raw``), and the submitter's explanation (``explanation``). A cell
that holds text where a number belongs is *kept* (``value`` null, ``raw`` the text) so that
validation can report it with its cell instead of the reader stopping at the first one. How a
cell's text is read as a number is :func:`soeplan.submissions.numbers.parse_value`.

Accepted inputs: the workbook written by :func:`soeplan.submissions.template_workbook.write_template` (``.xlsx``),
long-format CSV (UTF-8, UTF-8 with BOM, GBK / GB18030 as Chinese Excel writes it) and Parquet.
A file that cannot be read at all raises :class:`SubmissionReadError` (exit code 2). A workbook
is checked against the limits of :mod:`soeplan.submissions.workbook_limits` before it is read,
and read as a person sees it by :mod:`soeplan.submissions.workbook_reader`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
import polars as pl

from soeplan.context import current
from soeplan.errors import Problem
from soeplan.frames import OBSERVATION_SCHEMA
from soeplan.provenance import PluginFailure
from soeplan.submissions import template as tpl
from soeplan.submissions.numbers import parse_value
from soeplan.submissions.read_errors import SubmissionReadError
from soeplan.submissions.read_errors import read_failure as _fail
from soeplan.submissions.workbook_limits import check_size
from soeplan.submissions.workbook_reader import DataSheet, load_data_sheet

#: Encodings tried, in order, for a CSV file.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
CSV_REQUIRED = ("entity", "year", "indicator", "value")
#: Header aliases accepted in CSV and Parquet files (Chinese headers as people type them).
COLUMN_ALIASES = {
    "单位": "unit",
    "地区": "unit",
    "企业": "entity",
    "企业编号": "entity",
    "年度": "year",
    "年份": "year",
    "月份": "month",
    "指标": "indicator",
    "指标代码": "indicator",
    "数值": "value",
    "说明": "explanation",
}
NEWLINE = b"\n"
SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".csv": "csv", ".parquet": "parquet"}


@attrs.frozen(kw_only=True)
class Submission:
    """One submitted file, read: its observations and what it declares about itself."""

    path: str
    format: str  #: ``xlsx``, ``csv``, ``parquet`` or ``plugin`` (a county's own format)
    unit: str | None  #: the unit the file declares (workbook metadata or a single unit column)
    year: int | None  #: the year the file declares (workbook metadata)
    plan: str | None = None
    synthetic: bool = False
    observations: pl.DataFrame = attrs.field(eq=False)
    #: the month of a 快报 the file declares (a monthly workbook's metadata, or the one value of
    #: a CSV's or Parquet's month column); None for an annual submission
    month: int | None = None


def empty_observations() -> pl.DataFrame:
    return pl.DataFrame(schema=OBSERVATION_SCHEMA)


def _kind(path: Path) -> str:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        if path.suffix.lower() == ".xls":
            raise _fail(
                path,
                "an old-style .xls workbook",
                "open it in Excel or WPS and save it as .xlsx (Excel 工作簿), then submit that",
            )
        raise _fail(
            path,
            f"the file type {path.suffix or '(none)'!r} is not a submission",
            "submit the .xlsx template, a .csv (entity, year, indicator, value) or a .parquet "
            "file; a county's own format needs its plugin (soeplan_load_observations), --unit "
            "and --year",
        )
    return kind


#: What a long-format file's ``note`` says when its figures are synthetic (the sample's own mark).
SYNTHETIC_MARKS = ("示例数据（合成）", "synthetic sample")


def says_synthetic(frame: pl.DataFrame) -> bool:
    """Whether a long-format file says its figures are synthetic: a ``synthetic`` column that is
    true, or a ``note`` carrying the sample's mark (:data:`SYNTHETIC_MARKS`). Anything else is a
    unit's real figures: a note that merely contains 合成 (合成材料公司) or "synthetic" does not
    make a file synthetic.

    >>> import polars as pl
    >>> says_synthetic(pl.DataFrame({"note": ["合成材料公司并表"]}))
    False
    >>> says_synthetic(pl.DataFrame({"note": ["示例数据（合成），非真实企业数据"]}))
    True
    >>> says_synthetic(pl.DataFrame({"synthetic": ["true", "true"]}))
    True
    """
    if "synthetic" in frame.columns:
        flags = {str(v).strip().lower() for v in frame["synthetic"].to_list() if v is not None}
        if flags & {"true", "1", "yes", "是"}:
            return True
    if "note" not in frame.columns:
        return False
    return any(
        mark in str(n).lower() for n in frame["note"].to_list() if n for mark in SYNTHETIC_MARKS
    )


def read_submission(
    path: Path | str, *, unit: str | None = None, year: int | None = None
) -> Submission:
    """Read one submission (``.xlsx``, ``.csv`` or ``.parquet``) into a :class:`Submission`.

    ``unit`` and ``year`` fill in what a CSV or Parquet file does not say; a workbook says both
    itself (its hidden metadata).
    """
    p = Path(path)
    if p.suffix.lower() not in SUFFIXES and p.exists():
        sub = _from_plugins(p, unit, year)
        if sub is not None:
            return sub
    kind = _kind(p)
    if not p.is_file():
        raise _fail(p, "no such file", "check the path and the file name")
    if kind == "xlsx":
        return _read_xlsx(p)
    check_size(p)
    if kind == "csv":
        return _read_csv(p, unit, year)
    return _read_parquet(p, unit, year)


def read_submissions(
    paths: Iterable[Path | str], *, unit: str | None = None, year: int | None = None
) -> list[Submission]:
    """Read several files; every unreadable one is reported at once."""
    out: list[Submission] = []
    problems: list[Problem] = []
    for p in paths:
        try:
            out.append(read_submission(p, unit=unit, year=year))
        except SubmissionReadError as exc:
            problems += exc.problems
    if problems:
        n = len(problems)
        raise SubmissionReadError(
            f"{n} submission{'s' if n != 1 else ''} cannot be read", problems=problems
        )
    return out


def read_observation_files(
    paths: Path | str | Sequence[Path | str], *, unit: str | None = None, year: int | None = None
) -> pl.DataFrame:
    """The observation frame of one or more files, blank cells left out."""
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    subs = read_submissions(items, unit=unit, year=year)
    frames = [s.observations for s in subs]
    frame = pl.concat(frames) if frames else empty_observations()
    return frame.filter(pl.col("value").is_not_null() | pl.col("raw").is_not_null())


# ---------------------------------------------------------------- xlsx


def _read_xlsx(path: Path) -> Submission:
    sheet = load_data_sheet(path)
    meta, sheet_name, code_row, rows = sheet.meta, sheet.name, sheet.code_row, sheet.rows
    codes = [
        str(c).strip() if c is not None else ""
        for c in (rows[code_row - 1] if len(rows) >= code_row else ())
    ]
    if tpl.ENTITY_CODE not in codes:
        raise _fail(
            path,
            f"sheet {sheet_name!r}: the hidden code row {code_row} has no 'entity' column",
            "do not delete the hidden first row or column A; start again from `soeplan template`",
        )
    unit = str(meta["unit"]) if meta.get("unit") else None
    year = int(meta["year"]) if meta.get("year") is not None else None
    if unit is None or year is None:
        raise _fail(
            path,
            f"the hidden sheet {tpl.META_SHEET!r} (unit and year) is missing",
            "start from the workbook written by `soeplan template --unit U --year Y`",
        )
    out = _xlsx_observations(path, sheet, codes, unit, year)
    frame = pl.DataFrame(out, schema=OBSERVATION_SCHEMA) if out else empty_observations()
    return Submission(
        path=str(path),
        format="xlsx",
        unit=unit,
        year=year,
        plan=str(meta["plan"]) if meta.get("plan") else None,
        synthetic=str(meta.get("synthetic", "")).lower() == "true",
        observations=frame,
        month=int(meta["month"]) if meta.get("month") not in (None, "") else None,
    )


def _xlsx_observations(
    path: Path, sheet: DataSheet, codes: Sequence[str], unit: str, year: int
) -> list[dict[str, Any]]:
    """One observation per indicator cell of every data row that is not blank."""
    from openpyxl.utils import get_column_letter

    ecol = codes.index(tpl.ENTITY_CODE)
    xcol = codes.index(tpl.EXPLANATION_CODE) if tpl.EXPLANATION_CODE in codes else None
    skip = {tpl.ENTITY_CODE, tpl.NAME_CODE, tpl.TYPE_CODE, tpl.EXPLANATION_CODE, ""}
    icols = [(j, c) for j, c in enumerate(codes) if c not in skip]
    out: list[dict[str, Any]] = []
    first = sheet.first
    for r, row in enumerate(sheet.rows[first - 1 :], start=first):
        cells = list(row) + [None] * (len(codes) - len(row))
        ent = cells[ecol]
        entity = str(ent).strip() if ent is not None and str(ent).strip() else None
        expl = cells[xcol] if xcol is not None else None
        explanation = str(expl).strip() if expl is not None and str(expl).strip() else None
        parsed = [(j, c, parse_value(cells[j])) for j, c in icols]
        if entity is None and all(v is None and t is None for _, _, (v, t) in parsed):
            continue
        for j, code, (v, t) in parsed:
            out.append(
                {
                    "unit": unit,
                    "entity": entity,
                    "year": year,
                    "indicator": code,
                    "value": v,
                    "raw": t,
                    "explanation": explanation,
                    "file": str(path),
                    "sheet": sheet.name,
                    "row": r,
                    "cell": f"{get_column_letter(j + 1)}{r}",
                }
            )
    return out


# ---------------------------------------------------------------- a county plugin's own format


def _from_plugins(path: Path, unit: str | None, year: int | None) -> Submission | None:
    """Ask the plugins' ``soeplan_load_observations`` hook (the first answer wins).

    A plugin that raises or returns something else than a frame is a plugin failure (reported
    to the registry; in strict plugin mode a :class:`~soeplan.errors.PluginError`), and the next
    plugin is asked. When none answers and one failed, the file is refused naming that plugin,
    not as a file type soeplan does not know.
    """
    if unit is None or year is None:
        return None
    failed: list[PluginFailure] = []
    frame = current().load_observations(unit, year, str(path), failed=failed)
    if frame is None and failed:
        f = failed[0]
        raise _fail(
            path,
            f"the plugin {f.who()} that reads this format failed in {f.stage}: {f.reason}",
            "report it to the plugin's authors (a bug of the plugin, not of your file), or "
            "submit the .xlsx template instead",
        )
    if frame is None:
        return None
    frame = frame.select(
        [pl.col(c).cast(pl.String) if c != "value" else pl.col(c) for c in frame.columns]
    )
    return _long_frame(path, frame, fmt="plugin", unit=unit, year=year, line_offset=1)


# ---------------------------------------------------------------- csv and parquet


def decode_csv(path: Path, data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(
            path,
            "the file is UTF-16 (Excel's 'Unicode text'), which is not accepted",
            "save it as 'CSV UTF-8 (逗号分隔)' or as 'CSV (逗号分隔)' (GBK); accepted encodings: "
            "UTF-8, UTF-8 with BOM, GBK / GB18030",
        )
    for enc in CSV_ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            last = exc
    raise _fail(
        path,
        f"the text cannot be decoded: line {data[: last.start].count(NEWLINE) + 1}, byte "
        f"{last.start} ({data[last.start : last.start + 4]!r}) is neither UTF-8 nor GBK / GB18030",
        "save the file as 'CSV UTF-8 (逗号分隔)'; accepted encodings: UTF-8, UTF-8 with BOM, "
        "GBK / GB18030",
    )


def _normalise_columns(path: Path, columns: Sequence[str]) -> dict[str, str]:
    rename: dict[str, str] = {}
    for c in columns:
        key = c.strip().lstrip("\ufeff")
        target = COLUMN_ALIASES.get(key, key.lower())
        if target not in rename.values():
            rename[c] = target
    return rename


def _long_frame(
    path: Path,
    frame: pl.DataFrame,
    *,
    fmt: str,
    unit: str | None,
    year: int | None,
    line_offset: int,
) -> Submission:
    from openpyxl.utils import get_column_letter

    rename = _normalise_columns(path, frame.columns)
    frame = frame.rename(rename).select(list(dict.fromkeys(rename.values())))
    need = [c for c in CSV_REQUIRED if c not in frame.columns and not (c == "year" and year)]
    if "unit" not in frame.columns and unit is None:
        need.append("unit")
    if need:
        raise _fail(
            path,
            f"missing column{'s' if len(need) > 1 else ''}: {', '.join(need)} "
            f"(found: {', '.join(frame.columns)})",
            "give the columns unit, entity, year, indicator, value (and optionally explanation); "
            "a file without a unit column needs --unit",
        )
    value_col = frame.columns.index("value")
    letter = get_column_letter(value_col + 1)
    rows: list[dict[str, Any]] = []
    for i, r in enumerate(frame.iter_rows(named=True)):
        line = i + line_offset
        v, t = parse_value(r.get("value"))
        y_raw = r.get("year")
        y: int | None
        if y_raw is None or str(y_raw).strip() == "":
            y = year
        else:
            yv, _ = parse_value(str(y_raw).strip().removesuffix("年"))
            # a year that is not a whole number is left blank: core.required reports it
            y = int(yv) if yv is not None and math.isfinite(yv) and float(yv).is_integer() else None
        u = r.get("unit")
        ent = r.get("entity")
        ind = r.get("indicator")
        ex = r.get("explanation")
        rows.append(
            {
                "unit": (str(u).strip() or None) if u is not None else unit,
                "entity": (str(ent).strip() or None) if ent is not None else None,
                "year": y,
                "indicator": (str(ind).strip() or None) if ind is not None else None,
                "value": v,
                "raw": t,
                "explanation": (str(ex).strip() or None) if ex is not None else None,
                "file": str(path),
                "sheet": None,
                "row": line,
                "cell": f"{letter}{line}",
            }
        )
    obs = pl.DataFrame(rows, schema=OBSERVATION_SCHEMA) if rows else empty_observations()
    units = obs["unit"].drop_nulls().unique().to_list()
    years = obs["year"].drop_nulls().unique().to_list()
    synthetic = says_synthetic(frame)
    return Submission(
        path=str(path),
        format=fmt,
        unit=unit or (units[0] if len(units) == 1 else None),
        year=year or (int(years[0]) if len(years) == 1 else None),
        synthetic=synthetic,
        observations=obs,
        month=_month_of(path, frame, line_offset),
    )


def _month_of(path: Path, frame: pl.DataFrame, line_offset: int) -> int | None:
    """The one month of a long file's ``month`` column (None without one): a 快报 file is for
    one month; a month that is not 1–12, or several months in one file, are refused by row."""
    if "month" not in frame.columns:
        return None
    months: dict[int, int] = {}
    for i, raw in enumerate(frame["month"].to_list()):
        text = "" if raw is None else str(raw).strip().removesuffix("月")
        value, _ = parse_value(text) if text else (None, None)
        if value is None or not float(value).is_integer() or not 1 <= value <= 12:
            raise _fail(
                path,
                f"row {i + line_offset}: month {raw!r} is not a month 1–12 (月份应为 1–12)",
                "write the month of the express report (快报) as 1 to 12 in every row",
            )
        months.setdefault(int(value), i + line_offset)
    if len(months) > 1:
        where = ", ".join(f"{m} (from row {r})" for m, r in sorted(months.items()))
        raise _fail(
            path,
            f"the file holds several months: {where} / 一个文件只能报送一个月份",
            "send one file per month (each month's express report is its own submission)",
        )
    return next(iter(months), None)


def _read_csv(path: Path, unit: str | None, year: int | None) -> Submission:
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise _fail(
            path,
            "this is an Excel workbook named .csv",
            "rename it to .xlsx, or save it from Excel as CSV",
        )
    text, _enc = decode_csv(path, data)
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")), infer_schema=False, truncate_ragged_lines=False
        )
    except Exception as exc:
        raise _fail(
            path,
            f"not a readable CSV table ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})",
            "save it as CSV with one header line: unit, entity, year, indicator, value",
        ) from None
    return _long_frame(path, frame, fmt="csv", unit=unit, year=year, line_offset=2)


def _read_parquet(path: Path, unit: str | None, year: int | None) -> Submission:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:
        raise _fail(
            path,
            f"not a readable Parquet file ({type(exc).__name__})",
            "write it again with polars or pandas (.to_parquet), or submit the .xlsx / .csv",
        ) from None
    frame = frame.select(
        [pl.col(c).cast(pl.String) if c != "value" else pl.col(c) for c in frame.columns]
    )
    if "value" in frame.columns and frame.schema["value"] != pl.String:
        frame = frame.with_columns(pl.col("value").cast(pl.Float64))
    return _long_frame(path, frame, fmt="parquet", unit=unit, year=year, line_offset=1)
