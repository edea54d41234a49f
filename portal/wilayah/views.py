from flask import Blueprint, abort, render_template, request

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
    return render_template("wilayah/detail.html", wilayah=None, path=[], totals=rollup.totals(),
                           children=rollup.children(), composition=service.composition(), jenis_label=JENIS_LABEL)


@bp.get("/<kode>")
@access.public
def detail(kode: str):
    wilayah = service.get(kode)
    if wilayah is None:
        abort(404)
    return render_template("wilayah/detail.html", wilayah=wilayah, path=service.path(kode),
                           totals=rollup.totals(kode), children=rollup.children(kode) if wilayah.level < 4 else [],
                           composition=service.composition(kode), jenis_label=JENIS_LABEL)
