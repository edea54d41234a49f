from flask import Blueprint, abort, current_app, render_template, request

from portal import access, rollup
from portal.models.wilayah import JENIS_LABEL
from portal.wilayah import service

bp = Blueprint("wilayah", __name__, url_prefix="/wilayah")


@bp.get("")
@access.public
def index():
    q = request.args.get("q", "").strip()[:100]
    if q:
        results = service.search(q)
        template = "wilayah/_results.html" if request.headers.get("HX-Request") else "wilayah/search.html"
        return render_template(template, q=q, results=results)
    return _detail(None)


@bp.get("/<kode>")
@access.public
def detail(kode: str):
    wilayah = service.get(kode)
    if wilayah is None:
        abort(404)
    return _detail(wilayah)


def _detail(wilayah):
    kode = wilayah.kode if wilayah else ""
    minimum = current_app.config["KADER_MINIMUM"]
    return render_template("wilayah/detail.html", wilayah=wilayah, path=service.path(kode) if kode else [],
                           totals=rollup.totals(kode, minimum),
                           children=rollup.children(kode, minimum) if not wilayah or wilayah.level < 4 else [],
                           kader_per_bidang=rollup.kader_per_bidang(kode), composition=service.composition(kode),
                           jenis_label=JENIS_LABEL, pilot_target=current_app.config["PILOT_TARGET_PER_KABUPATEN"])
