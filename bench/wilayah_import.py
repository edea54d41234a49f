"""Times `flask wilayah import` of the whole country into an empty database, then the idempotent re-run.

Usage: .venv/bin/python bench/wilayah_import.py [DATABASE_URL ...]
Without arguments: a fresh SQLite file, and PostgreSQL at postgresql://postgres@127.0.0.1:5432/test when reachable.
Writes bench/wilayah_import.md. Goal (issue 2): the whole country in under 10 s.
"""
import datetime
import os
import platform
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.wilayah.impor import import_wilayah  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432/test"


def measure(url: str) -> tuple[float, float, int]:
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        started = time.perf_counter()
        first = import_wilayah()
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        import_wilayah()
        again_s = time.perf_counter() - started
        return first_s, again_s, first.added


def main() -> None:
    urls = sys.argv[1:]
    if not urls:
        urls = ["sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")]
        try:
            import psycopg
            psycopg.connect(PG, connect_timeout=2).close()
            urls.append(PG)
        except Exception as e:  # noqa: BLE001
            print(f"PostgreSQL dilewati: {e}")
    lines = [
        "# flask wilayah import: the whole country",
        "",
        f"Measured {datetime.date.today().isoformat()} on {platform.node()}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Goal: under 10 s.",
        "",
        "| database | regions | first import (empty table) | re-run (no change) |",
        "|---|---|---|---|",
    ]
    for url in urls:
        first_s, again_s, added = measure(url)
        name = url.split(":", 1)[0]
        lines.append(f"| {name} | {added:,} | {first_s:.1f} s | {again_s:.1f} s |")
        print(lines[-1])
    with open(os.path.join(os.path.dirname(__file__), "wilayah_import.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
