"""Tim Pembina pages. bp: the staff pages under /pembina (the tim, its seats, the OPD register, the member import);
publik: /tim-pembina, the public pages and JSON. Views read through the services and ask access.may_*(): 404 when the
wilayah lies outside the user's region, 403 when they may see the tim but not keep it."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from portal import access, wilayah_baca
from portal.models.pembina import KursiPembina, TimPembina
from portal.models.wilayah import Wilayah
from portal.pembina import service

bp = Blueprint("pembina", __name__, url_prefix="/pembina")
publik = Blueprint("tim_pembina", __name__)


def wilayah_or_404(kode: str, keep: bool = False) -> Wilayah:
    w = wilayah_baca.get(kode) if kode else None
    if w is None or w.level > 4 or not access.may_see_tim(current_user, w.kode):
        abort(404)
    if keep and not access.may_keep_tim(current_user, w.kode):
        access.deny(visible=True)
    return w


def tim_or_404(tid: int, keep: bool = False) -> TimPembina:
    found = service.get_tim(tid)
    if found is None:
        abort(404)
    wilayah_or_404(found.wilayah_kode, keep)
    return found


def kursi_or_404(kid: int, keep: bool = False) -> KursiPembina:
    found = service.get_kursi(kid)
    if found is None:
        abort(404)
    tim_or_404(found.tim_id, keep)
    return found


from portal.pembina.views import impor, kursi, opd, tim, umum  # noqa: F401  (the routes)
