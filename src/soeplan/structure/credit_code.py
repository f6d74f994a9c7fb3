"""Unified social credit codes (统一社会信用代码, GB 32100-2015): the check an entity's code passes."""

from __future__ import annotations

__all__ = ["check_credit_code"]

_CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_credit_code(code: str) -> str | None:
    """Check an 18-character unified social credit code (GB 32100-2015).

    Returns ``None`` when the code is well formed, else what is wrong. The check digit is
    ``31 − (Σ value·weight mod 31)`` over the first 17 characters (``31`` written as ``0``), with
    the weights ``3^i mod 31`` and the 31-character alphabet without I, O, Z, S, V.

    >>> check_credit_code("91350100M000100Y43") is None
    True
    >>> check_credit_code("91350100M000100Y44")
    'check digit is 4, expected 3'
    """
    if len(code) != 18:
        return f"has {len(code)} characters, expected 18"
    bad = sorted({c for c in code if c not in _CC_CHARS})
    if bad:
        return f"contains {''.join(bad)!r}, not allowed (digits and A–Y without I, O, S, V, Z)"
    total = sum(_CC_CHARS.index(c) * w for c, w in zip(code[:17], _CC_WEIGHTS, strict=True))
    expected = _CC_CHARS[(31 - total % 31) % 31]
    if code[17] != expected:
        return f"check digit is {code[17]}, expected {expected}"
    return None
