"""Integers typed by users: the one parser for them (issue 13).

str.isdigit() accepts '²', '①' and '٣', and int() then crashes on the first two and reads the third as 3. A number
from a form, a URL or a spreadsheet cell is ASCII digits 0-9 only, bounded in length before int() ever sees it.
"""
from __future__ import annotations

import re

_ANGKA = re.compile(r"[0-9]{1,18}")


def bulat(value, low: int | None = None, high: int | None = None) -> int | None:
    """The integer in value (surrounding spaces ignored), or None when it is not ASCII digits or lies outside
    [low, high]. Never raises: anything that is not text (a file part, None) is not a number."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _ANGKA.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


def ascii_angka(value: str) -> bool:
    """Only ASCII digits 0-9, at least one (codes, NIK, RT/RW: checked as text, never via isdigit())."""
    return bool(re.fullmatch(r"[0-9]+", value or ""))


def angka_asing(value) -> bool:
    """Text holding a digit or numeral other than ASCII 0-9 ('²', '①', '٣', '３'): such a value is refused by name,
    never read as a number (a spreadsheet cell of a code, a date, a NIK or a coordinate)."""
    return isinstance(value, str) and any(c.isnumeric() and not c.isascii() for c in value)
