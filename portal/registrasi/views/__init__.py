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


def _visible(obj, posyandu):
    """The record, if the user's region covers its Posyandu (else 404: nobody learns it exists)."""
    if obj is None or not access.may_view_usulan(current_user, posyandu(obj)):
        abort(404)
    return obj


def posyandu_or_404(pid: int) -> Posyandu:
    return _visible(service.get_posyandu(pid), lambda p: p)


def usulan_or_404(uid: int) -> Usulan:
    return _visible(service.get_usulan(uid), lambda u: u.posyandu)


def dokumen_or_404(did: int) -> DokumenUsulan:
    return _visible(dokumen.get(did), lambda d: d.usulan.posyandu)


def tahap_or_404(tid: int) -> Tahap:
    t = service.get_tahap(tid)
    if t is None or not access.may_manage_tahap(current_user, t.kabupaten_kode):
        abort(404)
    return t


from portal.registrasi.views import nomor, tahap, usulan  # noqa: E402,F401  (their routes join bp)
