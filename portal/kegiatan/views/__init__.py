"""Kegiatan pages: the list and the event (kegiatan.py), its peserta and the picker (peserta.py), attendance per
day and QR check-in (hadir.py), the printable daftar hadir, kartu and sertifikat, the recap and the exports
(cetak.py). The public sertifikat check is its own feature (portal/sertifikat).

Views check access, read the request, call one service function and answer; a refusal is placed with
formulir.show_errors and answered with the status the error carries."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort
from flask_login import current_user

from portal import access
from portal.kegiatan import peserta as daftar_peserta
from portal.kegiatan import service
from portal.models.kegiatan import Kegiatan, Peserta

bp = Blueprint("kegiatan", __name__, url_prefix="/kegiatan")


def check(k: Kegiatan | None, run: bool = False) -> Kegiatan:
    """404 for a kegiatan the user may not see; 403 when they may see it but run is asked and not theirs."""
    if k is None or not access.may_view_kegiatan(current_user, k):
        abort(404)
    if run and not access.may_run_kegiatan(current_user, k):
        access.deny(visible=True)
    return k


def kegiatan_or_404(kid: int, run: bool = False) -> Kegiatan:
    return check(service.get(kid), run)


def peserta_or_404(k: Kegiatan, pid: int | None) -> Peserta:
    return daftar_peserta.get(k, pid) or abort(404)


def hari_or_404(k: Kegiatan, tanggal: str) -> date:
    try:
        day = date.fromisoformat(tanggal)
    except ValueError:
        abort(404)
    if day not in k.hari:
        abort(404)
    return day


# The routes, registered on bp as their modules load.
from portal.kegiatan.views import cetak, hadir, kegiatan, peserta  # noqa: E402,F401
