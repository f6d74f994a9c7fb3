"""Read and check the files of classified assessment: schemes, standard values, special items.

Every reader reports every problem of a file at once, each naming the place (file, scheme and
item, or row and column; sheet and cell for a workbook) and the fix, and returns nothing from a
file with any problem (:class:`~soeplan.errors.DataFileError`, exit code 2 on the command line).
docs/reference/scoring-files.md documents the formats.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from soeplan._toml import read_toml
from soeplan.errors import DataFileError, Problem
from soeplan.indicators import Direction, Indicator, Kind
from soeplan.scoring.efficacy import standards_problem
from soeplan.scoring.records import (
    ALL_INDUSTRIES,
    BANDS,
    Scheme,
    SchemeItem,
    SpecialItem,
    StandardRow,
    StandardTable,
)
from soeplan.structure.records import FunctionalClass, industry_problem

__all__ = ["read_schemes", "read_special_items", "read_standards", "scheme_problems"]

_HUNDRED = Decimal(100)
_CLASS_WORDS = {
    **{c.value: c for c in FunctionalClass},
    **{c.zh: c for c in FunctionalClass},
}


def scheme_problems(
    scheme: Scheme, indicators: Mapping[str, Indicator] | None, where: str
) -> list[Problem]:
    """What is wrong with a scheme: weights not summing to 100, unknown (when ``indicators`` is
    given) or repeated indicators, neither or both of a class and an enterprise."""
    out = []
    if scheme.weight_total != _HUNDRED:
        parts = " + ".join(f"{i.indicator} {i.weight}" for i in scheme.items) or "no items"
        out.append(
            Problem(
                where,
                f"the weights sum to {scheme.weight_total} ({parts}), not 100",
                "change the weights so that they add up to 100",
            )
        )
    seen: set[str] = set()
    for k, item in enumerate(scheme.items):
        here = f"{where}, item[{k}] ({item.indicator})"
        if indicators is not None and item.indicator not in indicators:
            out.append(
                Problem(
                    here,
                    f"indicator {item.indicator!r} is not in the catalogue",
                    "use a code that `soeplan catalogue` lists",
                )
            )
        if item.indicator in seen:
            out.append(Problem(here, "the indicator is listed twice", "list it once"))
        seen.add(item.indicator)
        if item.weight <= 0:
            out.append(Problem(here, f"weight {item.weight} is not positive", "give it points > 0"))
    if (scheme.functional_class is None) == (scheme.entity is None):
        out.append(
            Problem(
                where,
                "a scheme applies to a functional class or to one enterprise",
                'give either functional_class = "commercial_1" or entity = "<entity id>"',
            )
        )
    return out


def _scheme(raw: Any, where: str, defaults: Mapping[str, Any], problems: list[Problem]) -> Any:
    if not isinstance(raw, Mapping):
        problems.append(Problem(where, "is not a table", "write it as [[scheme]]"))
        return None
    items = []
    for k, it in enumerate(raw.get("item", [])):
        here = f"{where}.item[{k}]"
        code = str(it.get("indicator", "")) if isinstance(it, Mapping) else ""
        try:
            weight = Decimal(str(it["weight"]))
            direction = Direction(it["direction"]) if "direction" in it else None
        except (KeyError, TypeError, InvalidOperation, ValueError):
            problems.append(
                Problem(
                    here,
                    "needs an indicator, a numeric weight, and direction higher|lower",
                    'write indicator = "roe_avg", weight = 30 (direction = "lower" optional)',
                )
            )
            continue
        ind = defaults["indicators"].get(code)
        items.append(
            SchemeItem(
                indicator=code,
                weight=weight,
                direction=direction or (ind.direction if ind else Direction.HIGHER),
                note=str(it.get("note", "")),
            )
        )
    fc = raw.get("functional_class")
    if fc is not None and str(fc) not in _CLASS_WORDS:
        problems.append(
            Problem(
                f"{where}.functional_class",
                f"{fc!r} is not a functional class",
                "use commercial_1 (商业一类), commercial_2 (商业二类) or public (公益类)",
            )
        )
        return None
    return Scheme(
        id=str(raw.get("id", "")) or where,
        name_zh=str(raw.get("name_zh", raw.get("id", ""))),
        name_en=str(raw.get("name_en", raw.get("id", ""))),
        items=tuple(items),
        functional_class=_CLASS_WORDS[str(fc)] if fc is not None else None,
        entity=str(raw["entity"]) if raw.get("entity") else None,
        unit=str(raw["unit"]) if raw.get("unit") else None,
        source=str(raw.get("source", defaults["source"])),
        default=bool(raw.get("default", defaults["default"])),
        note_zh=str(raw.get("note_zh", "")),
        note_en=str(raw.get("note_en", "")),
    )


def read_schemes(path: Path | str, indicators: Mapping[str, Indicator]) -> tuple[Scheme, ...]:
    """The ``[[scheme]]`` tables of a TOML file, each checked (:func:`scheme_problems`)."""
    path = Path(path)
    raw = read_toml(path, kind="assessment scheme file")
    problems: list[Problem] = []
    defaults = {
        "indicators": indicators,
        "source": str(raw.get("source", path.name)),
        "default": bool(raw.get("default", False)),
    }
    out = []
    ids: set[str] = set()
    for i, table in enumerate(raw.get("scheme", [])):
        where = f"scheme[{i}]"
        scheme = _scheme(table, where, defaults, problems)
        if scheme is None:
            continue
        where = f"scheme[{i}] ({scheme.id})"
        if scheme.id in ids:
            problems.append(Problem(where, "the id is used twice", "give each scheme its own id"))
        ids.add(scheme.id)
        problems += scheme_problems(scheme, indicators, where)
        out.append(scheme)
    if not out and not problems:
        problems.append(Problem(str(path), "holds no [[scheme]]", "add at least one scheme"))
    if problems:
        raise DataFileError(path, problems)
    return tuple(out)


#: The columns of a standard-values file, with the headers a published table may use instead.
STANDARD_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "year": ("year", "年度", "年份"),
    "industry": ("industry", "行业代码"),
    "industry_name": ("industry_name", "行业", "行业名称"),
    "indicator": ("indicator", "指标", "指标名称"),
    "excellent": ("excellent", "优秀值", "优秀"),
    "good": ("good", "良好值", "良好"),
    "average": ("average", "平均值", "平均"),
    "low": ("low", "较低值", "较低"),
    "poor": ("poor", "较差值", "较差"),
    "source": ("source", "来源"),
}
_OPTIONAL = {"industry_name", "source"}


def _header(cells: list[str], columns: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    found = {}
    for i, cell in enumerate(cells):
        for key, names in columns.items():
            if cell.strip() in names and key not in found:
                found[key] = i
    return found


def _csv_rows(path: Path) -> Iterator[tuple[str, list[str]]]:
    text = path.read_text(encoding="utf-8-sig")
    for n, row in enumerate(csv.reader(text.splitlines()), start=1):
        yield f"row {n}", row


def _xlsx_rows(path: Path) -> Iterator[tuple[str, list[str]]]:
    """The first sheet's rows as text, after the workbook passed the submission limits."""
    from openpyxl import load_workbook

    from soeplan.submissions.workbook_limits import survey_workbook

    survey_workbook(path)
    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        ws = wb.worksheets[0]
        for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
            yield f"sheet {ws.title}, row {n}", ["" if v is None else str(v) for v in row]
    finally:
        wb.close()


def _rows(path: Path) -> Iterator[tuple[str, list[str]]]:
    if not path.is_file():
        raise DataFileError(path, [Problem(str(path), "file not found", "check the path")])
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path)
    if path.suffix.lower() != ".csv":
        raise DataFileError(
            path, [Problem(str(path), "not a .csv or .xlsx file", "save the table as CSV or .xlsx")]
        )
    try:
        return iter(list(_csv_rows(path)))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(
            path,
            [
                Problem(
                    str(path),
                    f"cannot be read as UTF-8 text ({type(exc).__name__})",
                    "save it as CSV UTF-8",
                )
            ],
        ) from None


def _table(
    path: Path, columns: Mapping[str, tuple[str, ...]], optional: Collection[str], header: str
) -> tuple[dict[str, int], Iterator[tuple[str, list[str]]]]:
    """The columns found in a file's header row, and its other rows; a missing column refused."""
    rows = _rows(path)
    head_where, head = next(rows, ("row 1", []))
    cols = _header(head, columns)
    missing = [k for k in columns if k not in cols and k not in optional]
    if missing:
        fix = f"the header is {header}"
        raise DataFileError(
            path, [Problem(f"{head_where} (header)", f"no column {', '.join(missing)}", fix)]
        )
    return cols, rows


def _indicator_code(text: str, indicators: Mapping[str, Indicator]) -> str | None:
    if text in indicators:
        return text
    by_name = {i.name_zh: i.code for i in indicators.values()}
    return by_name.get(text)


def _standard_row(
    cells: Mapping[str, str],
    where: str,
    indicators: Mapping[str, Indicator],
    problems: list[Problem],
) -> StandardRow | None:
    """Long: one row's every check (year, industry, indicator, five numbers, their order),
    each problem named by its column."""
    n = len(problems)
    try:
        year = int(cells["year"])
    except ValueError:
        problems.append(
            Problem(
                f"{where}, column year",
                f"{cells['year']!r} is not a year",
                "write the year the values apply to, e.g. 2023",
            )
        )
        year = 0
    industry = cells["industry"].strip()
    if industry in ("全行业", "全国国有企业"):
        industry = ALL_INDUSTRIES
    if industry != ALL_INDUSTRIES and (wrong := industry_problem(industry)):
        problems.append(
            Problem(
                f"{where}, column industry",
                f"industry {wrong}",
                "use a GB/T 4754 code (e.g. E48, or C for 制造业) or * for all",
            )
        )
    code = _indicator_code(cells["indicator"].strip(), indicators)
    if code is None:
        problems.append(
            Problem(
                f"{where}, column indicator",
                f"{cells['indicator']!r} is not an indicator of the catalogue",
                "use a code or Chinese name that `soeplan catalogue` lists, e.g. roe_avg",
            )
        )
    values = []
    for band in BANDS:
        text = cells[band.key].strip().rstrip("%")
        try:
            values.append(Decimal(text))
        except InvalidOperation:
            problems.append(
                Problem(
                    f"{where}, column {band.key} ({band.zh}值)",
                    f"{cells[band.key]!r} is not a number",
                    "type the published value as a number (10.5 for 10.5 %)",
                )
            )
    if len(problems) > n or code is None:
        return None
    higher = indicators[code].direction is Direction.HIGHER
    if (wrong := standards_problem(values, higher_is_better=higher)) is not None:
        problems.append(
            Problem(
                f"{where} ({industry} {code})",
                wrong,
                "check the row against the published table: the five values must be in order",
            )
        )
        return None
    return StandardRow(
        year=year,
        industry=industry,
        indicator=code,
        values=tuple(values),  # type: ignore[arg-type]
        industry_name=cells.get("industry_name", ""),
        source=cells.get("source", ""),
        row=int(where.rsplit("row ", 1)[-1]),
    )


def read_standards(
    path: Path | str, indicators: Mapping[str, Indicator], *, synthetic: bool = False
) -> StandardTable:
    """Read a standard-values table (CSV, or the first sheet of an .xlsx), every row checked.

    Columns (English or Chinese headers, any order; :data:`STANDARD_COLUMNS`): year, industry,
    indicator, the five values excellent … poor (优秀值 … 较差值), and optionally industry_name
    and source. Ratio indicators are written in percent as published (10.5 for 10.5 %).
    """
    path = Path(path)
    header = (
        "year,industry,industry_name,indicator,excellent,good,average,low,poor,source "
        "(or 年度,行业代码,行业,指标,优秀值,良好值,平均值,较低值,较差值,来源)"
    )
    cols, rows = _table(path, STANDARD_COLUMNS, _OPTIONAL, header)
    problems: list[Problem] = []
    out: list[StandardRow] = []
    seen: dict[tuple[int, str, str], str] = {}
    for where, raw in rows:
        if not any(c.strip() for c in raw):
            continue
        cells = {k: (raw[i] if i < len(raw) else "") for k, i in cols.items()}
        row = _standard_row(cells, where, indicators, problems)
        if row is None:
            continue
        key = (row.year, row.industry, row.indicator)
        if key in seen:
            problems.append(
                Problem(
                    where,
                    f"{row.industry} {row.indicator} {row.year} is also given in {seen[key]}",
                    "keep one row per year, industry and indicator",
                )
            )
            continue
        seen[key] = where
        out.append(row)
    if not out and not problems:
        problems.append(Problem(str(path), "holds no standard values", "add a row per indicator"))
    if problems:
        raise DataFileError(path, problems)
    return StandardTable(rows=tuple(out), source=str(path), synthetic=synthetic)


SPECIAL_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "entity": ("entity", "企业"),
    "year": ("year", "年度"),
    "indicator": ("indicator", "指标"),
    "amount": ("amount", "调整金额"),
    "reason": ("reason", "事项", "说明"),
    "source": ("source", "依据"),
}


def read_special_items(
    path: Path | str,
    indicators: Mapping[str, Indicator],
    *,
    known: Collection[str] | None = None,
) -> tuple[SpecialItem, ...]:
    """Read a special-items list (特殊事项清单): entity, year, indicator (an amount), amount,
    reason, and optionally source (the decision that approved it). With ``known`` (the
    structure's entity ids) an entity not among them is refused by its row.

    Long: the header, then every check of each row in order, each problem named by its column.
    """
    path = Path(path)
    header = "entity,year,indicator,amount,reason,source"
    cols, rows = _table(path, SPECIAL_COLUMNS, {"source"}, header)
    problems: list[Problem] = []
    out = []
    for where, raw in rows:
        if not any(c.strip() for c in raw):
            continue
        c = {k: (raw[i].strip() if i < len(raw) else "") for k, i in cols.items()}
        ind = indicators.get(c["indicator"])
        if ind is None or ind.kind is Kind.RATIO:
            problems.append(
                Problem(
                    f"{where}, column indicator",
                    f"{c['indicator']!r} is not an amount of the catalogue",
                    "name the amount the ratio is computed from, e.g. total_profit",
                )
            )
            continue
        try:
            year, amount = int(c["year"]), Decimal(c["amount"])
        except (ValueError, InvalidOperation):
            problems.append(
                Problem(
                    where,
                    f"year {c['year']!r} or amount {c['amount']!r} is not a number",
                    "write the year as 2023 and the amount in the indicator's unit",
                )
            )
            continue
        if known is not None and c["entity"] and c["entity"] not in known:
            problems.append(
                Problem(
                    f"{where}, column entity",
                    f"{c['entity']!r} is not an enterprise of the structure",
                    "use the entity id of the register (soeplan register show)",
                )
            )
            continue
        if not c["entity"] or not c["reason"]:
            problems.append(
                Problem(
                    where,
                    "names no entity or gives no reason",
                    "give the entity id and the reason (the city task)",
                )
            )
            continue
        row = int(where.rsplit("row ", 1)[-1])
        out.append(
            SpecialItem(
                entity=c["entity"],
                year=year,
                indicator=ind.code,
                amount=amount,
                reason=c["reason"],
                source=c.get("source", ""),
                row=row,
            )
        )
    if problems:
        raise DataFileError(path, problems)
    return tuple(out)
