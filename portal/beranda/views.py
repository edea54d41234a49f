from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from portal import access, caching, halaman, rekap
from portal.formatting import hari_ini
from portal.kegiatan import service as kegiatan_service
from portal import kelengkapan
from portal.registrasi import service as registrasi

bp = Blueprint("beranda", __name__, url_prefix="/beranda")
PER_PAGE = 30


@bp.get("")
@access.staff
def index():
    q = request.args.get("q", "").strip()[:80]
    page = halaman.nomor()
    rows = kelengkapan.perlu_perhatian(access.posyandu_in_scope(current_user), current_app.config["KADER_MINIMUM"],
                                       q=q)
    pages = max((len(rows) + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(page, pages)
    context = dict(rows=rows[(page - 1) * PER_PAGE:page * PER_PAGE], total=len(rows), page=page, pages=pages, q=q,
                   lengkap=sum(1 for r in rows if r.aktif and not r.kurang), nonaktif=sum(1 for r in rows if not r.aktif))
    if caching.fragmen():
        return render_template("beranda/_posyandu.html", **context)
    kegiatan = None
    if current_user.role in access.PENYELENGGARA + access.PENGAMAT_KEGIATAN:
        kegiatan = kegiatan_service.daftar_kegiatan(access.kegiatan_in_scope(current_user), hari_ini(), 3)
    menunggu = registrasi.menunggu(current_user) if current_user.role in access.REGISTRASI else None
    tindakan = registrasi.perlu_tindakan(current_user) if current_user.role in access.REGISTRASI else None
    return render_template("beranda/index.html", totals=rekap.wilayah(current_user.scope), kegiatan=kegiatan,
                           menunggu=menunggu, tindakan=tindakan,
                           may_create_kegiatan=access.may_create_kegiatan(current_user),
                           may_manage_users=access.may_manage_users(current_user),
                           may_create=current_user.role in access.EDITORS,
                           may_import=access.may_import(current_user),
                           may_edit_katalog=access.may_edit_katalog(current_user), **context)
