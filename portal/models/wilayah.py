"""Kemendagri regions, keyed by the dotted code PP.KK.CC.DDDD (DOMAIN.md §3)."""
from __future__ import annotations

import re

from sqlalchemy import ForeignKey, String, and_, or_, true
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from portal.extensions import db

# Byte-wise ordering on PostgreSQL, so a range scan over "63.09." .. "63.09/" is a prefix scan that uses the index.
KodeWilayah = String(13).with_variant(String(13, collation="C"), "postgresql")

# ASCII digits only: \d would also take '٦٣', and $ a trailing newline.
KODE_PATTERN = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?")
# Length of a code at each level: provinsi, kabupaten/kota, kecamatan, desa/kelurahan.
KODE_LENGTH = {1: 2, 2: 5, 3: 8, 4: 13}

JENIS_LABEL = {
    "provinsi": "Provinsi",
    "kabupaten": "Kabupaten",
    "kota": "Kota",
    "kecamatan": "Kecamatan",
    "distrik": "Distrik",
    "kelurahan": "Kelurahan",
    "desa": "Desa",
    "desa_adat": "Desa Adat",
}


def level_of(kode: str) -> int:
    """0 for the empty (national) code, else 1–4."""
    return 0 if not kode else kode.count(".") + 1


def is_valid_kode(kode: str) -> bool:
    return isinstance(kode, str) and bool(KODE_PATTERN.fullmatch(kode))


def jenis_of(kode: str) -> str:
    """The kind of region, derived from the code alone."""
    level = level_of(kode)
    if level == 1:
        return "provinsi"
    if level == 2:
        return "kota" if int(kode[3:5]) >= 71 else "kabupaten"
    if level == 3:
        return "distrik" if int(kode[:2]) >= 91 else "kecamatan"
    return {"1": "kelurahan", "3": "desa_adat"}.get(kode[9], "desa")


def kode_within(kode: str | None, scope: str | None) -> bool:
    """Prefix rule on the dotted code: 63.09.12.2003 lies inside 63.09.12, 63.09, 63 and '' (national)."""
    if not scope:
        return True
    if not kode:
        return False
    return kode == scope or kode.startswith(scope + ".")


def within_clause(column, scope: str | None) -> ColumnElement[bool]:
    """SQL form of kode_within: an index range scan ('.' + 1 == '/')."""
    if not scope:
        return true()
    return or_(column == scope, and_(column > scope + ".", column < scope + "/"))


def anak_dari(kode: str) -> ColumnElement[bool]:
    """The wilayah directly below kode ('' = the provinces, the wilayah without a parent: an index look-up)."""
    return Wilayah.parent_kode == kode if kode else Wilayah.parent_kode.is_(None)


def desa_clause(column, scope: str | None) -> ColumnElement[bool]:
    """within_clause for a column that holds desa codes only (posyandu.desa_kode): one equality or one range, never
    an OR, so the database walks a single index range in order."""
    if not scope:
        return true()
    if level_of(scope) == 4:
        return column == scope
    return and_(column > scope + ".", column < scope + "/")


def ancestors(kode: str) -> list[str]:
    """Codes above kode, nearest last: 63.09.12 → ['63', '63.09']."""
    parts = kode.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


class Wilayah(db.Model):
    __tablename__ = "wilayah"

    kode: Mapped[str] = mapped_column(KodeWilayah, primary_key=True)
    nama: Mapped[str] = mapped_column(String(120))
    level: Mapped[int] = mapped_column(index=True)
    parent_kode: Mapped[str | None] = mapped_column(KodeWilayah, ForeignKey("wilayah.kode"), index=True)
    kode_pos: Mapped[str | None] = mapped_column(String(5))

    @property
    def jenis(self) -> str:
        return jenis_of(self.kode)

    @property
    def jenis_label(self) -> str:
        return JENIS_LABEL[self.jenis]

    @property
    def nama_singkat(self) -> str:
        """'Tabalong' for 'Kabupaten Tabalong': in a list whose heading already says what they are."""
        for prefix in ("Kabupaten ", "Kota "):
            if self.level == 2 and self.nama.startswith(prefix):
                return self.nama[len(prefix):]
        return self.nama

    @property
    def nama_lengkap(self) -> str:
        """'Kabupaten Tabalong' is already named so; kecamatan and desa get their kind in front."""
        if self.level in (1, 2):
            return self.nama
        return f"{self.jenis_label} {self.nama}"

    def __repr__(self) -> str:
        return f"<Wilayah {self.kode} {self.nama}>"
