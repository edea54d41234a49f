"""Tim Pembina staff pages: who keeps which tim, periods and the ex officio seat, the SK file, alerts, history."""
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.formatting import hari_ini
from portal.models import AuditLog, User
from portal.models.pembina import AnggotaPembina, KursiPembina, TimPembina
from portal.pembina import baca, opd, service
from tests.helpers import csrf_token, post, tim_uji

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TABALONG, BINTANG_ARA, BANUA_LAWAS, HAPALAH = "63.09", "63.09.12", "63.09.01", "63.09.01.2001"
SK = {"sk_nomor": "188.45/77/2025", "sk_tanggal": "2025-02-03", "sk_penandatangan": "Bupati Tabalong",
      "masa_bakti_mulai": "2025-02-03", "masa_bakti_selesai": "2030-02-02"}


@pytest.fixture(autouse=True)
def _konteks(ctx):
    """The services and models are read in the test's own app context."""
    return ctx


@pytest.fixture
def unggah(app, ctx, tmp_path):
    app.config["UPLOAD_FOLDER"] = ctx.config["UPLOAD_FOLDER"] = str(tmp_path)
    return tmp_path


def _jumlah(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_kabupaten_records_its_tim_with_sk_and_members(auth, users, unggah):
    kab = auth("kab_tabalong")
    assert kab.get("/pembina").headers["Location"].endswith(f"/pembina/{TABALONG}")
    page = kab.get(f"/pembina/{TABALONG}").get_data(as_text=True)
    assert "belum mencatat Tim Pembina" in page and f"/pembina/{TABALONG}/baru" in page
    assert 'value="Bupati Tabalong"' in kab.get(f"/pembina/{TABALONG}/baru").get_data(as_text=True)
    r = post(kab, f"/pembina/{TABALONG}/baru", SK | {"berkas": (io.BytesIO(PDF), "SK Tim Pembina.pdf")},
             content_type="multipart/form-data")
    assert r.status_code == 303, r.get_data(as_text=True)
    tim = service.tim_aktif(TABALONG)
    assert tim.sk_nomor == "188.45/77/2025" and tim.berkas_sk and tim.dokumen_aktif.tipe == "application/pdf"
    opd.isi_bawaan(None, TABALONG)
    dpmd = next(o for o in opd.daftar(TABALONG) if o.singkatan == "DPMD")
    r = post(kab, f"/pembina/tim/{tim.id}/anggota", {"jabatan": "ketua", "unsur": "tp_pkk", "ex_officio": "y",
                                                      "jabatan_dinas": "Ketua TP PKK Kabupaten Tabalong",
                                                      "nama": "Hj. Ketua Uji", "telepon": "0812 3456 7890"})
    assert r.status_code == 303, r.get_data(as_text=True)
    r = post(kab, f"/pembina/tim/{tim.id}/anggota", {"jabatan": "sekretaris_1", "unsur": "opd", "opd_id": str(dpmd.id),
                                                      "nama": "Sekretaris Dari DPMD", "email": "Sek@Contoh.go.id"})
    assert r.status_code == 303, r.get_data(as_text=True)
    page = kab.get(f"/pembina/{TABALONG}").get_data(as_text=True)
    assert "Hj. Ketua Uji" in page and "ex officio" in page and "DPMD" in page and "sek@contoh.go.id" in page
    assert "Kursi ketua kosong" not in page and "Berkas SK belum diunggah" not in page
    # no koordinator yet; at the kabupaten each bidang needs a member from its OPD too
    assert "Belum ada koordinator bidang Pendidikan, Kesehatan" in page
    assert "belum ada anggota dari OPD yang menangani bidang Pendidikan" in page
    # the SK file is served to staff in scope only, as a download
    did = service.tim_aktif(TABALONG).dokumen_aktif.id
    r = kab.get(f"/pembina/sk/{did}")
    assert r.status_code == 200 and r.data == PDF and "attachment" in r.headers["Content-Disposition"]
    assert "sandbox" in r.headers["Content-Security-Policy"]
    assert auth("kab_balangan").get(f"/pembina/sk/{did}").status_code == 404
    # every change is in the tim's history, by its labels
    riwayat = kab.get(f"/pembina/{TABALONG}/riwayat").get_data(as_text=True)
    assert "periode Tim Pembina SK 188.45/77/2025" in riwayat and "kursi Ketua" in riwayat and "Berkas SK" in riwayat


def test_the_wrong_file_and_bad_values_change_nothing(auth, users, unggah):
    kab = auth("kab_tabalong")
    r = post(kab, f"/pembina/{TABALONG}/baru", SK | {"berkas": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "sk.pdf")},
             content_type="multipart/form-data")
    assert r.status_code == 422 and "bukan PDF, JPG atau PNG" in r.get_data(as_text=True)
    assert service.tim_aktif(TABALONG) is None and not any(p.is_file() for p in unggah.rglob("*"))
    bad = {"masa_bakti_selesai": "2024-01-01", "sk_tanggal": "٢٠٢٥-٠١-٠١", "sk_nomor": ""}
    r = post(kab, f"/pembina/{TABALONG}/baru", SK | bad)
    text = r.get_data(as_text=True)
    assert r.status_code == 422 and "Akhir masa bakti harus sesudah awalnya" in text
    assert _jumlah(TimPembina) == 0 and _jumlah(AuditLog, AuditLog.object_type == "tim_pembina") == 0
    tim = tim_uji(TABALONG)
    # a second ketua; an OPD of another kabupaten; a file where a name belongs; a JSON body
    r = post(kab, f"/pembina/tim/{tim.id}/anggota", {"jabatan": "ketua", "unsur": "tp_pkk", "nama": "Dua"})
    assert r.status_code == 422 and "sudah punya Ketua" in r.get_data(as_text=True)
    opd.isi_bawaan(None, "63.11")
    asing = opd.daftar("63.11")[0]
    r = post(kab, f"/pembina/tim/{tim.id}/anggota", {"jabatan": "anggota", "unsur": "opd", "opd_id": str(asing.id),
                                                      "nama": "Orang Asing"})
    assert r.status_code == 422 and "Pilih OPD dari daftar OPD wilayah ini" in r.get_data(as_text=True)
    r = post(kab, f"/pembina/tim/{tim.id}/anggota", {"jabatan": "anggota", "unsur": "tokoh_masyarakat",
                                                      "nama": (io.BytesIO(b"x"), "nama.txt")},
             content_type="multipart/form-data")
    assert r.status_code == 422
    r = kab.post(f"/pembina/tim/{tim.id}/anggota", json={"jabatan": "anggota", "nama": "JSON"},
                 headers={"X-CSRFToken": csrf_token(kab)})
    assert r.status_code == 415
    assert _jumlah(KursiPembina, KursiPembina.tim_id == tim.id) == 1


@pytest.mark.parametrize("who, kode, seen, edit", [
    ("kec_bintangara", BANUA_LAWAS, 404, 404),   # a sibling kecamatan: not even seen
    ("kec_bintangara", TABALONG, 404, 404),      # the level above: its public page only
    ("desa_hapalah", BANUA_LAWAS, 404, 404),     # its own kecamatan's tim
    ("kab_balangan", TABALONG, 404, 404),
    ("admin_kaltim", TABALONG, 404, 404),
    ("kec_banualawas", HAPALAH, 200, 403),       # the desa has its own account: it keeps its own tim
    ("peny_tabalong", TABALONG, 403, 403),       # organisers keep no tim
])
def test_nobody_keeps_a_tim_outside_their_own(auth, users, who, kode, seen, edit):
    tim = tim_uji(kode)
    kursi = tim.kursi_aktif[0]
    c = auth(who)
    assert c.get(f"/pembina/{kode}").status_code == seen
    assert c.get(f"/pembina/tim/{tim.id}").status_code == seen
    for path, data in ((f"/pembina/{kode}/baru", SK), (f"/pembina/tim/{tim.id}/ubah", SK | {"version": tim.version}),
                       (f"/pembina/tim/{tim.id}/sk", {}),
                       (f"/pembina/tim/{tim.id}/anggota", {"jabatan": "anggota", "unsur": "lainnya", "nama": "X"}),
                       (f"/pembina/kursi/{kursi.id}/ubah", {"jabatan": "ketua", "unsur": "tp_pkk", "nama": "Y",
                                                            "version": kursi.version}),
                       (f"/pembina/kursi/{kursi.id}/ganti", {"nama": "Z", "version": kursi.version}),
                       (f"/pembina/kursi/{kursi.id}/lepas", {"version": kursi.version})):
        assert post(c, path, data).status_code == edit, path
        assert c.get(path).status_code in (edit, 405), path
    db.session.expire_all()
    tim = service.get_tim(tim.id)
    assert tim.sk_nomor == f"SK-UJI/{kode}" and len(tim.kursi_aktif) == 1
    assert tim.kursi_aktif[0].sekarang.nama == "Ibu Ketua Uji" and service.periode(kode) == [tim]
    assert _jumlah(AuditLog, AuditLog.actor_id == users[who]) == 0


def test_a_form_without_csrf_changes_nothing(auth, users):
    tim = tim_uji(TABALONG)
    r = auth("kab_tabalong").post(f"/pembina/tim/{tim.id}/anggota", data={"jabatan": "anggota", "unsur": "lainnya",
                                                                         "nama": "Tanpa Token"})
    assert r.status_code == 400 and len(service.get_tim(tim.id).kursi_aktif) == 1


def test_each_level_keeps_its_own_and_the_one_without_an_account(auth, users):
    # the desa keeps its own; the kecamatan keeps the tim of its desa that has no account, on its behalf
    assert post(auth("desa_hapalah"), f"/pembina/{HAPALAH}/baru", SK | {"sk_penandatangan": "Kepala Desa"}
                ).status_code == 303
    desa_tanpa_akun = "63.09.12.2003"
    kec = auth("kec_bintangara")
    assert post(kec, f"/pembina/{desa_tanpa_akun}/baru", SK | {"sk_penandatangan": "Kepala Desa"}).status_code == 303
    tim = service.tim_aktif(desa_tanpa_akun)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "tim_pembina",
                                                     AuditLog.object_id == str(tim.id)))
    assert entry.on_behalf_of == desa_tanpa_akun
    # once the desa has an account, the kecamatan reads its tim but no longer keeps it
    db.session.add(User(username="desa_baru", name="Operator Desa Baru", role="desa", wilayah_kode=desa_tanpa_akun,
                        password_hash="x", active=True))
    db.session.commit()
    assert kec.get(f"/pembina/{desa_tanpa_akun}").status_code == 200
    assert post(kec, f"/pembina/tim/{tim.id}/ubah", SK | {"version": tim.version}).status_code == 403
    # the kabupaten sees every tim below it, and a provinsi admin keeps the kabupaten's
    assert auth("kab_tabalong").get(f"/pembina/{HAPALAH}").status_code == 200
    assert post(auth("admin_kalsel"), f"/pembina/{TABALONG}/baru", SK).status_code == 303


def test_a_new_sk_ends_the_period_and_the_ex_officio_seat_carries_over(auth, users):
    tim = tim_uji(TABALONG, mulai="2020-01-01", selesai="2024-12-31")
    ketua = tim.kursi_aktif[0]
    kab = auth("kab_tabalong")
    assert post(kab, f"/pembina/tim/{tim.id}/anggota", {"jabatan": "anggota", "unsur": "tokoh_masyarakat",
                                                         "nama": "Tokoh Biasa"}).status_code == 303
    # the holder of the ex officio seat changes: the seat stays, the old holder's term ends
    r = post(kab, f"/pembina/kursi/{ketua.id}/ganti", {"nama": "Ketua TP PKK Baru", "mulai": "2024-06-01",
                                                       "version": ketua.version})
    assert r.status_code == 303, r.get_data(as_text=True)
    db.session.expire_all()
    orang = db.session.scalars(select(AnggotaPembina).where(AnggotaPembina.kursi_id == ketua.id)
                               .order_by(AnggotaPembina.id)).all()
    assert [(o.nama, o.aktif, o.selesai) for o in orang] == [("Ibu Ketua Uji", False, date(2024, 6, 1)),
                                                           ("Ketua TP PKK Baru", True, None)]
    # a new SK: the old period ends and is kept; only the ex officio seat (with its holder) carries over
    r = post(kab, f"/pembina/{TABALONG}/baru", SK | {"masa_bakti_mulai": "2025-02-03"})
    assert r.status_code == 303, r.get_data(as_text=True)
    baru = service.tim_aktif(TABALONG)
    lama = service.get_tim(tim.id)
    assert baru.id != lama.id and not lama.aktif and lama.berakhir_pada is not None
    assert [(k.jabatan, k.ex_officio, k.sekarang.nama) for k in baru.kursi_aktif] == [
        ("ketua", True, "Ketua TP PKK Baru")]
    assert len(lama.kursi_aktif) == 2 and baru.ketua_terisi
    # the ended period stays readable and is frozen
    page = kab.get(f"/pembina/tim/{lama.id}").get_data(as_text=True)
    assert "sudah berakhir" in page and "Tokoh Biasa" in page and "/pembina/kursi/" not in page
    r = post(kab, f"/pembina/tim/{lama.id}/anggota", {"jabatan": "anggota", "unsur": "lainnya", "nama": "Telat"})
    assert r.status_code == 422 and "sudah berakhir" in r.get_data(as_text=True)
    # a period cannot start before the one in force
    r = post(kab, f"/pembina/{TABALONG}/baru", SK | {"masa_bakti_mulai": "2019-01-01", "sk_tanggal": "2019-01-01"})
    assert r.status_code == 422 and service.tim_aktif(TABALONG).id == baru.id
    assert len(service.periode(TABALONG)) == 2


def test_a_stale_version_is_a_conflict(auth, users):
    tim = tim_uji(TABALONG)
    kab = auth("kab_tabalong")
    old = tim.version
    assert post(kab, f"/pembina/tim/{tim.id}/ubah", SK | {"version": old}).status_code == 303
    r = post(kab, f"/pembina/tim/{tim.id}/ubah", SK | {"sk_nomor": "LAMA", "version": old})
    db.session.expire_all()
    assert r.status_code == 409 and service.get_tim(tim.id).sk_nomor == SK["sk_nomor"]
    kursi = tim.kursi_aktif[0]
    r = post(kab, f"/pembina/kursi/{kursi.id}/lepas", {"version": kursi.version + 5})
    db.session.expire_all()
    assert r.status_code == 409 and service.get_kursi(kursi.id).aktif


def test_leaving_a_seat_keeps_it_in_the_history(auth, users):
    tim = tim_uji(TABALONG)
    kursi = tim.kursi_aktif[0]
    kab = auth("kab_tabalong")
    assert post(kab, f"/pembina/kursi/{kursi.id}/lepas", {"version": kursi.version, "alasan": "Salah input"}
                ).status_code == 303
    db.session.expire_all()
    kursi = service.get_kursi(kursi.id)
    assert not kursi.aktif and not kursi.pemegang[0].aktif and kursi.pemegang[0].selesai == hari_ini()
    assert not service.get_tim(tim.id).ketua_terisi
    page = kab.get(f"/pembina/{TABALONG}").get_data(as_text=True)
    assert "Kursi ketua kosong" in page
    riwayat = kab.get(f"/pembina/{TABALONG}/riwayat").get_data(as_text=True)
    assert "melepas" in riwayat and "Salah input" in riwayat


def test_contacts_in_the_history_only_for_who_may_see_personal_data(auth, users):
    tim = tim_uji(TABALONG)
    kursi = tim.kursi_aktif[0]
    kab = auth("kab_tabalong")
    assert post(kab, f"/pembina/kursi/{kursi.id}/ubah", {"jabatan": "ketua", "unsur": "tp_pkk", "ex_officio": "y",
                                                         "nama": "Ibu Ketua Uji", "telepon": "081299998888",
                                                         "version": kursi.version}).status_code == 303
    page = kab.get(f"/pembina/{TABALONG}/riwayat").get_data(as_text=True)
    assert "Nomor HP" in page and "9999" in page
    # the organiser of the same kabupaten has no Tim Pembina pages at all
    assert auth("peny_tabalong").get(f"/pembina/{TABALONG}/riwayat").status_code == 403


@pytest.mark.parametrize("selesai_offset, kunci", [(-1, "sk_kedaluwarsa"), (0, "sk_segera_berakhir"),
                                                    (90, "sk_segera_berakhir"), (91, None)])
def test_sk_expiry_alerts_by_the_day_in_wita(ctx, users, selesai_offset, kunci):
    today = hari_ini()
    tim = tim_uji(TABALONG, mulai="2020-01-01", selesai=(today + timedelta(days=selesai_offset)).isoformat())
    found = {p.kunci for p in baca.peringatan(tim, today)} & {"sk_kedaluwarsa", "sk_segera_berakhir"}
    assert found == ({kunci} if kunci else set())
    assert tim.sk_berlaku(today) == (selesai_offset >= 0)


def test_sk_expiry_follows_the_day_in_wita(ctx, users, monkeypatch):
    """An SK ending on 5 Dec holds until midnight WITA (16.00 UTC on the server's clock), not until midnight UTC."""
    from datetime import datetime, timezone

    import portal.formatting as formatting

    class Jam(datetime):
        utc = None

        @classmethod
        def now(cls, tz=None):
            return cls.utc.astimezone(tz) if tz else cls.utc.replace(tzinfo=None)

    tim = tim_uji(TABALONG, mulai="2021-12-06", selesai="2026-12-05")
    monkeypatch.setattr(formatting, "datetime", Jam)
    Jam.utc = datetime(2026, 12, 5, 15, 30, tzinfo=timezone.utc)  # 23.30 WITA, 5 Dec
    assert [p.kunci for p in baca.peringatan(tim, formatting.hari_ini())][0] == "sk_segera_berakhir"
    assert tim.sk_berlaku(formatting.hari_ini())
    Jam.utc = datetime(2026, 12, 5, 16, 30, tzinfo=timezone.utc)  # 00.30 WITA, 6 Dec; still 5 Dec in UTC
    assert [p.kunci for p in baca.peringatan(tim, formatting.hari_ini())][0] == "sk_kedaluwarsa"
    assert not tim.sk_berlaku(formatting.hari_ini())


def test_an_ex_officio_seat_waits_empty_for_its_next_holder(auth, users):
    tim = tim_uji(TABALONG)
    ketua = tim.kursi_aktif[0]
    kab = auth("kab_tabalong")
    assert re.search(r'<input checked[^>]*value="kosongkan"', kab.get(f"/pembina/kursi/{ketua.id}/lepas").get_data(
        as_text=True))
    r = post(kab, f"/pembina/kursi/{ketua.id}/lepas", {"version": ketua.version, "cara": "kosongkan",
                                                       "alasan": "Menunggu SK pengganti"})
    assert r.status_code == 303
    db.session.expire_all()
    ketua = service.get_kursi(ketua.id)
    assert ketua.aktif and ketua.ex_officio and ketua.sekarang is None and not service.get_tim(tim.id).ketua_terisi
    assert "kosong" in kab.get(f"/pembina/{TABALONG}").get_data(as_text=True)
    assert "mengosongkan" in kab.get(f"/pembina/{TABALONG}/riwayat").get_data(as_text=True)
    # the successor takes the same seat
    assert post(kab, f"/pembina/kursi/{ketua.id}/ganti", {"nama": "Ketua Pengganti", "version": ketua.version}
                ).status_code == 303
    db.session.expire_all()
    assert service.get_kursi(ketua.id).sekarang.nama == "Ketua Pengganti" and service.get_tim(tim.id).ketua_terisi


def test_a_new_period_is_a_new_sk_and_holders_keep_their_start(auth, users):
    tim = tim_uji(TABALONG, mulai="2020-01-01", selesai="2024-12-31")
    ketua = tim.kursi_aktif[0]
    service.ganti_pemegang(None, ketua, {"nama": "Ibu Ketua Uji", "mulai": "2020-01-01"}, ketua.version)
    kab = auth("kab_tabalong")
    r = post(kab, f"/pembina/{TABALONG}/baru", SK | {"sk_nomor": "sk-uji/63.09"})
    assert r.status_code == 422 and "sama dengan SK periode terakhir" in r.get_data(as_text=True)
    assert post(kab, f"/pembina/{TABALONG}/baru", SK).status_code == 303
    baru = service.tim_aktif(TABALONG)
    assert baru.id != tim.id and baru.kursi_aktif[0].sekarang.mulai == date(2020, 1, 1)
    r = post(kab, f"/pembina/kursi/{baru.kursi_aktif[0].id}/ganti", {"nama": "Terlalu Awal", "mulai": "2019-05-05",
                                                                    "version": baru.kursi_aktif[0].version})
    assert r.status_code == 422 and "antara awal masa bakti (3 Feb 2025) dan hari ini" in r.get_data(as_text=True)


def test_the_page_leads_to_the_tims_above_and_below_it_may_see(auth, users):
    tim_uji(BINTANG_ARA)
    page = auth("kab_tabalong").get(f"/pembina/{TABALONG}").get_data(as_text=True)
    assert f'href="/pembina/{BINTANG_ARA}"' in page and f'href="/pembina/{BANUA_LAWAS}"' in page  # below: staff pages
    kec = auth("kec_bintangara").get(f"/pembina/{BINTANG_ARA}").get_data(as_text=True)
    assert f'href="/tim-pembina/{TABALONG}"' in kec and f'href="/pembina/{TABALONG}"' not in kec  # above: public
    assert 'href="/pembina/63.09.12.2003"' in kec and "atas nama" not in kec
    desa = auth("kec_bintangara").get("/pembina/63.09.12.2003").get_data(as_text=True)
    assert "belum punya akun aktif" in desa and "Catat SK Tim Pembina" in desa
    own = auth("kec_banualawas").get(f"/pembina/{HAPALAH}").get_data(as_text=True)
    assert "dicatat oleh akun desa/kelurahan itu sendiri" in own and "Catat SK Tim Pembina" not in own


def test_seats_are_listed_as_an_sk_lists_them(auth, users):
    tim = tim_uji(TABALONG)
    for raw in ({"jabatan": "anggota", "unsur": "tokoh_masyarakat", "nama": "Anggota Dulu"},
                {"jabatan": "koordinator", "bidang": "sosial", "unsur": "lainnya", "nama": "Koor Sosial"},
                {"jabatan": "koordinator", "bidang": "pendidikan", "unsur": "lainnya", "nama": "Koor Pendidikan"},
                {"jabatan": "penasihat", "unsur": "lainnya", "nama": "Penasihat Akhir"}):
        service.tambah_kursi(None, tim, raw)
    page = auth("kab_tabalong").get(f"/pembina/{TABALONG}").get_data(as_text=True)
    names = ["Penasihat Akhir", "Ibu Ketua Uji", "Koor Pendidikan", "Koor Sosial", "Anggota Dulu"]
    assert [page.index(n) for n in names] == sorted(page.index(n) for n in names)


def test_stale_seat_forms_are_conflicts_and_a_removed_seat_stays_history(auth, users):
    tim = tim_uji(TABALONG, mulai="2024-01-01")
    kursi = tim.kursi_aktif[0]
    kab, admin = auth("kab_tabalong"), auth("admin_kalsel")
    seen = kursi.version
    assert post(admin, f"/pembina/kursi/{kursi.id}/ganti", {"nama": "Orang Baru Admin", "version": seen}
                ).status_code == 303
    # the same version again (a double tap, or a form opened before): refused, nothing changes
    assert post(kab, f"/pembina/kursi/{kursi.id}/ganti", {"nama": "Kedua", "version": seen}).status_code == 409
    assert post(kab, f"/pembina/kursi/{kursi.id}/ubah", {"jabatan": "ketua", "unsur": "tp_pkk", "nama": "Ubah Lama",
                                                         "version": seen}).status_code == 409
    db.session.expire_all()
    kursi = service.get_kursi(kursi.id)
    assert [o.nama for o in kursi.pemegang] == ["Ibu Ketua Uji", "Orang Baru Admin"]
    assert post(kab, f"/pembina/kursi/{kursi.id}/lepas", {"cara": "lepas", "version": kursi.version}).status_code == 303
    db.session.expire_all()
    kursi = service.get_kursi(kursi.id)
    for path, data in ((f"/pembina/kursi/{kursi.id}/ganti", {"nama": "Ke Kursi Lepas"}),
                       (f"/pembina/kursi/{kursi.id}/ubah", {"jabatan": "ketua", "unsur": "tp_pkk", "nama": "X"})):
        r = post(kab, path, data | {"version": kursi.version})
        assert r.status_code == 422 and "sudah dilepas" in r.get_data(as_text=True)
    db.session.expire_all()
    assert all(not o.aktif for o in service.get_kursi(kursi.id).pemegang)


def test_a_new_sk_sent_twice_makes_one_period(auth, users):
    tim = tim_uji(TABALONG, mulai="2020-01-01", selesai="2024-12-31")
    kab = auth("kab_tabalong")
    form = SK | {"sebelumnya": str(tim.id)}
    assert post(kab, f"/pembina/{TABALONG}/baru", form).status_code == 303
    r = post(kab, f"/pembina/{TABALONG}/baru", form | {"sk_nomor": "188.45/78/2025"})
    assert r.status_code == 409 and "baru saja dicatat pengguna lain" in r.get_data(as_text=True)
    assert len(service.periode(TABALONG)) == 2
    r = post(kab, f"/pembina/{TABALONG}/baru", SK | {"sk_nomor": "X/1", "masa_bakti_mulai": SK["masa_bakti_mulai"],
                                                      "sebelumnya": str(service.tim_aktif(TABALONG).id)})
    assert r.status_code == 422 and "harus dimulai sesudah awal periode terakhir" in r.get_data(as_text=True)


def test_seat_pages_are_never_stored_and_ids_are_ascii(auth, users):
    tim = tim_uji(TABALONG)
    kursi = tim.kursi_aktif[0]
    kab = auth("kab_tabalong")
    for path in (f"/pembina/kursi/{kursi.id}/ubah", f"/pembina/kursi/{kursi.id}/ganti",
                 f"/pembina/kursi/{kursi.id}/lepas", f"/pembina/tim/{tim.id}/anggota", f"/pembina/{TABALONG}/baru"):
        assert kab.get(path).headers["Cache-Control"] == "private, no-store", path
    r = post(kab, f"/pembina/tim/{tim.id}/anggota", {"jabatan": "anggota", "unsur": "lainnya", "nama": "",
                                                      "telepon": "081299990000"})
    assert r.status_code == 422 and r.headers["Cache-Control"] == "private, no-store"
    for path in (f"/pembina/tim/{chr(0xFF10 + tim.id)}", f"/pembina/tim/{chr(0x0660 + tim.id)}", f"/pembina/tim/0{tim.id}"):
        assert kab.get(path).status_code == 404, path
    assert kab.get(f"/pembina/tim/{tim.id}").status_code == 200
    r = post(kab, f"/pembina/tim/{tim.id}/ubah", SK | {"sk_tanggal": "０３-02-2025", "version": tim.version})
    assert r.status_code == 422 and "angka 0-9" in r.get_data(as_text=True)
