"""Backups: `flask db backup PATH` and `flask db restore PATH` (issue 7).

A backup is a folder: the database (SQLite: a consistent online copy made by SQLite's own backup API, while the portal
keeps serving; PostgreSQL: `pg_dump --format=custom`), the dossier documents (UPLOAD_FOLDER/dokumen), and
MANIFEST.json with the schema revision, the row count of every table and a SHA-256 of every file. Restore checks the
manifest first and refuses a folder that does not match it; on SQLite it writes the copy back with the same API.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from portal import unggahan
from portal.extensions import db

MANIFEST = "MANIFEST.json"
SQLITE_FILE = "portal.sqlite3"
PG_FILE = "portal.pgdump"
DOKUMEN = "dokumen"


class BackupError(Exception):
    """Said to the operator as is; nothing was changed."""


@dataclass
class Hasil:
    path: str
    tables: dict[str, int]
    files: int


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hitung_tabel() -> dict[str, int]:
    """Rows per table of the schema, alembic_version included."""
    counts = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}
    counts["alembic_version"] = db.session.scalar(text("SELECT count(*) FROM alembic_version"))
    db.session.rollback()
    return counts


def _revision() -> str | None:
    rev = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    db.session.rollback()
    return rev


def _dokumen_folder() -> str:
    return unggahan.folder(DOKUMEN)


def _pg_env(url) -> dict[str, str]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def _pg_args(url) -> list[str]:
    args = ["--dbname", url.database or "postgres"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} tidak ditemukan: pasang klien PostgreSQL (paket postgresql-client) yang "
                          "versinya sama dengan servernya.") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} gagal: {done.stderr.strip()[-500:]}")


def backup(path: str) -> Hasil:
    """Writes a backup into the new folder path (it must not exist yet)."""
    if os.path.exists(path):
        raise BackupError(f"{path} sudah ada; pilih folder baru agar cadangan lain tidak tertimpa.")
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    work = path + ".sebagian"
    os.makedirs(work)
    try:
        tables = hitung_tabel()
        if url.get_backend_name() == "sqlite":
            target = os.path.join(work, SQLITE_FILE)
            source = db.engine.raw_connection()
            try:
                dest = sqlite3.connect(target)
                with dest:
                    source.driver_connection.backup(dest)  # a consistent snapshot, page by page, while others write
                dest.close()
            finally:
                source.close()
            # The counts of the copy itself: what the manifest promises is what the file holds.
            check = sqlite3.connect(target)
            tables = {name: check.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
            check.close()
        elif url.get_backend_name() == "postgresql":
            # --serializable-deferrable: one consistent snapshot without blocking writers.
            _run(["pg_dump", "--format=custom", "--no-owner", "--serializable-deferrable",
                  "--file", os.path.join(work, PG_FILE), *_pg_args(url)], _pg_env(url))
        else:
            raise BackupError(f"Basis data {url.get_backend_name()} tidak didukung.")
        files = {}
        source_dir = _dokumen_folder()
        if os.path.isdir(source_dir):
            os.makedirs(os.path.join(work, DOKUMEN))
            for name in sorted(os.listdir(source_dir)):
                if name.endswith(".tmp"):
                    continue
                shutil.copy2(os.path.join(source_dir, name), os.path.join(work, DOKUMEN, name))
                files[f"{DOKUMEN}/{name}"] = _sha256(os.path.join(work, DOKUMEN, name))
        db_file = SQLITE_FILE if url.get_backend_name() == "sqlite" else PG_FILE
        files[db_file] = _sha256(os.path.join(work, db_file))
        manifest = {"dibuat": datetime.now(timezone.utc).isoformat(timespec="seconds"), "revisi": _revision(),
                    "basis_data": url.get_backend_name(), "tabel": tables, "berkas": files}
        with open(os.path.join(work, MANIFEST), "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=1, sort_keys=True)
        os.replace(work, path)  # complete or absent, never half a backup under the final name
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Hasil(path, tables, len(files) - 1)


def baca_manifest(path: str) -> dict:
    try:
        with open(os.path.join(path, MANIFEST), encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError):
        raise BackupError(f"{path} bukan folder cadangan portal (tidak ada {MANIFEST} yang terbaca).") from None
    for name, digest in manifest.get("berkas", {}).items():
        full = os.path.join(path, name)
        if not os.path.isfile(full) or _sha256(full) != digest:
            raise BackupError(f"Cadangan rusak atau tidak lengkap: {name} tidak sesuai {MANIFEST}. Tidak ada yang "
                              "dipulihkan.")
    return manifest


def restore(path: str) -> Hasil:
    """Puts the backup back: the database as it was, and every document it holds. Stop the portal first."""
    manifest = baca_manifest(path)
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if manifest.get("basis_data") != url.get_backend_name():
        raise BackupError(f"Cadangan ini dari {manifest.get('basis_data')}, basis data sekarang "
                          f"{url.get_backend_name()}. Pindah antarjenis basis data tidak lewat restore.")
    db.session.remove()
    db.engine.dispose()  # no pooled connection of this process holds a lock the restore needs
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(os.path.join(path, SQLITE_FILE))
        target = db.engine.raw_connection()
        try:
            source.backup(target.driver_connection)
        finally:
            target.close()
            source.close()
        db.engine.dispose()
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              *_pg_args(url), os.path.join(path, PG_FILE)], _pg_env(url))
        db.engine.dispose()
    folder = _dokumen_folder()
    copied = 0
    if os.path.isdir(os.path.join(path, DOKUMEN)):
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(os.path.join(path, DOKUMEN)):
            shutil.copy2(os.path.join(path, DOKUMEN, name), os.path.join(folder, name))
            copied += 1
    tables = hitung_tabel()
    if tables != manifest["tabel"]:
        raise BackupError("Setelah dipulihkan, jumlah baris tidak sama dengan MANIFEST.json: periksa basis datanya.")
    return Hasil(path, tables, copied)
