"""The peserta of a kegiatan: the list, the picker (many kader or pengurus on record, or Tim Pembina members, at
once), registering someone at the venue, taking one off the list."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, caching, cari, halaman
from portal.domain import DomainError
from portal.formulir import pilihan, show_errors
from portal.kegiatan import laporan, pilih as picker, service
from portal.kegiatan import peserta as daftar_peserta
from portal.kegiatan.forms import DiTempatForm
from portal.kegiatan.views import bp, kegiatan_or_404, peserta_or_404


@bp.get("/<int:kid>/peserta")
@access.staff
@caching.pribadi
def peserta(kid: int):
    k = kegiatan_or_404(kid)
    semua = laporan.peserta(k, aktif=False)
    return render_template("kegiatan/peserta.html", k=k, daftar=[p for p in semua if p.aktif],
                           keluar=[p for p in semua if not p.aktif],
                           may_run=access.may_run_kegiatan(current_user, k))


def _added(hasil) -> str:
    message = f"{len(hasil.ditambah)} peserta ditambahkan."
    if hasil.sudah:
        message += f" Sudah terdaftar sebelumnya: {', '.join(hasil.sudah)}."
    return message


@bp.route("/<int:kid>/peserta/pilih", methods=["GET", "POST"])
@access.staff(roles=access.PENYELENGGARA)
@caching.pribadi
def pilih(kid: int):
    """Pick many kader or pengurus on record (by desa, role and name) or Tim Pembina members at once. The ticks
    travel in the form: a new filter, another page or 'pilih semua di desa ini' posts them and comes back with them
    still ticked; only 'Tambahkan' (aksi=tambah, also the default of a bare post) adds them. Works the same without
    JavaScript. The desa filter does not apply to the tims' members (the tims of the whole target are listed)."""
    k = kegiatan_or_404(kid, run=True)
    args = request.form if request.method == "POST" else request.args  # a post's filters are the form's own
    peran = args.get("peran") if args.get("peran") in picker.PILIHAN_PERAN else picker.peran_bawaan(k)
    desa, q = cari.clean(args.get("desa"), 13), cari.clean(args.get("q"))
    kader, pengurus = request.form.getlist("kader"), request.form.getlist("pengurus")
    anggota = request.form.getlist("anggota_pembina")
    centangan = picker.Centangan.from_form(kader, pengurus, anggota)
    aksi = request.form.get("aksi", "tambah") if request.method == "POST" else None
    status, catatan = 200, None
    if aksi == "tambah":
        try:
            hasil = daftar_peserta.add_from_records(current_user, k, kader, pengurus, anggota)
        except DomainError as e:
            status = show_errors(None, e)
        else:
            flash(_added(hasil))
            if request.form.get("kembali") == "baru":  # from the registration desk's "same person?" offer
                return redirect(url_for(".daftar_baru", kid=k.id), 303)
            return redirect(url_for(".pilih", kid=k.id, peran=peran, desa=desa or None, q=q or None), 303)
    elif aksi == "hitung":  # a tick with JavaScript on: the running count only, the ticks stay as they are
        return render_template("kegiatan/_dipilih.html", jumlah=len(centangan))
    elif aksi == "semua_desa":
        baru = centangan.add(picker.semua_di_desa(k, peran, desa, q))
        catatan = f"{baru} orang lagi dipilih di desa ini." if baru else "Semua di desa ini sudah dipilih."
    elif aksi == "kosongkan":
        centangan = picker.Centangan()
    h = picker.halaman_kandidat(k, peran, desa, q, halaman.nomor())
    centangan, dipilih = picker.terpilih(k, centangan)
    shown = {(c.jenis, c.id) for c in h}
    context = dict(k=k, h=h, peran=peran, desa=desa, q=q, centangan=centangan, catatan=catatan,
                   dipilih_lain=[c for c in dipilih if (c.jenis, c.id) not in shown],
                   pilihan_desa=laporan.desa_sasaran(k, limit=500), jumlah=service.jumlah_peserta(k),
                   pilihan_peran=picker.pilihan_peran(k), tim=peran == picker.TIM_PEMBINA)
    if caching.fragmen():
        return render_template("kegiatan/_kandidat.html", **context), status
    return render_template("kegiatan/pilih.html", **context), status


@bp.route("/<int:kid>/peserta/baru", methods=["GET", "POST"])
@access.staff(roles=access.PENYELENGGARA)
@caching.pribadi
def daftar_baru(kid: int):
    """Register someone at the venue who is not on record (or whose record the organiser cannot find)."""
    k = kegiatan_or_404(kid, run=True)
    form = DiTempatForm()
    form.asal_kode.choices = pilihan(laporan.asal_pilihan(k))
    status, mirip = 200, []
    if request.method == "POST":
        raw = {f: request.form.get(f) for f in (*daftar_peserta.DI_TEMPAT, "asal_kode")}
        try:
            p = daftar_peserta.register_at_venue(current_user, k, raw,
                                                 tetap_baru=request.form.get("tetap_baru") == "1")
        except DomainError as e:
            status = show_errors(form, e, shown=("mirip",))
            mirip = e.kandidat if isinstance(e, daftar_peserta.MungkinSama) else []
        else:
            flash(f"{p.nama} terdaftar sebagai peserta.")
            return redirect(url_for(".daftar_baru", kid=k.id), 303)
    return render_template("kegiatan/daftar_baru.html", k=k, form=form, mirip=mirip), status


@bp.post("/<int:kid>/peserta/<int:pid>/keluarkan")
@access.staff(roles=access.PENYELENGGARA)
def keluarkan(kid: int, pid: int):
    k = kegiatan_or_404(kid, run=True)
    p = peserta_or_404(k, pid)
    try:
        daftar_peserta.remove(current_user, p)
    except DomainError as e:
        show_errors(None, e)
    else:
        flash(f"{p.nama} dikeluarkan dari daftar peserta. Data dan kehadirannya tetap tersimpan; tambahkan lagi "
              "(dari data, atau daftarkan di tempat) untuk memulihkannya.")
    return redirect(url_for(".peserta", kid=k.id), 303)
