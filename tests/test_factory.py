import pytest
from sqlalchemy import text

from portal import create_app, normalize_database_url
from portal.extensions import db
from tests.helpers import make_app


def test_testing_config(app):
    assert app.testing
    assert app.config["KADER_MINIMUM"] == 15


def test_refuses_to_start_without_secret_key_outside_debug(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})


def test_environment_overrides(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "dari-lingkungan")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite3")
    monkeypatch.setenv("PORTAL_KADER_MINIMUM", "12")
    app = create_app()
    assert app.config["SECRET_KEY"] == "dari-lingkungan"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")
    assert app.config["KADER_MINIMUM"] == 12
    assert app.config["SESSION_COOKIE_SECURE"] is True  # outside debug


@pytest.mark.parametrize("url, expected", [
    ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.sqlite3", "sqlite:///x.sqlite3"),
])
def test_database_url_normalised(url, expected):
    assert normalize_database_url(url) == expected


def test_sqlite_pragmas(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/p.sqlite3")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 15000


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["database"] == "ok"


def test_healthz_reports_a_broken_database(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/missing-dir/none/x.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "error", "dialect": "sqlite"}


def test_errors_are_friendly_and_never_a_traceback(own_app):
    app = own_app

    @app.get("/boom")
    def boom():
        raise RuntimeError("rahasia internal")
    boom.access = "public"
    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Terjadi kesalahan" in body and "rahasia internal" not in body and "Traceback" not in body
    missing = app.test_client().get("/tidak-ada")
    assert missing.status_code == 404 and "Halaman tidak ditemukan" in missing.get_data(as_text=True)
    wrong = app.test_client().get("/logout")
    assert wrong.status_code == 405 and "Metode tidak diizinkan" in wrong.get_data(as_text=True)
