"""Rollups of Tim Pembina per wilayah, counted in SQL: the status of each child region (the public page and JSON, the
wilayah table), the regions without a tim, and the alerts of a staff member's scope (the beranda).

A kabupaten has ~200 desa, a provinsi ~2,000, the nation 84,000: nothing here loads the tims below a region into
Python; a region's direct children are one row each, everything deeper is a count. `hari` is the caller's
formatting.hari_ini() (WITA): an SK holds through the last day of its masa bakti.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, exists, func, not_, select
from sqlalchemy.orm import joinedload

from portal import wilayah_baca
from portal.extensions import db
from portal.formatting import angka, tanggal
from portal.models.pembina import (HARI_PERINGATAN_SK, TINGKAT, AnggotaPembina, KursiPembina,
                                   TimPembina)
from portal.models.wilayah import KODE_LENGTH, Wilayah, anak_dari, level_of, within_clause
from portal.pembina import baca
from portal.pembina.service import tim_aktif

# The level of each kind of region (wilayah_baca.composition counts by kind).
_LEVEL_JENIS = {"provinsi": 1, "kabupaten": 2, "kota": 2, "kecamatan": 3, "distrik": 3, "desa": 4, "kelurahan": 4,
                "desa_adat": 4}
# How many tims below a scope whose SK ends soonest the beranda names one by one.
SEGERA_MAKS = 3


@dataclass(frozen=True)
class Anak:
    """One region and the state of its current tim (all False without one)."""
    wilayah: Wilayah
    ada_tim: bool
    sk_berlaku: bool
    bidang_lengkap: bool
    ketua_terisi: bool

    @property
    def kode(self) -> str:
        return self.wilayah.kode

    @property
    def nama(self) -> str:
        return self.wilayah.nama


def _berlaku(hari: date):
    return and_(TimPembina.masa_bakti_mulai <= hari, TimPembina.masa_bakti_selesai >= hari)


def _status(where, hari: date) -> list[Anak]:
    rows = db.session.execute(
        select(Wilayah, TimPembina.id, _berlaku(hari), TimPembina.bidang_kurang == "", TimPembina.ketua_terisi)
        .outerjoin(TimPembina, and_(TimPembina.wilayah_kode == Wilayah.kode, TimPembina.aktif.is_(True)))
        .where(where).order_by(Wilayah.kode))
    return [Anak(w, tid is not None, tid is not None and bool(berlaku), tid is not None and bool(lengkap),
                 tid is not None and bool(ketua)) for w, tid, berlaku, lengkap, ketua in rows]


def anak(kode: str, hari: date) -> list[Anak]:
    """Each direct child region of kode ('' = the provinsi) with the state of its tim, in code order."""
    return _status(anak_dari(kode), hari)


def sendiri(kode: str, hari: date) -> Anak | None:
    """The region itself, in the same terms (a desa has no children: its own tim is what its page shows)."""
    found = _status(Wilayah.kode == kode, hari)
    return found[0] if found else None


def jumlah(rows: list[Anak]) -> dict[str, int]:
    """The counts over the rows anak() gave (the JSON's "jumlah")."""
    return {"wilayah_anak": len(rows), "dengan_tim": sum(r.ada_tim for r in rows),
            "sk_berlaku": sum(r.sk_berlaku for r in rows)}


def tanpa_tim(kode: str) -> list[Wilayah]:
    """The direct children of kode that have no current tim, in code order."""
    ada = exists().where(TimPembina.wilayah_kode == Wilayah.kode, TimPembina.aktif.is_(True))
    return list(db.session.scalars(select(Wilayah).where(anak_dari(kode), not_(ada)).order_by(Wilayah.kode)))


def anggota(tim: TimPembina) -> list[dict[str, str]]:
    """The public list of a tim: the seats with a current holder, each {nama, jabatan, unsur}, in the order of the
    jabatan (as an SK lists them). Nothing else of the person (contacts stay with staff in scope)."""
    rows = db.session.execute(
        select(KursiPembina, AnggotaPembina.nama)
        .join(AnggotaPembina, and_(AnggotaPembina.kursi_id == KursiPembina.id, AnggotaPembina.aktif.is_(True)))
        .options(joinedload(KursiPembina.opd))
        .where(KursiPembina.tim_id == tim.id, KursiPembina.aktif.is_(True))).all()
    rows.sort(key=lambda r: r[0].kunci_urut())
    return [{"nama": nama, "jabatan": k.jabatan_label, "unsur": k.unsur_label} for k, nama in rows]


# --- the beranda's alerts --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hitungan:
    """n regions of one level below the scope that share one alert."""
    level: int
    kunci: str  # sk_kedaluwarsa, sk_segera_berakhir, belum_ada, ketua_kosong, bidang_kurang, berkas_sk
    n: int

    @property
    def pesan(self) -> str:
        tingkat, n = TINGKAT[self.level].lower(), angka(self.n)
        return {
            "sk_kedaluwarsa": f"{n} {tingkat}: SK Tim Pembina sudah berakhir",
            "sk_segera_berakhir": f"{n} {tingkat}: SK Tim Pembina berakhir dalam {HARI_PERINGATAN_SK} hari",
            "belum_ada": f"{n} {tingkat} belum membentuk Tim Pembina",
            "ketua_kosong": f"{n} {tingkat}: kursi ketua Tim Pembina kosong",
            "bidang_kurang": f"{n} {tingkat}: bidang Tim Pembina belum lengkap",
            "berkas_sk": f"{n} {tingkat}: berkas SK Tim Pembina belum diunggah",
        }[self.kunci]


@dataclass(frozen=True)
class Segera:
    """A tim below the scope whose SK ends within HARI_PERINGATAN_SK days."""
    wilayah: Wilayah
    selesai: date
    sisa: int

    @property
    def pesan(self) -> str:
        return f"SK Tim Pembina {self.wilayah.nama_lengkap} berakhir {tanggal(self.selesai)} ({self.sisa} hari lagi)"


@dataclass
class PeringatanWilayah:
    kode: str  # the scope ('' = national)
    wilayah: Wilayah | None
    tim: TimPembina | None  # the scope's own current tim
    sendiri: list[baca.Peringatan] = field(default_factory=list)
    segera: list[Segera] = field(default_factory=list)
    hitungan: list[Hitungan] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sendiri or self.segera or self.hitungan)


_KUNCI = ("sk_kedaluwarsa", "sk_segera_berakhir", "belum_ada", "ketua_kosong", "bidang_kurang", "berkas_sk")


def _hitung_bawah(kode: str, hari: date) -> dict[int, dict[str, int]]:
    """Per level below kode: the current tims and how many of them carry each alert (one grouped query)."""
    batas = hari + timedelta(days=HARI_PERINGATAN_SK)
    selesai = TimPembina.masa_bakti_selesai

    def banyak(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    panjang = func.length(TimPembina.wilayah_kode)
    stmt = (select(panjang, func.count(), banyak(selesai < hari), banyak(and_(selesai >= hari, selesai <= batas)),
                   banyak(TimPembina.ketua_terisi.is_(False)), banyak(TimPembina.bidang_kurang != ""),
                   banyak(TimPembina.berkas_sk.is_(False)))
            .where(TimPembina.aktif.is_(True), within_clause(TimPembina.wilayah_kode, kode),
                   TimPembina.wilayah_kode != kode)
            .group_by(panjang))
    level_by_length = {n: lv for lv, n in KODE_LENGTH.items()}
    out = {}
    for length, n, *counts in db.session.execute(stmt):
        out[level_by_length[length]] = dict(zip(("tim", "sk_kedaluwarsa", "sk_segera_berakhir", "ketua_kosong",
                                                 "bidang_kurang", "berkas_sk"), (n, *counts)))
    return out


def peringatan_wilayah(kode: str, hari: date) -> PeringatanWilayah:
    """What a staff member of scope kode ('' = national) is told on the beranda: the alerts of the scope's own tim
    (baca.peringatan, or that it has none), the SKs below that end soonest, and per level below the number of tims
    whose SK has ended or ends soon, whose ketua seat is empty, whose bidang are incomplete, without an SK file, and
    of regions without a tim. A constant number of queries, whatever the size of the scope."""
    wilayah = wilayah_baca.get(kode) if kode else None
    hasil = PeringatanWilayah(kode=kode, wilayah=wilayah, tim=tim_aktif(kode) if wilayah else None)
    if wilayah is not None:
        if hasil.tim is None:
            hasil.sendiri.append(baca.Peringatan("belum_ada", f"Tim Pembina {wilayah.nama_lengkap} belum tercatat."))
        else:
            hasil.sendiri.extend(baca.peringatan(hasil.tim, hari))
    if level_of(kode) >= 4:
        return hasil
    per_level = _hitung_bawah(kode, hari)
    wilayah_per_level: dict[int, int] = {}
    for jenis, n in wilayah_baca.composition(kode).items():
        wilayah_per_level[_LEVEL_JENIS[jenis]] = wilayah_per_level.get(_LEVEL_JENIS[jenis], 0) + n
    for level in range(level_of(kode) + 1, 5):
        counts = per_level.get(level, {"tim": 0})
        counts["belum_ada"] = max(wilayah_per_level.get(level, 0) - counts["tim"], 0)
        hasil.hitungan.extend(Hitungan(level, k, counts[k]) for k in _KUNCI if counts.get(k))
    batas = hari + timedelta(days=HARI_PERINGATAN_SK)
    selesai = TimPembina.masa_bakti_selesai
    rows = db.session.execute(
        select(Wilayah, selesai).join(TimPembina, TimPembina.wilayah_kode == Wilayah.kode)
        .where(TimPembina.aktif.is_(True), within_clause(TimPembina.wilayah_kode, kode),
               TimPembina.wilayah_kode != kode, selesai >= hari, selesai <= batas)
        .order_by(selesai, TimPembina.wilayah_kode).limit(SEGERA_MAKS))
    hasil.segera = [Segera(w, s, (s - hari).days) for w, s in rows]
    return hasil
