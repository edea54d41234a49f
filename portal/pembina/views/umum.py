"""The public pages of Tim Pembina: /tim-pembina (the nation's provinsi, and a search), /tim-pembina/<kode> (the tim of
a wilayah, the tims above and below) and /tim-pembina.json (the same as data). Public offices only: the members'
names, jabatan and unsur, and the period's keterangan (its form says it is public: "jangan tulis nomor HP atau
alamat"); never a phone, an email or an address of a member, nor the SK file."""
from functools import wraps

from flask import jsonify, redirect, render_template, request, url_for

from portal import access, caching, cari, wilayah_baca
from portal.formatting import hari_ini
from portal.pembina import ringkasan, service
from portal.pembina.views import publik as bp

CARI_MAKS = 30


@bp.get("/tim-pembina")
@access.public
@caching.bersyarat()
def index():
    q = cari.clean(request.args.get("q"), 100)
    if q:
        kode = wilayah_baca.parse_kode(q)
        if wilayah_baca.get(kode) is not None:
            return redirect(url_for("tim_pembina.wilayah", kode=kode), 303)
        return render_template("tim_pembina/index.html", q=q, hasil=wilayah_baca.search(q, CARI_MAKS), anak=None)
    rows = ringkasan.anak("", hari_ini())
    return render_template("tim_pembina/index.html", q="", hasil=None, anak=rows, jumlah=ringkasan.jumlah(rows),
                           tanpa=ringkasan.tanpa_tim(""))


@bp.get("/tim-pembina/<kode>")
@access.public
@caching.bersyarat(ada=wilayah_baca.get)
def wilayah(kode: str):
    w = wilayah_baca.get(kode)
    hari = hari_ini()
    tim = service.tim_aktif(kode)
    rows = ringkasan.anak(kode, hari) if w.level < 4 else []
    return render_template("tim_pembina/wilayah.html", wilayah=w, path=wilayah_baca.path(kode), tim=tim, hari=hari,
                           anggota=ringkasan.anggota(tim) if tim else [], anak=rows, jumlah=ringkasan.jumlah(rows),
                           tanpa=ringkasan.tanpa_tim(kode) if rows else [],
                           riwayat=[t for t in service.periode(kode) if not t.aktif])


def _tim_json(tim, hari) -> dict | None:
    if tim is None:
        return None
    return {"sk_nomor": tim.sk_nomor, "sk_tanggal": tim.sk_tanggal.isoformat(),
            "masa_bakti_mulai": tim.masa_bakti_mulai.isoformat(),
            "masa_bakti_selesai": tim.masa_bakti_selesai.isoformat(), "sk_berlaku": tim.sk_berlaku(hari),
            "anggota": ringkasan.anggota(tim)}


def _kode_json() -> str:
    return wilayah_baca.parse_kode(request.args.get("wilayah"))


def _wilayah_ada(view):
    """An unknown wilayah is a JSON 404, before any 304 (the ETag, a version of all data, would match for it too)."""
    @wraps(view)
    def wrapper():
        kode = _kode_json()
        if kode and wilayah_baca.get(kode) is None:
            return jsonify(error="Wilayah tidak ditemukan.", wilayah=kode), 404
        return view()
    return wrapper


@bp.get("/tim-pembina.json")
@access.public
@_wilayah_ada
@caching.bersyarat(caching.MAX_AGE_EXPORT)
def data():
    kode = _kode_json()
    w = wilayah_baca.get(kode) if kode else None
    hari = hari_ini()
    rows = ringkasan.anak(kode, hari)
    return jsonify({
        "wilayah": {"kode": kode, "nama": w.nama if w else "Indonesia"},
        "tim": _tim_json(service.tim_aktif(kode) if w else None, hari),
        "anak": [{"kode": r.kode, "nama": r.nama, "ada_tim": r.ada_tim, "sk_berlaku": r.sk_berlaku,
                  "bidang_lengkap": r.bidang_lengkap} for r in rows],
        "jumlah": ringkasan.jumlah(rows),
    })
