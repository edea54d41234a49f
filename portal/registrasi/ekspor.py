"""The tahap as the ministry gets it: a workbook with one row per Posyandu (header in row 1, so the same sheet with the
numbers filled in can come back through the number import), and a second sheet with the letter's summary."""
from __future__ import annotations

from datetime import date

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal import lembar
from portal.formatting import tanggal
from portal.models.registrasi import Tahap
from portal.registrasi.service import BarisTahap, kelompokkan, ringkasan

KOLOM = [
    ("No", 5), ("ID usulan", 10), ("Kode wilayah", 16), ("Desa/Kelurahan", 22), ("Kecamatan", 18),
    ("Nama Posyandu", 30), ("Nomor SK pembentukan", 30), ("Tanggal SK", 12), ("Jumlah pengurus", 10),
    ("Jumlah kader", 10), ("Nomor registrasi", 22),
]


def _tanggal(value: str | None):
    return date.fromisoformat(value) if value else None


def xlsx(tahap: Tahap, rows: list[BarisTahap], kabupaten: str) -> bytes:
    book = lembar.Buku()
    sheet = book.active
    sheet.title = "Usulan"
    sheet.append([name for name, _w in KOLOM])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append([r.no, r.usulan_id, r.desa_kode, r.desa, r.kecamatan, r.nama, r.sk_nomor,
                      _tanggal(r.sk_tanggal), r.pengurus, r.kader, r.nomor_registrasi])
        sheet.cell(row=sheet.max_row, column=8).number_format = "dd-mm-yyyy"
    for i, (_name, width) in enumerate(KOLOM, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    info = book.create_sheet("Keterangan")
    lines = [f"{tahap.nama} — Registrasi Posyandu {kabupaten}", ringkasan(rows)]
    if tahap.dikirim_tanggal:
        lines.append(f"Dikirim {tanggal(tahap.dikirim_tanggal)}" + (f", surat {tahap.nomor_surat}"
                                                                      if tahap.nomor_surat else ""))
    for line in lines:
        info.append([line])
    info["A1"].font = Font(bold=True, size=13)
    info.append([])
    info.append(["Kecamatan", "Desa/kelurahan", "Posyandu"])
    for g in kelompokkan(rows):
        info.append([g.nama, len(g.desa), g.posyandu])
    info.append(["Jumlah", len({r.desa_kode for r in rows}), len(rows)])
    info.append([])
    info.append(["Kolom «Nomor registrasi» di lembar Usulan diisi nomor dari Kemendagri; berkas ini dapat diimpor "
                 "kembali ke portal apa adanya."])
    info.column_dimensions["A"].width = 40
    return book.isi()
