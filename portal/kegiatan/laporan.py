"""What a kegiatan produces on paper and in files: the recap per target desa, the daftar hadir, the attendance
export (CSV, XLSX), the sertifikat and the QR codes. Read-only."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import segno
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal import formatting, lembar
from portal.models.kegiatan import STATUS_HADIR, Kegiatan, Kehadiran, Peserta
from portal.models.posyandu import Posyandu
from portal.models.wilayah import Wilayah, level_of, within_clause


def peserta(k: Kegiatan, aktif: bool = True) -> list[Peserta]:
    """The kegiatan's peserta by asal and name, with their attendance and asal loaded (no query per row)."""
    where = [Peserta.kegiatan_id == k.id]
    if aktif:
        where.append(Peserta.aktif.is_(True))
    return list(db.session.scalars(
        select(Peserta).where(*where).options(selectinload(Peserta.kehadiran), selectinload(Peserta.asal))
        .order_by(Peserta.asal_kode, Peserta.nama, Peserta.id)))


def tanda_per_hari(p: Peserta) -> dict[date, Kehadiran]:
    return {m.tanggal: m for m in p.kehadiran}


def nama_wilayah(kodes: set[str]) -> dict[str, Wilayah]:
    return {w.kode: w for w in db.session.scalars(select(Wilayah).where(Wilayah.kode.in_(sorted(kodes))))}


# --- the recap per target desa --------------------------------------------------------------------------------------

@dataclass
class BarisDesa:
    desa: Wilayah
    kecamatan: str
    peserta: int = 0
    hadir: list[int] = field(default_factory=list)  # per day


@dataclass
class Rekap:
    hari: list[date]
    desa: list[BarisDesa]  # target desa that sent someone, in code order
    tanpa_peserta: list[BarisDesa]  # target desa that sent nobody: the organiser's first question
    lainnya: list[BarisDesa]  # peserta from the kecamatan level (Tim Pembina) and the like
    peserta: int
    hadir: list[int]
    izin: list[int]

    @property
    def jumlah_desa(self) -> int:
        return len(self.desa) + len(self.tanpa_peserta)


def desa_sasaran(k: Kegiatan, limit: int | None = None) -> list[Wilayah]:
    """The desa/kelurahan the kegiatan is aimed at: its target itself, or those inside it."""
    if level_of(k.wilayah_kode) == 4:
        return [k.wilayah]
    return list(db.session.scalars(select(Wilayah).where(Wilayah.level == 4, within_clause(Wilayah.kode, k.wilayah_kode))
                                   .order_by(Wilayah.kode).limit(limit)))


def rekap(k: Kegiatan) -> Rekap:
    hari = k.hari
    index = {d: i for i, d in enumerate(hari)}
    sasaran = desa_sasaran(k)
    kecamatan = nama_wilayah({d.parent_kode for d in sasaran if d.parent_kode})
    rows = {d.kode: BarisDesa(d, kecamatan[d.parent_kode].nama if d.parent_kode in kecamatan else "",
                              hadir=[0] * len(hari)) for d in sasaran}
    lain: dict[str, BarisDesa] = {}
    hadir, izin = [0] * len(hari), [0] * len(hari)
    daftar = peserta(k)
    for p in daftar:
        row = rows.get(p.asal_kode)
        if row is None:
            row = lain.setdefault(p.asal_kode, BarisDesa(p.asal, "", hadir=[0] * len(hari)))
        row.peserta += 1
        for m in p.kehadiran:
            i = index.get(m.tanggal)
            if i is None:
                continue
            if m.status == "hadir":
                row.hadir[i] += 1
                hadir[i] += 1
            elif m.status == "izin":
                izin[i] += 1
    return Rekap(hari=hari, desa=[r for r in rows.values() if r.peserta],
                 tanpa_peserta=[r for r in rows.values() if not r.peserta],
                 lainnya=sorted(lain.values(), key=lambda r: r.desa.kode), peserta=len(daftar), hadir=hadir,
                 izin=izin)


# --- the attendance export ------------------------------------------------------------------------------------------

def kolom_kehadiran(k: Kegiatan) -> list[str]:
    return (["no", "nama", "peran", "asal_kode", "asal", "kecamatan", "posyandu"]
            + [f"hari_{i}_{d.isoformat()}" for i, d in enumerate(k.hari, 1)]
            + ["jumlah_hadir", "memenuhi_syarat_sertifikat", "kode_sertifikat"])


def baris_kehadiran(k: Kegiatan) -> list[list]:
    """One row per peserta, one column per day (hadir / izin / tidak hadir, empty when not marked)."""
    daftar = peserta(k)
    kecamatan = nama_wilayah({p.asal_kode[:8] for p in daftar if level_of(p.asal_kode) == 4})
    posyandu = _nama_posyandu({p.posyandu_id for p in daftar if p.posyandu_id})
    rows = []
    for no, p in enumerate(daftar, 1):
        marks = tanda_per_hari(p)
        rows.append([no, p.nama, p.peran_label, p.asal_kode, p.asal.nama,
                     kecamatan[p.asal_kode[:8]].nama if p.asal_kode[:8] in kecamatan else "",
                     posyandu.get(p.posyandu_id, "")]
                    + [STATUS_HADIR[marks[d].status] if d in marks else "" for d in k.hari]
                    + [p.hari_hadir, "ya" if p.lulus else "tidak", p.kode_sertifikat if p.lulus else ""])
    return rows


def _nama_posyandu(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Posyandu.id, Posyandu.nama).where(Posyandu.id.in_(sorted(ids)))).all())


def csv_kehadiran(k: Kegiatan) -> str:
    return lembar.csv_teks(kolom_kehadiran(k), baris_kehadiran(k))


def xlsx_kehadiran(k: Kegiatan) -> bytes:
    """The same columns as the CSV under a title block, ready to print or to forward."""
    book = lembar.Buku()
    sheet = book.active
    sheet.title = "Kehadiran"
    rentang = formatting.rentang(k)
    for line in (k.judul, f"{k.jenis_label} · {k.penyelenggara}", f"{k.tempat}, {rentang}"):
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    kolom = kolom_kehadiran(k)
    sheet.append(kolom)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in baris_kehadiran(k):
        sheet.append(row)
    widths = {"no": 5, "nama": 28, "peran": 24, "asal_kode": 15, "asal": 20, "kecamatan": 18, "posyandu": 22}
    for i, name in enumerate(kolom, 1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(name, 14)
    sheet.freeze_panes = sheet.cell(row=6, column=3)
    return book.isi()


# --- QR codes -------------------------------------------------------------------------------------------------------

def qr_svg(url: str, scale: int = 3) -> bytes:
    """A QR code as an SVG document (segno): prints sharp at any size, about 2 KB. Served as an image of its own so
    the printable pages stay within the HTML budget."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", scale=scale, border=2, xmldecl=False)
    return buffer.getvalue()
