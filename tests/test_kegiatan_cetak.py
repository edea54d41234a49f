"""Print pages (issue 13, item 17): QR codes inline, a sertifikat one can hand out, sign-off blocks with name and NIP
lines, full month names, A4, a total printed once and no group heading alone at a page foot."""
import re
import struct
import zlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal import formatting
from portal.extensions import db
from portal.kegiatan import laporan, service
from portal.models import Kegiatan, User
from tests.helpers import post, add_peserta, kegiatan_form, mark, peserta_named



def png(width=4, height=4) -> bytes:
    """A tiny valid PNG (one green square), made here: no image library needed."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = b"".join(b"\x00" + b"\x0b\x6e\x4f" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _lulus(client, kid, *names):
    k = db.session.get(Kegiatan, kid)
    for name in names:
        for day in k.hari:
            mark(client, kid, day, peserta_named(kid, name).id, "hadir")


# --- formatting -----------------------------------------------------------------------------------------------------

def test_official_documents_spell_the_month_out(ctx):
    assert formatting.tanggal_panjang(date(2025, 10, 15)) == "15 Oktober 2025"
    assert formatting.tanggal(date(2025, 10, 15)) == "15 Okt 2025"  # screens keep the short form
    k = Kegiatan(tanggal_mulai=date(2025, 10, 30), tanggal_selesai=date(2025, 11, 2))
    assert formatting.rentang(k, panjang=True) == "30 Oktober – 2 November 2025"
    k.tanggal_selesai = date(2025, 10, 31)
    assert formatting.rentang(k, panjang=True) == "30–31 Oktober 2025"
    assert [formatting.terbilang(n) for n in (1, 2, 10, 11, 12, 14, 20, 21)] == [
        "satu", "dua", "sepuluh", "sebelas", "dua belas", "empat belas", "dua puluh", "dua puluh satu"]


# --- QR codes inline ------------------------------------------------------------------------------------------------

def test_cards_and_sertifikat_carry_their_qr_codes_inline(auth, ctx, data):
    client = auth("peny_tabalong")
    add_peserta(client, data, "Siti Aminah", "Rahmah")
    _lulus(client, data, "Siti Aminah")
    for path, count in ((f"/kegiatan/{data}/kartu", 2), (f"/kegiatan/{data}/sertifikat", 1)):
        html = client.get(path).get_data(as_text=True)
        assert html.count('<svg role="img" aria-label="Kode QR') == count, path
        assert "<img" not in html and "qr.svg" not in html and "<?xml" not in html, path
    p = peserta_named(data, "Siti Aminah")
    assert client.get(f"/kegiatan/{data}/peserta/{p.id}/qr.svg").status_code == 404  # no image of its own


def test_an_inline_qr_is_path_data_only():
    svg = str(laporan.qr_inline("http://localhost/kegiatan/qr/abc", "Kode QR <x>"))
    assert re.fullmatch(r'<svg role="img" aria-label="Kode QR &lt;x&gt;" viewBox="0 0 \d+ \d+" class="qr">'
                        r'<path stroke="#000" d="[^"]+"/></svg>', svg), svg


# --- the sertifikat -------------------------------------------------------------------------------------------------

def test_sertifikat_names_days_dates_number_place_signer_and_nip(auth, ctx, data):
    client = auth("peny_tabalong")
    add_peserta(client, data, "Siti Aminah", "Rahmah")
    k = db.session.get(Kegiatan, data)
    form = kegiatan_form(k.tanggal_mulai, k.tanggal_selesai, version=str(k.version), penandatangan="Drs. H. Ahmad Yani",
                 jabatan_penandatangan="Kepala DPMD Kabupaten Tabalong")
    assert post(client, f"/kegiatan/{data}/ubah", form).status_code == 303
    _lulus(client, data, "Siti Aminah", "Rahmah")
    siti, rahmah = peserta_named(data, "Siti Aminah"), peserta_named(data, "Rahmah")
    k = db.session.get(Kegiatan, data)
    html = client.get(f"/kegiatan/{data}/sertifikat/{siti.id}").get_data(as_text=True)
    akhir = k.tanggal_selesai
    romawi = laporan.ROMAWI[akhir.month - 1]
    assert f"Nomor: {k.id}.001/SERT/{romawi}/{akhir.year}" in html  # the first peserta listed
    assert f"selama 2 (dua) hari, {formatting.rentang(k, panjang=True)}" in html
    assert f"Tanjung, {formatting.tanggal_panjang(akhir)}" in html  # the town of the venue, the last day
    assert "Kepala DPMD Kabupaten Tabalong" in html and '<p class="ttd-nama">Drs. H. Ahmad Yani</p>' in html
    assert 'class="ttd-nip">NIP.' in html
    assert "Desa Waling, Kecamatan Bintang Ara" in html
    # The number is stable: the same on the page of all sertifikat, and after someone else joins or leaves.
    assert post(client, f"/kegiatan/{data}/peserta/{siti.id}/keluarkan").status_code == 303
    add_peserta(client, data, "Norhayati")
    every = client.get(f"/kegiatan/{data}/sertifikat").get_data(as_text=True)
    assert f"Nomor: {k.id}.002/SERT/{romawi}/{akhir.year}" in every and ".001/SERT" not in every
    assert laporan.nomor_sertifikat(k)[rahmah.id] == f"{k.id}.002/SERT/{romawi}/{akhir.year}"


def test_a_configured_logo_is_inlined_once(app, auth, ctx, data, tmp_path):
    client = auth("peny_tabalong")
    add_peserta(client, data, "Siti Aminah", "Rahmah")
    _lulus(client, data, "Siti Aminah", "Rahmah")
    url = f"/kegiatan/{data}/sertifikat"
    assert "#logo" not in client.get(url).get_data(as_text=True)  # none configured: nothing
    (tmp_path / "logo.png").write_bytes(png())
    app.config["SERTIFIKAT_LOGO"] = str(tmp_path / "logo.png")
    html = client.get(url).get_data(as_text=True)
    assert html.count("data:image/png;base64,") == 1  # defined once, used on every page
    assert html.count('<use href="#logo"/>') == 2
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>')
    app.config["SERTIFIKAT_LOGO"] = str(tmp_path / "logo.svg")
    assert "data:image/svg+xml;base64," in client.get(url).get_data(as_text=True)
    # A file that is not an image, too large or missing prints the sertifikat without a logo.
    (tmp_path / "logo.txt").write_text("bukan gambar")
    (tmp_path / "besar.png").write_bytes(png() + b"\0" * laporan.LOGO_MAKS)
    for bad in ("logo.txt", "besar.png", "tidak-ada.png"):
        app.config["SERTIFIKAT_LOGO"] = str(tmp_path / bad)
        response = client.get(url)
        assert response.status_code == 200 and "#logo" not in response.get_data(as_text=True), bad


# --- sign-off blocks ------------------------------------------------------------------------------------------------

def test_daftar_hadir_signs_off_with_name_and_nip_lines(auth, ctx, data):
    client = auth("peny_tabalong")
    add_peserta(client, data, "Siti Aminah")
    k = db.session.get(Kegiatan, data)
    html = client.get(f"/kegiatan/{data}/daftar-hadir").get_data(as_text=True)
    sign = html[html.index('<footer class="ttd-blok">'):]
    assert f"Tanjung, {formatting.tanggal_panjang(k.tanggal_selesai)}" in sign
    assert "(.......................................)" in sign and 'class="ttd-nip">NIP.' in sign
    assert f"{formatting.hari(k.tanggal_mulai)}, {formatting.tanggal_panjang(k.tanggal_mulai)}" in html


@pytest.fixture
def tahap(ctx, users):
    """A sent tahap of Tabalong: three Posyandu in two desa of two kecamatan, one desa with three of them."""
    from portal.models import Posyandu, Tahap, Usulan
    from portal.kelola import service as posyandu_service
    rows = [("63.09.12.2001", "Posyandu Melati"), ("63.09.12.2001", "Posyandu Mawar"),
            ("63.09.12.2001", "Posyandu Kenanga"), ("63.09.01.2001", "Posyandu Aster")]
    t = Tahap(kabupaten_kode="63.09", nomor=1, status="dikirim", dikirim_tanggal=date(2025, 9, 30))
    db.session.add(t)
    db.session.flush()
    for kode, nama in rows:
        p = posyandu_service.create_posyandu(None, kode, {"nama": nama, "sk_nomor": "141/1/2025"})
        db.session.add(Usulan(posyandu_id=p.id, status="diusulkan", tahap_id=t.id,
                              potret={"profil": {"nama": nama}, "pengurus": [{}] * 9, "kader": [{}] * 1500}))
    db.session.commit()
    assert db.session.scalar(select(Posyandu.id).limit(1))
    return t.id


def test_tahap_cover_prints_its_total_once_and_keeps_headings_with_rows(auth, tahap):
    html = auth("kab_tabalong").get(f"/registrasi/tahap/{tahap}/cetak").get_data(as_text=True)
    table = html[html.index("<table"):html.index("</table>")]
    assert "<tfoot" not in table  # Chromium repeats a tfoot at the foot of every printed page
    assert table.count("Jumlah: 4 Posyandu") == 1 and table.rindex("Jumlah:") > table.rindex("Posyandu Melati")
    assert "6.000" in table  # the kader total, formatted
    # Each group heading opens a tbody.awal (it does not break) holding it and the first two rows under it.
    groups = re.findall(r'<tbody class="awal">(.*?)</tbody>', table, re.S)
    assert len(groups) == 2
    for group in groups:
        assert 'class="subgrp"' in group and 1 <= group.count('<td class="num">') // 3 <= 2
    assert len(re.findall(r"<tr", groups[1])) == 2 + 2  # kecamatan heading, desa heading, two Posyandu
    assert "Posyandu Melati" not in groups[1] and "Posyandu Melati" in table  # the third row comes after the group
    sign = html[html.index('<footer class="ttd-blok">'):]
    assert "Tabalong, 30 September 2025" in sign and "Kepala Dinas Pemberdayaan Masyarakat dan Desa" in sign
    assert 'class="ttd-nip">NIP.' in sign


def test_the_stylesheet_prints_a4_without_repeated_totals_or_orphaned_headings(client):
    css = client.get(re.search(r'href="(/static/app\.[0-9a-f]+\.css)"', client.get("/").get_data(as_text=True))
                     .group(1)).get_data(as_text=True)
    assert "@page{size:A4;" in css and "@page mendatar{size:A4 landscape;" in css and ".sertifikat{page:mendatar" in css
    printing = css[css.index("@media print"):]
    assert "tfoot{display:table-row-group}" in printing  # any tfoot left prints once, at the end
    assert re.search(r"tbody\.awal\{break-inside:avoid", printing)
    assert re.search(r"tr\.subgrp\{break-after:avoid", printing)
    assert ".ttd-blok{break-before:avoid}" in printing  # the sign-off never alone on the last page


def test_daftar_pengurus_signs_off_as_kepala_desa_or_lurah(auth, ctx, users):
    from portal.models import Usulan
    from portal.kelola import service as posyandu_service
    desa = posyandu_service.create_posyandu(None, "63.09.12.2001", {"nama": "Posyandu Melati"})
    kelurahan = posyandu_service.create_posyandu(None, "63.09.06.1009", {"nama": "Posyandu Idaman"})
    ids = []
    for p in (desa, kelurahan):
        u = Usulan(posyandu_id=p.id, status="draf")
        db.session.add(u)
        db.session.flush()
        ids.append(u.id)
    db.session.commit()
    client = auth("kab_tabalong")
    html = client.get(f"/registrasi/usulan/{ids[0]}/daftar").get_data(as_text=True)
    sign = html[html.index('<footer class="ttd-blok">'):]
    assert "Waling, ........................." in sign  # a draf: the date is written when signed
    assert "Kepala Desa Waling," in sign and "(.......................................)" in sign
    assert "NIP" not in sign  # a kepala desa is no civil servant
    html = client.get(f"/registrasi/usulan/{ids[1]}/daftar").get_data(as_text=True)
    sign = html[html.index('<footer class="ttd-blok">'):]
    assert "Lurah Pembataan," in sign and 'class="ttd-nip">NIP.' in sign


def test_daftar_pengurus_of_a_submitted_usulan_is_dated_the_day_it_was_submitted(auth, ctx, users):
    from portal.models import LangkahUsulan, Usulan
    from portal.kelola import service as posyandu_service
    p = posyandu_service.create_posyandu(None, "63.09.12.2001", {"nama": "Posyandu Melati"})
    u = Usulan(posyandu_id=p.id, status="diajukan", potret={"profil": {"nama": "Posyandu Melati",
                                                                        "desa_kode": "63.09.12.2001"},
                                                             "pengurus": [], "kader": []})
    db.session.add(u)
    db.session.flush()
    from datetime import datetime
    # 16.30 UTC on 14 Oct is 00.30 WITA on 15 Oct: the local day is printed.
    db.session.add(LangkahUsulan(usulan_id=u.id, aksi="ajukan", dari="draf", ke="diajukan",
                                 pada=datetime(2025, 10, 14, 16, 30)))
    db.session.commit()
    html = auth("kab_tabalong").get(f"/registrasi/usulan/{u.id}/daftar").get_data(as_text=True)
    assert "Waling, 15 Oktober 2025" in html


def test_print_pages_of_a_kegiatan_without_peserta_render(auth, ctx, users):
    organiser = db.session.get(User, users["peny_tabalong"])
    today = date.today()
    k = service.create(organiser, kegiatan_form(today - timedelta(days=1), today, tempat="Pendopo Bersinar"))
    client = auth("peny_tabalong")
    for path in ("kartu", "daftar-hadir", "sertifikat"):
        assert client.get(f"/kegiatan/{k.id}/{path}").status_code == 200, path
    # No comma in the venue: the place of issue is the kabupaten of the target.
    assert "Tabalong, " in client.get(f"/kegiatan/{k.id}/daftar-hadir").get_data(as_text=True)


def test_printed_qr_codes_use_public_url_when_configured(app):
    """A QR code printed on a card or sertifikat points at PUBLIC_URL, never at whatever Host the request carried."""
    from portal import tautan
    with app.test_request_context("/", headers={"Host": "penyerang.example"}):
        assert tautan.cetak("sertifikat.verifikasi", kode="ABC").startswith("http://penyerang.example/")
        app.config["PUBLIC_URL"] = "https://posyandu.example.go.id"
        try:
            assert tautan.cetak("sertifikat.verifikasi", kode="ABC") == "https://posyandu.example.go.id/sertifikat/ABC"
        finally:
            app.config["PUBLIC_URL"] = None


def test_the_printed_check_address_under_the_qr_follows_public_url_too(app, auth, ctx, data):
    """The address printed beside the sertifikat's QR code is PUBLIC_URL's as well, not the request's Host."""
    client = auth("peny_tabalong")
    add_peserta(client, data, "Siti Aminah")
    _lulus(client, data, "Siti Aminah")
    app.config["PUBLIC_URL"] = "https://posyandu.example.go.id"
    try:
        html = client.get(f"/kegiatan/{data}/sertifikat").get_data(as_text=True)
    finally:
        app.config["PUBLIC_URL"] = None
    assert "http://localhost/" not in html  # the test client's Host
    assert "https://posyandu.example.go.id/sertifikat</small>" in html
