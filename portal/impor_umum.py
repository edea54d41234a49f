"""What every import of rows from a spreadsheet shares (the Posyandu and kader import, the Tim Pembina members): the
columns a file may hold, its cells read as the rules take them, the header row matched to the columns, digits other
than 0-9 refused by name, a problem told with its row, and the template to fill in.

The file itself is read by the one bounded reader (portal/lembar_baca.py) and kept between the preview and the
confirmation by portal/unggahan.py; what a row means, and how it is written, belongs to each import.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from portal import lembar
from portal.bilangan import angka_asing
from portal.lembar_baca import Lembar, column_key, kosong

# A preview lists this many problems and counts the rest.
MASALAH_TAMPIL = 200
# A refused value is repeated in its message up to this many characters.
NILAI_MAKS = 40
PESAN_ANGKA_ASING = "Memuat angka selain 0–9 (mis. ², ① atau angka Arab). Ketik ulang dengan angka biasa."


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    example: Any = None
    # Written with digits (codes, RT/RW, dates, NIK, phone, coordinates): a digit other than 0-9 is refused.
    angka: bool = False

    @property
    def is_date(self) -> bool:
        return isinstance(self.example, date)


def sel(value: Any, is_date: bool) -> Any:
    """A spreadsheet value as the rules take it. Numbers typed into Excel cells (NIK, RT, kode, telepon) become their
    digits without float noise; a date column's serial number becomes its date."""
    if value is None or isinstance(value, (date, datetime)):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if is_date:
            try:
                return from_excel(value)
            except (ValueError, OverflowError, TypeError):
                pass
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
    return str(value)


def display_value(value: Any) -> str | None:
    """A cell as a message repeats it: its text, at most NILAI_MAKS characters (templates escape it)."""
    if kosong(value):
        return None
    if isinstance(value, datetime):
        value = value.date()
    text = f"{value:%d-%m-%Y}" if isinstance(value, date) else " ".join(str(value).split())
    return text if len(text) <= NILAI_MAKS else text[:NILAI_MAKS - 1] + "…"


@dataclass
class Problem:
    row: int
    column: str
    message: str
    nama: str | None = None  # the record or person of the row
    nilai: str | None = None  # the refused value, as display_value() shows it

    @property
    def kalimat(self) -> str:
        """'Baris 7 (Siti Aminah), kolom nik «12345»: NIK harus 16 digit.'"""
        who = f" ({self.nama})" if self.nama else ""
        value = f" «{self.nilai}»" if self.nilai else ""
        return f"Baris {self.row}{who}, kolom {self.column}{value}: {self.message}"


@dataclass(kw_only=True)
class PratinjauDasar:
    """What every import's preview keeps: the problems, told with the row's name and the refused value."""
    # canonical column → the header as written in the file, for messages the user can find in the sheet
    headers: dict[str, str] = field(default_factory=dict)
    # row → its cells as read (canonical columns), for messages and for a file of rows to correct
    records: dict[int, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # (row, column) already refused: the rules do not judge that value again
    flagged: set[tuple[int, str]] = field(default_factory=set)
    bad: set[int] = field(default_factory=set)  # rows with a problem

    @property
    def rows_with_problems(self) -> int:
        return len(self.bad)

    def problem(self, row: int, column: str, message: str, nilai: Any = None) -> None:
        record = self.records.get(row, {})
        nama = display_value(record.get("nama"))
        shown = display_value(nilai if nilai is not None else record.get(column))
        self.bad.add(row)
        self.problems.append(Problem(row, self.headers.get(column, column), message, nama, shown))


Masalah = Callable[[int, str, str], None]  # (row, column, message): a problem reported to the import's preview


def baca(columns: Iterable[Column], wajib: Callable[[str], bool], data: bytes, ext: str,
         masalah: Masalah) -> tuple[dict[str, str], list[tuple[int, dict[str, Any]]]]:
    """(headers, rows) of a file: headers maps each column found to its title as the file wrote it (for messages
    the user can find in the sheet); rows are the non-blank data rows as (row number, {column: cell}), only these
    columns. A missing required column or no data row is told to masalah. FileRefused for a file that cannot be read
    or is too large (portal/lembar_baca.py)."""
    wanted = {c.name: c for c in columns}
    headers: dict[str, str] = {}
    with Lembar(data, ext) as sheet:
        where: dict[str, int] = {}
        for index, title in enumerate(sheet.judul):
            key = column_key(title)
            if key in wanted and key not in where:
                where[key] = index
                headers[key] = title
        missing = [name for name in wanted if wajib(name) and name not in where]
        if missing:
            masalah(1, ", ".join(missing), f"Kolom wajib tidak ditemukan di baris 1: {', '.join(missing)}. "
                                           "Unduh templat untuk melihat nama kolom yang benar.")
            return headers, []
        records = [(number, {key: sel(v, wanted[key].is_date) for key, v in cells.items()})
                   for number, cells in sheet.baris(where)]
    if not records:
        masalah(2, "–", "Tidak ada baris data di bawah nama kolom.")
    return headers, records


def angka_asing_ditolak(columns: Iterable[Column], records: list[tuple[int, dict]],
                        masalah: Masalah) -> set[tuple[int, str]]:
    """'²', '①', '٣' in a column written with digits: refused by name, never converted (issue 13, item 5). The cell
    is emptied so no rule judges it again; returns the (row, column) refused."""
    ditolak = set()
    angka = [c.name for c in columns if c.angka]
    for row, raw in records:
        for name in angka:
            if angka_asing(raw.get(name)):
                masalah(row, name, PESAN_ANGKA_ASING)
                ditolak.add((row, name))
                raw[name] = None
    return ditolak


def buku_templat(judul: str, columns: tuple[Column, ...], contoh: dict[str, Any], petunjuk: Iterable[str],
                 wajib: Callable[[str], bool], contoh_petunjuk: dict[str, str] | None = None,
                 tanda_contoh: bool = False) -> bytes:
    """The .xlsx to fill in: a sheet titled judul with the columns and one example row (in grey italics with
    tanda_contoh), and a "Petunjuk" sheet: the lines of petunjuk, then each column, whether it is required, its
    help and its example (contoh_petunjuk may tell an example otherwise)."""
    book = lembar.Buku()
    sheet = book.active
    sheet.title = judul
    sheet.append([c.name for c in columns])
    sheet.append([contoh[c.name] for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.cell(1, index).font = Font(bold=True)
        if tanda_contoh:
            sheet.cell(2, index).font = Font(italic=True, color="808080")
        # Text cells keep NIK, RT, codes and phone numbers as typed; date cells show day-month-year.
        number_format = "dd-mm-yyyy" if column.is_date else "@" if isinstance(column.example, str) else "General"
        sheet.cell(2, index).number_format = number_format
        sheet.column_dimensions[letter].number_format = number_format
        sheet.column_dimensions[letter].width = max(12, len(column.name) + 4, len(str(contoh[column.name] or "")) + 2)
    sheet.freeze_panes = "A2"

    guide = book.create_sheet("Petunjuk")
    for line in petunjuk:
        guide.append([line])
    guide.append([])
    guide.append(["Kolom", "Wajib", "Keterangan", "Contoh"])
    heading = guide.max_row
    for column in columns:
        example = contoh[column.name]
        example = f"{example:%d-%m-%Y}" if column.is_date else example
        example = (contoh_petunjuk or {}).get(column.name, example)
        guide.append([column.name, "Ya" if wajib(column.name) else "Tidak", column.help, example])
    for cell in (guide["A1"], *guide[heading]):
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (18, 8, 90, 20)):
        guide.column_dimensions[letter].width = width
    return book.isi()
