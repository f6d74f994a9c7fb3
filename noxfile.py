"""Developer sessions: tests, lint, docs, demo, bench.

Every session builds its own virtual environment from PyPI, so a fresh machine with Python 3.11+
and pip (``pip install nox``) can run all of them. The county plugins under ``plugins/`` are
installed and tested by the same ``tests`` session as the core.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = False

ROOT = Path(__file__).parent
PLUGINS = sorted(p for p in (ROOT / "plugins").glob("*") if (p / "pyproject.toml").exists())


def install_all(session: nox.Session, *extras: str) -> None:
    spec = f".[{','.join(extras)}]" if extras else "."
    session.install("-e", spec)
    for plugin in PLUGINS:
        session.install("-e", str(plugin))


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite: core, every plugin under plugins/, and the docs' examples."""
    install_all(session, "test")
    plugin_tests = [str(p / "tests") for p in PLUGINS if (p / "tests").exists()]
    # Examples are doctests: every ">>>" in docs/**/*.md and in the core's docstrings runs here.
    session.run(
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--doctest-glob=*.md",
        "--doctest-modules",
        "--ignore=docs/conf.py",
        "--ignore=docs/_ext",
        "tests",
        "docs",
        "src/soeplan",
        *plugin_tests,
        *session.posargs,
        env={"SOEPLAN_STRICT_PLUGINS": "1"},
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format check), mypy, and the import contracts (layers, no circle)."""
    install_all(session, "lint", "test")
    targets = ["src", "tests", "noxfile.py", *[str(p) for p in PLUGINS]]
    if (ROOT / "benchmarks").exists():
        targets.append("benchmarks")
    session.run("ruff", "check", *targets)
    session.run("ruff", "format", "--check", *targets)
    session.run("mypy")
    session.run("lint-imports")  # pyproject.toml [tool.importlinter]: layers one way, no circle
    for plugin in PLUGINS:  # each plugin on its own: they all have a tests/ package
        session.run("mypy", "--strict", str(plugin / "src"), str(plugin / "tests"))


@nox.session
def docs(session: nox.Session) -> None:
    """Build the docs site with warnings as errors, then run the examples on its pages."""
    install_all(session, "docs", "test")
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html")
    session.run(
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--doctest-glob=*.md",
        "--ignore=docs/conf.py",
        "--ignore=docs/_ext",
        "docs",
    )


@nox.session
def demo(session: nox.Session) -> None:
    """The main job on the bundled data: the yearly run and its report, into demo-report/."""
    install_all(session)
    session.run("soeplan", "demo", "--out", "demo-report", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (slow; kept out of the tests). Pass sizes after --, e.g. nox -s bench -- 1e6.

    First the command line's start-up against ``python -c "import click, polars"``, then the
    rollup at each size against hand-written polars and DuckDB.
    """
    install_all(session, "bench")
    session.run("python", "benchmarks/startup.py")
    session.run("python", "benchmarks/run.py", *session.posargs)
