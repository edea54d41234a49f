"""What a kegiatan produces on paper and in files: the recap per target desa, the daftar hadir, the attendance
export (CSV, XLSX), the sertifikat and the QR codes. Read-only."""
from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass, field
from datetime import date

import filetype
import segno
from flask import current_app
from markupsafe import Markup, escape
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


def asal_pilihan(k: Kegiatan) -> dict[str, str]:
    """Where someone registered at the venue may come from: a desa of the target, or for Tim Pembina a kecamatan
    (the target's own, or those inside it; none for a desa target)."""
    kecamatan = list(db.session.scalars(select(Wilayah).where(Wilayah.level == 3,
                                                              within_clause(Wilayah.kode, k.wilayah_kode))
                                        .order_by(Wilayah.kode)))
    return {w.kode: f"{w.nama_lengkap} ({w.kode})" for w in kecamatan + desa_sasaran(k, limit=500)}


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


# --- QR codes and the sertifikat ------------------------------------------------------------------------------------

def qr_inline(url: str, label: str) -> Markup:
    """A QR code as inline SVG (segno): path data only, no XML prolog and no size (the stylesheet sizes it), so a
    print page is one request and 100 cards stay near 30 KB compressed."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", xmldecl=False, svgns=False, svgclass="qr",
                                                 lineclass=None, omitsize=True, nl=False, border=2)
    svg = buffer.getvalue().decode("ascii")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


ROMAWI = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def nomor_sertifikat(k: Kegiatan) -> dict[int, str]:
    """Every peserta's sertifikat number, '1.012/SERT/X/2025': the kegiatan, the peserta's place in the order they
    were listed (rows are never deleted, so the number never changes), and the month and year of the last day."""
    ids = db.session.scalars(select(Peserta.id).where(Peserta.kegiatan_id == k.id).order_by(Peserta.id))
    akhir = k.tanggal_selesai
    return {pid: f"{k.id}.{urut:03d}/SERT/{ROMAWI[akhir.month - 1]}/{akhir.year}" for urut, pid in enumerate(ids, 1)}


def tempat_terbit(k: Kegiatan) -> str:
    """Where the documents of a kegiatan are signed: the town after the venue's last comma ('Aston Tanjung City
    Hotel, Tanjung'), else the kabupaten/kota of its target."""
    if "," in k.tempat:
        return k.tempat.rsplit(",", 1)[1].strip()
    kabupaten = db.session.get(Wilayah, k.wilayah_kode[:5])
    return kabupaten.nama_singkat if kabupaten else k.tempat


LOGO_MAKS = 100 * 1024
JENIS_LOGO = {"png": "image/png", "jpg": "image/jpeg"}


def logo_sertifikat() -> str | None:
    """SERTIFIKAT_LOGO (a path to an SVG, PNG or JPEG file, relative to the instance folder) as a data: URI, printed
    once per document; None when unset or unusable (said in the log, the sertifikat prints without it)."""
    path = current_app.config.get("SERTIFIKAT_LOGO")
    if not path:
        return None
    try:
        with open(os.path.join(current_app.instance_path, path), "rb") as f:
            data = f.read(LOGO_MAKS + 1)
    except OSError as e:
        current_app.logger.warning("SERTIFIKAT_LOGO tidak terbaca: %s", e)
        return None
    kind = filetype.guess_extension(data)
    mime = JENIS_LOGO.get(kind) or ("image/svg+xml" if kind is None and b"<svg" in data[:4096] else None)
    if mime is None or len(data) > LOGO_MAKS:
        current_app.logger.warning("SERTIFIKAT_LOGO harus SVG, PNG atau JPEG, paling besar %d KB", LOGO_MAKS // 1024)
        return None
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
