"""Where uploads live (UPLOAD_FOLDER, default instance/uploads; with several machines, a shared volume), the import
files waiting there between the preview and the confirmation, and the one flow of an upload form (both imports: the
Posyandu and kader, the ministry's numbers).

The flow: every POST ends in a redirect, so a refresh never posts again. receive() reads the file, lets the import
check it without holding the write lock and keeps it under a token; to_preview() then goes to the preview at its
own GET-able URL. A refused upload (refused()) goes back to the page the form was on, its errors kept once in the
session for that page (pending()); with htmx the form alone comes back with its errors, in place (422).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from flask import current_app, redirect, session

from portal import caching, transaksi
from portal.lembar_baca import EKSTENSI, MAKS_BYTES, FileRefused

# Uploads waiting for confirmation are removed after this long (they may hold NIK: UU 27/2022).
UPLOAD_TTL_SECONDS = 24 * 60 * 60
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def folder(*parts: str) -> str:
    """The upload folder, or a folder inside it (dokumen, impor, nomor)."""
    base = current_app.config["UPLOAD_FOLDER"] or os.path.join(current_app.instance_path, "uploads")
    return os.path.join(base, *parts)


def baca(berkas, limit: int = MAKS_BYTES) -> bytes:
    """The bytes of an uploaded file, at most limit + 1 of them (enough to know it is too large)."""
    return berkas.read(limit + 1)


@dataclass
class Upload:
    token: str
    meta: dict[str, Any]
    data: bytes


def _path(folder: str, token: str, ext: str) -> str:
    return os.path.join(folder, f"{token}.{ext}")


def _remove_expired(folder: str) -> None:
    limit = time.time() - UPLOAD_TTL_SECONDS
    for entry in os.scandir(folder):
        if entry.is_file() and entry.stat().st_mtime < limit:
            os.remove(entry.path)


def store_upload(folder: str, user_id: int, jenis: str, filename: str, ext: str, data: bytes, **meta) -> str:
    """Keeps the uploaded bytes until the user confirms; returns the unguessable token."""
    os.makedirs(folder, exist_ok=True)
    _remove_expired(folder)
    token = secrets.token_urlsafe(24)
    with open(_path(folder, token, ext), "wb") as f:
        f.write(data)
    meta = {**meta, "user_id": user_id, "jenis": jenis, "filename": filename, "ext": ext,
            "sha256": hashlib.sha256(data).hexdigest(), "created": datetime.now(timezone.utc).isoformat()}
    # Written last: a token whose JSON exists is complete.
    with open(_path(folder, token, "json"), "w", encoding="utf-8") as f:
        json.dump(meta, f)
    return token


def load_upload(folder: str, token: str, user_id: int, kinds) -> Upload | None:
    """The user's stored upload of one of these kinds, or None (unknown, expired, or someone else's). FileRefused if
    it was altered."""
    if not TOKEN.match(token or ""):
        return None
    meta_path = _path(folder, token, "json")
    try:
        with open(meta_path, encoding="utf-8") as f:
            meta = json.load(f)
        if meta.get("user_id") != user_id or meta.get("ext") not in EKSTENSI or meta.get("jenis") not in kinds:
            return None
        if os.path.getmtime(meta_path) < time.time() - UPLOAD_TTL_SECONDS:
            delete_upload(folder, token)
            return None
        with open(_path(folder, token, meta["ext"]), "rb") as f:
            data = f.read()
    except (OSError, ValueError):
        return None
    if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        raise FileRefused("Berkas unggahan berubah sejak pratinjau. Unggah ulang berkasnya.")
    return Upload(token, meta, data)


def delete_upload(folder: str, token: str) -> None:
    if not TOKEN.match(token or ""):
        return
    for ext in EKSTENSI + ("json",):
        try:
            os.remove(_path(folder, token, ext))
        except FileNotFoundError:
            pass


# --- the upload form's flow -----------------------------------------------------------------------------------------

def receive(berkas, folder: str, user_id: int, jenis: str, ext: str, check: Callable[[bytes], Any], **meta) -> str:
    """Reads an uploaded file (bounded), lets check(data) refuse it with FileRefused while no write lock is held
    (portal/transaksi.py: it only reads), and keeps it for its uploader (with meta, e.g. what it is for); returns the
    token."""
    data = baca(berkas)
    with transaksi.tanpa_kunci():
        check(data)
        return store_upload(folder, user_id, jenis, os.path.basename(berkas.filename), ext, data, **meta)


def to_preview(url: str):
    """An accepted upload goes to its preview: with htmx the whole page changes (HX-Redirect), else by a redirect."""
    if caching.fragmen():
        return "", 204, {"HX-Redirect": url}
    return redirect(url, 303)


def refused(key: str, errors: Any, form: Callable[[], str], back: str):
    """A refused upload. With htmx: form() (the upload form with its errors) in place, 422. Else the errors wait in
    the session under key and a redirect goes back to back (the page the form was on), which shows them once."""
    if caching.fragmen():
        return form(), 422
    session[key] = errors
    return redirect(back, 303)


def pending(key: str, default: Any = None) -> Any:
    """The errors of a refused upload, for the page the refusal went back to (once: they are gone afterwards)."""
    return session.pop(key, default)
