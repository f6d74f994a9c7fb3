"""Report sections: bilingual blocks of text and tables that the core and plugins contribute.

A :class:`ReportSection` renders, from a :class:`SectionContext`, a :class:`SectionContent`:
paragraphs and tables, each with a Chinese and an English form. The report writers (Excel,
HTML, Markdown) lay the content out; a section never formats for one medium.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import polars as pl

from soeplan.provenance import Provider


@attrs.frozen
class Text:
    """A label or paragraph in both languages."""

    zh: str
    en: str

    def __call__(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@attrs.frozen(kw_only=True)
class SectionTable:
    """A table of a section: a frame plus bilingual column labels (by column name)."""

    title: Text
    frame: pl.DataFrame = attrs.field(eq=False)
    labels: Mapping[str, Text] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class SectionContent:
    paragraphs: tuple[Text, ...] = ()
    tables: tuple[SectionTable, ...] = ()


@attrs.frozen(kw_only=True)
class SectionContext:
    """What a section sees: the year, the plan, the composed structure, observations and rollups.

    ``rollup`` is the long rollup frame (``node, year, indicator, value`` and node columns),
    ``observations`` the validated entity-level frame, ``options`` anything else the run passes.
    """

    year: int
    plan: Any = None
    structure: Any = None
    observations: pl.DataFrame | None = None
    rollup: pl.DataFrame | None = None
    lang: str = "zh"
    options: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class ReportSection:
    """A section of the yearly report."""

    id: str
    title: Text
    render: Callable[[SectionContext], SectionContent] = attrs.field(eq=False)
    order: int = 100  #: position among sections (ties broken by id)
    unit: str | None = None  #: the county-level unit it is about, if any
    provider: Provider | None = attrs.field(default=None, eq=False)
