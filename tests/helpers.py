"""What tests call: the test app, the accounts, logging in and posting forms as a browser does.

Fixtures live in conftest.py; this module holds the plain functions and constants tests import
(`from tests.helpers import login, post`).
"""
import re
from html.parser import HTMLParser

from jinja2 import BytecodeCache
from sqlalchemy import delete, func, or_, select, update

from portal import create_app
from portal.extensions import db
from portal.kelola import service as posyandu_service
from portal.models import KatalogKegiatan, Kader, Peserta, User
from portal.models.rekap import UKURAN, rekap_wilayah

PASSWORD = "kata-sandi-uji-123"

# One account per role, all in Kabupaten Tabalong (63.09), plus a few elsewhere to prove scope (fixture `users`).
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

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"|'
                   r'"X-CSRFToken": "([^"]+)"')


class _Templates(BytecodeCache):
    """Compiled templates shared by every app of the test process: the tests build apps of their own, which would
    otherwise compile every template they render again. Keyed by the template's source, so an edit is seen."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _Templates()


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
    app = create_app(config)
    app.jinja_env.bytecode_cache = _TEMPLATES
    return app


def session_of(client) -> dict:
    """What the client's session cookie holds (read without a request; {} without a cookie)."""
    app = client.application
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    if cookie is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def csrf_token(client) -> str:
    """The CSRF token of the client's session, read from a page as a browser would.

    The token belongs to the session, so it is read once per session and kept on the client: a new session (after a
    login or a logout) reads it again; posting a form never needs a page first.
    """
    session = session_of(client)
    kept = getattr(client, "_csrf", None)
    if kept and session.get("csrf_token") and kept[0] == session["csrf_token"]:
        return kept[1]
    pages = ("/akun/password", "/login") if "_user_id" in session else ("/login", "/akun/password")
    for path in pages:
        response = client.get(path)
        match = _CSRF.search(response.get_data(as_text=True))
        if match:
            token = next(g for g in match.groups() if g)
            client._csrf = (session_of(client).get("csrf_token"), token)
            return token
    raise AssertionError("tidak ada token CSRF di halaman")


def login(client, username, password=PASSWORD, follow=False):
    """Log in through the login form."""
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_token(client)},
                       follow_redirects=follow)


def post(client, path, data=None, **kwargs):
    """A form POST with the session's CSRF token, as the browser sends it."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client)
    return client.post(path, data=data, **kwargs)


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


def counts() -> dict[str, int]:
    """Rows per table (the reference tables aside), in one round trip."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in ("wilayah", "rekap_wilayah")]
    row = db.session.execute(select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))).one()
    db.session.rollback()
    return dict(zip((t.name for t in tables), row))


# The pages whose forms the hostile suites post (fixture `records` fills in their ids): every kind of form a staff
# user fills in. Forms that end the session or whose success is not about data are left out (tested elsewhere).
SKIP_ACTIONS = ("/logout",)
PAGES = [
    "/kelola/posyandu/baru?desa=63.09.01.2001", "/kelola/posyandu/{pid}", "/kelola/posyandu/{pid}/ubah",
    "/kelola/posyandu/{pid}/layanan", "/kelola/posyandu/{pid}/tutup", "/kelola/kader/{kid}/ubah",
    "/kelola/impor", "/pengguna/baru", "/akun/password", "/kegiatan/baru", "/kegiatan/{gid}/ubah",
    "/kegiatan/{gid}/peserta/baru", "/kegiatan/{gid}/batal", "/registrasi/usulan/{uid}", "/registrasi/usulan/{uid2}",
    "/registrasi/tahap",
    "/registrasi/nomor", "/kelola/katalog", "/registrasi/tahap/{tid}", "/kegiatan/{gid}/peserta/pilih",
    "/kegiatan/{gid}/peserta", "/kegiatan/{gid}/hadir/2025-10-15", "/pengguna/{user}", "/kelola/posyandu/{pid}/riwayat",
    "/pembina/63.09", "/pembina/63.09/baru", "/pembina/tim/{tim}/ubah", "/pembina/tim/{tim}/anggota",
    "/pembina/kursi/{kursi}/ubah", "/pembina/kursi/{kursi}/ganti", "/pembina/kursi/{kursi}/lepas",
    "/pembina/tim/{tim}/impor", "/pembina/opd?wilayah=63.09", "/pembina/opd/baru?wilayah=63.09",
    "/pembina/opd/{opd}/ubah", "/laporan", "/laporan/{lap}", "/laporan/{lap2}", "/laporan/{lap}/cetak",
]


class _PostForms(HTMLParser):
    """The POST forms of a page: (action, {field: [options or None]})."""

    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.current = (a.get("action") or "", {})
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "select", "textarea") and a.get("name"):
            if a["name"] != "csrf_token":
                self.current[1].setdefault(a["name"], a.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def forms_of(client, records) -> list[tuple[str, dict]]:
    """[(action, {field: value})] of every POST form the client's role finds on PAGES."""
    found = {}
    for page in PAGES:
        response = client.get(page.format(**records))
        if response.status_code != 200:  # not this role's page
            continue
        parser = _PostForms()
        parser.feed(response.get_data(as_text=True))
        for action, fields in parser.forms:
            action = action or page.format(**records).split("?")[0]
            if not action.startswith(SKIP_ACTIONS):
                found.setdefault(action, {}).update(fields)
    return sorted(found.items())


# --- the database every test starts from -----------------------------------------------------------------------------

# Reference data: the regions, the catalogue as the migrations seeded it (KATALOG_SEED, read once per session by
# conftest's `database`), the rekap rows (their counts go back to zero).
KEPT = {"wilayah", "katalog_kegiatan", "rekap_wilayah"}
KATALOG_SEED: list[dict] = []


def counting():
    """The rekap rows that count something (beyond their desa)."""
    return or_(*(rekap_wilayah.c[name] != 0 for name in UKURAN if name != "desa"))


def empty(app) -> None:
    """Every table back to the reference data the session started with."""
    with app.app_context():
        db.session.execute(update(User).values(created_by_id=None))
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in KEPT:
                db.session.execute(delete(table))
        # The rekap rows stay (built once by the import); the counts a test left behind go back to zero (every
        # count: a closed Posyandu's kader are counted on a row that counts no Posyandu).
        db.session.execute(update(rekap_wilayah).where(counting()).values(**{name: 0 for name in UKURAN
                                                                               if name != "desa"}))
        katalog = KatalogKegiatan.__table__
        db.session.execute(delete(katalog).where(katalog.c.id.not_in([r["id"] for r in KATALOG_SEED])))
        db.session.execute(update(KatalogKegiatan), [{"id": r["id"], "nama": r["nama"], "urutan": r["urutan"],
                                                      "aktif": r["aktif"]} for r in KATALOG_SEED])
        db.session.commit()


# --- kegiatan: the records and requests the kegiatan suites share ------------------------------------------------

BINTANG_ARA = "63.09.12"
WALING, BINTANG_ARA_DESA = "63.09.12.2001", "63.09.12.2003"
HAPALAH = "63.09.01.2001"  # Kecamatan Banua Lawas: outside the event's target


def posyandu_with(desa, nama, kader=(), pengurus=()):
    p = posyandu_service.create_posyandu(None, desa, {"nama": nama})
    for name, bidang in kader:
        posyandu_service.add_kader(None, p, {"nama": name, "jenis_kelamin": "P", "bidang": bidang})
    for name, jabatan in pengurus:
        posyandu_service.add_pengurus(None, p, {"nama": name, "jabatan": jabatan, "jenis_kelamin": "P"})
    return p.id


def kader_id(nama):
    return db.session.scalar(select(Kader.id).where(Kader.nama == nama))


def kegiatan_form(mulai, selesai, **extra):
    return {"jenis": "bimtek", "judul": "Bimtek Kader 6 SPM", "penyelenggara": "DPMD Kabupaten Tabalong",
            "tempat": "Aston Tanjung City Hotel, Tanjung", "tanggal_mulai": mulai.isoformat(),
            "tanggal_selesai": selesai.isoformat(), "wilayah_kode": BINTANG_ARA, "sasaran": ["kader"], **extra}


def add_peserta(client, kid, *names):
    ids = [str(kader_id(n)) for n in names]
    return post(client, f"/kegiatan/{kid}/peserta/pilih", {"kader": ids})


def peserta_named(kid, nama):
    return db.session.scalar(select(Peserta).where(Peserta.kegiatan_id == kid, Peserta.nama == nama)
                             .execution_options(populate_existing=True))


def mark(client, kid, day, pid, status, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return post(client, f"/kegiatan/{kid}/hadir/{day.isoformat()}", {"t": f"{pid}:{status}"}, headers=headers)


def tim_uji(kode: str, mulai="2025-01-01", selesai="2030-12-31", ketua: str | None = "Ibu Ketua Uji",
            actor=None, lengkap: bool = False, nomor: str | None = None):
    """A current Tim Pembina of the wilayah through the service (its register seeded when it has none); with
    lengkap, a koordinator and an OPD member for every bidang, so no bidang alert remains."""
    from portal.models.posyandu import BIDANG
    from portal.pembina import opd as opd_service, service as pembina
    register = pembina.kode_register(kode)
    opd_service.isi_bawaan(actor, register)
    tim = pembina.buat_tim(actor, kode, {"sk_nomor": nomor or f"SK-UJI/{kode}", "sk_tanggal": mulai, "masa_bakti_mulai": mulai,
                                         "masa_bakti_selesai": selesai, "sk_penandatangan": "Kepala Uji"})
    if ketua:
        pembina.tambah_kursi(actor, tim, {"jabatan": "ketua", "unsur": "tp_pkk", "ex_officio": "1", "nama": ketua,
                                          "telepon": "081234567890", "email": "ketua@contoh.go.id"})
    if lengkap:
        by_bidang = {b: o for o in opd_service.daftar(register) for b in o.bidang_list}
        for b in BIDANG:
            pembina.tambah_kursi(actor, tim, {"jabatan": "koordinator", "bidang": b, "unsur": "opd",
                                              "opd_id": by_bidang[b].id, "nama": f"Koordinator {BIDANG[b]}"})
    return pembina.get_tim(tim.id)
