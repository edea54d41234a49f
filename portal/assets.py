"""Static files under content-hashed names (app.3f2a1b9c0d.css), cached for a year as immutable.

A changed file gets a new name, so browsers never keep a stale copy and a repeat visit costs one request.
The files are few and small: they are read and compressed (brotli, gzip) once at start-up and served from memory.
"""
import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass
from functools import lru_cache

import brotli
from flask import Flask, Response, abort, current_app, request, url_for

from portal.access import public

ONE_YEAR = 31536000


@dataclass(frozen=True)
class Asset:
    name: str
    digest: str
    mimetype: str
    encoded: dict  # content-coding ("identity", "br", "gzip") → bytes


def _load(path: str, name: str) -> Asset:
    with open(path, "rb") as f:
        raw = f.read()
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    encoded = {"identity": raw}
    if mimetype.startswith("text/") or mimetype in ("application/javascript", "image/svg+xml"):
        encoded.update(_compressed(raw))
    return Asset(name, hashlib.sha256(raw).hexdigest()[:10], mimetype, encoded)


@lru_cache(maxsize=64)
def _compressed(raw: bytes) -> dict:
    """Brotli at its best level is slow: a process that builds several apps (the tests build one per test)
    compresses the same bytes once."""
    return {"br": brotli.compress(raw, quality=11), "gzip": gzip.compress(raw, compresslevel=9, mtime=0)}


def init_app(app: Flask, folder: str) -> None:
    folder = os.path.abspath(folder)
    by_name, by_hashed = {}, {}
    for root, _dirs, files in os.walk(folder):
        for filename in files:
            path = os.path.join(root, filename)
            name = os.path.relpath(path, folder).replace(os.sep, "/")
            asset = _load(path, name)
            stem, ext = os.path.splitext(name)
            hashed = f"{stem}.{asset.digest}{ext}"
            by_name[name], by_hashed[hashed] = hashed, asset
    app.extensions["assets"] = {"by_name": by_name, "by_hashed": by_hashed}
    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=static_file)
    app.jinja_env.globals["asset_url"] = asset_url


def asset_url(name: str) -> str:
    return url_for("static", filename=current_app.extensions["assets"]["by_name"][name])


@public
def static_file(filename: str):
    asset = current_app.extensions["assets"]["by_hashed"].get(filename)
    if asset is None:
        abort(404)
    accepted = request.accept_encodings
    coding = next((c for c in ("br", "gzip") if c in asset.encoded and accepted[c]), "identity")
    response = Response(asset.encoded[coding], mimetype=asset.mimetype)
    if coding != "identity":
        response.headers["Content-Encoding"] = coding
    response.vary.add("Accept-Encoding")
    response.set_etag(f"{asset.digest}-{coding}")
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.immutable = True
    return response.make_conditional(request)
