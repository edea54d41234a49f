"""Attendance: the list of a day (one tap per mark) and the QR check-in behind a peserta's card."""
from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, caching, cari
from portal.domain import DomainError
from portal.formatting import hari_ini
from portal.formulir import show_errors
from portal.kegiatan import hadir as kehadiran, laporan
from portal.kegiatan.views import bp, check, hari_or_404, kegiatan_or_404, peserta_or_404
from portal.models.base import baca_id


@bp.get("/<int:kid>/hadir")
@access.staff
def hadir_hari_ini(kid: int):
    """The sesi of today when the kegiatan runs today, else its first day."""
    k = kegiatan_or_404(kid)
    today = hari_ini()
    day = today if today in k.hari else k.tanggal_mulai
    return redirect(url_for(".hadir", kid=k.id, tanggal=day.isoformat()))


@bp.get("/<int:kid>/hadir/<tanggal>")
@access.staff
@caching.pribadi
def hadir(kid: int, tanggal: str):
    k = kegiatan_or_404(kid)
    day = hari_or_404(k, tanggal)
    q = cari.clean(request.args.get("q"))
    daftar = laporan.peserta(k)
    if q:
        daftar = [p for p in daftar if q.lower() in p.nama.lower()]
    belum_tiba = day > hari_ini()  # a day to come is shown read-only: nobody can be marked yet
    context = dict(k=k, day=day, daftar=daftar, q=q, desa=laporan.nama_wilayah({p.asal_kode for p in daftar}),
                   hitung=kehadiran.hitung(k, day), belum_tiba=belum_tiba,
                   marks={p.id: laporan.tanda_per_hari(p).get(day) for p in daftar},
                   may_run=access.may_run_kegiatan(current_user, k) and not k.dibatalkan and not belum_tiba)
    if caching.fragmen():
        return render_template("kegiatan/_hadir_list.html", **context)
    return render_template("kegiatan/hadir.html", **context)


@bp.post("/<int:kid>/hadir/<tanggal>")
@access.staff(roles=access.PENYELENGGARA)
@caching.pribadi
def tandai(kid: int, tanggal: str):
    """One tap: t = '<peserta id>:<status>'. htmx gets the peserta's row back (and the day's counts); without
    JavaScript the list reloads at that row."""
    k = kegiatan_or_404(kid, run=True)
    day = hari_or_404(k, tanggal)
    pid, _, status = (request.form.get("t") or "").partition(":")
    p = peserta_or_404(k, baca_id(pid) or abort(400))
    back = url_for(".hadir", kid=k.id, tanggal=day.isoformat(), q=request.form.get("q") or None)
    try:
        tanda = kehadiran.mark(current_user, p, day, status, hari_ini=hari_ini())
    except DomainError as e:
        if not caching.fragmen():
            show_errors(None, e)
            return redirect(back, 303)
        return render_template("kegiatan/_hadir_row.html", k=k, day=day, p=p, mark=kehadiran.kehadiran_pada(p, day),
                               may_run=day <= hari_ini() and not k.dibatalkan, notice=e.message), e.status
    if caching.fragmen():
        return render_template("kegiatan/_hadir_row.html", k=k, day=day, p=p, mark=tanda.kehadiran, may_run=True,
                               hitung_baru=kehadiran.hitung(k, day))
    return redirect(f"{back}#p{p.id}", 303)


def _kartu_untuk_panitia(view):
    """Someone not logged in who scans a peserta's card (often the peserta) learns what the card is for, and a
    panitia is offered the login that comes back here; nothing about the peserta is shown."""
    @wraps(view)
    def wrapper(token: str):
        if request.method == "GET" and not access.is_staff(current_user):
            return render_template("kegiatan/qr_tamu.html", masuk=url_for("auth.login", next=request.path)), 200, \
                {"Cache-Control": "no-store"}
        return view(token)
    return wrapper


@bp.route("/qr/<token>", methods=["GET", "POST"])
@_kartu_untuk_panitia
@access.staff(roles=access.PENYELENGGARA)
@caching.pribadi
def qr(token: str):
    """The URL on a peserta's card. Opening it shows who it is and today's mark; one tap marks them present."""
    try:
        p = kehadiran.peserta_of_token(token)
    except DomainError as e:
        return render_template("kegiatan/qr.html", error=e.message, p=None, k=None), e.status
    k = check(p.kegiatan, run=True)
    today, error, status = hari_ini(), None, 200
    try:
        if request.method == "POST":
            tanda = kehadiran.check_in(current_user, p, today)
            flash(f"{p.nama} tercatat hadir." if tanda.berubah else f"{p.nama} sudah tercatat hadir sebelumnya.")
            return redirect(url_for(".qr", token=token), 303)
        kehadiran.check_card(k, today)
    except DomainError as e:
        error, status = e.message, e.status
    return render_template("kegiatan/qr.html", p=p, k=k, error=error, today=today,
                           mark=kehadiran.kehadiran_pada(p, today) if today in k.hari else None), status
