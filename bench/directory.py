"""Server time of the public directory, profile and rollup pages at national scale, on SQLite and PostgreSQL.

Usage: .venv/bin/python bench/directory.py [--sqlite PATH] [--postgres URL] [--requests N]
Default: the 300,000-Posyandu databases that bench/_nasional.py prepares (created once, then reused):
/tmp/bench-nasional.sqlite3 and postgresql://postgres@127.0.0.1:5432/bench_nasional.

Each request goes through the whole Flask app in this process (routing, access, queries, templates, brotli), without
a network and without conditional headers: the time the server spends on a page. Every scenario draws its parameters
at random (a fixed seed) from the real data: search words from desa and kecamatan names and Posyandu numbers,
wilayah codes at every level, status, bidang, Posyandu ids. Writes bench/directory.md.
Goal (issue 4): p95 ≤ 50 ms for search, filtered list, profile and rollup pages; and for a search with a typo
(issue 13), forgiven through the fallback of portal/direktori/ejaan.py.
"""
from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

from bench import _nasional  # noqa: E402

GOAL_MS = 50
STATUS = ["belum_diajukan", "verifikasi", "diusulkan", "teregistrasi", "diajukan", "draf"]
BIDANG = ["pendidikan", "kesehatan", "pu", "perumahan", "trantibumlinmas", "sosial"]


def scenarios(app, rng: random.Random) -> dict[str, list[str]]:
    """For each kind of page, the URLs to request, drawn from the data."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import Posyandu, Wilayah
    with app.app_context():
        def codes(level, n):
            return db.session.scalars(select(Wilayah.kode).where(Wilayah.level == level)
                                      .order_by(func.random()).limit(n)).all()
        names = db.session.scalars(select(Wilayah.nama).where(Wilayah.level.in_((3, 4)))
                                   .order_by(func.random()).limit(200)).all()
        top = db.session.scalar(select(func.max(Posyandu.id)))
        prov, kab, kec, desa = codes(1, 38), codes(2, 200), codes(3, 200), codes(4, 200)
    words = [n.split()[0] for n in names if n.split()]
    long_words = [w for n in names for w in n.split() if len(w) >= 5 and w.isalpha()]
    two_words = [n for n in names if len(n.split()) >= 2 and len(n.split()[1]) >= 5 and n.split()[1].isalpha()]
    typo = [[rng.choice(long_words)] for _ in range(80)] + [n.split()[:2] for n in rng.sample(two_words, 20)]
    return {
        "typo": [f"/posyandu?q={'+'.join(w[:-1] + [_salah(rng, w[-1])])}" for w in typo],
        "typo typed right": [f"/posyandu?q={'+'.join(w)}" for w in typo],
        "search": [f"/posyandu?q={rng.choice(words)}" for _ in range(60)]
        + [f"/posyandu?q={rng.choice(words)[:4]}" for _ in range(20)]
        + [f"/posyandu?q=uji+{rng.randint(0, 29):02d}{rng.randint(0, 9)}" for _ in range(20)]
        + [f"/posyandu?q={rng.choice(words)}&wilayah={rng.choice(prov)}" for _ in range(20)],
        "filtered list": [f"/posyandu?wilayah={rng.choice(kab)}&status={rng.choice(STATUS)}" for _ in range(25)]
        + [f"/posyandu?wilayah={rng.choice(prov)}&bidang={rng.choice(BIDANG)}" for _ in range(25)]
        + [f"/posyandu?wilayah={rng.choice(kec)}" for _ in range(20)]
        + [f"/posyandu?status={rng.choice(STATUS)}&page={rng.randint(1, 40)}" for _ in range(20)]
        + [f"/posyandu?pilot=1&bidang={rng.choice(BIDANG)}" for _ in range(10)]
        + [f"/posyandu?wilayah={rng.choice(prov)}&urut=nama&page={rng.randint(1, 20)}" for _ in range(10)]
        + [f"/posyandu?urut=terbaru&page={rng.randint(1, 20)}" for _ in range(10)]
        + [f"/posyandu?page={rng.randint(1, 400)}" for _ in range(10)],
        "profile": [f"/posyandu/{rng.randint(1, top)}" for _ in range(100)],
        "rollup": ["/wilayah"] * 10 + [f"/wilayah/{rng.choice(prov)}" for _ in range(20)]
        + [f"/wilayah/{rng.choice(kab)}?tabel={rng.choice(['ringkasan', 'registrasi', 'layanan'])}"
           for _ in range(40)]
        + [f"/wilayah/{rng.choice(kec)}" for _ in range(20)] + [f"/wilayah/{rng.choice(desa)}" for _ in range(10)],
    }


def _salah(rng: random.Random, word: str) -> str:
    """The word with a typo: a letter left out or two letters swapped, not at the start."""
    w, i = word.lower(), rng.randint(1, len(word) - 2)
    return w[:i] + w[i + 1:] if rng.random() < .6 else w[:i] + w[i + 1] + w[i] + w[i + 2:]


def ejaan_info(app, client, urls: list[str]) -> str:
    """How often a typo got a suggestion, and what a rebuild of the vocabulary costs."""
    from portal.direktori import ejaan
    with app.app_context():
        times = []
        for _ in range(3):
            ejaan.lupakan()
            started = time.perf_counter()
            words = ejaan.kosakata()
            times.append((time.perf_counter() - started) * 1000)
    hints = sum("Maksud Anda" in client.get(u).get_data(as_text=True) for u in urls)
    return (f"{hints} of {len(urls)} typo searches got a suggestion; the vocabulary ({len(words.semua):,} words) "
            f"rebuilds in {min(times):.0f} ms")


def measure(url: str, requests: int) -> dict:
    from portal import create_app
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    gc.freeze()  # as wsgi.py does after start-up
    client = app.test_client()
    rng = random.Random(4)
    plan = scenarios(app, rng)
    result = {}
    for name, urls in plan.items():
        for path in urls[:10]:  # warm the caches (database pages, templates)
            client.get(path, headers={"Accept-Encoding": "br"})
        times = []
        for i in range(requests):
            path = urls[i % len(urls)]
            started = time.perf_counter()
            response = client.get(path, headers={"Accept-Encoding": "br"})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times.sort()
        result[name] = {"n": len(times), "p50": statistics.median(times),
                        "p95": times[int(len(times) * .95) - 1], "max": times[-1]}
        slow = []  # one more pass to name the slowest URL
        for path in urls:
            started = time.perf_counter()
            client.get(path, headers={"Accept-Encoding": "br"})
            slow.append(((time.perf_counter() - started) * 1000, path))
        result[name]["slowest"] = max(slow)
    result["typo"]["info"] = ejaan_info(app, client, plan["typo"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", default=None)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    targets = {"SQLite": args.sqlite or _nasional.sqlite_url(), "PostgreSQL": args.postgres or _nasional.postgres_url()}
    load = os.getloadavg()[1]  # other work on the machine slows every page alike: say how much there was
    lines = ["# Directory, profile and rollup: server time at national scale", "",
             f"Measured {datetime.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()}; {_nasional.describe()}. "
             f"{args.requests} requests per kind of page through the whole app in one process (no network, no "
             "conditional headers, brotli on); parameters drawn from the data. Script: `bench/directory.py`. "
             f"Load average of the machine when it started: {load:.1f} (5 min; other processes share the 2 cores)."
             , "",
             f"Goal: p95 ≤ {GOAL_MS} ms.", "",
             "| database | page | p50 (ms) | p95 (ms) | max (ms) | goal | slowest URL (ms) |",
             "|---|---|---|---|---|---|---|"]
    notes = []
    for label, url in targets.items():
        for name, r in measure(url, args.requests).items():
            ok = "met" if r["p95"] <= GOAL_MS else "**missed**"
            lines.append(f"| {label} | {name} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | {ok} | "
                         f"`{r['slowest'][1]}` ({r['slowest'][0]:.0f}) |")
            print(lines[-1], flush=True)
            if "info" in r:
                notes.append(f"- {label}: {r['info']}.")
    lines += ["", "Typo: a search word with one letter left out or two letters swapped (a word of a desa or kecamatan "
              "name; a fifth of them after a correct first word), so the exact search finds nothing and the fallback "
              "of `portal/direktori/ejaan.py` runs (vocabulary of the index in memory, rapidfuzz); \"typo typed right\" "
              "is the same searches without the typo, so the difference is what forgiving it costs. The vocabulary is "
              "rebuilt at most once every five minutes, after a change of the data, in the request that needs it:", *notes]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(os.path.dirname(__file__), "directory.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
