"""A rakor takes its peserta from the Tim Pembina of its target (issue 15): the picker lists the current holders of
the current seats of the current tims of the target and of the wilayah within it; adding them makes peserta linked to
the member, audited, never twice; a member of another region, an ended period or a replaced holder is refused."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.formatting import hari_ini
from portal.kegiatan import peserta as daftar_peserta, pilih as picker, service as kegiatan_service
from portal.models import AuditLog, Peserta, User
from portal.models.pembina import AnggotaPembina
from portal.pembina import opd, service as pembina
from tests.helpers import WALING, kader_id, kegiatan_form, post, posyandu_with, tim_uji
from tests.test_kegiatan_pilih import _press

TABALONG, BANUA_LAWAS, BINTANG_ARA, BALANGAN = "63.09", "63.09.01", "63.09.12", "63.11"
TERLIHAT = ("Ibu Ketua Kabupaten", "Sekretaris Kabupaten", "Ketua Banua Lawas", "Ketua Bintang Ara",
            "Sekretaris Baru Bintang Ara")
TERSEMBUNYI = ("Anggota Periode Lama", "Sekretaris Lama Bintang Ara", "Ketua Balangan")


def _anggota(nama) -> int:
    return db.session.scalar(select(AnggotaPembina.id).where(AnggotaPembina.nama == nama)
                             .order_by(AnggotaPembina.id.desc()))


def _jumlah(*where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Peserta).where(*where))


@pytest.fixture
def rakor(ctx, users):
    """The tims of Tabalong (a second seat held by an OPD), of Banua Lawas (an ended period before the current one),
    of Bintang Ara (a seat whose holder was replaced) and of Balangan; a kader in Waling; and a rakor aimed at
    Tabalong by its organiser."""
    kab = tim_uji(TABALONG, ketua="Ibu Ketua Kabupaten")
    dpmd = next(o for o in opd.daftar(TABALONG) if o.singkatan == "DPMD")
    pembina.tambah_kursi(None, kab, {"jabatan": "sekretaris_1", "unsur": "opd", "opd_id": dpmd.id,
                                     "jabatan_dinas": "Kepala DPMD Kabupaten Tabalong", "nama": "Sekretaris Kabupaten"})
    lama = tim_uji(BANUA_LAWAS, mulai="2020-01-01", selesai="2024-12-31", ketua=None)
    pembina.tambah_kursi(None, lama, {"jabatan": "anggota", "unsur": "tokoh_masyarakat",
                                      "nama": "Anggota Periode Lama"})
    tim_uji(BANUA_LAWAS, mulai="2025-01-01", ketua="Ketua Banua Lawas",
            nomor=f"SK-UJI-2/{BANUA_LAWAS}")  # ends the period above
    kec = tim_uji(BINTANG_ARA, ketua="Ketua Bintang Ara")
    kursi = pembina.tambah_kursi(None, kec, {"jabatan": "sekretaris_1", "unsur": "kecamatan",
                                             "nama": "Sekretaris Lama Bintang Ara"})
    pembina.ganti_pemegang(None, kursi, {"nama": "Sekretaris Baru Bintang Ara", "mulai": "2025-06-01"},
                           kursi.version)
    tim_uji(BALANGAN, ketua="Ketua Balangan")
    posyandu_with(WALING, "Posyandu Melati", kader=[("Siti Aminah", "kesehatan")])
    today = hari_ini()
    k = kegiatan_service.create(db.session.get(User, users["peny_tabalong"]), kegiatan_form(
        today - timedelta(days=1), today, jenis="rakor", judul="Rakor Tim Pembina Posyandu",
        wilayah_kode=TABALONG, sasaran=["tp_kabupaten", "tp_kecamatan"]))
    return k.id


def test_a_rakor_lists_the_current_members_of_the_tims_of_its_target(auth, rakor):
    html = auth("peny_tabalong").get(f"/kegiatan/{rakor}/peserta/pilih").get_data(as_text=True)
    # The tims' members are the first source, and the one shown.
    assert '<select id="peran" name="peran"><option value="tim_pembina" selected>Anggota Tim Pembina' in html
    for nama in TERLIHAT:
        assert nama in html, nama
    for nama in TERSEMBUNYI:
        assert nama not in html, nama
    assert "Siti Aminah" not in html  # a kader: another source
    # Jabatan and unsur of each; listed tim by tim, the kabupaten's own first.
    assert "Sekretaris Kabupaten <small class=\"muted\">Sekretaris I · DPMD</small>" in html
    assert "Ketua Bintang Ara <small class=\"muted\">Ketua · TP PKK</small>" in html
    assert html.index("<strong>Tim Pembina Kabupaten Tabalong</strong>") < html.index(
        "<strong>Tim Pembina Kecamatan Banua Lawas</strong>") < html.index(
        "<strong>Tim Pembina Kecamatan Bintang Ara</strong>")
    assert "5 orang cocok" in html and "Pilih semua di desa ini" not in html
    # The search finds a member by name; the desa filter does not apply here and says so.
    found = auth("peny_tabalong").get(f"/kegiatan/{rakor}/peserta/pilih?q=bintang+ara&desa={WALING}")
    text = found.get_data(as_text=True)
    assert "2 orang cocok" in text and "Saringan desa tidak berlaku" in text and "Ketua Banua Lawas" not in text


def test_a_bimtek_offers_the_tims_after_the_kader(auth, data):
    html = auth("peny_tabalong").get(f"/kegiatan/{data}/peserta/pilih").get_data(as_text=True)
    assert '<select id="peran" name="peran"><option value="kader" selected>' in html
    assert '<option value="tim_pembina">Anggota Tim Pembina</option></select>' in html


def test_ticked_members_are_added_once_with_their_seat_and_audited(auth, rakor):
    client = auth("peny_tabalong")
    url = f"/kegiatan/{rakor}/peserta/pilih"
    sekretaris, ketua_kec = _anggota("Sekretaris Kabupaten"), _anggota("Ketua Bintang Ara")
    # Tick two members, look at the kader instead and tick one there: all three stay chosen, then are added.
    page = client.get(url).get_data(as_text=True)
    html = _press(client, page, "tampilkan", tick=[("anggota_pembina", sekretaris), ("anggota_pembina", ketua_kec)],
                  peran="kader").get_data(as_text=True)
    assert "2 dipilih di saringan atau halaman lain" in html and "Sekretaris I · DPMD, Tim Pembina Kabupaten" in html
    added = _press(client, html, "tambah", tick=[("kader", kader_id("Siti Aminah"))])
    assert added.status_code == 303, added.get_data(as_text=True)
    rows = {p.nama: p for p in db.session.scalars(select(Peserta).where(Peserta.kegiatan_id == rakor))}
    assert set(rows) == {"Sekretaris Kabupaten", "Ketua Bintang Ara", "Siti Aminah"}
    sek, kec = rows["Sekretaris Kabupaten"], rows["Ketua Bintang Ara"]
    assert (sek.anggota_pembina_id, sek.asal_kode, sek.peran) == (sekretaris, TABALONG, "tp_kabupaten")
    assert sek.jabatan == "Sekretaris I (Kepala DPMD Kabupaten Tabalong)" and sek.kader_id is None
    assert (kec.anggota_pembina_id, kec.asal_kode, kec.peran, kec.jabatan) == (ketua_kec, BINTANG_ARA,
                                                                               "tp_kecamatan", "Ketua")
    entries = {e.object_id: e.changes for e in db.session.scalars(select(AuditLog).where(
        AuditLog.kegiatan_id == rakor, AuditLog.action == "tambah", AuditLog.object_type == "peserta"))}
    assert entries[str(sek.id)]["tim_pembina"] == [None, "Kabupaten Tabalong, SK SK-UJI/63.09"]
    assert entries[str(kec.id)]["peran"] == [None, "tp_kecamatan"] and len(entries) == 3
    riwayat = client.get(f"/kegiatan/{rakor}/riwayat").get_data(as_text=True)
    assert "Tim Pembina: – → Kabupaten Tabalong, SK SK-UJI/63.09" in riwayat
    assert "Peran: – → Tim Pembina Posyandu Kecamatan" in riwayat
    # Shown as peserta already; added again: nothing new, said so.
    listing = client.get(url).get_data(as_text=True)
    assert f'name="anggota_pembina" value="{sekretaris}" checked disabled>' in listing
    again = post(client, url, {"peran": "tim_pembina", "anggota_pembina": [str(sekretaris), str(ketua_kec)]})
    assert again.status_code == 303
    assert "0 peserta ditambahkan. Sudah terdaftar sebelumnya" in client.get(again.headers["Location"]).get_data(
        as_text=True)
    assert _jumlah(Peserta.kegiatan_id == rakor) == 3
    # Taken off and added again: the same row comes back.
    daftar_peserta.remove(None, sek)
    hasil = daftar_peserta.add_from_records(None, kegiatan_service.get(rakor), anggota_ids=[sekretaris])
    assert [p.id for p in hasil.ditambah] == [sek.id] and _jumlah(Peserta.kegiatan_id == rakor) == 3


@pytest.mark.parametrize("nama, pesan", [
    ("Ketua Balangan", "tidak berasal dari wilayah sasaran"),
    ("Anggota Periode Lama", "bukan lagi anggota Tim Pembina yang berlaku"),
    ("Sekretaris Lama Bintang Ara", "bukan lagi anggota Tim Pembina yang berlaku"),
])
def test_a_forged_or_stale_member_is_dropped_and_refused(auth, rakor, nama, pesan):
    client = auth("peny_tabalong")
    url = f"/kegiatan/{rakor}/peserta/pilih"
    forged, ketua = _anggota(nama), _anggota("Ibu Ketua Kabupaten")
    # Carried along in the form: dropped from the ticks.
    shown = post(client, url, {"aksi": "tampilkan", "anggota_pembina": [str(forged), str(ketua)]})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "1</span> dipilih" in html and f'value="{forged}"' not in html
    # Added: refused, nothing at all added, the page answers 422.
    refused = post(client, url, {"anggota_pembina": [str(forged), str(ketua)]})
    assert refused.status_code == 422 and pesan in refused.get_data(as_text=True)
    assert _jumlah() == 0


def test_another_kabupaten_cannot_see_or_add(auth, rakor):
    client = auth("kab_balangan")
    url = f"/kegiatan/{rakor}/peserta/pilih"
    assert client.get(url).status_code == 404
    assert post(client, url, {"anggota_pembina": [str(_anggota("Ketua Balangan"))]}).status_code == 404
    assert _jumlah() == 0


def test_a_provinsi_rakor_takes_the_provinsi_tim_and_its_kabupaten(ctx, users, rakor):
    admin = db.session.get(User, users["admin_kalsel"])
    today = hari_ini()
    k = kegiatan_service.create(admin, kegiatan_form(today, today, jenis="rakor", wilayah_kode="63",
                                                     sasaran=["tp_kabupaten"]))
    tim_uji("63", ketua="Ketua Provinsi")
    names = [c.nama for c in picker.kandidat(k, picker.TIM_PEMBINA)[0]]
    assert names[0] == "Ketua Provinsi" and "Ketua Balangan" in names and set(TERLIHAT) <= set(names)
    hasil = daftar_peserta.add_from_records(admin, k, anggota_ids=[_anggota("Ketua Provinsi"),
                                                                  _anggota("Ketua Balangan")])
    assert {p.nama: p.peran for p in hasil.ditambah} == {"Ketua Provinsi": "tp_provinsi",
                                                         "Ketua Balangan": "tp_kabupaten"}


def test_the_kegiatan_pages_show_a_member_with_the_tim_wilayah(auth, rakor):
    client = auth("peny_tabalong")
    daftar_peserta.add_from_records(None, kegiatan_service.get(rakor), anggota_ids=[_anggota("Ketua Bintang Ara")])
    today = hari_ini().isoformat()
    for path in ("", "/peserta", "/daftar-hadir", "/kartu", "/rekap", f"/hadir/{today}", "/kehadiran.csv",
                 "/kehadiran.xlsx", "/sertifikat"):
        response = client.get(f"/kegiatan/{rakor}{path}")
        assert response.status_code == 200, (path, response.status_code)
        if path == "/peserta":
            assert "<h2>Kecamatan Bintang Ara</h2></li>\n<li id=" in response.get_data(as_text=True)
        if path == "/kehadiran.csv":
            assert '1,Ketua Bintang Ara,"Ketua, Tim Pembina Posyandu Kecamatan",63.09.12,Bintang Ara,,,' in \
                response.get_data(as_text=True)
