"""Public directory of Posyandu, public profile, open data (issue 4). No person's data on any of them."""
import json

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from portal import access, caching, lembar, tautan
from portal.direktori import profil, service
from portal.extensions import limiter
from portal import wilayah_baca as wilayah_service

bp = Blueprint("direktori", __name__)
EKSPOR_LIMIT = "20/minute"


@bp.get("/posyandu")
@access.public
@caching.bersyarat()
def index():
    hasil = service.telusur(service.Saring.dari(request.args))
    s = hasil.s
    context = dict(s=s, hasil=hasil, total=hasil.total, rows=hasil.rows, h=hasil.halaman, fragmen=caching.fragmen())
    if context["fragmen"]:
        return render_template("direktori/_hasil.html", **context)
    return render_template("direktori/index.html", path=wilayah_service.path(s.kode) if s.kode else [],
                           pilihan_wilayah=service.anak(s.kode), status_pilihan=service.STATUS_PILIHAN,
                           urutan=service.URUTAN, **context)


@bp.get("/posyandu/<int:posyandu_id>")
@access.public
@caching.bersyarat(ada=profil.publik)
def detail(posyandu_id: int):
    p = profil.publik(posyandu_id)
    if p is None:
        abort(404)
    return render_template("direktori/profil.html", **profil.untuk(p))


def _ekspor_nama(s: service.Saring, ext: str) -> str:
    return f"posyandu-{s.kode.replace('.', '') or 'indonesia'}.{ext}"


def _ekspor(chunks, mimetype: str, disposition: str) -> Response:
    """A streamed export: the request context stays open while the rows are read page by page."""
    return Response(stream_with_context(chunks), mimetype=mimetype, headers={"Content-Disposition": disposition})


@bp.get("/posyandu.csv")
@access.public
@limiter.limit(EKSPOR_LIMIT)
@caching.bersyarat(caching.MAX_AGE_EXPORT, last_modified=True)
def ekspor_csv():
    s = service.Saring.dari(request.args)

    return _ekspor(lembar.csv_mengalir(service.KOLOM, service.baris_ekspor(s)), "text/csv",
                   f'attachment; filename="{_ekspor_nama(s, "csv")}"')


@bp.get("/posyandu.json")
@access.public
@limiter.limit(EKSPOR_LIMIT)
@caching.bersyarat(caching.MAX_AGE_EXPORT, last_modified=True)
def ekspor_json():
    s = service.Saring.dari(request.args)
    _, at = caching.versi_data()
    meta = {
        "judul": "Direktori Posyandu 6 SPM",
        "sumber": tautan.mutlak("direktori.index", **s.args(page="")),
        "diperbarui": at.replace(microsecond=0).isoformat() + "Z" if at else None,
        "filter": {k: v for k, v in s.args(page="").items()},
        "kolom": service.KOLOM,
        "catatan": "Tanpa data pribadi (UU 27/2022). Kolom 'diperbarui' tiap baris: perubahan terakhir profilnya.",
    }

    def generate():
        head = json.dumps(meta, ensure_ascii=False)
        yield head[:-1] + ', "data": ['
        chunk = []
        for i, row in enumerate(service.baris_ekspor(s)):
            chunk.append(("," if i else "") + json.dumps(dict(zip(service.KOLOM, row)), ensure_ascii=False))
            if len(chunk) >= 500:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk) + "]}"

    return _ekspor(generate(), "application/json", f'inline; filename="{_ekspor_nama(s, "json")}"')
