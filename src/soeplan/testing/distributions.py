"""Fake installed distributions, to test plugin discovery through ``importlib.metadata``."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


def fake_distribution(
    root: Path,
    name: str,
    version: str = "1.0",
    *,
    entry_points: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
) -> Path:
    """Write a fake installed distribution into ``root`` (put ``root`` on ``sys.path``).

    ``entry_points`` maps plugin names to ``module`` or ``module:attribute`` in the ``soeplan``
    group; ``files`` maps relative paths to text (the plugin's modules). ``importlib.metadata``
    then finds ``NAME-VERSION.dist-info`` as if pip had installed it.
    """
    root.mkdir(parents=True, exist_ok=True)
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    eps = entry_points or {}
    lines = ["[soeplan]", *(f"{k} = {v}" for k, v in eps.items())]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for rel, text in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _top_level_names(roots: tuple[Path, ...]) -> set[str]:
    """The importable top-level names under ``roots`` (packages and modules)."""
    names = set()
    for root in roots:
        if root.is_dir():
            for child in root.iterdir():
                if (child / "__init__.py").exists() or child.suffix == ".py":
                    names.add(child.stem)
    return names


@contextmanager
def installed(*roots: Path) -> Iterator[None]:
    """Put fake distributions (see :func:`fake_distribution`) on ``sys.path`` for a block.

    The block sees only what ``roots`` provide under their names: a package of the same name
    installed for real (``pip install soeplan-changshan``), even one already imported, is set
    aside for the block and put back after it; its distribution is shadowed by the fake one of
    the same name, which comes first on ``sys.path``.
    """
    from soeplan.plugins.registry import set_registry

    before = list(sys.path)
    names = _top_level_names(roots)
    shadowed = {
        mod: sys.modules.pop(mod)
        for mod in list(sys.modules)
        if mod.split(".")[0] in names  # the real one, imported before the block
    }
    before_modules = set(sys.modules)
    sys.path[:0] = [str(r) for r in roots]
    importlib.invalidate_caches()
    set_registry(None)
    try:
        yield
    finally:
        sys.path[:] = before
        for mod in set(sys.modules) - before_modules:
            file = getattr(sys.modules[mod], "__file__", None) or ""
            if mod.split(".")[0] in names or any(file.startswith(str(r)) for r in roots):
                del sys.modules[mod]
        sys.modules.update(shadowed)
        importlib.invalidate_caches()
        set_registry(None)
