"""The one state machine of a referral (issue 16): who may move a case from which state to which.

    (new) ─catat→ didata ─verifikasi (desa)→ diverifikasi_desa ─teruskan (desa, kecamatan, kabupaten)→ diteruskan
    diteruskan ─tindaklanjuti (OPD)→ ditindaklanjuti ─selesai (OPD)→ selesai
    diteruskan / ditindaklanjuti ─tidak_dapat (OPD, with a reason)→ tidak_dapat

Forwarding sets the due date: HARI_KERJA_OPD working days (portal/hari_kerja.py) after the day it was forwarded
(WITA); a case still diteruskan after it is late (terlambat). The OPD's steps are taken, for now, by the kabupaten
(DPMD, which keeps the OPD register) and the admin: the `opd` role (issue 16) will be added to those three steps.
A case is recorded by the desa (for its Posyandu) or the admin (support) and changed by them while still didata.

Judged and taken by the shared mechanism (portal/alur.py) like the monthly report's: scope is the Posyandu's desa
inside the user's region, and a confidential case is outside the region of anyone who may not see it (baca.py). The
row is locked and the version the user saw checked, so of two people at once one wins and the other is told (409).
Every move is a LangkahRujukan and an audit entry (object rujukan). A step commits, or rolls back and raises.
"""
from __future__ import annotations

from datetime import date

from portal import hari_kerja
from portal.alur import Alur, Langkah, all_or_nothing, check_version, lock
from portal.domain import DomainError
from portal.extensions import db
from portal.formatting import hari_ini, waktu
from portal.models.rujukan import (
    HARI_KERJA_OPD,
    STATUS_MENUNGGU_OPD,
    STATUS_RUJUKAN,
    LangkahRujukan,
    Rujukan,
)
from portal.rujukan.baca import boleh_lihat

_OPD = ("kabupaten", "admin")  # who takes the OPD's steps until the opd role exists

LANGKAH: dict[str, Langkah] = {
    "catat": Langkah("Catat rujukan", "didata", {"desa": (None,), "admin": (None,)}),
    "ubah": Langkah("Ubah rujukan", "didata", {"desa": ("didata",), "admin": ("didata",)},
                    pesan_status="Rujukan ini berstatus «{status}»: isinya tidak diubah lagi."),
    "verifikasi": Langkah("Verifikasi (desa)", "diverifikasi_desa", {"desa": ("didata",), "admin": ("didata",)}),
    "teruskan": Langkah("Teruskan ke OPD", "diteruskan",
                        {r: ("diverifikasi_desa",) for r in ("desa", "kecamatan", "kabupaten", "admin")}),
    "tindaklanjuti": Langkah("Tindak lanjuti (OPD)", "ditindaklanjuti", {r: ("diteruskan",) for r in _OPD}),
    "selesai": Langkah("Selesai (OPD)", "selesai", {r: ("ditindaklanjuti",) for r in _OPD}),
    "tidak_dapat": Langkah("Tidak dapat ditindaklanjuti (OPD)", "tidak_dapat",
                           {r: ("diteruskan", "ditindaklanjuti") for r in _OPD},
                           catatan_wajib="Tulis alasannya, agar desa tahu mengapa rujukan ini tidak dapat "
                                         "ditindaklanjuti."),
}
# The steps that move a case (catat and ubah are the service's).
ALUR_LANGKAH = ("verifikasi", "teruskan", "tindaklanjuti", "selesai", "tidak_dapat")
ALUR = Alur(LANGKAH, label=STATUS_RUJUKAN, timeline=LangkahRujukan, subjek="rujukan",
            luar_wilayah="Rujukan ini di luar wilayah kerja Anda.", belum_ada="Rujukan ini belum dicatat.",
            awal="belum")
BASI = "Rujukan ini baru saja diubah pengguna lain. Langkah Anda tidak dijalankan; muat ulang halamannya."


def may(user, rujukan: Rujukan, aksi: str) -> bool:
    return boleh_lihat(user, rujukan) and ALUR.may(user, rujukan.desa_kode, rujukan.status, aksi, rujukan)


def available_steps(user, rujukan: Rujukan) -> list[str]:
    return [a for a in ALUR_LANGKAH if may(user, rujukan, a)]


def terlambat(rujukan: Rujukan, hari: date) -> bool:
    """Forwarded and not handled by the OPD by its due date: on hari, the due date is past."""
    return (rujukan.status in STATUS_MENUNGGU_OPD and rujukan.batas_waktu is not None
            and hari > rujukan.batas_waktu)


def _berubah(rujukan: Rujukan) -> str:
    terakhir = rujukan.langkah[-1] if rujukan.langkah else None
    if terakhir is None:
        return BASI
    return (f"Rujukan ini baru saja diubah: kini «{rujukan.status_label}» sejak {waktu(terakhir.pada)}. "
            "Langkah Anda tidak dijalankan.")


@all_or_nothing
def jalankan(user, rujukan_id: int, aksi: str, *, versi=None, catatan: str | None = None,
             commit: bool = True) -> Rujukan:
    """Takes one step, or rolls back and raises DomainError. versi: the version the user saw."""
    if aksi not in ALUR_LANGKAH:
        raise DomainError("Langkah tidak dikenal.")
    rujukan = lock(Rujukan, rujukan_id)
    if rujukan is None or (user is not None and not boleh_lihat(user, rujukan)):
        raise DomainError("Rujukan tidak ditemukan.", status=404)
    check_version(rujukan, versi, lambda: _berubah(rujukan))
    ALUR.check(user, rujukan.desa_kode, rujukan.status, aksi, rujukan)
    catatan = ALUR.catatan(aksi, catatan)
    changes = {}
    if aksi == "teruskan":
        rujukan.diteruskan_pada = hari_ini()
        rujukan.batas_waktu = hari_kerja.tambah(rujukan.diteruskan_pada, HARI_KERJA_OPD)
        changes = {"batas_waktu": [None, rujukan.batas_waktu.isoformat()]}
    ALUR.move(user, rujukan, aksi, catatan, wilayah_kode=rujukan.desa_kode, changes=changes)
    ALUR.flush(BASI)
    if commit:
        db.session.commit()
    return rujukan
