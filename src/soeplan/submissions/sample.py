"""The bundled synthetic submission of a unit, written as a county would submit it.

Figures come from :func:`soeplan.sample.unit_sample` (synthetic: 示例数据（合成），非真实企业数据):
the core's sample with the unit's plugin's own sample laid over, as ``soeplan demo`` reads them.
Where the sample raises a warning (a debt ratio above the plan's binding ceiling, say), a sample
explanation is filled in, so that the sample shows the whole workflow and is acceptable as written.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from soeplan.errors import SoeplanError
from soeplan.sample import SYNTHETIC_NOTE, unit_sample
from soeplan.submissions.template import SYNTHETIC_MARK

FORMATS = (".xlsx", ".csv", ".parquet")


def sample_submission(unit: str, year: int) -> pl.DataFrame:
    """The unit's synthetic figures for ``year`` in long format, with sample explanations:
    ``unit, entity, year, indicator, value, explanation, note``.

    The figures are those ``soeplan demo`` reads for the unit (:func:`soeplan.sample.unit_sample`):
    the core's sample with the unit's plugin's own sample laid over, so an enterprise the plugin
    adds appears with the figures the plugin gives it.
    """
    from soeplan.submissions.validate import validate

    frame = unit_sample(unit, year).select(*COLUMNS)
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


def _prior(unit: str, year: int) -> pl.DataFrame | None:
    from soeplan.sample import SAMPLE_YEARS

    return unit_sample(unit, year - 1) if year - 1 in SAMPLE_YEARS else None


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
