"""A tim's seats: adding one with the person in it, changing it, a new holder, and a seat leaving the tim."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from portal import access, caching, wilayah_baca
from portal.bilangan import bulat
from portal.domain import DomainError
from portal.formulir import show_errors
from portal.pembina import aturan, opd, service
from portal.pembina.forms import GantiForm, KursiForm, LepasForm
from portal.pembina.views import bp, kursi_or_404, tim_or_404

_KURSI = (*aturan.KURSI, *aturan.ANGGOTA)


def _raw() -> dict:
    raw = {name: request.form.get(name) for name in _KURSI}
    raw["opd_id"] = bulat(request.form.get("opd_id"), 1)
    return raw


def _form(form, tim):
    form.opd_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(o.id), f"{o.singkatan} — {o.nama}")
                                                     for o in opd.daftar(service.kode_register(tim.wilayah_kode))]
    return form


def _page(template: str, form, tim, kursi=None, status: int = 200):
    w = wilayah_baca.get(tim.wilayah_kode)
    return render_template(template, form=form, tim=tim, kursi=kursi, w=w,
                           path=wilayah_baca.path(w.kode)), status


def _aktif(tim) -> None:
    if not tim.aktif:
        raise DomainError("Periode ini sudah berakhir: anggotanya tidak diubah lagi (tetap tersimpan sebagai riwayat).")


@bp.route("/tim/<int:tid>/anggota", methods=["GET", "POST"])
@access.staff(roles=access.PEMBINA)
@caching.pribadi
def tambah_kursi(tid: int):
    tim = tim_or_404(tid, keep=True)
    form, status = _form(KursiForm(), tim), 200
    if request.method == "POST":
        try:
            _aktif(tim)
            k = service.tambah_kursi(current_user, tim, _raw())
        except DomainError as e:
            status = show_errors(form, e)
        else:
            flash(f"{k.jabatan_label} {k.sekarang.nama} ditambahkan.")
            return redirect(url_for(".wilayah", kode=tim.wilayah_kode) + "#anggota", 303)
    return _page("pembina/kursi_form.html", form, tim, status=status)


@bp.route("/kursi/<int:kid>/ubah", methods=["GET", "POST"])
@access.staff(roles=access.PEMBINA)
@caching.pribadi
def ubah_kursi(kid: int):
    """The seat, and its current holder's name and contacts (a correction, not a new holder)."""
    k = kursi_or_404(kid, keep=True)
    status = 200
    if request.method == "GET":
        form = _form(KursiForm(obj=k), k.tim)
        form.opd_id.data = str(k.opd_id or "")
        if (orang := k.sekarang) is not None:
            for name in aturan.ANGGOTA:
                getattr(form, name).data = getattr(orang, name)
    else:
        form = _form(KursiForm(), k.tim)
        try:
            _aktif(k.tim)
            service.ubah_kursi(current_user, k, _raw(), form.version.data)
        except DomainError as e:
            status = show_errors(form, e)
            form.version.data = k.version
        else:
            flash(f"Kursi {k.jabatan_label} disimpan.")
            return redirect(url_for(".wilayah", kode=k.tim.wilayah_kode) + "#anggota", 303)
    return _page("pembina/kursi_form.html", form, k.tim, k, status)


def _langkah_kursi(kid: int, form_class, template: str, act, pesan):
    """A form about one seat: shown, then act(seat, form) through the service; on success back to the tim's
    members with pesan(seat, result), on a refusal the form again with the reason (and the version now stored)."""
    k = kursi_or_404(kid, keep=True)
    form, status = (form_class(obj=k) if request.method == "GET" else form_class()), 200
    if request.method == "GET" and hasattr(form, "cara"):
        form.cara.data = "kosongkan" if k.ex_officio else "lepas"
    if request.method == "POST":
        try:
            _aktif(k.tim)
            result = act(k, form)
        except DomainError as e:
            status = show_errors(form, e)
            form.version.data = k.version
        else:
            flash(pesan(k, result))
            return redirect(url_for(".wilayah", kode=k.tim.wilayah_kode) + "#anggota", 303)
    return _page(template, form, k.tim, k, status)


@bp.route("/kursi/<int:kid>/ganti", methods=["GET", "POST"])
@access.staff(roles=access.PEMBINA)
@caching.pribadi
def ganti_pemegang(kid: int):
    return _langkah_kursi(
        kid, GantiForm, "pembina/ganti.html",
        lambda k, form: service.ganti_pemegang(current_user, k, {n: request.form.get(n) for n in aturan.ANGGOTA},
                                               form.version.data),
        lambda k, orang: f"{orang.nama} kini memegang kursi {k.jabatan_label}.")


@bp.route("/kursi/<int:kid>/lepas", methods=["GET", "POST"])
@access.staff(roles=access.PEMBINA)
@caching.pribadi
def lepas_kursi(kid: int):
    return _langkah_kursi(
        kid, LepasForm, "pembina/lepas.html",
        lambda k, form: service.lepas_kursi(current_user, k, form.version.data, form.alasan.data,
                                            kursi_tetap=form.cara.data == "kosongkan"),
        lambda k, _: (f"Kursi {k.jabatan_label} kini kosong; pemegang sebelumnya tetap tercatat di riwayat."
                      if k.aktif else f"Kursi {k.jabatan_label} dilepas dari tim (tetap tercatat di riwayat)."))
