"""The national-scale databases the benchmarks share: 300,000 synthetic Posyandu (`flask demo scale`) on SQLite and on
PostgreSQL, built once (migrations, the whole country's wilayah, the generator) and reused while they hold exactly
that many. Override with BENCH_SQLITE (a file path) and BENCH_POSTGRES (a URL)."""
from __future__ import annotations

import os

N = 300_000
SQLITE_PATH = os.environ.get("BENCH_SQLITE", "/tmp/bench-nasional.sqlite3")
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_URL = os.environ.get("BENCH_POSTGRES", f"{PG_SERVER}/bench_nasional")


def _ready(url: str) -> bool:
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM posyandu")).scalar() == N
    except Exception:  # noqa: BLE001 - missing database or table: build it
        return False
    finally:
        engine.dispose()


def _build(url: str) -> None:
    from flask_migrate import upgrade

    from portal import create_app
    from portal.demo import skala as scale
    from portal.wilayah.impor import import_wilayah
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        import_wilayah()
        result = scale.generate(N, kader_minimum=app.config["KADER_MINIMUM"])
        print(f"built {url}: {result.posyandu} Posyandu in {result.seconds:.0f} s", flush=True)


def sqlite_url() -> str:
    url = f"sqlite:///{SQLITE_PATH}"
    if not _ready(url):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(SQLITE_PATH + suffix):
                os.remove(SQLITE_PATH + suffix)
        _build(url)
    return url


def postgres_url() -> str:
    if not _ready(PG_URL):
        import psycopg
        name = PG_URL.rsplit("/", 1)[1]
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        _build(PG_URL)
    return PG_URL


def describe() -> str:
    return f"{N:,} synthetic Posyandu (~3.7 M kader, ~2 M pengurus) from `flask demo scale`"
