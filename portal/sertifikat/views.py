"""The public sertifikat check: a form for the code, and the answer for one code."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from portal import access
from portal.kegiatan import sertifikat

bp = Blueprint("sertifikat", __name__)


@bp.get("/sertifikat")
@access.public
def cek():
    kode = sertifikat.baca_kode(request.args.get("kode"))
    if kode:
        return redirect(url_for(".verifikasi", kode=kode))
    if "kode" in request.args:
        flash("Tulis kode verifikasi yang tercetak pada sertifikat.")
    return render_template("kegiatan/verifikasi.html", p=None, kode="", dicari=False)


@bp.get("/sertifikat/<kode>")
@access.public
def verifikasi(kode: str):
    """Confirms a sertifikat by the code printed on it. The name is shown masked: the person holding the paper can
    compare it, nobody can harvest names (UU 27/2022)."""
    p = sertifikat.find(kode)
    return render_template("kegiatan/verifikasi.html", p=p, kode=sertifikat.tampil_kode(sertifikat.baca_kode(kode)),
                           dicari=True, tampil_kode=sertifikat.tampil_kode), 200 if p else 404
