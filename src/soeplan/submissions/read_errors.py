"""The error of a submission that cannot be read at all, shared by every reader."""

from __future__ import annotations

from pathlib import Path

from soeplan.errors import Problem, SoeplanError


class SubmissionReadError(SoeplanError):
    """A submission that cannot be read at all (wrong type, not a workbook, missing columns)."""

    exit_code = 2


def read_failure(path: Path | str, what: str, fix: str) -> SubmissionReadError:
    """The error for one file: what is wrong with it and how to fix it."""
    return SubmissionReadError(
        f"{path}: cannot read this submission", problems=[Problem(str(path), what, fix)]
    )
