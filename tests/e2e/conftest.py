"""Browser journeys in Debian's Chromium (/usr/bin/chromium) driven by Playwright; never a downloaded browser.

Without Chromium the journeys are skipped with a clear reason, unless E2E_REQUIRED=1 (as in .ci/run): then they fail.

Every screenshot step also runs axe-core in the page (no serious or critical violation allowed) and keeps the page's
HTML for the Nu HTML Checker (test_zz_html.py validates them all at the end). Both come from npm (package.json,
`npm ci`); without them those checks are skipped with a message, or fail under E2E_REQUIRED=1.
"""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.e2e.helpers import CHROMIUM, HTML_DIR, Journey


def _chromium_missing() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"Chromium tidak ditemukan di {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "paket playwright belum terpasang (requirements-dev.txt)"
    return None


@pytest.fixture(scope="session")
def browser():
    missing = _chromium_missing()
    if missing:
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(f"Uji peramban wajib (E2E_REQUIRED=1) tetapi {missing}")
        pytest.skip(f"Uji peramban DILEWATI: {missing}")
    from playwright.sync_api import sync_playwright
    shutil.rmtree(HTML_DIR, ignore_errors=True)  # only this run's pages go to the HTML checker
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def live_server(app, users):
    """The portal on a free local port, in a thread, on the test database."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def journey(browser, live_server):
    journeys = []

    def make(name, javascript=True):
        j = Journey(browser, live_server, name, javascript)
        journeys.append(j)
        return j
    yield make
    for j in journeys:
        j.close()
