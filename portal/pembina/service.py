"""Keeping a Tim Pembina: its periods (each set by one SK), its seats and the people in them, its SK documents.

Every function here checks its input with pembina/aturan.py, locks what it changes, records the change in the audit
log and commits, or rolls back and raises DomainError (FormErrors, ConflictError) having changed nothing. Access
(who may keep which tim) is the view's question to portal/access.py.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from portal import audit, dokumen
from portal.alur import all_or_nothing, lock
from portal.domain import Conflict, DomainError, FormErrors, check_version, commit_or_conflict
from portal.extensions import db
from portal.formatting import hari_ini, tanggal
from portal.models.base import utcnow
from portal.models.pembina import (JABATAN_TUNGGAL, PENANDATANGAN, TINGKAT_OPD, AnggotaPembina, DokumenSK, KursiPembina, Opd,
                                   TimPembina)
from portal.models.posyandu import BIDANG
from portal.models.wilayah import Wilayah, level_of
from portal.pembina import aturan


def tim_aktif(kode: str) -> TimPembina | None:
    return db.session.scalar(select(TimPembina).where(TimPembina.wilayah_kode == kode, TimPembina.aktif.is_(True)))


def get_tim(tid: int) -> TimPembina | None:
    return db.session.get(TimPembina, tid)


def get_kursi(kid: int) -> KursiPembina | None:
    return db.session.get(KursiPembina, kid)


def get_dokumen(did: int) -> DokumenSK | None:
    return db.session.get(DokumenSK, did)


def periode(kode: str) -> list[TimPembina]:
    """Every period of the wilayah's tim, the newest first."""
    return list(db.session.scalars(select(TimPembina).where(TimPembina.wilayah_kode == kode)
                                   .order_by(TimPembina.masa_bakti_mulai.desc(), TimPembina.id.desc())))


def kode_register(kode: str) -> str:
    """The OPD register a tim's members come from: the provinsi's for its own tim, else the kabupaten's."""
    return kode if level_of(kode) == 1 else kode[:5]


_KEPALA = {"provinsi": "Gubernur", "kabupaten": "Bupati", "kota": "Wali Kota", "kecamatan": "Camat", "distrik": "Kepala Distrik",
           "desa": "Kepala Desa", "desa_adat": "Kepala Desa", "kelurahan": "Lurah"}


def penandatangan_bawaan(kode: str) -> str:
    """Who signs the SK of this region's tim, by name: "Bupati Tabalong", "Kepala Desa Bintang Ara"."""
    w = db.session.get(Wilayah, kode)
    if w is None:
        return PENANDATANGAN.get(level_of(kode), "")
    nama = w.nama.removeprefix("Kabupaten ").removeprefix("Kota ")
    return f"{_KEPALA.get(w.jenis, PENANDATANGAN.get(w.level, ''))} {nama}".strip()


def _record(actor, action: str, obj, tim: TimPembina, changes: dict) -> None:
    audit.record(actor, action, obj, wilayah_kode=tim.wilayah_kode, changes=changes,
                 on_behalf_of=None if actor is None or actor.wilayah_kode == tim.wilayah_kode else tim.wilayah_kode)


def _tim_snapshot(tim: TimPembina) -> dict:
    return {f: getattr(tim, f) for f in aturan.TIM}


# --- derived flags ---------------------------------------------------------------------------------------------------

def hitung_ulang(tim: TimPembina) -> None:
    """The tim's derived flags from its seats and documents (models/pembina.py); flushed with the caller's change."""
    db.session.flush()
    db.session.refresh(tim)
    kurang = kekurangan_bidang(tim)
    tim.ketua_terisi = any(k.jabatan == "ketua" and k.sekarang is not None for k in tim.kursi_aktif)
    tim.bidang_kurang = ",".join(b for b in BIDANG if b in kurang["koordinator"] or b in kurang["opd"])
    tim.berkas_sk = tim.dokumen_aktif is not None


def kekurangan_bidang(tim: TimPembina) -> dict[str, list[str]]:
    """The bidang without a koordinator in a held seat, and (provinsi and kabupaten/kota: TINGKAT_OPD) those without
    a member from an active OPD that carries it."""
    kursi = [k for k in tim.kursi_aktif if k.sekarang is not None]
    koordinator = {k.bidang for k in kursi if k.jabatan == "koordinator"}
    opd = {b for k in kursi if k.unsur == "opd" and k.opd is not None and k.opd.aktif for b in k.opd.bidang_list}
    perlu_opd = level_of(tim.wilayah_kode) in TINGKAT_OPD
    return {"koordinator": [b for b in BIDANG if b not in koordinator],
            "opd": [b for b in BIDANG if perlu_opd and b not in opd]}


def hitung_ulang_register(kode_opd: str) -> None:
    """After a change to the register: the tims whose members may come from it."""
    stmt = select(TimPembina).where(TimPembina.aktif.is_(True))
    if level_of(kode_opd) == 1:
        stmt = stmt.where(TimPembina.wilayah_kode == kode_opd)
    else:
        stmt = stmt.where((TimPembina.wilayah_kode == kode_opd) | TimPembina.wilayah_kode.startswith(kode_opd + "."))
    for tim in db.session.scalars(stmt):
        hitung_ulang(tim)


# --- periods ---------------------------------------------------------------------------------------------------------

def _salin(tim_lama: TimPembina, tim: TimPembina, semua: bool, mulai: date, actor) -> int:
    """Seats carried into the new period: the ex officio ones always (the office holds them), the others when the
    keeper asks; each with its current holder."""
    n = 0
    for k in tim_lama.kursi_aktif:
        if not (k.ex_officio or semua):
            continue
        baru = KursiPembina(tim=tim, jabatan=k.jabatan, bidang=k.bidang, unsur=k.unsur, opd_id=k.opd_id,
                            jabatan_dinas=k.jabatan_dinas, ex_officio=k.ex_officio, urutan=k.urutan)
        db.session.add(baru)
        if (orang := k.sekarang) is not None:
            db.session.add(AnggotaPembina(kursi=baru, nama=orang.nama, telepon=orang.telepon, email=orang.email,
                                          mulai=orang.mulai or mulai, dicatat_oleh_id=actor.id if actor else None))
        n += 1
    return n


@all_or_nothing
def buat_tim(actor, kode: str, raw: dict, salin_semua: bool = False, berkas=None,
             sebelumnya: str | None = None) -> TimPembina:
    """A new period of the wilayah's tim by a new SK. The current one (if any) ends and stays as history; its ex
    officio seats carry over (all seats with salin_semua). berkas: (stream, filename) of the SK's file, optional;
    a file that is not a PDF or an image refuses the whole period. sebelumnya: the id of the current period the form
    showed ("" for none; None: not checked): another one now means someone recorded a period meanwhile (409)."""
    values, errors = aturan.clean_tim(raw)
    sk = None
    if berkas is not None and berkas[1]:
        try:
            sk = dokumen.baca(*berkas)
        except DomainError as e:
            errors["berkas"] = e.message
    if errors:
        raise FormErrors(errors)
    lama = tim_aktif(kode)
    if sebelumnya is not None and sebelumnya != (str(lama.id) if lama else ""):
        raise Conflict("Tim Pembina wilayah ini baru saja dicatat pengguna lain (mungkin formulir ini sudah "
                       "terkirim). Tidak ada yang disimpan; periksa halamannya.")
    if lama is not None:
        lama = lock(TimPembina, lama.id)
        if not lama.aktif:
            raise Conflict("Periode ini baru saja diakhiri pengguna lain. Tidak ada yang disimpan; periksa halamannya.")
        if values["masa_bakti_mulai"] <= lama.masa_bakti_mulai:
            raise FormErrors({"masa_bakti_mulai": "Periode baru harus dimulai sesudah awal periode terakhir "
                                                  f"({tanggal(lama.masa_bakti_mulai)})."})
        if values["sk_nomor"].casefold() == lama.sk_nomor.casefold():
            raise FormErrors({"sk_nomor": "Nomor SK ini sama dengan SK periode terakhir. Untuk memperbaiki salah "
                                          "ketik, pakai «Koreksi data SK»."})
        lama.aktif, lama.berakhir_pada = False, utcnow()
        db.session.flush()  # the old one leaves the unique "current" index before the new one enters it
    tim = TimPembina(wilayah_kode=kode, dibuat_oleh_id=actor.id if actor else None, **values)
    db.session.add(tim)
    db.session.flush()
    disalin = _salin(lama, tim, salin_semua, values["masa_bakti_mulai"], actor) if lama is not None else 0
    dok = DokumenSK(tim=tim, **dokumen.kolom(actor, *sk, berkas[1])) if sk else None
    try:
        if dok is not None:
            db.session.add(dok)
        hitung_ulang(tim)
        changes = audit.diff({}, values)
        if dok is not None:
            changes["dokumen"] = [None, dok.nama_berkas]
        if lama is not None:
            changes["periode_sebelumnya"] = [lama.sk_nomor, None]
            changes["kursi_disalin"] = [None, disalin]
            _record(actor, "akhiri", lama, lama, {"aktif": [True, False]})
        _record(actor, "buat", tim, tim, changes)
        commit_or_conflict(tim)
    except Exception as e:
        db.session.rollback()
        if dok is not None:
            dokumen.hapus_berkas(dok.berkas)
        if isinstance(e, IntegrityError):  # another keeper recorded the first period at the same moment
            raise Conflict("Tim Pembina wilayah ini baru saja dicatat pengguna lain; muat ulang halamannya.") from None
        raise
    return tim


@all_or_nothing
def ubah_tim(actor, tim: TimPembina, raw: dict, version) -> TimPembina:
    check_version(tim, version)
    values, errors = aturan.clean_tim(raw)
    if errors:
        raise FormErrors(errors)
    before = _tim_snapshot(tim)
    for field, value in values.items():
        setattr(tim, field, value)
    if changes := audit.diff(before, _tim_snapshot(tim)):
        _record(actor, "ubah", tim, tim, changes)
        commit_or_conflict(tim)
    return tim


@all_or_nothing
def unggah_sk(actor, tim: TimPembina, stream, filename: str | None) -> DokumenSK:
    """The SK's file, checked by its content; an earlier one stays, inactive."""
    tim = lock(TimPembina, tim.id)
    data, tipe = dokumen.baca(stream, filename)
    lama = tim.dokumen_aktif
    if lama is not None:
        lama.aktif, lama.dinonaktifkan_pada = False, utcnow()
    dok = DokumenSK(tim=tim, **dokumen.kolom(actor, data, tipe, filename))
    db.session.add(dok)
    try:
        hitung_ulang(tim)
        _record(actor, "unggah", dok, tim, {"dokumen": [lama.nama_berkas if lama else None, dok.nama_berkas]})
        db.session.commit()
    except Exception:
        db.session.rollback()
        dokumen.hapus_berkas(dok.berkas)
        raise
    return dok


# --- seats and the people in them ------------------------------------------------------------------------------------

def _opd(tim: TimPembina, unsur: str, opd_id) -> int | None:
    if unsur != "opd":
        return None
    opd = db.session.get(Opd, opd_id) if isinstance(opd_id, int) else None
    if opd is None or not opd.aktif or opd.wilayah_kode != kode_register(tim.wilayah_kode):
        raise FormErrors({"opd_id": "Pilih OPD dari daftar OPD wilayah ini."})
    return opd.id


def _kursi_tunggal_bebas(tim: TimPembina, values: dict, own_id: int | None) -> None:
    if values["jabatan"] not in JABATAN_TUNGGAL:
        return
    for k in tim.kursi_aktif:
        if k.id != own_id and k.jabatan == values["jabatan"] and k.bidang == values["bidang"]:
            siapa = k.sekarang.nama if k.sekarang else "kosong"
            raise FormErrors({"jabatan": f"Tim ini sudah punya {k.jabatan_label} ({siapa}). Ganti pemegangnya "
                                         "lewat kursi itu."})


def _baca_kursi(tim: TimPembina, raw: dict, own_id: int | None) -> dict:
    values, errors = aturan.clean_kursi(raw)
    if not errors:
        try:
            values["opd_id"] = _opd(tim, values["unsur"], raw.get("opd_id"))
            _kursi_tunggal_bebas(tim, values, own_id)
        except FormErrors as e:
            errors.update(e.errors)
    if errors:
        raise FormErrors(errors)
    return values


def _baca_anggota(raw: dict) -> dict:
    values, errors = aturan.clean_anggota(raw)
    if errors:
        raise FormErrors(errors)
    return values


def _masih_aktif(tim: TimPembina) -> TimPembina:
    tim = lock(TimPembina, tim.id)
    if not tim.aktif:
        raise DomainError("Periode ini sudah berakhir: anggotanya tidak diubah lagi (tetap tersimpan sebagai riwayat).")
    return tim


def _kursi_terkunci(kursi: KursiPembina, version) -> tuple[TimPembina, KursiPembina]:
    """The tim and the seat locked (in that order, as every change of a tim takes them), the version the user saw
    checked on the seat as it is now, and the seat still in the tim."""
    tim = _masih_aktif(kursi.tim)
    kursi = lock(KursiPembina, kursi.id)
    check_version(kursi, version)
    if not kursi.aktif:
        raise DomainError("Kursi ini sudah dilepas dari tim (tetap tercatat di riwayat). Tambahkan kursi baru bila "
                          "perlu.")
    return tim, kursi


def _sentuh(kursi: KursiPembina) -> None:
    """A change to the seat's holder moves the seat's version too, so a form shown before it is stale (409)."""
    flag_modified(kursi, "urutan")


@all_or_nothing
def tambah_kursi(actor, tim: TimPembina, raw: dict, commit: bool = True, sumber: str | None = None) -> KursiPembina:
    """A seat and the person in it. sumber: where it came from when not typed into the form (an imported file)."""
    tim = _masih_aktif(tim)
    values, errors = {}, {}
    for read in (lambda: values.update(_baca_kursi(tim, raw, None)), lambda: values.update(_baca_anggota(raw))):
        try:
            read()
        except FormErrors as e:
            errors.update(e.errors)
    if errors:
        raise FormErrors(errors)
    kursi = KursiPembina(tim=tim, urutan=len(tim.kursi), **{f: values[f] for f in (*aturan.KURSI, "opd_id")})
    db.session.add(kursi)
    db.session.add(AnggotaPembina(kursi=kursi, dicatat_oleh_id=actor.id if actor else None,
                                  **{f: values[f] for f in aturan.ANGGOTA}))
    hitung_ulang(tim)
    changes = audit.diff({}, {k: v for k, v in values.items() if k not in ("telepon", "email")})
    if sumber:
        changes["sumber"] = [None, sumber]
    _record(actor, "buat", kursi, tim, changes)
    commit_or_conflict(kursi, commit)
    return kursi


@all_or_nothing
def ubah_kursi(actor, kursi: KursiPembina, raw: dict, version) -> KursiPembina:
    """The seat's jabatan, unsur, office and ex officio flag, and the current holder's name and contacts."""
    tim, kursi = _kursi_terkunci(kursi, version)
    values = _baca_kursi(tim, raw, kursi.id)
    orang = kursi.sekarang
    data = _baca_anggota(raw) if orang is not None else {}
    before = {f: getattr(kursi, f) for f in values} | {f: getattr(orang, f) for f in data}
    for f, v in values.items():
        setattr(kursi, f, v)
    for f, v in data.items():
        setattr(orang, f, v)
    after = {f: getattr(kursi, f) for f in values} | {f: getattr(orang, f) for f in data}
    if changes := audit.diff(before, after):
        _sentuh(kursi)
        hitung_ulang(tim)
        _record(actor, "ubah", kursi, tim, changes)
        commit_or_conflict(kursi)
    return kursi


@all_or_nothing
def ganti_pemegang(actor, kursi: KursiPembina, raw: dict, version) -> AnggotaPembina:
    """A new person in the seat from `mulai` (default today); the one before ends the day before and stays in the
    history. The seat, and its ex officio flag, carry on."""
    tim, kursi = _kursi_terkunci(kursi, version)
    data = _baca_anggota(raw)
    mulai = data["mulai"] or hari_ini()
    data["mulai"] = mulai
    if not tim.masa_bakti_mulai <= mulai <= hari_ini():
        raise FormErrors({"mulai": f"Mulai menjabat harus antara awal masa bakti ({tanggal(tim.masa_bakti_mulai)}) "
                                   "dan hari ini."})
    lama = kursi.sekarang
    if lama is not None:
        if lama.mulai and mulai < lama.mulai:
            raise FormErrors({"mulai": f"Pemegang baru tidak boleh mulai sebelum {tanggal(lama.mulai)} (mulai "
                                       f"menjabat {lama.nama})."})
        lama.aktif, lama.selesai = False, mulai
        db.session.flush()
    orang = AnggotaPembina(kursi=kursi, dicatat_oleh_id=actor.id if actor else None, **data)
    db.session.add(orang)
    _sentuh(kursi)
    hitung_ulang(tim)
    _record(actor, "ganti", kursi, tim, {"pemegang": [lama.nama if lama else None, orang.nama]})
    commit_or_conflict(kursi)
    return orang


@all_or_nothing
def lepas_kursi(actor, kursi: KursiPembina, version, alasan: str | None = None,
                kursi_tetap: bool = False) -> KursiPembina:
    """The holder's term ends today; the seat leaves the tim (kept, inactive), or with kursi_tetap stays, empty (an
    official retired and the successor is not appointed yet: the ex officio seat waits for them)."""
    tim, kursi = _kursi_terkunci(kursi, version)
    if len((alasan or "").strip()) > 300:
        raise FormErrors({"alasan": "Alasan paling panjang 300 karakter."})
    orang = kursi.sekarang
    if kursi_tetap and orang is None:
        return kursi
    if orang is not None:
        orang.aktif, orang.selesai = False, hari_ini()
    if not kursi_tetap:
        kursi.aktif = False
    _sentuh(kursi)
    hitung_ulang(tim)
    alasan = (alasan or "").strip()[:300] or None
    if kursi_tetap:
        _record(actor, "kosongkan", kursi, tim, {"pemegang": [orang.nama, None], "alasan": [None, alasan]})
    else:
        _record(actor, "hapus", kursi, tim, {"kursi": [f"{kursi.jabatan_label}: {orang.nama if orang else '–'}", None],
                                            "alasan": [None, alasan]})
    commit_or_conflict(kursi)
    return kursi
