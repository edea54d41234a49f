"""A monthly report's entry: the draf of a Posyandu and period (its values copied from the year's catalogue), and
saving what the desa types while it may still change it. The steps are workflow.py's. Every change is audited (object
laporan, the report's own history); a refusal changes nothing (DomainError, FormErrors, ConflictError)."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from portal import audit, rules
from portal.alur import all_or_nothing, lock
from portal.bilangan import bulat
from portal.domain import Conflict, DomainError, FormErrors, check_version, commit_or_conflict
from portal.extensions import db
from portal.formatting import hari_ini
from portal.laporan import katalog
from portal.models.laporan import (BIDANG_LAPORAN, PERIODE_POLA, STATUS_LAPORAN, STATUS_SUNTING_LAPORAN, LangkahLaporan,
                                   Laporan, NilaiLaporan)
from portal.models.posyandu import Posyandu

NILAI_MAKS = 100_000  # per indicator and month: far above any Posyandu's month, and it bounds the sums
KADER_HADIR_MAKS = 500
CATATAN_MAKS = 1000


def get(lid: int) -> Laporan | None:
    return db.session.get(Laporan, lid)


def dari(posyandu_id: int, periode: str) -> Laporan | None:
    return db.session.scalar(select(Laporan).where(Laporan.posyandu_id == posyandu_id, Laporan.periode == periode))


def baca_periode(value) -> str:
    """A period as YYYY-MM, not after this month (WITA), or DomainError."""
    text = value.strip() if isinstance(value, str) else ""
    match = re.fullmatch(PERIODE_POLA, text)
    if not match:
        raise DomainError("Periode ditulis TTTT-BB, mis. 2025-10.", "periode")
    today = hari_ini()
    if (int(match[1]), int(match[2])) > (today.year, today.month):
        raise DomainError("Laporan dibuat untuk bulan yang sedang berjalan atau yang sudah lewat.", "periode")
    return text


def _record(actor, action: str, laporan: Laporan, changes: dict) -> None:
    audit.record(actor, action, laporan, wilayah_kode=laporan.desa_kode,
                 changes={"periode": [None, laporan.periode], **changes},
                 on_behalf_of=audit.on_behalf_of(actor, laporan.desa_kode))


@all_or_nothing
def buat_draf(actor, posyandu: Posyandu, periode: str) -> Laporan:
    """The report of the Posyandu for the period, as a draf with the catalogue of its year copied in (one per
    Posyandu and period: a second attempt is refused with the one that exists)."""
    periode = baca_periode(periode)
    if not posyandu.aktif:
        raise DomainError("Posyandu ini sudah dinonaktifkan; laporannya tidak dibuat lagi.")
    if dari(posyandu.id, periode) is not None:
        raise Conflict(f"Laporan {periode} Posyandu ini sudah ada.")
    laporan = Laporan(posyandu_id=posyandu.id, desa_kode=posyandu.desa_kode, periode=periode, status="draf",
                      hari_buka=[], catatan={}, dibuat_oleh_id=actor.id if actor else None)
    for n, ind in enumerate(katalog.untuk(posyandu.desa_kode, int(periode[:4])), 1):
        laporan.nilai.append(NilaiLaporan(kode=ind.kode, bidang=ind.bidang, label=ind.label, satuan=ind.satuan,
                                          jenis=ind.jenis, sumber=ind.sumber, urutan=n))
    db.session.add(laporan)
    try:
        db.session.flush()
    except IntegrityError:  # the same report made a moment earlier elsewhere
        db.session.rollback()
        raise Conflict(f"Laporan {periode} Posyandu ini baru saja dibuat pengguna lain; muat ulang halamannya.") from None
    db.session.add(LangkahLaporan(laporan=laporan, aksi="buat", dari=None, ke="draf",
                                  oleh_id=actor.id if actor else None, peran=actor.role if actor else None))
    _record(actor, "buat", laporan, {"status": [None, "draf"]})
    db.session.commit()
    return laporan


def _hari_buka(values: list, periode: str) -> tuple[list[str], str | None]:
    """The opening days: dates of the period, not after today, each once, in order."""
    days, tahun, bulan = set(), int(periode[:4]), int(periode[5:])
    for value in values[:31]:
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            day = rules.baca_tanggal(value)
        except rules.Invalid as e:
            return [], str(e)
        if (day.year, day.month) != (tahun, bulan):
            return [], f"Tanggal {day:%d-%m-%Y} bukan di bulan {periode}."
        if day > hari_ini():
            return [], f"Tanggal {day:%d-%m-%Y} belum lewat."
        days.add(day)
    return [d.isoformat() for d in sorted(days)], None


def _bilangan(value, high: int) -> tuple[int | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    n = bulat(value, 0, high)
    if n is None:
        return None, f"Tulis bilangan bulat 0 sampai {high:,}".replace(",", ".") + " (angka 0-9)."
    return n, None


@all_or_nothing
def simpan(actor, laporan: Laporan, raw: dict, hari_buka: list, version) -> Laporan:
    """What the desa typed: opening days, kader present, a value per typed indicator (nilai-<kode>), a note per bidang
    (catatan-<bidang>). Only while the report is draf or dikembalikan."""
    check_version(laporan, version)
    laporan = lock(Laporan, laporan.id)
    if laporan.status not in STATUS_SUNTING_LAPORAN:
        raise DomainError(f"Laporan ini berstatus «{STATUS_LAPORAN[laporan.status]}»: isinya tidak diubah lagi.")
    errors: dict[str, str] = {}
    days, why = _hari_buka(list(hari_buka), laporan.periode)
    if why:
        errors["hari_buka"] = why
    kader, why = _bilangan(raw.get("kader_hadir"), KADER_HADIR_MAKS)
    if why:
        errors["kader_hadir"] = why
    nilai = {}
    for n in laporan.nilai:
        if n.sumber != "isian":
            continue
        value, why = _bilangan(raw.get(f"nilai-{n.kode}"), 1 if n.jenis == "ya_tidak" else NILAI_MAKS)
        if why:
            errors[f"nilai-{n.kode}"] = why
        nilai[n.kode] = value
    catatan = {}
    for b in BIDANG_LAPORAN:
        text = rules.text(CATATAN_MAKS)(raw.get(f"catatan-{b}"))
        if text:
            catatan[b] = text
    if errors:
        raise FormErrors(errors)
    before = {"hari_buka": laporan.hari_buka, "kader_hadir": laporan.kader_hadir,
              **{f"nilai-{n.kode}": n.nilai for n in laporan.nilai}, "catatan": laporan.catatan}
    laporan.hari_buka, laporan.kader_hadir, laporan.catatan = days, kader, catatan
    for n in laporan.nilai:
        if n.sumber == "isian":
            n.nilai = nilai[n.kode]
        elif n.sumber == "hari_buka":
            n.nilai = len(days)
        elif n.sumber == "kader_hadir":
            n.nilai = kader
    after = {"hari_buka": days, "kader_hadir": kader, **{f"nilai-{n.kode}": n.nilai for n in laporan.nilai},
             "catatan": catatan}
    if changes := audit.diff(before, after):
        flag_modified(laporan, "catatan")  # the report's version moves with any change, its values' too
        _record(actor, "isi", laporan, {k: v for k, v in changes.items() if not k.startswith("nilai-")}
                | ({"nilai": [None, sum(1 for k in changes if k.startswith("nilai-"))]} if any(
                    k.startswith("nilai-") for k in changes) else {}))
        commit_or_conflict(laporan)
    return laporan


def hari_dalam(periode: str) -> list[date]:
    """The days of the period up to today (the form's choice of opening days)."""
    tahun, bulan = int(periode[:4]), int(periode[5:])
    today = hari_ini()
    out = []
    for d in range(1, 32):
        try:
            day = date(tahun, bulan, d)
        except ValueError:
            break
        if day <= today:
            out.append(day)
    return out
