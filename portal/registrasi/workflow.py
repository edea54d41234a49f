"""The one state machine of an usulan (DOMAIN.md §5): which role, in which scope, may move it from which state to which.

    (none) ─buat→ draf ─ajukan→ diajukan ─verifikasi_kecamatan→ diverifikasi_kecamatan ─verifikasi_kabupaten→
    diverifikasi_kabupaten ─usulkan (a tahap is sent)→ diusulkan ─registrasi (a number)→ teregistrasi
    diajukan / diverifikasi_kecamatan / diverifikasi_kabupaten ─kembalikan (with a reason)→ dikembalikan ─ajukan→ …
    diajukan ─verifikasi_an_kecamatan (the kabupaten, for a kecamatan without an account)→ diverifikasi_kecamatan
    diusulkan ─tolak (the ministry's answer, with its reason)→ ditolak: the attempt ends; the desa may buat the next
    teregistrasi ─koreksi_nomor (with a reason; the old number stays on the timeline)→ teregistrasi

The states are models/status_registrasi.py's table; the steps are LANGKAH below, judged and taken by the one workflow
mechanism (portal/alur.py). Scope is always the Posyandu's desa code inside the user's region; admin may take every
step (support), audited like anyone. Every move is stored as a LangkahUsulan and an audit entry, and mirrored on the
Posyandu (status and number, by a Core UPDATE that leaves the profile's version alone, so nobody editing the profile
gets a conflict) and in the rekap rows. A step commits (commit=False: a caller taking many at once commits them); a
refused one rolls back and raises DomainError (Conflict, 409, when someone else moved the usulan first).

Two people acting on one usulan at once: the row is locked (FOR UPDATE on PostgreSQL; on SQLite every write request
holds the database's write lock from its first statement), the state is read again, and the version the user saw must
still be the current one. Whoever comes second is refused with what happened in between.
"""
from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import func, select, update

from portal import access, audit, kelengkapan, rekap
from portal.alur import Alur, Langkah, all_or_nothing, check_version, lock
from portal.domain import Conflict, DomainError
from portal.extensions import db
from portal.formatting import waktu
from portal.models.posyandu import Posyandu
from portal.models.registrasi import JENIS_DOKUMEN, DokumenUsulan, LangkahUsulan, Tahap, Usulan
from portal.models.status_registrasi import BERALASAN, KELOMPOK_STATUS, STATUS_SUNTING, STATUS_TERBUKA, STATUS_USULAN
from portal.models.user import User
from portal.models.wilayah import Wilayah
from portal.registrasi import berkas

VERIFIKASI = KELOMPOK_STATUS["verifikasi"][1]
# The states a Posyandu that was closed cannot be moved into.
DIPROSES = (*VERIFIKASI, "diusulkan")


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


PENGUSUL = access.PENGUSUL
LANGKAH: dict[str, Langkah] = {
    "buat": Langkah("Buat usulan registrasi", "draf", dict.fromkeys(access.PEMBUAT_USULAN, (None,)),
                    pesan_status="Posyandu ini sudah punya usulan registrasi berstatus «{status}»."),
    "ajukan": Langkah("Ajukan ke kecamatan", "diajukan", {"desa": STATUS_SUNTING, "admin": STATUS_SUNTING}),
    "verifikasi_kecamatan": Langkah("Nyatakan sesuai (verifikasi kecamatan)", "diverifikasi_kecamatan",
                                    {"kecamatan": ("diajukan",), "admin": ("diajukan",)}),
    "verifikasi_kabupaten": Langkah("Nyatakan sesuai (verifikasi kabupaten)", "diverifikasi_kabupaten",
                                    {"kabupaten": ("diverifikasi_kecamatan",), "admin": ("diverifikasi_kecamatan",)}),
    # Admin takes the kecamatan's own step; this one is the kabupaten's, recorded "atas nama kecamatan".
    "verifikasi_an_kecamatan": Langkah("Nyatakan sesuai atas nama kecamatan", "diverifikasi_kecamatan",
                                       {"kabupaten": ("diajukan",)}, syarat=_kecamatan_tanpa_akun),
    "kembalikan": Langkah("Kembalikan untuk perbaikan", "dikembalikan",
                          {"kecamatan": ("diajukan", "diverifikasi_kecamatan"), "kabupaten": VERIFIKASI,
                           "admin": VERIFIKASI},
                          catatan_wajib="Tulis alasannya, agar desa tahu apa yang harus diperbaiki."),
    # Only through a tahap being sent (service.kirim_tahap), never a button on one usulan.
    "usulkan": Langkah("Usulkan ke Kemendagri", "diusulkan", dict.fromkeys(PENGUSUL, ("diverifikasi_kabupaten",))),
    "registrasi": Langkah("Catat nomor registrasi", "teregistrasi", dict.fromkeys(PENGUSUL, ("diusulkan",))),
    # The ministry's answer, recorded by the kabupaten: the attempt ends (its tahap keeps it as sent).
    "tolak": Langkah("Catat penolakan Kemendagri", "ditolak", dict.fromkeys(PENGUSUL, ("diusulkan",)),
                     catatan_wajib="Tulis alasan penolakan dari Kemendagri, agar desa tahu apa yang harus diperbaiki."),
    "koreksi_nomor": Langkah("Koreksi nomor registrasi", "teregistrasi", dict.fromkeys(PENGUSUL, ("teregistrasi",)),
                             catatan_wajib="Tulis alasan koreksi nomor (mis. salah ketik, surat ralat Kemendagri)."),
}
ALUR = Alur(LANGKAH, label=STATUS_USULAN, timeline=LangkahUsulan, subjek="usulan",
            luar_wilayah="Posyandu ini di luar wilayah kerja Anda.",
            belum_ada="Posyandu ini belum punya usulan registrasi.")
# The steps a person takes on the usulan's own page (usulkan belongs to the tahap page).
AKSI_HALAMAN = ("ajukan", "verifikasi_kecamatan", "verifikasi_an_kecamatan", "verifikasi_kabupaten", "kembalikan",
                "registrasi", "tolak", "koreksi_nomor")
# What waits for each role: the states its queue shows first.
ANTRIAN = {
    "desa": ("dikembalikan", "ditolak", "draf"),
    "kecamatan": ("diajukan",),
    "kabupaten": ("diverifikasi_kecamatan", "diverifikasi_kabupaten", "diusulkan"),
    "admin": ("diverifikasi_kecamatan", "diverifikasi_kabupaten", "diusulkan"),
}


def may(user, posyandu: Posyandu, status: str | None, aksi: str) -> bool:
    """May the user take this step on this Posyandu's usulan in this state (ignoring the dossier's content)?"""
    return ALUR.may(user, posyandu.desa_kode, status, aksi, posyandu)


def available_steps(user, usulan: Usulan) -> list[str]:
    return ALUR.available(user, usulan.posyandu.desa_kode, usulan.status, AKSI_HALAMAN, usulan.posyandu)


def _oleh(langkah: LangkahUsulan) -> str:
    return langkah.oleh.name if langkah.oleh else "sistem"


def check_step(user, posyandu: Posyandu, status: str | None, aksi: str, usulan: Usulan | None = None) -> None:
    """Raises DomainError saying exactly why the step may not be taken."""
    def keadaan() -> str:
        terakhir = usulan.langkah[-1] if usulan is not None and usulan.langkah else None
        sejak = f" sejak {waktu(terakhir.pada)} ({_oleh(terakhir)})" if terakhir else ""
        return f"Usulan ini berstatus «{STATUS_USULAN[status]}»{sejak}"

    def aktif() -> str | None:
        if LANGKAH[aksi].ke in DIPROSES and not posyandu.aktif:
            return ("Posyandu ini sudah dinonaktifkan; usulannya tidak dapat diproses. Aktifkan kembali dulu bila "
                    "Posyandu masih berjalan.")
        return None
    ALUR.check(user, posyandu.desa_kode, status, aksi, posyandu, keadaan=keadaan, rules=(aktif,))


def syarat_ajukan(usulan: Usulan, syarat: list | None = None, diminta: bool = True) -> list[str]:
    """What the dossier still lacks before the desa may submit it, one sentence each (empty: ready). syarat: the
    Posyandu's kelengkapan when the caller has it already; diminta=False leaves out the documents a return asked to
    replace (the dossier page lists those on their own, dokumen_diminta())."""
    if syarat is None:
        syarat = kelengkapan.untuk(usulan.posyandu)
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


def _move(user, usulan: Usulan, aksi: str, catatan: str | None = None, baru: bool = False, **rincian) -> None:
    """The step on the usulan, its timeline and the audit log. rincian: nomor, nomor_lama, atas_nama, perbaikan."""
    changes = {}
    if rincian.get("nomor"):
        changes["nomor_registrasi"] = [rincian.get("nomor_lama"), rincian["nomor"]]
    if rincian.get("atas_nama"):
        w = db.session.get(Wilayah, rincian["atas_nama"])
        changes["atas_nama"] = [None, f"{w.nama_lengkap} ({w.kode})" if w else rincian["atas_nama"]]
    if rincian.get("perbaikan"):
        changes["dokumen"] = [None, "diminta diganti: " + ", ".join(JENIS_DOKUMEN[j] for j in rincian["perbaikan"])]
    desa = usulan.posyandu.desa_kode
    ALUR.move(user, usulan, aksi, catatan, baru=baru, rincian=rincian, changes=changes, wilayah_kode=desa,
              posyandu_id=usulan.posyandu_id, on_behalf_of=audit.on_behalf_of(user, desa))


def mirror(usulan_list: list[Usulan]) -> None:
    """Posyandu.status_registrasi and .nomor_registrasi follow each usulan, then the rekap of their desa."""
    table = Posyandu.__table__
    for u in usulan_list:
        db.session.execute(update(table).where(table.c.id == u.posyandu_id).values(
            status_registrasi=u.status, nomor_registrasi=u.nomor_registrasi, updated_at=table.c.updated_at))
    rekap.touch(db.session, desa={u.posyandu.desa_kode for u in usulan_list})


@all_or_nothing
def create(user, posyandu: Posyandu, commit: bool = True) -> Usulan:
    """A new draf for a Posyandu without an open usulan (the next attempt if an earlier one ended)."""
    posyandu = lock(Posyandu, posyandu.id)
    terbuka = db.session.scalar(select(Usulan).where(Usulan.posyandu_id == posyandu.id,
                                                     Usulan.status.in_(STATUS_TERBUKA + ("teregistrasi",))))
    check_step(user, posyandu, terbuka.status if terbuka else None, "buat", terbuka)
    if not posyandu.aktif:
        raise DomainError("Posyandu ini sudah dinonaktifkan; aktifkan kembali dulu sebelum mengusulkan registrasi.")
    percobaan = (db.session.scalar(select(func.max(Usulan.percobaan)).where(Usulan.posyandu_id == posyandu.id))
                 or 0) + 1
    usulan = Usulan(posyandu=posyandu, percobaan=percobaan, status="draf",
                    dibuat_oleh_id=user.id if user is not None else None)
    db.session.add(usulan)
    # Someone else created it a moment earlier: the unique (posyandu, percobaan) refuses the second.
    ALUR.flush("Usulan ini baru saja diubah pengguna lain.",
               Conflict("Usulan untuk Posyandu ini baru saja dibuat oleh pengguna lain. Buka usulan itu."))
    _move(user, usulan, "buat", baru=True)
    mirror([usulan])
    if commit:
        db.session.commit()
    return usulan


def _berubah(usulan: Usulan) -> str:
    terakhir = usulan.langkah[-1] if usulan.langkah else None
    oleh = f" oleh {_oleh(terakhir)}, {waktu(terakhir.pada)}" if terakhir else ""
    return (f"Usulan ini baru saja berubah{oleh}: kini berstatus «{usulan.status_label}». Langkah Anda tidak "
            "dijalankan; periksa keadaannya yang terbaru di bawah.")


@all_or_nothing
def take_step(user, usulan_id: int, aksi: str, *, versi=None, catatan: str | None = None,
              nomor: str | None = None, tahap: Tahap | None = None, ganti: list[str] | None = None,
              commit: bool = True) -> Usulan:
    """Takes one step, or rolls back and raises DomainError. versi: the version the user saw (None: the caller
    already holds the row, e.g. sending a whole tahap). ganti: with kembalikan, the kinds of document the desa must
    replace."""
    if aksi not in LANGKAH or aksi == "buat":
        raise DomainError("Langkah tidak dikenal.")
    usulan = lock(Usulan, usulan_id)
    if usulan is None:
        raise DomainError("Usulan tidak ditemukan.")
    check_version(usulan, versi, lambda: _berubah(usulan))
    check_step(user, usulan.posyandu, usulan.status, aksi, usulan)
    catatan = ALUR.catatan(aksi, catatan)
    rincian: dict = {}
    if aksi == "kembalikan" and ganti:
        if any(j not in JENIS_DOKUMEN for j in ganti):
            raise DomainError("Pilih dokumen yang harus diganti dari daftar.", "ganti")
        rincian["perbaikan"] = [j for j in JENIS_DOKUMEN if j in ganti]
    if aksi == "verifikasi_an_kecamatan":
        rincian["atas_nama"] = kecamatan_kode(usulan.posyandu.desa_kode)
    if aksi == "ajukan":
        kurang = syarat_ajukan(usulan)
        if kurang:
            raise DomainError("Usulan belum dapat diajukan. Yang masih kurang: " + " ".join(kurang))
        usulan.potret = berkas.potret(usulan.posyandu)
    if aksi in ("registrasi", "koreksi_nomor"):
        nomor = clean_nomor(nomor, usulan)
        if nomor == usulan.nomor_registrasi:
            raise DomainError(f"Nomor {nomor} sudah tercatat untuk Posyandu ini; tulis nomor yang benar.", "nomor")
        rincian.update(nomor=nomor, nomor_lama=usulan.nomor_registrasi)
        usulan.nomor_registrasi = nomor
    if aksi == "usulkan" and (tahap is None or usulan.tahap_id != tahap.id):
        raise DomainError("Usulan dikirim ke Kemendagri hanya bersama tahapnya.")
    if aksi == "kembalikan" and usulan.tahap is not None and usulan.tahap.status == "disusun":
        catatan += f" (Dikeluarkan dari {usulan.tahap.nama}.)"
        usulan.tahap = None
    _move(user, usulan, aksi, catatan, **rincian)
    # Changed under us where no lock is taken (a direct call outside a request on SQLite); the same number
    # recorded for another Posyandu a moment earlier.
    ALUR.flush("Usulan ini baru saja diubah pengguna lain. Langkah Anda tidak dijalankan; muat ulang halamannya.",
               Conflict("Nomor registrasi itu baru saja dicatat untuk Posyandu lain.", "nomor"))
    mirror([usulan])
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


def clean_nomor(nomor: str | None, usulan: Usulan, dipakai: dict[str, int] | None = None) -> str:
    """The number cleaned, or DomainError: it must fit the pattern for the Posyandu's desa and be used by no other."""
    nomor = re.sub(r"\s+", "", nomor or "")
    desa = usulan.posyandu.desa_kode
    if not nomor:
        raise DomainError("Isi nomor registrasi dari Kemendagri.", "nomor")
    if len(nomor) > 40:
        raise DomainError("Nomor registrasi paling panjang 40 karakter.", "nomor")
    if not nomor.startswith(desa + "."):
        raise DomainError(f"Nomor registrasi harus diawali kode desa Posyandu ini, {desa} (contoh: "
                          f"{contoh_nomor(desa)}).", "nomor")
    if not pola_nomor(desa).fullmatch(nomor):
        raise DomainError(f"Nomor registrasi tidak sesuai pola yang berlaku (contoh: {contoh_nomor(desa)}).", "nomor")
    lain = db.session.scalar(select(Posyandu.nama).where(Posyandu.nomor_registrasi == nomor,
                                                         Posyandu.id != usulan.posyandu_id))
    if lain is None and dipakai is not None and dipakai.get(nomor, usulan.posyandu_id) != usulan.posyandu_id:
        lain = "Posyandu lain dalam berkas yang sama"
    if lain is not None:
        raise DomainError(f"Nomor {nomor} sudah dipakai {lain}.", "nomor")
    return nomor
