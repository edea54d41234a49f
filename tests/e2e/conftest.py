"""Browser journeys in Debian's Chromium (/usr/bin/chromium) driven by Playwright; never a downloaded browser.

Without Chromium the journeys are skipped with a clear reason, unless E2E_REQUIRED=1 (as in .ci/run): then they fail.

Every screenshot step also runs axe-core in the page (no serious or critical violation allowed) and keeps the page's
HTML for the Nu HTML Checker (test_zz_html.py validates them all at the end). Both come from npm (package.json,
`npm ci`); without them those checks are skipped with a message, or fail under E2E_REQUIRED=1.
"""
import json
import os
import re
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = os.path.join(os.path.dirname(__file__), "artifacts")
HTML_DIR = os.path.join(ARTIFACTS, "html")
PHONE = {"width": 360, "height": 740}
NODE_MODULES = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "node_modules")
AXE = os.path.join(NODE_MODULES, "axe-core", "axe.min.js")
VNU = os.path.join(NODE_MODULES, "vnu-jar", "build", "dist", "vnu.jar")
# axe-core rules at these levels fail a journey; "moderate" and "minor" are reported in the artefacts only.
AXE_FAIL = ("serious", "critical")


def tool_missing(path: str, what: str) -> str | None:
    if os.path.exists(path):
        return None
    message = f"{what} tidak ditemukan ({path}); jalankan `npm ci` di akar repositori"
    if os.environ.get("E2E_REQUIRED") == "1":
        pytest.fail(f"Pemeriksaan wajib (E2E_REQUIRED=1): {message}")
    return message


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


class Journey:
    """A phone-sized page that records console errors and saves a screenshot per step."""

    def __init__(self, browser, base_url, name, javascript=True):
        self.context = browser.new_context(viewport=PHONE, java_script_enabled=javascript, locale="id-ID")
        self.page = self.context.new_page()
        self.base_url = base_url
        self.name = name
        self.javascript = javascript
        self.step = 0
        self.errors = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _console(self, message):
        # A 422 or 403 the journey provokes on purpose is logged by Chromium too; anything else (a CSP violation,
        # a script error, a failed asset) fails the journey.
        if message.type == "error" and not re.match(r"Failed to load resource: .* status of 4\d\d", message.text):
            self.errors.append(message.text)

    def goto(self, path):
        response = self.page.goto(self.base_url + path)
        return response

    def login(self, username, password):
        """Fill in and send the login form of the current page."""
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("button.primary")

    def login_as(self, username, password):
        """Log in from the login page and land on the Beranda."""
        self.goto("/login")
        self.login(username, password)
        self.page.wait_for_url(re.compile(r"/beranda$"))

    def shot(self, label):
        self.step += 1
        name = f"{self.name}-{self.step:02d}-{label}"
        os.makedirs(HTML_DIR, exist_ok=True)
        self.page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{label}: halaman melebar {width}px di layar 360px"
        with open(os.path.join(HTML_DIR, f"{name}.html"), "w", encoding="utf-8") as f:
            f.write(self.page.content())
        self.axe(name)

    def axe(self, name):
        """axe-core in the page (through DevTools, so the page's CSP stays as strict as for users)."""
        if not self.javascript or tool_missing(AXE, "axe-core"):
            return  # a page without JavaScript runs no axe; its twin journey with JavaScript checks the same pages
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            with open(AXE, encoding="utf-8") as f:
                self.page.evaluate(f.read())
        result = self.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        violations = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                       "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]
        with open(os.path.join(ARTIFACTS, f"{name}.axe.json"), "w", encoding="utf-8") as f:
            json.dump(violations, f, indent=1)
        serious = [v for v in violations if v["impact"] in AXE_FAIL]
        assert serious == [], f"{name}: aksesibilitas {serious}"

    def close(self):
        self.context.close()
        assert self.errors == [], self.errors


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
