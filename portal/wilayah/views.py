from flask import Blueprint, abort, current_app, render_template, request

from portal import access, caching, rekap
from portal.models.wilayah import JENIS_LABEL
from portal.wilayah import service

bp = Blueprint("wilayah", __name__, url_prefix="/wilayah")
# The tables of children on a rollup page: one theme at a time, so each fits a 360 px screen.
TABEL = {"ringkasan": "Ringkasan", "registrasi": "Registrasi", "layanan": "Layanan 6 SPM", "pelatihan": "Kader terlatih"}


@bp.get("")
@access.public
@caching.bersyarat()
def index():
    q = request.args.get("q", "").strip()[:100]
    if q:
        results = service.search(q)
        template = "wilayah/_results.html" if caching.fragmen() else "wilayah/search.html"
        return render_template(template, q=q, results=results)
    return _detail(None)


@bp.get("/<kode>")
@access.public
@caching.bersyarat()
def detail(kode: str):
    wilayah = service.get(kode)
    if wilayah is None:
        abort(404)
    return _detail(wilayah)


def _detail(wilayah):
    kode = wilayah.kode if wilayah else ""
    tabel = request.args.get("tabel", "")
    if tabel not in TABEL:
        tabel = "ringkasan"
    children = rekap.anak(kode) if not wilayah or wilayah.level < 4 else []
    return render_template("wilayah/detail.html", wilayah=wilayah, path=service.path(kode) if kode else [],
                           totals=rekap.wilayah(kode), children=children, tabel=tabel, tabel_pilihan=TABEL,
                           maks_posyandu=max((c.posyandu for _, c in children), default=0),
                           composition=service.composition(kode), jenis_label=JENIS_LABEL,
                           pilot_target=current_app.config["PILOT_TARGET_PER_KABUPATEN"])
