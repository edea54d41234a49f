"""The staff pages of a wilayah's Tim Pembina: its current period and members, a new period by a new SK, the SK's
details and file, earlier periods, and its history."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, caching, halaman
from portal import dokumen as penyimpanan
from portal import wilayah_baca
from portal.domain import DomainError
from portal.formatting import angka, hari_ini
from portal.formulir import show_errors
from portal.models.pembina import TINGKAT
from portal.models.wilayah import level_of
from portal.pembina import aturan, baca, riwayat, ringkasan, service
from portal.pembina.forms import BerkasForm, TimBaruForm, TimForm
from portal.pembina.views import bp, tim_or_404, wilayah_or_404
from portal.extensions import talisman


def _raw() -> dict:
    return {name: request.form.get(name) for name in aturan.TIM}


@bp.get("")
@access.staff(roles=access.PEMBINA)
def index():
    """One's own tim; the admin nasional chooses a provinsi."""
    if current_user.scope:
        return redirect(url_for(".wilayah", kode=current_user.scope))
    return render_template("pembina/index.html", provinsi=wilayah_baca.anak(""))


def _halaman_tim(w, tim, status: int = 200, berkas_form=None):
    today = hari_ini()
    keep = access.may_keep_tim(current_user, w.kode)
    aktif = tim is not None and tim.aktif
    anak = ringkasan.anak(w.kode, today) if w.level < 4 else []
    return render_template(
        "pembina/tim.html", w=w, tim=tim, path=wilayah_baca.path(w.kode), today=today, keep=keep and aktif,
        may_keep=keep, atas_nama=access.keeps_tim_atas_nama(current_user, w.kode),
        tingkat=TINGKAT[w.level], peringatan=baca.peringatan(tim, today) if aktif else [],
        periode=service.periode(w.kode), berkas_form=berkas_form or BerkasForm(),
        may_opd=access.may_see_opd(current_user, service.kode_register(w.kode)),
        kode_register=service.kode_register(w.kode), anak=anak, jumlah=ringkasan.jumlah(anak),
        tanpa=ringkasan.tanpa_tim(w.kode) if anak else []), status


@bp.get("/<kode>")
@access.staff(roles=access.PEMBINA)
@caching.pribadi
def wilayah(kode: str):
    w = wilayah_or_404(kode)
    return _halaman_tim(w, service.tim_aktif(w.kode))


@bp.get("/tim/<int:tid>")
@access.staff(roles=access.PEMBINA)
@caching.pribadi
def tim(tid: int):
    """Any period, the ended ones too (read only)."""
    t = tim_or_404(tid)
    return _halaman_tim(wilayah_or_404(t.wilayah_kode), t)


@bp.route("/<kode>/baru", methods=["GET", "POST"])
@access.staff(roles=access.PEMBINA)
@caching.pribadi
def baru(kode: str):
    w = wilayah_or_404(kode, keep=True)
    lama = service.tim_aktif(w.kode)
    form, status = TimBaruForm(), 200
    if request.method == "GET":
        form.sk_penandatangan.data = service.penandatangan_bawaan(w.kode)
        form.sebelumnya.data = str(lama.id) if lama else ""
    else:
        upload = form.berkas.data if hasattr(form.berkas.data, "stream") else None
        try:
            service.buat_tim(current_user, w.kode, _raw(), salin_semua=form.salin_semua.data,
                             berkas=(upload.stream, upload.filename) if upload else None,
                             sebelumnya=request.form.get("sebelumnya"))
        except DomainError as e:
            status = show_errors(form, e)
        else:
            flash("Periode Tim Pembina dicatat." + (" Periode sebelumnya tetap tersimpan sebagai riwayat."
                                                    if lama else " Tambahkan anggotanya."))
            return redirect(url_for(".wilayah", kode=w.kode), 303)
    return render_template("pembina/tim_form.html", w=w, form=form, tim=None, lama=lama,
                           path=wilayah_baca.path(w.kode)), status


@bp.route("/tim/<int:tid>/ubah", methods=["GET", "POST"])
@access.staff(roles=access.PEMBINA)
@caching.pribadi
def ubah(tid: int):
    """Corrects the SK's details of the current period (a new SK is a new period: baru)."""
    t = tim_or_404(tid, keep=True)
    w = wilayah_or_404(t.wilayah_kode)
    form, status = (TimForm(obj=t) if request.method == "GET" else TimForm()), 200
    if request.method == "POST":
        try:
            if not t.aktif:
                raise DomainError("Periode ini sudah berakhir: datanya tidak diubah lagi.")
            service.ubah_tim(current_user, t, _raw(), form.version.data)
        except DomainError as e:
            status = show_errors(form, e)
            form.version.data = t.version
        else:
            flash("Data SK disimpan.")
            return redirect(url_for(".wilayah", kode=w.kode), 303)
    return render_template("pembina/tim_form.html", w=w, form=form, tim=t, lama=None,
                           path=wilayah_baca.path(w.kode)), status


@bp.post("/tim/<int:tid>/sk")
@access.staff(roles=access.PEMBINA)
@caching.pribadi
def unggah_sk(tid: int):
    t = tim_or_404(tid, keep=True)
    form = BerkasForm()
    upload = form.berkas.data if hasattr(form.berkas.data, "stream") else None
    try:
        if not t.aktif:
            raise DomainError("Periode ini sudah berakhir: berkasnya tidak diganti lagi.")
        dok = service.unggah_sk(current_user, t, upload.stream if upload else None, upload.filename if upload else None)
    except DomainError as e:
        status = show_errors(form, e)
        return _halaman_tim(wilayah_or_404(t.wilayah_kode), service.get_tim(tid), status, form)
    flash(f"Berkas SK diunggah ({penyimpanan.TIPE[dok.tipe]}, {angka(dok.ukuran // 1024 or 1)} KB).")
    return redirect(url_for(".wilayah", kode=t.wilayah_kode) + "#sk", 303)


@bp.get("/sk/<int:did>")
@access.staff(roles=access.PEMBINA)
@talisman(content_security_policy=penyimpanan.CSP_DOKUMEN)
@caching.pribadi
def berkas_sk(did: int):
    """Served like a dossier's document: an image in a sandbox, a PDF downloaded."""
    dok = service.get_dokumen(did)
    if dok is None:
        abort(404)
    tim_or_404(dok.tim_id)
    return penyimpanan.kirim(dok)


@bp.get("/<kode>/riwayat")
@access.staff(roles=access.PEMBINA)
@caching.pribadi
def riwayat_tim(kode: str):
    w = wilayah_or_404(kode)
    entries = riwayat.entries(w.kode, halaman.nomor(), access.may_see_personal_data(current_user, w.kode))
    return render_template("pembina/riwayat.html", w=w, entries=entries, path=wilayah_baca.path(w.kode),
                           tingkat=TINGKAT[level_of(w.kode)])
