"""The tahap a kabupaten sends to Kemendagri: put together, sent, printed as a cover list and a workbook."""
from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portal import access, formulir
from portal import wilayah_baca as wilayah
from portal.domain import DomainError
from portal.formatting import angka, hari_ini
from portal.models.base import baca_id
from portal.models.registrasi import Tahap
from portal.models.wilayah import level_of
from portal.registrasi import ekspor, service
from portal.registrasi.views import bp, tahap_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The fields of the send form, shown beside them.
ISIAN_KIRIM = ("tanggal", "nomor_surat")


def _kabupaten_kode() -> str:
    kode = current_user.scope if level_of(current_user.scope) == 2 else request.values.get("kabupaten", "")
    if not access.may_manage_tahap(current_user, kode):
        if access.must_pick_kabupaten(current_user):
            return ""
        access.deny(visible=access.may_follow_registrasi(current_user))
    return kode


@bp.route("/tahap", methods=["GET", "POST"])
@access.staff(roles=access.PENGUSUL)
def tahap_index():
    kode = _kabupaten_kode()
    if not kode:  # an admin of a provinsi or the nation picks the kabupaten first
        return render_template("registrasi/tahap_pilih.html", pilihan=service.kabupaten_pilihan(current_user.scope))
    if request.method == "POST":
        try:
            t = service.buat_tahap(current_user, kode)
        except DomainError as e:
            flash(e.message)
            return redirect(url_for(".tahap_index", kabupaten=kode), 303)
        flash(f"{t.nama} dibuat. Centang usulan terverifikasi yang akan dimasukkan.")
        return redirect(url_for(".tahap", tid=t.id), 303)
    return render_template("registrasi/tahap_index.html", kode=kode, kabupaten=wilayah.get(kode),
                           daftar=service.daftar_tahap(kode), terbuka=service.tahap_terbuka(kode),
                           siap=len(service.calon_tahap(kode)))


def _tahap_page(t: Tahap, status: int = 200, errors: dict | None = None):
    rows = service.isi_tahap(t)
    return render_template("registrasi/tahap.html", t=t, rows=rows, kelompok=service.kelompokkan(rows),
                           today=hari_ini(), ringkasan=service.ringkasan(rows), errors=errors or {},
                           calon=service.calon_tahap(t.kabupaten_kode) if t.status == "disusun" else []), status


@bp.get("/tahap/<int:tid>")
@access.staff(roles=access.PENGUSUL)
def tahap(tid: int):
    return _tahap_page(tahap_or_404(tid))


@bp.post("/tahap/<int:tid>/<any(tambah, keluarkan, kirim):aksi>")
@access.staff(roles=access.PENGUSUL)
def tahap_aksi(tid: int, aksi: str):
    t = tahap_or_404(tid)
    versi = request.form.get("version", "")
    try:
        if aksi == "tambah":
            field = "semua" if request.form.get("pakai") == "semua" else "usulan"
            n = service.tambah_ke_tahap(current_user, t, [baca_id(i) for i in request.form.getlist(field)], versi)
            message = f"{angka(n)} usulan dimasukkan ke {t.nama}."
        elif aksi == "keluarkan":
            service.keluarkan(current_user, t, baca_id(request.form.get("usulan")) or 0, versi)
            message = f"Usulan dikeluarkan dari {t.nama}; statusnya tetap terverifikasi kabupaten."
        else:
            n = service.kirim_tahap(current_user, t, versi, request.form.get("tanggal"),
                                    request.form.get("nomor_surat"))
            message = f"{t.nama} ditandai terkirim: {angka(n)} usulan kini berstatus diusulkan ke Kemendagri."
    except DomainError as e:
        status = formulir.show_errors(None, e, shown=ISIAN_KIRIM)
        return _tahap_page(tahap_or_404(tid), status, e.errors)
    flash(message)
    return redirect(url_for(".tahap", tid=tid), 303)


@bp.get("/tahap/<int:tid>/cetak")
@access.staff(roles=access.PENGUSUL)
def tahap_cetak(tid: int):
    t = tahap_or_404(tid)
    rows = service.isi_tahap(t)
    return render_template("registrasi/cetak.html", t=t, rows=rows, kelompok=service.kelompokkan(rows),
                           ringkasan=service.ringkasan(rows), kabupaten=wilayah.get(t.kabupaten_kode))


@bp.get("/tahap/<int:tid>.xlsx")
@access.staff(roles=access.PENGUSUL)
def tahap_xlsx(tid: int):
    t = tahap_or_404(tid)
    data = ekspor.xlsx(t, service.isi_tahap(t), wilayah.get(t.kabupaten_kode).nama_lengkap)
    name = f"usulan-tahap-{t.nomor}-{t.kabupaten_kode}.xlsx"
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name, max_age=0)
