"""The public's path on a 360 px phone, with and without JavaScript (issue 13): from / to a Posyandu profile and to a
sertifikat check by clicking only, a typo forgiven on the way; and every rollup table fits the screen."""
import re

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from tests.e2e.helpers import PHONE


@pytest.fixture
def demo_data(app, tmp_path):
    """The demo data of `flask demo seed` (Tabalong's Posyandu, the two kegiatan with their sertifikat); returns a
    sertifikat code of a peserta who met the rule."""
    from portal import demo
    from portal.direktori import ejaan
    from portal.models.kegiatan import Peserta
    with app.app_context():
        demo.seed(str(tmp_path))
        ejaan.lupakan()
        return db.session.scalar(select(Peserta.kode_sertifikat).where(Peserta.lulus.is_(True), Peserta.aktif.is_(True))
                                 .order_by(Peserta.id).limit(1))


def _search(page, selector, text, javascript, button):
    page.fill(selector, text)
    if javascript:
        page.locator("#hasil .flash", has_text="Maksud Anda").wait_for()
    else:
        page.click(button)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_public_goes_from_home_to_a_profile_and_a_sertifikat_check(journey, demo_data, javascript):
    j = journey(f"jalur-publik-{'js' if javascript else 'nojs'}", javascript)
    page = j.page
    j.goto("/")
    j.shot("beranda")

    # The home search finds Posyandu too, and forgives a typo.
    _search(page, "#q", "Posyandu Mawr", javascript, "form.search button")
    hint = page.locator("#hasil .flash", has_text="Maksud Anda")
    assert hint.locator("a").inner_text() == "mawar"
    assert page.locator("#hasil li a", has_text="Posyandu Mawar").count() >= 1
    j.shot("cari-beranda")

    # To the directory by the header, a typo there too, then a profile.
    page.click("header >> text=Direktori")
    page.wait_for_url(re.compile(r"/posyandu$"))
    j.shot("direktori")
    _search(page, "#dq", "tanjng", javascript, "form.filters button")
    assert page.locator("#hasil .flash", has_text="Maksud Anda").locator("a").inner_text() == "tanjung"
    first = page.locator("#hasil ol li a").first
    name = first.inner_text()
    assert page.locator("#hasil ol li").count() >= 1
    j.shot("direktori-salah-ketik")
    page.wait_for_load_state("networkidle")
    first.click()
    page.wait_for_url(re.compile(r"/posyandu/\d+$"))
    assert page.locator("h1").inner_text() == name
    j.shot("profil")

    # Back home by the brand, then to the sertifikat check by the home page's link.
    page.click("header .brand")
    page.wait_for_url(re.compile(r"/$"))
    page.click("main >> text=Cek sertifikat")
    page.wait_for_url(re.compile(r"/sertifikat$"))
    j.shot("cek-sertifikat")
    page.fill("#kode", demo_data)
    page.click("form.search button")
    page.wait_for_url(re.compile(r"/sertifikat/[0-9A-Z]+$"))
    assert page.locator("[role=status]", has_text="Sertifikat sah.").is_visible()
    j.shot("sertifikat-sah")


# A rollup row as wide as the national level gets at 300,000 Posyandu (bench/directory.md): Jawa Tengah's numbers.
BESAR = {"posyandu": 30661, "status_belum": 19404, "status_draf": 4214, "status_dikembalikan": 400,
         "status_diajukan": 1133, "status_diverifikasi_kecamatan": 1188, "status_diverifikasi_kabupaten": 1179,
         "status_diusulkan": 2367, "status_teregistrasi": 776, "kader": 367932, "kader_terlatih": 12345,
         "pengurus": 214627, "lengkap": 9876, "pilot": 3,
         **{f"layanan_{b}": 30661 - 3000 * i for i, b in enumerate(
             ("pendidikan", "kesehatan", "pu", "perumahan", "trantibumlinmas", "sosial"))}}


@pytest.fixture
def rekap_besar(app):
    """Every province, kabupaten of Kalimantan Selatan and kecamatan of Tabalong with national-sized counts (the
    app fixture puts them back to zero)."""
    from portal.models.rekap import rekap_wilayah
    with app.app_context():
        for pattern in ("__", "63.__", "63.09.__"):  # LIKE's _ is one character: the codes of one level
            db.session.execute(update(rekap_wilayah).where(rekap_wilayah.c.kode.like(pattern)).values(**BESAR))
        db.session.commit()


@pytest.mark.parametrize("tabel", ["ringkasan", "registrasi", "alur", "layanan", "pelatihan"])
def test_every_rollup_table_fits_a_phone(browser, live_server, rekap_besar, tabel):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        for kode in ("", "/63", "/63.09", "/63.09.12"):
            page.goto(f"{live_server}/wilayah{kode}?tabel={tabel}")
            wraps = page.evaluate("[...document.querySelectorAll('.table-wrap')].map(e => [e.scrollWidth, e.clientWidth])")
            assert wraps and all(sw <= cw for sw, cw in wraps), (kode, tabel, wraps)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
