"""What a kegiatan puts on paper and in files: kartu, daftar hadir, sertifikat, the recap, the attendance export."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for

from portal import access, caching, tautan
from portal.kegiatan import hadir, laporan
from portal.kegiatan.sertifikat import sah, tampil_kode
from portal.kegiatan.views import bp, kegiatan_or_404, peserta_or_404
from portal.models.kegiatan import Kegiatan, Peserta


@bp.get("/<int:kid>/kartu")
@access.staff
@caching.pribadi
def kartu(kid: int):
    """Printable cards, eight to an A4 page: name, asal, and the QR code that checks the peserta in (inline: the
    page is one request)."""
    k = kegiatan_or_404(kid)
    daftar = laporan.peserta(k)
    qr = {p.id: laporan.qr_inline(tautan.cetak(".qr", token=hadir.token_qr(p)),
                                  f"Kode QR check-in {p.nama}") for p in daftar}
    return render_template("kegiatan/kartu.html", k=k, daftar=daftar, qr=qr)


@bp.get("/<int:kid>/daftar-hadir")
@access.staff
@caching.pribadi
def daftar_hadir(kid: int):
    k = kegiatan_or_404(kid)
    daftar = laporan.peserta(k)
    return render_template("kegiatan/daftar_hadir.html", k=k, daftar=daftar, tempat_terbit=laporan.tempat_terbit(k),
                           kecamatan=laporan.nama_wilayah({p.asal_kode[:8] for p in daftar}))


def _sertifikat(k: Kegiatan, daftar: list[Peserta]):
    qr = {p.id: laporan.qr_inline(tautan.cetak("sertifikat.verifikasi", kode=p.kode_sertifikat),
                                  "Kode QR verifikasi sertifikat") for p in daftar}
    kecamatan = laporan.nama_wilayah({p.asal_kode[:8] for p in daftar})
    return render_template("kegiatan/sertifikat.html", k=k, daftar=daftar, tampil_kode=tampil_kode,
                           qr=qr, nomor=laporan.nomor_sertifikat(k), tempat_terbit=laporan.tempat_terbit(k),
                           logo=laporan.logo_sertifikat(), kecamatan=kecamatan, cek=tautan.cetak("sertifikat.cek"))


@bp.get("/<int:kid>/sertifikat")
@access.staff
@caching.pribadi
def sertifikat_semua(kid: int):
    """Every sertifikat earned, one A4 landscape page each, to print in one go."""
    k = kegiatan_or_404(kid)
    return _sertifikat(k, [p for p in laporan.peserta(k) if sah(p)])


@bp.get("/<int:kid>/sertifikat/<int:pid>")
@access.staff
@caching.pribadi
def sertifikat(kid: int, pid: int):
    k = kegiatan_or_404(kid)
    p = peserta_or_404(k, pid)
    if not sah(p):
        flash(f"{p.nama} belum memenuhi syarat sertifikat: hadir {p.hari_hadir} dari {k.syarat} hari yang "
              "disyaratkan.")
        return redirect(url_for(".peserta", kid=k.id), 303)
    return _sertifikat(k, [p])


@bp.get("/<int:kid>/rekap")
@access.staff
@caching.pribadi
def rekap(kid: int):
    k = kegiatan_or_404(kid)
    return render_template("kegiatan/rekap.html", k=k, r=laporan.rekap(k))


EKSPOR = {"csv": ("text/csv", laporan.csv_kehadiran),
          "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", laporan.xlsx_kehadiran)}


@bp.get("/<int:kid>/kehadiran.<any(csv, xlsx):ext>")
@access.staff
@caching.pribadi
def kehadiran(kid: int, ext: str):
    """Attendance, one row per peserta and one column per day: CSV, or XLSX under a title block."""
    k = kegiatan_or_404(kid)
    mimetype, isi = EKSPOR[ext]
    nama = f"kehadiran-kegiatan-{k.id}-{k.tanggal_mulai.isoformat()}.{ext}"
    return Response(isi(k), mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{nama}"',
                                                        "Cache-Control": "private, no-store"})
