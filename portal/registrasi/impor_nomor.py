"""Numbers back in: the ministry's list (.xlsx or .csv) read, every row judged, nothing written until the kabupaten
confirms; then every number is recorded in one transaction, or none.

A row names its Posyandu by the "ID usulan" of the tahap workbook (ekspor.py) or, in a list of the ministry's own,
by its desa code and name. Columns are matched by their titles, in any order and spelling of case and spaces.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.alur import all_or_nothing
from portal.bilangan import angka_asing
from portal.domain import Conflict, DomainError
from portal.extensions import db
from portal.lembar_baca import FileRefused, Lembar, column_key
from portal.models.base import baca_id
from portal.models.posyandu import Posyandu
from portal.models.registrasi import Usulan
from portal.models.wilayah import desa_clause
from portal.registrasi import workflow
from portal.teks import lipat

KOLOM = {
    "id": ("id_usulan", "id"),
    "kode": ("kode_wilayah", "kode_desa", "kode"),
    "nama": ("nama_posyandu", "nama", "posyandu"),
    "nomor": ("nomor_registrasi", "no_registrasi", "nomor_register", "nomor"),
}


@dataclass
class BarisNomor:
    """One row of the ministry's list, as judged."""
    baris: int
    nama: str
    nomor: str
    usulan_id: int | None = None
    hasil: str = ""  # "catat", "tetap", "kosong" or "salah"
    pesan: str = ""


@dataclass
class Pratinjau:
    rows: list[BarisNomor] = field(default_factory=list)
    masalah_berkas: str = ""

    def hitung(self, hasil: str) -> int:
        return sum(1 for r in self.rows if r.hasil == hasil)

    @property
    def salah(self) -> list[BarisNomor]:
        return [r for r in self.rows if r.hasil == "salah"]

    @property
    def bisa_diterapkan(self) -> bool:
        return not self.masalah_berkas and not self.salah and self.hitung("catat") > 0


def _teks(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(data: bytes, ext: str) -> list[dict]:
    """The rows of the file as {baris, id, kode, nama, nomor} (text), through the one bounded reader
    (portal/lembar_baca.py); FileRefused when the file cannot be read, is too large, lacks the columns or holds no row."""
    with Lembar(data, ext) as sheet:
        header = [column_key(h) for h in sheet.judul]
        where = {key: next((header.index(n) for n in names if n in header), None) for key, names in KOLOM.items()}
        if where["nomor"] is None or (where["id"] is None and (where["kode"] is None or where["nama"] is None)):
            raise FileRefused("Baris 1 harus memuat judul kolom «Nomor registrasi» dan «ID usulan» (seperti berkas "
                              "ekspor tahap), atau «Nomor registrasi», «Kode wilayah» dan «Nama Posyandu».")
        found = {k: i for k, i in where.items() if i is not None}
        records = [{"baris": number, **{k: _teks(cells.get(k)) for k in KOLOM}}
                   for number, cells in sheet.baris(found)]
    if not records:
        raise FileRefused("Berkas tidak memuat baris data di bawah judul kolom.")
    return records


def _angka_asing(r: dict) -> str | None:
    """A digit other than 0-9 in the row's ID, code or number, named (issue 13, item 5)."""
    for key, label in (("id", "ID usulan"), ("kode", "Kode wilayah"), ("nomor", "Nomor registrasi")):
        if angka_asing(r.get(key)):
            return f"{label} «{r[key][:40]}» memuat angka selain 0–9 (mis. ², ① atau angka Arab); ketik ulang."
    return None


def preview(user, data: bytes, ext: str) -> Pratinjau:
    """Judges every row; writes nothing."""
    p = Pratinjau()
    try:
        records = read_rows(data, ext)
    except FileRefused as e:
        p.masalah_berkas = e.message
        return p
    scope = desa_clause(Posyandu.desa_kode, user.scope)
    usulan = list(db.session.scalars(
        select(Usulan).join(Posyandu, Posyandu.id == Usulan.posyandu_id)
        .where(scope)
        .options(selectinload(Usulan.posyandu))))
    by_id = {u.id: u for u in usulan}
    by_nama: dict[tuple[str, str], list[Usulan]] = {}
    for u in usulan:
        by_nama.setdefault((u.posyandu.desa_kode, lipat(u.posyandu.nama)), []).append(u)
    dipakai: dict[str, int] = {}
    seen: dict[int, int] = {}
    for r in records:
        row = BarisNomor(r["baris"], r["nama"], r["nomor"])
        p.rows.append(row)
        u = None
        if asing := _angka_asing(r):
            row.hasil, row.pesan = "salah", asing
            continue
        if r.get("id"):
            u = by_id.get(baca_id(r["id"]))
        elif r.get("kode") and r.get("nama"):
            found = by_nama.get((r["kode"], lipat(r["nama"])), [])
            u = max(found, key=lambda x: x.percobaan) if found else None
        if u is None:
            row.hasil, row.pesan = "salah", ("Posyandu tidak ditemukan di wilayah Anda: periksa ID usulan, atau kode "
                                             "wilayah dan nama Posyandu.")
            continue
        row.usulan_id, row.nama = u.id, u.posyandu.nama
        if not row.nomor:
            row.hasil, row.pesan = "kosong", "Nomor belum diisi; baris dilewati."
            continue
        if u.id in seen:
            row.hasil, row.pesan = "salah", f"Posyandu yang sama sudah ada di baris {seen[u.id]}."
            continue
        seen[u.id] = row.baris
        if u.status == "teregistrasi":
            if u.nomor_registrasi == row.nomor.replace(" ", ""):
                row.hasil, row.pesan = "tetap", "Nomor ini sudah tercatat."
            else:
                row.hasil, row.pesan = "salah", (f"Posyandu ini sudah tercatat dengan nomor {u.nomor_registrasi}; "
                                                 "nomor tidak ditimpa.")
            dipakai.setdefault(u.nomor_registrasi, u.posyandu_id)
            continue
        if u.status != "diusulkan":
            row.hasil, row.pesan = "salah", (f"Usulan ini belum dikirim ke Kemendagri (status «{u.status_label}»); "
                                             "nomor hanya dicatat untuk usulan dalam tahap yang sudah dikirim.")
            continue
        try:
            nomor = workflow.clean_nomor(row.nomor, u, dipakai)
        except DomainError as e:
            row.hasil, row.pesan = "salah", e.message
            continue
        dipakai[nomor] = u.posyandu_id
        row.nomor, row.hasil = nomor, "catat"
    return p


@all_or_nothing
def apply(user, p: Pratinjau) -> int:
    """Records every number of the preview in one transaction and commits; if any fails now (or the preview has
    errors), rolls back and raises DomainError: nothing written."""
    if not p.bisa_diterapkan:
        raise Conflict("Data berubah sejak pratinjau; periksa baris yang ditandai. Tidak ada nomor yang dicatat.")
    done = 0
    for row in p.rows:
        if row.hasil != "catat":
            continue
        try:
            workflow.take_step(user, row.usulan_id, "registrasi", nomor=row.nomor, commit=False,
                               catatan="Dari impor daftar nomor Kemendagri.")
        except DomainError as e:
            raise DomainError(f"Baris {row.baris} ({row.nama}): {e.message} Tidak ada nomor yang dicatat.",
                              status=e.status) from None
        done += 1
    db.session.commit()
    return done


periksa = preview  # the old name, for tests/test_impor_alur.py until it follows
