"""The register of OPD of a provinsi or kabupaten/kota: the offices that carry the bidang SPM, where the members of its
tims (and, later, referrals and juri) come from. Seeded from OPD_BAWAAN, renamed and extended by each region, never
deleted: an office that is gone is set inactive and stays in the history of the seats that named it."""
from __future__ import annotations

from sqlalchemy import func, select

from portal import audit, rules
from portal.alur import all_or_nothing, lock
from portal.domain import FormErrors, check_version, commit_or_conflict
from portal.extensions import db
from portal.models.pembina import OPD_BAWAAN, Opd, pisah_bidang
from portal.models.posyandu import BIDANG
from portal.models.wilayah import Wilayah, anak_dari, level_of
from portal.pembina.service import hitung_ulang_register

ATURAN = {
    "nama": rules.required(rules.text(200)),
    "singkatan": rules.required(rules.text(40)),
}


def daftar(kode: str, semua: bool = False) -> list[Opd]:
    """The register of the region, in its order (the inactive ones too with semua)."""
    stmt = select(Opd).where(Opd.wilayah_kode == kode)
    if not semua:
        stmt = stmt.where(Opd.aktif.is_(True))
    return list(db.session.scalars(stmt.order_by(Opd.urutan, Opd.id)))


def get(oid: int) -> Opd | None:
    return db.session.get(Opd, oid)


def wilayah_pilihan(induk: str) -> list[Wilayah]:
    """The registers to pick below induk: the provinsi (induk ''), or the kabupaten/kota of a provinsi."""
    return list(db.session.scalars(select(Wilayah).where(anak_dari(induk)).order_by(Wilayah.kode)))


def _record(actor, action: str, opd: Opd, changes: dict) -> None:
    audit.record(actor, action, opd, wilayah_kode=opd.wilayah_kode, changes=changes,
                 on_behalf_of=None if actor is None or actor.wilayah_kode == opd.wilayah_kode else opd.wilayah_kode)


def baca(raw: dict, bidang: list[str] | tuple[str, ...]) -> dict:
    """The register's rules: a name, a short name, and bidang from BIDANG (any other key refused)."""
    values, errors = rules.clean(ATURAN, raw)
    asing = [b for b in bidang if b not in BIDANG]
    if asing:
        errors["bidang"] = "Bidang tidak dikenal. Pilihan: " + ", ".join(BIDANG.values()) + "."
    if errors:
        raise FormErrors(errors)
    values["bidang"] = ",".join(pisah_bidang(",".join(bidang)))
    return values


def _singkatan_bebas(kode: str, singkatan: str, own_id: int | None) -> None:
    other = db.session.scalar(select(Opd).where(Opd.wilayah_kode == kode,
                                                func.lower(Opd.singkatan) == singkatan.lower()))
    if other is not None and other.id != own_id:
        raise FormErrors({"singkatan": f"Singkatan «{singkatan}» sudah dipakai {other.nama}."})


def isi_bawaan(actor, kode: str, commit: bool = True) -> int:
    """The default offices a region lacks (by short name), added at the end of its register; returns how many."""
    if level_of(kode) not in (1, 2):
        raise ValueError(f"register OPD hanya untuk provinsi atau kabupaten/kota, bukan {kode}")
    ada = {s.lower() for s in db.session.scalars(select(Opd.singkatan).where(Opd.wilayah_kode == kode))}
    urutan = db.session.scalar(select(func.max(Opd.urutan)).where(Opd.wilayah_kode == kode)) or 0
    n = 0
    for nama, singkatan, bidang in OPD_BAWAAN:
        if singkatan.lower() in ada:
            continue
        urutan += 1
        opd = Opd(wilayah_kode=kode, nama=nama, singkatan=singkatan, bidang=",".join(bidang), urutan=urutan)
        db.session.add(opd)
        db.session.flush()
        _record(actor, "buat", opd, {"nama": [None, nama], "singkatan": [None, singkatan],
                                     "bidang": [None, opd.bidang or None], "sumber": [None, "daftar bawaan"]})
        n += 1
    if n:
        hitung_ulang_register(kode)
    if commit:
        db.session.commit()
    return n


def isi_bawaan_semua(actor=None) -> int:
    """Every provinsi and kabupaten/kota without a register gets the default one (after `flask wilayah import`);
    returns how many regions were seeded."""
    punya = select(Opd.wilayah_kode).distinct()
    kode = list(db.session.scalars(select(Wilayah.kode).where(Wilayah.level.in_((1, 2)), Wilayah.kode.not_in(punya))
                                   .order_by(Wilayah.kode)))
    for k in kode:
        isi_bawaan(actor, k, commit=False)
    db.session.commit()
    return len(kode)


@all_or_nothing
def tambah(actor, kode: str, raw: dict, bidang: list[str]) -> Opd:
    values = baca(raw, bidang)
    _singkatan_bebas(kode, values["singkatan"], None)
    urutan = db.session.scalar(select(func.max(Opd.urutan)).where(Opd.wilayah_kode == kode)) or 0
    opd = Opd(wilayah_kode=kode, urutan=urutan + 1, **values)
    db.session.add(opd)
    db.session.flush()
    hitung_ulang_register(kode)
    _record(actor, "buat", opd, audit.diff({}, values))
    commit_or_conflict(opd)
    return opd


@all_or_nothing
def ubah(actor, opd: Opd, raw: dict, bidang: list[str], version) -> Opd:
    check_version(opd, version)
    opd = lock(Opd, opd.id)
    values = baca(raw, bidang)
    _singkatan_bebas(opd.wilayah_kode, values["singkatan"], opd.id)
    before = {f: getattr(opd, f) for f in values}
    for f, v in values.items():
        setattr(opd, f, v)
    if changes := audit.diff(before, values):
        hitung_ulang_register(opd.wilayah_kode)
        _record(actor, "ubah", opd, changes)
        commit_or_conflict(opd)
    return opd


@all_or_nothing
def set_aktif(actor, opd: Opd, aktif: bool, version) -> Opd:
    """An office leaves the register (or comes back); the seats that name it keep it, their bidang count drops."""
    check_version(opd, version)
    opd = lock(Opd, opd.id)
    if opd.aktif != aktif:
        opd.aktif = aktif
        hitung_ulang_register(opd.wilayah_kode)
        _record(actor, "ubah", opd, {"aktif": [not aktif, aktif]})
        commit_or_conflict(opd)
    return opd
