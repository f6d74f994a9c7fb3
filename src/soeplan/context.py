"""Which registry a call uses: the one it is given, the one in use, or the process default.

Everything plugins (and the core) register, the indicators, plans, structures, rules, report
sections and observation loaders, is held by one typed :class:`soeplan.Registry`. Functions that
need that content take ``registry=`` (or ``indicators=``) and pass what they resolved on to every
helper they call. When a public function is not given one it asks :func:`current`, in this order:

1. the registry made current for this block by :meth:`soeplan.Registry.active` (a context
   variable, so it holds per thread and per asyncio task);
2. the process default: the core plus every installed plugin, built on first use.

Scripts therefore just call ``soeplan.load_plan("quzhou-14th")``; a test that wants its own set of
plugins builds one registry and makes it current for the block::

    with Registry.build(("mine", my_plugin), entry_points=False).active():
        ...

This module is deliberately at the bottom of the house: it imports nothing of soeplan at run
time. The plugin host installs the default's builder (:func:`install_default`) when the package
is imported, so no domain module ever imports the host.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

_ACTIVE: ContextVar[Registry | None] = ContextVar("soeplan_registry", default=None)
_default: Callable[[], Registry] | None = None


def install_default(builder: Callable[[], Registry]) -> None:
    """Set the function that returns the process-default registry (the plugin host's)."""
    global _default
    _default = builder


def current(registry: Registry | None = None) -> Registry:
    """``registry`` if given, else the registry in use for this block, else the process default."""
    if registry is not None:
        return registry
    active = _ACTIVE.get()
    if active is not None:
        return active
    if _default is None:  # pragma: no cover - soeplan/__init__ installs it on import
        raise RuntimeError("no default registry: import soeplan before calling it")
    return _default()


def active() -> Registry | None:
    """The registry made current for this block, if any (never builds the default)."""
    return _ACTIVE.get()


@contextmanager
def using(registry: Registry) -> Iterator[Registry]:
    """Make ``registry`` the one in use for the block (see :meth:`soeplan.Registry.active`)."""
    token = _ACTIVE.set(registry)
    try:
        yield registry
    finally:
        _ACTIVE.reset(token)
