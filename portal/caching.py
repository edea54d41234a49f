"""HTTP caching of public pages and open-data exports (issue 4): ETag, Cache-Control, 304.

The validator is cheap and decided before the page is built: every change to the records writes an audit entry
(portal/audit.py; bulk paths write one per batch, `flask rekap bangun` and the wilayah import too), so the newest
audit id is a version of all public data. With the code's own fingerprint (templates and Python files, the same in
every worker of one deployment), today's date where the portal is used (a page may say an SK holds, or a kegiatan is
under way: the next day it does not, with no change to the records) and whether htmx asked for a fragment, it makes
a weak ETag. A conditional request that matches is answered 304 without touching anything but that one indexed max().

Anonymous visitors get `public, max-age=60`: a phone on 3G re-reads nothing for a minute, then revalidates. Logged-in
staff see their own menu and CSRF token on the same URLs, so their copies are `private, no-cache` without an ETag;
`Vary: Cookie` keeps the two apart in any cache.

Every answer to a logged-in user (issue 13) passes one rule, staf(): never cached by a shared cache, and
`private, no-store` where a view marked with @pribadi shows personal data (NIK, phone, birth date, address, names of
people), so not even the browser keeps a copy on a shared phone. Unmarked staff pages are `private, no-cache`; a view
that chose a `private` policy itself keeps it, and one that said `no-store` is never weakened.
"""
from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone
from functools import wraps

from flask import abort, current_app, make_response, request, session
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.formatting import hari_ini
from portal.models.audit import AuditLog

MAX_AGE_PAGE = 60
MAX_AGE_EXPORT = 300


def sidik_kode(root: str) -> str:
    """A fingerprint of the deployed templates and code: a new release changes every ETag."""
    digest = hashlib.sha1()
    for folder in ("templates", "portal", "static"):
        for dirpath, dirnames, filenames in sorted(os.walk(os.path.join(root, folder))):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith((".html", ".py", ".css", ".js")):
                    with open(os.path.join(dirpath, name), "rb") as f:
                        digest.update(name.encode() + f.read())
    return digest.hexdigest()[:10]


def versi_data() -> tuple[int, datetime | None]:
    """The newest audit entry: (id, time). Every change to public data writes one."""
    row = db.session.execute(select(AuditLog.id, AuditLog.at).order_by(AuditLog.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, None)


def fragmen() -> bool:
    """htmx asked for a fragment. A history restore (the back button after hx-push-url) asks with HX-Request too,
    but needs the whole page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def bersyarat(max_age: int = MAX_AGE_PAGE, last_modified: bool = False, ada=None):
    """Decorates a public view: 304 for a matching If-None-Match, ETag and Cache-Control on every answer.
    ada: for a page of one record, the view's own look-up (the URL's arguments → the record or None): a record that
    does not exist is 404 before any 304, since the ETag (a version of all data) would match for it too."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if ada is not None and ada(*args, **kwargs) is None:
                abort(404)
            if current_user.is_authenticated:
                response = make_response(view(*args, **kwargs))
                response.headers["Cache-Control"] = "private, no-cache"
                response.vary.add("Cookie")
                return response
            version, at = versi_data()
            etag = f"{version}-{current_app.config['SIDIK_KODE']}-{hari_ini():%Y%m%d}-{'f' if fragmen() else 'p'}"
            if request.if_none_match.contains_weak(etag):
                response = current_app.response_class(status=304)
            else:
                response = make_response(view(*args, **kwargs))
            if response.status_code in (200, 304):
                response.set_etag(etag, weak=True)
                response.headers["Cache-Control"] = f"public, max-age={max_age}"
                if last_modified and at is not None:
                    response.last_modified = at.replace(tzinfo=timezone.utc)
            response.vary.add("Cookie")
            return response
        return wrapper
    return decorate


def pribadi(view):
    """Marks a staff view that shows personal data: every answer it gives is `private, no-store`."""
    view.pribadi = True
    return view


def staf(response):
    """after_request: the Cache-Control of every answer to a logged-in user (static files aside: the same for all)."""
    if request.endpoint == "static" or "_user_id" not in session:  # the session, not current_user: no database
        return response
    view = current_app.view_functions.get(request.endpoint)
    policy = response.cache_control
    if getattr(view, "pribadi", False) or policy.no_store:
        response.headers["Cache-Control"] = "private, no-store"
    elif not policy.private:
        response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response
