from datetime import datetime, timezone


# The integer primary keys' range on PostgreSQL (well inside SQLite's): a larger number names no record.
ID_MAKS = 2**31 - 1


def utcnow() -> datetime:
    """Naive UTC: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
