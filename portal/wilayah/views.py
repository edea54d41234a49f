from flask import Blueprint, abort, current_app, render_template, request

from portal import access, caching, cari, rekap
from portal.direktori import service as direktori
from portal.formatting import hari_ini
from portal.models.status_registrasi import KELOMPOK, SINGKAT_STATUS
from portal.models.wilayah import JENIS_LABEL
from portal.pembina import ringkasan as pembina
from portal.registrasi import service as registrasi
from portal import wilayah_baca as service

bp = Blueprint("wilayah", __name__, url_prefix="/wilayah")
# The tables of children on a rollup page: one theme at a time, so each fits a 360 px screen.
TABEL = {"ringkasan": "Ringkasan", "registrasi": "Registrasi", "alur": "Alur usulan", "layanan": "Layanan 6 SPM",
         "pelatihan": "Kader terlatih", "pembina": "Tim Pembina"}
# Short column heads: of the states in the "alur" table, of their groups in the "registrasi" table.
SINGKAT_KELOMPOK = {key: singkat for key, (_label, singkat) in KELOMPOK.items()}
POSYANDU_MAKS = 5  # Posyandu listed by the region search; the rest are one link away, in the directory


@bp.get("")
@access.public
@caching.bersyarat()
def index():
    q = cari.clean(request.args.get("q"), 100)
    if q:
        # The home page's search: regions, and Posyandu through the directory's own search (typos forgiven).
        results = service.search(q)
        posyandu = None if service.kode_dicari(q) else direktori.telusur(direktori.Saring.dari({"q": q}))
        template = "wilayah/_results.html" if caching.fragmen() else "wilayah/search.html"
        return render_template(template, q=q, results=results, posyandu=posyandu, posyandu_maks=POSYANDU_MAKS)
    return _detail(None)


@bp.get("/<kode>")
@access.public
@caching.bersyarat(ada=service.get)
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
    kabupaten = wilayah is not None and wilayah.level == 2 and tabel in ("registrasi", "alur")
    # Tim Pembina: the children's tims in their table; a desa (no children) shows its own.
    tim_anak = tim_anak_jumlah = tanpa_tim = tim_sendiri = None
    if children and tabel == "pembina":
        tim_anak = pembina.anak(kode, hari_ini())
        tim_anak_jumlah, tanpa_tim = pembina.jumlah(tim_anak), pembina.tanpa_tim(kode)
    elif wilayah is not None and wilayah.level == 4:
        tim_sendiri = pembina.sendiri(kode, hari_ini())
    return render_template("wilayah/detail.html", wilayah=wilayah, path=service.path(kode) if kode else [],
                           totals=rekap.wilayah(kode), children=children, tabel=tabel, tabel_pilihan=TABEL,
                           maks_posyandu=max((c.posyandu for _, c in children), default=0),
                           composition=service.composition(kode), jenis_label=JENIS_LABEL,
                           pilot_target=current_app.config["PILOT_TARGET_PER_KABUPATEN"],
                           singkat_status=SINGKAT_STATUS, singkat_kelompok=SINGKAT_KELOMPOK,
                           tahap=registrasi.tahap_dikirim(kode) if kabupaten else None,
                           belum_diusulkan=registrasi.desa_belum_diusulkan(kode) if kabupaten else None,
                           tim_anak=tim_anak, tim_anak_jumlah=tim_anak_jumlah, tanpa_tim=tanpa_tim,
                           tim_sendiri=tim_sendiri)
