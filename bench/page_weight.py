"""Bytes on the wire for each page (brotli, as Chromium asks for it), and the first visit in total.

Usage: .venv/bin/python bench/page_weight.py   (uses the database of `make run`, or DATABASE_URL)
Writes bench/page_weight.md. Budgets (DESIGN.md §5): a page ≤ 14 KB compressed; first visit ≤ 40 KB in ≤ 3 requests.
"""
import datetime
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

from portal import create_app  # noqa: E402

PAGES = ["/", "/login", "/wilayah", "/wilayah/63", "/wilayah/63.09", "/wilayah/63.09.12", "/wilayah/63.09.12.2003",
         "/wilayah?q=sungai"]
ACCEPT = {"Accept-Encoding": "br, gzip"}


def main() -> None:
    os.environ.setdefault("SECRET_KEY", "bench")
    app = create_app()
    client = app.test_client()
    lines = ["# Page weight", "", f"Measured {datetime.date.today().isoformat()} with Accept-Encoding: br, gzip "
             "(the demo database of `make run`). Budget: 14,336 B per page.", "",
             "| page | HTML (B, compressed) | HTML (B, raw) |", "|---|---|---|"]
    for path in PAGES:
        response = client.get(path, headers=ACCEPT)
        raw = len(client.get(path).data)
        lines.append(f"| `{path}` | {len(response.data):,} | {raw:,} |")
    home = client.get("/").get_data(as_text=True)
    assets = re.findall(r'<(?:link rel="stylesheet"|script)[^>]*(?:href|src)="([^"]+)"', home)
    first = len(client.get("/", headers=ACCEPT).data)
    for url in assets:
        first += len(client.get(url, headers=ACCEPT).data)
    lines += ["", f"First visit of `/`: {first:,} B compressed in {1 + len(assets)} requests "
              f"(HTML, {', '.join(a.rsplit('/', 1)[1] for a in assets)}); budget 40,960 B in 3. "
              "Repeat visit: 1 request (static files are immutable for a year under hashed names)."]
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(os.path.dirname(__file__), "page_weight.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
