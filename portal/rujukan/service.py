"""Recording the referral register (issue 16): a new case (catat) and its change while it is still didata (ubah),
each judged by the state machine's table (workflow.ALUR: who may record, in which region) and the register's rules
(bidang and jenis consistent, an active OPD of the Posyandu's kabupaten/kota, a valid NIK or none, bounded texts).
Who sees a case: baca.py.

The audit never holds a NIK in clear (masked like a kader's), and of a confidential case neither the person nor the
description: only that they changed.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select

from portal import audit, rules
from portal.alur import all_or_nothing, lock
from portal.bilangan import bulat
from portal.domain import DomainError, FormErrors, check_version, commit_or_conflict
from portal.extensions import db
from portal.formatting import hari_ini
from portal.models.pembina import Opd
from portal.models.posyandu import BIDANG, Posyandu, mask_nik
from portal.models.rujukan import BIDANG_RAHASIA, JENIS_RUJUKAN, Rujukan
from portal.models.wilayah import ancestors
from portal.rujukan.baca import boleh_lihat, daftar_untuk, get  # noqa: F401  (the service's reads)
from portal.rujukan.workflow import ALUR

URAIAN_MAKS = 2000
# The fields of a case a form sends, and the ones that are the person's or the story's (hidden in a secret's audit).
ISIAN = ("bidang", "jenis", "nama_warga", "nik", "alamat_singkat", "uraian", "opd_id", "dicatat_pada", "rahasia")
PRIBADI = ("nama_warga", "nik", "alamat_singkat", "uraian")
TERSAMAR = "(rahasia)"


def kabupaten_dari(desa_kode: str) -> str:
    return ancestors(desa_kode)[1]


def opd_pilihan(posyandu: Posyandu) -> list[Opd]:
    """The offices a case of this Posyandu may go to: its kabupaten/kota's active register, in its order."""
    return list(db.session.scalars(select(Opd).where(Opd.wilayah_kode == kabupaten_dari(posyandu.desa_kode),
                                                     Opd.aktif.is_(True)).order_by(Opd.urutan, Opd.id)))


# --- the rules of a case --------------------------------------------------------------------------------------------

def _nik(value) -> str | None:
    raw = rules.text(30)(value)
    if raw is None:
        return None
    if not re.fullmatch(r"[0-9]{16}", raw):
        raise rules.Invalid("NIK terdiri dari 16 angka (0-9), tanpa spasi atau tanda baca.")
    return rules.nik(raw)


def _tanggal(value) -> date:
    day = rules.tanggal(value) or hari_ini()
    if day > hari_ini():
        raise rules.Invalid("Tanggal pencatatan belum lewat.")
    return day


ATURAN = {
    "nama_warga": rules.nama,
    "nik": _nik,
    "alamat_singkat": rules.text(200),
    "uraian": rules.required(rules.text(URAIAN_MAKS)),
    "dicatat_pada": _tanggal,
}


def baca(posyandu: Posyandu, raw: dict[str, Any]) -> dict[str, Any]:
    """The values of a case, or FormErrors with the reason beside each field."""
    values, errors = rules.clean(ATURAN, raw)
    bidang = raw.get("bidang") if isinstance(raw.get("bidang"), str) else None
    jenis = raw.get("jenis") if isinstance(raw.get("jenis"), str) else None
    if bidang not in BIDANG:
        errors["bidang"] = "Pilih bidang: " + ", ".join(BIDANG.values()) + "."
    elif jenis not in JENIS_RUJUKAN[bidang]:
        errors["jenis"] = (f"Jenis rujukan bidang {BIDANG[bidang]}: " + ", ".join(JENIS_RUJUKAN[bidang].values())
                           + ".")
    opd_id = bulat(raw.get("opd_id"), 1)
    opd = db.session.get(Opd, opd_id) if opd_id else None
    if opd is None or opd.wilayah_kode != kabupaten_dari(posyandu.desa_kode):
        errors["opd_id"] = "Pilih OPD tujuan dari daftar OPD kabupaten/kota Posyandu ini."
    elif not opd.aktif:
        errors["opd_id"] = f"{opd.nama} sudah tidak aktif di daftar OPD; pilih OPD lain."
    if errors:
        raise FormErrors(errors)
    values.update(bidang=bidang, jenis=jenis, opd_id=opd.id,
                  rahasia=bidang in BIDANG_RAHASIA or raw.get("rahasia") in ("1", "on", True))
    return values


def _snapshot(values: dict[str, Any]) -> dict[str, Any]:
    out = {f: values.get(f) for f in ISIAN}
    out["nik"] = mask_nik(out["nik"]) if out["nik"] else None
    return out


def audit_changes(before: dict[str, Any], after: dict[str, Any], rahasia: bool) -> dict[str, list]:
    """What the audit keeps of a change: the NIK masked; of a confidential case, that the person's data or the story
    changed, never what they say."""
    changes = audit.diff(_snapshot(before), _snapshot(after))
    if rahasia:
        for f in PRIBADI:
            if f in changes:
                changes[f] = [None if v is None else TERSAMAR for v in changes[f]]
    return changes


@all_or_nothing
def catat(actor, posyandu: Posyandu, raw: dict[str, Any]) -> Rujukan:
    """A new case of the Posyandu, in state didata, recorded by the actor (its pelapor)."""
    ALUR.check(actor, posyandu.desa_kode, None, "catat")
    if not posyandu.aktif:
        raise DomainError("Posyandu ini sudah dinonaktifkan; rujukannya tidak dicatat lagi.")
    values = baca(posyandu, raw)
    rujukan = Rujukan(posyandu_id=posyandu.id, desa_kode=posyandu.desa_kode, status="didata",
                      pelapor_id=actor.id if actor else None, **values)
    db.session.add(rujukan)
    db.session.flush()
    ALUR.move(actor, rujukan, "catat", baru=True, wilayah_kode=rujukan.desa_kode,
              changes=audit_changes({}, values, rujukan.rahasia),
              on_behalf_of=audit.on_behalf_of(actor, rujukan.desa_kode))
    db.session.commit()
    return rujukan


@all_or_nothing
def ubah(actor, rujukan: Rujukan, raw: dict[str, Any], version) -> Rujukan:
    """A case changed while it is still didata (before the desa verified it); version: the one the form showed."""
    check_version(rujukan, version)
    rujukan = lock(Rujukan, rujukan.id)
    if actor is not None and not boleh_lihat(actor, rujukan):
        raise DomainError(ALUR.luar_wilayah)
    ALUR.check(actor, rujukan.desa_kode, rujukan.status, "ubah")
    values = baca(rujukan.posyandu, raw)
    before = {f: getattr(rujukan, f) for f in ISIAN}
    rahasia = values["rahasia"] = rujukan.rahasia or values["rahasia"]  # once confidential, always
    for field, value in values.items():
        setattr(rujukan, field, value)
    if changes := audit_changes(before, values, rahasia):
        audit.record(actor, "ubah", rujukan, wilayah_kode=rujukan.desa_kode, changes=changes,
                     on_behalf_of=audit.on_behalf_of(actor, rujukan.desa_kode))
        commit_or_conflict(rujukan)
    return rujukan
