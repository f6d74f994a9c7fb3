"""Reading soeplan's TOML data files, with errors that name the file and the fix."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from soeplan.errors import DataFileError, Problem


def read_toml(
    path: Path, *, kind: str = "data file", missing_fix: str = "check the path"
) -> dict[str, Any]:
    """Parse the TOML file at ``path``; any failure is a :class:`DataFileError` for a person.

    ``kind`` names the file in messages ("plan file", "structure file"); ``missing_fix`` is the
    advice when the file does not exist.
    """
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        problem = Problem(str(path), "file not found", missing_fix)
    except UnicodeDecodeError:
        problem = Problem(str(path), "not UTF-8 text", f"save the {kind} as UTF-8")
    except tomllib.TOMLDecodeError as exc:
        problem = Problem(
            str(path), f"not valid TOML ({exc})", "fix the syntax at the line and column given"
        )
    raise DataFileError(path, [problem])
