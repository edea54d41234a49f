"""The kegiatan itself: its rules, creating, changing and cancelling it, and the list of them. Peserta, the picker,
attendance and the sertifikat have their own modules (peserta, pilih, hadir, sertifikat).

Views check access first (portal/access.py); these functions enforce the domain rules, refuse stale saves, keep
Peserta.hari_hadir/lulus and the rekap's trained-kader count in step, and audit every change in the same transaction.
Each one that changes data commits once, or changes nothing and raises DomainError.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import case, func, select

from portal import audit, formatting, halaman, rules
from portal.bilangan import bulat
from portal.domain import DomainError, FormErrors, check_version, commit_or_conflict
from portal.extensions import db
from portal.formatting import tanggal as tanggal_id
from portal.kegiatan import sertifikat
from portal.models.kegiatan import JENIS_KEGIATAN, SASARAN, Kegiatan, Kehadiran, Peserta, hari_antara
from portal.models.wilayah import kode_within, within_clause
from portal.wilayah_baca import get as wilayah_dari_kode
from portal.wilayah_baca import parse_kode

TANGGAL_PALING_AWAL = date(2020, 1, 1)
# A change to these re-judges every peserta's sertifikat.
PENENTU_LULUS = frozenset({"jenis", "tanggal_mulai", "tanggal_selesai", "syarat_hadir"})


def _tanggal_kegiatan(value) -> date | None:
    """A kegiatan may lie in the future, unlike the dates of a profile."""
    result = rules.baca_tanggal(value)
    if result is not None and not TANGGAL_PALING_AWAL <= result <= formatting.hari_ini() + timedelta(days=2 * 366):
        raise rules.Invalid("Tanggal harus antara tahun 2020 dan dua tahun ke depan.")
    return result


def _bilangan(low: int, high: int, what: str):
    def clean(value) -> int | None:
        raw = rules.text(1000)(value)
        if raw is None:
            return None
        number = bulat(raw, low, high)
        if number is None:
            raise rules.Invalid(f"{what} harus bilangan bulat {low}–{high}.")
        return number
    return clean


KEGIATAN = {
    "jenis": rules.required(rules.choice(JENIS_KEGIATAN, "Jenis kegiatan")),
    "judul": rules.required(rules.text(200)),
    "penyelenggara": rules.required(rules.text(200)),
    "tempat": rules.required(rules.text(200)),
    "tanggal_mulai": rules.required(_tanggal_kegiatan),
    "tanggal_selesai": _tanggal_kegiatan,
    "kuota": _bilangan(1, 10_000, "Kuota"),
    "syarat_hadir": _bilangan(1, 60, "Syarat kehadiran"),
    "penandatangan": rules.text(120),
    "jabatan_penandatangan": rules.text(200),
    "keterangan": rules.text(1000),
}


def _clean(actor, raw: dict[str, Any]) -> dict[str, Any]:
    values, errors = rules.clean(KEGIATAN, raw)
    kode = parse_kode(raw.get("wilayah_kode"))
    wilayah = wilayah_dari_kode(kode)
    if wilayah is None:
        errors["wilayah_kode"] = "Tulis kode wilayah sasaran yang ada, mis. 63.09.12 untuk satu kecamatan."
    elif not kode_within(kode, actor.scope):
        errors["wilayah_kode"] = "Wilayah sasaran harus di dalam wilayah kerja Anda."
    values["wilayah_kode"] = kode
    sasaran = [s for s in raw.get("sasaran") or [] if s in SASARAN]
    if not sasaran:
        errors["sasaran"] = "Pilih minimal satu sasaran peserta."
    values["sasaran"] = ",".join(s for s in SASARAN if s in sasaran)
    mulai, selesai = values.get("tanggal_mulai"), values.get("tanggal_selesai")
    if mulai and not selesai and "tanggal_selesai" not in errors:
        values["tanggal_selesai"] = selesai = mulai
    if mulai and selesai:
        days = (selesai - mulai).days + 1
        maks = current_app.config["KEGIATAN_MAKS_HARI"]
        if days < 1:
            errors["tanggal_selesai"] = "Tanggal selesai tidak boleh sebelum tanggal mulai."
        elif days > maks:
            errors["tanggal_selesai"] = f"Satu kegiatan paling lama {maks} hari."
        elif values.get("syarat_hadir") and values["syarat_hadir"] > days:
            errors["syarat_hadir"] = f"Kegiatan ini {days} hari: syarat kehadiran paling banyak {days} hari."
    if errors:
        raise FormErrors(errors)
    return values


def write_audit(actor, action: str, obj, k: Kegiatan, changes: dict | None = None) -> None:
    """The audit entry of a change to kegiatan k: the event, one of its peserta or one mark."""
    audit.record(actor, action, obj, wilayah_kode=k.wilayah_kode, changes=changes, kegiatan_id=k.id)


# --- reading --------------------------------------------------------------------------------------------------------

def get(kid: int) -> Kegiatan | None:
    return db.session.get(Kegiatan, kid)


def _daftar_select(where, today: date):
    jumlah = (select(func.count()).select_from(Peserta)
              .where(Peserta.kegiatan_id == Kegiatan.id, Peserta.aktif.is_(True)).scalar_subquery())
    lewat = Kegiatan.tanggal_selesai < today
    return (select(Kegiatan, jumlah).where(where)
            .order_by(case((lewat, 1), else_=0), case((lewat, None), else_=Kegiatan.tanggal_mulai),
                      Kegiatan.tanggal_mulai.desc(), Kegiatan.id.desc()))


def daftar_kegiatan(where, today: date, limit: int) -> list[tuple[Kegiatan, int]]:
    """The first kegiatan matching where with their number of peserta: running and coming ones first (soonest
    first), then the past ones (latest first)."""
    return [tuple(row) for row in db.session.execute(_daftar_select(where, today).limit(limit))]


def halaman_kegiatan(where, today: date, nomor: int) -> halaman.Halaman:
    """One page of that list: rows of (kegiatan, number of peserta)."""
    return halaman.paginate(_daftar_select(where, today), nomor, scalars=False)


def jumlah_peserta(k: Kegiatan) -> int:
    return db.session.scalar(select(func.count()).select_from(Peserta)
                             .where(Peserta.kegiatan_id == k.id, Peserta.aktif.is_(True)))


def riwayat_orang(jenis: str, person_id: int) -> list[Peserta]:
    """The kegiatan a kader or pengurus on record took part in, newest first."""
    fk = Peserta.kader_id if jenis == "kader" else Peserta.pengurus_id
    return list(db.session.scalars(select(Peserta).join(Kegiatan).where(fk == person_id, Peserta.aktif.is_(True))
                                   .order_by(Kegiatan.tanggal_mulai.desc(), Kegiatan.id.desc())))


def dalam_sasaran(k: Kegiatan, kode: str | None) -> bool:
    """Whether a region lies inside the kegiatan's target wilayah."""
    return kode_within(kode, k.wilayah_kode)


# --- changing -------------------------------------------------------------------------------------------------------

def create(actor, raw: dict[str, Any]) -> Kegiatan:
    values = _clean(actor, raw)
    k = Kegiatan(**values, dibuat_oleh_id=actor.id if actor else None)
    db.session.add(k)
    db.session.flush()
    write_audit(actor, "buat", k, k, audit.diff({}, values))
    db.session.commit()
    return k


def _refusals(k: Kegiatan, values: dict[str, Any]) -> dict[str, str]:
    """Why these values cannot replace the kegiatan's: days that hold attendance dropped, a quota below the peserta
    listed, a target that leaves a peserta outside."""
    errors = {}
    hari_baru = set(hari_antara(values["tanggal_mulai"], values["tanggal_selesai"]))
    tercatat = set(db.session.scalars(select(Kehadiran.tanggal).distinct().join(Peserta)
                                      .where(Peserta.kegiatan_id == k.id)))
    hilang = sorted(tercatat - hari_baru)
    if hilang:
        errors["tanggal_mulai"] = ("Kehadiran sudah tercatat pada " + ", ".join(tanggal_id(d) for d in hilang)
                                   + ": hari itu tidak dapat dihapus dari kegiatan.")
    jumlah = jumlah_peserta(k)
    if values["kuota"] is not None and values["kuota"] < jumlah:
        errors["kuota"] = f"Sudah ada {jumlah} peserta: kuota tidak boleh kurang dari itu."
    outside = db.session.scalar(select(Peserta.nama).where(Peserta.kegiatan_id == k.id, Peserta.aktif.is_(True),
                                                            ~within_clause(Peserta.asal_kode, values["wilayah_kode"]))
                                .limit(1))
    if outside:
        errors["wilayah_kode"] = f"Peserta {outside} berasal dari luar wilayah itu: wilayah sasaran tidak dapat " \
                                 "dipersempit selama mereka terdaftar."
    return errors


def update(actor, k: Kegiatan, raw: dict[str, Any], version) -> Kegiatan:
    """Changes the kegiatan. Days that already hold attendance cannot be dropped; the quota cannot fall below the
    peserta already listed. A new rule or new days re-judge every peserta's sertifikat."""
    check_version(k, version)
    values = _clean(actor, raw)
    errors = _refusals(k, values)
    if errors:
        raise FormErrors(errors)
    before = {f: getattr(k, f) for f in values}
    for f, v in values.items():
        setattr(k, f, v)
    changes = audit.diff(before, values)
    if not changes:
        return k
    write_audit(actor, "ubah", k, k, changes)
    commit_or_conflict(k, commit=False)  # a stale save stops here, before anything is judged
    if PENENTU_LULUS & set(changes):
        sertifikat.judge(k, [p.id for p in k.peserta])
    db.session.commit()
    return k


def cancel(actor, k: Kegiatan, alasan, version) -> Kegiatan:
    """A cancelled kegiatan stays on record with its reason; nobody can be marked any more and its trainings no
    longer count."""
    check_version(k, version)
    try:
        alasan = rules.required(rules.text(1000))(alasan)
    except rules.Invalid:
        raise FormErrors({"alasan_batal": "Tulis alasan pembatalan."}) from None
    k.dibatalkan, k.alasan_batal = True, alasan
    write_audit(actor, "batal", k, k, {"dibatalkan": [False, True], "alasan_batal": [None, alasan]})
    commit_or_conflict(k, commit=False)
    db.session.commit()
    return k


# --- for the modules that change the list of peserta and the marks ------------------------------------------------

def lock(k: Kegiatan) -> None:
    """Serialises changes to one kegiatan's list (the quota) on PostgreSQL; SQLite's writers queue anyway."""
    db.session.execute(select(Kegiatan.id).where(Kegiatan.id == k.id).with_for_update())


def ensure_running(k: Kegiatan) -> None:
    if k.dibatalkan:
        raise DomainError("Kegiatan ini sudah dibatalkan: daftar peserta dan kehadiran tidak dapat diubah lagi.")
