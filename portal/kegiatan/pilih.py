"""The peserta picker: the kader and pengurus on record in a kegiatan's target, by role, desa and name, and the
people ticked in it, carried across filters and pages until they are added (peserta.add_from_records)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from portal import cari, halaman
from portal.extensions import db
from portal.kegiatan.service import dalam_sasaran
from portal.models.base import baca_id
from portal.models.kegiatan import Kegiatan, Peserta
from portal.models.posyandu import BIDANG, Kader, Pengurus, Posyandu
from portal.models.wilayah import Wilayah, desa_clause, level_of

PILIH_MAKS = 2000  # people in one selection: far above a kegiatan's size, and it bounds the queries
PILIHAN_PERAN = {"kader": "Semua kader", **{f"kader_{b}": f"Kader {label}" for b, label in BIDANG.items()},
                 "ketua": "Ketua Posyandu", "pengurus": "Semua pengurus"}


@dataclass
class Kandidat:
    """A kader or pengurus on record who may be added to a kegiatan."""
    jenis: str  # kader | pengurus
    id: int
    nama: str
    peran: str
    desa: str
    desa_kode: str
    posyandu: str
    terdaftar: bool
    bidang: str | None = None  # of a kader
    cocok: bool = False  # offered ticked when it looks like the person being registered


def peran_bawaan(k: Kegiatan) -> str:
    """The picker starts from the first sasaran it can list."""
    return next((s for s in k.sasaran_list if s in PILIHAN_PERAN), "kader")


def _select(k: Kegiatan, peran: str, desa_kode: str = "", q: str = ""):
    """The query of the kader or pengurus on record in the kegiatan's target wilayah (or one desa of it) matching
    the name, in the picker's order; and the model it reads."""
    where = [Posyandu.aktif.is_(True), desa_clause(Posyandu.desa_kode, desa_kode if desa_kode and
                                                    dalam_sasaran(k, desa_kode) else k.wilayah_kode)]
    if peran.startswith("kader"):
        model, fk = Kader, Peserta.kader_id
        where += [Kader.aktif.is_(True)]
        if peran != "kader":
            where.append(Kader.bidang == peran.removeprefix("kader_"))
    else:
        model, fk = Pengurus, Peserta.pengurus_id
        where += [Pengurus.aktif.is_(True)]
        if peran == "ketua":
            where.append(Pengurus.jabatan == "ketua")
    nama = cari.nama(q, model.nama)
    if nama is not None:
        where.append(nama)
    terdaftar = select(fk).where(Peserta.kegiatan_id == k.id, Peserta.aktif.is_(True), fk.is_not(None))
    query = (select(model, Posyandu.nama, Wilayah.nama, Wilayah.kode, model.id.in_(terdaftar))
             .join(Posyandu, Posyandu.id == model.posyandu_id).join(Wilayah, Wilayah.kode == Posyandu.desa_kode)
             .where(*where).order_by(Posyandu.desa_kode, Posyandu.nama, model.nama, model.id))
    return query, model


def _kandidat(model, rows) -> list[Kandidat]:
    return [Kandidat("kader" if model is Kader else "pengurus", person.id, person.nama,
                     f"Kader {BIDANG[person.bidang]}" if model is Kader else person.jabatan_label,
                     desa, kode, posyandu, bool(sudah), person.bidang if model is Kader else None)
            for person, posyandu, desa, kode, sudah in rows]


def kandidat(k: Kegiatan, peran: str, desa_kode: str = "", q: str = "",
             batas: int = 300) -> tuple[list[Kandidat], bool]:
    """The kader or pengurus on record in the kegiatan's target wilayah (or one desa of it) matching the name; and
    whether there were more than batas."""
    query, model = _select(k, peran, desa_kode, q)
    rows = db.session.execute(query.limit(batas + 1)).all()
    return _kandidat(model, rows[:batas]), len(rows) > batas


def halaman_kandidat(k: Kegiatan, peran: str, desa_kode: str, q: str, nomor: int) -> halaman.Halaman:
    """One page of the picker's list (a page past the last shows the last)."""
    query, model = _select(k, peran, desa_kode, q)
    page = halaman.paginate(query, nomor, scalars=False)
    page.items = _kandidat(model, page.items)
    return page


def semua_di_desa(k: Kegiatan, peran: str, desa_kode: str, q: str) -> list[Kandidat]:
    """Everyone matching in one desa of the target, every page of it: 'pilih semua di desa ini'."""
    if level_of(desa_kode) != 4 or not dalam_sasaran(k, desa_kode):
        return []
    return kandidat(k, peran, desa_kode, q, batas=PILIH_MAKS)[0]


@dataclass
class Centangan:
    """The people ticked in the picker, carried in its form from one filter or page to the next until added."""
    kader: set[int] = field(default_factory=set)
    pengurus: set[int] = field(default_factory=set)

    @classmethod
    def from_form(cls, kader=(), pengurus=()) -> Centangan:
        ids = lambda values: {i for i in map(baca_id, list(values)[:PILIH_MAKS]) if i is not None}  # noqa: E731
        return cls(ids(kader), ids(pengurus))

    def __len__(self) -> int:
        return len(self.kader) + len(self.pengurus)

    def __contains__(self, c: Kandidat) -> bool:
        return c.id in (self.kader if c.jenis == "kader" else self.pengurus)

    def add(self, orang: list[Kandidat]) -> int:
        """Ticks these (those not yet peserta); returns how many were new to the selection."""
        before = len(self)
        for c in orang:
            if not c.terdaftar and len(self) < PILIH_MAKS:
                (self.kader if c.jenis == "kader" else self.pengurus).add(c.id)
        return len(self) - before


def terpilih(k: Kegiatan, centangan: Centangan) -> tuple[Centangan, list[Kandidat]]:
    """The ticked people as the picker lists them, and the ticks of only those: active, on record inside the
    kegiatan's target and not yet peserta (the rest of a forged or stale selection is dropped here, and refused
    again when added)."""
    hasil = []
    for jenis, model, ids in (("kader", Kader, centangan.kader), ("pengurus", Pengurus, centangan.pengurus)):
        if ids:
            query, _ = _select(k, jenis)
            hasil += _kandidat(model, db.session.execute(query.where(model.id.in_(sorted(ids)))))
    hasil = [c for c in hasil if not c.terdaftar]
    tetap = Centangan()
    tetap.add(hasil)
    return tetap, hasil
