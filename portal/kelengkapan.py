"""Kelengkapan: what a Posyandu still lacks for registration. Computed from the records (only the verdict,
posyandu.lengkap, is kept, by rekap.py).

The facts are gathered by one set of queries for any number of Posyandu; one function judges them (periksa). The
beranda sorts a whole region by how many syarat each Posyandu lacks before it fetches one page: dengan_kurang() has
that count as SQL, beside periksa() whose rules it restates (tests/test_kelengkapan.py holds them equal).
KADER_MINIMUM is read here from the configuration; a caller may still pass its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, has_app_context
from sqlalchemy import case, distinct, func, literal, select

from portal import cari, halaman
from portal.extensions import db
from portal.models.posyandu import BIDANG, JABATAN, Kader, Pengurus, Posyandu
from portal.models.wilayah import Wilayah

DEFAULT_KADER_MINIMUM = 15  # config.KADER_MINIMUM, for code run outside the application (a bare script)

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


def kader_minimum(override: int | None = None) -> int:
    """The number of active kader a complete Posyandu has: the configuration's KADER_MINIMUM unless overridden."""
    if override is not None:
        return override
    return current_app.config["KADER_MINIMUM"] if has_app_context() else DEFAULT_KADER_MINIMUM


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


def periksa(f: Fakta, minimum: int | None = None) -> list[Syarat]:
    """The syarat of one Posyandu, each met or not (minimum: KADER_MINIMUM unless given)."""
    minimum = kader_minimum(minimum)
    kursi_kosong = [kursi_label(k) for k in KURSI_PENGURUS if k not in f.kursi_terisi]
    bidang_kosong = [label for key, label in BIDANG.items() if not f.kader_per_bidang.get(key)]
    return [
        Syarat("sk", "SK pembentukan (nomor dan tanggal)", f.sk),
        Syarat("musdes", "Tanggal musyawarah desa", f.musdes),
        Syarat("pengurus", "Pengurus lengkap", not kursi_kosong,
               f"Belum ada: {', '.join(kursi_kosong)}." if kursi_kosong else ""),
        Syarat("kader_minimum", f"Minimal {minimum} kader aktif", f.kader >= minimum,
               f"Baru {f.kader} kader aktif." if f.kader < minimum else ""),
        Syarat("kader_bidang", "Kader di setiap bidang", not bidang_kosong,
               f"Belum ada kader: {', '.join(bidang_kosong)}." if bidang_kosong else ""),
    ]


def lengkap(syarat: list[Syarat]) -> bool:
    return all(s.ok for s in syarat)


def untuk(p: Posyandu, minimum: int | None = None) -> list[Syarat]:
    return periksa(fakta(Posyandu.id == p.id)[p.id], minimum)


def semua(posyandu_where, minimum: int | None = None) -> dict[int, list[Syarat]]:
    minimum = kader_minimum(minimum)
    return {pid: periksa(f, minimum) for pid, f in fakta(posyandu_where).items()}


def dengan_kurang(stmt, minimum: int | None = None):
    """stmt (a SELECT from Posyandu) with one more column, kurang: how many syarat of periksa() the Posyandu fails,
    counted by the database (per Posyandu, through the kader and pengurus indexes on posyandu_id). Returns (the
    statement, the kurang expression, to order by)."""
    minimum = kader_minimum(minimum)
    kader = select(func.count()).where(Kader.posyandu_id == Posyandu.id, Kader.aktif.is_(True))
    bidang = (select(func.count(distinct(Kader.bidang)))
              .where(Kader.posyandu_id == Posyandu.id, Kader.aktif.is_(True), Kader.bidang.in_(list(BIDANG))))
    kursi = case((Pengurus.jabatan == "koordinator", literal("koordinator:") + func.coalesce(Pengurus.bidang, "")),
                 else_=Pengurus.jabatan)
    pengurus = (select(func.count(distinct(kursi)))
                .where(Pengurus.posyandu_id == Posyandu.id, Pengurus.aktif.is_(True), kursi.in_(KURSI_PENGURUS)))

    def gagal(ok):
        return case((ok, 0), else_=1)
    kurang = (gagal(Posyandu.sk_nomor.is_not(None) & (Posyandu.sk_nomor != "") & Posyandu.sk_tanggal.is_not(None))
              + gagal(Posyandu.musdes_tanggal.is_not(None))
              + gagal(pengurus.scalar_subquery() >= len(KURSI_PENGURUS))
              + gagal(kader.scalar_subquery() >= minimum)
              + gagal(bidang.scalar_subquery() >= len(BIDANG)))
    return stmt.add_columns(kurang.label("kurang")), kurang


@dataclass
class Perhatian:
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


@dataclass
class DaftarPerhatian:
    """The beranda's list: one page of it (halaman.Halaman of Perhatian), and counts of the whole list."""
    halaman: halaman.Halaman
    lengkap: int  # active and complete
    nonaktif: int


def perlu_perhatian(posyandu_where, q: str = "", nomor: int | None = None, minimum: int | None = None
                    ) -> DaftarPerhatian:
    """The Posyandu matching the clause (and the name search q: cari.posyandu), active ones first, the most
    incomplete first, then by desa and name: one page of them (nomor: the page, from the URL when None).
    The database judges the whole list once (a materialized CTE: every Posyandu's kurang, counted once) and sorts
    it; the page's rows carry the counts of the whole list (window sums); the syarat are read for the page only."""
    minimum = kader_minimum(minimum)
    where = [posyandu_where]
    if (dicari := cari.posyandu(q)) is not None:
        where.append(dicari)
    total = db.session.scalar(select(func.count()).select_from(Posyandu).where(*where))
    base, _ = dengan_kurang(
        select(Posyandu.id, Posyandu.nama, Posyandu.desa_kode, Wilayah.nama.label("desa_nama"), Posyandu.aktif)
        .join(Wilayah, Wilayah.kode == Posyandu.desa_kode).where(*where), minimum)
    listed = base.cte("perhatian").prefix_with("MATERIALIZED")
    c = listed.c
    counts = {"lengkap": 0, "nonaktif": 0}

    def ambil(limit: int, offset: int) -> list[Perhatian]:
        rows = db.session.execute(
            select(listed, func.sum(case((c.aktif & (c.kurang == 0), 1), else_=0)).over().label("lengkap"),
                   func.sum(case((c.aktif, 0), else_=1)).over().label("nonaktif"))
            .order_by(c.aktif.desc(), c.kurang.desc(), c.desa_nama, c.nama, c.id).limit(limit).offset(offset)).all()
        if not rows:
            return []
        counts.update(lengkap=rows[0].lengkap, nonaktif=rows[0].nonaktif)
        checks = semua(Posyandu.id.in_([r.id for r in rows]), minimum)
        return [Perhatian(r.id, r.nama, r.desa_kode, r.desa_nama, r.aktif, checks[r.id]) for r in rows]
    page = halaman.paginate_rows(total, ambil, nomor)
    return DaftarPerhatian(page, counts["lengkap"], counts["nonaktif"])
