"""The one state machine of an usulan (DOMAIN.md §5): which role, in which scope, may move it from which state to which.

    (none) ─buat→ draf ─ajukan→ diajukan ─verifikasi_kecamatan→ diverifikasi_kecamatan ─verifikasi_kabupaten→
    diverifikasi_kabupaten ─usulkan (a tahap is sent)→ diusulkan ─registrasi (a number)→ teregistrasi
    diajukan / diverifikasi_kecamatan / diverifikasi_kabupaten ─kembalikan (with a reason)→ dikembalikan ─ajukan→ …
    diajukan ─verifikasi_an_kecamatan (the kabupaten, for a kecamatan without an account)→ diverifikasi_kecamatan
    diusulkan ─tolak (the ministry's answer, with its reason)→ ditolak: the attempt ends; the desa may buat the next
    teregistrasi ─koreksi_nomor (with a reason; the old number stays on the timeline)→ teregistrasi

Scope is always the Posyandu's desa code inside the user's region; admin may take every step (support), audited like
anyone. Every move is stored as a LangkahUsulan and an audit entry, and mirrored on the Posyandu (status and number,
by a Core UPDATE that leaves the profile's version alone, so nobody editing the profile gets a conflict) and in the
rekap rows, all in the caller's transaction.

Two people acting on one usulan at once: the row is locked (FOR UPDATE on PostgreSQL; on SQLite every write request
holds the database's write lock from its first statement), the state is read again, and the version the user saw must
still be the current one. Whoever comes second is refused with what happened in between.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal import access, audit, rekap
from portal.domain import DomainError
from portal.extensions import db
from portal.formatting import waktu
from portal.models.posyandu import Posyandu
from portal.models.registrasi import (JENIS_DOKUMEN, STATUS_SUNTING, STATUS_TERBUKA, STATUS_USULAN, DokumenUsulan,
                                      LangkahUsulan, Tahap, Usulan)
from portal.models.user import ROLE_LABEL, User
from portal.models.wilayah import Wilayah
from portal import kelengkapan
from portal.registrasi import berkas

VERIFIKASI = ("diajukan", "diverifikasi_kecamatan", "diverifikasi_kabupaten")
CATATAN_MAKS = 1000


def kecamatan_kode(desa_kode: str) -> str:
    return desa_kode.rsplit(".", 1)[0]


def akun_kecamatan_aktif(kode: str) -> bool:
    """Does the kecamatan have an active account of its own (role kecamatan, exactly its code)?"""
    return db.session.scalar(select(User.id).where(User.role == "kecamatan", User.wilayah_kode == kode,
                                                   User.active.is_(True)).limit(1)) is not None


def _kecamatan_tanpa_akun(posyandu: Posyandu) -> str | None:
    """The kabupaten verifies for a kecamatan only while that kecamatan has no active account: once it has one, the
    kecamatan's own people check its desa (a deactivated account counts as none)."""
    kode = kecamatan_kode(posyandu.desa_kode)
    if akun_kecamatan_aktif(kode):
        nama = db.session.get(Wilayah, kode)
        return (f"{nama.nama_lengkap if nama else kode} punya akun Tim Pembina Posyandu Kecamatan yang aktif: "
                "verifikasi kecamatan dilakukan oleh akun itu.")
    return None


@dataclass(frozen=True)
class Aturan:
    label: str  # the button
    ke: str
    # role → the states it may take this step from (None: no usulan yet)
    dari: dict[str, tuple[str | None, ...]]
    # The message when the note is missing: the note is required.
    catatan_wajib: str | None = None
    # A further condition on the Posyandu: why the step may not be taken now, or None.
    syarat: Callable[[Posyandu], str | None] | None = None


PENGUSUL = ("kabupaten", "admin")
ATURAN: dict[str, Aturan] = {
    "buat": Aturan("Buat usulan registrasi", "draf", {"desa": (None,), "admin": (None,)}),
    "ajukan": Aturan("Ajukan ke kecamatan", "diajukan", {"desa": STATUS_SUNTING, "admin": STATUS_SUNTING}),
    "verifikasi_kecamatan": Aturan("Nyatakan sesuai (verifikasi kecamatan)", "diverifikasi_kecamatan",
                                   {"kecamatan": ("diajukan",), "admin": ("diajukan",)}),
    "verifikasi_kabupaten": Aturan("Nyatakan sesuai (verifikasi kabupaten)", "diverifikasi_kabupaten",
                                   {"kabupaten": ("diverifikasi_kecamatan",), "admin": ("diverifikasi_kecamatan",)}),
    # Admin takes the kecamatan's own step; this one is the kabupaten's, recorded "atas nama kecamatan".
    "verifikasi_an_kecamatan": Aturan("Nyatakan sesuai atas nama kecamatan", "diverifikasi_kecamatan",
                                      {"kabupaten": ("diajukan",)}, syarat=_kecamatan_tanpa_akun),
    "kembalikan": Aturan("Kembalikan untuk perbaikan", "dikembalikan",
                         {"kecamatan": ("diajukan", "diverifikasi_kecamatan"), "kabupaten": VERIFIKASI,
                          "admin": VERIFIKASI},
                         catatan_wajib="Tulis alasannya, agar desa tahu apa yang harus diperbaiki."),
    # Only through a tahap being sent (service.kirim_tahap), never a button on one usulan.
    "usulkan": Aturan("Usulkan ke Kemendagri", "diusulkan",
                      {"kabupaten": ("diverifikasi_kabupaten",), "admin": ("diverifikasi_kabupaten",)}),
    "registrasi": Aturan("Catat nomor registrasi", "teregistrasi", dict.fromkeys(PENGUSUL, ("diusulkan",))),
    # The ministry's answer, recorded by the kabupaten: the attempt ends (its tahap keeps it as sent).
    "tolak": Aturan("Catat penolakan Kemendagri", "ditolak", dict.fromkeys(PENGUSUL, ("diusulkan",)),
                    catatan_wajib="Tulis alasan penolakan dari Kemendagri, agar desa tahu apa yang harus diperbaiki."),
    "koreksi_nomor": Aturan("Koreksi nomor registrasi", "teregistrasi", dict.fromkeys(PENGUSUL, ("teregistrasi",)),
                            catatan_wajib="Tulis alasan koreksi nomor (mis. salah ketik, surat ralat Kemendagri)."),
}
# The steps a person takes on the usulan's own page (usulkan belongs to the tahap page).
AKSI_HALAMAN = ("ajukan", "verifikasi_kecamatan", "verifikasi_an_kecamatan", "verifikasi_kabupaten", "kembalikan",
                "registrasi", "tolak", "koreksi_nomor")
# States whose reason (the note of the step that led there) the dossier, the queue and the Beranda show first.
BERALASAN = ("dikembalikan", "ditolak")
# Who acts next, told to those who have no step to take now.
BERIKUTNYA = {
    "draf": "Menunggu desa melengkapi dan mengajukan usulan ini.",
    "dikembalikan": "Dikembalikan ke desa: menunggu perbaikan dan pengajuan ulang.",
    "diajukan": "Menunggu verifikasi Tim Pembina Posyandu Kecamatan.",
    "diverifikasi_kecamatan": "Menunggu verifikasi DPMD/Tim Pembina Posyandu Kabupaten.",
    "diverifikasi_kabupaten": "Terverifikasi: menunggu dikirim kabupaten dalam tahap usulan ke Kemendagri.",
    "diusulkan": "Di Kemendagri: menunggu nomor registrasi.",
    "ditolak": "Ditolak Kemendagri: desa dapat membuat usulan baru setelah memperbaiki yang disebut alasannya.",
}
# What waits for each role: the states its queue shows first.
ANTRIAN = {
    "desa": ("dikembalikan", "ditolak", "draf"),
    "kecamatan": ("diajukan",),
    "kabupaten": ("diverifikasi_kecamatan", "diverifikasi_kabupaten", "diusulkan"),
    "admin": ("diverifikasi_kecamatan", "diverifikasi_kabupaten", "diusulkan"),
}


class Ditolak(DomainError):
    """A step that may not be taken now; the message says why, in the user's words."""


def _siapa(peran: tuple[str, ...]) -> str:
    return ", ".join(ROLE_LABEL[p] for p in peran if p != "admin")


def _status_list(states) -> str:
    return ", ".join(f"«{STATUS_USULAN[s]}»" for s in states if s)


def mungkin(user, posyandu: Posyandu, status: str | None, aksi: str) -> bool:
    """May the user take this step on this Posyandu's usulan in this state (ignoring the dossier's content)?"""
    aturan = ATURAN[aksi]
    return (access.in_scope(user, posyandu.desa_kode) and user.role in aturan.dari
            and status in aturan.dari[user.role] and (aturan.syarat is None or aturan.syarat(posyandu) is None))


def aksi_tersedia(user, usulan: Usulan) -> list[str]:
    return [a for a in AKSI_HALAMAN if mungkin(user, usulan.posyandu, usulan.status, a)]


def periksa(user, posyandu: Posyandu, status: str | None, aksi: str, usulan: Usulan | None = None) -> None:
    """Raises Ditolak saying exactly why the step may not be taken."""
    aturan = ATURAN[aksi]
    if user is None:  # the system (command line, demo data): any state any role may start from
        boleh = {s for states in aturan.dari.values() for s in states}
    elif not access.in_scope(user, posyandu.desa_kode):
        raise Ditolak("Posyandu ini di luar wilayah kerja Anda.")
    elif user.role not in aturan.dari:
        raise Ditolak(f"Langkah «{aturan.label}» bukan wewenang akun {ROLE_LABEL[user.role]}; langkah ini "
                      f"dilakukan oleh akun {_siapa(tuple(aturan.dari))}.")
    else:
        boleh = aturan.dari[user.role]
    if status not in boleh:
        if status is None:
            raise Ditolak("Posyandu ini belum punya usulan registrasi.")
        if aksi == "buat":
            raise Ditolak(f"Posyandu ini sudah punya usulan registrasi berstatus «{STATUS_USULAN[status]}».")
        terakhir = usulan.langkah[-1] if usulan is not None and usulan.langkah else None
        sejak = f" sejak {waktu(terakhir.pada)}" if terakhir else ""
        oleh = f" ({_nama(terakhir)})" if terakhir else ""
        raise Ditolak(f"Usulan ini berstatus «{STATUS_USULAN[status]}»{sejak}{oleh}. Langkah «{aturan.label}» "
                      f"hanya dapat diambil dari status {_status_list(boleh)}.")
    if aturan.ke in ("diajukan", "diverifikasi_kecamatan", "diverifikasi_kabupaten", "diusulkan") and not posyandu.aktif:
        raise Ditolak("Posyandu ini sudah dinonaktifkan; usulannya tidak dapat diproses. Aktifkan kembali dulu "
                      "bila Posyandu masih berjalan.")
    alasan = aturan.syarat(posyandu) if aturan.syarat is not None else None
    if alasan:
        raise Ditolak(alasan)


def _nama(langkah: LangkahUsulan) -> str:
    return langkah.oleh.name if langkah.oleh else "sistem"


def syarat_ajukan(usulan: Usulan, syarat: list | None = None, diminta: bool = True) -> list[str]:
    """What the dossier still lacks before the desa may submit it, one sentence each (empty: ready). syarat: the
    Posyandu's kelengkapan when the caller has it already; diminta=False leaves out the documents a return asked to
    replace (the dossier page lists those on their own, dokumen_diminta())."""
    if syarat is None:
        syarat = kelengkapan.untuk(usulan.posyandu, current_app.config["KADER_MINIMUM"])
    kurang = [f"{s.label}: belum terpenuhi.{' ' + s.detail if s.detail else ''}" for s in syarat if not s.ok]
    ada = usulan.dokumen_aktif
    for jenis in current_app.config["REGISTRASI_DOKUMEN_WAJIB"]:
        if jenis not in ada:
            kurang.append(f"Dokumen «{JENIS_DOKUMEN[jenis]}» belum diunggah.")
    for _jenis, label, pengganti in dokumen_diminta(usulan) if diminta else ():
        if pengganti is None:
            kurang.append(f"Dokumen «{label}» diminta diganti saat dikembalikan; unggah penggantinya.")
    return kurang


def alasan(usulan: Usulan) -> LangkahUsulan | None:
    """The step that returned or refused the usulan, while it is in that state: its note is the reason."""
    if usulan.status not in BERALASAN:
        return None
    return next((step for step in reversed(usulan.langkah) if step.ke == usulan.status), None)


def dokumen_diminta(usulan: Usulan) -> list[tuple[str, str, DokumenUsulan | None]]:
    """The documents the return asked the desa to replace: (jenis, label, the replacement uploaded since, or None)."""
    step = alasan(usulan) if usulan.status == "dikembalikan" else None
    if step is None or not step.perbaikan:
        return []
    ada = usulan.dokumen_aktif
    return [(jenis, JENIS_DOKUMEN[jenis],
             ada[jenis] if jenis in ada and ada[jenis].diunggah_pada > step.pada else None)
            for jenis in step.perbaikan if jenis in JENIS_DOKUMEN]


def catatan_bersih(catatan: str | None) -> str | None:
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", (catatan or "")).strip()
    return text or None


def kunci(usulan_id: int) -> Usulan | None:
    """The usulan read afresh, its row locked until the transaction ends (PostgreSQL; SQLite writers are serial)."""
    # SQLite renders no FOR UPDATE: its writing requests hold the database's write lock already.
    return db.session.scalar(select(Usulan).where(Usulan.id == usulan_id).with_for_update()
                             .execution_options(populate_existing=True))


def _langkah(user, usulan: Usulan, aksi: str, dari: str | None, catatan: str | None, **rincian) -> None:
    """The step on the timeline and in the audit log. rincian: nomor, nomor_lama, atas_nama, perbaikan."""
    db.session.add(LangkahUsulan(usulan=usulan, aksi=aksi, dari=dari, ke=usulan.status,
                                 oleh_id=user.id if user is not None else None,
                                 peran=user.role if user is not None else None, catatan=catatan, **rincian))
    changes = {"status": [dari or "belum", usulan.status]} if dari != usulan.status else {}
    if catatan:
        changes["catatan"] = [None, catatan]
    if rincian.get("nomor"):
        changes["nomor_registrasi"] = [rincian.get("nomor_lama"), rincian["nomor"]]
    if rincian.get("atas_nama"):
        w = db.session.get(Wilayah, rincian["atas_nama"])
        changes["atas_nama"] = [None, f"{w.nama_lengkap} ({w.kode})" if w else rincian["atas_nama"]]
    if rincian.get("perbaikan"):
        changes["dokumen"] = [None, "diminta diganti: " + ", ".join(JENIS_DOKUMEN[j] for j in rincian["perbaikan"])]
    audit.record(user, aksi, usulan, wilayah_kode=usulan.posyandu.desa_kode, changes=changes,
                 posyandu_id=usulan.posyandu_id,
                 on_behalf_of=usulan.posyandu.desa_kode if user is not None and user.role != "desa" else None)


def cermin(usulan_list: list[Usulan]) -> None:
    """Posyandu.status_registrasi and .nomor_registrasi follow each usulan, then the rekap of their desa."""
    table = Posyandu.__table__
    for u in usulan_list:
        db.session.execute(update(table).where(table.c.id == u.posyandu_id).values(
            status_registrasi=u.status, nomor_registrasi=u.nomor_registrasi, updated_at=table.c.updated_at))
    rekap.perbarui(db.session, desa={u.posyandu.desa_kode for u in usulan_list})


def buat(user, posyandu: Posyandu) -> Usulan:
    """A new draf for a Posyandu without an open usulan (the next attempt if an earlier one ended)."""
    posyandu = db.session.scalar(select(Posyandu).where(Posyandu.id == posyandu.id).with_for_update())
    terbuka = db.session.scalar(select(Usulan).where(Usulan.posyandu_id == posyandu.id,
                                                     Usulan.status.in_(STATUS_TERBUKA + ("teregistrasi",))))
    periksa(user, posyandu, terbuka.status if terbuka else None, "buat", terbuka)
    if not posyandu.aktif:
        raise Ditolak("Posyandu ini sudah dinonaktifkan; aktifkan kembali dulu sebelum mengusulkan registrasi.")
    percobaan = (db.session.scalar(select(func.max(Usulan.percobaan)).where(Usulan.posyandu_id == posyandu.id))
                 or 0) + 1
    usulan = Usulan(posyandu=posyandu, percobaan=percobaan, status="draf",
                    dibuat_oleh_id=user.id if user is not None else None)
    db.session.add(usulan)
    try:
        db.session.flush()
    except IntegrityError:  # someone else created it a moment earlier
        db.session.rollback()
        raise Ditolak("Usulan untuk Posyandu ini baru saja dibuat oleh pengguna lain. Buka usulan itu.") from None
    _langkah(user, usulan, "buat", None, None)
    cermin([usulan])
    return usulan


def jalankan(user, usulan_id: int, aksi: str, *, versi=None, catatan: str | None = None,
             nomor: str | None = None, tahap: Tahap | None = None, ganti: list[str] | None = None,
             commit: bool = True) -> Usulan:
    """Takes one step, or raises Ditolak and changes nothing. versi: the version the user saw (None: the caller
    already holds the row, e.g. sending a whole tahap). ganti: with kembalikan, the kinds of document the desa must
    replace."""
    if aksi not in ATURAN or aksi == "buat":
        raise Ditolak("Langkah tidak dikenal.")
    aturan = ATURAN[aksi]
    usulan = kunci(usulan_id)
    if usulan is None:
        raise Ditolak("Usulan tidak ditemukan.")
    if versi is not None and str(versi) != str(usulan.version):
        terakhir = usulan.langkah[-1] if usulan.langkah else None
        oleh = f" oleh {_nama(terakhir)}, {waktu(terakhir.pada)}" if terakhir else ""
        raise Ditolak(f"Usulan ini baru saja berubah{oleh}: kini berstatus «{usulan.status_label}». Langkah Anda "
                      "tidak dijalankan; periksa keadaannya yang terbaru di bawah.")
    periksa(user, usulan.posyandu, usulan.status, aksi, usulan)
    catatan = catatan_bersih(catatan)
    if catatan and len(catatan) > CATATAN_MAKS:
        raise Ditolak(f"Catatan paling panjang {CATATAN_MAKS} karakter.", "catatan")
    if aturan.catatan_wajib and not catatan:
        raise Ditolak(aturan.catatan_wajib, "catatan")
    rincian: dict = {}
    if aksi == "kembalikan" and ganti:
        if any(j not in JENIS_DOKUMEN for j in ganti):
            raise Ditolak("Pilih dokumen yang harus diganti dari daftar.", "ganti")
        rincian["perbaikan"] = [j for j in JENIS_DOKUMEN if j in ganti]
    if aksi == "verifikasi_an_kecamatan":
        rincian["atas_nama"] = kecamatan_kode(usulan.posyandu.desa_kode)
    if aksi == "ajukan":
        kurang = syarat_ajukan(usulan)
        if kurang:
            raise Ditolak("Usulan belum dapat diajukan. Yang masih kurang: " + " ".join(kurang))
        usulan.potret = berkas.potret(usulan.posyandu)
    if aksi in ("registrasi", "koreksi_nomor"):
        nomor = periksa_nomor(nomor, usulan)
        if nomor == usulan.nomor_registrasi:
            raise Ditolak(f"Nomor {nomor} sudah tercatat untuk Posyandu ini; tulis nomor yang benar.", "nomor")
        rincian.update(nomor=nomor, nomor_lama=usulan.nomor_registrasi)
        usulan.nomor_registrasi = nomor
    if aksi == "usulkan":
        if tahap is None or usulan.tahap_id != tahap.id:
            raise Ditolak("Usulan dikirim ke Kemendagri hanya bersama tahapnya.")
    dari = usulan.status
    if aksi == "kembalikan" and usulan.tahap is not None and usulan.tahap.status == "disusun":
        catatan += f" (Dikeluarkan dari {usulan.tahap.nama}.)"
        usulan.tahap = None
    usulan.status = aturan.ke
    _langkah(user, usulan, aksi, dari, catatan, **rincian)
    try:
        db.session.flush()
    except StaleDataError:  # changed under us where no lock is taken (a direct call outside a request on SQLite)
        db.session.rollback()
        raise Ditolak("Usulan ini baru saja diubah pengguna lain. Langkah Anda tidak dijalankan; muat ulang "
                      "halamannya.") from None
    except IntegrityError:  # the same number recorded for another Posyandu a moment earlier
        db.session.rollback()
        raise Ditolak("Nomor registrasi itu baru saja dicatat untuk Posyandu lain.", "nomor") from None
    cermin([usulan])
    if commit:
        db.session.commit()
    return usulan


# --- nomor registrasi -------------------------------------------------------------------------------------------------

def pola_nomor(desa_kode: str) -> re.Pattern:
    """NOMOR_REGISTRASI_PATTERN with {desa} standing for the Posyandu's own desa code (DOMAIN.md §5: configurable)."""
    pola = current_app.config["NOMOR_REGISTRASI_PATTERN"].replace("{desa}", re.escape(desa_kode))
    return re.compile(pola, re.ASCII)  # \d is 0-9 only: '٠٠١' is no number


def contoh_nomor(desa_kode: str) -> str:
    return f"{desa_kode}.001"


def periksa_nomor(nomor: str | None, usulan: Usulan, dipakai: dict[str, int] | None = None) -> str:
    """The number cleaned, or Ditolak: it must fit the pattern for the Posyandu's desa and be used by no other."""
    nomor = re.sub(r"\s+", "", nomor or "")
    desa = usulan.posyandu.desa_kode
    if not nomor:
        raise Ditolak("Isi nomor registrasi dari Kemendagri.", "nomor")
    if len(nomor) > 40:
        raise Ditolak("Nomor registrasi paling panjang 40 karakter.", "nomor")
    if not nomor.startswith(desa + "."):
        raise Ditolak(f"Nomor registrasi harus diawali kode desa Posyandu ini, {desa} (contoh: "
                      f"{contoh_nomor(desa)}).", "nomor")
    if not pola_nomor(desa).fullmatch(nomor):
        raise Ditolak(f"Nomor registrasi tidak sesuai pola yang berlaku (contoh: {contoh_nomor(desa)}).", "nomor")
    lain = db.session.scalar(select(Posyandu.nama).where(Posyandu.nomor_registrasi == nomor,
                                                         Posyandu.id != usulan.posyandu_id))
    if lain is None and dipakai is not None and dipakai.get(nomor, usulan.posyandu_id) != usulan.posyandu_id:
        lain = "Posyandu lain dalam berkas yang sama"
    if lain is not None:
        raise Ditolak(f"Nomor {nomor} sudah dipakai {lain}.", "nomor")
    return nomor
