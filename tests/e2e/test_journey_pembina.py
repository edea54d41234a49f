"""Tim Pembina on a 360 px phone, with and without JavaScript (issue 15): the kabupaten officer records its own tim
with its SK and its ketua; a desa attaches its tim's SK to its usulan from the registry."""
import io
import re

import pytest

from tests.helpers import PASSWORD, tim_uji

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def uploads(app, ctx, tmp_path):
    app.config["UPLOAD_FOLDER"] = ctx.config["UPLOAD_FOLDER"] = str(tmp_path / "unggahan")
    scan = tmp_path / "SK Tim Pembina Tabalong.pdf"
    scan.write_bytes(PDF)
    return str(scan)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_kabupaten_records_its_tim_with_its_sk(journey, uploads, javascript):
    from portal.pembina import service
    j = journey(f"pembina-kabupaten-{'js' if javascript else 'nojs'}", javascript)
    page = j.page
    j.login_as("kab_tabalong", PASSWORD)
    page.click("nav >> text=Tim Pembina")
    page.wait_for_url(re.compile(r"/pembina/63\.09$"))
    assert "belum mencatat Tim Pembina" in page.inner_text("main")
    j.shot("belum-ada")
    page.click("text=Catat SK Tim Pembina")
    # a mistake first: the masa bakti ends before it begins
    page.fill("#sk_nomor", "188.45/77/2025")
    page.fill("#sk_tanggal", "2025-02-03")
    page.fill("#masa_bakti_mulai", "2025-02-03")
    page.fill("#masa_bakti_selesai", "2024-02-02")
    page.set_input_files("#berkas", uploads)
    page.click("button:has-text('Simpan')")
    assert "Akhir masa bakti harus sesudah awalnya" in page.inner_text("main")
    assert page.input_value("#sk_penandatangan") == "Bupati Tabalong"
    j.shot("salah-tanggal")
    page.fill("#masa_bakti_selesai", "2030-02-02")
    page.set_input_files("#berkas", uploads)  # a browser never keeps a chosen file across a refused form
    page.click("button:has-text('Simpan')")
    page.wait_for_url(re.compile(r"/pembina/63\.09$"))
    main = page.inner_text("main")
    assert "Periode Tim Pembina dicatat" in main and "188.45/77/2025" in main and "SK Tim Pembina Tabalong.pdf" in main
    j.shot("sk-tercatat")
    page.click("text=+ Tambah anggota")
    page.select_option("#jabatan", "ketua")
    page.select_option("#unsur", "tp_pkk")
    page.check("#ex_officio")
    page.fill("#jabatan_dinas", "Ketua TP PKK Kabupaten Tabalong")
    page.fill("#nama", "Hj. Rahmawati")
    page.fill("#telepon", "0812 5555 1234")
    j.shot("ketua")
    page.click("button:has-text('Simpan')")
    page.wait_for_url(re.compile(r"/pembina/63\.09#anggota$"))
    main = page.inner_text("main")
    assert "Ketua Hj. Rahmawati ditambahkan" in main and "ex officio" in main and "Kursi ketua kosong" not in main
    j.shot("anggota")
    tim = service.tim_aktif("63.09")
    assert tim.ketua_terisi and tim.berkas_sk and tim.kursi_aktif[0].sekarang.telepon == "+6281255551234"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_desa_attaches_its_tim_pembina_sk_to_its_usulan(journey, uploads, javascript):
    from portal.extensions import db
    from portal.kelola import service as posyandu_service
    from portal.pembina import service
    from portal.registrasi import workflow
    p = posyandu_service.create_posyandu(None, "63.09.01.2001", {"nama": "Posyandu Anggrek"})
    u = workflow.create(None, p)
    db.session.commit()
    tim = tim_uji("63.09.01.2001", mulai="2024-05-02")
    service.unggah_sk(None, tim, io.BytesIO(PDF), "SK TP Posyandu Desa Hapalah.pdf")
    j = journey(f"pembina-usulan-{'js' if javascript else 'nojs'}", javascript)
    page = j.page
    j.login_as("desa_hapalah", PASSWORD)
    j.goto(f"/registrasi/usulan/{u.id}")
    section = page.locator("#dokumen")
    assert "SK SK-UJI/63.09.01.2001" in section.inner_text() and "berlaku" in section.inner_text()
    j.shot("usulan")
    page.click("button:has-text('Lampirkan dari data Tim Pembina')")
    page.wait_for_url(re.compile(rf"/registrasi/usulan/{u.id}#dokumen$"))
    assert "dilampirkan dari data Tim Pembina" in page.inner_text("main")
    assert "SK TP Posyandu Desa Hapalah.pdf" in page.locator("#dokumen").inner_text()
    j.shot("terlampir")
    db.session.expire_all()
    assert "sk_tim_pembina" in db.session.get(type(u), u.id).dokumen_aktif
