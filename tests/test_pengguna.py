"""Account management in the UI: who may list, create, deactivate and reset whom."""
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditLog, User
from tests.helpers import ACCOUNTS, login, post

MANAGERS = ["admin_nasional", "admin_kalsel", "kab_tabalong"]
OTHERS = ["kec_bintangara", "desa_hapalah", "peny_tabalong"]


@pytest.mark.parametrize("username", MANAGERS + OTHERS)
def test_who_may_open_user_management(auth, username):
    client = auth(username)
    expected = 200 if username in MANAGERS else 403
    assert client.get("/pengguna").status_code == expected
    assert client.get("/pengguna/baru").status_code == expected


def test_anonymous_is_sent_to_login(client, users):
    for path in ("/pengguna", "/pengguna/baru", f"/pengguna/{users['desa_hapalah']}"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert post(client, f"/pengguna/{users['desa_hapalah']}/nonaktifkan").status_code == 302


def _listed(client, **query) -> set[str]:
    body = client.get("/pengguna", query_string=query).get_data(as_text=True)
    return set(re.findall(r"<small class=\"muted\">([a-z_]+) ·", body))


def test_list_shows_only_accounts_in_scope(auth):
    assert _listed(auth("kab_tabalong")) == {name for name, (_, kode) in ACCOUNTS.items()
                                                if kode.startswith("63.09")}
    assert _listed(auth("admin_kalsel")) == {name for name, (_, kode) in ACCOUNTS.items() if kode.startswith("63")}
    assert _listed(auth("admin_nasional")) == set(ACCOUNTS)


def test_list_filters(auth):
    client = auth("admin_nasional")
    assert _listed(client, role="desa") == {"desa_hapalah", "desa_pamarangan"}
    assert _listed(client, q="bintang") == {"kec_bintangara"}
    assert _listed(client, q="63.09.01") == {"kec_banualawas", "desa_hapalah"}
    fragment = client.get("/pengguna", query_string={"q": "desa"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


# (manager, target) → status for the detail page and for each action
DETAIL_CASES = [
    ("kab_tabalong", "desa_hapalah", 200, 200),      # below, inside: manage
    ("kab_tabalong", "peny_tabalong", 200, 200),
    ("kab_tabalong", "kab_tabalong", 200, 403),      # oneself: see, never manage
    ("kab_tabalong", "kab_balangan", 404, 404),      # outside scope: does not exist for them
    ("kab_tabalong", "admin_kalsel", 404, 404),      # above and outside
    ("admin_kalsel", "kab_tabalong", 200, 200),
    ("admin_kalsel", "admin_kaltim", 404, 404),
    ("admin_kalsel", "admin_nasional", 404, 404),
    ("admin_nasional", "admin_kalsel", 200, 200),
    ("kec_bintangara", "desa_hapalah", 403, 403),    # not a manager at all
    ("desa_hapalah", "desa_hapalah", 403, 403),
]


@pytest.mark.parametrize("manager, target, see, manage", DETAIL_CASES)
def test_detail_and_actions_matrix(app, auth, users, manager, target, see, manage):
    client = auth(manager)
    target_id = users[target]
    assert client.get(f"/pengguna/{target_id}").status_code == see
    for action in ("nonaktifkan", "aktifkan", "reset-password"):
        response = post(client, f"/pengguna/{target_id}/{action}")
        expected = {200: 303 if action != "reset-password" else 200}.get(manage, manage)
        assert response.status_code == expected, (action, response.status_code)
    with app.app_context():
        changed = db.session.scalar(select(AuditLog).where(AuditLog.object_id == str(target_id),
                                                           AuditLog.actor_id == users[manager]))
        assert (changed is not None) == (manage == 200)


def test_unknown_account_is_404(auth):
    assert auth("admin_nasional").get("/pengguna/999999").status_code == 404


def test_create_account_with_temporary_password(app, auth, users):
    client = auth("kab_tabalong")
    form = client.get("/pengguna/baru").get_data(as_text=True)
    assert re.findall(r'<option value="([a-z]+)"', form) == ["kecamatan", "desa", "penyelenggara"]
    response = post(client, "/pengguna/baru", {"username": "Operator.Hapalah", "name": "Siti Aminah",
                                               "role": "desa", "wilayah_kode": "63.09.01.2001"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    password = re.search(r"<output>([^<]+)</output>", body).group(1)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "operator.hapalah"))
        assert user.must_change_password and user.created_by_id == users["kab_tabalong"]
        entry = db.session.scalar(select(AuditLog).where(AuditLog.object_id == str(user.id)))
        assert entry.action == "buat" and entry.actor_id == users["kab_tabalong"]
        assert entry.changes["wilayah_kode"] == [None, "63.09.01.2001"]
    newcomer = app.test_client()
    assert login(newcomer, "operator.hapalah", password).headers["Location"] == "/akun/password"


@pytest.mark.parametrize("data, field_error", [
    ({"username": "kab.baru", "name": "X", "role": "kabupaten", "wilayah_kode": "63.09"}, "di bawah peran Anda"),
    ({"username": "desa.luar", "name": "X", "role": "desa", "wilayah_kode": "63.11.01.2001"}, "wilayah kerja Anda"),
    ({"username": "desa.x", "name": "X", "role": "desa", "wilayah_kode": "63.09.12"}, "tingkat desa/kelurahan"),
    ({"username": "desa.x", "name": "X", "role": "desa", "wilayah_kode": "63.09.12.9999"}, "tidak ada dalam daftar"),
    ({"username": "desa.x", "name": "X", "role": "desa", "wilayah_kode": "<script>"}, "tidak sah"),
    ({"username": "desa_hapalah", "name": "X", "role": "desa", "wilayah_kode": "63.09.01.2001"}, "sudah dipakai"),
    ({"username": "", "name": "X", "role": "desa", "wilayah_kode": "63.09.01.2001"}, "Wajib diisi."),
    ({"username": "Nama Spasi", "name": "X", "role": "desa", "wilayah_kode": "63.09.01.2001"}, "Nama pengguna 3–64"),
    ({"username": "desa.x", "name": "X", "role": "raja", "wilayah_kode": "63.09.01.2001"}, "tidak dikenal"),
])
def test_create_refuses_bad_input_and_changes_nothing(app, auth, users, data, field_error):
    client = auth("kab_tabalong")
    response = post(client, "/pengguna/baru", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error in body and 'class="error"' in body
    assert "&lt;script&gt;" in body or "<script>" not in data["wilayah_kode"]  # the input comes back escaped
    with app.app_context():
        assert len(db.session.scalars(select(User)).all()) == len(ACCOUNTS)


def test_deactivate_ends_sessions_and_reactivate(app, auth, users):
    victim = auth("desa_hapalah")
    assert victim.get("/beranda").status_code == 200
    manager = auth("kab_tabalong")
    assert post(manager, f"/pengguna/{users['desa_hapalah']}/nonaktifkan").status_code == 303
    assert victim.get("/beranda").status_code == 302
    assert login(app.test_client(), "desa_hapalah").status_code == 422
    page = manager.get(f"/pengguna/{users['desa_hapalah']}").get_data(as_text=True)
    assert "Nonaktif" in page and "<strong>Kab Tabalong</strong> menonaktifkan akun Desa Hapalah" in page  # by name
    post(manager, f"/pengguna/{users['desa_hapalah']}/aktifkan")
    assert login(app.test_client(), "desa_hapalah").status_code == 303


def test_reset_password(app, auth, users):
    victim = auth("kec_bintangara")
    manager = auth("kab_tabalong")
    response = post(manager, f"/pengguna/{users['kec_bintangara']}/reset-password")
    password = re.search(r"<output>([^<]+)</output>", response.get_data(as_text=True)).group(1)
    assert victim.get("/beranda").status_code == 302  # the old session ended
    fresh = app.test_client()
    assert login(fresh, "kec_bintangara").status_code == 422  # the old password no longer works
    assert login(fresh, "kec_bintangara", password).headers["Location"] == "/akun/password"
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "reset_password"))
        assert entry.object_id == str(users["kec_bintangara"]) and entry.changes == {}
