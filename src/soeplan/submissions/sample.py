"""The bundled synthetic submission of a unit, written as a county would submit it.

Figures come from :func:`soeplan.sample.sample_unit` (synthetic: 示例数据（合成），非真实企业数据).
Where the sample raises a warning (a debt ratio above the plan's binding ceiling, say), a sample
explanation is filled in, so that the sample shows the whole workflow and is acceptable as written.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from soeplan.context import current
from soeplan.errors import SoeplanError
from soeplan.frames import empty_long
from soeplan.sample import SYNTHETIC_NOTE, sample_unit
from soeplan.submissions.template import SYNTHETIC_MARK

FORMATS = (".xlsx", ".csv", ".parquet")


def sample_submission(unit: str, year: int) -> pl.DataFrame:
    """The unit's synthetic figures for ``year`` in long format, with sample explanations:
    ``unit, entity, year, indicator, value, explanation, note``."""
    from soeplan.submissions.validate import validate

    frame = pl.concat(
        [
            sample_unit(unit, year).select(*COLUMNS),
            _plugin_sample(unit, year),
        ]
    )
    report = validate(frame, year=year, unit=unit, prior=_prior(unit, year))
    needs = report.findings.filter(pl.col("severity") == "warning")
    notes: dict[str, str] = {}
    for r in needs.iter_rows(named=True):
        notes.setdefault(
            r["entity"],
            f"示例说明（合成）：{r['message_zh']}，已核实。/ Sample explanation (synthetic): "
            f"{r['message_en']}; checked.",
        )
    return frame.with_columns(
        pl.col("entity")
        .replace_strict(notes, default=None, return_dtype=pl.String)
        .alias("explanation"),
        pl.lit(f"{SYNTHETIC_NOTE.zh} / {SYNTHETIC_NOTE.en}").alias("note"),
    )


COLUMNS = ("unit", "entity", "year", "indicator", "value")


def _plugin_sample(unit: str, year: int) -> pl.DataFrame:
    """The unit's plugin's own synthetic figures for its local metrics, if it has any
    (``soeplan_load_observations(unit, year, source="sample")``)."""
    from soeplan.submissions.template import reported_indicators, unit_entities

    empty = empty_long()
    reg = current()
    # through the registry: plugins asked in name order, a failing one reported and skipped
    got = reg.load_observations(unit, year, "sample")
    if got is None:
        return empty
    codes = [i.code for i in reported_indicators(unit, reg) if str(i.category) == "local"]
    ids = [e.id for e in unit_entities(unit, year, reg)]
    return got.select(
        pl.col("unit").cast(pl.String),
        pl.col("entity").cast(pl.String),
        pl.col("year").cast(pl.Int32),
        pl.col("indicator").cast(pl.String),
        pl.col("value").cast(pl.Float64),
    ).filter(
        (pl.col("year") == year)
        & (pl.col("unit") == unit)
        & pl.col("indicator").is_in(codes)
        & pl.col("entity").is_in(ids)
    )


def _prior(unit: str, year: int) -> pl.DataFrame | None:
    from soeplan.sample import SAMPLE_YEARS

    return sample_unit(unit, year - 1) if year - 1 in SAMPLE_YEARS else None


def write_sample(path: Path | str, *, unit: str, year: int) -> pl.DataFrame:
    """Write the unit's synthetic submission to ``path`` (.xlsx, .csv or .parquet)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        raise SoeplanError(
            f"{p}: cannot write a sample as {suffix or 'a file without a suffix'}\n"
            f"  fix: name the output .xlsx, .csv or .parquet"
        )
    frame = sample_submission(unit, year)
    try:
        if suffix == ".xlsx":
            from soeplan.submissions.template_workbook import write_template

            write_template(p, unit=unit, year=year, values=frame, synthetic=True)
        elif suffix == ".csv":
            # UTF-8 with BOM, so that Excel shows the Chinese note correctly; texts as texts.
            from soeplan.safety import csv_frame

            text = csv_frame(frame).write_csv()
            p.write_bytes(("\ufeff" + text).encode("utf-8"))
        else:
            frame.write_parquet(p)
    except OSError as exc:
        raise SoeplanError(
            f"{p}: cannot write ({exc.strerror or exc})\n  fix: choose a writable path"
        ) from None
    return frame


__all__ = ["SYNTHETIC_MARK", "sample_submission", "write_sample"]
