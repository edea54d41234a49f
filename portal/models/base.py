from datetime import datetime, timezone

from portal.bilangan import bulat


# The integer primary keys' range on PostgreSQL (well inside SQLite's): a larger number names no record.
ID_MAKS = 2**31 - 1


def baca_id(value) -> int | None:
    """A record id from a form or a URL; None for anything that cannot be one (also a number out of range, which
    PostgreSQL would refuse with an error instead of finding nothing)."""
    return bulat(value, 0, ID_MAKS)


def utcnow() -> datetime:
    """Naive UTC: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
