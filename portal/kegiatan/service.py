"""Running a kegiatan: the event itself, its peserta, the attendance of every day, QR check-in.

Views check access first (portal/access.py); these functions enforce the domain rules, refuse stale saves, keep
Peserta.hari_hadir/lulus and the rekap's trained-kader count in step, and audit every change in the same transaction.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from portal import audit, formatting, rekap
from portal.bilangan import bulat
from portal.domain import DomainError
from portal.extensions import db
from portal.formatting import tanggal as tanggal_id
from portal.models.base import baca_id, utcnow
from portal.models.kegiatan import (JENIS_KEGIATAN, PERAN, SASARAN, STATUS_HADIR, Kegiatan, Kehadiran, Peserta,
                                     hari_antara)
from portal.models.posyandu import BIDANG, Kader, Pengurus, Posyandu
from portal.models.wilayah import Wilayah, desa_clause, kode_within, level_of, within_clause
from portal import rules
from portal.domain import FormErrors, check_version, commit_or_conflict
from portal.teks import lipat
from portal.wilayah_baca import get as wilayah_dari_kode
from portal.wilayah_baca import parse_kode

TANGGAL_PALING_AWAL = date(2020, 1, 1)
# A peserta registered at the venue and a kader on record are "the same person" when their names match without these.
GELAR = frozenset({"h", "hj", "hjh", "haji", "hajjah", "ibu", "bu", "bapak", "pak", "sdr", "sdri"})
# Verification codes: no 0/O, 1/I/L, so a code read off paper is typed right.
ALFABET_KODE = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PANJANG_KODE = 10
SALT_QR = "kehadiran-qr"


# --- the kegiatan ---------------------------------------------------------------------------------------------------

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


def _bersihkan_kegiatan(actor, raw: dict[str, Any]) -> dict[str, Any]:
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


def _catat(actor, action: str, obj, k: Kegiatan, changes: dict | None = None) -> None:
    audit.record(actor, action, obj, wilayah_kode=k.wilayah_kode, changes=changes, kegiatan_id=k.id)


def buat(actor, raw: dict[str, Any]) -> Kegiatan:
    values = _bersihkan_kegiatan(actor, raw)
    k = Kegiatan(**values, dibuat_oleh_id=actor.id if actor else None)
    db.session.add(k)
    db.session.flush()
    _catat(actor, "buat", k, k, audit.diff({}, values))
    db.session.commit()
    return k


def daftar_kegiatan(where, today: date, limit: int, offset: int = 0) -> list[tuple[Kegiatan, int]]:
    """The kegiatan matching where with their number of peserta: running and coming ones first (soonest first),
    then the past ones (latest first)."""
    jumlah = (select(func.count()).select_from(Peserta)
              .where(Peserta.kegiatan_id == Kegiatan.id, Peserta.aktif.is_(True)).scalar_subquery())
    lewat = Kegiatan.tanggal_selesai < today
    return [tuple(row) for row in db.session.execute(
        select(Kegiatan, jumlah).where(where)
        .order_by(case((lewat, 1), else_=0), case((lewat, None), else_=Kegiatan.tanggal_mulai),
                  Kegiatan.tanggal_mulai.desc(), Kegiatan.id.desc())
        .limit(limit).offset(offset))]


def ubah(actor, k: Kegiatan, raw: dict[str, Any], version) -> Kegiatan:
    """Changes the kegiatan. Days that already hold attendance cannot be dropped; the quota cannot fall below the
    peserta already listed. A new rule or new days re-judge every peserta's sertifikat."""
    check_version(k, version)
    values = _bersihkan_kegiatan(actor, raw)
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
    if errors:
        raise FormErrors(errors)
    before = {f: getattr(k, f) for f in values}
    for f, v in values.items():
        setattr(k, f, v)
    changes = audit.diff(before, values)
    if changes:
        _catat(actor, "ubah", k, k, changes)
        commit_or_conflict(k)
        if {"jenis", "tanggal_mulai", "tanggal_selesai", "syarat_hadir"} & set(changes):
            _nilai_ulang(k, [p.id for p in k.peserta])
            # A bimtek that became a rakor (or back) changes who counts as trained.
            kader = [p.kader for p in k.peserta if p.kader_id]
            if kader:
                rekap.perbarui(db.session, desa={person.posyandu.desa_kode for person in kader})
            db.session.commit()
    return k


def batalkan(actor, k: Kegiatan, alasan, version) -> Kegiatan:
    """A cancelled kegiatan stays on record with its reason; nobody can be marked any more and its trainings no
    longer count."""
    check_version(k, version)
    try:
        alasan = rules.required(rules.text(1000))(alasan)
    except rules.Invalid:
        raise FormErrors({"alasan_batal": "Tulis alasan pembatalan."}) from None
    k.dibatalkan, k.alasan_batal = True, alasan
    _catat(actor, "batal", k, k, {"dibatalkan": [False, True], "alasan_batal": [None, alasan]})
    commit_or_conflict(k)
    _perbarui_rekap(k, [p.kader for p in k.peserta if p.kader_id and p.lulus])
    db.session.commit()
    return k


def jumlah_peserta(k: Kegiatan) -> int:
    return db.session.scalar(select(func.count()).select_from(Peserta)
                             .where(Peserta.kegiatan_id == k.id, Peserta.aktif.is_(True)))


def _kunci(k: Kegiatan) -> None:
    """Serialises changes to one kegiatan's list (the quota) on PostgreSQL; SQLite's writers queue anyway."""
    db.session.execute(select(Kegiatan.id).where(Kegiatan.id == k.id).with_for_update())


def _pastikan_berjalan(k: Kegiatan) -> None:
    if k.dibatalkan:
        raise DomainError("Kegiatan ini sudah dibatalkan: daftar peserta dan kehadiran tidak dapat diubah lagi.")


# --- peserta --------------------------------------------------------------------------------------------------------

def _kode_sertifikat() -> str:
    return "".join(secrets.choice(ALFABET_KODE) for _ in range(PANJANG_KODE))


def tampil_kode(kode: str) -> str:
    """K7Q29XPM3D → K7Q2-9XPM-3D: easier to read off paper."""
    return "-".join(kode[i:i + 4] for i in range(0, len(kode), 4))


def baca_kode(text: str | None) -> str:
    """A code as people type it: dashes, spaces, lower case."""
    return re.sub(r"[^0-9A-Z]", "", (text or "").upper())[:PANJANG_KODE * 2]


def nama_inti(nama: str | None) -> str:
    """The folded name without titles: 'Hj. Siti Aminah' and 'siti aminah' are the same."""
    return " ".join(w for w in lipat(nama).split() if w not in GELAR)


def _dalam_sasaran(k: Kegiatan, kode: str | None) -> bool:
    return kode_within(kode, k.wilayah_kode)


@dataclass
class Kandidat:
    """A kader or pengurus on record who may be added to a kegiatan."""
    jenis: str  # kader | pengurus
    id: int
    nama: str
    peran: str
    desa: str
    desa_kode: str
    posyandu: str
    terdaftar: bool
    bidang: str | None = None  # of a kader
    cocok: bool = False  # offered ticked when it looks like the person being registered


PILIHAN_PERAN = {"kader": "Semua kader", **{f"kader_{b}": f"Kader {label}" for b, label in BIDANG.items()},
                 "ketua": "Ketua Posyandu", "pengurus": "Semua pengurus"}


def peran_bawaan(k: Kegiatan) -> str:
    """The picker starts from the first sasaran it can list."""
    return next((s for s in k.sasaran_list if s in PILIHAN_PERAN), "kader")


def _kandidat_select(k: Kegiatan, peran: str, desa_kode: str = "", q: str = ""):
    """The query of the kader or pengurus on record in the kegiatan's target wilayah (or one desa of it) matching
    the name, in the picker's order; and the model it reads."""
    where = [Posyandu.aktif.is_(True), desa_clause(Posyandu.desa_kode, desa_kode if desa_kode and
                                                    _dalam_sasaran(k, desa_kode) else k.wilayah_kode)]
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
    q = (q or "").strip()[:60]
    if q:
        where.append(func.lower(model.nama).contains(q.lower(), autoescape=True))
    terdaftar = select(fk).where(Peserta.kegiatan_id == k.id, Peserta.aktif.is_(True), fk.is_not(None))
    query = (select(model, Posyandu.nama, Wilayah.nama, Wilayah.kode, model.id.in_(terdaftar))
             .join(Posyandu, Posyandu.id == model.posyandu_id).join(Wilayah, Wilayah.kode == Posyandu.desa_kode)
             .where(*where))
    return query, model


def _kandidat_rows(model, rows) -> list[Kandidat]:
    return [Kandidat("kader" if model is Kader else "pengurus", person.id, person.nama,
                     f"Kader {BIDANG[person.bidang]}" if model is Kader else person.jabatan_label,
                     desa, kode, posyandu, bool(sudah), person.bidang if model is Kader else None)
            for person, posyandu, desa, kode, sudah in rows]


def _urut(query, model):
    return query.order_by(Posyandu.desa_kode, Posyandu.nama, model.nama, model.id)


def kandidat(k: Kegiatan, peran: str, desa_kode: str = "", q: str = "",
             batas: int = 300) -> tuple[list[Kandidat], bool]:
    """The kader or pengurus on record in the kegiatan's target wilayah (or one desa of it) matching the name; and
    whether there were more than batas."""
    query, model = _kandidat_select(k, peran, desa_kode, q)
    rows = db.session.execute(_urut(query, model).limit(batas + 1)).all()
    return _kandidat_rows(model, rows[:batas]), len(rows) > batas


# --- the picker: a selection carried across filters and pages ------------------------------------------------------

PILIH_MAKS = 2000  # people in one selection: far above a kegiatan's size, and it bounds the queries


@dataclass
class Pilihan:
    """The people ticked in the picker, carried in its form from one filter or page to the next until added."""
    kader: set[int] = field(default_factory=set)
    pengurus: set[int] = field(default_factory=set)

    @classmethod
    def dari_form(cls, kader=(), pengurus=()) -> Pilihan:
        ids = lambda values: {i for i in map(baca_id, list(values)[:PILIH_MAKS]) if i is not None}  # noqa: E731
        return cls(ids(kader), ids(pengurus))

    def __len__(self) -> int:
        return len(self.kader) + len(self.pengurus)

    def __contains__(self, c: Kandidat) -> bool:
        return c.id in (self.kader if c.jenis == "kader" else self.pengurus)

    def tambah(self, orang: list[Kandidat]) -> int:
        """Adds these (those not yet peserta); returns how many were new to the selection."""
        before = len(self)
        for c in orang:
            if not c.terdaftar and len(self) < PILIH_MAKS:
                (self.kader if c.jenis == "kader" else self.pengurus).add(c.id)
        return len(self) - before


def kandidat_halaman(k: Kegiatan, peran: str, desa_kode: str, q: str, page: int,
                     per_halaman: int) -> tuple[list[Kandidat], int, int]:
    """One page of the picker's list: (the people, how many match in all, the page shown; a page past the last shows
    the last)."""
    query, model = _kandidat_select(k, peran, desa_kode, q)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = min(page, max((total + per_halaman - 1) // per_halaman, 1))
    rows = db.session.execute(_urut(query, model).limit(per_halaman).offset((page - 1) * per_halaman)).all()
    return _kandidat_rows(model, rows), total, page


def semua_di_desa(k: Kegiatan, peran: str, desa_kode: str, q: str) -> list[Kandidat]:
    """Everyone matching in one desa of the target, every page of it: 'pilih semua di desa ini'."""
    if level_of(desa_kode) != 4 or not _dalam_sasaran(k, desa_kode):
        return []
    return kandidat(k, peran, desa_kode, q, batas=PILIH_MAKS)[0]


def terpilih(k: Kegiatan, pilihan: Pilihan) -> tuple[Pilihan, list[Kandidat]]:
    """The selected people as the picker lists them, and the selection of only those: active, on record inside the
    kegiatan's target and not yet peserta (the rest of a forged or stale selection is dropped here, and refused
    again when added)."""
    hasil = []
    for jenis, model, ids in (("kader", Kader, pilihan.kader), ("pengurus", Pengurus, pilihan.pengurus)):
        if ids:
            query, _ = _kandidat_select(k, jenis)
            hasil += _kandidat_rows(model, db.session.execute(_urut(query.where(model.id.in_(sorted(ids))), model)))
    hasil = [c for c in hasil if not c.terdaftar]
    sah = Pilihan()
    sah.tambah(hasil)
    return sah, hasil


@dataclass
class HasilTambah:
    ditambah: list[Peserta] = field(default_factory=list)
    sudah: list[str] = field(default_factory=list)  # names already on the list


def _cek_kuota(k: Kegiatan, tambahan: int) -> None:
    if k.kuota is None or tambahan <= 0:
        return
    sisa = k.kuota - jumlah_peserta(k)
    if tambahan > sisa:
        raise DomainError(f"Kuota kegiatan {k.kuota} peserta; tersisa {max(sisa, 0)} tempat, Anda memilih "
                          f"{tambahan}. Kurangi pilihan atau ubah kuotanya.")


def _ids(values) -> list[int]:
    ids = [baca_id(v) for v in values or []]
    if None in ids:  # not a record id ('²', a file part): refuse the lot rather than add part of it
        raise DomainError("Pilihan orang tidak sah. Muat ulang daftarnya lalu centang lagi.")
    return sorted(set(ids))


def tambah_dari_data(actor, k: Kegiatan, kader_ids=(), pengurus_ids=()) -> HasilTambah:
    """Adds kader and pengurus on record. Everyone must come from the kegiatan's target wilayah; otherwise nothing
    is added. Someone already listed is skipped; someone taken off earlier is listed again."""
    _pastikan_berjalan(k)
    dipilih = ((Kader, _ids(kader_ids)), (Pengurus, _ids(pengurus_ids)))
    if not any(ids for _, ids in dipilih):
        raise DomainError("Centang dulu orang yang akan ditambahkan.")
    _kunci(k)
    orang: list[Kader | Pengurus] = []
    for model, ids in dipilih:
        if ids:
            found = {p.id: p for p in db.session.scalars(select(model).where(model.id.in_(ids)))}
            for i in ids:
                person = found.get(i)
                if person is None or not _dalam_sasaran(k, person.posyandu.desa_kode):
                    raise DomainError("Sebagian orang yang dipilih tidak berasal dari wilayah sasaran kegiatan ini "
                                      f"({k.wilayah.nama}). Tidak ada yang ditambahkan.")
                if not person.aktif or not person.posyandu.aktif:
                    raise DomainError(f"{person.nama} sudah nonaktif. Tidak ada yang ditambahkan.")
                orang.append(person)
    hasil = HasilTambah()
    existing = {(p.kader_id, p.pengurus_id): p for p in db.session.scalars(
        select(Peserta).where(Peserta.kegiatan_id == k.id))}
    baru, pulih = [], []
    for person in orang:
        key = (person.id, None) if isinstance(person, Kader) else (None, person.id)
        p = existing.get(key)
        if p is not None and p.aktif:
            hasil.sudah.append(person.nama)
        elif p is not None:
            pulih.append(p)
        else:
            baru.append(person)
    _cek_kuota(k, len(baru) + len(pulih))
    for p in pulih:
        p.aktif = True
        _catat(actor, "pulihkan", p, k, {"aktif": [False, True]})
        hasil.ditambah.append(p)
    for person in baru:
        hasil.ditambah.append(peserta_dari_data(actor, k, person))
    db.session.flush()
    for p in hasil.ditambah:
        if p not in pulih:
            _catat(actor, "tambah", p, k, {"nama": [None, p.nama], "asal_kode": [None, p.asal_kode]})
    _nilai_ulang(k, [p.id for p in pulih])
    _perbarui_rekap(k, [p.kader for p in pulih if p.kader_id and p.lulus])
    _simpan_peserta()
    return hasil


def peserta_dari_data(actor, k: Kegiatan, person: Kader | Pengurus) -> Peserta:
    """A new peserta row for a kader or pengurus on record (added to the session, not audited or committed)."""
    is_kader = isinstance(person, Kader)
    p = Peserta(kegiatan_id=k.id, nama=person.nama, nama_lipat=nama_inti(person.nama),
                asal_kode=person.posyandu.desa_kode, peran="kader" if is_kader else "pengurus",
                bidang=person.bidang, jabatan=None if is_kader else person.jabatan_label,
                kader_id=person.id if is_kader else None, pengurus_id=None if is_kader else person.id,
                posyandu_id=person.posyandu_id, kode_sertifikat=_kode_sertifikat(),
                didaftarkan_oleh_id=actor.id if actor else None, cara_daftar="data")
    db.session.add(p)
    return p


def _simpan_peserta() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DomainError("Daftar peserta baru saja diubah orang lain. Muat ulang halaman lalu coba lagi.") from None


class MungkinSama(DomainError):
    """A person registered at the venue looks like someone on record: offer that record instead."""

    def __init__(self, kandidat: list[Kandidat]):
        super().__init__("Nama ini sudah ada di data kader/pengurus desa tersebut. Tambahkan dari data supaya "
                         "pelatihannya tercatat pada orangnya, atau tandai bahwa ini orang lain.")
        self.kandidat = kandidat


DI_TEMPAT = {
    "nama": rules.required(rules.nama),
    "peran": rules.required(rules.choice(PERAN, "Peran")),
    "bidang": rules.bidang,
    "jabatan": rules.text(120),
}


def daftar_di_tempat(actor, k: Kegiatan, raw: dict[str, Any], tetap_baru: bool = False) -> Peserta:
    """Registers someone at the venue: name, asal (a desa or, for Tim Pembina, a kecamatan) and role."""
    _pastikan_berjalan(k)
    values, errors = rules.clean(DI_TEMPAT, raw)
    kode = parse_kode(raw.get("asal_kode"))
    asal = wilayah_dari_kode(kode)  # a code checked first: no stray byte reaches the database
    if asal is None or level_of(kode) < 3:
        errors["asal_kode"] = "Pilih asal peserta: desa/kelurahan, atau kecamatan untuk Tim Pembina."
    elif not _dalam_sasaran(k, kode):
        errors["asal_kode"] = f"Asal harus di dalam wilayah sasaran kegiatan ({k.wilayah.nama}, {k.wilayah_kode})."
    if not errors and values["peran"] == "kader" and not values["bidang"]:
        errors["bidang"] = "Kader melayani satu bidang: pilih bidangnya."
    if not errors and values["peran"] != "kader":
        values["bidang"] = None
    if errors:
        raise FormErrors(errors)
    inti = nama_inti(values["nama"])
    _kunci(k)
    twin = db.session.scalar(select(Peserta).where(Peserta.kegiatan_id == k.id, Peserta.asal_kode == kode,
                                                   Peserta.nama_lipat == inti))
    if twin is not None and twin.aktif:
        raise FormErrors({"nama": f"{twin.nama} dari {asal.nama} sudah terdaftar sebagai peserta."})
    if not tetap_baru and level_of(kode) == 4:
        sama = [c for jenis in ("kader", "pengurus") for c in kandidat(k, jenis, kode, batas=500)[0]
                if nama_inti(c.nama) == inti]
        # The likeliest one is offered ticked: the only match, or the kader of the bidang given.
        for c in sama:
            c.cocok = len(sama) == 1 or (values["bidang"] is not None and c.bidang == values["bidang"])
        if sama:
            raise MungkinSama(sama)
    _cek_kuota(k, 1)
    if twin is not None:  # taken off the list earlier: listed again, not a second row
        twin.aktif = True
        _catat(actor, "pulihkan", twin, k, {"aktif": [False, True]})
        _simpan_peserta()
        return twin
    p = Peserta(kegiatan_id=k.id, nama=values["nama"], nama_lipat=inti, asal_kode=kode, peran=values["peran"],
                bidang=values["bidang"], jabatan=values["jabatan"], kode_sertifikat=_kode_sertifikat(),
                didaftarkan_oleh_id=actor.id if actor else None, cara_daftar="di_tempat")
    db.session.add(p)
    db.session.flush()
    _catat(actor, "tambah", p, k, audit.diff({}, {**values, "asal_kode": kode, "cara_daftar": "di_tempat"}))
    _simpan_peserta()
    return p


def keluarkan(actor, p: Peserta) -> Peserta:
    """Takes a peserta off the list. The row and its attendance stay; listing them again brings both back."""
    k = p.kegiatan
    _pastikan_berjalan(k)
    if p.aktif:
        p.aktif = False
        _catat(actor, "keluarkan", p, k, {"aktif": [True, False]})
        db.session.flush()
        _perbarui_rekap(k, [p.kader] if p.kader_id and p.lulus else [])
        db.session.commit()
    return p


def riwayat_orang(jenis: str, person_id: int) -> list[Peserta]:
    """The kegiatan a kader or pengurus on record took part in, newest first."""
    fk = Peserta.kader_id if jenis == "kader" else Peserta.pengurus_id
    return list(db.session.scalars(select(Peserta).join(Kegiatan).where(fk == person_id, Peserta.aktif.is_(True))
                                   .order_by(Kegiatan.tanggal_mulai.desc(), Kegiatan.id.desc())))


# --- attendance -----------------------------------------------------------------------------------------------------

@dataclass
class Tanda:
    kehadiran: Kehadiran
    berubah: bool  # False: the same mark was already there (a double tap, a repeated request)


def tandai(actor, p: Peserta, tanggal: date, status: str, cara: str = "daftar", hari_ini: date | None = None) -> Tanda:
    """Marks a peserta on one day. Idempotent: the same mark again changes nothing and records nothing; concurrent
    marks of one peserta queue on the peserta's row (PostgreSQL) or on SQLite's write lock, and the unique
    (peserta, tanggal) key stops a second row in any case."""
    k = p.kegiatan
    _pastikan_berjalan(k)
    if status not in STATUS_HADIR:
        raise DomainError("Status kehadiran tidak dikenal. Pilihan: hadir, izin, tidak hadir.")
    if tanggal not in k.hari:
        raise DomainError(f"{tanggal_id(tanggal)} bukan hari kegiatan ini.")
    if tanggal > (hari_ini or formatting.hari_ini()):
        raise DomainError(f"Hari {k.hari.index(tanggal) + 1} ({tanggal_id(tanggal)}) belum tiba: kehadiran dicatat "
                          "pada harinya.")
    if not p.aktif:
        raise DomainError(f"{p.nama} sudah dikeluarkan dari daftar peserta.")
    db.session.execute(select(Peserta.id).where(Peserta.id == p.id).with_for_update())
    mark = db.session.scalar(select(Kehadiran).where(Kehadiran.peserta_id == p.id, Kehadiran.tanggal == tanggal)
                             .execution_options(populate_existing=True))
    if mark is not None and mark.status == status:
        db.session.rollback()
        return Tanda(mark, False)
    before = mark.status if mark is not None else None
    if mark is None:
        mark = Kehadiran(peserta_id=p.id, tanggal=tanggal, status=status, cara=cara,
                         dicatat_oleh_id=actor.id if actor else None)
        db.session.add(mark)
    else:
        mark.status, mark.dicatat_oleh_id, mark.dicatat_pada = status, actor.id if actor else None, utcnow()
        mark.cara = "koreksi" if cara == "daftar" else cara
    db.session.flush()
    _catat(actor, "tandai" if before is None else "koreksi", mark, k,
           {"status": [before, status], "tanggal": [None, tanggal.isoformat()], "peserta": [None, p.nama],
            "cara": [None, cara]})
    _nilai_ulang(k, [p.id])
    try:
        db.session.commit()
    except IntegrityError:  # another request inserted the same day's mark first
        db.session.rollback()
        mark = db.session.scalar(select(Kehadiran).where(Kehadiran.peserta_id == p.id, Kehadiran.tanggal == tanggal))
        return Tanda(mark, False)
    return Tanda(mark, True)


def _nilai_ulang(k: Kegiatan, peserta_ids: list[int]) -> None:
    """Recounts the days present of these peserta and judges the sertifikat rule; where a kader's verdict changed,
    brings the trained-kader count of its desa up to date (inside the caller's transaction)."""
    if not peserta_ids:
        return
    hadir = dict(db.session.execute(
        select(Kehadiran.peserta_id, func.count()).where(Kehadiran.peserta_id.in_(peserta_ids),
                                                          Kehadiran.status == "hadir",
                                                          Kehadiran.tanggal.between(k.tanggal_mulai, k.tanggal_selesai))
        .group_by(Kehadiran.peserta_id)).all())
    berubah = []
    for p in db.session.scalars(select(Peserta).where(Peserta.id.in_(peserta_ids))):
        n = hadir.get(p.id, 0)
        lulus = n >= k.syarat
        if p.lulus != lulus and p.kader_id:
            berubah.append(p.kader)
        p.hari_hadir, p.lulus = n, lulus
    db.session.flush()
    _perbarui_rekap(k, berubah)


def _perbarui_rekap(k: Kegiatan, kader: list[Kader]) -> None:
    if k.pelatihan and kader:
        rekap.perbarui(db.session, desa={person.posyandu.desa_kode for person in kader})


# --- QR check-in ----------------------------------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT_QR)


def token_qr(p: Peserta) -> str:
    """The signed part of a peserta's QR URL: unguessable, and useless without a staff login."""
    return _serializer().dumps([p.id, p.kegiatan_id])


def peserta_dari_token(token: str) -> Peserta:
    try:
        pid, kid = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        pid = kid = None
    p = db.session.get(Peserta, pid) if isinstance(pid, int) else None
    if p is None or p.kegiatan_id != kid:
        raise DomainError("Kode QR ini tidak sah. Pindai kartu peserta yang dicetak dari portal ini.")
    return p


def berlaku_hari_ini(k: Kegiatan, hari_ini: date) -> None:
    """A QR card marks today's sesi, so it works only on the days of the kegiatan."""
    rentang = formatting.rentang(k)
    if k.dibatalkan:
        raise DomainError("Kegiatan ini sudah dibatalkan: kartunya tidak berlaku lagi.")
    if hari_ini > k.tanggal_selesai:
        raise DomainError(f"Kode QR ini sudah kedaluwarsa: kegiatan selesai ({rentang}). Koreksi kehadiran "
                          "lewat daftar hadir per hari.")
    if hari_ini < k.tanggal_mulai:
        raise DomainError(f"Kode QR ini baru berlaku pada hari kegiatan ({rentang}).")


def check_in(actor, p: Peserta, hari_ini: date) -> Tanda:
    berlaku_hari_ini(p.kegiatan, hari_ini)
    return tandai(actor, p, hari_ini, "hadir", cara="qr", hari_ini=hari_ini)
