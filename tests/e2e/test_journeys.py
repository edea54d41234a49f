"""What a new user does on a 360 px phone, with and without JavaScript."""
import re

import pytest

from tests.conftest import PASSWORD


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_public_finds_a_region_and_drills_down(journey, javascript):
    j = journey(f"publik-{'js' if javascript else 'nojs'}", javascript)
    page = j.page
    j.goto("/")
    assert page.locator("h1").inner_text() == "Portal Posyandu 6 bidang SPM"
    j.shot("beranda-publik")
    page.fill("#q", "hapalah")
    if javascript:
        # active search: results appear without pressing the button
        page.locator("#hasil a", has_text="Desa Hapalah").wait_for()
    else:
        page.click("form.search button")
    j.shot("hasil-cari")
    page.click("text=Desa Hapalah")
    page.wait_for_url(re.compile(r"/wilayah/63\.09\.01\.2001$"))
    assert page.locator("h1").inner_text() == "Desa Hapalah"
    j.shot("desa")
    page.click("nav.crumbs >> text=Kabupaten Tabalong")
    assert "12 kecamatan · 10 kelurahan · 121 desa" in page.content()
    j.shot("kabupaten")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_kabupaten_creates_an_account_and_the_new_user_logs_in(journey, javascript):
    j = journey(f"akun-{'js' if javascript else 'nojs'}", javascript)
    page = j.page
    j.goto("/beranda")
    page.wait_for_url(re.compile(r"/login\?next=/beranda"))
    page.fill("#username", "kab_tabalong")
    page.fill("#password", "salah-sekali-ini")
    page.click("button.primary")
    assert page.locator(".error", has_text="Nama pengguna atau kata sandi salah.").is_visible()
    j.shot("login-gagal")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/beranda$"))
    j.shot("beranda")
    page.click("header >> text=Pengguna")
    page.click("text=+ Buat akun")
    page.fill("#username", "operator.hapalah")
    page.fill("#name", "Siti Aminah")
    page.select_option("#role", "desa")
    page.fill("#wilayah_kode", "63.09")
    page.click("button.primary")
    assert page.locator(".error", has_text="tingkat desa/kelurahan").is_visible()
    j.shot("buat-akun-salah")
    page.fill("#wilayah_kode", "63.09.01.2001")
    page.click("button.primary")
    password = page.locator("output").inner_text()
    assert re.fullmatch(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}", password)
    j.shot("kata-sandi-sementara")
    page.click("header >> text=Keluar")
    page.wait_for_url(re.compile(r"/$"))

    page.click("header >> text=Masuk")
    page.fill("#username", "operator.hapalah")
    page.fill("#password", password)
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/akun/password$"))
    j.shot("wajib-ganti-sandi")
    page.fill("#current_password", password)
    page.fill("#new_password", "sandi-baru-milik-siti")
    page.fill("#confirm", "sandi-baru-milik-siti")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/beranda$"))
    assert "Desa Hapalah" in page.content()
    j.shot("beranda-operator")
