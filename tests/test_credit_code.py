"""Unified social credit codes (GB 32100-2015) at the edges of the check: a check digit of 0
(where the sum is a multiple of 31), several bad characters at once, each length."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from soeplan.structure.credit_code import check_credit_code

#: the standard's alphabet and weights (3^i mod 31), written out here independently of the code
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]


def _with_check_digit(body: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return body + ALPHABET[(31 - total % 31) % 31]


def test_a_check_digit_of_zero_is_accepted() -> None:
    """Σ value·weight ≡ 0 (mod 31) gives 31, written as 0."""
    body = next(
        "".join(p) + "000000000000"
        for p in itertools.product("0123456789", repeat=5)
        if _with_check_digit("".join(p) + "000000000000").endswith("0") and "".join(p) != "00000"
    )
    code = _with_check_digit(body)
    assert code.endswith("0")
    assert check_credit_code(code) is None
    assert check_credit_code(code[:17] + "1") == "check digit is 1, expected 0"


def test_every_bad_character_is_named_once_in_order() -> None:
    assert check_credit_code("91350100M000100YOI") == (
        "contains 'IO', not allowed (digits and A–Y without I, O, S, V, Z)"
    )


def test_a_wrong_length_is_named() -> None:
    assert check_credit_code("91350100M000100Y4") == "has 17 characters, expected 18"
    assert check_credit_code("") == "has 0 characters, expected 18"


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_any_body_with_its_check_digit_is_accepted_and_any_other_digit_refused(
    body: str,
) -> None:
    code = _with_check_digit(body)
    assert check_credit_code(code) is None
    wrong = next(c for c in ALPHABET if c != code[17])
    assert check_credit_code(body + wrong) == f"check digit is {wrong}, expected {code[17]}"
