"""The one state machine of a monthly report (issue 16): who may move it from which state to which.

    draf ─kirim→ dikirim ─terima_kecamatan→ diterima_kecamatan ─terima_kabupaten→ diterima_kabupaten (locked)
    dikirim / diterima_kecamatan ─kembalikan (with a reason)→ dikembalikan ─kirim→ …
    diterima_kabupaten ─koreksi (the kabupaten, with a reason: a late correction)→ dikembalikan ─kirim→ …

Judged and taken by the shared mechanism (portal/alur.py) like the registration's: scope is the Posyandu's desa inside
the user's region; admin may take every step (support); every move is a LangkahLaporan and an audit entry (object
laporan). The row is locked and the version the user saw checked, so of two verifiers at once one wins and
the other is told (409). A step commits, or rolls back and raises DomainError.
"""
from __future__ import annotations

from portal.alur import Alur, Langkah, all_or_nothing, check_version, lock
from portal.domain import DomainError
from portal.extensions import db
from portal.formatting import waktu
from portal.models.base import utcnow
from portal.models.laporan import STATUS_LAPORAN, STATUS_SUNTING_LAPORAN, LangkahLaporan, Laporan

LANGKAH: dict[str, Langkah] = {
    "kirim": Langkah("Kirim ke kecamatan", "dikirim", {"desa": STATUS_SUNTING_LAPORAN, "admin": STATUS_SUNTING_LAPORAN}),
    "terima_kecamatan": Langkah("Terima laporan (kecamatan)", "diterima_kecamatan",
                                {"kecamatan": ("dikirim",), "admin": ("dikirim",)}),
    "terima_kabupaten": Langkah("Terima dan kunci laporan (kabupaten)", "diterima_kabupaten",
                                {"kabupaten": ("diterima_kecamatan",), "admin": ("diterima_kecamatan",)}),
    "kembalikan": Langkah("Kembalikan untuk perbaikan", "dikembalikan",
                          {"kecamatan": ("dikirim", "diterima_kecamatan"),
                           "kabupaten": ("dikirim", "diterima_kecamatan"), "admin": ("dikirim", "diterima_kecamatan")},
                          catatan_wajib="Tulis alasannya, agar desa tahu apa yang harus diperbaiki."),
    "koreksi": Langkah("Buka untuk koreksi", "dikembalikan",
                       {"kabupaten": ("diterima_kabupaten",), "admin": ("diterima_kabupaten",)},
                       catatan_wajib="Tulis alasan koreksi: laporan yang sudah dikunci hanya dibuka dengan alasan."),
}
ALUR = Alur(LANGKAH, label=STATUS_LAPORAN, timeline=LangkahLaporan, subjek="laporan",
            luar_wilayah="Posyandu ini di luar wilayah kerja Anda.", belum_ada="Laporan ini belum dibuat.",
            awal="belum")
BASI = "Laporan ini baru saja diubah pengguna lain. Langkah Anda tidak dijalankan; muat ulang halamannya."


def may(user, laporan: Laporan, aksi: str) -> bool:
    return ALUR.may(user, laporan.desa_kode, laporan.status, aksi, laporan)


def available_steps(user, laporan: Laporan) -> list[str]:
    return ALUR.available(user, laporan.desa_kode, laporan.status, LANGKAH, laporan)


def _berubah(laporan: Laporan) -> str:
    terakhir = laporan.langkah[-1] if laporan.langkah else None
    if terakhir is None:
        return BASI
    oleh = terakhir.oleh.name if terakhir.oleh else "sistem"
    return (f"Laporan ini baru saja diubah: kini «{laporan.status_label}» sejak {waktu(terakhir.pada)} ({oleh}). "
            "Langkah Anda tidak dijalankan.")


def _lengkap(laporan: Laporan) -> str | None:
    """A report is sent with its opening days and every typed value filled in."""
    if not laporan.hari_buka:
        return "Isi dulu tanggal hari buka Posyandu bulan ini."
    kosong = [n.label for n in laporan.nilai if n.sumber == "isian" and n.nilai is None]
    if kosong:
        return f"Masih ada {len(kosong)} isian kosong, mis. «{kosong[0]}». Isi 0 bila tidak ada."
    return None


@all_or_nothing
def jalankan(user, laporan_id: int, aksi: str, *, versi=None, catatan: str | None = None,
             commit: bool = True) -> Laporan:
    """Takes one step, or rolls back and raises DomainError. versi: the version the user saw."""
    if aksi not in LANGKAH:
        raise DomainError("Langkah tidak dikenal.")
    laporan = lock(Laporan, laporan_id)
    if laporan is None:
        raise DomainError("Laporan tidak ditemukan.")
    check_version(laporan, versi, lambda: _berubah(laporan))
    rules = ((lambda: _lengkap(laporan)),) if aksi == "kirim" else ()
    ALUR.check(user, laporan.desa_kode, laporan.status, aksi, laporan, rules=rules)
    catatan = ALUR.catatan(aksi, catatan)
    if aksi == "kirim":
        laporan.dikirim_pada = utcnow()
    elif aksi == "terima_kabupaten":
        laporan.diterima_pada = utcnow()
    elif aksi == "koreksi":
        laporan.diterima_pada = None
    ALUR.move(user, laporan, aksi, catatan, wilayah_kode=laporan.desa_kode,
              changes={"periode": [None, laporan.periode]})
    ALUR.flush(BASI)
    if commit:
        db.session.commit()
    return laporan
