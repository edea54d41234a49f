"""What the browser journeys import: the phone size, where artefacts go, the tools' paths, the Journey page."""
import json
import os
import re
import shutil

import pytest

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
