"""Fixtures: one database per test session (SQLite file, or TEST_DATABASE_URL for PostgreSQL), schema built by the
real migrations, the whole country's regions imported once; every test starts with no accounts and no Posyandu.

Fixtures only: what tests call (make_app, login, post, ACCOUNTS…) is in tests/helpers.py.
"""
import copy
import hashlib
import os
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import bindparam, delete, insert, select, text, update

from portal.extensions import db, limiter
from portal.formatting import hari_ini
from portal.kegiatan import peserta as kegiatan_peserta
from portal.kegiatan import service as kegiatan_service
from portal.kelola import service as posyandu_service
from portal.laporan import service as laporan_service
from portal.models import KatalogKegiatan, User
from portal.models.rekap import UKURAN, rekap_wilayah
from portal.pembina import opd as opd_service
from portal.pengguna import service as pengguna
from portal.registrasi import service as registrasi_service
from portal.registrasi import workflow
from portal.wilayah.impor import import_wilayah
from tests.helpers import (ACCOUNTS, BINTANG_ARA_DESA, HAPALAH, KATALOG_SEED, PASSWORD, WALING, add_peserta, counting,
                           empty, kegiatan_form, login, make_app, posyandu_with, tim_uji)


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
def database(database_url):
    """The schema from the migrations and the whole country's regions, once per session: the first import's result."""
    app = make_app(database_url)
    reset_database(app)
    with app.app_context():
        upgrade()
        first = import_wilayah()
        KATALOG_SEED.extend(dict(row._mapping) for row in db.session.execute(select(KatalogKegiatan.__table__)))
    empty(app)  # the import's audit entry too: the first test starts where every other does
    return first


@pytest.fixture(scope="session")
def wilayah_import(database, database_url):
    """(first import, second import): the second runs when a test asks for it, on the reference data every test
    starts from (only the process that runs such a test pays for it)."""
    with make_app(database_url).app_context():
        return database, import_wilayah()


class _Shared:
    """An app built once per session and lent to one test at a time: building one (blueprints, routes, assets) costs
    more than many tests. What a test may change on it (its config, its instance folder, the rate limits counted) is
    put back when the test ends."""

    def __init__(self, database_url):
        self.app = make_app(database_url)
        self.config = dict(self.app.config)
        self.instance_path = self.app.instance_path

    def give_back(self):
        self.app.config.clear()
        self.app.config.update(self.config)
        self.app.instance_path = self.instance_path


@pytest.fixture(scope="session")
def _apps(database_url, database):
    """The app the test client talks to, and a second one for direct service calls (fixture ctx)."""
    return _Shared(database_url), _Shared(database_url)


# --- Data a fixture builds, built once per session ------------------------------------------------------------------
# A fixture that fills the database (the accounts, the hostile suite's records, a seeded province) builds it the
# first time only; later tests get the same rows written back, as the build left them. What a build changed is kept
# as a difference from the rows it started from, and written back only onto those very rows (a fingerprint of them
# is part of the key): started from anything else, the fixture builds again.

def _state() -> dict[str, dict]:
    """Every row outside the region table, by primary key; of the rekap, the rows that count something."""
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name == "wilayah":
            continue
        stmt = select(table)
        if table is rekap_wilayah:
            stmt = stmt.where(counting())
        keys = [c.name for c in table.primary_key.columns]
        state[table.name] = {tuple(r[k] for k in keys): dict(r) for r in db.session.execute(stmt).mappings()}
    return state


def _fingerprint(state: dict[str, dict]) -> str:
    return hashlib.sha256(repr(sorted((name, sorted(rows.items(), key=repr)) for name, rows in state.items()))
                          .encode()).hexdigest()


class _Change:
    """What a build did to the rows it started from: rows added, changed and removed per table; files it wrote."""

    def __init__(self, before: dict, after: dict, result, files: dict[str, bytes]):
        self.result, self.files = result, files
        self.put = {name: [after[name][k] for k in after[name] if before[name].get(k) != after[name][k]]
                    for name in after}
        self.gone = {name: [k for k in before[name] if k not in after[name]] for name in before}
        self.new = {name: {k for k in after[name] if k not in before[name]} for name in after}

    def apply(self, folder: str | None):
        tables = db.metadata.sorted_tables
        for table in reversed(tables):
            keys = list(table.primary_key.columns)
            for key in self.gone.get(table.name, ()):
                where = [c == v for c, v in zip(keys, key)]
                if table is rekap_wilayah:
                    db.session.execute(update(table).where(*where)
                                       .values(**{n: 0 for n in UKURAN if n != "desa"}))
                else:
                    db.session.execute(delete(table).where(*where))
        for table in tables:
            rows = self.put.get(table.name)
            if not rows:
                continue
            names = [c.name for c in table.primary_key.columns]
            new = self.new[table.name] if table is not rekap_wilayah else set()
            fresh = [r for r in rows if tuple(r[n] for n in names) in new]
            if fresh:
                db.session.execute(insert(table), fresh)
            changed = [{**{f"_{n}": r[n] for n in names}, **r} for r in rows if tuple(r[n] for n in names) not in new]
            if changed:  # one statement, executed for many rows
                db.session.execute(update(table).where(*(table.c[n] == bindparam(f"_{n}") for n in names)), changed)
        db.session.commit()
        for name, content in self.files.items():
            path = os.path.join(folder, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(content)
        return copy.deepcopy(self.result)


def _files(folder: str | None) -> dict[str, bytes]:
    found = {}
    for root, _dirs, names in os.walk(folder) if folder else ():
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                found[os.path.relpath(path, folder)] = f.read()
    return found


@pytest.fixture(scope="session")
def _built() -> dict:
    return {}


@pytest.fixture
def saved(app, _built):
    """saved(name, build, folder=None) → build()'s result, the rows it writes built once per session.

    build runs in the current app context (push one, or use ctx) and commits; a folder it writes files into is
    given as folder and gets those files back. Use it for data a test reads or changes, never for what a test is
    about (a seed's own idempotency, an import's counts)."""
    def get(name, build, folder=None):
        before = _state()
        key = (name, _fingerprint(before))
        if key not in _built:
            before_files = _files(folder)
            result = build()
            db.session.commit()
            files = {k: v for k, v in _files(folder).items() if before_files.get(k) != v}
            _built[key] = _Change(before, _state(), copy.deepcopy(result), files)
            return result
        return _built[key].apply(folder)
    return get


@pytest.fixture
def app(_apps):
    shared = _apps[0]
    yield shared.app
    empty(shared.app)
    for each in _apps:
        each.give_back()
    limiter.reset()  # the failed logins counted in this test are forgotten, as with a fresh app


@pytest.fixture
def own_app(app, database_url):
    """An app of the test's own on the test database, for a test that changes the app itself (adds a route)."""
    return make_app(database_url)


@pytest.fixture
def ctx(app, _apps):
    """An app context for tests that call services directly.

    It belongs to a second app object on the same database: a request of the test client then pushes its own
    context, so no request ever shares `g` (the logged-in user, the CSRF token) with the test or another client.
    """
    direct = _apps[1].app
    with direct.app_context():
        yield direct


@pytest.fixture
def client(app):
    return app.test_client()


def _make_users() -> dict[str, int]:
    ids = {}
    for username, (role, kode) in ACCOUNTS.items():
        user, _ = pengguna.create_user(None, username=username, name=username.replace("_", " ").title(),
                                       role=role, wilayah_kode=kode, password=PASSWORD)
        ids[username] = user.id
    return ids


@pytest.fixture
def users(app, saved):
    """{username: id} for ACCOUNTS, all with PASSWORD."""
    with app.app_context():
        return saved("users", _make_users)


def _make_records(users) -> dict[str, int]:
    p = posyandu_service.create_posyandu(None, "63.09.01.2001", {"nama": "Posyandu Melati"})
    k = posyandu_service.add_kader(None, p, {"nama": "Siti Aminah", "jenis_kelamin": "P", "bidang": "kesehatan"})
    u = workflow.create(None, p)
    db.session.commit()
    # A second dossier, submitted: the verifiers' forms.
    p2 = posyandu_service.create_posyandu(None, "63.09.01.2001", {"nama": "Posyandu Mawar"})
    u2 = workflow.create(None, p2)
    u2.status = "diajukan"
    workflow.mirror([u2])
    db.session.commit()
    g = kegiatan_service.create(db.session.get(User, users["kab_tabalong"]), {
        "jenis": "bimtek", "judul": "Bimtek", "penyelenggara": "DPMD", "tempat": "Tanjung",
        "tanggal_mulai": "2025-10-15", "tanggal_selesai": "2025-10-16", "wilayah_kode": "63.09.01",
        "sasaran": ["kader"]})
    # A tahap being put together (its add, take-out and send forms), a peserta (the attendance and take-off forms).
    t = registrasi_service.buat_tahap(db.session.get(User, users["kab_tabalong"]), "63.09")
    for nama, tahap in (("Posyandu Kenanga", t), ("Posyandu Dahlia", None)):  # one in the tahap, one to add
        v = workflow.create(None, posyandu_service.create_posyandu(None, "63.09.01.2001", {"nama": nama}))
        v.status, v.tahap = "diverifikasi_kabupaten", tahap
        workflow.mirror([v])
    kegiatan_peserta.peserta_from_record(db.session.get(User, users["kab_tabalong"]), g, k)
    db.session.commit()
    # Tabalong's Tim Pembina with its ketua, and its OPD register: the forms of the tim, a seat, an office.
    tim = tim_uji("63.09")
    # Last month's reports: the draf of the first Posyandu (its entry and send forms), the second one sent (the
    # kecamatan's accept and return forms).
    last = hari_ini().replace(day=1) - timedelta(days=1)
    lap = laporan_service.buat_draf(None, p, f"{last:%Y-%m}")
    lap2 = laporan_service.buat_draf(None, p2, f"{last:%Y-%m}")
    lap2.status = "dikirim"
    db.session.commit()
    return {"lap": lap.id, "lap2": lap2.id, "pid": p.id, "kid": k.id, "uid": u.id, "uid2": u2.id, "gid": g.id, "tid": t.id,
            "user": users["desa_pamarangan"], "tim": tim.id, "kursi": tim.kursi_aktif[0].id,
            "opd": opd_service.daftar("63.09")[0].id}


@pytest.fixture
def records(app, ctx, users, tmp_path, saved):
    """The hostile suites' records, by id (helpers.PAGES names them): a Posyandu with a kader (pid, kid), its dossier
    (uid) and a second one submitted (uid2), a kegiatan with that kader as peserta (gid), a tahap being put together
    with one dossier in it and one to add (tid), an account to manage (user). Uploads go to the test's tmp_path."""
    app.config["UPLOAD_FOLDER"] = ctx.config["UPLOAD_FOLDER"] = str(tmp_path)
    return saved("records", lambda: _make_records(users))


@pytest.fixture
def auth(app, users):
    """auth('kab_tabalong') → a test client logged in as that account through the login form; its session's CSRF
    token is read once (helpers.csrf_token), so helpers.post sends a form without opening a page first."""
    def make(username):
        c = app.test_client()
        response = login(c, username)
        assert response.status_code == 303, response.get_data(as_text=True)
        return c
    return make


# --- kegiatan -------------------------------------------------------------------------------------------------------

@pytest.fixture
def data(ctx, users):
    """Kader in two desa of Kecamatan Bintang Ara and one in Hapalah (Banua Lawas), a 2-day bimtek aimed at
    Bintang Ara made by the Tabalong organiser, that began yesterday and ends today."""
    posyandu_with(WALING, "Posyandu Melati", kader=[("Siti Aminah", "kesehatan"), ("Rahmah", "pendidikan")],
                  pengurus=[("Hj. Mahdiah", "ketua")])
    posyandu_with(BINTANG_ARA_DESA, "Posyandu Mawar", kader=[("Norhayati", "sosial")])
    posyandu_with(HAPALAH, "Posyandu Kenanga", kader=[("Jamilah", "kesehatan")])
    organiser = db.session.get(User, users["peny_tabalong"])
    today = hari_ini()
    k = kegiatan_service.create(organiser, kegiatan_form(today - timedelta(days=1), today))
    return k.id


@pytest.fixture
def dua_hari(auth, ctx, users):
    """A two-day kegiatan that begins today, with Siti Aminah on its list: (the kegiatan, the organiser's client)."""
    posyandu_with(WALING, "Posyandu Melati", kader=[("Siti Aminah", "kesehatan")])
    organiser = db.session.get(User, users["peny_tabalong"])
    today = hari_ini()
    k = kegiatan_service.create(organiser, kegiatan_form(today, today + timedelta(days=1)))
    client = auth("peny_tabalong")
    add_peserta(client, k.id, "Siti Aminah")
    return k, client
