"""Load and faults (issue 7): gunicorn with 2 workers on SQLite and on PostgreSQL, 50 concurrent clients for 60 s
mixing public reads with logged-in edits (a new kader) and attendance marks; then the same load while a worker is
killed (and, on PostgreSQL, while the database server restarts).

Usage: .venv/bin/python bench/load.py [--seconds 60] [--clients 50] [--only sqlite|postgresql]
Each database is built fresh: migrations, the wilayah of Kalimantan Selatan, the demo data (Tabalong: 288 Posyandu,
3,444 kader, the 84-peserta bimtek), with known passwords. The clients are threads of this process (urllib with a
cookie jar each: they log in, read the CSRF token from a page and post forms as a browser does).
- 60% public reads: /, /wilayah/63.09 (two tables), the directory (search), a public profile;
  (POSTs are judged by their own answer, a 303, without following it);
- 25% edits by the kabupaten account: a new kader, each with a unique name, on one of the Tabalong Posyandu;
- 15% attendance marks by the organiser on the demo bimtek (each client owns its own peserta, so its last mark is the
  one that must stay).
Afterwards: every kader whose POST answered 303 exists exactly once; no kader exists whose POST did not succeed
(unless its request was cut by a fault, listed apart); every mark that succeeded last is the stored one; one row per
(peserta, day). Writes bench/load.md.
"""
from __future__ import annotations

import argparse
import datetime
import http.cookiejar
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

from bench import _server  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), os.pardir)
PASSWORD = "beban-uji-12345"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DB = "bench_load"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
NAME_PREFIX = "Beban"


# --- the database ------------------------------------------------------------------------------------------------

def build(url: str, instance: str) -> dict:
    """A fresh database with the demo data; returns the ids the clients need."""
    from flask_migrate import upgrade
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from portal import create_app, demo, rekap
    from portal.extensions import db
    from portal.models import Kegiatan, Peserta, Posyandu, User
    from portal.wilayah.impor import import_wilayah
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": instance})
    app.instance_path = instance
    with app.app_context():
        upgrade()
        import_wilayah(only="63")
        rekap.bangun()
        db.session.commit()
        demo.seed(instance)
        for user in db.session.scalars(select(User)):
            user.password_hash = generate_password_hash(PASSWORD)
            user.must_change_password = False
        db.session.commit()
        posyandu = db.session.scalars(select(Posyandu.id).where(Posyandu.desa_kode.like("63.09.%"),
                                                                Posyandu.aktif.is_(True)).order_by(Posyandu.id)).all()
        bimtek = db.session.scalar(select(Kegiatan).where(Kegiatan.jenis == "bimtek"))
        peserta = db.session.scalars(select(Peserta.id).where(Peserta.kegiatan_id == bimtek.id, Peserta.aktif.is_(True))
                                     .order_by(Peserta.id)).all()
        return {"posyandu": posyandu, "kegiatan": bimtek.id, "hari": [d.isoformat() for d in bimtek.hari],
                "peserta": peserta}


def fresh_sqlite(folder: str) -> str:
    return f"sqlite:///{os.path.join(folder, 'load.sqlite3')}"


def fresh_postgres() -> str:
    from sqlalchemy import create_engine, text
    engine = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {PG_DB}"))
    engine.dispose()
    return f"{PG_SERVER}/{PG_DB}"


# --- the clients ---------------------------------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A POST is judged by its own answer (303 = done), not by the page it redirects to."""

    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base: str, index: int):
        self.base, self.index = base, index
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect())
        self.token = None

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def login(self, username: str) -> None:
        _, html = self.request("/login")
        self.token = CSRF.search(html).group(1)
        status, _ = self.request("/login", {"username": username, "password": PASSWORD, "csrf_token": self.token})
        html = self.request("/beranda")[1]
        if status != 303 or 'action="/logout"' not in html:  # logged in
            raise RuntimeError(f"login {username}: {status}")
        _, html = self.request("/akun/password")
        self.token = CSRF.search(html).group(1)


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.codes: dict[str, dict] = {}
        self.errors: list[str] = []
        self.kader_ok: set[str] = set()
        self.kader_refused: set[str] = set()  # answered with an error: must not have been written
        self.kader_unsure: set[str] = set()  # cut by a fault (no answer): may or may not have been written
        self.last_mark: dict[tuple[int, str], str] = {}

    def add(self, kind: str, seconds: float, code) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            per = self.codes.setdefault(kind, {})
            per[code] = per.get(code, 0) + 1


def run_client(base: str, index: int, ids: dict, until: float, tally: Tally) -> None:
    rng = random.Random(index)
    public, editor, organiser = Client(base, index), Client(base, index), Client(base, index)
    try:
        editor.login("kabupaten")
        organiser.login("penyelenggara")
    except Exception as e:  # noqa: BLE001
        tally.errors.append(f"login {index}: {e!r}")
        return
    mine = ids["peserta"][index::50] or ids["peserta"][:1]
    n = 0
    while time.monotonic() < until:
        roll = rng.random()
        started = time.perf_counter()
        try:
            if roll < .60:
                kind = "baca publik"
                pid = rng.choice(ids["posyandu"])
                path = rng.choice(["/", "/wilayah/63.09", "/wilayah/63.09?tabel=alur", f"/posyandu/{pid}",
                                   "/posyandu?q=" + rng.choice(["mawar", "melati", "bintang", "tanjung", "kenanga"])])
                code, _ = public.request(path)
            elif roll < .85:
                kind = "kader baru"
                n += 1
                name = f"{NAME_PREFIX} {index:02d} {n:05d}"
                pid = rng.choice(ids["posyandu"])
                try:
                    code, _ = editor.request(f"/kelola/posyandu/{pid}/kader/baru", {
                        "csrf_token": editor.token, "nama": name, "jenis_kelamin": "P",
                        "bidang": rng.choice(["kesehatan", "pendidikan", "sosial"])})
                except Exception:
                    with tally.lock:
                        tally.kader_unsure.add(name)
                    raise
                with tally.lock:
                    (tally.kader_ok if code == 303 else tally.kader_refused).add(name)
            else:
                kind = "tanda hadir"
                peserta, day = rng.choice(mine), rng.choice(ids["hari"])
                status = rng.choice(["hadir", "izin", "tidak_hadir"])
                key = (peserta, day)
                try:
                    code, _ = organiser.request(f"/kegiatan/{ids['kegiatan']}/hadir/{day}",
                                                {"csrf_token": organiser.token, "t": f"{peserta}:{status}"})
                except Exception:
                    with tally.lock:
                        tally.last_mark[key] = "?"
                    raise
                with tally.lock:
                    tally.last_mark[key] = status if code == 303 else "?"
            tally.add(kind, time.perf_counter() - started, code)
        except Exception as e:  # noqa: BLE001 - a cut connection during a fault
            tally.add(kind, time.perf_counter() - started, type(e).__name__)


# --- checks afterwards -----------------------------------------------------------------------------------------------

def check(url: str, tally: Tally) -> dict:
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.connect() as conn:
        names = [r[0] for r in conn.execute(text("SELECT nama FROM kader WHERE nama LIKE :p"), {"p": NAME_PREFIX + " %"})]
        marks = {(r[0], r[1].isoformat() if hasattr(r[1], "isoformat") else str(r[1])): r[2] for r in conn.execute(
            text("SELECT peserta_id, tanggal, status FROM kehadiran"))}
        dup_marks = conn.execute(text("SELECT count(*) FROM (SELECT peserta_id, tanggal FROM kehadiran "
                                      "GROUP BY peserta_id, tanggal HAVING count(*) > 1) d")).scalar()
    engine.dispose()
    stored = set(names)
    duplicated = len(names) - len(stored)
    lost = sorted(tally.kader_ok - stored)
    unexpected = sorted((stored - tally.kader_ok - tally.kader_unsure) | (stored & tally.kader_refused))
    wrong_marks = [k for k, s in tally.last_mark.items() if s != "?" and marks.get(k) != s]
    return {"kader_ok": len(tally.kader_ok), "kader_stored": len(stored), "lost": len(lost),
            "duplicated": duplicated + dup_marks, "unexpected": len(unexpected),
            "unsure_written": len(stored & tally.kader_unsure), "unsure": len(tally.kader_unsure),
            "marks_checked": sum(1 for s in tally.last_mark.values() if s != "?"), "marks_wrong": len(wrong_marks)}


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * .95))] * 1000 if values else 0.0


def run(db: str, url: str, ids: dict, seconds: int, clients: int, fault: str | None) -> dict:
    instance = tempfile.mkdtemp(prefix="bench-load-")
    env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "PORTAL_UPLOAD_FOLDER": instance,
           "PORTAL_SESSION_COOKIE_SECURE": "false"}
    tally = Tally()
    events = []
    with _server.gunicorn("wsgi:app", workers=2, threads=8, env=env) as (port, master):
        base = f"http://127.0.0.1:{port}"
        until = time.monotonic() + seconds
        threads = [threading.Thread(target=run_client, args=(base, i, ids, until, tally)) for i in range(clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        if fault:
            time.sleep(seconds / 3)
            workers = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()
            os.kill(int(workers[0]), signal.SIGKILL)
            events.append(f"{time.monotonic() - started:.0f} s: worker {workers[0]} killed (SIGKILL)")
            if fault == "worker+database":
                time.sleep(seconds / 3)
                cluster = subprocess.run(["ls", "/etc/postgresql"], capture_output=True, text=True).stdout.split()[0]
                t0 = time.monotonic()
                subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"], check=True)
                events.append(f"{t0 - started:.0f} s: PostgreSQL restarted ({time.monotonic() - t0:.1f} s)")
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        # After the faults the portal serves again.
        after = Client(base, 999).request("/healthz")[0]
    result = check(url, tally)
    total = sum(len(v) for v in tally.times.values())
    result.update(db=db, fault=fault, seconds=elapsed, requests=total, rps=total / elapsed, events=events,
                  healthz_after=after, login_errors=tally.errors,
                  per_kind={k: {"n": len(v), "p95_ms": p95(v), "codes": tally.codes[k]} for k, v in tally.times.items()})
    result["5xx"] = sum(n for per in tally.codes.values() for c, n in per.items() if isinstance(c, int) and c >= 500)
    result["cut"] = sum(n for per in tally.codes.values() for c, n in per.items() if not isinstance(c, int))
    return result


def report(results: list[dict], seconds: int, clients: int) -> str:
    lines = ["# Load and faults", "",
             f"Measured {datetime.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores (the load "
             f"generator on the same machine); gunicorn 2 workers × 8 threads; {clients} concurrent clients for "
             f"{seconds} s; the demo data (Kabupaten Tabalong: 288 Posyandu, 3,444 kader, the 84-peserta bimtek). "
             "Mix: 60% public reads, 25% new kader by the kabupaten account, 15% attendance marks by the organiser. "
             "Script: `bench/load.py`.", "",
             "| database | fault | requests | req/s | p95 read (ms) | p95 kader (ms) | p95 mark (ms) | 5xx | cut | "
             "kader answered ok | stored | lost | duplicated | unexpected | marks checked | marks wrong |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        k = r["per_kind"]
        lines.append(
            f"| {r['db']} | {r['fault'] or 'none'} | {r['requests']} | {r['rps']:.0f} | "
            f"{k.get('baca publik', {}).get('p95_ms', 0):.0f} | {k.get('kader baru', {}).get('p95_ms', 0):.0f} | "
            f"{k.get('tanda hadir', {}).get('p95_ms', 0):.0f} | {r['5xx']} | {r['cut']} | {r['kader_ok']} | "
            f"{r['kader_stored']} | {r['lost']} | {r['duplicated']} | {r['unexpected']} | {r['marks_checked']} | "
            f"{r['marks_wrong']} |")
    lines += ["", "Columns: *cut* = requests whose connection was cut by the fault (no HTTP answer); *lost* = kader "
              "whose POST answered success but are not stored; *unexpected* = stored kader whose POST answered an "
              "error or was never sent; *marks wrong* = (peserta, day) whose stored mark is not the last one that "
              "succeeded. One row per (peserta, day) is also counted under *duplicated*.", ""]
    for r in results:
        if r["events"] or r["fault"]:
            lines.append(f"- {r['db']}, {r['fault']}: " + "; ".join(r["events"]) +
                         f"; /healthz afterwards: {r['healthz_after']}; requests cut: {r['cut']}, of which kader "
                         f"POSTs {r['unsure']} ({r['unsure_written']} of those were written, each once); status "
                         f"codes: " + ", ".join(f"{kind} {codes}" for kind, codes in
                                                ((k, v['codes']) for k, v in r['per_kind'].items())))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    results = []
    folder = tempfile.mkdtemp(prefix="bench-load-db-")
    plans = [("sqlite", [None, "worker"]), ("postgresql", [None, "worker+database"])]
    for db, faults in plans:
        if args.only and db != args.only:
            continue
        for fault in faults:
            url = fresh_sqlite(tempfile.mkdtemp(dir=folder)) if db == "sqlite" else fresh_postgres()
            ids = build(url, tempfile.mkdtemp(dir=folder))
            r = run(db, url, ids, args.seconds, args.clients, fault)
            print({k: v for k, v in r.items() if k != "per_kind"}, flush=True)
            results.append(r)
    text = report(results, args.seconds, args.clients)
    out = os.path.join(os.path.dirname(__file__), "load.md")
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    print(text)
    # Without faults: no 5xx and no cut request. With faults: the only 5xx is 503 (database unavailable). Always:
    # nothing lost, duplicated or written without success, the last marks kept, the portal healthy afterwards.
    bad = [r for r in results if (r["fault"] is None and (r["5xx"] or r["cut"])) or r["lost"] or r["duplicated"]
           or r["unexpected"] or r["marks_wrong"] or r["healthz_after"] != 200
           or any(isinstance(c, int) and c >= 500 and c != 503 for k in r["per_kind"].values() for c in k["codes"])]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
