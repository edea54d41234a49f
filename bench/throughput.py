"""Throughput of /posyandu under gunicorn beside a bare hello-world route, and the full CSV export: time and memory.

Usage: .venv/bin/python bench/throughput.py   (uses the national databases of bench/_nasional.py)
For each database: gunicorn (2 workers, 4 threads each, the portal's wsgi app plus one extra route /bench-hello that
returns a fixed string) serves while 8 client processes request as fast as they can for 15 s per route, on the same
2-core machine. The ratio of the two throughputs says what the directory costs over the framework alone. Then one
client downloads /posyandu.csv (all 300,000 rows) while the worker's peak RSS is sampled. Writes bench/throughput.md.
Goals (issue 4): full CSV export ≤ 15 s with peak RSS ≤ 200 MB.
"""
from __future__ import annotations

import datetime
import http.client
import multiprocessing
import os
import platform
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

from bench import _nasional, _server  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), os.pardir)
SECONDS = 15
CLIENTS = 8
APP = '''
import gc
from portal import access, create_app
app = create_app()

@app.get("/bench-hello")
@access.public
def bench_hello():
    return "hello"

gc.freeze()
'''


def _client(port: int, paths: list[str], until: float, out) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    rng, done, errors = random.Random(os.getpid()), 0, 0
    while time.time() < until:
        try:
            conn.request("GET", rng.choice(paths), headers={"Accept-Encoding": "br"})
            response = conn.getresponse()
            response.read()
            done += 1
            errors += response.status != 200
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out.put((done, errors))


def rate(port: int, paths: list[str]) -> tuple[float, int]:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    until = time.time() + SECONDS
    procs = [multiprocessing.Process(target=_client, args=(port, paths, until, queue)) for _ in range(CLIENTS)]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    return sum(r[0] for r in results) / SECONDS, sum(r[1] for r in results)


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _workers(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def export(port: int, master: int) -> tuple[float, int, int, float]:
    """Downloads the whole CSV; returns (seconds, bytes, rows, peak RSS of any worker in MB)."""
    peak, size, rows = 0.0, 0, 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", "/posyandu.csv")
    response = conn.getresponse()
    while chunk := response.read(65536):
        size += len(chunk)
        rows += chunk.count(b"\n")
        for pid in _workers(master):
            peak = max(peak, _rss_mb(pid))
    seconds = time.perf_counter() - started
    assert response.status == 200, response.status
    return seconds, size, rows - 1, peak


def run(label: str, url: str, paths: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "bench_app.py"), "w") as f:
            f.write(APP)
        env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "PYTHONPATH": f"{tmp}:{ROOT}"}
        with _server.gunicorn("bench_app:app", workers=2, threads=4, cwd=tmp, env=env) as (port, server):
            rate(port, paths[:5])  # warm up
            hello, hello_errors = rate(port, ["/bench-hello"])
            directory, directory_errors = rate(port, paths)
            seconds, size, rows, peak = export(port, server.pid)
    return {"label": label, "hello": hello, "directory": directory, "errors": hello_errors + directory_errors,
            "export_s": seconds, "export_bytes": size, "export_rows": rows, "export_rss": peak}


def main() -> None:
    from bench.directory import scenarios
    from portal import create_app
    results = []
    for label, url in (("SQLite", _nasional.sqlite_url()), ("PostgreSQL", _nasional.postgres_url())):
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        plan = scenarios(app, random.Random(4))
        paths = plan["search"] + plan["filtered list"] + ["/posyandu"] * 20
        results.append(run(label, url, paths))
        print(results[-1], flush=True)
    lines = ["# Throughput and full export", "",
             f"Measured {datetime.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores "
             f"(load generator on the same machine); {_nasional.describe()}. gunicorn 2 workers × 4 threads; "
             f"{CLIENTS} client processes with keep-alive for {SECONDS} s per route, brotli accepted. "
             "`/posyandu` mixes the search and filtered-list URLs of bench/directory.py with the plain list. "
             "Script: `bench/throughput.py`.", "",
             "| database | bare hello route (req/s) | /posyandu (req/s) | ratio | non-200 |", "|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['label']} | {r['hello']:.0f} | {r['directory']:.0f} | "
                     f"{r['directory'] / r['hello']:.2f} | {r['errors']} |")
    lines += ["", "Full CSV export (`/posyandu.csv`, every Posyandu): goal ≤ 15 s and peak RSS ≤ 200 MB.", "",
              "| database | rows | size | time (s) | peak RSS of the worker (MB) | goal |", "|---|---|---|---|---|---|"]
    for r in results:
        ok = "met" if r["export_s"] <= 15 and r["export_rss"] <= 200 else "**missed**"
        lines.append(f"| {r['label']} | {r['export_rows']:,} | {r['export_bytes'] / 1e6:.1f} MB | "
                     f"{r['export_s']:.1f} | {r['export_rss']:.0f} | {ok} |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(os.path.dirname(__file__), "throughput.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
