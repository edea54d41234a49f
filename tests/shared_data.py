"""One generated database for the read-only checks of a test module (issue 14): generating the demo province or a
scale batch takes seconds, reading it takes milliseconds.

`Generated` makes the data on first use and keeps it until the module ends, or until a test needs the database
without it (`drop()` first) or has changed it (`drop()` after). Tests that read it must not request conftest's `app`,
`ctx` or `client`, whose teardown empties the database: they use `.app` for a test client and run in a context of
`.direct`, a second app on the same database (as conftest's `ctx`: no request shares `g` with the test).
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from tests.helpers import empty, make_app

class Generated:
    """make(app) generates the data inside an app context of .direct and returns what the tests read about it."""

    def __init__(self, database_url: str, make: Callable[[Flask], object]):
        self.app, self.direct = make_app(database_url), make_app(database_url)
        self._make = make
        self._value = None

    def get(self):
        if self._value is None:
            empty(self.direct)  # also what the session's setup left for the first test (the import's audit entry)
            with self.direct.app_context():
                self._value = self._make(self.direct)
        return self._value

    def drop(self) -> None:
        if self._value is not None:
            self._value = None
            empty(self.direct)
