"""The one reader of uploaded sheets (.xlsx or .csv) for every import (Posyandu and kader, the ministry's numbers),
with bounded work (issue 13, item 1).

A 98 KB .xlsx can hold three million cells or three million shared strings, and openpyxl parses every one of them:
read-only mode too, which still loads all shared strings and builds each row's cells before a column can be skipped.
So openpyxl never sees a file that has not been measured first:
1. the zip's directory (infolist): the number of members, each one's uncompressed size and compression ratio, and their
   sum. Python's zipfile never inflates a member beyond the size it declares (a member that lies fails its CRC);
2. every member streamed once through expat, counting elements, cells, cells per row and shared strings, and reading
   each sheet's declared dimension. The count stops at the first limit passed, so a bomb costs its limit, not its
   size. A DOCTYPE (entity tricks) refuses the file; defusedxml, which openpyxl uses when installed, refuses
   entities in the members it parses as well.
Then openpyxl (read-only, values only) reads the first sheet, at most MAKS_KOLOM columns wide, and only the columns the
caller asks for are kept. A CSV is bounded by bytes, rows, fields per row and characters per record.
"""
from __future__ import annotations

import csv
import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pyexpat import ExpatError, ParserCreate
from typing import Any, Self

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import range_boundaries
from openpyxl.xml.constants import SHARED_STRINGS
from openpyxl.utils.exceptions import InvalidFileException

from portal.domain import DomainError
from portal.formatting import angka

EKSTENSI = ("xlsx", "csv")
MAKS_MB = 4
MAKS_BYTES = MAKS_MB * 1024 * 1024
MAKS_BARIS_DATA = 5_000
# Rows read, blank ones included: a sheet padded with a million empty rows is refused rather than walked.
MAKS_BARIS = 5 * MAKS_BARIS_DATA
MAKS_KOLOM = 100
MAKS_SEL = 100_000  # 5,000 rows of 20 columns
MAKS_TEKS_BERSAMA = 100_000  # entries of xl/sharedStrings.xml
MAKS_TEKS_SEL = 70_000  # cells holding their own text (inline strings): openpyxl builds objects for each
MAKS_ELEMEN = 500_000  # XML elements in all members together
MAKS_RICH = 20_000  # elements of formatted text (runs) in strings
MAKS_STRUKTUR = 20_000  # elements outside rows and strings: styles, content types, relationships, sheet settings
_MAKS_ATRIBUT = 100  # attributes of one element
MAKS_ANGGOTA = 100  # members of the zip
MAKS_ISI_ANGGOTA = 12 * 1024 * 1024  # one member, uncompressed
MAKS_ISI = 24 * 1024 * 1024  # all members, uncompressed
MAKS_RASIO = 200  # uncompressed : compressed, for members above 1 MB
MAKS_REKAM_CSV = 64 * 1024  # characters of one CSV record

_SARAN = ("Salin tabel datanya saja ke buku kerja baru (tanpa kolom atau baris kosong yang diformat), simpan sebagai "
          ".xlsx atau CSV, lalu unggah lagi.")
_TIDAK_TERBACA = ("Berkas tidak dapat dibaca sebagai Excel (.xlsx). Simpan ulang dari Excel atau LibreOffice sebagai "
                  ".xlsx, atau sebagai CSV.")
_MB = 1024 * 1024
_AKHIR = b"PK\x05\x06"  # the zip's end of central directory record


class FileRefused(DomainError):
    """The file as a whole cannot be imported: wrong type, unreadable, too large, changed since the preview."""


def extension(filename: str | None) -> str | None:
    """'xlsx' or 'csv' from an uploaded file's name, else None."""
    ext = os.path.splitext(filename or "")[1].lower().lstrip(".")
    return ext if ext in EKSTENSI else None


def column_key(header: Any) -> str:
    """'Kode Desa', 'kode-desa' and ' KODE_DESA ' are all 'kode_desa'."""
    return re.sub(r"[\s_-]+", "_", str(header or "").strip().lower()).strip("_")


def kosong(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _tolak(alasan: str) -> FileRefused:
    return FileRefused(f"{alasan} {_SARAN}")


# --- .xlsx: measured before openpyxl opens it ------------------------------------------------------------------------

def _ukur_direktori(data: bytes) -> None:
    """zipfile reads the whole central directory when it opens a file (40,000 members: seconds), so its size is read
    first from the end record, found the way zipfile finds it. No .xlsx under the size limit needs zip64."""
    at = len(data) - 22
    if not (data[at:at + 4] == _AKHIR and data[-2:] == b"\0\0"):
        at = data.rfind(_AKHIR, max(0, len(data) - 22 - 65536))
    if at < 0 or at + 22 > len(data):
        return  # no end record: zipfile refuses the file
    if data[max(0, at - 20):at].startswith(b"PK\x06\x07") or struct.unpack_from("<I", data, at + 12)[0] > \
            MAKS_ANGGOTA * 1024:
        raise _tolak(f"Berkas Excel ini terdiri atas terlalu banyak bagian (paling banyak {angka(MAKS_ANGGOTA)}).")


def _ukur_zip(z: zipfile.ZipFile) -> None:
    members = z.infolist()
    if len(members) > MAKS_ANGGOTA:
        raise _tolak(f"Berkas Excel ini terdiri atas {angka(len(members))} bagian (paling banyak "
                     f"{angka(MAKS_ANGGOTA)}).")
    total = 0
    for m in members:
        total += m.file_size
        if m.file_size > MAKS_ISI_ANGGOTA or total > MAKS_ISI or \
                (m.file_size > _MB and m.file_size > MAKS_RASIO * max(m.compress_size, 1)):
            raise _tolak(f"Berkas Excel ini berisi jauh lebih banyak data daripada ukurannya (bagian {m.filename}: "
                         f"{angka(m.file_size // _MB)} MB setelah dibuka; paling banyak "
                         f"{angka(MAKS_ISI_ANGGOTA // _MB)} MB per bagian dan {angka(MAKS_ISI // _MB)} MB semuanya).")


class _Ukur:
    """What openpyxl would build from the members, counted by expat (two callbacks per element) up to the limits; and
    the shared strings, read on the way (openpyxl's own reading builds objects for each string: 40 µs apiece).

    openpyxl's cost is Python work per row, per cell (any child of a row), per inline string, per attribute and per
    element of everything else (styles, content types, relationships, the sheet's own settings): each is counted on
    its own. Other elements (a cell's value, a shared string) only cost the XML parse, bounded by MAKS_ELEMEN.
    """

    def __init__(self):
        self.elemen = self.baris = self.sel = self.teks_bersama = self.teks_sel = self.rich = self.struktur = 0
        self.strings: dict[str, list[str]] = {}  # member → its shared strings, as openpyxl reads them

    def member(self, name: str, source) -> None:
        # Per member: the depth, the open rows as [depth, cells], the depth of an open string (si or is) or -1, and
        # while in a shared string: the text of its <t> (its own, or of its runs; not phonetic ones).
        self.depth, self.rows, self.teks = 0, [], -1
        self.name, self.text, self.t_depth = name, None, -1
        self.parser = parser = ParserCreate()
        parser.StartElementHandler, parser.EndElementHandler = self._start, self._end
        parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = self._doctype
        try:
            while chunk := source.read(64 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except ExpatError:
            pass  # not XML (an image), or broken: openpyxl stops at the same place, or refuses the file

    def _start(self, name: str, attrs: dict) -> None:
        depth = self.depth = self.depth + 1
        self.elemen += 1
        if self.elemen > MAKS_ELEMEN or len(attrs) > _MAKS_ATRIBUT:
            raise _tolak(f"Berkas Excel ini memuat lebih dari {angka(MAKS_ELEMEN)} unsur data.")
        if name == "v":  # a cell's value: the commonest element, only parsed
            return
        local = name.rpartition(":")[2]
        if self.teks >= 0:  # inside a string: a plain one is <t>, anything else is rich text
            plain = depth == self.teks + 1 and local == "t"
            if not plain:
                self._tambah("rich", MAKS_RICH, "bagian teks berformat")
            if self.text is not None and local == "t" and (plain or (depth == self.teks + 2 and self.run)):
                self.t_depth = depth
            if depth == self.teks + 1:  # a run of the string opens, or its plain text, or a phonetic run
                self.run = local == "r"
        elif local == "row":  # any row, nested ones too: openpyxl parses each
            self._tambah("baris", MAKS_BARIS, "baris")
            self.rows.append([depth, 0])
        elif self.rows and depth == self.rows[-1][0] + 1:  # openpyxl takes every child of a row as a cell
            self._tambah("sel", MAKS_SEL, "sel")
            self.rows[-1][1] += 1
            if self.rows[-1][1] > MAKS_KOLOM:
                raise _tolak(f"Satu baris lembar kerja memuat lebih dari {angka(MAKS_KOLOM)} sel.")
        elif self.rows:
            if local == "is":
                self._tambah("teks_sel", MAKS_TEKS_SEL, "sel berisi teks sendiri (inlineStr)")
                self.teks = depth
        elif local == "si":
            self._tambah("teks_bersama", MAKS_TEKS_BERSAMA, "teks berbeda (sharedStrings)")
            self.teks, self.text, self.run = depth, [], False
        else:
            self._tambah("struktur", MAKS_STRUKTUR, "unsur format dan struktur")
            if local == "dimension":
                _dimensi(attrs.get("ref", ""))
            elif local == "sst" and depth == 1:
                self.parser.CharacterDataHandler = self._char
                self.strings[self.name] = []

    def _char(self, data: str) -> None:
        if self.t_depth > 0:
            self.text.append(data)

    def _tambah(self, counter: str, limit: int, what: str) -> None:
        value = getattr(self, counter) + 1
        if value > limit:
            raise _tolak(f"Berkas Excel ini memuat lebih dari {angka(limit)} {what}.")
        setattr(self, counter, value)

    def _end(self, _name: str) -> None:
        depth = self.depth
        if depth == self.t_depth:
            self.t_depth = -1
        if depth == self.teks:
            if self.text is not None and self.name in self.strings:
                self.strings[self.name].append("".join(self.text).replace("x005F_", ""))  # as openpyxl has it
            self.teks, self.text = -1, None
        elif self.rows and depth == self.rows[-1][0]:
            self.rows.pop()
        self.depth = depth - 1

    @staticmethod
    def _doctype(*_args) -> None:
        raise _tolak("Berkas Excel ini memuat deklarasi DOCTYPE/ENTITY, yang tidak pernah ditulis Excel.")


class _Pembaca(ExcelReader):
    """openpyxl's reader (read-only, values only), given the shared strings the measurement has read."""

    def __init__(self, data: bytes, strings: dict[str, list[str]]):
        super().__init__(io.BytesIO(data), read_only=True, data_only=True)
        self._strings = strings

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            self.shared_strings = self._strings.get(part.PartName[1:], [])


def _dimensi(ref: str) -> None:
    """A sheet that declares itself wider or longer than an import may be is refused before any row is read."""
    try:
        _, _, columns, rows = range_boundaries(ref)
    except (ValueError, TypeError):
        return  # no usable dimension: the counts above still bound the sheet
    if (columns or 0) > MAKS_KOLOM or (rows or 0) > MAKS_BARIS:
        raise _tolak(f"Lembar kerja menyatakan ukuran {ref[:40]} ({angka(columns or 0)} kolom × {angka(rows or 0)} "
                     f"baris; paling banyak {angka(MAKS_KOLOM)} kolom dan {angka(MAKS_BARIS)} baris).")


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    book = None
    try:
        _ukur_direktori(data)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            _ukur_zip(z)
            ukur = _Ukur()
            for member in z.infolist():
                with z.open(member) as source:
                    ukur.member(member.filename, source)
        reader = _Pembaca(data, ukur.strings)
        reader.read()
        book = reader.wb
        yield from book.worksheets[0].iter_rows(max_col=MAKS_KOLOM, values_only=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, InvalidFileException, zlib.error, KeyError, IndexError, OSError,
            EOFError, RuntimeError, ValueError, TypeError, AttributeError, NotImplementedError,
            SyntaxError) as e:  # SyntaxError: broken XML inside the zip; defusedxml's refusals are ValueErrors
        if isinstance(e, FileRefused):
            raise
        raise FileRefused(_TIDAK_TERBACA) from e
    finally:
        if book is not None:
            book.close()


# --- .csv ------------------------------------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class _Rekam:
    """The file's lines for csv.reader, refusing a record (one row, its quoted line breaks included) that grows beyond
    MAKS_REKAM_CSV characters: a line of a million commas is refused, not split into a million fields."""

    def __init__(self, text: str):
        self.lines, self.size = iter(io.StringIO(text, newline="")), 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.size += len(line)
        if self.size > MAKS_REKAM_CSV:
            raise FileRefused(f"Satu baris berkas CSV lebih dari {angka(MAKS_REKAM_CSV)} karakter. Periksa pemisah "
                              "kolom dan tanda kutipnya, atau simpan ulang dari Excel.")
        return line


def _csv_rows(data: bytes) -> Iterator[list]:
    text = _decode(data)
    first = text[:MAKS_REKAM_CSV].split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    lines = _Rekam(text)
    try:
        for row in csv.reader(lines, delimiter=delimiter):
            lines.size = 0
            yield row[:MAKS_KOLOM]
    except csv.Error as e:
        raise FileRefused(f"Berkas CSV tidak dapat dibaca: {e}.") from e


# --- the sheet as both imports read it ---------------------------------------------------------------------------------

class Lembar:
    """The first sheet of an upload: its header row (judul) and, on demand, its data rows. Use it with `with`."""

    def __init__(self, data: bytes, ext: str):
        if ext not in EKSTENSI:
            raise FileRefused("Hanya berkas Excel (.xlsx) atau CSV (.csv) yang diterima.")
        if len(data) > MAKS_BYTES:
            raise FileRefused(f"Berkas lebih dari {MAKS_MB} MB. Bagi menjadi beberapa berkas.")
        self._rows = _xlsx_rows(data) if ext == "xlsx" else _csv_rows(data)
        header = next(self._rows, None) or ()
        judul = ["" if v is None else str(v).strip()[:100] for v in header]
        while judul and not judul[-1]:  # openpyxl pads the row to MAKS_KOLOM
            judul.pop()
        self.judul = tuple(judul)

    def baris(self, kolom: dict[str, int]) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number, {key: cell}) of every row below the header with a non-blank cell among the columns asked
        for ({key: index in judul}); FileRefused beyond MAKS_BARIS rows or MAKS_BARIS_DATA data rows."""
        count = 0
        for number, values in enumerate(self._rows, start=2):
            if number > MAKS_BARIS:
                raise FileRefused(f"Lembar kerja memuat lebih dari {angka(MAKS_BARIS)} baris (termasuk baris kosong). "
                                  "Hapus baris kosong di bawah data.")
            cells = {key: values[i] if i < len(values) else None for key, i in kolom.items()}
            if all(kosong(v) for v in cells.values()):
                continue
            count += 1
            if count > MAKS_BARIS_DATA:
                raise FileRefused(f"Berkas memuat lebih dari {angka(MAKS_BARIS_DATA)} baris data. Bagi menjadi "
                                  "beberapa berkas.")
            yield number, cells

    def close(self) -> None:
        self._rows.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()
