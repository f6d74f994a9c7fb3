"""Developer sessions: tests, lint, docs, demo, bench, mutate.

Every session builds its own virtual environment from PyPI, so a fresh machine with Python 3.11+
and pip (``pip install nox``) can run all of them. The county plugins under ``plugins/`` are
installed and tested by the same ``tests`` session as the core.
"""

from __future__ import annotations

import json
from collections import Counter
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
    """The whole test suite: core, every plugin under plugins/, the docs' examples, and the
    docs site itself (tests/test_docs_site.py builds it, so the docs extra is installed too)."""
    install_all(session, "test", "docs")
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
    """Build the docs site with warnings as errors, then run the examples on its pages, then
    check the site as its readers meet it (search, API completeness, layout: test_docs_site).

    The docs extra brings the theme (furo) and the Chinese search's segmenter (jieba); the county
    plugins are installed so that the rules page lists their rules.
    """
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
        "tests/test_docs_site.py",
    )


@nox.session
def demo(session: nox.Session) -> None:
    """The main job on the bundled data: the yearly run and its report, into demo-report/
    (``-- --lang en``: the English report, into demo-report-en/; ``-- --out DIR``: elsewhere)."""
    install_all(session)
    session.run("soeplan", "demo", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (slow; kept out of the tests). Pass sizes after --, e.g. nox -s bench -- 1e6.

    First the command line's start-up against ``python -c "import click, polars"``, then the
    rollup at each size against hand-written polars and DuckDB, then the monthly rollup (月度快报)
    of 12 × 10M rows from Parquet against the annual 10M run in the same process.
    """
    install_all(session, "bench")
    session.run("python", "benchmarks/startup.py")
    session.run("python", "benchmarks/run.py", *session.posargs)
    session.run("python", "benchmarks/monthly.py")


#: mutmut's exit codes, by outcome (a mutant is killed when a test fails on it).
_MUTANT_STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests"}
_MUTANT_STATUS |= {c: "timeout" for c in (-24, 24, 36, 152, 255)}

#: The modules under mutation testing, by concept (pyproject.toml [tool.mutmut] only_mutate lists
#: the same files), and for each the fast tests its mutants are tried against. mutmut runs, for a
#: mutant, the tests that call its function; of those, only the ones under these paths run.
_MUTATE_GROUPS: list[tuple[list[str], list[str]]] = [
    (
        ["src/soeplan/arithmetic/growth.py"],
        [
            "tests/test_growth.py",
            "tests/test_arithmetic_edges.py",
            "tests/test_assessment.py",
            "tests/test_assessment_frame.py",
            "tests/test_milestones.py",
            "tests/test_comparable.py",
            "tests/test_edges.py",
        ],
    ),
    (
        [
            "src/soeplan/assessment/progress.py",
            "src/soeplan/assessment/records.py",
            "src/soeplan/assessment/frame.py",
        ],
        [
            "tests/test_assessment.py",
            "tests/test_assessment_frame.py",
            "tests/test_assessment_cli.py",
            "tests/test_edges.py",
            "tests/test_number_edges.py",
            "tests/test_report_printing.py",
            "tests/test_assessment_verdict.py",
            "tests/test_assessment_outputs.py",
            "tests/test_bound_edges.py",
            "tests/test_milestone_edges.py",
            "tests/test_assess_period.py",
        ],
    ),
    (
        ["src/soeplan/arithmetic/rounding.py"],
        [
            "tests/test_rounding.py",
            "tests/test_report_rounding.py",
            "tests/test_precision.py",
            "tests/test_plancheck.py",
        ],
    ),
    (
        ["src/soeplan/arithmetic/precision.py"],
        [
            "tests/test_precision.py",
            "tests/test_arithmetic_edges.py",
            "tests/test_plancheck.py",
            "tests/test_plancheck_properties.py",
            "tests/test_number_edges.py",
        ],
    ),
    (
        ["src/soeplan/assessment/milestones.py"],
        [
            "tests/test_milestones.py",
            "tests/test_milestone_edges.py",
            "tests/test_assessment_frame.py",
            "tests/test_number_edges.py",
            "tests/test_edges.py",
            "tests/test_report_printing.py",
        ],
    ),
    (
        [
            "src/soeplan/consolidation/rollup.py",
            "src/soeplan/consolidation/inputs.py",
            "src/soeplan/consolidation/encoding.py",
            "src/soeplan/consolidation/cache.py",
            "src/soeplan/consolidation/scan.py",
            "src/soeplan/consolidation/flat.py",
            "src/soeplan/consolidation/tables.py",
            "src/soeplan/consolidation/propagate.py",
            "src/soeplan/consolidation/reported.py",
            "src/soeplan/consolidation/ratios.py",
            "src/soeplan/consolidation/wide.py",
            "src/soeplan/consolidation/output.py",
            "src/soeplan/consolidation/records.py",
        ],
        [
            "tests/test_rollup.py",
            "tests/test_rollup_cli.py",
            "tests/test_rollup_properties.py",
            "tests/test_edges.py",
            "tests/test_rollup_period.py",
            "tests/test_rollup_flat_edges.py",
            "tests/test_rollup_output_edges.py",
            "tests/test_rollup_cache.py",
            "tests/test_rollup_inputs.py",
            "tests/test_rollup_tables.py",
            "tests/test_rollup_scan.py",
        ],
    ),
    (
        [
            "src/soeplan/structure/dated.py",
            "src/soeplan/structure/compose.py",
            "src/soeplan/structure/file.py",
            "src/soeplan/structure/city.py",
            "src/soeplan/structure/credit_code.py",
        ],
        [
            "tests/test_structure_io.py",
            "tests/test_structure_file_edges.py",
            "tests/test_structure_compose_edges.py",
            "tests/test_city_structure.py",
            "tests/test_credit_code.py",
            "tests/test_dated_edges.py",
            "tests/test_rollup.py",
            "tests/test_county_plugins.py",
            "plugins/jiangshan/tests",
            "plugins/kecheng/tests",
            "plugins/qujiang/tests",
        ],
    ),
    (
        [
            "src/soeplan/submissions/validate.py",
            "src/soeplan/submissions/core_rules.py",
            "src/soeplan/submissions/cell_rules.py",
            "src/soeplan/submissions/figure_rules.py",
            "src/soeplan/submissions/rule_helpers.py",
            "src/soeplan/submissions/magnitude.py",
            "src/soeplan/submissions/numbers.py",
        ],
        [
            "tests/test_validation_corpus.py",
            "tests/test_validation_properties.py",
            "tests/test_submission_cli.py",
            "tests/test_edges.py",
            "tests/test_magnitude.py",
            "tests/test_magnitude_edges.py",
            "tests/test_cell_rules_edges.py",
            "tests/test_figure_rules_edges.py",
            "tests/test_rule_helpers.py",
            "tests/test_number_formats.py",
            "tests/test_explanations.py",
            "tests/test_validate_edges.py",
            "tests/test_validate_context.py",
        ],
    ),
    (
        [
            "src/soeplan/submissions/store.py",
            "src/soeplan/submissions/store_db.py",
            "src/soeplan/submissions/store_write.py",
            "src/soeplan/submissions/store_model.py",
        ],
        [
            "tests/test_store.py",
            "tests/test_store_edges.py",
            "tests/test_submission_cli.py",
            "tests/test_store_db.py",
            "tests/test_store_states.py",
            "tests/test_store_api.py",
            "tests/test_store_causes.py",
            "tests/test_store_periods.py",
        ],
    ),
    (
        [
            "src/soeplan/submissions/store_months.py",
            "src/soeplan/submissions/store_migrate.py",
            "src/soeplan/submissions/store_legacy.py",
            "src/soeplan/submissions/store_registers.py",
            "src/soeplan/submissions/store_operations.py",
            "src/soeplan/submissions/store_budgets.py",
        ],
        [
            "tests/test_store_periods.py",
            "tests/test_store_export.py",
            "tests/test_store_states.py",
            "tests/test_store_api.py",
            "tests/test_register_store.py",
            "tests/test_register_year.py",
            "tests/test_listed_register.py",
            "tests/test_operations_register.py",
            "tests/test_reform_events.py",
            "tests/test_capital.py",
            "tests/test_capital_plugin_registers.py",
            "tests/test_capital_tallies.py",
            "tests/test_budget_workbook.py",
            "tests/test_express_budget.py",
            "tests/test_express_report.py",
            "tests/test_express_derived.py",
            "tests/test_sample_monthly.py",
            "tests/test_rollup_period.py",
        ],
    ),
]
MUTATE_TESTS = {module: tests for modules, tests in _MUTATE_GROUPS for module in modules}


def _mutant_glob(module: str) -> str:
    """``src/soeplan/rounding.py`` as mutmut's names of its mutants: ``soeplan.rounding.*``."""
    parts = Path(module).with_suffix("").parts
    parts = parts[parts.index("src") + 1 :] if "src" in parts else parts
    return ".".join(parts).removesuffix(".__init__") + ".*"


def _by_module(args: list[str]) -> dict[str, list[str]]:
    """Module paths and mutant names (or globs) from the command line, grouped by module."""
    out: dict[str, list[str]] = {}
    for arg in args or list(MUTATE_TESTS):
        if arg.endswith(".py"):
            module = next((m for m in MUTATE_TESTS if Path(m) == Path(arg)), None)
            names = [_mutant_glob(arg)]
        else:
            module = next((m for m in MUTATE_TESTS if arg.startswith(_mutant_glob(m)[:-1])), None)
            names = [arg]
        if module is None:
            raise ValueError(
                f"{arg} is not in a module under mutation testing: {list(MUTATE_TESTS)}"
            )
        out.setdefault(module, []).extend(names)
    return out


def _mutation_summary(session: nox.Session) -> None:
    """Per module: mutants tried, killed, survived, timed out, not covered, and the kill rate;
    then the surviving mutants by name (``mutmut show NAME`` prints one)."""
    lines = ["module                    tried  killed  survived  timeout  no-tests  killed %"]
    survivors = []
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        results = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        status = {k: _MUTANT_STATUS.get(c, "other") for k, c in results.items() if c is not None}
        n = Counter(status.values())
        tried = sum(n.values())
        if not tried:
            continue
        caught = n["killed"] + n["timeout"]
        name = meta.name.removesuffix(".meta")
        lines.append(
            f"{name:<24}{tried:>7}{n['killed']:>8}{n['survived']:>10}{n['timeout']:>9}"
            f"{n['no tests']:>10}{100 * caught / tried:>10.1f}"
        )
        survivors += sorted(k for k, v in status.items() if v in ("survived", "no tests"))
    session.log("\n".join([*lines, "survivors:", *survivors]))


@nox.session(default=False)
def mutate(session: nox.Session) -> None:
    """Mutation testing with mutmut (slow: not part of `tests` or CI; see docs/contributing.md).

    The modules and the tests their mutants are tried against are in MUTATE_TESTS (and
    pyproject.toml, [tool.mutmut]). Pass modules or mutant names (globs) after -- to run only
    those, e.g. `nox -s mutate -- src/soeplan/rounding.py`.
    Results are kept in mutants/: without arguments a second run only tries the mutants that have
    no result yet; named ones are tried again. Ends with the kill rate per module (a timeout
    counts as killed) and the survivors' names.
    """
    install_all(session, "test")
    session.install("mutmut>=3.8,<4")
    # the mutated modules are large (one copy of a function per mutant): let Python cache their
    # bytecode, or every process spends half a minute compiling them
    env = {
        "SOEPLAN_STRICT_PLUGINS": "1",
        "HYPOTHESIS_PROFILE": "mutate",
        "PYTHONDONTWRITEBYTECODE": "",
    }
    # one run (mutmut's setup costs minutes) over the named modules, against their tests
    groups = _by_module(session.posargs)
    names = [n for group in groups.values() for n in group]
    tests = ",".join(dict.fromkeys(t for m in groups for t in MUTATE_TESTS[m]))
    # which test calls which function is recorded afresh for this run's tests: mutmut updates
    # its record only for functions that changed, so a test added since would never be tried
    (ROOT / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    session.run("mutmut", "run", *names, env={**env, "SOEPLAN_MUTATE_TESTS": tests})
    _mutation_summary(session)
