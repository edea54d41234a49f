"""What an import file holds: the kinds (Posyandu, kader), their columns with help and example, the filling rules."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from portal.impor_umum import Column
from portal.models.posyandu import BIDANG, LEVEL_KADER
from portal import rules


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    schema: dict[str, Callable]
    # Columns that locate the record: always required, besides the schema's required fields.
    keys: tuple[str, ...]
    columns: tuple[Column, ...]
    about: str

    def required(self, column: str) -> bool:
        return column in self.keys or getattr(self.schema.get(column), "required", False)


_KODE_DESA = Column("kode_desa", "Kode Kemendagri desa/kelurahan, 10 angka, dengan atau tanpa titik. Nama desa tidak "
                                 "dipakai untuk mencocokkan.", "63.09.01.2001", angka=True)
_TANGGAL = "Tanggal seperti 15-10-2025, 15/10/2025, 2025-10-15, atau sel bertipe tanggal di Excel."
_TELEPON = "Nomor telepon/WhatsApp, mis. 0812-3456-7890 atau +62 812 3456 7890."

KINDS = {
    "posyandu": Kind(
        "posyandu", "Posyandu", rules.PROFIL, ("kode_desa",),
        (
            _KODE_DESA,
            Column("nama", "Nama Posyandu. Bersama kode_desa menjadi kunci: nama yang sama (huruf besar/kecil dan "
                           "tanda baca tidak dibedakan) memperbarui Posyandu yang sudah ada.", "Posyandu Melati"),
            Column("dusun", "Nama dusun atau lingkungan.", "Dusun I"),
            Column("rt", "Nomor RT, angka 1–999.", "003", angka=True),
            Column("rw", "Nomor RW, angka 1–999.", "001", angka=True),
            Column("alamat", "Alamat tempat kegiatan.", "Balai Desa"),
            Column("hari_buka", "Hari atau tanggal buka, bebas ditulis.", "Setiap tanggal 10"),
            Column("sk_nomor", "Nomor SK Kepala Desa/Lurah tentang pembentukan Posyandu.", "141/05/HPL/2025"),
            Column("sk_tanggal", f"Tanggal SK pembentukan. {_TANGGAL}", date(2025, 3, 10), angka=True),
            Column("musdes_tanggal", f"Tanggal musyawarah desa (berita acara). {_TANGGAL}", date(2025, 2, 20),
                   angka=True),
            Column("kontak", _TELEPON, "0812-3456-7890", angka=True),
            Column("latitude", "Lintang, angka desimal (titik atau koma), mis. -2.1534. Isi bersama longitude.",
                   -2.1534, angka=True),
            Column("longitude", "Bujur, angka desimal, mis. 115.3921. Isi bersama latitude.", 115.3921, angka=True),
        ),
        "Satu baris satu Posyandu. Posyandu dengan kode desa dan nama yang sama diperbarui; yang belum ada dibuat.",
    ),
    "kader": Kind(
        "kader", "Kader", rules.KADER, ("kode_desa", "posyandu"),
        (
            _KODE_DESA,
            Column("posyandu", "Nama Posyandu tempat kader bertugas. Posyandu itu harus sudah terdaftar di desa/"
                               "kelurahan tersebut (impor Posyandu dulu).", "Posyandu Melati"),
            Column("nama", "Nama lengkap kader.", "Siti Aminah"),
            Column("jenis_kelamin", "L atau P (Laki-laki atau Perempuan).", "P"),
            Column("bidang", "Satu bidang SPM: " + ", ".join(BIDANG.values()) + ".", "Kesehatan"),
            Column("level", "Level kader kesehatan: " + ", ".join(LEVEL_KADER.values()) + ".", "Madya"),
            Column("tanggal_lahir", f"Tanggal lahir. {_TANGGAL}", date(1988, 4, 12), angka=True),
            Column("telepon", _TELEPON, "0813-5123-4567", angka=True),
            Column("nik", "NIK 16 angka. Bila diisi menjadi kunci: NIK yang sudah terdaftar memperbarui kader itu. "
                          "Format sel sebagai Teks di Excel agar angkanya tidak berubah.", "6309015204880001",
                   angka=True),
        ),
        "Satu baris satu kader. Kader dengan NIK yang sama, atau tanpa NIK dengan nama yang sama di Posyandu yang "
        "sama, diperbarui; yang belum ada ditambahkan.",
    ),
}

# How to fill any import file; shown on the page and on the template's "Petunjuk" sheet.
NOTES = (
    "Baris 1 berisi nama kolom seperti di templat. Huruf besar/kecil, spasi, garis bawah dan tanda hubung boleh "
    "berbeda. Kolom lain (mis. nama desa atau kecamatan) diabaikan.",
    "Desa/kelurahan dikenali hanya dari kode_desa dan harus berada di wilayah kerja Anda.",
    "Sel kosong berarti nilai yang sudah tersimpan tidak diubah.",
    "Semua baris diperiksa dulu dan ditampilkan sebagai pratinjau. Tidak ada yang disimpan sebelum Anda menekan "
    "Simpan. Mengimpor ulang berkas yang sama tidak mengubah apa pun.",
    "Bila sebagian baris salah, Anda boleh menyimpan baris yang benar saja; baris yang salah dapat diunduh sebagai "
    "berkas, diperbaiki, lalu diunggah lagi.",
    "Hapus baris contoh sebelum mengunggah.",
)
