"""Bulk import of Posyandu and kader from .xlsx or .csv: upload → preview → confirm (DOMAIN.md §8).

Nothing is written before the confirmation. Between the two, the file waits in UPLOAD_FOLDER/impor (default instance/uploads) under a random
token that only its uploader can use; the confirmation checks it again and writes everything in one transaction."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portal import access, caching, unggahan
from portal.formatting import angka
from portal.posyandu import importer

bp = Blueprint("impor", __name__, url_prefix="/kelola/impor")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _folder() -> str:
    return unggahan.folder("impor")


def _form(errors: dict[str, str], jenis: str | None = None, status: int = 200):
    return render_template("impor/index.html", errors=errors, jenis=jenis or request.args.get("jenis", "posyandu"),
                           **_context()), status


def _context() -> dict:
    return dict(kinds=importer.KINDS, notes=importer.NOTES, max_rows=importer.MAX_ROWS,
                max_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))


def _preview(preview: importer.Preview, filename: str, token: str | None = None):
    return render_template("impor/preview.html", preview=preview, filename=filename, token=token,
                           shown=importer.ERRORS_SHOWN, errors={}, jenis=preview.kind.key, **_context()), \
        422 if preview.problems else 200


def _upload(token: str) -> importer.Upload | None:
    """The current user's stored upload; 404 for anyone else's, an unknown or an expired token."""
    upload = importer.load_upload(_folder(), token, current_user.id)
    if upload is None:
        abort(404)
    return upload


@bp.route("", methods=["GET", "POST"])
@access.staff(roles=access.EDITORS)
@caching.pribadi
def index():
    if request.method == "GET":
        return _form({})
    jenis, berkas = request.form.get("jenis"), request.files.get("berkas")
    errors = {}
    if jenis not in importer.KINDS:
        errors["jenis"] = "Pilih jenis data: Posyandu atau kader."
    ext = importer.extension(berkas.filename) if berkas else None
    if not berkas or not berkas.filename:
        errors["berkas"] = "Pilih berkas .xlsx atau .csv."
    elif ext is None:
        errors["berkas"] = "Hanya berkas Excel (.xlsx) atau CSV (.csv) yang diterima. Berkas .xls: buka di Excel " \
                           "lalu simpan sebagai .xlsx."
    if errors:
        return _form(errors, jenis, 422)
    data = berkas.read()
    try:
        preview = importer.check(current_user, jenis, data, ext)
    except importer.FileRefused as e:
        return _form({"berkas": e.message}, jenis, 422)
    token = None
    if not preview.problems:
        token = importer.store_upload(_folder(), current_user.id, jenis, berkas.filename, ext, data)
    return _preview(preview, berkas.filename, token)


@bp.post("/<token>")
@access.staff(roles=access.EDITORS)
@caching.pribadi
def confirm(token: str):
    upload = None
    try:
        upload = _upload(token)
        preview = importer.check(current_user, upload.meta["jenis"], upload.data, upload.meta["ext"])
        if not preview.problems:
            importer.apply(current_user, preview, sumber=f"impor berkas {upload.meta['filename']}")
    except importer.FileRefused as e:  # altered since the preview, or no longer readable
        importer.delete_upload(_folder(), token)
        return _form({"berkas": e.message}, upload and upload.meta["jenis"], 422)
    except importer.ImportFailed as e:
        preview.problems = e.problems
    importer.delete_upload(_folder(), token)
    if preview.problems:  # the data changed since the preview: nothing was written
        return _preview(preview, upload.meta["filename"])
    flash(f"Impor selesai: {angka(preview.count('baru'))} baru, {angka(preview.count('ubah'))} diperbarui, "
          f"{angka(preview.count('tetap'))} tidak berubah.")
    return redirect(url_for("beranda.index"), 303)


@bp.post("/<token>/batal")
@access.staff(roles=access.EDITORS)
def cancel(token: str):
    try:
        _upload(token)
    except importer.FileRefused:
        pass  # altered or not, it is the user's own upload and goes away
    importer.delete_upload(_folder(), token)
    flash("Impor dibatalkan. Berkas unggahan sudah dihapus; tidak ada data yang berubah.")
    return redirect(url_for(".index"), 303)


@bp.get("/templat/<any(posyandu, kader):jenis>.xlsx")
@access.staff(roles=access.EDITORS)
def template(jenis: str):
    return send_file(io.BytesIO(importer.template_workbook(jenis)), mimetype=XLSX, as_attachment=True,
                     download_name=f"templat-impor-{jenis}.xlsx", max_age=0)
