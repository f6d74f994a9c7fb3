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
        "| code | 中文 | English | category | unit | kind | aggregation | better | formula |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for ind in registry.indicators.values():
        formula = ind.formula.describe() if ind.formula else ""
        lines.append(
            f"| `{ind.code}` | {ind.name_zh} | {ind.name_en} | {ind.category.zh} / {ind.category.en} "
            f"| {ind.unit} | {ind.kind.value} | {ind.aggregation.value} | {ind.direction.value} "
            f"| {formula} |"
        )
    notes = [
        f"- `{i.code}`: {i.note_zh} / {i.note_en}"
        for i in registry.indicators.values()
        if i.note_en
    ]
    return "\n".join(lines) + "\n\nDefinitions:\n\n" + "\n".join(notes) + "\n"


def rule_catalogue() -> str:
    from soeplan.plugins.host import make_host
    from soeplan.plugins.registry import build_registry

    registry = build_registry(make_host(load_entry_points=False))
    lines = [
        "| id | severity | 中文 | English | provider |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in registry.rules.values():
        provider = rule.provider.plugin if rule.provider else ""
        lines.append(
            f"| `{rule.id}` | {rule.severity.value} {rule.severity.zh} | {rule.description_zh} "
            f"| {rule.description_en} | {provider} |"
        )
    return "\n".join(lines) + "\n"


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


def api_reference() -> str:
    """The public names of the package root, in its groups, each documented where it lives."""
    import inspect

    import soeplan

    out: list[str] = []
    for title, modules in soeplan._API:
        out += [f"## {title}", "", "```{eval-rst}", ".. currentmodule:: soeplan", ""]
        for module, names in modules.items():
            for name in names:
                obj = getattr(soeplan, name)
                if inspect.isclass(obj):
                    out += [f".. autoclass:: {name}", "   :members:", ""]
                elif inspect.isfunction(obj):
                    out += [f".. autofunction:: {name}", ""]
                else:  # a constant: documented by its ``#:`` comment where it is defined
                    out += [f".. autodata:: {module}.{name}", "   :no-value:", "   :no-index:", ""]
        out += ["```", ""]
    return "\n".join(out)


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


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _generate)
    return {"parallel_read_safe": True}
