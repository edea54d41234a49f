"""Every page the journeys saw passes the Nu HTML Checker (vnu-jar, on the machine's Java). Named to run after the
journeys, which leave the pages' HTML in artifacts/html."""
import json
import os
import shutil
import subprocess

import pytest

from tests.e2e.helpers import HTML_DIR, VNU, tool_missing


def test_every_journey_page_is_valid_html():
    missing = tool_missing(VNU, "vnu-jar") or (None if shutil.which("java") else "java tidak ditemukan")
    if missing:
        pytest.skip(f"Validasi HTML DILEWATI: {missing}")
    pages = sorted(os.path.join(HTML_DIR, n) for n in os.listdir(HTML_DIR)) if os.path.isdir(HTML_DIR) else []
    if not pages:
        pytest.skip("Validasi HTML DILEWATI: tidak ada halaman dari uji perjalanan (Chromium tidak ada?)")
    done = subprocess.run(["java", "-jar", VNU, "--errors-only", "--format", "json", *pages],
                          capture_output=True, text=True, check=False)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [f"{os.path.basename(m.get('url', ''))}:{m.get('lastLine')}: {m.get('message')}" for m in messages
              if m.get("type") == "error"]
    assert errors == [], "\n".join(errors[:40])
