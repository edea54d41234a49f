"""The states of a Posyandu's registration with Kemendagri (DOMAIN.md §5), in one table: the eight states of an usulan
and "belum" (no usulan yet), in the order a dossier moves.

Posyandu.status_registrasi and Usulan.status take these keys; the rekap has a column status_<key> for each. Every
other list of states (the directory's filter, the rollup's groups, the queues, who acts next) is read from here.
The steps that move an usulan between them are registrasi/workflow.py's table.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    label: str
    singkat: str  # the column head of the rollup's "alur" table
    kelompok: str  # a key of KELOMPOK
    # Who acts next, told on the dossier to those who have no step to take now (None: nobody, or no usulan).
    berikutnya: str | None = None
    # What waits, on the Beranda: "<n> usulan …".
    menunggu: str | None = None
    terbuka: bool = False  # an open attempt: no second usulan may start
    sunting: bool = False  # the desa may change the dossier (documents)
    beralasan: bool = False  # the step that led here carries the reason, shown first


STATUS: dict[str, Status] = {
    "belum": Status("Belum diusulkan", "Blm", "belum_diajukan"),
    "draf": Status("Draf usulan", "Draf", "belum_diajukan",
                   "Menunggu desa melengkapi dan mengajukan usulan ini.",
                   "usulan masih draf (belum diajukan)", terbuka=True, sunting=True),
    "dikembalikan": Status("Dikembalikan untuk perbaikan", "Kbl", "belum_diajukan",
                           "Dikembalikan ke desa: menunggu perbaikan dan pengajuan ulang.",
                           "usulan dikembalikan untuk diperbaiki", terbuka=True, sunting=True, beralasan=True),
    "diajukan": Status("Diajukan desa", "Aju", "verifikasi",
                       "Menunggu verifikasi Tim Pembina Posyandu Kecamatan.",
                       "usulan menunggu verifikasi kecamatan", terbuka=True),
    "diverifikasi_kecamatan": Status("Diverifikasi kecamatan", "Kec", "verifikasi",
                                     "Menunggu verifikasi DPMD/Tim Pembina Posyandu Kabupaten.",
                                     "usulan menunggu verifikasi kabupaten", terbuka=True),
    "diverifikasi_kabupaten": Status("Diverifikasi kabupaten", "Kab", "verifikasi",
                                     "Terverifikasi: menunggu dikirim kabupaten dalam tahap usulan ke Kemendagri.",
                                     "usulan terverifikasi, siap dimasukkan ke tahap", terbuka=True),
    "diusulkan": Status("Diusulkan ke Kemendagri", "Usul", "diusulkan",
                        "Di Kemendagri: menunggu nomor registrasi.",
                        "usulan di Kemendagri, menunggu nomor registrasi", terbuka=True),
    # The ministry's refusal ends the attempt; the desa may start the next one (registrasi/workflow.py).
    "ditolak": Status("Ditolak Kemendagri", "Tolak", "belum_diajukan",
                      "Ditolak Kemendagri: desa dapat membuat usulan baru setelah memperbaiki yang disebut alasannya.",
                      "usulan ditolak Kemendagri (dapat diusulkan lagi)", beralasan=True),
    "teregistrasi": Status("Teregistrasi", "Reg", "teregistrasi"),
}

# The same states in four steps, for the rollups and as values of the directory's status filter: (label, short).
KELOMPOK = {
    "belum_diajukan": ("Belum diajukan", "Belum"),
    "verifikasi": ("Dalam verifikasi", "Verif."),
    "diusulkan": ("Diusulkan ke Kemendagri", "Usul"),
    "teregistrasi": ("Teregistrasi", "Reg."),
}

# Read from the table, under the names the directory, the rekap and the formatting know.
STATUS_REGISTRASI = {key: s.label for key, s in STATUS.items()}
KELOMPOK_STATUS = {key: (label, tuple(s for s, st in STATUS.items() if st.kelompok == key))
                   for key, (label, _singkat) in KELOMPOK.items()}
# The states of an usulan: all but "belum".
STATUS_USULAN = {key: label for key, label in STATUS_REGISTRASI.items() if key != "belum"}
# While an usulan is in one of these, the Posyandu has an open attempt. "ditolak" ends it; "teregistrasi" is final.
STATUS_TERBUKA = tuple(key for key, s in STATUS.items() if s.terbuka)
STATUS_SUNTING = tuple(key for key, s in STATUS.items() if s.sunting)
BERALASAN = tuple(key for key, s in STATUS.items() if s.beralasan)
BERIKUTNYA = {key: s.berikutnya for key, s in STATUS.items() if s.berikutnya}
SINGKAT_STATUS = {key: s.singkat for key, s in STATUS.items()}
# Still before the ministry: not yet submitted, or in verification.
BELUM_DIUSULKAN = KELOMPOK_STATUS["belum_diajukan"][1] + KELOMPOK_STATUS["verifikasi"][1]
