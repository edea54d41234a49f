"""gunicorn for the benchmarks: on a free local port, started, waited for, and stopped."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time

ROOT = os.path.join(os.path.dirname(__file__), os.pardir)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str, workers: int, threads: int, cwd: str = ROOT, env: dict | None = None):
    """Serves app ("module:name") and yields (port, the master's Popen) once the port accepts connections."""
    port = _free_port()
    server = subprocess.Popen(
        [os.path.join(ROOT, ".venv", "bin", "gunicorn"), "--workers", str(workers), "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}", "--timeout", "120", app], cwd=cwd,
        env={**os.environ, "PORTAL_RATELIMIT_ENABLED": "false", **(env or {})},
        stdout=subprocess.DEVNULL,
        # BENCH_SERVER_LOG=path keeps the server's log (tracebacks) for a look afterwards.
        stderr=open(os.environ["BENCH_SERVER_LOG"], "ab") if os.environ.get("BENCH_SERVER_LOG") else subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(.2)
        yield port, server
    finally:
        server.terminate()
        server.wait(30)
