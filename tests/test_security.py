"""CSRF on every state change, security headers on every response, and every view marked in access.py."""
import re

import pytest
from werkzeug.routing import IntegerConverter

from tests.helpers import login

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _example_value(converter):
    if hasattr(converter, "items"):  # <any(a, b):x>
        return sorted(converter.items)[0]
    return 1 if isinstance(converter, IntegerConverter) else "63.09"


def _example_url(rule) -> str:
    values = {arg: _example_value(rule._converters[arg]) for arg in rule.arguments}
    url = rule.rule
    for arg, value in values.items():
        url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", str(value), url)
    return url


def _state_changing_rules(app):
    return [(rule, method) for rule in app.url_map.iter_rules() for method in sorted(rule.methods & STATE_CHANGING)]


def test_there_are_state_changing_routes_to_check(app):
    endpoints = {rule.endpoint for rule, _ in _state_changing_rules(app)}
    assert {"auth.login", "auth.logout", "auth.password", "pengguna.create", "pengguna.deactivate"} <= endpoints


@pytest.mark.parametrize("logged_in", [False, True])
def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, users, logged_in):
    client = app.test_client()
    if logged_in:
        login(client, "admin_nasional")
    for rule, method in _state_changing_rules(app):
        url = _example_url(rule)
        for headers in ({}, {"HX-Request": "true"}):
            response = client.open(url, method=method, data={"username": "admin_nasional"}, headers=headers)
            assert response.status_code == 400, (method, url, response.status_code)
            assert "Sesi formulir sudah kedaluwarsa" in response.get_data(as_text=True)
        # a made-up token fails too
        response = client.open(url, method=method, headers={"X-CSRFToken": "palsu"})
        assert response.status_code == 400, (method, url)


def test_htmx_header_token_is_accepted(app, users):
    client = app.test_client()
    login(client, "kab_tabalong")
    page = client.get("/beranda").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post("/logout", headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 303


def test_every_view_is_marked_in_access(app):
    unmarked = [endpoint for endpoint, view in app.view_functions.items()
                if getattr(view, "access", None) not in ("public", "staff")]
    assert unmarked == []


@pytest.mark.parametrize("path", ["/", "/login", "/wilayah", "/wilayah/63.09", "/healthz", "/tidak-ada",
                                  "/beranda"])
def test_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert not re.search(r"https?://", csp)  # no third-party origin
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(client, users):
    login(client, "admin_nasional")
    for path in ("/", "/login", "/wilayah", "/wilayah/63.09.12", "/beranda", "/pengguna", "/pengguna/baru",
                 "/akun/password"):
        body = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), path
        assert "<style" not in body and " style=" not in body and " on" + "click=" not in body, path


def test_anonymous_pages_set_no_session_cookie(client):
    """Public pages stay cacheable: no cookie until someone logs in."""
    for path in ("/", "/wilayah", "/wilayah/63.09"):
        assert "Set-Cookie" not in client.get(path).headers, path


def test_a_database_outage_answers_503_and_changes_nothing(app, client, monkeypatch):
    """A restart or failover of the database: a clear page in Indonesian that needs no database itself."""
    from sqlalchemy.exc import OperationalError

    from portal.public import views

    def down(*_a, **_k):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(views, "render_template", down)
    response = client.get("/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "10"
    assert "Basis data portal sedang tidak dapat dihubungi" in response.get_data(as_text=True)
