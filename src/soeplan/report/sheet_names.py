"""The workbook's sheet names: a short name for each sheet in both languages, in whole words.

Excel takes at most 31 characters and none of ``[]:*?/\\`` in a sheet name. The core's sheets
have short names of their own (:data:`SHEETS`); a plugin's section gives one
(:attr:`soeplan.ReportSection.sheet`) or gets its title up to the last whole word that fits
(:func:`whole_words`); two sheets never share a name (:func:`unique_sheet_name`).

>>> whole_words("Kecheng: city–district linkage and construction-waste recycling")
'Kecheng - city–district linkage'
>>> whole_words("衢江区：“1+4+N”国资运营架构")
'衢江区：“1+4+N”国资运营架构'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from soeplan.safety import xlsx_text
from soeplan.sections import Text

#: The longest sheet name Excel takes.
LIMIT = 31

#: The short names of the core's sheets, by the key of what they hold (``{n}``: the table's
#: number, ``{scope}``: the scope's name).
SHEETS: Mapping[str, Text] = {
    "contents": Text("目录", "Contents"),
    "about": Text("说明", "About"),
    "published": Text("规划原表{n}", "Plan table {n}"),
    "table": Text("表{n}-{scope}", "Table {n} - {scope}"),
    "assessment": Text("年度评估", "Assessment"),
    "compliance": Text("约束性指标执行情况", "Binding targets"),
    "debt-watch": Text("资产负债率监测名单", "Debt watch list"),
    "findings": Text("审核发现", "Findings"),
    "set-aside": Text("暂未纳入汇总的单位", "Units set aside"),
}

_BAD = "[]:*?/\\"
#: Characters after which a name may be cut: spaces, and the punctuation that ends a phrase.
_BREAKS = set(" -–—,;，、；：（）()")
_TRIM = " -–—,;:，、；：（("


def _cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def clean(name: str) -> str:
    """``name`` with what a sheet name cannot hold replaced: ``:`` as `` -``, the rest ``-``."""
    shown = xlsx_text(name).replace(": ", " - ")  # a control character as \\xNN
    out = "".join("-" if ch in _BAD else ch for ch in shown).strip().strip("'")
    return " ".join(out.split())


def whole_words(name: str, limit: int = LIMIT) -> str:
    """``name`` cleaned (:func:`clean`) and, if longer than ``limit``, cut after the last whole
    word that fits: at a space or a phrase's punctuation, else (Chinese without punctuation)
    between two Chinese characters; never inside a Latin word or a number."""
    text = clean(name) or "Sheet"
    if len(text) <= limit:
        return text
    cut = 0
    for i in range(1, limit + 1):
        before, after = text[i - 1], text[i] if i < len(text) else " "
        if after in _BREAKS or before in _BREAKS:
            cut = i
    if cut == 0 or text[:cut].rstrip(_TRIM) == "":
        cjk = [i for i in range(1, limit + 1) if _cjk(text[i - 1]) or _cjk(text[i])]
        cut = cjk[-1] if cjk else limit
    return text[:cut].rstrip(_TRIM) or text[:limit]


def unique_sheet_name(name: str, taken: set[str]) -> str:
    """A valid sheet name for ``name`` (:func:`whole_words`) that no sheet in ``taken`` has
    (Excel compares them case-blind); adds it to ``taken``.

    >>> taken = set()
    >>> unique_sheet_name("Findings", taken), unique_sheet_name("findings", taken)
    ('Findings', 'findings (2)')
    """
    base = whole_words(name)
    out, n = base, 2
    while out.lower() in taken:
        suffix = f" ({n})"
        out, n = whole_words(base, LIMIT - len(suffix)) + suffix, n + 1
    taken.add(out.lower())
    return out


def sheet_title(key: str, lang: str, **fields: object) -> str:
    """The short name of a core sheet (:data:`SHEETS`) in ``lang``, fields filled in.

    >>> sheet_title("table", "en", n=2, scope="Urban area"), sheet_title("findings", "zh")
    ('Table 2 - Urban area', '审核发现')
    """
    return SHEETS[key](lang).format(**fields)
