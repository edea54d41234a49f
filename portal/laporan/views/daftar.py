"""The list of a period's reports in the user's region (the role's queue first) and making a report's draf."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access
from portal.domain import DomainError
from portal.laporan import daftar as baca
from portal.laporan import service
from portal.laporan.views import bp, posyandu_or_404


@bp.get("")
@access.staff(roles=access.LAPORAN)
def index():
    periode = baca.baca(request.args.get("periode"))
    return render_template("laporan/index.html", periode=periode, pilihan=baca.pilihan_periode(),
                           h=baca.daftar(current_user, periode), counts=baca.hitungan(current_user, periode),
                           antrian=baca.antrian(current_user), STATUS_DAFTAR=baca.STATUS_DAFTAR)


@bp.post("/posyandu/<int:pid>/<periode>")
@access.staff(roles=access.LAPORAN)
def buat(pid: int, periode: str):
    p = posyandu_or_404(pid)
    if not access.may_isi_laporan(current_user, p.desa_kode):
        access.deny(visible=True)
    try:
        laporan = service.buat_draf(current_user, p, periode)
    except DomainError as e:
        flash(e.message)
        ada = service.dari(p.id, periode) if len(periode) == 7 else None
        if ada is not None:
            return redirect(url_for(".detail", lid=ada.id), 303)
        return redirect(url_for(".index", periode=baca.baca(periode)), 303)
    flash(f"Laporan {periode} dibuat sebagai draf. Isi hari buka, kader hadir dan capaiannya, lalu kirim ke kecamatan.")
    return redirect(url_for(".detail", lid=laporan.id), 303)
