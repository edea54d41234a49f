from flask import Blueprint, render_template, request
from flask_login import current_user

from portal import access, caching, cari, kelengkapan, rekap
from portal.formatting import hari_ini
from portal.kegiatan import service as kegiatan_service
from portal.pembina import ringkasan as pembina
from portal.registrasi import service as registrasi

bp = Blueprint("beranda", __name__, url_prefix="/beranda")


@bp.get("")
@access.staff
def index():
    q = cari.clean(request.args.get("q"))
    daftar = kelengkapan.perlu_perhatian(access.posyandu_in_scope(current_user), q=q)
    context = dict(h=daftar.halaman, q=q, lengkap=daftar.lengkap, nonaktif=daftar.nonaktif)
    if caching.fragmen():
        return render_template("beranda/_posyandu.html", **context)
    kegiatan = menunggu = tindakan = tim = None
    if access.may_see_kegiatan(current_user):
        kegiatan = kegiatan_service.daftar_kegiatan(access.kegiatan_in_scope(current_user), hari_ini(), 3)
    if access.may_follow_registrasi(current_user):
        menunggu, tindakan = registrasi.menunggu(current_user), registrasi.perlu_tindakan(current_user)
    if access.may_see_tim(current_user):
        tim = pembina.peringatan_wilayah(current_user.scope, hari_ini())
    return render_template("beranda/index.html", totals=rekap.wilayah(current_user.scope), kegiatan=kegiatan,
                           menunggu=menunggu, tindakan=tindakan, tim=tim, **context)
