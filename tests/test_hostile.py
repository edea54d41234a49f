"""Bad input (issue 7): hypothesis posts random and hostile values to every form the staff pages offer, and to the
query strings of the pages: never a 500; a refused form stores nothing; what comes back is escaped."""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.extensions import db
from portal.models import Posyandu
from tests.helpers import counts, csrf_token, forms_of

SCRIPT = "<script>alert(1)</script>"
HOSTILE = [
    SCRIPT, "\"><img src=x onerror=alert(1)>", "' OR '1'='1' --", "'; DROP TABLE posyandu; --", "\x00", "\x1b[31m",
    "a\x00b", "=HYPERLINK(\"http://x\")", "+1+1", "@SUM(A1)", "9" * 400, "x" * 5000, "-1", "0", "2147483648",
    "99999999999999999999999", "1e309", "NaN", "-0", "2025-02-30", "31/13/2025", "0000-00-00", "9999-12-31",
    "63.09.99.9999", "63..09", "../../etc/passwd", "\u202eabc", "😀" * 30, " ", "", "true", "[]", "{}", "None",
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60), st.integers().map(str))
# Every role that fills in forms, each on the pages it may open (the national admin: the catalogue is its own).
ROLES = ("kab_tabalong", "desa_hapalah", "kec_banualawas", "admin_nasional", "peny_tabalong")
QUERIES = ["/posyandu", "/posyandu.json", "/wilayah", "/beranda", "/pengguna", "/kegiatan", "/registrasi",
           "/kegiatan/{gid}/peserta/pilih", "/registrasi/tahap"]


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
def test_every_form_takes_hostile_values_without_a_500(auth, hostile_forms, data):
    for username in ROLES:
        _post_all(auth(username), hostile_forms[username], data)


@pytest.fixture
def hostile_forms(auth, records):
    """Each role's forms, found once before the examples: an example that changed the data must not change what the
    next one draws (hypothesis refuses data generation that depends on state: FlakyStrategyDefinition)."""
    return {username: forms_of(auth(username), records) for username in ROLES}


def _post_all(client, forms, data):
    token = csrf_token(client)
    for action, fields in forms:
        values = {name: data.draw(VALUES, label=f"{action} {name}") for name in fields
                  if data.draw(st.booleans(), label=f"send {name}") or name == "version"}
        before = counts()
        response = client.post(action, data={**values, "csrf_token": token})
        _check(response, action)
        if response.status_code in (400, 403, 404, 409, 413, 422):
            assert counts() == before, (action, values)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["q", "wilayah", "status", "bidang", "pilot", "page", "urut", "tabel",
                                                "role", "jenis", "desa", "peran", "kabupaten", "semua"]),
                              VALUES, max_size=5))
def test_query_strings_never_break_a_page(auth, records, client, params):
    staff = auth("kab_tabalong")
    for path in QUERIES:
        for who in (client, staff):
            response = who.get(path.format(**records), query_string=params)
            _check(response, (path, params))


def test_the_crawl_reaches_the_forms_that_matter(auth, records):
    actions = [a for name in ROLES for a, _ in forms_of(auth(name), records)]
    assert len(set(actions)) >= 25, sorted(set(actions))
    for expected in (r"/kelola/posyandu/\d+/ubah", r"/kelola/posyandu/\d+/kader/baru", r"/kegiatan/baru",
                     r"/registrasi/usulan/\d+/kembalikan", r"/registrasi/usulan/\d+/dokumen", r"/registrasi/nomor",
                     r"/pengguna/baru", r"/kegiatan/\d+/peserta/baru", r"/kelola/katalog", r"/registrasi/tahap/\d+/kirim",
                     r"/registrasi/tahap/\d+/tambah", r"/kegiatan/\d+/hadir/2025-10-15", r"/kegiatan/\d+/peserta/pilih\?peran=kader",
                     r"/pengguna/\d+/nonaktifkan", r"/pengguna/\d+/reset-password",
                     r"/kegiatan/\d+/peserta/\d+/keluarkan"):
        assert any(re.fullmatch(expected, a) for a in actions), (expected, actions)


def test_ids_beyond_the_key_range_are_refused_not_errors(auth, records):
    """Found by the suite on PostgreSQL: an id over 2³¹−1 in a form reached the database ("integer out of range")."""
    admin = auth("admin_nasional")  # the catalogue's editor
    token = csrf_token(admin)
    r = admin.post("/kelola/katalog", data={"id": "2250493603", "nama": "Posyandu remaja", "csrf_token": token})
    assert r.status_code == 422 and "Kegiatan tidak ditemukan" in r.get_data(as_text=True)
    kab = auth("kab_tabalong")
    version = db.session.get(Posyandu, records["pid"]).version
    r = kab.post(f"/kelola/posyandu/{records['pid']}/layanan", data={"layanan": ["2250493603"], "version": version,
                                                                  "csrf_token": csrf_token(kab)})
    assert r.status_code == 422 and "Pilihan kegiatan tidak sah" in r.get_data(as_text=True)
