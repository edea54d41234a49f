"""The member import of a tim: upload → preview at its own address → confirmation (portal/pembina/impor.py).

The flow is every import's (portal/unggahan.py): the upload goes to the preview at its own GET-able URL, so a refresh
never posts again; a refused upload goes back to the form with the error beside the file field (with htmx the form
alone is swapped, in place). Between the preview and the confirmation the file waits under a random token that only
its uploader can use, for this tim only, for a day at most; the confirmation checks it again (the tim may have
changed) and writes every new seat or none. Reading and checking never hold SQLite's write lock (portal/transaksi.py).
"""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portal import access, caching, lembar_baca, transaksi, unggahan
from portal.formatting import angka
from portal.impor_umum import MASALAH_TAMPIL
from portal.pembina import impor, service
from portal.pembina.views import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_GALAT = "pembina_impor_galat"  # the session key of a refused upload's error, shown once by the form's page


def _folder() -> str:
    return unggahan.folder("pembina")


def _tim(tid: int):
    """The tim the user may keep: 404 outside the user's scope, 403 in scope but not the user's to keep."""
    tim = service.get_tim(tid)
    if tim is None or not access.may_see_tim(current_user, tim.wilayah_kode):
        abort(404)
    if not access.may_keep_tim(current_user, tim.wilayah_kode):
        abort(403)
    return tim


def _ended(tim):
    flash(f"Periode SK {tim.sk_nomor} sudah berakhir; anggotanya tidak diubah lagi. Impor anggota ke periode yang "
          "berlaku.")
    return redirect(url_for("pembina.wilayah", kode=tim.wilayah_kode), 303)


def _upload(tim, token: str) -> unggahan.Upload:
    """The user's own upload for this tim: 404 for anyone else's, another tim's, an unknown or an expired token.
    FileRefused when it was altered since it was kept."""
    upload = unggahan.load_upload(_folder(), token, current_user.id, kinds=(impor.JENIS,))
    if upload is None or upload.meta.get("tim_id") != tim.id:
        abort(404)
    return upload


def _context(tim, **extra) -> dict:
    return dict(tim=tim, kolom=impor.KOLOM, wajib=impor.WAJIB, catatan=impor.CATATAN,
                maks_mb=lembar_baca.MAKS_MB, maks_baris=impor.MAKS_BARIS, **extra)


def _form(tim, error: str = "", status: int = 200):
    template = "pembina/_impor_unggah.html" if caching.fragmen() else "pembina/impor.html"
    return render_template(template, error=error, **_context(tim)), status


def _refused(tim, error: str):
    return unggahan.refused(_GALAT, error, form=lambda: _form(tim, error)[0],
                            back=url_for("pembina.impor", tid=tim.id, _anchor="unggah"))


def _gone(tim, token: str, error: lembar_baca.FileRefused):
    """An upload altered since it was kept, or no longer readable: it goes away, and the user uploads again."""
    unggahan.delete_upload(_folder(), token)
    return _refused(tim, error.message)


@bp.route("/tim/<int:tid>/impor", methods=["GET", "POST"], endpoint="impor")
@access.staff(roles=access.PEMBINA)
@caching.pribadi
def impor_anggota(tid: int):
    tim = _tim(tid)
    if not tim.aktif:
        return _ended(tim)
    if request.method == "GET":
        error = unggahan.pending(_GALAT, "")
        return _form(tim, error, 422 if error else 200)
    berkas = request.files.get("berkas")
    ext = lembar_baca.extension(berkas.filename) if berkas and berkas.filename else None
    if not berkas or not berkas.filename:
        return _refused(tim, "Pilih berkas .xlsx atau .csv berisi anggota tim.")
    if ext is None:
        return _refused(tim, "Hanya berkas Excel (.xlsx) atau CSV (.csv) yang diterima. Berkas .xls: buka di Excel "
                             "lalu simpan sebagai .xlsx.")
    try:
        token = unggahan.receive(berkas, _folder(), current_user.id, impor.JENIS, ext,
                                 check=lambda data: impor.periksa_berkas(data, ext), tim_id=tim.id)
    except lembar_baca.FileRefused as e:
        return _refused(tim, e.message)
    return unggahan.to_preview(url_for("pembina.impor_pratinjau", tid=tim.id, token=token))


@bp.get("/tim/<int:tid>/impor/<token>")
@access.staff(roles=access.PEMBINA)
@caching.pribadi
def impor_pratinjau(tid: int, token: str):
    tim = _tim(tid)
    try:
        upload = _upload(tim, token)
        if not tim.aktif:
            return _ended(tim)
        p = impor.periksa(tim, upload.data, upload.meta["ext"])
    except lembar_baca.FileRefused as e:
        return _gone(tim, token, e)
    return render_template("pembina/impor_pratinjau.html", p=p, filename=upload.meta["filename"], token=token,
                           shown=MASALAH_TAMPIL, **_context(tim))


@bp.post("/tim/<int:tid>/impor/<token>")
@access.staff(roles=access.PEMBINA)
@caching.pribadi
def impor_simpan(tid: int, token: str):
    tim = _tim(tid)
    with transaksi.tanpa_kunci():  # the file is read and every row checked before the write transaction
        try:
            upload = _upload(tim, token)
            p = impor.periksa(tim, upload.data, upload.meta["ext"]) if tim.aktif else None
        except lembar_baca.FileRefused as e:
            return _gone(tim, token, e)
    if p is None:
        return _ended(tim)
    back = redirect(url_for("pembina.impor_pratinjau", tid=tim.id, token=token), 303)
    if p.problems:
        flash("Ada baris yang salah; tidak ada yang disimpan. Perbaiki berkasnya lalu unggah lagi.")
        return back
    if not p.baru:
        flash("Semua kursi di berkas ini sudah ada; tidak ada yang ditambahkan.")
        return back
    try:
        n = impor.simpan(current_user, tim, p, sumber=impor.sumber(upload.meta["filename"]))
    except impor.ImporGagal as e:
        flash(e.message)
        return back
    unggahan.delete_upload(_folder(), token)
    flash(f"Impor selesai: {angka(n)} kursi ditambahkan, {angka(len(p.tetap))} sudah ada.")
    return redirect(url_for("pembina.wilayah", kode=tim.wilayah_kode), 303)


@bp.post("/tim/<int:tid>/impor/<token>/batal")
@access.staff(roles=access.PEMBINA)
def impor_batal(tid: int, token: str):
    tim = _tim(tid)
    try:
        _upload(tim, token)
    except lembar_baca.FileRefused:
        pass  # altered or not, it is the user's own upload and goes away
    unggahan.delete_upload(_folder(), token)
    flash("Impor dibatalkan. Berkas unggahan sudah dihapus; tidak ada data yang berubah.")
    return redirect(url_for("pembina.impor", tid=tim.id), 303)


@bp.get("/impor/contoh.xlsx")
@access.staff(roles=access.PEMBINA)
def impor_contoh():
    """The template: the columns, an example row the import skips, and the OPD of the user's own register."""
    if not access.may_see_tim(current_user):
        abort(403)
    response = send_file(io.BytesIO(impor.templat(current_user.wilayah_kode or None)), mimetype=XLSX,
                         as_attachment=True, download_name="templat-anggota-tim-pembina.xlsx", max_age=0)
    return response
