"""Laporan bulanan pages (issue 16), one blueprint in two modules: the list of a period with the role's queue first
(daftar.py) and one report with its entry, steps, timeline and print (laporan.py). Views read through the services,
ask access.may_*(), and answer a refusal with formulir.show_errors(): they never commit or pick a status themselves."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from portal import access
from portal.kelola import service as posyandu_service
from portal.laporan import service
from portal.models.laporan import Laporan
from portal.models.posyandu import Posyandu

bp = Blueprint("laporan", __name__, url_prefix="/laporan")


def posyandu_or_404(pid: int) -> Posyandu:
    p = posyandu_service.get_posyandu(pid)
    if p is None or not access.may_see_laporan(current_user, p.desa_kode):
        abort(404)
    return p


def laporan_or_404(lid: int) -> Laporan:
    found = service.get(lid)
    if found is None or not access.may_see_laporan(current_user, found.desa_kode):
        abort(404)
    return found


from portal.laporan.views import daftar, laporan  # noqa: E402,F401  (their routes join bp)
