"""The import templates: the columns with one example row in the user's own region, and a "Petunjuk" sheet that
explains every column."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.impor_umum import buku_templat
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
    notes = (f"Petunjuk impor {kind.label}", kind.about, *NOTES)
    shown = {"kode_desa": f"{desa.kode} ({desa.nama_lengkap})"} if desa is not None else None
    return buku_templat(kind.label, kind.columns, examples, notes, kind.required, shown)
