"""Sessions and what staff pages leave behind (issue 13, items 7, 8, 9): the login and current-password throttles key
on what the form validated and take no JSON; logout ends the session on the server; every answer to a logged-in
user is private, and no-store where it shows personal data."""
import io
import json
import re

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import select

from portal.extensions import db
from portal.kegiatan import hadir as kegiatan_hadir, peserta as kegiatan_peserta
from portal.models import Kader, Kegiatan, Peserta, User, Usulan
from portal.kelola import service as posyandu_service
from portal.registrasi import dokumen
from tests.helpers import PASSWORD, csrf_token, login, post

WRONG = "salah-salah-salah"


# --- item 7: throttles ----------------------------------------------------------------------------------------------

def _json_login(client, username, password=PASSWORD):
    return client.post("/login", data=json.dumps({"username": username, "password": password}),
                       content_type="application/json", headers={"X-CSRFToken": csrf_token(client)})


def test_a_json_login_after_five_failures_does_not_get_in(app, users):
    client = app.test_client()
    for _ in range(5):
        assert login(client, "kab_tabalong", WRONG).status_code == 422
    response = _json_login(client, "kab_tabalong")
    assert response.status_code == 415 and "bukan JSON" in response.get_data(as_text=True)
    assert client.get("/beranda").status_code == 302
    assert login(client, "kab_tabalong").status_code == 429  # the account itself still waits


def test_a_json_login_is_refused_even_with_the_right_password(app, users):
    client = app.test_client()
    assert _json_login(client, "kab_tabalong").status_code == 415
    assert client.get("/beranda").status_code == 302


def test_the_username_limit_keys_on_the_validated_name(app, users):
    """Spelling the name differently (case, spaces) or sending it twice does not buy new attempts."""
    client = app.test_client()
    for name in ("kab_tabalong", " KAB_TABALONG", "Kab_Tabalong ", "kab_tabalong", "KAB_tabalong"):
        assert login(client, name, WRONG).status_code == 422
    token = csrf_token(client)
    twice = client.post("/login", data={"username": ["kab_tabalong", "lain"], "password": PASSWORD,
                                        "csrf_token": token})
    assert twice.status_code == 429
    file_part = client.post("/login", data={"username": (io.BytesIO(b"lain"), "u.txt"), "password": PASSWORD,
                                            "csrf_token": token}, content_type="multipart/form-data")
    assert file_part.status_code == 422  # no username at all, not another account's counter
    assert login(client, "kab_tabalong").status_code == 429


def test_current_password_guesses_are_throttled_per_user(app, users, auth):
    client = auth("desa_hapalah")
    data = {"new_password": "sandi-baru-panjang", "confirm": "sandi-baru-panjang"}
    for _ in range(5):
        r = post(client, "/akun/password", {"current_password": WRONG, **data})
        assert r.status_code == 422 and "Kata sandi saat ini salah." in r.get_data(as_text=True)
    blocked = post(client, "/akun/password", {"current_password": PASSWORD, **data})
    assert blocked.status_code == 429 and "Terlalu banyak percobaan kata sandi" in blocked.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, users["desa_hapalah"]).check_password(PASSWORD)  # nothing changed
    # another account is not held by it
    other = auth("kab_tabalong")
    assert post(other, "/akun/password", {"current_password": PASSWORD, **data}).status_code == 303


# --- item 8: logout -------------------------------------------------------------------------------------------------

def _cookie(client, name="session"):
    return client.get_cookie(name).value


def test_a_copied_session_cookie_is_dead_after_logout(app, users):
    client = app.test_client()
    login(client, "kab_tabalong")
    copied = _cookie(client)
    assert post(client, "/logout").status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/beranda")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert login(app.test_client(), "kab_tabalong").status_code == 303  # the account itself goes on


def test_a_remember_me_cookie_of_the_old_session_is_dead_too(app, users):
    client = app.test_client()
    login(client, "kab_tabalong")
    with app.app_context():
        remember = encode_cookie(db.session.get(User, users["kab_tabalong"]).get_id())
    before = app.test_client()
    before.set_cookie("remember_token", remember)
    assert before.get("/beranda").status_code == 200  # such a cookie does log in, until…
    post(client, "/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", remember)
    assert thief.get("/beranda").status_code == 302


# --- item 9: Cache-Control ------------------------------------------------------------------------------------------

NIK = "6309015501900001"
# What the pages may show of the people on record: names, NIK (full or its masked tail), phone, birth date, address.
PERSONAL = ["Siti Aminah", "Rahmat Hidayat", "Bu Nurul Peserta", NIK, "*0001", "0851-7788-9900", "+6285177889900",
            "85177889900", "15 Jan 1990", "1990-01-15", "Jl. Uji Pribadi"]
# Parameters for the staff URLs, by endpoint and argument.
SKIP = {"static", "auth.login", "public.healthz"}


@pytest.fixture
def orang(app, ctx, records, users):
    """The records of the hostile suite, with personal data everywhere it can be: a kader with NIK, phone and birth
    date, a pengurus with phone and address, a peserta registered at the venue, a dossier document."""
    kader = db.session.get(Kader, records["kid"])
    posyandu_service.update_kader(None, kader, {"nama": "Siti Aminah", "jenis_kelamin": "P", "bidang": "kesehatan",
                                                "nik": NIK, "telepon": "0851-7788-9900",
                                                "tanggal_lahir": "1990-01-15"}, kader.version)
    pengurus = posyandu_service.add_pengurus(None, kader.posyandu, {
        "jabatan": "ketua", "nama": "Rahmat Hidayat", "jenis_kelamin": "L", "telepon": "0851-7788-9900",
        "alamat": "Jl. Uji Pribadi 7"})
    k = db.session.get(Kegiatan, records["gid"])
    kab = db.session.get(User, users["kab_tabalong"])
    kegiatan_peserta.register_at_venue(kab, k, {"nama": "Bu Nurul Peserta", "asal_kode": "63.09.01.2001",
                                                "peran": "kader", "bidang": "kesehatan"}, tetap_baru=True)
    peserta = db.session.scalar(select(Peserta).where(Peserta.kegiatan_id == k.id).order_by(Peserta.id))
    pdf = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    usulan = db.session.get(Usulan, records["uid"])
    dok = dokumen.unggah(kab, usulan, "sk", io.BytesIO(pdf), "sk.pdf")
    db.session.commit()
    return {**records, "pengurus": pengurus.id, "peserta": peserta.id, "did": dok.id,
            "token": kegiatan_hadir.token_qr(peserta)}


def _value(endpoint: str, arg: str, jenis: str, o: dict):
    kegiatan = endpoint.startswith(("kegiatan.", "sertifikat."))
    return {
        "pid": o["peserta"] if kegiatan else o["pid"], "kid": o["gid"], "uid": o["uid"], "tid": o["tid"],
        "did": o["did"], "user_id": o["user"], "tanggal": "2025-10-15", "token": o["token"], "kode": "63.09",
        "ext": "csv", "jenis": jenis, "posyandu_id": o["pid"],
        "person_id": o["kid"] if jenis == "kader" else o["pengurus"],
        "lid": o["lap"],
        "oid": 1,  # an office of the OPD register (none on record here: the 404 is private all the same)
    }[arg]


def _staff_urls(app, o: dict) -> list[tuple[str, str]]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        kinds = ("",) if "jenis" not in rule.arguments else (
            ("posyandu", "kader") if rule.endpoint == "impor.template" else ("kader", "pengurus"))
        for jenis in kinds:
            values = {a: _value(rule.endpoint, a, jenis, o) for a in rule.arguments}
            urls.append((rule.endpoint, rule.build(values)[1]))
    return urls


def test_every_answer_to_staff_is_private_and_no_store_where_people_show(app, orang, auth):
    stored = set()  # (endpoint, what it showed) answered without no-store
    for username in ("kab_tabalong", "desa_hapalah"):
        client = auth(username)
        for endpoint, url in _staff_urls(app, orang):
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                text = response.get_data().decode("utf-8", "replace")
                policy = response.headers.get("Cache-Control", "")
                assert policy in ("private, no-store", "private, no-cache") or (
                    policy.startswith("private") and response.mimetype == "image/svg+xml"), (url, policy)
                assert "Cookie" in response.headers.get("Vary", ""), url
                shown = [v for v in PERSONAL if v in text]
                if shown and policy != "private, no-store":
                    stored.add((endpoint, shown[0]))
    assert not stored, sorted(stored)


def test_the_pages_named_in_the_issue_are_no_store(app, orang, auth):
    client = auth("kab_tabalong")
    for url in (f"/kelola/kader/{orang['kid']}/ubah", f"/kelola/posyandu/{orang['pid']}",
                f"/pengguna/{orang['user']}"):
        response = client.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store", url
    assert NIK in client.get(f"/kelola/kader/{orang['kid']}/ubah").get_data(as_text=True)
    # a refused form shows back what was typed: the NIK of a new kader too
    refused = post(client, f"/kelola/posyandu/{orang['pid']}/kader/baru", {"nama": "", "nik": "6309015501900002"})
    assert refused.status_code == 422 and "6309015501900002" in refused.get_data(as_text=True)
    assert refused.headers["Cache-Control"] == "private, no-store"
    for url in ("/beranda", f"/registrasi/tahap/{orang['tid']}.xlsx"):
        response = client.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-cache", url


def test_anonymous_public_pages_keep_their_public_caching(client, orang):
    response = client.get("/posyandu")
    assert response.headers["Cache-Control"].startswith("public")
    assert client.get("/static/" + re.sub(r"^/static/", "", _asset(client))).headers["Cache-Control"].startswith(
        "public")


def _asset(client) -> str:
    return re.search(r'href="(/static/[^"]+\.css)"', client.get("/").get_data(as_text=True)).group(1)
