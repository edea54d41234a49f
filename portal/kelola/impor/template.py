"""The import templates: the columns with one example row in the user's own region, and a "Petunjuk" sheet that
explains every column."""
from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from portal import lembar
from portal.extensions import db
from portal.models.posyandu import Posyandu
from portal.models.wilayah import Wilayah, desa_clause
from portal.kelola.impor.kinds import KINDS, NOTES


def contoh_desa(user) -> tuple[Wilayah | None, str | None]:
    """A desa/kelurahan of the user's region (the first by code) and the name of a Posyandu there, if any."""
    scope = user.scope if user is not None else ""
    desa = db.session.scalar(select(Wilayah).where(Wilayah.level == 4, desa_clause(Wilayah.kode, scope))
                             .order_by(Wilayah.kode).limit(1))
    posyandu = None
    if desa is not None:
        posyandu = db.session.scalar(select(Posyandu.nama).where(Posyandu.desa_kode == desa.kode, Posyandu.aktif)
                                     .order_by(Posyandu.nama).limit(1))
    return desa, posyandu


def template_workbook(jenis: str, user=None) -> bytes:
    """The .xlsx to fill in: the columns with one example row, and a "Petunjuk" sheet explaining each column."""
    kind = KINDS[jenis]
    desa, posyandu = contoh_desa(user)
    examples = {c.name: c.example for c in kind.columns}
    if desa is not None:
        examples["kode_desa"] = desa.kode
        examples["alamat"] = f"Balai Desa {desa.nama}"
    if posyandu and jenis == "kader":
        examples["posyandu"] = posyandu
    book = lembar.Buku()
    sheet = book.active
    sheet.title = kind.label
    sheet.append([c.name for c in kind.columns])
    sheet.append([examples[c.name] for c in kind.columns])
    for index, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(index)
        sheet.cell(1, index).font = Font(bold=True)
        # Text cells keep NIK, RT and codes as typed; date cells show day-month-year.
        number_format = "dd-mm-yyyy" if column.is_date else "@" if isinstance(column.example, str) else "General"
        sheet.cell(2, index).number_format = number_format
        sheet.column_dimensions[letter].number_format = number_format
        sheet.column_dimensions[letter].width = max(12, len(column.name) + 4, len(str(examples[column.name] or "")) + 2)
    sheet.freeze_panes = "A2"

    guide = book.create_sheet("Petunjuk")
    guide.append([f"Petunjuk impor {kind.label}"])
    guide.append([kind.about])
    for note in NOTES:
        guide.append([note])
    guide.append([])
    guide.append(["Kolom", "Wajib", "Keterangan", "Contoh"])
    heading = guide.max_row
    for column in kind.columns:
        example = examples[column.name]
        example = f"{example:%d-%m-%Y}" if column.is_date else example
        if column.name == "kode_desa" and desa is not None:
            example = f"{desa.kode} ({desa.nama_lengkap})"
        guide.append([column.name, "Ya" if kind.required(column.name) else "Tidak", column.help, example])
    for cell in (guide["A1"], *guide[heading]):
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (18, 8, 90, 20)):
        guide.column_dimensions[letter].width = width
    return book.isi()
