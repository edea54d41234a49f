"""Demo kegiatan, as the regional press reported them (DOMAIN.md §6), on the generated institutional data of
provinsi.py:

- the Bimtek "peningkatan kapasitas kader Posyandu 6 SPM" of Kecamatan Bintang Ara (63.09.12), 15–16 Oct 2025, Aston
  Tanjung City Hotel: 84 kader from 7 of the 9 desa (about 12 each, two per bidang where the desa has them); the
  other 2 desa sent nobody (no budget);
- the Sosialisasi of the Posyandu 6 SPM policy in Tabalong, 24 Nov 2025, Pendopo Bersinar Pembataan: the Ketua TP
  Posyandu of every kecamatan (registered at the venue) and one kader of every desa/kelurahan.

Which desa stayed away, who came and the attendance per day are drawn by random.Random(SEED): the same on every
install. Marks are dated on the days themselves, made by the demo organiser's account, most through the QR cards.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from portal import audit
from portal.demo.akun import DEMO_KECAMATAN
from portal.demo.baris import utc
from portal.demo.provinsi import TABALONG
from portal.extensions import db
from portal.models.kegiatan import Kegiatan, Kehadiran, Peserta
from portal.models.posyandu import BIDANG, Kader, Posyandu
from portal.models.user import User
from portal.models.wilayah import Wilayah, within_clause
from portal.kegiatan import peserta as peserta_service
from portal.kegiatan import sertifikat

SEED = 6309_2025
PENYELENGGARA = "DPMD Kabupaten Tabalong"
BINTANG_ARA = DEMO_KECAMATAN  # 63.09.12
BIMTEK = dict(
    jenis="bimtek", judul="Bimtek Peningkatan Kapasitas Kader Posyandu 6 Bidang SPM Kecamatan Bintang Ara",
    penyelenggara=PENYELENGGARA, tempat="Aston Tanjung City Hotel, Tanjung", tanggal_mulai=date(2025, 10, 15),
    tanggal_selesai=date(2025, 10, 16), wilayah_kode=BINTANG_ARA, sasaran="kader", syarat_hadir=None,
    jabatan_penandatangan="Kepala DPMD Kabupaten Tabalong",
    keterangan="84 kader dari 7 desa; 2 desa tidak mengirim peserta karena tidak ada anggaran.")
BIMTEK_DESA_HADIR = 7
BIMTEK_PER_DESA = 12
BIMTEK_PESERTA = 84
# Per day: (izin, tidak hadir) among the 84; the rest present.
BIMTEK_ABSEN = [(1, 0), (2, 2)]
SOSIALISASI = dict(
    jenis="sosialisasi", judul="Sosialisasi Kebijakan Posyandu 6 Bidang SPM Kabupaten Tabalong",
    penyelenggara=PENYELENGGARA, tempat="Pendopo Bersinar Pembataan, Tanjung", tanggal_mulai=date(2025, 11, 24),
    tanggal_selesai=date(2025, 11, 24), wilayah_kode=TABALONG, sasaran="kader,tp_kecamatan", syarat_hadir=None,
    jabatan_penandatangan="Kepala DPMD Kabupaten Tabalong",
    keterangan="Ketua TP Posyandu Kecamatan dan kader dari setiap desa/kelurahan.")
SOSIALISASI_ABSEN = (4, 3)
KETUA_TP = ("Hj. Rusmiati", "Norhayati", "Hj. Mahdiah", "Siti Rahmah", "Hj. Fatimah", "Rabiatul Adawiyah",
            "Sri Wahyuni", "Hj. Salasiah", "Marhamah", "Yuliana", "Hj. Noorjannah", "Rahmawati")
SUMBER = "Data demo: kegiatan seperti diberitakan media daerah, peserta dan kehadiran buatan."


def seed(actor: User | None) -> list[str]:
    """Creates both kegiatan unless a kegiatan of Tabalong exists or Tabalong has no Posyandu yet."""
    if db.session.scalar(select(Kegiatan.id).where(within_clause(Kegiatan.wilayah_kode, TABALONG)).limit(1)):
        return []
    if db.session.scalar(select(Posyandu.id).where(Posyandu.desa_kode.like(f"{TABALONG}.%")).limit(1)) is None:
        return []
    rng = random.Random(SEED)
    lines = [_bimtek(rng, actor), _sosialisasi(rng, actor)]
    db.session.commit()
    return lines


def _kegiatan(values: dict, actor: User | None) -> Kegiatan:
    k = Kegiatan(**values, dibuat_oleh_id=actor.id if actor else None)
    db.session.add(k)
    db.session.flush()
    entry = audit.record(actor, "buat", k, wilayah_kode=k.wilayah_kode, kegiatan_id=k.id,
                         changes={"judul": [None, k.judul], "sumber": [None, SUMBER]})
    entry.at = utc(k.tanggal_mulai - timedelta(days=14), 10, 0)
    return k


def _peserta(k: Kegiatan, actor, kader: Kader | None = None, **fields) -> Peserta:
    """A kader on record (as the organiser's picker adds them), or someone registered at the venue."""
    if kader is not None:
        return peserta_service.peserta_from_record(actor, k, kader)
    p = Peserta(kegiatan_id=k.id, nama_lipat=peserta_service.nama_inti(fields["nama"]),
                kode_sertifikat=sertifikat.new_code(), didaftarkan_oleh_id=actor.id if actor else None, **fields)
    db.session.add(p)
    return p


def _hadiri(rng: random.Random, k: Kegiatan, peserta: list[Peserta], absen: list[tuple[int, int]], actor) -> None:
    """Marks every day: izin and tidak hadir for a few drawn at random, hadir for the rest, at arrival times."""
    db.session.flush()
    for day, (izin, tidak) in zip(k.hari, absen):
        away = rng.sample(peserta, izin + tidak)
        status = {p.id: "izin" for p in away[:izin]} | {p.id: "tidak_hadir" for p in away[izin:]}
        for p in peserta:
            s = status.get(p.id, "hadir")
            at = utc(day, 7, 30) + timedelta(minutes=rng.randint(0, 100)) if s == "hadir" else utc(day, 12, 0)
            cara = "qr" if s == "hadir" and rng.random() < .75 else "daftar"
            mark = Kehadiran(peserta_id=p.id, tanggal=day, status=s, cara=cara,
                             dicatat_oleh_id=actor.id if actor else None, dicatat_pada=at)
            db.session.add(mark)
            db.session.flush()
            entry = audit.record(actor, "tandai", mark, wilayah_kode=k.wilayah_kode, kegiatan_id=k.id,
                                 changes={"status": [None, s], "tanggal": [None, day.isoformat()],
                                          "peserta": [None, p.nama], "cara": [None, cara]})
            entry.at = at
    sertifikat.judge(k, [p.id for p in peserta])  # sertifikat verdicts and the trained-kader rekap


def _kader_desa(kode: str) -> list[Kader]:
    return list(db.session.scalars(
        select(Kader).join(Posyandu).where(Posyandu.desa_kode == kode, Posyandu.aktif.is_(True),
                                           Kader.aktif.is_(True)).order_by(Kader.id)))


def _bimtek(rng: random.Random, actor) -> str:
    k = _kegiatan(BIMTEK, actor)
    desa = list(db.session.scalars(select(Wilayah).where(Wilayah.level == 4, Wilayah.parent_kode == BINTANG_ARA)
                                   .order_by(Wilayah.kode)))
    datang = sorted(rng.sample(desa, BIMTEK_DESA_HADIR), key=lambda w: w.kode)
    kader = {w.kode: _kader_desa(w.kode) for w in datang}
    # 12 from each desa; a desa with fewer kader sends them all and the others send one more each until 84.
    jatah = {w.kode: min(BIMTEK_PER_DESA, len(kader[w.kode])) for w in datang}
    while sum(jatah.values()) < BIMTEK_PESERTA:
        jatah[rng.choice([kode for kode, n in jatah.items() if n < len(kader[kode])])] += 1
    peserta = []
    for w in datang:
        # Two per bidang where the desa has them, then anyone else, up to its share.
        chosen: list[Kader] = []
        for bidang in BIDANG:
            pool = [x for x in kader[w.kode] if x.bidang == bidang]
            chosen += rng.sample(pool, min(2, len(pool)))
        rest = [x for x in kader[w.kode] if x not in chosen]
        chosen += rng.sample(rest, max(0, jatah[w.kode] - len(chosen)))
        peserta += [_peserta(k, actor, x) for x in chosen[:jatah[w.kode]]]
    _hadiri(rng, k, peserta, BIMTEK_ABSEN, actor)
    tidak = [w.nama for w in desa if w not in datang]
    return (f"{k.judul}: {len(peserta)} kader dari {len(datang)} dari {len(desa)} desa "
            f"(tidak mengirim: {', '.join(tidak)}).")


def _sosialisasi(rng: random.Random, actor) -> str:
    k = _kegiatan(SOSIALISASI, actor)
    kecamatan = list(db.session.scalars(select(Wilayah).where(Wilayah.level == 3, Wilayah.parent_kode == TABALONG)
                                        .order_by(Wilayah.kode)))
    peserta = [_peserta(k, actor, nama=nama, asal_kode=w.kode, peran="tp_kecamatan",
                        jabatan=f"Ketua TP Posyandu Kecamatan {w.nama}", cara_daftar="di_tempat")
               for w, nama in zip(kecamatan, KETUA_TP)]
    desa = list(db.session.scalars(select(Wilayah).where(Wilayah.level == 4, within_clause(Wilayah.kode, TABALONG))
                                   .order_by(Wilayah.kode)))
    for w in desa:
        kader = _kader_desa(w.kode)
        if kader:
            peserta.append(_peserta(k, actor, rng.choice(kader)))
    _hadiri(rng, k, peserta, [SOSIALISASI_ABSEN], actor)
    return f"{k.judul}: {len(peserta)} peserta ({len(kecamatan)} Ketua TP Posyandu Kecamatan, kader dari " \
           f"{len(peserta) - len(kecamatan)} desa/kelurahan)."

