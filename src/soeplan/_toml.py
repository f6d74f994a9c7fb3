"""Reading soeplan's TOML data files, with errors that name the file and the fix."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
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


def unknown_keys(raw: Mapping[str, Any], allowed: Iterable[str], where: str) -> list[Problem]:
    """A problem for each key of ``raw`` not in ``allowed``: at ``where.key``, with the closest
    known key as the suggestion (a typo quietly ignored would change what the file means).

    >>> [p.fix for p in unknown_keys({"rolls_int": "x"}, {"rolls_into", "unit"}, "indicator[0]")]
    ["did you mean 'rolls_into'? (known keys: rolls_into, unit)"]
    """
    known = sorted(allowed)
    out = []
    for key in raw:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        listed = f"known keys: {', '.join(known)}"
        fix = f"did you mean {close[0]!r}? ({listed})" if close else f"remove it; {listed}"
        out.append(Problem(f"{where}.{key}", f"unknown key {key!r}", fix))
    return out
