"""Demo Tim Pembina Posyandu (issue 15): the OPD registers of Kalimantan Selatan and its kabupaten/kota, the tim of
the provinsi, of Kabupaten Tabalong (SK 2025–2030: the Ketua TP PKK ex officio as ketua, DPMD as sekretaris, a
koordinator from the OPD of each bidang), of 11 of its 12 kecamatan (one SK expired, one ending within the alert
window, one without the SK file, two without every bidang) and of about two thirds of its desa (most with a
koordinator for every bidang), the demo desa's with
its SK file (so its dossier can attach it).

Names are generated (nama.py) and every tim says in its keterangan that it is demo data. Everything goes through
portal/pembina/service.py, recorded as the system: the same rules and audit trail as a keeper's. Dates are fixed,
except the SK that ends soon, which ends 45 days after the seed's day.
"""
from __future__ import annotations

import io
import random
from datetime import date, timedelta

from sqlalchemy import func, select

from portal.demo.akun import DEMO_DESA
from portal.demo.nama import nama_orang
from portal.demo.provinsi import TABALONG
from portal.demo.registrasi import pdf_contoh
from portal.extensions import db
from portal.formatting import hari_ini
from portal.models.pembina import TimPembina
from portal.models.posyandu import BIDANG
from portal.models.wilayah import Wilayah, anak_dari, within_clause
from portal.pembina import opd as register
from portal.pembina import service as pembina

SEED = 6309_0015
KALSEL = "63"
KETERANGAN = "Data demo: nama anggota dibuat acak, bukan susunan tim yang sebenarnya."
# Kecamatan of Tabalong, by their place in code order: the one without a tim, the expired one, the one ending soon,
# the one whose SK file is missing, and those whose tim lacks bidang.
TANPA_TIM, KEDALUWARSA, SEGERA, TANPA_BERKAS, KURANG_BIDANG = 11, 3, 7, 5, (2, 9)
DESA_BERTIM = 2 / 3
KOORDINATOR_OPD = {"pendidikan": "Disdik", "kesehatan": "Dinkes", "pu": "Dinas PUPR", "perumahan": "Disperkim",
                   "trantibumlinmas": "Satpol PP", "sosial": "Dinsos"}

# A desa's koordinator per bidang: (bidang, unsur, office as the SK writes it).
KOORDINATOR_DESA = (("kesehatan", "puskesmas", "Bidan desa"), ("pendidikan", "pemerintah_desa", "Kasi Pelayanan"),
                    ("pu", "pemerintah_desa", "Kaur Perencanaan"), ("perumahan", "pemerintah_desa", "Kasi Kesejahteraan"),
                    ("trantibumlinmas", "tni_polri", "Babinsa"), ("sosial", "tokoh_masyarakat", "Pendamping PKH"))


def _orang(rng: random.Random, tua: bool = True) -> str:
    return nama_orang(rng, "banjar", rng.choice("LP"), tua)


def _perempuan(rng: random.Random) -> str:
    return nama_orang(rng, "banjar", "P", True)


def _hp(rng: random.Random) -> str:
    return "08" + rng.choice(("12", "13", "21", "52", "53")) + "".join(rng.choice("0123456789") for _ in range(8))


def _tim(kode: str, nama: str, nomor: str, tanggal: date, penandatangan: str, selesai: date,
         pengukuhan: date | None = None) -> TimPembina:
    return pembina.buat_tim(None, kode, {
        "sk_nomor": nomor, "sk_tanggal": tanggal.isoformat(), "sk_penandatangan": penandatangan,
        "masa_bakti_mulai": tanggal.isoformat(), "masa_bakti_selesai": selesai.isoformat(),
        "pengukuhan_tanggal": pengukuhan.isoformat() if pengukuhan else None, "keterangan": KETERANGAN})


def _kursi(tim, jabatan: str, unsur: str, nama: str, opd=None, bidang=None, dinas=None, ex_officio=False,
           telepon=None) -> None:
    pembina.tambah_kursi(None, tim, {"jabatan": jabatan, "bidang": bidang, "unsur": unsur,
                                     "opd_id": opd.id if opd else None, "jabatan_dinas": dinas,
                                     "ex_officio": "ya" if ex_officio else "", "nama": nama, "telepon": telepon,
                                     "mulai": tim.masa_bakti_mulai.isoformat()}, commit=False)


def _sk(tim, *judul: str) -> None:
    pembina.unggah_sk(None, tim, io.BytesIO(pdf_contoh(*judul, f"Nomor {tim.sk_nomor}", "DATA DEMO")),
                      f"SK Tim Pembina {tim.wilayah.nama}.pdf")


def _tim_daerah(rng, kode: str, nama: str, kepala: str, nomor: str, tanggal: date, selesai: date, sekretariat: str):
    """The tim of a provinsi or kabupaten: penasihat, ketua ex officio (TP PKK), sekretaris from the PMD office, a
    koordinator from the OPD of each bidang, BPBD and DP3A as anggota."""
    opd = {o.singkatan: o for o in register.daftar(kode)}
    tim = _tim(kode, nama, nomor, tanggal, kepala, selesai, tanggal + timedelta(days=21))
    _kursi(tim, "penasihat", "lainnya", _orang(rng), dinas=kepala, ex_officio=True)
    _kursi(tim, "ketua", "tp_pkk", _perempuan(rng), dinas=f"Ketua TP PKK {nama}", ex_officio=True,
           telepon=_hp(rng))
    _kursi(tim, "wakil_ketua", "opd", _orang(rng), opd=opd["Bappeda"], dinas=f"Kepala Bappeda {nama}")
    _kursi(tim, "sekretaris_1", "opd", _orang(rng), opd=opd[sekretariat], dinas=f"Kepala {sekretariat} {nama}",
           ex_officio=True, telepon=_hp(rng))
    _kursi(tim, "sekretaris_2", "opd", _orang(rng), opd=opd[sekretariat], dinas=f"Sekretaris {sekretariat}")
    _kursi(tim, "bendahara", "opd", _orang(rng), opd=opd[sekretariat])
    for bidang, singkatan in KOORDINATOR_OPD.items():
        _kursi(tim, "koordinator", "opd", _orang(rng), opd=opd[singkatan], bidang=bidang,
               dinas=f"Kepala {opd[singkatan].nama}")
    for singkatan in ("BPBD", "DP3A"):
        _kursi(tim, "anggota", "opd", _orang(rng), opd=opd[singkatan], dinas=f"Kepala {singkatan}")
    db.session.commit()
    _sk(tim, f"Keputusan {kepala}", f"tentang Tim Pembina Posyandu {nama}")
    return tim


def _tim_kecamatan(rng, w: Wilayah, i: int, opd: dict, today: date) -> None:
    if i == KEDALUWARSA:
        mulai, selesai = date(2021, 3, 1), date(2025, 12, 31)
    elif i == SEGERA:
        mulai, selesai = date(2022, 1, 10), today + timedelta(days=45)
    else:
        mulai = date(2025, 4 + i % 6, 1 + i)
        selesai = date(mulai.year + 5, mulai.month, mulai.day) - timedelta(days=1)
    tim = _tim(w.kode, w.nama, f"100.3.3.2/{10 + i}/KEC-{w.kode[-2:]}/{mulai.year}", mulai, pembina.penandatangan_bawaan(w.kode),
               selesai)
    _kursi(tim, "pembina", "kecamatan", _orang(rng), dinas=f"Camat {w.nama}", ex_officio=True)
    _kursi(tim, "ketua", "tp_pkk", _perempuan(rng), dinas=f"Ketua TP PKK Kecamatan {w.nama}", ex_officio=True,
           telepon=_hp(rng))
    _kursi(tim, "sekretaris_1", "kecamatan", _orang(rng), dinas=f"Kasi PMD Kecamatan {w.nama}", telepon=_hp(rng))
    bidang = list(BIDANG)[:3] if i in KURANG_BIDANG else list(BIDANG)
    for b in bidang:
        unsur, dari = ("puskesmas", None) if b == "kesehatan" else ("opd", opd[KOORDINATOR_OPD[b]])
        _kursi(tim, "koordinator", unsur, _orang(rng), opd=dari, bidang=b)
        if b == "kesehatan":  # the Puskesmas is the Dinkes's own arm: the bidang's OPD member too
            _kursi(tim, "anggota", "opd", _orang(rng), opd=opd["Dinkes"], dinas=f"Kepala Puskesmas {w.nama}")
    _kursi(tim, "anggota", "tni_polri", _orang(rng), dinas=f"Danramil {w.nama}")
    db.session.commit()
    if i != TANPA_BERKAS:
        _sk(tim, f"Keputusan Camat {w.nama}", "tentang Tim Pembina Posyandu Kecamatan")


def _tim_desa(rng, w: Wilayah, tahun: int) -> None:
    mulai = date(tahun, rng.randint(1, 10), rng.randint(1, 28))
    kepala = pembina.penandatangan_bawaan(w.kode)
    tim = _tim(w.kode, w.nama, f"141/{rng.randint(2, 60)}/{w.kode[-4:]}/{tahun}", mulai, kepala,
               date(mulai.year + 6, mulai.month, mulai.day) - timedelta(days=1))
    _kursi(tim, "pembina", "pemerintah_desa", _orang(rng), dinas=kepala, ex_officio=True)
    _kursi(tim, "ketua", "tp_pkk", _perempuan(rng), dinas=f"Ketua TP PKK {w.nama}", ex_officio=True,
           telepon=_hp(rng))
    _kursi(tim, "sekretaris_1", "pemerintah_desa", _orang(rng), dinas="Kasi Kesejahteraan")
    # Most desa name a koordinator for every bidang; the others only for the first ones, so far.
    bidang = KOORDINATOR_DESA if rng.random() < .6 else KOORDINATOR_DESA[:2]
    for b, unsur, dinas in bidang:
        _kursi(tim, "koordinator", unsur, _perempuan(rng) if b == "kesehatan" else _orang(rng), bidang=b,
               dinas=dinas)
    _kursi(tim, "anggota", "tokoh_masyarakat", _orang(rng))
    db.session.commit()
    if w.kode == DEMO_DESA or rng.random() < .5:
        _sk(tim, f"Keputusan {kepala}", "tentang Tim Pembina Posyandu Desa/Kelurahan")


def seed() -> list[str]:
    """The demo's Tim Pembina when Tabalong has none yet; one line per part created."""
    if db.session.scalar(select(func.count()).select_from(TimPembina).where(
            within_clause(TimPembina.wilayah_kode, TABALONG))):
        return []
    rng = random.Random(SEED)
    today = hari_ini()
    daerah = list(db.session.scalars(select(Wilayah.kode).where(
        Wilayah.level.in_((1, 2)), within_clause(Wilayah.kode, KALSEL)).order_by(Wilayah.kode)))
    for kode in daerah:
        register.isi_bawaan(None, kode)
    _tim_daerah(rng, KALSEL, "Provinsi Kalimantan Selatan", "Gubernur Kalimantan Selatan", "188.44/0412/KUM/2024", date(2024, 6, 3),
                date(2029, 6, 2), "DPMD")
    _tim_daerah(rng, TABALONG, "Kabupaten Tabalong", "Bupati Tabalong", "188.45/215/2025", date(2025, 3, 10),
                date(2030, 3, 9), "DPMD")
    opd = {o.singkatan: o for o in register.daftar(TABALONG)}
    kecamatan = list(db.session.scalars(select(Wilayah).where(anak_dari(TABALONG)).order_by(Wilayah.kode)))
    for i, w in enumerate(kecamatan):
        if i != TANPA_TIM:
            _tim_kecamatan(rng, w, i, opd, today)
    desa = list(db.session.scalars(select(Wilayah).where(Wilayah.level == 4, within_clause(Wilayah.kode, TABALONG))
                                   .order_by(Wilayah.kode)))
    bertim = [w for w in desa if w.kode == DEMO_DESA or rng.random() < DESA_BERTIM]
    for w in bertim:
        _tim_desa(rng, w, rng.choice((2023, 2024, 2025)))
    return [f"Daftar OPD: {len(daerah)} provinsi/kabupaten/kota Kalimantan Selatan",
            f"Tim Pembina: Provinsi Kalimantan Selatan, Kabupaten Tabalong, {len(kecamatan) - 1} dari "
            f"{len(kecamatan)} kecamatan, {len(bertim)} dari {len(desa)} desa/kelurahan"]
