"""Round axis ticks: the "nice numbers" a reader can read (1,000 / 2,000 / 3,000, not 1,080 /
2,160 / 3,240).

:func:`nice_ticks` picks the step from 1, 2 and 5 times a power of ten, the smallest that covers
the data in at most :data:`MAX_TICKS` ticks (Heckbert's labelling, "Nice numbers for graph
labels", Graphics Gems, 1990, with the count bounded rather than aimed at). Every tick is a whole
multiple of the step, the first at or below the smallest value, the last at or above the
largest: the axis covers the data, and there are 3 to 7 ticks. :func:`tick_label` prints a tick
with only the decimals its step needs.

>>> nice_ticks(0, 3240)
[0.0, 1000.0, 2000.0, 3000.0, 4000.0]
>>> nice_ticks(0.5457, 0.65)
[0.54, 0.56, 0.58, 0.6, 0.62, 0.64, 0.66]
>>> [tick_label(t, 0.02, percent=True) for t in nice_ticks(0.0, 0.65)]
['0%', '20%', '40%', '60%', '80%']
"""

from __future__ import annotations

import math
from decimal import Decimal

__all__ = ["MAX_TICKS", "MIN_TICKS", "nice_ticks", "tick_count", "tick_label", "tick_step"]

MIN_TICKS = 3
MAX_TICKS = 7
_MANTISSAS = (1, 2, 5)


def _bounds(lo: float, hi: float, step: float) -> tuple[int, int]:
    """The multiples of ``step`` of the first and last tick: at or below ``lo``, at or above
    ``hi`` (checked on the printed values, as a quotient of floats can miss by an ulp)."""
    d = Decimal(repr(step))
    first, last = math.floor(lo / step), math.ceil(hi / step)
    while float(d * first) > lo:
        first -= 1
    while float(d * (first + 1)) <= lo:
        first += 1
    while float(d * last) < hi:
        last += 1
    while float(d * (last - 1)) >= hi:
        last -= 1
    return first, last


def tick_count(lo: float, hi: float, step: float) -> int:
    """How many ticks of ``step`` cover ``[lo, hi]``."""
    first, last = _bounds(lo, hi, step)
    return last - first + 1


def tick_step(lo: float, hi: float) -> float:
    """The round step (1, 2 or 5 × 10ⁿ) of the axis over ``[lo, hi]``: the smallest that covers
    the range in at most :data:`MAX_TICKS` ticks."""
    lo, hi = _span(lo, hi)
    exponent = math.floor(math.log10(hi - lo)) - 2
    while True:
        for m in _MANTISSAS:
            step = float(Decimal(m).scaleb(exponent))
            if tick_count(lo, hi, step) <= MAX_TICKS:
                return step
        exponent += 1


def _span(lo: float, hi: float) -> tuple[float, float]:
    """``[lo, hi]`` ordered, and widened when it is a single value (a flat series)."""
    lo, hi = min(lo, hi), max(lo, hi)
    if hi - lo < 1e-9 * max(1.0, abs(hi)):  # flat (or a span below a chart's resolution)
        pad = max(abs(hi) * 0.1, 1e-6)
        lo, hi = lo - pad, hi + pad
    return lo, hi


def nice_ticks(lo: float, hi: float) -> list[float]:
    """Round ticks covering ``[lo, hi]``: whole multiples of :func:`tick_step`, 3 to 7 of them.

    >>> nice_ticks(3, 3)
    [2.7, 2.8, 2.9, 3.0, 3.1, 3.2, 3.3]
    >>> nice_ticks(-1.2, 0.4)
    [-1.5, -1.0, -0.5, 0.0, 0.5]
    """
    step = tick_step(lo, hi)
    lo, hi = _span(lo, hi)
    first, last = _bounds(lo, hi, step)
    n = max(last - first + 1, MIN_TICKS)
    d = Decimal(repr(step))
    # Decimal arithmetic, so that 3 × 0.1 is the tick 0.3, not 0.30000000000000004
    ticks = [float(d * (first + i)) for i in range(n)]
    return [0.0 if t == 0 else t for t in ticks]


def _decimals(step: float) -> int:
    return max(0, -math.floor(math.log10(step) + 1e-9))


def tick_label(value: float, step: float, *, percent: bool = False) -> str:
    """A tick printed with the decimals its ``step`` needs (a fraction as a percentage).

    >>> tick_label(2000.0, 1000.0), tick_label(2.5, 0.5), tick_label(0.015, 0.005, percent=True)
    ('2,000', '2.5', '1.5%')
    """
    if percent:
        return f"{value * 100:.{_decimals(step * 100)}f}%"
    return f"{value:,.{_decimals(step)}f}"
