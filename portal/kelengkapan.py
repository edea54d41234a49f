"""Kelengkapan: what a Posyandu still lacks for registration. Computed from the records, never stored.

The facts are gathered by one set of queries for any number of Posyandu; one function judges them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from portal.extensions import db
from portal.models.posyandu import BIDANG, JABATAN, Kader, Pengurus, Posyandu
from portal.models.wilayah import Wilayah

# Every seat of a complete pengurus: ketua, sekretaris, bendahara, and a koordinator per bidang.
KURSI_PENGURUS = ["ketua", "sekretaris", "bendahara"] + [f"koordinator:{b}" for b in BIDANG]


def kursi_label(kursi: str) -> str:
    jabatan, _, bidang = kursi.partition(":")
    return f"Koordinator {BIDANG[bidang]}" if bidang else JABATAN[jabatan]


@dataclass
class Fakta:
    posyandu_id: int
    desa_kode: str = ""
    sk: bool = False
    musdes: bool = False
    kader_per_bidang: dict[str, int] = field(default_factory=dict)
    kursi_terisi: set[str] = field(default_factory=set)

    @property
    def kader(self) -> int:
        return sum(self.kader_per_bidang.values())


@dataclass
class Syarat:
    key: str
    label: str
    ok: bool
    detail: str = ""

    @property
    def singkat(self) -> str:
        return SINGKAT[self.key]


SINGKAT = {"sk": "SK", "musdes": "tanggal musyawarah desa", "pengurus": "pengurus", "kader_minimum": "jumlah kader",
           "kader_bidang": "kader tiap bidang"}


def fakta(*where, session=None) -> dict[int, Fakta]:
    """The facts of every Posyandu matching the WHERE clauses, in three grouped queries."""
    session = session or db.session
    facts = {pid: Fakta(pid, desa_kode=kode, sk=bool(nomor and tgl), musdes=musdes is not None)
             for pid, kode, nomor, tgl, musdes in session.execute(
                 select(Posyandu.id, Posyandu.desa_kode, Posyandu.sk_nomor, Posyandu.sk_tanggal,
                        Posyandu.musdes_tanggal).where(*where))}
    if not facts:
        return facts
    kader = session.execute(
        select(Kader.posyandu_id, Kader.bidang, func.count()).join(Posyandu)
        .where(*where, Kader.aktif.is_(True)).group_by(Kader.posyandu_id, Kader.bidang))
    for pid, bidang, n in kader:
        facts[pid].kader_per_bidang[bidang] = n
    pengurus = session.execute(
        select(Pengurus.posyandu_id, Pengurus.jabatan, Pengurus.bidang).join(Posyandu)
        .where(*where, Pengurus.aktif.is_(True)).distinct())
    for pid, jabatan, bidang in pengurus:
        facts[pid].kursi_terisi.add(f"{jabatan}:{bidang}" if jabatan == "koordinator" else jabatan)
    return facts


def periksa(f: Fakta, kader_minimum: int) -> list[Syarat]:
    kursi_kosong = [kursi_label(k) for k in KURSI_PENGURUS if k not in f.kursi_terisi]
    bidang_kosong = [label for key, label in BIDANG.items() if not f.kader_per_bidang.get(key)]
    return [
        Syarat("sk", "SK pembentukan (nomor dan tanggal)", f.sk),
        Syarat("musdes", "Tanggal musyawarah desa", f.musdes),
        Syarat("pengurus", "Pengurus lengkap", not kursi_kosong,
               f"Belum ada: {', '.join(kursi_kosong)}." if kursi_kosong else ""),
        Syarat("kader_minimum", f"Minimal {kader_minimum} kader aktif", f.kader >= kader_minimum,
               f"Baru {f.kader} kader aktif." if f.kader < kader_minimum else ""),
        Syarat("kader_bidang", "Kader di setiap bidang", not bidang_kosong,
               f"Belum ada kader: {', '.join(bidang_kosong)}." if bidang_kosong else ""),
    ]


def lengkap(syarat: list[Syarat]) -> bool:
    return all(s.ok for s in syarat)


def untuk(p: Posyandu, kader_minimum: int) -> list[Syarat]:
    return periksa(fakta(Posyandu.id == p.id)[p.id], kader_minimum)


def semua(posyandu_where, kader_minimum: int) -> dict[int, list[Syarat]]:
    return {pid: periksa(f, kader_minimum) for pid, f in fakta(posyandu_where).items()}


@dataclass
class Baris:
    """A Posyandu on the beranda: what it lacks, for sorting by what needs attention."""
    id: int
    nama: str
    desa_kode: str
    desa_nama: str
    aktif: bool
    syarat: list[Syarat]

    @property
    def kurang(self) -> list[Syarat]:
        return [s for s in self.syarat if not s.ok]


def perlu_perhatian(posyandu_where, kader_minimum: int, q: str = "") -> list[Baris]:
    """Every Posyandu matching the clause, active ones first, the most incomplete first, then by name."""
    stmt = (select(Posyandu.id, Posyandu.nama, Posyandu.desa_kode, Wilayah.nama, Posyandu.aktif)
            .join(Wilayah, Wilayah.kode == Posyandu.desa_kode).where(posyandu_where))
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(func.lower(Posyandu.nama).like(like) | func.lower(Wilayah.nama).like(like))
    rows = db.session.execute(stmt).all()
    checks = semua(Posyandu.id.in_([r[0] for r in rows]), kader_minimum) if rows else {}
    result = [Baris(pid, nama, kode, desa, aktif, checks[pid]) for pid, nama, kode, desa, aktif in rows]
    result.sort(key=lambda b: (not b.aktif, -len(b.kurang), b.desa_nama, b.nama))
    return result
