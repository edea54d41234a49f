"""Registrasi nasional pages: the queues, one dossier with its documents, comparison and timeline, the tahap sent to
Kemendagri (list, printable cover list, workbook) and the numbers coming back."""
from __future__ import annotations

import io
import os

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, session,
                   url_for)
from flask_login import current_user
from sqlalchemy import select

from portal import access, caching, halaman, lembar_baca, transaksi, unggahan
from portal.extensions import db, talisman
from portal.formatting import angka, hari_ini
from portal.models.base import baca_id
from portal.models.posyandu import Posyandu
from portal.models.registrasi import JENIS_DOKUMEN, STATUS_SUNTING, STATUS_USULAN, DokumenUsulan, Tahap, Usulan
from portal.models.wilayah import Wilayah, level_of
from portal import kelengkapan
from portal.registrasi import berkas, dokumen, ekspor, impor_nomor, service, workflow
from portal.registrasi.workflow import Ditolak
from portal import wilayah_baca as wilayah

bp = Blueprint("registrasi", __name__, url_prefix="/registrasi")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PILIHAN_STATUS = ("belum", *STATUS_USULAN)
CSP_DOKUMEN = {"default-src": "'none'", "img-src": "'self'", "sandbox": ""}
PESAN = {
    "ajukan": "Usulan diajukan ke kecamatan.", "kembalikan": "Usulan dikembalikan ke desa untuk diperbaiki.",
    "registrasi": "Nomor registrasi dicatat.",
    "verifikasi_an_kecamatan": "Usulan diverifikasi atas nama kecamatan; langkah ini tercatat sebagai langkah kabupaten.",
    "tolak": "Penolakan Kemendagri dicatat. Desa dapat membuat usulan baru setelah memperbaiki.",
    "koreksi_nomor": "Nomor registrasi dikoreksi; nomor lama tetap tercatat di linimasa.",
}


def _posyandu(pid: int) -> Posyandu:
    p = db.session.get(Posyandu, pid)
    if p is None or not access.may_view_usulan(current_user, p):
        abort(404)
    return p


def _usulan(uid: int) -> Usulan:
    u = db.session.get(Usulan, uid)
    if u is None or not access.may_view_usulan(current_user, u.posyandu):
        abort(404)
    return u


def _tahap(tid: int) -> Tahap:
    t = db.session.get(Tahap, tid)
    if t is None or not access.may_manage_tahap(current_user, t.kabupaten_kode):
        abort(404)
    return t


# --- queues ---------------------------------------------------------------------------------------------------------

@bp.get("")
@access.staff(roles=access.REGISTRASI)
def index():
    counts = service.hitungan(current_user)
    status = request.args.get("status", "")
    if status not in PILIHAN_STATUS:
        waiting = [s for s in workflow.ANTRIAN.get(current_user.role, ()) if counts.get(s)]
        status = waiting[0] if waiting else workflow.ANTRIAN.get(current_user.role, ("belum",))[0]
    q = request.args.get("q", "").strip()[:80]
    page = halaman.nomor()
    rows, total = service.antrian(current_user, status, q, page)
    pages = max((total + service.PER_HALAMAN - 1) // service.PER_HALAMAN, 1)
    kabupaten = current_user.scope if level_of(current_user.scope) == 2 else None
    return render_template("registrasi/index.html", counts=counts, status=status, rows=rows, total=total, q=q,
                           page=page, pages=pages, pilihan=PILIHAN_STATUS, STATUS_USULAN=STATUS_USULAN,
                           may_tahap=access.may_manage_tahap(current_user, kabupaten),
                           may_create=current_user.role in workflow.ATURAN["buat"].dari)


@bp.post("/posyandu/<int:pid>")
@access.staff(roles=access.REGISTRASI)
def create(pid: int):
    p = _posyandu(pid)
    try:
        u = workflow.buat(current_user, p)
        db.session.commit()
    except Ditolak as e:
        db.session.rollback()
        flash(e.message)
        current = service.terakhir(pid)
        if current is not None:
            return redirect(url_for(".usulan", uid=current.id), 303)
        return redirect(url_for("kelola.detail", pid=pid), 303)
    flash("Usulan registrasi dibuat sebagai draf. Unggah dokumennya, lalu ajukan ke kecamatan.")
    return redirect(url_for(".usulan", uid=u.id), 303)


# --- one dossier ----------------------------------------------------------------------------------------------------

def _usulan_page(u: Usulan, status: int = 200, errors: dict | None = None, form: dict | None = None):
    p = u.posyandu
    syarat = kelengkapan.untuk(p, current_app.config["KADER_MINIMUM"])
    sunting = workflow.mungkin(current_user, p, u.status, "ajukan")
    lanjutan = service.terakhir(p.id) if u.status == "ditolak" else None
    return render_template(
        "registrasi/usulan.html", u=u, p=p, path=wilayah.path(p.desa_kode) + [p.desa],
        alasan=workflow.alasan(u), diminta=workflow.dokumen_diminta(u),
        lanjutan=lanjutan if lanjutan is not None and lanjutan.id != u.id else None,
        buat_lagi=u.status == "ditolak" and lanjutan is not None and lanjutan.id == u.id
        and workflow.mungkin(current_user, p, None, "buat"),
        aksi=workflow.aksi_tersedia(current_user, u), ATURAN=workflow.ATURAN, BERIKUTNYA=workflow.BERIKUTNYA, JENIS_DOKUMEN=JENIS_DOKUMEN,
        wajib=current_app.config["REGISTRASI_DOKUMEN_WAJIB"], sunting=sunting,
        kurang=workflow.syarat_ajukan(u, syarat, diminta=False) if sunting else [], syarat=syarat,
        siap=sunting and not workflow.syarat_ajukan(u, syarat),
        beda=berkas.bandingkan(u.potret, p) if u.potret else None, jumlah=berkas.jumlah(u.potret),
        contoh_nomor=workflow.contoh_nomor(p.desa_kode), maks_mb=current_app.config["DOKUMEN_MAKS_MB"],
        errors=errors or {}, form=form or {}, tipe=dokumen.TIPE), status


@bp.get("/usulan/<int:uid>")
@access.staff(roles=access.REGISTRASI)
def usulan(uid: int):
    return _usulan_page(_usulan(uid))


@bp.post("/usulan/<int:uid>/<any(" + ", ".join(workflow.AKSI_HALAMAN) + "):aksi>")
@access.staff(roles=access.REGISTRASI)
def langkah(uid: int, aksi: str):
    u = _usulan(uid)
    catatan, nomor = request.form.get("catatan", ""), request.form.get("nomor", "")
    ganti = request.form.getlist("ganti")[:len(JENIS_DOKUMEN) + 1]
    try:
        # Every form of the page sends the version it showed; a request without one is checked on the state alone.
        workflow.jalankan(current_user, uid, aksi, versi=request.form.get("version") or None, catatan=catatan,
                          nomor=nomor, ganti=ganti)
    except Ditolak as e:
        db.session.rollback()
        u = _usulan(uid)
        errors = {e.field: e.message} if e.field else {}
        if not e.field:
            flash(e.message)
        return _usulan_page(u, 409 if "baru saja" in e.message else 422, errors,
                            {"aksi": aksi, "catatan": catatan, "nomor": nomor, "ganti": ganti})
    flash(PESAN.get(aksi, f"Usulan kini berstatus «{u.status_label}»."))
    return redirect(url_for(".usulan", uid=uid), 303)


def _hanya_penyunting(u: Usulan) -> None:
    """While the dossier is editable its documents are the business of whoever may submit it (403 for anyone else).
    In the other states the service refuses every change with the reason (422)."""
    if u.status in STATUS_SUNTING and not workflow.mungkin(current_user, u.posyandu, u.status, "ajukan"):
        access.deny(visible=True)


@bp.post("/usulan/<int:uid>/dokumen")
@access.staff(roles=access.REGISTRASI)
def unggah(uid: int):
    u = _usulan(uid)
    _hanya_penyunting(u)
    jenis = request.form.get("jenis", "")
    berkas_ = request.files.get("berkas")
    try:
        dok = dokumen.unggah(current_user, u, jenis, berkas_.stream if berkas_ else None,
                             berkas_.filename if berkas_ else None)
    except Ditolak as e:
        db.session.rollback()
        if not e.field:  # the dossier is no longer editable
            flash(e.message)
        return _usulan_page(_usulan(uid), 422, {f"berkas-{jenis}" if e.field == "berkas" else e.field: e.message}
                            if e.field else {})
    flash(f"{dok.jenis_label} diunggah ({dokumen.TIPE[dok.tipe]}, {angka(dok.ukuran // 1024 or 1)} KB).")
    return redirect(url_for(".usulan", uid=uid) + "#dokumen", 303)


@bp.post("/dokumen/<int:did>/tarik")
@access.staff(roles=access.REGISTRASI)
def tarik(did: int):
    dok = db.session.get(DokumenUsulan, did)
    if dok is None or not access.may_view_usulan(current_user, dok.usulan.posyandu):
        abort(404)
    u = dok.usulan
    _hanya_penyunting(u)
    try:
        dokumen.tarik(current_user, dok)
    except Ditolak as e:
        db.session.rollback()
        flash(e.message)
        return _usulan_page(_usulan(u.id), 422)
    flash(f"{dok.jenis_label} ditarik dari berkas usulan (tetap tersimpan di riwayat).")
    return redirect(url_for(".usulan", uid=u.id) + "#dokumen", 303)


@bp.get("/dokumen/<int:did>")
@access.staff(roles=access.REGISTRASI)
@talisman(content_security_policy=CSP_DOKUMEN)
@caching.pribadi
def berkas_dokumen(did: int):
    """An image opens in the browser, in a sandbox that runs nothing; a PDF is downloaded (the phone's own viewer
    opens it), so no uploaded content ever renders as a page of this site."""
    dok = db.session.get(DokumenUsulan, did)
    if dok is None or not access.may_view_usulan(current_user, dok.usulan.posyandu):
        abort(404)
    try:
        path = dokumen.path(dok)
        if not os.path.isfile(path):
            raise FileNotFoundError(path)
    except FileNotFoundError:
        abort(404)
    # The name is cleaned again here: rows stored before the sanitiser keep the uploader's name as it came.
    response = send_file(path, mimetype=dok.tipe, download_name=dokumen.nama_unduhan(dok.nama_berkas, dok.tipe),
                         max_age=0, conditional=True,
                         as_attachment=not dok.tipe.startswith("image/"))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/usulan/<int:uid>/daftar")
@access.staff(roles=access.REGISTRASI)
@caching.pribadi
def daftar(uid: int):
    """The list of pengurus and kader, printed from the picture the desa submitted (or, in a draf, the profile)."""
    u = _usulan(uid)
    data = u.potret or berkas.potret(u.posyandu)
    return render_template("registrasi/daftar.html", u=u, p=u.posyandu, data=data, label_kader=berkas.label_kader,
                           path=wilayah.path(u.posyandu.desa_kode) + [u.posyandu.desa])


# --- tahap ----------------------------------------------------------------------------------------------------------

def _kabupaten_kode() -> str:
    kode = current_user.scope if level_of(current_user.scope) == 2 else request.values.get("kabupaten", "")
    if not access.may_manage_tahap(current_user, kode):
        if current_user.role in access.PENGUSUL and level_of(current_user.scope) < 2:
            return ""
        access.deny(visible=current_user.role in access.REGISTRASI)
    return kode


@bp.route("/tahap", methods=["GET", "POST"])
@access.staff(roles=access.PENGUSUL)
def tahap_index():
    kode = _kabupaten_kode()
    if not kode:  # an admin of a provinsi or the nation picks the kabupaten first
        pilihan = db.session.scalars(select(Wilayah).where(Wilayah.level == 2, Wilayah.kode.startswith(
            current_user.scope)).order_by(Wilayah.kode)).all()
        return render_template("registrasi/tahap_pilih.html", pilihan=pilihan)
    if request.method == "POST":
        try:
            t = service.buat_tahap(current_user, kode)
        except Ditolak as e:
            db.session.rollback()
            flash(e.message)
            return redirect(url_for(".tahap_index", kabupaten=kode), 303)
        flash(f"{t.nama} dibuat. Centang usulan terverifikasi yang akan dimasukkan.")
        return redirect(url_for(".tahap", tid=t.id), 303)
    return render_template("registrasi/tahap_index.html", kode=kode, kabupaten=db.session.get(Wilayah, kode),
                           daftar=service.daftar_tahap(kode), terbuka=service.tahap_terbuka(kode),
                           siap=len(service.calon_tahap(kode)))


def _tahap_page(t: Tahap, status: int = 200, errors: dict | None = None):
    rows = service.isi_tahap(t)
    return render_template("registrasi/tahap.html", t=t, rows=rows, kelompok=service.kelompokkan(rows), today=hari_ini(),
                           ringkasan=service.ringkasan(rows), errors=errors or {},
                           calon=service.calon_tahap(t.kabupaten_kode) if t.status == "disusun" else []), status


@bp.get("/tahap/<int:tid>")
@access.staff(roles=access.PENGUSUL)
def tahap(tid: int):
    return _tahap_page(_tahap(tid))


@bp.post("/tahap/<int:tid>/<any(tambah, keluarkan, kirim):aksi>")
@access.staff(roles=access.PENGUSUL)
def tahap_aksi(tid: int, aksi: str):
    t = _tahap(tid)
    versi = request.form.get("version", "")
    try:
        if aksi == "tambah":
            field = "semua" if request.form.get("pakai") == "semua" else "usulan"
            ids = [baca_id(i) for i in request.form.getlist(field)]
            if None in ids:  # not a record id: refuse the lot rather than add part of it
                raise Ditolak("Pilihan usulan tidak sah. Muat ulang daftarnya lalu centang lagi.")
            n = service.tambah_ke_tahap(current_user, t, ids, versi)
            message = f"{angka(n)} usulan dimasukkan ke {t.nama}."
        elif aksi == "keluarkan":
            service.keluarkan(current_user, t, baca_id(request.form.get("usulan")) or 0, versi)
            message = f"Usulan dikeluarkan dari {t.nama}; statusnya tetap terverifikasi kabupaten."
        else:
            n = service.kirim_tahap(current_user, t, versi, request.form.get("tanggal"),
                                    request.form.get("nomor_surat"))
            message = f"{t.nama} ditandai terkirim: {angka(n)} usulan kini berstatus diusulkan ke Kemendagri."
    except Ditolak as e:
        db.session.rollback()
        t = _tahap(tid)
        if e.field:
            return _tahap_page(t, 422, {e.field: e.message})
        flash(e.message)
        return _tahap_page(t, 409 if "baru saja" in e.message else 422)
    flash(message)
    return redirect(url_for(".tahap", tid=tid), 303)


@bp.get("/tahap/<int:tid>/cetak")
@access.staff(roles=access.PENGUSUL)
def tahap_cetak(tid: int):
    t = _tahap(tid)
    rows = service.isi_tahap(t)
    return render_template("registrasi/cetak.html", t=t, rows=rows, kelompok=service.kelompokkan(rows),
                           ringkasan=service.ringkasan(rows), kabupaten=db.session.get(Wilayah, t.kabupaten_kode))


@bp.get("/tahap/<int:tid>.xlsx")
@access.staff(roles=access.PENGUSUL)
def tahap_xlsx(tid: int):
    t = _tahap(tid)
    kabupaten = db.session.get(Wilayah, t.kabupaten_kode)
    data = ekspor.xlsx(t, service.isi_tahap(t), kabupaten.nama_lengkap)
    name = f"usulan-tahap-{t.nomor}-{t.kabupaten_kode}.xlsx"
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name, max_age=0)


# --- numbers back in --------------------------------------------------------------------------------------------------

def _folder() -> str:
    return unggahan.folder("nomor")


_GALAT_NOMOR = "nomor_galat"


def _nomor_form(error: str = "", status: int = 200):
    template = "registrasi/_nomor_unggah.html" if request.headers.get("HX-Request") == "true" else \
        "registrasi/nomor.html"
    return render_template(template, error=error, maks_mb=lembar_baca.MAKS_MB,
                           maks_baris=lembar_baca.MAKS_BARIS_DATA), status


@bp.route("/nomor", methods=["GET", "POST"])
@access.staff(roles=access.PENGUSUL)
def nomor():
    """Every POST ends in a redirect (a refresh never posts again): to the preview at its own URL, or back here with
    the error beside the file field; with htmx the form alone comes back, in place."""
    if request.method == "GET":
        error = session.pop(_GALAT_NOMOR, "")
        return _nomor_form(error, 422 if error else 200)
    upload = request.files.get("berkas")
    ext = lembar_baca.extension(upload.filename) if upload and upload.filename else None
    error = "" if ext else "Pilih berkas .xlsx atau .csv berisi daftar nomor registrasi."
    if ext:
        data = unggahan.baca(upload)
        with transaksi.tanpa_kunci():  # only reads: no write lock while the file is parsed
            try:
                impor_nomor.baca(data, ext)
            except lembar_baca.FileRefused as e:
                error = e.message
            else:
                token = unggahan.store_upload(_folder(), current_user.id, "nomor", os.path.basename(upload.filename),
                                              ext, data)
    if error and request.headers.get("HX-Request") == "true":
        return _nomor_form(error, 422)
    if error:
        session[_GALAT_NOMOR] = error
        return redirect(url_for(".nomor", _anchor="unggah"), 303)
    if request.headers.get("HX-Request") == "true":
        return "", 204, {"HX-Redirect": url_for(".nomor_pratinjau", token=token)}
    return redirect(url_for(".nomor_pratinjau", token=token), 303)


def _upload(token: str) -> unggahan.Upload:
    try:
        upload = unggahan.load_upload(_folder(), token, current_user.id, kinds=("nomor",))
    except lembar_baca.FileRefused:
        upload = None
    if upload is None:
        abort(404)
    return upload


@bp.get("/nomor/<token>")
@access.staff(roles=access.PENGUSUL)
def nomor_pratinjau(token: str):
    upload = _upload(token)
    p = impor_nomor.periksa(current_user, upload.data, upload.meta["ext"])
    return render_template("registrasi/nomor_pratinjau.html", p=p, filename=upload.meta["filename"], token=token)


@bp.post("/nomor/<token>")
@access.staff(roles=access.PENGUSUL)
def nomor_terapkan(token: str):
    with transaksi.tanpa_kunci():  # the file is read and every row judged before the write transaction
        upload = _upload(token)
        p = impor_nomor.periksa(current_user, upload.data, upload.meta["ext"])
    try:
        if not p.bisa_diterapkan:
            raise Ditolak("Data berubah sejak pratinjau; periksa baris yang ditandai. Tidak ada nomor yang dicatat.")
        n = impor_nomor.terapkan(current_user, p)
    except Ditolak as e:
        db.session.rollback()
        flash(e.message)
        return redirect(url_for(".nomor_pratinjau", token=token), 303)
    unggahan.delete_upload(_folder(), token)
    flash(f"{angka(n)} nomor registrasi dicatat; Posyandu itu kini teregistrasi.")
    return redirect(url_for(".index", status="teregistrasi"), 303)


@bp.post("/nomor/<token>/batal")
@access.staff(roles=access.PENGUSUL)
def nomor_batal(token: str):
    _upload(token)
    unggahan.delete_upload(_folder(), token)
    flash("Impor nomor dibatalkan; tidak ada yang berubah.")
    return redirect(url_for(".nomor"), 303)
