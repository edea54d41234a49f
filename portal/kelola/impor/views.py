"""Bulk import of Posyandu and kader from .xlsx or .csv: upload → preview → confirm (DOMAIN.md §8).

The upload form's flow is the one of every import (portal/unggahan.py): the upload goes to the preview at its own
GET-able URL (/kelola/impor/<token>); a refused upload goes back to the page it came from with the error beside the
file field (with htmx the form alone is swapped, in place). Between preview and confirmation the file waits under a
random token that only its uploader can use; the confirmation checks it again and writes everything in one
transaction, or, when the user chose so, the valid rows only, the others offered as a file to correct. Reading and
checking never hold SQLite's write lock (portal/transaksi.py)."""
from __future__ import annotations

import io
import os

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portal import access, caching, lembar_baca, transaksi, unggahan
from portal.formatting import angka
from portal.kelola.impor import importer

bp = Blueprint("impor", __name__, url_prefix="/kelola/impor")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_GALAT = "impor_galat"  # the session key of a refused upload's errors, shown once by the page it returns to


def _folder() -> str:
    return unggahan.folder("impor")


def _context(**extra) -> dict:
    return dict(kinds=importer.KINDS, notes=importer.NOTES, max_rows=lembar_baca.MAKS_BARIS_DATA,
                max_mb=lembar_baca.MAKS_MB, **extra)


def _checked(token: str) -> tuple[unggahan.Upload, importer.Preview]:
    """The current user's stored upload, checked: the one way the preview, the confirmation and the file of rows to
    correct read it. 404 for anyone else's, an unknown or an expired token; FileRefused if it was altered or can no
    longer be read."""
    upload = importer.load_upload(_folder(), token, current_user.id)
    if upload is None:
        abort(404)
    try:
        return upload, importer.check(current_user, upload.meta["jenis"], upload.data, upload.meta["ext"])
    except importer.FileRefused as e:
        e.jenis = upload.meta["jenis"]
        raise


def _refused(errors: dict[str, str], jenis: str | None, token: str | None):
    """The form again with its errors: in place for htmx (422), else by a redirect to the page the form was on."""
    jenis = jenis if jenis in importer.KINDS else None
    back = url_for(".preview", token=token, _anchor="unggah") if token else \
        url_for(".index", jenis=jenis, _anchor="unggah")
    return unggahan.refused(_GALAT, {"errors": errors, "jenis": jenis}, back=back, form=lambda: render_template(
        "impor/_unggah.html", errors=errors, jenis=jenis or "posyandu", dari=token, **_context()))


def _gone(token: str, error: lembar_baca.FileRefused, same_kind: bool = False):
    """An upload altered since it was kept, or no longer readable: it goes away, and the user uploads again (the
    form set to the same kind of data when same_kind)."""
    unggahan.delete_upload(_folder(), token)
    return _refused({"berkas": error.message}, getattr(error, "jenis", None) if same_kind else None, None)


def _pending_errors() -> tuple[dict[str, str], str | None]:
    galat = unggahan.pending(_GALAT) or {}
    return galat.get("errors") or {}, galat.get("jenis")


@bp.route("", methods=["GET", "POST"])
@access.staff(roles=access.EDITORS)
@caching.pribadi
def index():
    if request.method == "GET":
        errors, jenis = _pending_errors()
        return render_template("impor/index.html", errors=errors, dari=None,
                               jenis=jenis or request.args.get("jenis", "posyandu"), **_context()), \
            422 if errors else 200
    jenis, berkas, dari = request.form.get("jenis"), request.files.get("berkas"), request.form.get("dari")
    dari = dari if isinstance(dari, str) and unggahan.TOKEN.match(dari) else None
    errors = {}
    if jenis not in importer.KINDS:
        errors["jenis"] = "Pilih jenis data: Posyandu atau kader."
    ext = lembar_baca.extension(berkas.filename) if berkas else None
    if not berkas or not berkas.filename:
        errors["berkas"] = "Pilih berkas .xlsx atau .csv."
    elif ext is None:
        errors["berkas"] = "Hanya berkas Excel (.xlsx) atau CSV (.csv) yang diterima. Berkas .xls: buka di Excel " \
                           "lalu simpan sebagai .xlsx."
    if errors:
        return _refused(errors, jenis, dari)
    try:
        token = unggahan.receive(berkas, _folder(), current_user.id, jenis, ext,
                                 check=lambda data: importer.check_file(jenis, data, ext))
    except importer.FileRefused as e:
        return _refused({"berkas": e.message}, jenis, dari)
    return unggahan.to_preview(url_for(".preview", token=token))


@bp.get("/<token>")
@access.staff(roles=access.EDITORS)
def preview(token: str):
    try:
        upload, preview = _checked(token)
    except importer.FileRefused as e:  # altered since the upload
        return _gone(token, e)
    errors, _ = _pending_errors()
    return render_template("impor/preview.html", preview=preview, filename=upload.meta["filename"], token=token,
                           sisa=upload.meta.get("sisa", False), shown=importer.ERRORS_SHOWN, errors=errors,
                           dari=token, jenis=preview.kind.key, **_context()), 422 if errors else 200


@bp.post("/<token>")
@access.staff(roles=access.EDITORS)
@caching.pribadi
def confirm(token: str):
    part = request.form.get("sebagian") == "1"
    with transaksi.tanpa_kunci():  # the file is read and every row checked before the write transaction
        try:
            upload, preview = _checked(token)
        except importer.FileRefused as e:  # altered since the preview, or no longer readable
            return _gone(token, e, same_kind=True)
    if preview.problems and not (part and preview.may_save_part):
        flash("Data berubah sejak pratinjau; periksa baris yang ditandai. Tidak ada yang disimpan.")
        return redirect(url_for(".preview", token=token), 303)
    try:
        importer.apply(current_user, preview, sumber=importer.sumber(upload.meta["filename"], preview, part),
                       part=part)
    except importer.ImportFailed as e:  # the data changed since the check: nothing was written
        flash(e.message + " " + " ".join(p.kalimat for p in e.problems[:5]))
        return redirect(url_for(".preview", token=token), 303)
    unggahan.delete_upload(_folder(), token)
    done = (f"{angka(preview.count('baru'))} baru, {angka(preview.count('ubah'))} diperbarui, "
            f"{angka(preview.count('tetap'))} tidak berubah")
    if not preview.problems:
        flash(f"Impor selesai: {done}.")
        return redirect(url_for("beranda.index"), 303)
    stem = os.path.splitext(upload.meta["filename"])[0]
    rest = unggahan.store_upload(_folder(), current_user.id, upload.meta["jenis"], f"perbaiki-{stem}.xlsx", "xlsx",
                                 importer.correction_workbook(preview), sisa=True)
    flash(f"Baris yang benar disimpan: {done}. {angka(preview.rows_with_problems)} baris salah belum disimpan; "
          "unduh berkasnya di bawah, perbaiki, lalu unggah lagi.")
    return redirect(url_for(".preview", token=rest), 303)


@bp.get("/<token>/perbaiki.xlsx")
@access.staff(roles=access.EDITORS)
def rows_to_correct(token: str):
    """The rows with problems, with what is wrong, as a file to correct and upload again (it may hold NIK)."""
    try:
        upload, preview = _checked(token)
    except importer.FileRefused as e:
        return _gone(token, e)
    if not preview.problems:
        abort(404)
    stem = os.path.splitext(upload.meta["filename"])[0].removeprefix("perbaiki-")
    response = send_file(io.BytesIO(importer.correction_workbook(preview)), mimetype=XLSX, as_attachment=True,
                         download_name=f"perbaiki-{stem}.xlsx", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<token>/batal")
@access.staff(roles=access.EDITORS)
def cancel(token: str):
    try:
        if importer.load_upload(_folder(), token, current_user.id) is None:
            abort(404)
    except importer.FileRefused:
        pass  # altered or not, it is the user's own upload and goes away
    unggahan.delete_upload(_folder(), token)
    flash("Impor dibatalkan. Berkas unggahan sudah dihapus; tidak ada data yang berubah.")
    return redirect(url_for(".index"), 303)


@bp.get("/templat/<any(posyandu, kader):jenis>.xlsx")
@access.staff(roles=access.EDITORS)
def template(jenis: str):
    return send_file(io.BytesIO(importer.template_workbook(jenis, current_user)), mimetype=XLSX, as_attachment=True,
                     download_name=f"templat-impor-{jenis}.xlsx", max_age=0)
