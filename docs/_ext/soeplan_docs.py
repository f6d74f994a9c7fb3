"""Docs generated from the code, so they cannot drift: the indicator catalogue and the like.

Each generator writes a Markdown fragment into ``docs/_generated/`` at build time; pages include
it with MyST's ``{include}`` directive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

GENERATED = Path(__file__).resolve().parent.parent / "_generated"


def indicator_catalogue() -> str:
    from soeplan.plugins.host import make_host
    from soeplan.plugins.registry import build_registry

    registry = build_registry(make_host(load_entry_points=False))
    lines = [
        "| code | 中文 | English | category | unit | kind | stock/flow | aggregation | better "
        "| formula |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for ind in registry.indicators.values():
        formula = ind.formula.describe() if ind.formula else ""
        lines.append(
            f"| `{ind.code}` | {ind.name_zh} | {ind.name_en} | {ind.category.zh} / {ind.category.en} "
            f"| {ind.unit} | {ind.kind.value} | {ind.flow.value} {ind.flow.zh} "
            f"| {ind.aggregation.value} | {ind.direction.value} "
            f"| {formula} |"
        )
    notes = [
        f"- `{i.code}`: {i.note_zh} / {i.note_en}"
        for i in registry.indicators.values()
        if i.note_en
    ]
    return "\n".join(lines) + "\n\nDefinitions:\n\n" + "\n".join(notes) + "\n"


def rule_catalogue() -> str:
    """The registered rules: the core's, then those of the plugins installed where the docs are
    built (``nox -s docs`` installs the three county plugins), each with its provider."""
    from soeplan.plugins.host import make_host
    from soeplan.plugins.registry import build_registry

    registry = build_registry(make_host(load_entry_points=True))
    head = [
        "| id | severity | 中文 | English | provider |",
        "| --- | --- | --- | --- | --- |",
    ]
    core: list[str] = []
    plugins: list[str] = []
    for rule in registry.rules.values():
        provider = rule.provider or None
        row = (
            f"| `{rule.id}` | {rule.severity.value} {rule.severity.zh} | {rule.description_zh} "
            f"| {rule.description_en} | {provider or ''} |"
        )
        (core if provider is None or provider.plugin == "core" else plugins).append(row)
    out = ["### The core's rules", "", *head, *core, ""]
    out += ["### The plugins' rules", ""]
    if plugins:
        out += [
            "Registered by the plugins installed where these pages were built "
            "(the county plugins under `plugins/`):",
            "",
            *head,
            *plugins,
        ]
    else:
        out.append("No plugin with rules was installed where these pages were built.")
    return "\n".join(out) + "\n"


def format_signature(fn: Any) -> str:
    """``name(arg: type, ...) -> type`` from ``inspect.signature`` (annotations as written)."""
    import inspect

    sig = inspect.signature(fn)

    def ann(a: Any) -> str:
        return a if isinstance(a, str) else inspect.formatannotation(a)

    params = ", ".join(
        f"{p.name}: {ann(p.annotation)}" if p.annotation is not p.empty else p.name
        for p in sig.parameters.values()
    )
    ret = "" if sig.return_annotation is sig.empty else f" -> {ann(sig.return_annotation)}"
    return f"{fn.__name__}({params}){ret}"


def hook_specs() -> dict[str, Any]:
    """The hook specifications, by name."""
    from soeplan.plugins import hookspecs

    return {
        name: fn
        for name, fn in sorted(vars(hookspecs).items())
        if name.startswith("soeplan_") and callable(fn)
    }


def _myst(doc: str) -> str:
    import re

    doc = re.sub(r":(\w+):`~?([^`]+)`", r"{py:\1}`\2`", doc)
    return doc.replace("``", "`")


def hook_reference() -> str:
    """The hook reference: every hook's exact signature, firstresult flag and docstring."""
    import inspect

    parts = []
    for name, fn in hook_specs().items():
        opts = getattr(fn, "soeplan_spec", {}) or {}
        first = bool(opts.get("firstresult"))
        doc = _myst(inspect.cleandoc(fn.__doc__ or ""))
        when = "the first non-None answer wins" if first else "every plugin answers"
        parts.append(
            f"### `{name}`\n\n```python\n{format_signature(fn)}\n```\n\n"
            f"firstresult: **{'yes' if first else 'no'}** ({when})\n\n{doc}\n"
        )
    return "\n".join(parts)


def _attr_comments(module: str) -> dict[tuple[str, str], str]:
    """The ``#:`` comments of a module's attributes, by (class, name) ("" for module level)."""
    from sphinx.pycode import ModuleAnalyzer

    docs = ModuleAnalyzer.for_module(module).find_attr_docs()
    return {key: " ".join(line.strip() for line in lines).strip() for key, lines in docs.items()}


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def enum_labels(cls: Any) -> list[tuple[str, str, str, str]]:
    """An enum's members as (value, 中文, English, meaning).

    The labels are the member's ``zh`` and ``en`` where it has them; otherwise the Chinese is
    the head of its ``#:`` comment, written ``中文: meaning``, and the English its value in
    words. A missing Chinese label is left empty, and :func:`undocumented` reports it.
    """
    comments = _attr_comments(cls.__module__)
    rows = []
    for member in cls:
        comment = comments.get((cls.__name__, member.name), "")
        head, sep, tail = comment.partition(": ")
        if not (sep and _has_cjk(head)):
            head, tail = "", comment
        zh = str(getattr(member, "zh", "") or head)
        en = str(getattr(member, "en", "") or str(member.value).replace("_", " "))
        meaning = tail if tail.lower() != en.lower() else ""
        rows.append((str(member.value), zh, en, meaning))
    return rows


def _cell(text: str) -> str:
    return text.replace("``", "`").replace("`", "``") if text else "\\-"


def _enum_table(cls: Any) -> list[str]:
    out = [
        f".. autoclass:: {cls.__name__}",
        "",
        "   .. list-table::",
        "      :header-rows: 1",
        "      :widths: 20 20 30 30",
        "",
        "      * - value",
        "        - 中文",
        "        - English",
        "        - meaning",
    ]
    for value, zh, en, meaning in enum_labels(cls):
        out += [
            f"      * - ``{value}``",
            f"        - {_cell(zh)}",
            f"        - {_cell(en)}",
            f"        - {_cell(meaning)}",
        ]
    return [*out, ""]


def api_reference() -> str:
    """The public names of the package root, in its groups, each documented where it lives.

    A class is documented with its members, an enum as a table of its values with their Chinese
    and English labels, a constant by its ``#:`` comment where it is defined.
    """
    import enum
    import inspect

    import soeplan

    out: list[str] = []
    for title, modules in soeplan._API:
        out += [f"## {title}", "", "```{eval-rst}", ".. currentmodule:: soeplan", ""]
        for module, names in modules.items():
            comments = _attr_comments(module)
            for name in names:
                obj = getattr(soeplan, name)
                if inspect.isclass(obj) and issubclass(obj, enum.Enum):
                    out += _enum_table(obj)
                elif inspect.isclass(obj):
                    out += [f".. autoclass:: {name}", "   :members:", ""]
                elif inspect.isfunction(obj):
                    out += [f".. autofunction:: {name}", ""]
                else:  # a constant: documented by its ``#:`` comment where it is defined
                    doc = comments.get(("", name), "")
                    out += [f".. py:data:: {name}", "", f"   {doc}", f"   (``{module}``)", ""]
        out += ["```", ""]
    return "\n".join(out)


def undocumented(documented: set[str]) -> list[str]:
    """Why the API reference is incomplete: a public name that is not a documented object of
    ``documented`` (the full names Sphinx's Python domain holds), a constant without its
    ``#:`` comment, an enum member without a Chinese or an English label."""
    import enum
    import inspect

    import soeplan

    problems = []
    for _title, modules in soeplan._API:
        for module, names in modules.items():
            comments = _attr_comments(module)
            for name in names:
                obj = getattr(soeplan, name)
                if f"soeplan.{name}" not in documented:
                    problems.append(f"soeplan.{name} is not in the API reference")
                if inspect.isclass(obj) and issubclass(obj, enum.Enum):
                    for value, zh, en, _meaning in enum_labels(obj):
                        if not (zh and en):
                            problems.append(
                                f"soeplan.{name} value {value!r} lacks a Chinese or English "
                                f"label: give it zh/en, or a '#: 中文: English' comment"
                            )
                elif not (
                    inspect.isclass(obj)
                    or inspect.isfunction(inspect.unwrap(obj))  # a cached function too
                    or comments.get(("", name))
                ):
                    problems.append(f"soeplan.{name} has no '#:' comment in {module}")
    return problems


def _check_api(app: Any, env: Any) -> None:
    from sphinx.util import logging

    documented = set(env.get_domain("py").objects)
    for problem in undocumented(documented):
        logging.getLogger(__name__).warning("API reference: %s", problem)


GENERATORS = {
    "indicators.md": indicator_catalogue,
    "hooks.md": hook_reference,
    "rules.md": rule_catalogue,
    "api.md": api_reference,
}


def _generate(app: Any) -> None:
    GENERATED.mkdir(exist_ok=True)
    for name, fn in GENERATORS.items():
        text = fn()
        path = GENERATED / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def _plain_aliases(
    app: Any, what: str, name: str, obj: Any, options: Any, signature: str | None, ret: str | None
) -> tuple[str | None, str | None]:
    """A type alias inside a union or a generic (``Registry | None``) is printed by Sphinx as
    ``TypeAliasForwardRef('soeplan.Registry')``: print the name."""
    import re

    def plain(text: str | None) -> str | None:
        return text and re.sub(r"TypeAliasForwardRef\('([^']+)'\)", r"\1", text)

    return plain(signature), plain(ret)


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _generate)
    app.connect("autodoc-process-signature", _plain_aliases)
    app.connect("env-check-consistency", _check_api)  # -W makes an undocumented name fatal
    return {"parallel_read_safe": True}
