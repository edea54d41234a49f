"""Issue 13, item 18: the account form shows every error at once and picks the wilayah from a search."""
import gzip
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import User, Wilayah
from portal.pengguna import service
from tests.helpers import form_values, post

HX = {"HX-Request": "true", "Accept-Encoding": "gzip"}


def _count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _picks(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="wilayah_pilih" value="([\d.]+)">', html)


# --- every error at once ------------------------------------------------------------------------------------------

def test_form_errors_and_account_rules_are_shown_together(auth, ctx):
    """The form's own checks (a required field left empty) used to stop the request before the account rules ran, so
    a wrong region was only named on the second try."""
    client = auth("kab_tabalong")
    before = _count_users()
    response = post(client, "/pengguna/baru", {"username": "", "name": "", "role": "desa", "wilayah_kode": "63.09.12"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="username-err">Wajib diisi\.<', body) and re.search(r'id="name-err">Wajib diisi\.<', body)
    assert re.search(r'id="wilayah_kode-err">Peran [^<]* memerlukan kode wilayah tingkat desa/kelurahan', body)
    assert _count_users() == before


def test_every_account_rule_is_named_not_only_the_first(auth, ctx):
    """The service used to raise on the first broken rule."""
    client = auth("kab_tabalong")
    response = post(client, "/pengguna/baru", {"username": "desa_hapalah", "name": "X", "role": "kabupaten",
                                               "wilayah_kode": "63.09.99"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nama pengguna &#39;desa_hapalah&#39; sudah dipakai." in body
    assert "Anda hanya dapat membuat akun dengan peran di bawah peran Anda." in body
    assert "Kode wilayah &#39;63.09.99&#39; tidak ada dalam daftar Kemendagri." in body


def test_account_errors_by_field(ctx, users):
    kab = db.session.get(User, users["kab_tabalong"])
    assert service.account_errors(kab, "Nama Spasi", "raja", "<b>") == {
        "username": "Nama pengguna 3–64 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung, diawali "
                    "huruf atau angka.",
        "role": "Peran 'raja' tidak dikenal. Pilihan: admin, kabupaten, kecamatan, desa, penyelenggara.",
        "wilayah_kode": "Kode wilayah '<b>' tidak sah. Contoh: 63.09 atau 63.09.12.2003.",
    }
    assert service.account_errors(kab, "desa.baru", "desa", "63.11.01.2001") == {
        "wilayah_kode": "Kode 63.11.01.2001 di luar wilayah kerja Anda (63.09)."}
    assert service.account_errors(kab, "desa.baru", "desa", "") == {
        "wilayah_kode": "Peran Operator desa/kelurahan memerlukan kode wilayah tingkat desa/kelurahan; pilih "
                        "wilayahnya dari pencarian, atau ketik kodenya."}
    assert service.account_errors(kab, " Desa.Baru ", "desa", "6309012001") == {}  # as create_user normalises
    nasional = db.session.get(User, users["admin_nasional"])
    assert service.account_errors(nasional, "admin.lain", "admin", "") == {
        "wilayah_kode": "Akun Admin (Dinas PMD Provinsi) yang dapat Anda buat memerlukan kode tingkat provinsi."}


def test_the_command_line_names_every_error_too(ctx, users):
    with pytest.raises(service.FormErrors) as refused:
        service.validate_account("desa_hapalah", "raja", "63.99")
    assert set(refused.value.errors) == {"username", "role", "wilayah_kode"}
    assert "sudah dipakai" in refused.value.message and "tidak dikenal" in refused.value.message


# --- the wilayah from a search ------------------------------------------------------------------------------------

def test_search_without_javascript_lists_regions_of_the_role_and_keeps_the_form(auth, ctx):
    client = auth("kab_tabalong")
    response = client.get("/pengguna/baru", query_string={"username": "operator.tanjung", "name": "Siti Aminah",
                                                          "role": "desa", "wilayah_cari": "tanjung",
                                                          "wilayah_kode": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _picks(html) == ["63.09.04.1002"]  # Kelurahan Tanjung; not Kecamatan Tanjung, nor any outside 63.09
    assert "Kelurahan Tanjung<small" in html and "63.09.04.1002 · Kecamatan Tanjung · Kabupaten Tabalong" in html
    values = form_values(html)
    assert values["username"] == "operator.tanjung" and values["name"] == "Siti Aminah"
    assert values["role"] == "desa" and values["wilayah_cari"] == "tanjung"
    assert '<p id="wilayah-jumlah" class="muted" role="status">1 wilayah cocok dengan “tanjung”: pilih satu.' in html


def test_the_search_never_puts_the_csrf_token_in_a_url(auth):
    html = auth("kab_tabalong").get("/pengguna/baru").get_data(as_text=True)
    form = html[html.index("<form method=\"post\" action=\"/pengguna/baru\""):]
    form = form[:form.index("</form>")]
    # The token rides only on the "Buat akun" button: a GET by the "Cari" button (the form's first button, so also
    # what Enter does) carries the other values but not the token.
    assert re.findall(r'<(\w+)[^>]*name="csrf_token"', form) == ["button"]
    buttons = re.findall(r"<button[^>]*>", form)
    assert 'formmethod="get"' in buttons[0] and 'class="primary" name="csrf_token"' in buttons[-1]


@pytest.mark.parametrize("manager, role, q, expected", [
    ("kab_tabalong", "kecamatan", "tanjung", ["63.09.04"]),
    ("kab_tabalong", "penyelenggara", "tanjung", ["63.09.04", "63.09.04.1002"]),
    ("kab_tabalong", "", "tanjung", ["63.09.04", "63.09.04.1002"]),  # no role yet: every level one may give
    ("kab_tabalong", "penyelenggara", "tabalong", ["63.09"]),  # one's own kabupaten, not Tabalong Mati (63.08)
    ("kab_tabalong", "desa", "63.09.04.1002", ["63.09.04.1002"]),  # a code
    ("kab_tabalong", "desa", "63.11", []),  # outside one's region
    ("kab_tabalong", "kabupaten", "tabalong", []),  # not a role one may give
    ("admin_nasional", "kabupaten", "tabalong", ["63.09"]),
    ("admin_nasional", "admin", "kalimantan selatan", ["63"]),
])
def test_the_search_offers_only_what_the_manager_may_give(auth, manager, role, q, expected):
    html = auth(manager).get("/pengguna/baru", query_string={"role": role, "wilayah_cari": q}).get_data(
        as_text=True)
    assert _picks(html) == expected


def test_the_start_of_a_code_finds_the_regions_below_it(auth, ctx):
    html = auth("kab_tabalong").get("/pengguna/baru", query_string={"role": "kecamatan", "wilayah_cari": "63.09.0"})
    kecamatan = db.session.scalars(select(Wilayah.kode).where(Wilayah.level == 3, Wilayah.kode.like("63.09.0%"))
                                   .order_by(Wilayah.kode)).all()
    assert len(kecamatan) == 9 and sorted(_picks(html.get_data(as_text=True))) == kecamatan


def test_active_search_answers_a_small_fragment(auth):
    response = auth("admin_nasional").get("/pengguna/baru", query_string={"role": "desa", "wilayah_cari": "sungai"},
                                             headers=HX)
    body = gzip.decompress(response.data).decode()
    assert response.status_code == 200 and "<html" not in body and "HX-Request" in response.headers["Vary"]
    assert body.index('<p id="wilayah-jumlah" class="muted" role="status" data-hx-swap-oob="innerHTML">') == 0
    assert "10+ wilayah cocok dengan “sungai”" in body and "perjelas nama" in body
    assert len(_picks(body)) == 10 and body.count('<div id="wilayah-hasil">') == 1
    assert len(gzip.compress(body.encode())) <= 2048
    short = auth("admin_nasional").get("/pengguna/baru", query_string={"wilayah_cari": "su"}, headers=HX)
    assert "Ketik minimal 3 huruf" in short.get_data(as_text=True)
    none = auth("kab_tabalong").get("/pengguna/baru", query_string={"role": "desa", "wilayah_cari": "zzzz"},
                                       headers=HX).get_data(as_text=True)
    assert "Tidak ada wilayah “zzzz” di wilayah kerja Anda dengan tingkat yang sesuai peran ini." in none


def test_the_page_links_the_search_to_its_list(auth):
    html = auth("kab_tabalong").get("/pengguna/baru").get_data(as_text=True)
    button = re.search(r'<button formmethod="get"[^>]*>', html).group(0)
    assert 'formaction="/pengguna/baru#wilayah"' in button and 'data-hx-get="/pengguna/baru"' in button
    assert 'data-hx-include="#wilayah_cari, #role"' in button and 'change from:#role' in button
    assert 'aria-controls="wilayah-hasil"' in html and '<div id="wilayah-hasil">' in html


def test_a_region_picked_from_the_list_wins_over_the_typed_code(app, auth, ctx):
    client = auth("kab_tabalong")
    response = post(client, "/pengguna/baru", {"username": "operator.tanjung", "name": "Siti Aminah", "role": "desa",
                                               "wilayah_cari": "tanjung", "wilayah_pilih": "63.09.04.1002",
                                               "wilayah_kode": "63.09"})
    assert response.status_code == 200 and "<output>" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.username == "operator.tanjung"))
    assert user.wilayah_kode == "63.09.04.1002"


def test_a_forged_pick_is_checked_like_a_typed_code(auth, ctx):
    client = auth("kab_tabalong")
    before = _count_users()
    response = post(client, "/pengguna/baru", {"username": "operator.luar", "name": "X", "role": "desa",
                                               "wilayah_pilih": "63.11.01.2001"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "di luar wilayah kerja Anda" in body
    assert form_values(body)["wilayah_kode"] == "63.11.01.2001"  # shown where it can be corrected
    assert _count_users() == before
