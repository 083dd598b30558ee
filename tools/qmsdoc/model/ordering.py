"""The order of item ids: natural, so that REQ-2 comes before REQ-10."""

from __future__ import annotations

import re

__all__ = ["natural_key"]

_DIGIT_RUNS = re.compile(r"([0-9]+)")


def natural_key(item_id: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that orders REQ-2 before REQ-10 (digit runs compare as numbers).

    A digit run compares by its length without leading zeros, then lexically: the
    numeric order without ``int()``, which refuses runs of more than 4,300 digits
    and is quadratic in their length.
    """
    # split with a group puts the ASCII digit runs at the odd positions
    return tuple(
        _number_key(part) if position % 2 else (0, 0, part)
        for position, part in enumerate(_DIGIT_RUNS.split(item_id))
        if part
    )


def _number_key(digits: str) -> tuple[int, int, str]:
    significant = digits.lstrip("0")
    return (1, len(significant), significant)
