"""The peserta picker: the kader and pengurus on record in a kegiatan's target, by role, desa and name, or the
current members of the Tim Pembina of the target and of the wilayah within it (a rakor's peserta); and the people
ticked in it, carried across filters and pages until they are added (peserta.add_from_records)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from portal import cari, halaman
from portal.extensions import db
from portal.kegiatan.service import dalam_sasaran
from portal.models.base import baca_id
from portal.models.kegiatan import Kegiatan, Peserta
from portal.models.pembina import AnggotaPembina, KursiPembina, Opd, TimPembina
from portal.models.posyandu import BIDANG, Kader, Pengurus, Posyandu
from portal.models.wilayah import Wilayah, desa_clause, level_of, within_clause

PILIH_MAKS = 2000  # people in one selection: far above a kegiatan's size, and it bounds the queries
TIM_PEMBINA = "tim_pembina"
PILIHAN_PERAN = {"kader": "Semua kader", **{f"kader_{b}": f"Kader {label}" for b, label in BIDANG.items()},
                 "ketua": "Ketua Posyandu", "pengurus": "Semua pengurus", TIM_PEMBINA: "Anggota Tim Pembina"}
# A kegiatan of these kinds, or for these sasaran, takes its peserta from the tims first.
JENIS_TIM, SASARAN_TIM = ("rakor",), ("tp_kabupaten", "tp_kecamatan", "tp_desa")


@dataclass
class Kandidat:
    """A kader or pengurus on record, or a current member of a Tim Pembina, who may be added to a kegiatan. A tim's
    member is listed under the tim's wilayah (desa, desa_kode) with the seat's jabatan (peran) and unsur
    (posyandu)."""
    jenis: str  # kader | pengurus | anggota_pembina (the name of its checkbox)
    id: int
    nama: str
    peran: str
    desa: str
    desa_kode: str
    posyandu: str
    terdaftar: bool
    bidang: str | None = None  # of a kader
    cocok: bool = False  # offered ticked when it looks like the person being registered


def untuk_tim(k: Kegiatan) -> bool:
    """A rakor, or a kegiatan for a Tim Pembina: its peserta are the tims' members first."""
    return k.jenis in JENIS_TIM or any(s in SASARAN_TIM for s in k.sasaran_list)


def peran_bawaan(k: Kegiatan) -> str:
    """The picker starts from the tims' members for a rakor, else from the first sasaran it can list."""
    if untuk_tim(k):
        return TIM_PEMBINA
    return next((s for s in k.sasaran_list if s in PILIHAN_PERAN), "kader")


def pilihan_peran(k: Kegiatan) -> dict[str, str]:
    """The picker's sources in the order offered: the tims' members first for a rakor."""
    if not untuk_tim(k):
        return PILIHAN_PERAN
    return {TIM_PEMBINA: PILIHAN_PERAN[TIM_PEMBINA], **PILIHAN_PERAN}


def _select_tim(k: Kegiatan, q: str = ""):
    """The current holders of the current seats of the current tims whose wilayah is the target or lies within it
    (a kabupaten's rakor takes its own tim and those of its kecamatan and desa), matching the name, tim by tim."""
    where = [TimPembina.aktif.is_(True), KursiPembina.aktif.is_(True), AnggotaPembina.aktif.is_(True),
             within_clause(TimPembina.wilayah_kode, k.wilayah_kode)]
    nama = cari.nama(q, AnggotaPembina.nama)
    if nama is not None:
        where.append(nama)
    fk = Peserta.anggota_pembina_id
    terdaftar = select(fk).where(Peserta.kegiatan_id == k.id, Peserta.aktif.is_(True), fk.is_not(None))
    return (select(AnggotaPembina, KursiPembina, Wilayah, Opd, AnggotaPembina.id.in_(terdaftar))
            .join(KursiPembina, KursiPembina.id == AnggotaPembina.kursi_id)
            .join(TimPembina, TimPembina.id == KursiPembina.tim_id)
            .join(Wilayah, Wilayah.kode == TimPembina.wilayah_kode)
            .outerjoin(Opd, Opd.id == KursiPembina.opd_id)  # the seat's unsur_label, read without a query more
            .where(*where).order_by(TimPembina.wilayah_kode, KursiPembina.urutan, KursiPembina.id,
                                    AnggotaPembina.id))


def _select(k: Kegiatan, peran: str, desa_kode: str = "", q: str = ""):
    """The query of the kader or pengurus on record in the kegiatan's target wilayah (or one desa of it) matching
    the name, in the picker's order, or of the tims' members (no desa filter); and the model it reads."""
    if peran == TIM_PEMBINA:
        return _select_tim(k, q), AnggotaPembina
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
    if model is AnggotaPembina:
        return [Kandidat("anggota_pembina", orang.id, orang.nama, kursi.jabatan_label,
                         f"Tim Pembina {wilayah.nama_lengkap}", wilayah.kode, kursi.unsur_label, bool(sudah))
                for orang, kursi, wilayah, _opd, sudah in rows]
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
    if peran == TIM_PEMBINA or level_of(desa_kode) != 4 or not dalam_sasaran(k, desa_kode):
        return []
    return kandidat(k, peran, desa_kode, q, batas=PILIH_MAKS)[0]


@dataclass
class Centangan:
    """The people ticked in the picker, carried in its form from one filter or page to the next until added."""
    kader: set[int] = field(default_factory=set)
    pengurus: set[int] = field(default_factory=set)
    anggota_pembina: set[int] = field(default_factory=set)

    @classmethod
    def from_form(cls, kader=(), pengurus=(), anggota_pembina=()) -> Centangan:
        ids = lambda values: {i for i in map(baca_id, list(values)[:PILIH_MAKS]) if i is not None}  # noqa: E731
        return cls(ids(kader), ids(pengurus), ids(anggota_pembina))

    def __len__(self) -> int:
        return len(self.kader) + len(self.pengurus) + len(self.anggota_pembina)

    def __contains__(self, c: Kandidat) -> bool:
        return c.id in getattr(self, c.jenis)

    def add(self, orang: list[Kandidat]) -> int:
        """Ticks these (those not yet peserta); returns how many were new to the selection."""
        before = len(self)
        for c in orang:
            if not c.terdaftar and len(self) < PILIH_MAKS:
                getattr(self, c.jenis).add(c.id)
        return len(self) - before


def terpilih(k: Kegiatan, centangan: Centangan) -> tuple[Centangan, list[Kandidat]]:
    """The ticked people as the picker lists them, and the ticks of only those: active, on record inside the
    kegiatan's target (a tim's member: still in the seat of a current tim there) and not yet peserta (the rest of a
    forged or stale selection is dropped here, and refused again when added)."""
    hasil = []
    for jenis, model, ids in (("kader", Kader, centangan.kader), ("pengurus", Pengurus, centangan.pengurus),
                              (TIM_PEMBINA, AnggotaPembina, centangan.anggota_pembina)):
        if ids:
            query, _ = _select(k, jenis)
            hasil += _kandidat(model, db.session.execute(query.where(model.id.in_(sorted(ids)))))
    hasil = [c for c in hasil if not c.terdaftar]
    tetap = Centangan()
    tetap.add(hasil)
    return tetap, hasil
