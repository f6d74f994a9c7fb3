"""Numbers as people type them into a cell: what soeplan reads, and what it refuses, and why.

:func:`parse_value` turns a cell's content into a number, or keeps the text for the rule
``core.number`` to report; :func:`refusal` says why a text is not read as a number and what to
type instead. The decimal separator is the point (``0.46``); a comma is read only as a thousands
separator in well-formed groups of three (``1,234.5``, ``12,345,678``), and never as a decimal
separator: ``"0,46"`` is refused, not read as 46. A full-width comma (``，``, an input-method slip)
or an ideographic full stop (``。``) in a number is always refused, since it could stand for
either. Full-width digits, point, plus and minus read as their ASCII forms.

>>> parse_value("1,234.5"), parse_value("２０．５"), parse_value("")
((1234.5, None), (20.5, None), (None, None))
>>> parse_value("0,46"), parse_value("0，46")
((None, '0,46'), (None, '0，46'))
>>> parse_value("55.60%")  # a fraction, with its text kept: a percent sign is for ratios only
(0.556, '55.60%')
>>> refusal("0，46").en
"a full-width comma '，' in a number: use the point for decimals"
>>> refusal("0，46").fix
'若为小数请填 0.46，若为整数请填 46 / for the decimal type 0.46, for the whole number type 46'
"""

from __future__ import annotations

import math
import re

import attrs

#: Full-width digits, point, signs and the ideographic space, as their ASCII forms. The
#: full-width comma (，) and the ideographic full stop (。) are *not* translated: a number that
#: carries one is refused (:func:`refusal`), never guessed at.
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．－＋\u2212　\u00a0\u202f\u2009", "0123456789.-+-    "
)
#: A plain decimal number (optionally in scientific notation), after signs and separators.
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
#: Thousands grouping: 1–3 digits (not a leading 0), then groups of exactly three.
_GROUPED = {
    sep: re.compile(rf"[+-]?[1-9]\d{{0,2}}(?:{sep}\d{{3}})+(?:\.\d+)?") for sep in (",", " ")
}
_NON_FINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan", "-nan"}
#: Unit words after a number, and the power of ten that brings the number to 亿元.
_MONEY_SUFFIXES = (("亿元", 0), ("亿", 0), ("万元", 4), ("万", 4), ("元", 8))


def _ungroup(t: str) -> str | None:
    """``t`` without its thousands separators, or ``None`` when a separator is not one."""
    seps = {s for s in (",", " ") if s in t}
    if not seps:
        return t
    if len(seps) > 1:
        return None
    (sep,) = seps
    return t.replace(sep, "") if _GROUPED[sep].fullmatch(t) else None


def parse_value(v: object) -> tuple[float | None, str | None]:
    """A cell's content → ``(number, text)``.

    A number comes back as ``(x, None)``; text that is not read as a number as ``(None, text)``;
    a percentage as ``(fraction, text)`` (the text kept so that a percent sign in an amount
    column can be reported); ``inf`` and ``nan`` typed as text as ``(x, text)``; blanks as
    ``(None, None)``.
    """
    if v is None:
        return None, None
    if isinstance(v, bool):
        return None, str(v)
    if isinstance(v, int | float):
        return float(v), None
    s = str(v).strip()
    if not s:
        return None, None
    t = s.translate(_FULLWIDTH).strip()
    pct = t.endswith(("%", "％"))
    t = t.rstrip("%％").strip()
    if t.lower() in _NON_FINITE:
        return float(t), s
    body = _ungroup(t)
    if body is None or not _PLAIN.fullmatch(body):
        return None, s
    x = float(body)
    if pct:
        return x / 100, s
    return x, None


@attrs.frozen
class Refusal:
    """Why a cell's text is not read as a number, and what to type instead."""

    zh: str
    en: str
    fix: str


_GENERIC_FIX = (
    "只填数字，不带单位或文字（金额以亿元计）/ type the number only, without units or words "
    "(amounts in 100 million yuan)"
)


def _two_readings(t: str, sep: str) -> str:
    """The fix for a separator that could be a decimal point or a thousands separator."""
    head, _, tail = t.partition(sep)
    tail = tail.replace(sep, "")
    if head.lstrip("+-").isdigit() and tail.isdigit():
        dec, whole = f"{head}.{tail}", f"{head}{tail}".lstrip("0") or "0"
        return (
            f"若为小数请填 {dec}，若为整数请填 {whole} / for the decimal type {dec}, "
            f"for the whole number type {whole}"
        )
    return (
        "小数点用半角句点“.”，不加千位分隔符 / use the point '.' for decimals and no thousands "
        "separator"
    )


def refusal(raw: str) -> Refusal | None:
    """Why ``raw`` is not read as a number (``None`` when it is one): the decimal comma, the
    full-width comma, the ideographic full stop, a unit after the number, or any other text."""
    value, _ = parse_value(raw)
    if value is not None and math.isfinite(value):
        return None
    t = raw.strip().translate(_FULLWIDTH).strip()
    if value is not None:
        return Refusal(
            f"{raw!r} 不是有限的数字",
            f"{raw!r} is not a finite number",
            "填写实际数字 / enter the actual figure",
        )
    if "，" in t:
        return Refusal(
            "数字中有全角逗号“，”：小数点应为半角句点",
            "a full-width comma '，' in a number: use the point for decimals",
            _two_readings(t, "，"),
        )
    if "。" in t:
        return Refusal(
            "数字中有句号“。”：小数点应为半角句点",
            "an ideographic full stop '。' in a number: use the point for decimals",
            _two_readings(t, "。"),
        )
    if t.count(",") == 1 and _PLAIN.fullmatch(t.replace(",", "")):
        return Refusal(
            "逗号不能用作小数点（千位分隔符须每三位一组）",
            "a comma is not a decimal separator (a thousands separator comes every three digits)",
            _two_readings(t, ","),
        )
    for suffix, power in _MONEY_SUFFIXES:
        number = t.removesuffix(suffix).strip()
        if number == t:
            continue
        x, _ = parse_value(number)
        if x is not None and math.isfinite(x):
            shown = f"{x / 10**power:.10g}"
            return Refusal(
                f"数字后带有单位“{suffix}”",
                f"a unit {suffix!r} after the number",
                f"只填数字，金额以亿元计：填 {shown} / type the number only, in 亿元 (100 million "
                f"yuan): {shown}",
            )
    return Refusal(f"{raw!r} 不是数字", f"{raw!r} is not a number", _GENERIC_FIX)
