"""Changing a Posyandu, its services, pengurus and kader. Views check access first; these enforce the domain rules,
refuse stale saves, and audit every change in the same transaction."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from portal import access, audit
from portal.audit import on_behalf_of
from portal.domain import DomainError, FormErrors, check_version, commit_or_conflict
from portal.extensions import db
from portal.models.base import baca_id, utcnow
from portal.models.posyandu import BIDANG, KatalogKegiatan, Kader, Pengurus, Posyandu, mask_nik
from portal import rules
from portal.wilayah_baca import normalize_name


# Personal values that the audit log keeps only masked.
_MASKED = {"nik": mask_nik}


def _snapshot(obj, fields) -> dict[str, Any]:
    return {f: _MASKED.get(f, lambda v: v)(getattr(obj, f)) for f in fields}


def _record(actor, action, obj, posyandu: Posyandu, before: dict, after: dict, sumber: str | None = None) -> None:
    """sumber: where the change came from when it was not typed into a form, e.g. an imported file."""
    changes = audit.diff(before, after)
    if sumber:
        changes["sumber"] = [None, sumber]
    audit.record(actor, action, obj, wilayah_kode=posyandu.desa_kode, changes=changes,
                 on_behalf_of=on_behalf_of(actor, posyandu.desa_kode), posyandu_id=posyandu.id)


def _clean(schema, raw) -> dict[str, Any]:
    values, errors = rules.clean(schema, raw)
    if errors:
        raise FormErrors(errors)
    return values


# --- Posyandu -------------------------------------------------------------------------------------------------------

def get_posyandu(pid: int) -> Posyandu | None:
    return db.session.get(Posyandu, pid)


def get_person(model: type[Kader] | type[Pengurus], person_id: int) -> Kader | Pengurus | None:
    return db.session.get(model, person_id)


def find_by_name(desa_kode: str, nama: str) -> Posyandu | None:
    """The natural key of a Posyandu: its desa and its name, spelling-normalised."""
    wanted = normalize_name(nama)
    for p in db.session.scalars(select(Posyandu).where(Posyandu.desa_kode == desa_kode)):
        if normalize_name(p.nama) == wanted:
            return p
    return None


def create_posyandu(actor, desa_kode: str, raw: dict, commit: bool = True, sumber: str | None = None) -> Posyandu:
    values = _clean(rules.PROFIL, raw)
    if find_by_name(desa_kode, values["nama"]) is not None:
        raise FormErrors({"nama": "Sudah ada Posyandu dengan nama ini di desa/kelurahan ini."})
    p = Posyandu(desa_kode=desa_kode, **values)
    db.session.add(p)
    db.session.flush()
    _record(actor, "buat", p, p, {}, {"desa_kode": desa_kode, **values}, sumber)
    commit_or_conflict(p, commit)
    return p


def update_posyandu(actor, p: Posyandu, raw: dict, version, commit: bool = True,
                    sumber: str | None = None) -> Posyandu:
    check_version(p, version)
    values = _clean(rules.PROFIL, raw)
    same = find_by_name(p.desa_kode, values["nama"])
    if same is not None and same.id != p.id:
        raise FormErrors({"nama": "Sudah ada Posyandu dengan nama ini di desa/kelurahan ini."})
    before = _snapshot(p, values)
    for field, value in values.items():
        setattr(p, field, value)
    if audit.diff(before, values):
        _record(actor, "ubah", p, p, before, values, sumber)
        commit_or_conflict(p, commit)
    return p


def close_posyandu(actor, p: Posyandu, tanggal: Any, alasan: Any, version) -> Posyandu:
    """Closing keeps the record, with the date and the reason. It can be reopened."""
    check_version(p, version)
    errors, values = {}, {}
    try:
        values["ditutup_tanggal"] = rules.required(rules.tanggal)(tanggal)
    except rules.Invalid as e:
        errors["ditutup_tanggal"] = str(e)
    try:
        values["alasan_tutup"] = rules.required(rules.text(500))(alasan)
    except rules.Invalid as e:
        errors["alasan_tutup"] = str(e)
    if errors:
        raise FormErrors(errors)
    if not p.aktif:
        raise DomainError("Posyandu ini sudah nonaktif.")
    before = _snapshot(p, ["aktif", *values])
    p.aktif = False
    p.ditutup_tanggal, p.alasan_tutup = values["ditutup_tanggal"], values["alasan_tutup"]
    _record(actor, "nonaktifkan", p, p, before, {"aktif": False, **values})
    commit_or_conflict(p)
    return p


def reopen_posyandu(actor, p: Posyandu, version) -> Posyandu:
    check_version(p, version)
    if p.aktif:
        return p
    before = _snapshot(p, ["aktif", "ditutup_tanggal", "alasan_tutup"])
    p.aktif, p.ditutup_tanggal, p.alasan_tutup = True, None, None
    _record(actor, "aktifkan", p, p, before, {"aktif": True, "ditutup_tanggal": None, "alasan_tutup": None})
    commit_or_conflict(p)
    return p


def set_pilot(actor, p: Posyandu, pilot: bool, version) -> Posyandu:
    check_version(p, version)
    if p.pilot != pilot:
        _record(actor, "ubah", p, p, {"pilot": p.pilot}, {"pilot": pilot})
        p.pilot = pilot
        commit_or_conflict(p)
    return p


def katalog(only_active: bool = True) -> list[KatalogKegiatan]:
    stmt = select(KatalogKegiatan).order_by(KatalogKegiatan.urutan, KatalogKegiatan.id)
    if only_active:
        stmt = stmt.where(KatalogKegiatan.aktif.is_(True))
    return list(db.session.scalars(stmt))


def set_layanan(actor, p: Posyandu, kegiatan_ids: list, version) -> Posyandu:
    """The activities of the catalogue this Posyandu runs, per bidang."""
    check_version(p, version)
    wanted = {baca_id(i) for i in kegiatan_ids}
    if None in wanted:  # not a number, or beyond any id
        raise FormErrors({"layanan": "Pilihan kegiatan tidak sah."})
    chosen = list(db.session.scalars(select(KatalogKegiatan).where(KatalogKegiatan.id.in_(wanted)))) if wanted else []
    if len(chosen) != len(wanted):
        raise FormErrors({"layanan": "Pilihan kegiatan tidak sah."})
    before = sorted(k.nama for k in p.layanan)
    after = sorted(k.nama for k in chosen)
    if before != after:
        p.layanan = chosen
        p.updated_at = utcnow()  # the services are part of the profile: this UPDATE bumps its version too
        _record(actor, "ubah", p, p, {"layanan": before}, {"layanan": after})
        commit_or_conflict(p)
    return p


# --- Kader and pengurus ---------------------------------------------------------------------------------------------

def _nik_owner(nik: str | None, own_id: int | None) -> Kader | None:
    """The other kader who holds this NIK, if any."""
    if not nik:
        return None
    other = db.session.scalar(select(Kader).where(Kader.nik == nik))
    return other if other is not None and other.id != own_id else None


def pesan_nik_dipakai(user, other: Kader) -> str:
    """The refusal of a NIK another kader holds. The portal is no NIK lookup for Indonesia: outside the user's region
    it says only that the NIK conflicts (not with whom, nor where); inside it, where, so the user can find the
    record (one person, one kader record: the import and the forms say the same)."""
    if user is None or access.may_view_posyandu(user, other.posyandu):
        return (f"NIK ini sudah terdaftar untuk kader {other.nama} di {other.posyandu.nama} "
                f"({other.posyandu.desa.nama_lengkap}).")
    return "NIK ini bentrok dengan data yang sudah ada, jadi tidak dapat dipakai. Periksa kembali NIK-nya."


def _check_nik(actor, nik: str | None, own_id: int | None) -> None:
    other = _nik_owner(nik, own_id)
    if other is not None:
        raise FormErrors({"nik": pesan_nik_dipakai(actor, other)})


def _masih_aktif(p: Posyandu) -> None:
    """A closed Posyandu keeps its people on record, but nobody joins it (or rejoins it) until it is reopened."""
    if not p.aktif:
        raise DomainError(f"{p.nama} nonaktif: aktifkan kembali Posyandu ini dulu sebelum menambah atau "
                          "mengaktifkan pengurus dan kader.")


def add_kader(actor, p: Posyandu, raw: dict, commit: bool = True, sumber: str | None = None) -> Kader:
    _masih_aktif(p)
    values = _clean(rules.KADER, raw)
    _check_nik(actor, values["nik"], None)
    kader = Kader(posyandu_id=p.id, **values)
    db.session.add(kader)
    db.session.flush()
    _record(actor, "buat", kader, p, {}, _snapshot(kader, values), sumber)
    commit_or_conflict(kader, commit)
    return kader


def update_kader(actor, kader: Kader, raw: dict, version, commit: bool = True, sumber: str | None = None) -> Kader:
    check_version(kader, version)
    values = _clean(rules.KADER, raw)
    _check_nik(actor, values["nik"], kader.id)
    before = _snapshot(kader, values)
    for field, value in values.items():
        setattr(kader, field, value)
    after = _snapshot(kader, values)
    if audit.diff(before, after):
        _record(actor, "ubah", kader, kader.posyandu, before, after, sumber)
        commit_or_conflict(kader, commit)
    return kader


def _active_holder(p: Posyandu, jabatan: str, bidang: str | None, own_id: int | None) -> Pengurus | None:
    for person in p.pengurus:
        if person.aktif and person.id != own_id and person.jabatan == jabatan and person.bidang == bidang:
            return person
    return None


def _check_jabatan_free(p: Posyandu, values: dict, own_id: int | None) -> None:
    holder = _active_holder(p, values["jabatan"], values["bidang"], own_id)
    if holder is not None:
        raise FormErrors({"jabatan": f"{holder.jabatan_label} sudah dijabat {holder.nama}. "
                                     "Nonaktifkan dulu pengurus lama itu."})


def add_pengurus(actor, p: Posyandu, raw: dict) -> Pengurus:
    _masih_aktif(p)
    values = _clean(rules.PENGURUS, raw)
    _check_jabatan_free(p, values, None)
    person = Pengurus(posyandu_id=p.id, **values)
    db.session.add(person)
    db.session.flush()
    _record(actor, "buat", person, p, {}, values)
    db.session.commit()
    return person


def update_pengurus(actor, person: Pengurus, raw: dict, version) -> Pengurus:
    check_version(person, version)
    values = _clean(rules.PENGURUS, raw)
    if person.aktif:
        _check_jabatan_free(person.posyandu, values, person.id)
    before = _snapshot(person, values)
    for field, value in values.items():
        setattr(person, field, value)
    if audit.diff(before, values):
        _record(actor, "ubah", person, person.posyandu, before, values)
        commit_or_conflict(person)
    return person


def set_person_active(actor, person: Kader | Pengurus, aktif: bool, version) -> Kader | Pengurus:
    """Deactivate or reactivate a kader or a pengurus; nobody is deleted."""
    check_version(person, version)
    if person.aktif == aktif:
        return person
    if aktif:
        _masih_aktif(person.posyandu)
    if aktif and isinstance(person, Pengurus):
        _check_jabatan_free(person.posyandu, {"jabatan": person.jabatan, "bidang": person.bidang}, person.id)
    _record(actor, "aktifkan" if aktif else "nonaktifkan", person, person.posyandu, {"aktif": person.aktif},
            {"aktif": aktif})
    person.aktif = aktif
    commit_or_conflict(person)
    return person


def save_katalog(actor, kegiatan_id, bidang, nama, aktif: bool) -> KatalogKegiatan:
    """Adds an activity to the catalogue (no id) or renames / retires one. Retired ones stay on the Posyandu that
    already recorded them; they are no longer offered."""
    errors = {}
    try:
        nama = rules.required(rules.text(200))(nama)
    except rules.Invalid as e:
        errors["nama"] = f"Nama kegiatan: {str(e).lower()}"
    if kegiatan_id:
        item = db.session.get(KatalogKegiatan, baca_id(kegiatan_id)) if baca_id(kegiatan_id) else None
        if item is None:
            raise FormErrors({"nama": "Kegiatan tidak ditemukan."})
    else:
        item = None
        if bidang not in BIDANG:
            errors["bidang"] = "Pilih salah satu dari enam bidang."
    if not errors:
        target_bidang = item.bidang if item else bidang
        same = [k for k in db.session.scalars(select(KatalogKegiatan).where(KatalogKegiatan.bidang == target_bidang))
                if normalize_name(k.nama) == normalize_name(nama) and (item is None or k.id != item.id)]
        if same:
            errors["nama"] = f"Kegiatan “{same[0].nama}” sudah ada di bidang {BIDANG[target_bidang]}."
    if errors:
        raise FormErrors(errors)
    if item is None:
        last = db.session.scalar(select(func.max(KatalogKegiatan.urutan)).where(KatalogKegiatan.bidang == bidang))
        item = KatalogKegiatan(bidang=bidang, nama=nama, urutan=(last or 0) + 1, aktif=True)
        db.session.add(item)
        db.session.flush()
        audit.record(actor, "buat", item, wilayah_kode=None, changes={"bidang": [None, bidang], "nama": [None, nama]})
    else:
        before = {"nama": item.nama, "aktif": item.aktif}
        item.nama, item.aktif = nama, aktif
        changes = audit.diff(before, {"nama": nama, "aktif": aktif})
        if changes:
            audit.record(actor, "ubah", item, wilayah_kode=None, changes=changes)
    db.session.commit()
    return item
