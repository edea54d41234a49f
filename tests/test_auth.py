import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditLog, User
from tests.helpers import PASSWORD, csrf_token, login, post


def test_login_page(client):
    response = client.get("/login")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="username"' in body and 'name="password"' in body and 'name="csrf_token"' in body


def test_login_and_logout(client, users):
    response = login(client, "kab_tabalong")
    assert response.status_code == 303 and response.headers["Location"] == "/beranda"
    home = client.get("/beranda")
    assert home.status_code == 200 and "Kab Tabalong" in home.get_data(as_text=True)
    assert client.get("/logout").status_code == 405  # logout is a POST
    out = post(client, "/logout")
    assert out.status_code == 303
    assert client.get("/beranda").status_code == 302


def test_login_is_case_insensitive_on_username(client, users):
    assert login(client, "  KAB_Tabalong ").status_code == 303


@pytest.mark.parametrize("username, password", [("kab_tabalong", "salah-salah-salah"), ("tidak_ada", PASSWORD),
                                                ("", PASSWORD), ("kab_tabalong", "")])
def test_failed_login_gives_one_message(client, users, username, password):
    response = login(client, username, password)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    if username and password:
        assert "Nama pengguna atau kata sandi salah." in body
    else:
        assert "Wajib diisi." in body
    assert client.get("/beranda").status_code == 302


def test_deactivated_account_cannot_log_in(client, app, users):
    with app.app_context():
        db.session.get(User, users["desa_hapalah"]).active = False
        db.session.commit()
    response = login(client, "desa_hapalah")
    assert response.status_code == 422 and "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)


def test_login_throttled_per_username(app, users):
    client = app.test_client()
    for _ in range(5):
        assert login(client, "kab_tabalong", "salah-salah-salah").status_code == 422
    blocked = login(client, "kab_tabalong")  # even the right password now waits
    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in blocked.get_data(as_text=True)
    # another account from the same address is not locked out by it
    assert login(app.test_client(), "kec_bintangara").status_code == 303


def test_successful_logins_do_not_count(app, users):
    for _ in range(7):
        client = app.test_client()
        assert login(client, "kab_tabalong").status_code == 303


def test_login_throttled_per_ip(database_url, users):
    from tests.helpers import make_app
    app = make_app(database_url, LOGIN_LIMIT_PER_IP="3 per 15 minutes")
    client = app.test_client()
    for name in ("a_satu", "a_dua", "a_tiga"):
        assert login(client, name, "x").status_code == 422
    assert login(client, "kab_tabalong").status_code == 429
    other_ip = app.test_client()
    token = csrf_token(other_ip)
    response = other_ip.post("/login", data={"username": "kab_tabalong", "password": PASSWORD, "csrf_token": token},
                             environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 303


@pytest.mark.parametrize("target, expected", [
    ("/wilayah/63.09", "/wilayah/63.09"),
    ("https://jahat.example/", "/beranda"), ("//jahat.example/x", "/beranda"), ("/\\jahat.example", "/beranda"),
    ("javascript:alert(1)", "/beranda"), ("http:/jahat.example", "/beranda"),
])
def test_next_only_goes_to_this_site(client, users, target, expected):
    token = csrf_token(client)
    response = client.post("/login", query_string={"next": target},
                           data={"username": "kab_tabalong", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == expected


def test_login_required_redirects_with_next(client):
    response = client.get("/pengguna?q=x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/pengguna?q%3Dx"


def test_session_cookie_flags(client, users):
    response = login(client, "kab_tabalong")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_secure_outside_debug(database_url, users):
    from tests.helpers import make_app
    app = make_app(database_url, SESSION_COOKIE_SECURE=True)
    response = login(app.test_client(), "kab_tabalong")
    assert "Secure" in response.headers["Set-Cookie"]


def test_change_own_password(client, app, users):
    login(client, "desa_hapalah")
    other_device = app.test_client()
    login(other_device, "desa_hapalah")
    bad = post(client, "/akun/password", {"current_password": "salah", "new_password": "sandi-baru-panjang",
                                          "confirm": "sandi-baru-panjang"})
    assert bad.status_code == 422 and "Kata sandi saat ini salah." in bad.get_data(as_text=True)
    short = post(client, "/akun/password", {"current_password": PASSWORD, "new_password": "pendek",
                                            "confirm": "pendek"})
    assert short.status_code == 422 and "minimal 10 karakter" in short.get_data(as_text=True)
    mismatch = post(client, "/akun/password", {"current_password": PASSWORD, "new_password": "sandi-baru-panjang",
                                               "confirm": "sandi-baru-lain"})
    assert mismatch.status_code == 422 and "tidak sama" in mismatch.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, users["desa_hapalah"]).check_password(PASSWORD)  # nothing changed yet
    ok = post(client, "/akun/password", {"current_password": PASSWORD, "new_password": "sandi-baru-panjang",
                                         "confirm": "sandi-baru-panjang"})
    assert ok.status_code == 303
    assert client.get("/beranda").status_code == 200  # this session goes on
    assert other_device.get("/beranda").status_code == 302  # the other one ended
    with app.app_context():
        assert db.session.get(User, users["desa_hapalah"]).check_password("sandi-baru-panjang")
        assert db.session.scalar(select(AuditLog.action).where(AuditLog.object_id == str(users["desa_hapalah"]))
                                 .order_by(AuditLog.id.desc())) == "ganti_password"


def test_temporary_password_must_be_changed_first(client, app, users):
    with app.app_context():
        db.session.get(User, users["desa_hapalah"]).must_change_password = True
        db.session.commit()
    response = login(client, "desa_hapalah")
    assert response.headers["Location"] == "/akun/password"
    assert client.get("/beranda").headers["Location"] == "/akun/password"
    post(client, "/akun/password", {"current_password": PASSWORD, "new_password": "sandi-baru-panjang",
                                    "confirm": "sandi-baru-panjang"})
    assert client.get("/beranda").status_code == 200
