"""A request that reads and checks for long before it writes (an uploaded spreadsheet), without SQLite's write lock.

On SQLite every transaction of a POST starts with BEGIN IMMEDIATE (`_sqlite_begin` in portal/__init__.py), so that
concurrent writes queue instead of failing. The lock is taken at the request's first statement, which is loading
current_user, and held until the request ends: a POST that parses and validates a file for seconds would make every
other POST (a login included) wait that long, or fail after the busy timeout (issue 13, item 1).

`tanpa_kunci()` marks such a phase. On entry it ends the transaction the request holds (committing what it wrote so
far: normally nothing); inside it no transaction takes the lock (SQLite runs the reads in autocommit, each seeing the
latest commit); on exit it rolls back whatever the phase opened. The first statement after it starts a locking
transaction again, so the writes that follow queue as before. The phase must only read: what it wrote is undone.
Objects loaded before or inside it are expired at its ends and reload on their next use, so a caller that compares
versions later (the import's confirmation) keeps the version numbers it saw, not the objects. On PostgreSQL a read
takes no lock worth avoiding, and the same code runs unchanged.
"""
from __future__ import annotations

from contextlib import contextmanager

from flask import g, has_app_context

from portal.extensions import db


def membaca() -> bool:
    """Inside tanpa_kunci(): transactions started now must not take SQLite's write lock."""
    return has_app_context() and g.get("_tanpa_kunci", False)


@contextmanager
def tanpa_kunci():
    db.session.commit()  # ends the transaction (and the lock) that loading current_user opened
    g._tanpa_kunci = True
    try:
        yield
    finally:
        g._tanpa_kunci = False
        db.session.rollback()
