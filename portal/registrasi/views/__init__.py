"""Registrasi nasional pages, one blueprint in three modules: the queues and one dossier with its documents,
comparison and timeline (usulan.py), the tahap sent to Kemendagri with its printable cover list and workbook
(tahap.py), and the numbers coming back (nomor.py). Views read through the services, ask access.may_*(), and answer
a refusal with formulir.show_errors(): they never commit, roll back or pick a status themselves."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from portal import access
from portal.models.posyandu import Posyandu
from portal.models.registrasi import DokumenUsulan, Tahap, Usulan
from portal.registrasi import dokumen, service

bp = Blueprint("registrasi", __name__, url_prefix="/registrasi")


def posyandu_or_404(pid: int) -> Posyandu:
    p = service.get_posyandu(pid)
    if p is None or not access.may_view_usulan(current_user, p):
        abort(404)
    return p


def usulan_or_404(uid: int) -> Usulan:
    u = service.get_usulan(uid)
    if u is None or not access.may_view_usulan(current_user, u.posyandu):
        abort(404)
    return u


def dokumen_or_404(did: int) -> DokumenUsulan:
    dok = dokumen.get(did)
    if dok is None or not access.may_view_usulan(current_user, dok.usulan.posyandu):
        abort(404)
    return dok


def tahap_or_404(tid: int) -> Tahap:
    t = service.get_tahap(tid)
    if t is None or not access.may_manage_tahap(current_user, t.kabupaten_kode):
        abort(404)
    return t


from portal.registrasi.views import nomor, tahap, usulan  # noqa: E402,F401  (their routes join bp)
