"""What the pages read about Tim Pembina: the alerts of a tim on a day, the current SK of a wilayah for other
features' pages. (Rollups per wilayah: see ringkasan.)"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal.formatting import tanggal
from portal.models.pembina import HARI_PERINGATAN_SK, TimPembina
from portal.models.posyandu import BIDANG
from portal.pembina import service


@dataclass(frozen=True)
class Peringatan:
    kunci: str  # sk_kedaluwarsa, sk_segera_berakhir, berkas_sk, ketua_kosong, bidang_kurang
    pesan: str


def peringatan(tim: TimPembina, hari: date) -> list[Peringatan]:
    """The alerts of a current tim on this day (WITA: formatting.hari_ini())."""
    out = []
    if tim.masa_bakti_selesai < hari:
        out.append(Peringatan("sk_kedaluwarsa", f"Masa bakti SK {tim.sk_nomor} berakhir {tanggal(tim.masa_bakti_selesai)}: "
                                                "SK sudah tidak berlaku. Catat SK periode baru."))
    elif tim.masa_bakti_selesai <= hari + timedelta(days=HARI_PERINGATAN_SK):
        sisa = (tim.masa_bakti_selesai - hari).days
        out.append(Peringatan("sk_segera_berakhir", f"Masa bakti SK {tim.sk_nomor} berakhir "
                                                    f"{tanggal(tim.masa_bakti_selesai)} ({sisa} hari lagi)."))
    if not tim.berkas_sk:
        out.append(Peringatan("berkas_sk", "Berkas SK belum diunggah."))
    if not tim.ketua_terisi:
        out.append(Peringatan("ketua_kosong", "Kursi ketua kosong."))
    if tim.bidang_kurang_list:
        kurang = service.kekurangan_bidang(tim)
        bagian = []
        if kurang["koordinator"]:
            bagian.append("belum ada koordinator bidang " + ", ".join(BIDANG[b] for b in kurang["koordinator"]))
        if kurang["opd"]:
            bagian.append("belum ada anggota dari OPD yang menangani bidang "
                          + ", ".join(BIDANG[b] for b in kurang["opd"]))
        pesan = "; ".join(bagian)
        out.append(Peringatan("bidang_kurang", pesan[0].upper() + pesan[1:] + "."))
    return out


@dataclass(frozen=True)
class SKTim:
    """The current SK of a wilayah's tim, as another feature shows it (the desa's dossier)."""
    tim_id: int
    sk_nomor: str
    sk_tanggal: date
    masa_bakti_mulai: date
    masa_bakti_selesai: date
    berlaku: bool
    dokumen: object | None  # the DokumenSK (its file: portal/dokumen.py), or None


def sk_tim(kode: str, hari: date) -> SKTim | None:
    tim = service.tim_aktif(kode)
    if tim is None:
        return None
    return SKTim(tim.id, tim.sk_nomor, tim.sk_tanggal, tim.masa_bakti_mulai, tim.masa_bakti_selesai,
                 tim.sk_berlaku(hari), tim.dokumen_aktif)
