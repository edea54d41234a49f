"""The staff list of monthly reports (issue 16): the Posyandu of the user's region with their report of one period,
the role's own queue first, and the counts per status. Read only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, case, func, or_, select, true

from portal import halaman
from portal.domain import DomainError
from portal.extensions import db
from portal.formatting import BULAN_PANJANG, hari_ini
from portal.laporan import service
from portal.models.laporan import STATUS_LAPORAN, Laporan
from portal.models.posyandu import Posyandu
from portal.models.wilayah import Wilayah

# What each role acts on (its queue, shown first); "belum": no report yet.
ANTRIAN = {"desa": ("belum", "draf", "dikembalikan"), "admin": ("belum", "draf", "dikembalikan"),
           "kecamatan": ("dikirim",), "kabupaten": ("diterima_kecamatan",)}
STATUS_DAFTAR = {"belum": "Belum dibuat", **STATUS_LAPORAN}


@dataclass
class Baris:
    posyandu_id: int
    nama: str
    desa_kode: str
    desa: str
    laporan_id: int | None
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_DAFTAR[self.status]


def periode_bawaan() -> str:
    """Last month in WITA: the report a Posyandu writes now."""
    last = hari_ini().replace(day=1) - timedelta(days=1)
    return f"{last:%Y-%m}"


def pilihan_periode(n: int = 12) -> list[tuple[str, str]]:
    """The last n months, this one first: (YYYY-MM, "Oktober 2025")."""
    d, out = hari_ini().replace(day=1), []
    for _ in range(n):
        out.append((f"{d:%Y-%m}", f"{BULAN_PANJANG[d.month - 1]} {d.year}"))
        d = (d - timedelta(days=1)).replace(day=1)
    return out


def baca(value) -> str:
    """The period asked for, or the default one when missing or not a period."""
    try:
        return service.baca_periode(value) if value else periode_bawaan()
    except DomainError:  # a bad period in the URL shows the default one
        return periode_bawaan()


def _dalam(scope: str | None):
    if not scope:
        return true()
    return or_(Posyandu.desa_kode == scope, Posyandu.desa_kode.startswith(scope + "."))


def _status():
    return func.coalesce(Laporan.status, "belum")


def _dasar(user, periode: str):
    return (select(Posyandu.id, Posyandu.nama, Posyandu.desa_kode, Wilayah.nama, Laporan.id, _status())
            .join(Wilayah, Wilayah.kode == Posyandu.desa_kode)
            .outerjoin(Laporan, and_(Laporan.posyandu_id == Posyandu.id, Laporan.periode == periode))
            .where(_dalam(user.scope), or_(Posyandu.aktif.is_(True), Laporan.id.is_not(None))))


def hitungan(user, periode: str) -> dict[str, int]:
    base = _dasar(user, periode).subquery()
    rows = db.session.execute(select(base.c[5], func.count()).group_by(base.c[5])).all()
    counts = {s: 0 for s in STATUS_DAFTAR}
    for status, n in rows:
        counts[status] = n
    return counts


def daftar(user, periode: str) -> halaman.Halaman:
    antrian = ANTRIAN.get(user.role, ())
    urut = case((_status().in_(antrian), 0), else_=1) if antrian else None
    stmt = _dasar(user, periode)
    stmt = stmt.order_by(*([urut] if urut is not None else []), Posyandu.desa_kode, Posyandu.nama, Posyandu.id)
    h = halaman.paginate(stmt, scalars=False)
    h.items = [Baris(*row) for row in h.items]
    return h


def antrian(user) -> tuple[str, ...]:
    return ANTRIAN.get(user.role, ())

