"""The list of kegiatan, creating, showing, changing and cancelling one, and its riwayat."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, caching, halaman
from portal.domain import DomainError
from portal.formatting import hari_ini
from portal.formulir import show_errors
from portal.kegiatan import laporan, riwayat as riwayat_kegiatan, service
from portal.kegiatan.forms import BatalForm, KegiatanForm
from portal.kegiatan.views import bp, kegiatan_or_404


def _raw(form_class) -> dict:
    data = {name: request.form.get(name) for name in form_class().data if name != "csrf_token"}
    data["sasaran"] = request.form.getlist("sasaran")
    return data


@bp.get("")
@access.staff(roles=access.PENYELENGGARA + access.PENGAMAT_KEGIATAN)
@caching.bersyarat()
def index():
    today = hari_ini()
    h = service.halaman_kegiatan(access.kegiatan_in_scope(current_user), today, halaman.nomor())
    return render_template("kegiatan/index.html", h=h, today=today,
                           may_create=access.may_create_kegiatan(current_user))


def _form_page(form, k, sasaran: list[str], error: DomainError | None, status: int):
    sasaran_error = error.errors.get("sasaran") if error else None
    return render_template("kegiatan/form.html", form=form, k=k, sasaran=sasaran,
                           sasaran_error=sasaran_error), status


@bp.route("/baru", methods=["GET", "POST"])
@access.staff(roles=access.PENYELENGGARA)
def create():
    form = KegiatanForm()
    status, error, sasaran = 200, None, request.form.getlist("sasaran")
    if request.method == "GET":
        form.wilayah_kode.data = current_user.wilayah_kode
        sasaran = ["kader"]
    else:
        try:
            k = service.create(current_user, _raw(KegiatanForm))
        except DomainError as e:
            status, error = show_errors(form, e, shown=("sasaran",)), e
        else:
            flash("Kegiatan sudah dibuat. Tambahkan pesertanya.")
            return redirect(url_for(".detail", kid=k.id), 303)
    return _form_page(form, None, sasaran, error, status)


@bp.get("/<int:kid>")
@access.staff
def detail(kid: int):
    k = kegiatan_or_404(kid)
    return render_template("kegiatan/detail.html", k=k, r=laporan.rekap(k), today=hari_ini(),
                           may_run=access.may_run_kegiatan(current_user, k))


@bp.route("/<int:kid>/ubah", methods=["GET", "POST"])
@access.staff(roles=access.PENYELENGGARA)
def edit(kid: int):
    k = kegiatan_or_404(kid, run=True)
    status, error = 200, None
    if request.method == "GET":
        form, sasaran = KegiatanForm(obj=k), k.sasaran_list
    else:
        form, sasaran = KegiatanForm(), request.form.getlist("sasaran")
        try:
            service.update(current_user, k, _raw(KegiatanForm), form.version.data)
        except DomainError as e:
            status, error = show_errors(form, e, shown=("sasaran",)), e
            form.version.data = k.version
        else:
            flash("Kegiatan sudah disimpan.")
            return redirect(url_for(".detail", kid=k.id), 303)
    return _form_page(form, k, sasaran, error, status)


@bp.route("/<int:kid>/batal", methods=["GET", "POST"])
@access.staff(roles=access.PENYELENGGARA)
def cancel(kid: int):
    k = kegiatan_or_404(kid, run=True)
    form = BatalForm(obj=k) if request.method == "GET" else BatalForm()
    status = 200
    if request.method == "POST":
        try:
            service.cancel(current_user, k, form.alasan_batal.data, form.version.data)
        except DomainError as e:
            status = show_errors(form, e)
        else:
            flash("Kegiatan dibatalkan. Datanya tetap tersimpan.")
            return redirect(url_for(".detail", kid=k.id), 303)
    return render_template("kegiatan/batal.html", k=k, form=form), status


@bp.get("/<int:kid>/riwayat")
@access.staff
@caching.pribadi
def riwayat(kid: int):
    k = kegiatan_or_404(kid)
    pribadi = access.may_see_personal_data(current_user, k.wilayah_kode)
    entries = riwayat_kegiatan.entries(k.id, halaman.nomor(), pribadi)
    return render_template("kegiatan/riwayat.html", k=k, entries=entries)
