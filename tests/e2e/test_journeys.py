"""What a new user does on a 360 px phone, with and without JavaScript."""
import os
import re

import pytest

from tests.helpers import PASSWORD
from tests.e2e.helpers import ARTIFACTS


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
    j.login("kab_tabalong", "salah-sekali-ini")
    assert page.locator(".error", has_text="Nama pengguna atau kata sandi salah.").is_visible()
    j.shot("login-gagal")
    j.login("kab_tabalong", PASSWORD)
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
    j.login("operator.hapalah", password)
    page.wait_for_url(re.compile(r"/akun/password$"))
    j.shot("wajib-ganti-sandi")
    page.fill("#current_password", password)
    page.fill("#new_password", "sandi-baru-milik-siti")
    page.fill("#confirm", "sandi-baru-milik-siti")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/beranda$"))
    assert "Desa Hapalah" in page.content()
    j.shot("beranda-operator")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_desa_operator_keeps_a_posyandu(journey, javascript):
    j = journey(f"operator-{'js' if javascript else 'nojs'}", javascript)
    page = j.page
    j.login_as("desa_hapalah", PASSWORD)
    j.shot("beranda")
    page.click("text=+ Tambah Posyandu")
    page.fill("#nama", "Posyandu Melati 1")
    page.fill("#rt", "abc")
    page.click("button.primary")
    assert page.locator(".error", has_text="angka 1–999").is_visible()
    j.shot("profil-salah")
    page.fill("#rt", "3")
    page.fill("#dusun", "Dusun I")
    page.fill("#sk_tanggal", "2025-03-01")
    page.fill("#sk_nomor", "141/12/SK/2025")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/kelola/posyandu/\d+$"))
    assert "Kelengkapan registrasi: 1/5" in page.content()
    j.shot("profil-baru")

    # add a kader: inline with htmx, a plain form post without JavaScript
    page.click("#kader summary")
    form = page.locator("#kader-baru")
    form.locator("[name=nama]").fill("Siti Aminah")
    form.locator("[name=jenis_kelamin]").select_option("P")
    form.locator("[name=bidang]").select_option("kesehatan")
    form.locator("[name=nik]").fill("6309015501900001")
    form.locator("button.primary").click()
    row = page.locator("#kader-list li", has_text="Siti Aminah")
    row.wait_for()
    assert "************0001" in row.inner_text()
    j.shot("kader-ditambah")

    # edit the kader: inline with htmx; without JavaScript the link opens the edit page
    row.locator("text=Ubah").click()
    edit = page.locator("#kader-list li.editing") if javascript else page.locator("form")
    edit.locator("[name=bidang]").select_option("sosial")
    j.shot("kader-ubah")
    edit.locator("button.primary").click()
    page.locator("#kader-list li", has_text="Sosial").wait_for()
    j.shot("kader-disimpan")

    page.click("text=Riwayat")
    assert "mengubah kader Siti Aminah" in page.content() and "Bidang: Kesehatan → Sosial" in page.content()
    assert "6309015501900001" not in page.content()
    j.shot("riwayat")


PRATINJAU = re.compile(r"/kelola/impor/[^/?#]+$")  # an import's preview, at its own URL


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_desa_operator_imports_a_sheet(journey, tmp_path, app, javascript):
    app.instance_path = str(tmp_path)  # uploads wait in the test's own folder
    sheet = tmp_path / "posyandu-hapalah.csv"
    sheet.write_text("kode_desa;nama;dusun;rt;sk_tanggal\n"
                     "63.09.01.2001;Posyandu Kenanga;Dusun I;2;15-03-2025\n"
                     "63.09.04.2006;Posyandu Luar;Dusun II;1;\n", encoding="utf-8")
    j = journey(f"impor-{'js' if javascript else 'nojs'}", javascript)
    page = j.page
    j.login_as("desa_hapalah", PASSWORD)
    page.click("text=Impor Excel/CSV")
    assert page.locator("a[href$='posyandu.xlsx']").count() == 1  # the template to fill in
    j.shot("impor")
    page.set_input_files("#berkas", str(sheet))
    page.click("text=Periksa berkas")
    # With htmx the upload answers HX-Redirect: the browser then opens the preview at its own URL.
    page.wait_for_url(PRATINJAU)
    assert "di luar wilayah kerja Anda" in page.content() and "Simpan impor" not in page.content()
    j.shot("impor-galat")
    sheet.write_text("kode_desa;nama;dusun;rt;sk_tanggal\n63.09.01.2001;Posyandu Kenanga;Dusun I;2;15-03-2025\n",
                     encoding="utf-8")
    page.click("header >> text=Beranda")
    page.click("text=Impor Excel/CSV")
    page.set_input_files("#berkas", str(sheet))
    page.click("text=Periksa berkas")
    page.wait_for_url(PRATINJAU)
    j.shot("impor-pratinjau")
    page.click("text=Simpan impor")
    page.wait_for_url(re.compile(r"/beranda$"))
    assert "Impor selesai: 1 baru" in page.content() and "Posyandu Kenanga" in page.content()
    j.shot("impor-selesai")


@pytest.fixture
def directory_data(app):
    """Posyandu in Tabalong and Banjar, one with services and a registration number."""
    from portal.extensions import db
    from portal.models import Posyandu
    from portal.kelola import service
    with app.app_context():
        for i, (desa, nama) in enumerate([("63.09.12.2003", "Posyandu Mawar Indah"), ("63.09.12.2001", "Posyandu Melati"),
                                          ("63.09.01.2001", "Posyandu Mawar Putih"), ("63.03.01.2001", "Posyandu Kenanga")]):
            p = service.create_posyandu(None, desa, {"nama": nama, "dusun": "Dusun Karya", "rt": "003",
                                                     "hari_buka": "Setiap tanggal 5"})
            if i == 0:
                service.set_layanan(None, p, [k.id for k in service.katalog()[:3]], p.version)
                p = db.session.get(Posyandu, p.id)
                p.status_registrasi, p.nomor_registrasi = "teregistrasi", "63.09.12.2003.001"
                db.session.commit()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_public_searches_the_directory_and_opens_a_posyandu(journey, directory_data, javascript):
    j = journey(f"direktori-{'js' if javascript else 'nojs'}", javascript)
    page = j.page
    j.goto("/wilayah/63.09")
    j.shot("rekap-kabupaten")
    page.click("nav.tabs >> text=Registrasi")
    assert page.locator("table caption").last.inner_text().endswith(": registrasi")
    assert page.locator("nav.tabs a[aria-current=page]").inner_text() == "Registrasi"
    j.shot("rekap-registrasi")
    page.click("text=Daftar Posyandu di Tabalong")
    page.wait_for_url(re.compile(r"/posyandu\?wilayah=63\.09$"))
    assert page.locator("#hasil li").count() == 3
    j.shot("direktori-tabalong")
    page.fill("#dq", "mawar")
    if javascript:
        # active search: the list and the address follow the typing
        page.wait_for_url(re.compile(r"q=mawar"))
        page.locator("#hasil li").nth(1).wait_for()
        page.wait_for_function("document.querySelectorAll('#hasil li').length === 2")
    else:
        page.click("form.filters button")
    assert page.locator("#hasil li").count() == 2
    assert "q=mawar" in page.url and "wilayah=63.09" in page.url
    j.shot("cari-mawar")
    page.select_option("#ds", "teregistrasi")
    if not javascript:
        page.click("form.filters button")
    page.wait_for_url(re.compile(r"status=teregistrasi"))
    page.wait_for_function("document.querySelectorAll('#hasil li').length === 1")
    j.shot("teregistrasi")
    page.wait_for_load_state("networkidle")
    # The search box still has the focus, as after typing. Tapping a result blurs it: that must not fire another
    # search, whose swap and pushState would cancel the tap's navigation (it once did: the form listened to every
    # "change", the box's blur included).
    searches = []
    page.on("request", lambda r: searches.append(r.url) if r.headers.get("hx-request") else None)
    page.click("#hasil >> text=Posyandu Mawar Indah")
    page.wait_for_url(re.compile(r"/posyandu/\d+$"))
    assert searches == []
    assert page.locator("h1").inner_text() == "Posyandu Mawar Indah"
    assert "63.09.12.2003.001" in page.content() and "RT 003" in page.content()
    j.shot("profil")


@pytest.fixture
def kader_bintang_ara(app):
    """84 kader in two desa of Kecamatan Bintang Ara (42 each), one Posyandu each."""
    from portal.extensions import db
    from portal.kelola import service
    with app.app_context():
        for desa, nama in (("63.09.12.2001", "Posyandu Melati"), ("63.09.12.2003", "Posyandu Mawar")):
            p = service.create_posyandu(None, desa, {"nama": nama})
            for i in range(42):
                service.add_kader(None, p, {"nama": f"Kader {nama[9:]} {i + 1:02d}", "jenis_kelamin": "P",
                                            "bidang": ["kesehatan", "pendidikan", "sosial"][i % 3]}, commit=False)
            db.session.commit()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_organiser_runs_a_bimtek_and_prints_the_daftar_hadir(journey, kader_bintang_ara, app, javascript, tmp_path):
    from datetime import timedelta

    from portal.formatting import hari_ini
    with app.app_context():
        today = hari_ini()
    j = journey(f"bimtek-{'js' if javascript else 'nojs'}", javascript)
    page = j.page
    j.login_as("peny_tabalong", PASSWORD)
    page.click("text=+ Buat kegiatan")
    page.select_option("#jenis", "bimtek")
    page.fill("#judul", "Bimtek Kader Posyandu 6 SPM Bintang Ara")
    page.fill("#penyelenggara", "DPMD Kabupaten Tabalong")
    page.fill("#tempat", "Aston Tanjung City Hotel, Tanjung")
    page.fill("#tanggal_mulai", today.isoformat())
    page.fill("#tanggal_selesai", (today + timedelta(days=1)).isoformat())
    page.fill("#wilayah_kode", "63.09.12")
    j.shot("buat-kegiatan")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/kegiatan/\d+$"))
    kid = page.url.rsplit("/", 1)[1]
    j.shot("kegiatan")

    # Pick the 84 kader on record: everyone of each desa, over the pages of the list (the ticks are kept).
    page.click("text=+ Pilih dari data kader/pengurus")
    assert page.locator("input[name=kader]").count() == 25  # a page of the list
    for n, desa in ((42, "63.09.12.2001"), (84, "63.09.12.2003")):
        page.select_option("#desa", desa)
        if not javascript:
            page.click("button[value=tampilkan]")
        page.locator("button[value=semua_desa]").wait_for()
        page.click("button[value=semua_desa]")
        page.locator(f"#n-dipilih-0:text-is('{n}')").wait_for()
    j.shot("pilih-peserta")
    page.locator("#kandidat button[value=tambah]").first.click()
    page.wait_for_load_state()
    assert "84 peserta ditambahkan" in page.content()
    j.goto(f"/kegiatan/{kid}/rekap")
    assert "84 peserta · 2 dari 9 desa/kelurahan sasaran mengirim peserta" in page.content()
    assert "Belum mengirim peserta: 7 desa/kelurahan" in page.content()
    j.shot("rekap-sebelum")

    # Today's list: one tap per peserta.
    j.goto(f"/kegiatan/{kid}/hadir")
    assert page.locator("li.tap").count() == 84
    j.shot("hadir-awal")
    sizes = []
    if javascript:
        page.on("response", lambda r: sizes.append(r.request.sizes()["responseBodySize"])
                if r.request.method == "POST" else None)
        for i in range(84):
            row = page.locator("li.tap").nth(i)
            row.locator("button.s-hadir").click()
            row.locator("button.s-hadir[aria-pressed=true]").wait_for()
        page.wait_for_function("document.querySelector('#hitung strong').textContent === '84'")
        assert len(sizes) == 84 and max(sizes) < 2048, max(sizes)
    else:
        for i in range(3):  # a plain form post per tap, the list reloads at the row
            with page.expect_navigation():
                page.locator("li.tap").nth(i).locator("button.s-hadir").click()
            assert re.search(r"#p\d+$", page.url)
        assert "Hadir <strong>3</strong>" in page.content()
    j.shot("hadir-ditandai")

    # The daftar hadir, A4 on paper.
    page.click("text=" + "Bimtek Kader Posyandu 6 SPM Bintang Ara")
    page.click("text=Daftar hadir (A4)")
    assert page.locator("table.dh tbody tr").count() == 84 + 5
    assert page.locator("table.dh thead th.ttd").count() == 2
    j.shot("daftar-hadir")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    page.screenshot(path=str(tmp_path / "cetak.png"))
    if javascript:
        page.pdf(path=os.path.join(ARTIFACTS, "bimtek-daftar-hadir.pdf"), format="A4", prefer_css_page_size=True)
    page.emulate_media(media="screen")


@pytest.fixture
def dossier_ready(app, ctx, users, tmp_path):
    """A complete Posyandu in Desa Hapalah; uploads go to the test's own folder."""
    from portal.kelola import service
    from tests.test_posyandu import _complete
    app.config["UPLOAD_FOLDER"] = ctx.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    p = service.create_posyandu(None, "63.09.01.2001", {"nama": "Posyandu Melati"})
    _complete(p.id)
    scans = {}
    for name in ("berita-acara.pdf", "sk-lama.pdf", "sk-baru.pdf"):
        path = tmp_path / name
        path.write_bytes(b"%PDF-1.4\n% " + name.encode() + b"\n%%EOF\n")
        scans[name] = str(path)
    return p.id, scans


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_dossier_goes_from_draf_to_teregistrasi_with_one_return(journey, dossier_ready, javascript):
    """The desa submits, the kecamatan returns it with a reason, the desa fixes and resubmits, the kecamatan and the
    kabupaten verify, the kabupaten sends it in Tahap I and records the number; the public sees it."""
    pid, scans = dossier_ready
    tag = "js" if javascript else "nojs"
    j = journey(f"registrasi-{tag}", javascript)
    page = j.page

    def logout():
        page.click("header button:has-text('Keluar')")
        page.wait_for_url(re.compile(r"/$|/login"))

    # Desa: a draf, two documents, not ready until both are there; then submit.
    j.login_as("desa_hapalah", PASSWORD)
    page.click("nav >> text=Registrasi")
    page.click("text=Belum diusulkan")
    j.shot("desa-antrian")
    page.click("button:has-text('Buat usulan')")
    page.wait_for_url(re.compile(r"/registrasi/usulan/\d+$"))
    uid = page.url.rsplit("/", 1)[1]
    assert "Belum dapat diajukan" in page.content() and "belum diunggah" in page.content()
    j.shot("desa-draf")
    page.set_input_files("#berkas-berita_acara", scans["berita-acara.pdf"])
    page.locator("form:has(#berkas-berita_acara) button").click()
    page.wait_for_url(re.compile(r"#dokumen$"))
    page.set_input_files("#berkas-sk", scans["sk-lama.pdf"])
    page.locator("form:has(#berkas-sk) button").click()
    page.wait_for_url(re.compile(r"#dokumen$"))
    j.shot("desa-dokumen")
    page.click("button:has-text('Ajukan ke kecamatan')")
    assert "Usulan diajukan ke kecamatan." in page.content()
    j.shot("desa-diajukan")
    logout()

    # Kecamatan: the Beranda counts it; the dossier is returned with a reason.
    j.login_as("kec_banualawas", PASSWORD)
    assert "1 usulan menunggu verifikasi kecamatan" in page.inner_text("main")
    j.shot("kecamatan-beranda")
    page.click("text=usulan menunggu verifikasi kecamatan")
    page.click("text=Posyandu Melati")
    j.shot("kecamatan-berkas")
    page.click("summary:has-text('Kembalikan untuk perbaikan')")
    page.fill("#catatan-k", "SK belum ditandatangani kepala desa; unggah SK yang sudah ditandatangani.")
    page.click("button:has-text('Kembalikan ke desa')")
    assert "Usulan dikembalikan ke desa" in page.content()
    j.shot("kecamatan-dikembalikan")
    logout()

    # Desa: reads the reason, replaces the SK, submits again.
    j.login_as("desa_hapalah", PASSWORD)
    assert "1 usulan dikembalikan untuk diperbaiki" in page.inner_text("main")
    page.click("text=usulan dikembalikan untuk diperbaiki")
    page.click("text=Posyandu Melati")
    assert "SK belum ditandatangani kepala desa" in page.content()
    page.set_input_files("#berkas-sk", scans["sk-baru.pdf"])
    page.locator("form:has(#berkas-sk) button").click()
    page.wait_for_url(re.compile(r"#dokumen$"))
    assert "sk-baru.pdf" in page.content() and "Dokumen lama (1)" in page.content()
    j.shot("desa-perbaikan")
    page.click("button:has-text('Ajukan ke kecamatan')")
    assert "Usulan diajukan ke kecamatan." in page.content()
    logout()

    # Kecamatan verifies.
    j.login_as("kec_banualawas", PASSWORD)
    j.goto(f"/registrasi/usulan/{uid}")
    assert "Sama dengan profil saat ini" in page.content()
    page.click("button:has-text('verifikasi kecamatan')")
    assert "Diverifikasi kecamatan" in page.content()
    logout()

    # Kabupaten: verifies, builds Tahap I, sends it, records the number.
    j.login_as("kab_tabalong", PASSWORD)
    assert "1 usulan menunggu verifikasi kabupaten" in page.inner_text("main")
    page.click("text=usulan menunggu verifikasi kabupaten")
    page.click("text=Posyandu Melati")
    page.click("button:has-text('verifikasi kabupaten')")
    assert "Diverifikasi kabupaten" in page.content()
    j.shot("kabupaten-verifikasi")
    page.click("nav >> text=Registrasi")
    page.click("text=Tahap usulan ke Kemendagri")
    page.click("button:has-text('Susun tahap baru')")
    page.wait_for_url(re.compile(r"/registrasi/tahap/\d+$"))
    page.check("input[name=usulan]")
    page.click("button:has-text('Masukkan yang dicentang')")
    assert "1 Posyandu di 1 desa/kelurahan (1 kecamatan)" in page.content()
    j.shot("kabupaten-tahap")
    page.fill("#nomor_surat", "400.10/123/DPMD/2025")
    page.click("button:has-text('usulan terkirim')")
    assert "ditandai terkirim" in page.content()
    j.shot("kabupaten-terkirim")
    page.click("text=Daftar pengantar (cetak)")
    assert "USULAN TAHAP I" in page.content() and "Kecamatan Banua Lawas" in page.content()
    j.shot("kabupaten-pengantar")
    j.goto(f"/registrasi/usulan/{uid}")
    page.fill("#nomor", "63.09.01.2002.001")
    page.click("button:has-text('Catat nomor registrasi')")
    assert "harus diawali kode desa Posyandu ini, 63.09.01.2001" in page.content()
    page.fill("#nomor", "63.09.01.2001.001")
    page.click("button:has-text('Catat nomor registrasi')")
    assert "Nomor registrasi dicatat." in page.content()
    timeline = page.locator("#linimasa li")
    assert timeline.count() == 8
    j.shot("kabupaten-teregistrasi")
    logout()

    # The public profile shows it.
    j.goto(f"/posyandu/{pid}")
    assert "63.09.01.2001.001" in page.content() and "Teregistrasi" in page.content()
    j.shot("publik-profil")
