"""Failed attempts per account (issue 13): the login per username, the current-password check per user.

The key is what the form validated (form.username.data), never the raw request: a JSON body or a second field of
the same name cannot step around it. Counted in the limiter's storage (Redis in production), so the limit holds
across workers; only failures count, and a blocked account is refused before its password is even checked.
"""
from __future__ import annotations

from flask import current_app
from limits import parse

from portal.extensions import limiter


def habis(scope: str, key: str, setting: str) -> bool:
    """The key has used up the failures the setting (e.g. LOGIN_LIMIT_PER_USERNAME) allows."""
    return not limiter.limiter.test(parse(current_app.config[setting]), scope, key)


def gagal(scope: str, key: str, setting: str) -> None:
    limiter.limiter.hit(parse(current_app.config[setting]), scope, key)
