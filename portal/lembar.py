"""Every spreadsheet the portal writes, CSV or XLSX, is written here, so no export can forget that a cell is data:
each text cell passes teks.aman (a leading quote where a spreadsheet would run a formula). A test fails when any
other module builds a csv writer or an openpyxl Workbook itself.

CSV files start with a UTF-8 byte order mark: Excel (in an Indonesian locale too) then reads them as UTF-8 instead of
the Windows code page, so "Kelurahan Sungai Malang – Ulu" and other non-ASCII names arrive intact.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

from portal.teks import aman

BOM = "\ufeff"


class _CsvAman:
    """A csv writer (comma, CRLF) that neutralises every cell it writes."""

    def __init__(self, buffer):
        self._writer = csv.writer(buffer, lineterminator="\r\n")

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([aman(v) for v in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_penulis(buffer) -> _CsvAman:
    return _CsvAman(buffer)


def csv_mengalir(kolom: Iterable, baris: Iterable[Iterable], per: int = 1000) -> Iterator[str]:
    """A CSV as chunks of about `per` rows, for a streamed response: the BOM and the header come first."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv_penulis(buffer)
    writer.writerow(kolom)
    for i, row in enumerate(baris, 1):
        writer.writerow(row)
        if i % per == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_teks(kolom: Iterable, baris: Iterable[Iterable]) -> str:
    """A whole (small) CSV file as one string."""
    return "".join(csv_mengalir(kolom, baris))


class Buku(Workbook):
    """An openpyxl Workbook that neutralises every text cell of every sheet when it is saved, however the cells were
    filled (append, cell(), item assignment). openpyxl stores a text starting with "=" as a formula: it becomes text
    again here."""

    def save(self, filename) -> None:
        for sheet in self.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and (cell.data_type == "f" or aman(cell.value) != cell.value):
                        cell.value = aman(cell.value)
                        cell.data_type = "s"
        super().save(filename)

    def isi(self) -> bytes:
        """The saved workbook as bytes, for a download."""
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()


def buku_teks() -> Workbook:
    """A write-only workbook whose cells the caller types as text (data_type "s"): the import's correction file, which
    must read back exactly as the user's own values ("-2.15" stays a latitude; aman() would add quotes the re-import
    takes for data). Excel and LibreOffice show a text-typed cell; they do not run it."""
    return Workbook(write_only=True)
