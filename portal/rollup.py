"""Every count the public and the kabupaten see: one home, real queries, traceable to records.

Only active records count: active Posyandu, and the active kader and pengurus of active Posyandu.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, join, select

from portal.extensions import db
from portal.models.posyandu import BIDANG, Kader, Pengurus, Posyandu
from portal.models.wilayah import KODE_LENGTH, Wilayah, level_of, within_clause
from portal.posyandu import kelengkapan


@dataclass
class Counts:
    desa: int = 0
    posyandu: int = 0
    kader: int = 0
    pengurus: int = 0
    pilot: int = 0
    # Complete profiles: only counted when asked for (it judges every Posyandu of the region).
    lengkap: int | None = None


@dataclass
class ChildRow:
    wilayah: Wilayah
    counts: Counts


def _active_posyandu(kode: str):
    return [Posyandu.aktif.is_(True), within_clause(Posyandu.desa_kode, kode)]


def _sources(kode: str):
    """For each count: the code column it is grouped by, the rows it counts, and their conditions inside kode."""
    return {
        "desa": (Wilayah.kode, Wilayah.__table__, [Wilayah.level == 4, within_clause(Wilayah.kode, kode)]),
        "posyandu": (Posyandu.desa_kode, Posyandu.__table__, _active_posyandu(kode)),
        "kader": (Posyandu.desa_kode, join(Kader.__table__, Posyandu.__table__),
                  [Kader.aktif.is_(True), *_active_posyandu(kode)]),
        "pengurus": (Posyandu.desa_kode, join(Pengurus.__table__, Posyandu.__table__),
                     [Pengurus.aktif.is_(True), *_active_posyandu(kode)]),
        "pilot": (Posyandu.desa_kode, Posyandu.__table__, [Posyandu.pilot.is_(True), *_active_posyandu(kode)]),
    }


def _lengkap(kode: str, kader_minimum: int) -> list[str]:
    """The desa codes of the complete active Posyandu in the region, one entry per Posyandu."""
    facts = kelengkapan.fakta(*_active_posyandu(kode))
    return [f.desa_kode for f in facts.values() if kelengkapan.lengkap(kelengkapan.periksa(f, kader_minimum))]


def totals(kode: str = "", kader_minimum: int | None = None) -> Counts:
    """The counts of a whole region ('' = the whole country); complete profiles too when kader_minimum is given."""
    counts = {name: db.session.scalar(select(func.count()).select_from(source).where(*where)) or 0
              for name, (_column, source, where) in _sources(kode).items()}
    if kader_minimum is not None:
        counts["lengkap"] = len(_lengkap(kode, kader_minimum))
    return Counts(**counts)


def children(kode: str = "", kader_minimum: int | None = None) -> list[ChildRow]:
    """Each child region of kode with its counts, in code order; complete profiles too when kader_minimum is given."""
    child_len = KODE_LENGTH[level_of(kode) + 1]
    kids = db.session.scalars(select(Wilayah).where(
        Wilayah.parent_kode == kode if kode else Wilayah.level == 1).order_by(Wilayah.kode)).all()
    grouped = {}
    for name, (column, source, where) in _sources(kode).items():
        key = func.substr(column, 1, child_len)
        grouped[name] = dict(db.session.execute(
            select(key, func.count()).select_from(source).where(*where).group_by(key)).all())
    if kader_minimum is not None:
        grouped["lengkap"] = Counter(desa[:child_len] for desa in _lengkap(kode, kader_minimum))
    return [ChildRow(w, Counts(**{name: counts.get(w.kode, 0) for name, counts in grouped.items()})) for w in kids]


def kader_per_bidang(kode: str = "") -> dict[str, int]:
    """Active kader of active Posyandu in the region, per bidang, in the order of the six bidang."""
    rows = dict(db.session.execute(
        select(Kader.bidang, func.count()).join(Posyandu)
        .where(Kader.aktif.is_(True), *_active_posyandu(kode)).group_by(Kader.bidang)).all())
    return {b: rows.get(b, 0) for b in BIDANG}
