"""Two people edited the same record: a three-way merge of what the form showed, what the user sent and what is
stored now, so that a second save never undoes somebody else's change silently.

A field only the other person changed takes their value; a field only this user changed keeps the user's input; a
field both changed to different values is flagged beside it, with today's value, for the user to decide.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from portal.formatting import telepon
from portal import rules

PHONE_FIELDS = ("telepon", "kontak")


def display(obj, fields) -> dict[str, str]:
    """The stored values as a form shows them: dates as YYYY-MM-DD, phones as 0812-3456-7890, nothing as ''."""
    values = {}
    for field in fields:
        value: Any = getattr(obj, field)
        if value is None:
            values[field] = ""
        elif field in PHONE_FIELDS:
            values[field] = telepon(value)
        elif isinstance(value, date):
            values[field] = value.isoformat()
        else:
            values[field] = str(value)
    return values


def _same(cleaner, a: str | None, b: str | None) -> bool:
    try:
        return cleaner(a) == cleaner(b)
    except rules.Invalid:
        return (a or "").strip() == (b or "").strip()


def merge(schema: dict, mine: dict, base: dict, theirs: dict) -> tuple[dict[str, str], list[str]]:
    """(merged form values, the fields both sides changed to different values)."""
    merged, clashes = {}, []
    for field, cleaner in schema.items():
        if _same(cleaner, mine.get(field), base.get(field)):
            merged[field] = theirs.get(field, "")  # only the other person changed it (or nobody)
        else:
            merged[field] = mine.get(field) or ""
            if not _same(cleaner, base.get(field), theirs.get(field)) and \
                    not _same(cleaner, mine.get(field), theirs.get(field)):
                clashes.append(field)
    return merged, clashes
