"""The numbers coming back: the ministry's list uploaded, every row judged on a preview, then recorded at once."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, caching, lembar_baca, transaksi, unggahan
from portal.domain import DomainError
from portal.formatting import angka
from portal.registrasi import impor_nomor
from portal.registrasi.views import bp

_GALAT_NOMOR = "nomor_galat"


def _folder() -> str:
    return unggahan.folder("nomor")


def _nomor_form(error: str = "", status: int = 200):
    template = "registrasi/_nomor_unggah.html" if caching.fragmen() else "registrasi/nomor.html"
    return render_template(template, error=error, maks_mb=lembar_baca.MAKS_MB,
                           maks_baris=lembar_baca.MAKS_BARIS_DATA), status


@bp.route("/nomor", methods=["GET", "POST"])
@access.staff(roles=access.PENGUSUL)
def nomor():
    """Every POST ends in a redirect (a refresh never posts again): to the preview at its own URL, or back here with
    the error beside the file field; with htmx the form alone comes back, in place."""
    if request.method == "GET":
        error = unggahan.pending(_GALAT_NOMOR, "")
        return _nomor_form(error, 422 if error else 200)
    upload = request.files.get("berkas")
    ext = lembar_baca.extension(upload.filename) if upload and upload.filename else None
    try:
        if not ext:
            raise lembar_baca.FileRefused("Pilih berkas .xlsx atau .csv berisi daftar nomor registrasi.")
        token = unggahan.receive(upload, _folder(), current_user.id, "nomor", ext,
                                 check=lambda data: impor_nomor.read_rows(data, ext))
    except lembar_baca.FileRefused as e:
        error = e.message
        return unggahan.refused(_GALAT_NOMOR, error, form=lambda: _nomor_form(error, 422)[0],
                                back=url_for(".nomor", _anchor="unggah"))
    return unggahan.to_preview(url_for(".nomor_pratinjau", token=token))


def _upload(token: str) -> unggahan.Upload:
    try:
        upload = unggahan.load_upload(_folder(), token, current_user.id, kinds=("nomor",))
    except lembar_baca.FileRefused:
        upload = None
    if upload is None:
        abort(404)
    return upload


@bp.get("/nomor/<token>")
@access.staff(roles=access.PENGUSUL)
def nomor_pratinjau(token: str):
    upload = _upload(token)
    p = impor_nomor.preview(current_user, upload.data, upload.meta["ext"])
    return render_template("registrasi/nomor_pratinjau.html", p=p, filename=upload.meta["filename"], token=token)


@bp.post("/nomor/<token>")
@access.staff(roles=access.PENGUSUL)
def nomor_terapkan(token: str):
    with transaksi.tanpa_kunci():  # the file is read and every row judged before the write transaction
        upload = _upload(token)
        p = impor_nomor.preview(current_user, upload.data, upload.meta["ext"])
    try:
        n = impor_nomor.apply(current_user, p)
    except DomainError as e:
        flash(e.message)
        return redirect(url_for(".nomor_pratinjau", token=token), 303)
    unggahan.delete_upload(_folder(), token)
    flash(f"{angka(n)} nomor registrasi dicatat; Posyandu itu kini teregistrasi.")
    return redirect(url_for(".index", status="teregistrasi"), 303)


@bp.post("/nomor/<token>/batal")
@access.staff(roles=access.PENGUSUL)
def nomor_batal(token: str):
    _upload(token)
    unggahan.delete_upload(_folder(), token)
    flash("Impor nomor dibatalkan; tidak ada yang berubah.")
    return redirect(url_for(".nomor"), 303)
