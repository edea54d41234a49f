"""Every count the public and the kabupaten see: one home, real queries, traceable to records."""
from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import func, join, select

from portal.extensions import db
from portal.models.posyandu import Kader, Posyandu
from portal.models.wilayah import KODE_LENGTH, Wilayah, level_of, within_clause


@dataclass
class Counts:
    desa: int = 0
    posyandu: int = 0
    kader: int = 0


@dataclass
class ChildRow:
    wilayah: Wilayah
    counts: Counts


def _sources(kode: str):
    """For each count: the code column it is grouped by, the rows it counts, and their conditions inside kode."""
    return {
        "desa": (Wilayah.kode, Wilayah.__table__,
                 [Wilayah.level == 4, within_clause(Wilayah.kode, kode)]),
        "posyandu": (Posyandu.desa_kode, Posyandu.__table__,
                     [Posyandu.aktif.is_(True), within_clause(Posyandu.desa_kode, kode)]),
        "kader": (Posyandu.desa_kode, join(Kader.__table__, Posyandu.__table__),
                  [Kader.aktif.is_(True), Posyandu.aktif.is_(True), within_clause(Posyandu.desa_kode, kode)]),
    }


def totals(kode: str = "") -> Counts:
    """Desa/kelurahan, active Posyandu and active kader inside a region ('' = the whole country)."""
    return Counts(**{
        name: db.session.scalar(select(func.count()).select_from(source).where(*where)) or 0
        for name, (_column, source, where) in _sources(kode).items()
    })


def children(kode: str = "") -> list[ChildRow]:
    """Each child region of kode with its counts, in code order."""
    child_len = KODE_LENGTH[level_of(kode) + 1]
    kids = db.session.scalars(select(Wilayah).where(
        Wilayah.parent_kode == kode if kode else Wilayah.level == 1).order_by(Wilayah.kode)).all()
    grouped = {}
    for name, (column, source, where) in _sources(kode).items():
        key = func.substr(column, 1, child_len)
        grouped[name] = dict(db.session.execute(
            select(key, func.count()).select_from(source).where(*where).group_by(key)).all())
    return [ChildRow(w, Counts(**{f.name: grouped[f.name].get(w.kode, 0) for f in fields(Counts)})) for w in kids]
