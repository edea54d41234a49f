"""Who sees what of the referral register (issue 16):
- a case: the staff whose region holds its Posyandu's desa (desa, kecamatan, kabupaten, admin; not a penyelenggara);
- a confidential case (rahasia: trantibumlinmas, or marked so when recorded): only PEMBACA_RAHASIA — "the desa
  head's account and above" (DOMAIN.md §9: the Kades approves before anything goes further): desa, kecamatan,
  kabupaten and admin. The roles to come (a Posyandu's own kader account, an OPD) do not see it, nor its reporter;
  whoever may not see it does not find it at all (not in lists, not by its number: 404);
- who reported a case (pelapor): PEMBACA_RAHASIA only, for every case;
- the person's name, masked NIK and address: those who keep a region's personal data (access.may_see_personal_data).
"""
from __future__ import annotations

from sqlalchemy import Select, false, select

from portal import access
from portal.extensions import db
from portal.models.rujukan import Rujukan
from portal.models.wilayah import desa_clause

PEMBACA = ("desa", "kecamatan", "kabupaten", "admin")
PEMBACA_RAHASIA = ("desa", "kecamatan", "kabupaten", "admin")


def get(rid: int) -> Rujukan | None:
    return db.session.get(Rujukan, rid)


def boleh_lihat(user, rujukan: Rujukan) -> bool:
    """May the user see this case (else: 404)?"""
    return (access.in_scope(user, rujukan.desa_kode) and user.role in PEMBACA
            and (not rujukan.rahasia or user.role in PEMBACA_RAHASIA))


def pelapor_untuk(user, rujukan: Rujukan):
    """Who reported the case, for this user: the account, or None when it is not theirs to know."""
    return rujukan.pelapor if boleh_lihat(user, rujukan) and user.role in PEMBACA_RAHASIA else None


def data_pribadi_untuk(user, rujukan: Rujukan) -> bool:
    """May the user see the person's name, masked NIK and address?"""
    return boleh_lihat(user, rujukan) and access.may_see_personal_data(user, rujukan.desa_kode)


def daftar_untuk(user, *, posyandu_id: int | None = None, status: str | None = None,
                 bidang: str | None = None) -> Select:
    """SELECT of the cases the user may see, newest first; narrowed by Posyandu, state or bidang when given."""
    stmt = select(Rujukan)
    if not access.is_staff(user) or user.role not in PEMBACA:
        return stmt.where(false())
    stmt = stmt.where(desa_clause(Rujukan.desa_kode, user.scope))
    if user.role not in PEMBACA_RAHASIA:
        stmt = stmt.where(Rujukan.rahasia.is_(False))
    if posyandu_id is not None:
        stmt = stmt.where(Rujukan.posyandu_id == posyandu_id)
    if status is not None:
        stmt = stmt.where(Rujukan.status == status)
    if bidang is not None:
        stmt = stmt.where(Rujukan.bidang == bidang)
    return stmt.order_by(Rujukan.dicatat_pada.desc(), Rujukan.id.desc())
