"""Bytes on the wire for every public page, the first and repeat visit, and the load time on a slow 3G link.

Usage: .venv/bin/python bench/page_weight.py   (the demo database of `make run`, or DATABASE_URL; run `make setup`)
1. In process: each page's HTML compressed (brotli, as Chromium asks for it) and raw.
2. Under gunicorn, in Debian's Chromium (/usr/bin/chromium via Playwright) with DevTools network emulation "3G"
   (2,000 ms latency, 50,000 B/s down and up): for each page, a first visit with an empty cache (requests, bytes
   received, time to the load event) and a repeat visit by following a link back to it (requests).
Writes bench/page_weight.md. Budgets (DESIGN.md §5): a page ≤ 14 KB compressed; first visit ≤ 40 KB in ≤ 3 requests;
repeat visit 1 request.
"""
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

from bench import _server  # noqa: E402
from portal import create_app  # noqa: E402

ACCEPT = {"Accept-Encoding": "br, gzip"}
CHROMIUM = "/usr/bin/chromium"
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}


def pages(app) -> list[str]:
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import Posyandu
    with app.app_context():
        biggest = db.session.scalar(select(Posyandu.id).join(Posyandu.layanan).group_by(Posyandu.id)
                                    .order_by(func.count().desc()).limit(1))
    return ["/", "/login", "/wilayah", "/wilayah/63", "/wilayah/63.09", "/wilayah/63.09?tabel=registrasi",
            "/wilayah/63.09?tabel=layanan", "/wilayah/63.09.12", "/wilayah/63.09.12.2003", "/wilayah?q=sungai",
            "/posyandu", "/posyandu?wilayah=63.09", "/posyandu?q=tanjung", "/posyandu?wilayah=63&bidang=pu&page=2",
            f"/posyandu/{biggest}"]


def browser_visits(paths: list[str]) -> dict[str, tuple[int, int, float, int]]:
    """{path: (first-visit requests, bytes received, ms to the load event, repeat-visit requests)}"""
    from playwright.sync_api import sync_playwright
    results = {}
    with _server.gunicorn("wsgi:app", workers=1, threads=4) as (port, _master):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for path in paths:
                context = browser.new_context(viewport={"width": 360, "height": 740})
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
                cdp.send("Network.emulateNetworkConditions", SLOW_3G)
                received, requests = [0], []  # requests that went over the network, not served from the cache

                def answered(event, requests=requests):
                    r = event["response"]
                    if not (r.get("fromDiskCache") or r.get("fromMemoryCache") or r.get("fromPrefetchCache")):
                        requests.append(r["url"])
                cdp.on("Network.loadingFinished", lambda e: received.__setitem__(0, received[0] + e["encodedDataLength"]))
                cdp.on("Network.responseReceived", answered)
                started = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}{path}", wait_until="load")
                load_ms = (time.perf_counter() - started) * 1000
                first = len(requests)
                requests.clear()
                # A repeat visit: the same page again through a link, as a person would come back to it.
                page.evaluate("url => { const a = document.createElement('a'); a.href = url; a.id = 'again'; a.textContent = 'lagi';"
                              " document.body.append(a); }", path)
                page.click("#again")
                page.wait_for_load_state("load")
                results[path] = (first, received[0], load_ms, len(requests))
                context.close()
            browser.close()
    return results


def main() -> None:
    os.environ.setdefault("SECRET_KEY", "bench")
    app = create_app()
    client = app.test_client()
    paths = pages(app)
    lines = ["# Page weight and 3G load", "",
             f"Measured {datetime.date.today().isoformat()} on the demo database of `make run` (Kalimantan Selatan: "
             "351 Posyandu). Script: `bench/page_weight.py`. Budget: 14,336 B of compressed HTML per page; first "
             "visit ≤ 40,960 B in ≤ 3 requests; repeat visit 1 request.", "",
             "Browser: Debian's Chromium, 360×740, DevTools network emulation \"3G\" (2,000 ms latency, 50,000 B/s), "
             "empty cache for the first visit; the repeat visit follows a link back to the same page "
             "(the page revalidates, static files come from the cache).", "",
             "| page | HTML (B, br) | HTML (B, raw) | first visit: requests | bytes received | load on 3G (ms) | "
             "repeat visit: requests |", "|---|---|---|---|---|---|---|"]
    visits = browser_visits(paths) if os.path.exists(CHROMIUM) else {}
    for path in paths:
        response = client.get(path, headers=ACCEPT)
        raw = len(client.get(path).data)
        first, received, load_ms, repeat = visits.get(path, (0, 0, 0.0, 0))
        lines.append(f"| `{path}` | {len(response.data):,} | {raw:,} | {first} | {received:,} | {load_ms:,.0f} | "
                     f"{repeat} |")
        print(lines[-1], flush=True)
    if not visits:
        lines += ["", f"Chromium not found at {CHROMIUM}: the browser columns are empty."]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(os.path.dirname(__file__), "page_weight.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
