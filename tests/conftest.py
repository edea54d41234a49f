"""Fixtures: one database per test session (SQLite file, or TEST_DATABASE_URL for PostgreSQL), schema built by the
real migrations, the whole country's regions imported once; every test starts with no accounts and no Posyandu."""
import os
import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, select, text, update

from portal import create_app
from portal.extensions import db
from portal.models import KatalogKegiatan, User
from portal.models.rekap import UKURAN, rekap_wilayah
from portal.pengguna import service as pengguna
from portal.wilayah.impor import import_wilayah

PASSWORD = "kata-sandi-uji-123"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"|'
                   r'"X-CSRFToken": "([^"]+)"')


def make_app(database_url, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "uji",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SESSION_COOKIE_SECURE": False,
        # Fast hashes in tests; production keeps scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """One database per test process: with pytest-xdist (`-n 2`) each worker gets its own (SQLite: its own temporary
    file; PostgreSQL: TEST_DATABASE_URL's database with the worker's name appended, created when missing)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal-test.sqlite3")
    worker_id = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1… under pytest-xdist
    if not worker_id:
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    base = make_url(url)
    name = f"{base.database}_{worker_id}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def reset_database(app) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def wilayah_import(database_url):
    """The schema from the migrations and the whole country's regions, once per session."""
    app = make_app(database_url)
    reset_database(app)
    with app.app_context():
        upgrade()
        first = import_wilayah()
        second = import_wilayah()
        _KATALOG_SEED.extend(dict(row._mapping) for row in db.session.execute(select(KatalogKegiatan.__table__)))
    return first, second


# The activity catalogue as the migration seeds it; restored after every test.
_KATALOG_SEED: list[dict] = []
# Reference data every test starts from; everything else is emptied after each test.
_KEPT = {"wilayah", "katalog_kegiatan", "rekap_wilayah"}


@pytest.fixture
def app(database_url, wilayah_import):
    app = make_app(database_url)
    yield app
    with app.app_context():
        db.session.execute(update(User).values(created_by_id=None))
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in _KEPT:
                db.session.execute(delete(table))
        # The rekap rows stay (built once by the import); the counts a test left behind go back to zero.
        db.session.execute(update(rekap_wilayah).where(rekap_wilayah.c.posyandu > 0)
                           .values(**{name: 0 for name in UKURAN if name != "desa"}))
        katalog = KatalogKegiatan.__table__
        db.session.execute(delete(katalog).where(katalog.c.id.not_in([r["id"] for r in _KATALOG_SEED])))
        db.session.execute(update(KatalogKegiatan), [{"id": r["id"], "nama": r["nama"], "urutan": r["urutan"],
                                              "aktif": r["aktif"]} for r in _KATALOG_SEED])
        db.session.commit()


@pytest.fixture
def ctx(app, database_url):
    """An app context for tests that call services directly.

    It belongs to a second app object on the same database: a request of the test client then pushes its own
    context, so no request ever shares `g` (the logged-in user, the CSRF token) with the test or another client.
    """
    direct = make_app(database_url)
    with direct.app_context():
        yield direct


@pytest.fixture
def client(app):
    return app.test_client()


# One account per role, all in Kabupaten Tabalong (63.09), plus a few elsewhere to prove scope.
ACCOUNTS = {
    "admin_nasional": ("admin", ""),
    "admin_kalsel": ("admin", "63"),
    "admin_kaltim": ("admin", "64"),
    "kab_tabalong": ("kabupaten", "63.09"),
    "kab_balangan": ("kabupaten", "63.11"),
    "kec_bintangara": ("kecamatan", "63.09.12"),
    "kec_banualawas": ("kecamatan", "63.09.01"),
    "desa_hapalah": ("desa", "63.09.01.2001"),
    "desa_pamarangan": ("desa", "63.09.04.2006"),
    "peny_tabalong": ("penyelenggara", "63.09"),
}


@pytest.fixture
def users(app):
    """{username: id} for ACCOUNTS, all with PASSWORD."""
    with app.app_context():
        ids = {}
        for username, (role, kode) in ACCOUNTS.items():
            user, _ = pengguna.create_user(None, username=username, name=username.replace("_", " ").title(),
                                           role=role, wilayah_kode=kode, password=PASSWORD)
            ids[username] = user.id
        return ids


def csrf_token(client) -> str:
    """The CSRF token of the client's session, read from a page as a browser would."""
    for path in ("/akun/password", "/login"):
        response = client.get(path)
        match = _CSRF.search(response.get_data(as_text=True))
        if match:
            return next(g for g in match.groups() if g)
    raise AssertionError("tidak ada token CSRF di halaman")


def login(client, username, password=PASSWORD, follow=False):
    token = csrf_token(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=follow)


def post(client, path, data=None, **kwargs):
    """A form POST with the session's CSRF token, as the browser sends it."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client)
    return client.post(path, data=data, **kwargs)


@pytest.fixture
def as_user(app, users):
    """as_user('kab_tabalong') → a test client logged in as that account."""
    def make(username):
        c = app.test_client()
        response = login(c, username)
        assert response.status_code == 303, response.get_data(as_text=True)
        return c
    return make


def form_values(html: str, form_index: int = -1) -> dict:
    """The values a browser would send for a form of the page (inputs, checked boxes, selected options, textareas)."""
    from html.parser import HTMLParser

    class Forms(HTMLParser):
        def __init__(self):
            super().__init__()
            self.forms, self.select, self.textarea = [], None, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form":
                self.forms.append({})
            elif not self.forms:
                return
            elif tag == "input" and a.get("name") and (a.get("type") not in ("checkbox", "radio") or "checked" in a):
                self.forms[-1].setdefault(a["name"], []).append(a.get("value") or "")
            elif tag == "select":
                self.select = a.get("name")
            elif tag == "option" and self.select and "selected" in a:
                self.forms[-1].setdefault(self.select, []).append(a.get("value") or "")
            elif tag == "textarea":
                self.textarea = a.get("name")
                self.forms[-1][self.textarea] = [""]

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                self.forms[-1][self.textarea][0] += data

    parser = Forms()
    parser.feed(html)
    return {k: v if len(v) > 1 else v[0] for k, v in parser.forms[form_index].items()}
