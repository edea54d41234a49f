"""Bad input (issue 7): hypothesis posts random and hostile values to every form the staff pages offer, and to the
query strings of the pages: never a 500; a refused form stores nothing; what comes back is escaped."""
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.extensions import db
from portal.kegiatan import service as kegiatan_service
from portal.kegiatan import peserta as kegiatan_peserta
from portal.models import Posyandu, User
from portal.kelola import service as posyandu_service
from portal.registrasi import workflow
from tests.conftest import csrf_token

SCRIPT = "<script>alert(1)</script>"
HOSTILE = [
    SCRIPT, "\"><img src=x onerror=alert(1)>", "' OR '1'='1' --", "'; DROP TABLE posyandu; --", "\x00", "\x1b[31m",
    "a\x00b", "=HYPERLINK(\"http://x\")", "+1+1", "@SUM(A1)", "9" * 400, "x" * 5000, "-1", "0", "2147483648",
    "99999999999999999999999", "1e309", "NaN", "-0", "2025-02-30", "31/13/2025", "0000-00-00", "9999-12-31",
    "63.09.99.9999", "63..09", "../../etc/passwd", "\u202eabc", "😀" * 30, " ", "", "true", "[]", "{}", "None",
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60), st.integers().map(str))
# Forms that end the session or whose success is not about data (they are tested elsewhere).
SKIP_ACTIONS = ("/logout",)
# The pages whose forms are posted: every kind of form a staff user fills in.
PAGES = [
    "/kelola/posyandu/baru?desa=63.09.01.2001", "/kelola/posyandu/{pid}", "/kelola/posyandu/{pid}/ubah",
    "/kelola/posyandu/{pid}/layanan", "/kelola/posyandu/{pid}/tutup", "/kelola/kader/{kid}/ubah",
    "/kelola/impor", "/pengguna/baru", "/akun/password", "/kegiatan/baru", "/kegiatan/{gid}/ubah",
    "/kegiatan/{gid}/peserta/baru", "/kegiatan/{gid}/batal", "/registrasi/usulan/{uid}", "/registrasi/usulan/{uid2}",
    "/registrasi/tahap",
    "/registrasi/nomor", "/kelola/katalog", "/registrasi/tahap/{tid}", "/kegiatan/{gid}/peserta/pilih",
    "/kegiatan/{gid}/peserta", "/kegiatan/{gid}/hadir/2025-10-15", "/pengguna/{user}", "/kelola/posyandu/{pid}/riwayat",
]
# Every role that fills in forms, each on the pages it may open (the national admin: the catalogue is its own).
ROLES = ("kab_tabalong", "desa_hapalah", "kec_banualawas", "admin_nasional", "peny_tabalong")
QUERIES = ["/posyandu", "/posyandu.json", "/wilayah", "/beranda", "/pengguna", "/kegiatan", "/registrasi",
           "/kegiatan/{gid}/peserta/pilih", "/registrasi/tahap"]


class _Forms(HTMLParser):
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


def _counts() -> dict[str, int]:
    """Rows per table (the reference tables aside), in one round trip."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in ("wilayah", "rekap_wilayah")]
    row = db.session.execute(select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))).one()
    db.session.rollback()
    return dict(zip((t.name for t in tables), row))


@pytest.fixture
def ids(app, ctx, users, tmp_path):
    app.config["UPLOAD_FOLDER"] = ctx.config["UPLOAD_FOLDER"] = str(tmp_path)
    p = posyandu_service.create_posyandu(None, "63.09.01.2001", {"nama": "Posyandu Melati"})
    k = posyandu_service.add_kader(None, p, {"nama": "Siti Aminah", "jenis_kelamin": "P", "bidang": "kesehatan"})
    u = workflow.buat(None, p)
    db.session.commit()
    # A second dossier, submitted: the verifiers' forms.
    p2 = posyandu_service.create_posyandu(None, "63.09.01.2001", {"nama": "Posyandu Mawar"})
    u2 = workflow.buat(None, p2)
    u2.status = "diajukan"
    workflow.cermin([u2])
    db.session.commit()
    g = kegiatan_service.create(db.session.get(User, users["kab_tabalong"]), {
        "jenis": "bimtek", "judul": "Bimtek", "penyelenggara": "DPMD", "tempat": "Tanjung",
        "tanggal_mulai": "2025-10-15", "tanggal_selesai": "2025-10-16", "wilayah_kode": "63.09.01",
        "sasaran": ["kader"]})
    # A tahap being put together (its add, take-out and send forms), a peserta (the attendance and take-off forms).
    from portal.registrasi import service as registrasi_service
    t = registrasi_service.buat_tahap(db.session.get(User, users["kab_tabalong"]), "63.09")
    for nama, tahap in (("Posyandu Kenanga", t), ("Posyandu Dahlia", None)):  # one in the tahap, one to add
        v = workflow.buat(None, posyandu_service.create_posyandu(None, "63.09.01.2001", {"nama": nama}))
        v.status, v.tahap = "diverifikasi_kabupaten", tahap
        workflow.cermin([v])
    kegiatan_peserta.peserta_from_record(db.session.get(User, users["kab_tabalong"]), g, k)
    db.session.commit()
    return {"pid": p.id, "kid": k.id, "uid": u.id, "uid2": u2.id, "gid": g.id, "tid": t.id,
            "user": users["desa_pamarangan"]}


def _forms(client, ids) -> list[tuple[str, dict]]:
    found = {}
    for page in PAGES:
        response = client.get(page.format(**ids))
        if response.status_code != 200:  # not this role's page
            continue
        parser = _Forms()
        parser.feed(response.get_data(as_text=True))
        for action, fields in parser.forms:
            action = action or page.format(**ids).split("?")[0]
            if not action.startswith(SKIP_ACTIONS):
                found.setdefault(action, {}).update(fields)
    return sorted(found.items())


def _check(response, where):
    assert response.status_code < 500, (where, response.status_code)
    body = response.get_data(as_text=True)  # read to the end: streamed exports release their context
    response.close()
    if response.mimetype == "text/html":  # JSON and CSV are data, served with nosniff: not markup to escape
        assert SCRIPT not in body, where  # escaped wherever it is shown again


# derandomize: CI explores the same examples every run (a failure is reproducible, never a coin toss); run with
# --hypothesis-seed=random or change max_examples to explore further.
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_every_form_takes_hostile_values_without_a_500(as_user, ids, data):
    for username in ROLES:
        client = as_user(username)
        _post_all(client, _forms(client, ids), data)


def _post_all(client, forms, data):
    token = csrf_token(client)
    for action, fields in forms:
        values = {name: data.draw(VALUES, label=f"{action} {name}") for name in fields
                  if data.draw(st.booleans(), label=f"send {name}") or name == "version"}
        before = _counts()
        response = client.post(action, data={**values, "csrf_token": token})
        _check(response, action)
        if response.status_code in (400, 403, 404, 409, 413, 422):
            assert _counts() == before, (action, values)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["q", "wilayah", "status", "bidang", "pilot", "page", "urut", "tabel",
                                                "role", "jenis", "desa", "peran", "kabupaten", "semua"]),
                              VALUES, max_size=5))
def test_query_strings_never_break_a_page(as_user, ids, client, params):
    staff = as_user("kab_tabalong")
    for path in QUERIES:
        for who in (client, staff):
            response = who.get(path.format(**ids), query_string=params)
            _check(response, (path, params))


def test_the_crawl_reaches_the_forms_that_matter(as_user, ids):
    actions = [a for name in ROLES for a, _ in _forms(as_user(name), ids)]
    assert len(set(actions)) >= 25, sorted(set(actions))
    for expected in (r"/kelola/posyandu/\d+/ubah", r"/kelola/posyandu/\d+/kader/baru", r"/kegiatan/baru",
                     r"/registrasi/usulan/\d+/kembalikan", r"/registrasi/usulan/\d+/dokumen", r"/registrasi/nomor",
                     r"/pengguna/baru", r"/kegiatan/\d+/peserta/baru", r"/kelola/katalog", r"/registrasi/tahap/\d+/kirim",
                     r"/registrasi/tahap/\d+/tambah", r"/kegiatan/\d+/hadir/2025-10-15", r"/kegiatan/\d+/peserta/pilih\?peran=kader",
                     r"/pengguna/\d+/nonaktifkan", r"/pengguna/\d+/reset-password",
                     r"/kegiatan/\d+/peserta/\d+/keluarkan"):
        assert any(re.fullmatch(expected, a) for a in actions), (expected, actions)


def test_ids_beyond_the_key_range_are_refused_not_errors(as_user, ids):
    """Found by the suite on PostgreSQL: an id over 2³¹−1 in a form reached the database ("integer out of range")."""
    admin = as_user("admin_nasional")  # the catalogue's editor
    token = csrf_token(admin)
    r = admin.post("/kelola/katalog", data={"id": "2250493603", "nama": "Posyandu remaja", "csrf_token": token})
    assert r.status_code == 422 and "Kegiatan tidak ditemukan" in r.get_data(as_text=True)
    kab = as_user("kab_tabalong")
    version = db.session.get(Posyandu, ids["pid"]).version
    r = kab.post(f"/kelola/posyandu/{ids['pid']}/layanan", data={"layanan": ["2250493603"], "version": version,
                                                                  "csrf_token": csrf_token(kab)})
    assert r.status_code == 422 and "Pilihan kegiatan tidak sah" in r.get_data(as_text=True)
