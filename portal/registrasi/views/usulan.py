"""The queues, one dossier (its steps, documents, comparison and timeline) and the printed list of its people."""
from __future__ import annotations



from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, caching, cari, formulir
from portal import wilayah_baca as wilayah
from portal.domain import DomainError
from portal.extensions import talisman
from portal.formatting import angka, hari_ini
from portal.models.registrasi import JENIS_DOKUMEN, Usulan
from portal.models.status_registrasi import STATUS, STATUS_SUNTING
from portal.models.wilayah import level_of
from portal.pembina import baca as pembina
from portal import dokumen as penyimpanan
from portal.registrasi import berkas, dokumen, halaman_usulan, service, workflow
from portal.registrasi.views import bp, dokumen_or_404, posyandu_or_404, usulan_or_404

PESAN = {
    "ajukan": "Usulan diajukan ke kecamatan.", "kembalikan": "Usulan dikembalikan ke desa untuk diperbaiki.",
    "registrasi": "Nomor registrasi dicatat.",
    "verifikasi_an_kecamatan": "Usulan diverifikasi atas nama kecamatan; langkah ini tercatat sebagai langkah kabupaten.",
    "tolak": "Penolakan Kemendagri dicatat. Desa dapat membuat usulan baru setelah memperbaiki.",
    "koreksi_nomor": "Nomor registrasi dikoreksi; nomor lama tetap tercatat di linimasa.",
}
# The fields of the dossier's step forms, shown beside them (any other reason is flashed on top).
ISIAN_LANGKAH = ("catatan", "nomor", "ganti")


# --- queues ---------------------------------------------------------------------------------------------------------

@bp.get("")
@access.staff(roles=access.REGISTRASI)
def index():
    counts = service.hitungan(current_user)
    status = service.status_antrian(current_user, counts, request.args.get("status", ""))
    q = cari.clean(request.args.get("q"))
    h = service.antrian(current_user, status, q)
    kabupaten = current_user.scope if level_of(current_user.scope) == 2 else None
    return render_template("registrasi/index.html", counts=counts, status=status, h=h, q=q, pilihan=tuple(STATUS),
                           may_tahap=access.may_manage_tahap(current_user, kabupaten),
                           may_create=access.may_create_usulan(current_user))


@bp.post("/posyandu/<int:pid>")
@access.staff(roles=access.REGISTRASI)
def create(pid: int):
    p = posyandu_or_404(pid)
    try:
        u = workflow.create(current_user, p)
    except DomainError as e:
        flash(e.message)
        current = service.terakhir(pid)
        if current is not None:
            return redirect(url_for(".usulan", uid=current.id), 303)
        return redirect(url_for("kelola.detail", pid=pid), 303)
    flash("Usulan registrasi dibuat sebagai draf. Unggah dokumennya, lalu ajukan ke kecamatan.")
    return redirect(url_for(".usulan", uid=u.id), 303)


# --- one dossier ----------------------------------------------------------------------------------------------------

def _usulan_page(u: Usulan, status: int = 200, errors: dict | None = None, form: dict | None = None):
    d = halaman_usulan.read_usulan(current_user, u)
    p = u.posyandu
    return render_template("registrasi/usulan.html", d=d, u=u, p=p, path=wilayah.path(p.desa_kode) + [p.desa],
                           errors=errors or {}, form=form or {},
                           sk_tim=pembina.sk_tim(p.desa_kode, hari_ini())), status


@bp.get("/usulan/<int:uid>")
@access.staff(roles=access.REGISTRASI)
def usulan(uid: int):
    return _usulan_page(usulan_or_404(uid))


@bp.post("/usulan/<int:uid>/<any(" + ", ".join(workflow.AKSI_HALAMAN) + "):aksi>")
@access.staff(roles=access.REGISTRASI)
def langkah(uid: int, aksi: str):
    u = usulan_or_404(uid)
    catatan, nomor = request.form.get("catatan", ""), request.form.get("nomor", "")
    ganti = request.form.getlist("ganti")[:len(JENIS_DOKUMEN) + 1]
    try:
        # Every form of the page sends the version it showed; a request without one is checked on the state alone.
        workflow.take_step(current_user, uid, aksi, versi=request.form.get("version") or None, catatan=catatan,
                           nomor=nomor, ganti=ganti)
    except DomainError as e:
        status = formulir.show_errors(None, e, shown=ISIAN_LANGKAH)
        return _usulan_page(usulan_or_404(uid), status, e.errors,
                            {"aksi": aksi, "catatan": catatan, "nomor": nomor, "ganti": ganti})
    flash(PESAN.get(aksi, f"Usulan kini berstatus «{u.status_label}»."))
    return redirect(url_for(".usulan", uid=uid), 303)


def _only_the_editor(u: Usulan) -> None:
    """While the dossier is editable its documents are the business of whoever may submit it (403 for anyone else).
    In the other states the service refuses every change with the reason (422)."""
    if u.status in STATUS_SUNTING and not workflow.may(current_user, u.posyandu, u.status, "ajukan"):
        access.deny(visible=True)


@bp.post("/usulan/<int:uid>/dokumen")
@access.staff(roles=access.REGISTRASI)
def unggah(uid: int):
    u = usulan_or_404(uid)
    _only_the_editor(u)
    jenis = request.form.get("jenis", "")
    upload = request.files.get("berkas")
    try:
        dok = dokumen.unggah(current_user, u, jenis, upload.stream if upload else None,
                             upload.filename if upload else None)
    except DomainError as e:
        status = formulir.show_errors(None, e, shown=("berkas",))
        return _usulan_page(usulan_or_404(uid), status, {f"berkas-{jenis}": e.errors["berkas"]}
                            if "berkas" in e.errors else {})
    flash(f"{dok.jenis_label} diunggah ({penyimpanan.TIPE[dok.tipe]}, {angka(dok.ukuran // 1024 or 1)} KB).")
    return redirect(url_for(".usulan", uid=uid) + "#dokumen", 303)


@bp.post("/usulan/<int:uid>/sk-tim-pembina")
@access.staff(roles=access.REGISTRASI)
def lampirkan_sk_tim(uid: int):
    """The SK of the desa's Tim Pembina, attached from its registry instead of a new upload (checked again)."""
    u = usulan_or_404(uid)
    _only_the_editor(u)
    sk = pembina.sk_tim(u.posyandu.desa_kode, hari_ini())
    try:
        if sk is None or sk.dokumen is None:
            raise DomainError("Desa ini belum menyimpan berkas SK Tim Pembina. Unggah di halaman Tim Pembina desa, "
                              "atau unggah berkasnya langsung di sini.")
        dok = dokumen.unggah(current_user, u, "sk_tim_pembina", penyimpanan.isi(sk.dokumen), sk.dokumen.nama_berkas)
    except (DomainError, FileNotFoundError) as e:
        message = e.message if isinstance(e, DomainError) else "Berkas SK Tim Pembina tidak ditemukan di penyimpanan."
        return _usulan_page(usulan_or_404(uid), formulir.show_errors(None, DomainError(message)))
    flash(f"{dok.jenis_label} dilampirkan dari data Tim Pembina (SK {sk.sk_nomor}).")
    return redirect(url_for(".usulan", uid=uid) + "#dokumen", 303)


@bp.post("/dokumen/<int:did>/tarik")
@access.staff(roles=access.REGISTRASI)
def tarik(did: int):
    dok = dokumen_or_404(did)
    uid = dok.usulan_id
    _only_the_editor(dok.usulan)
    try:
        dokumen.tarik(current_user, dok)
    except DomainError as e:
        return _usulan_page(usulan_or_404(uid), formulir.show_errors(None, e))
    flash(f"{dok.jenis_label} ditarik dari berkas usulan (tetap tersimpan di riwayat).")
    return redirect(url_for(".usulan", uid=uid) + "#dokumen", 303)


@bp.get("/dokumen/<int:did>")
@access.staff(roles=access.REGISTRASI)
@talisman(content_security_policy=penyimpanan.CSP_DOKUMEN)
@caching.pribadi
def berkas_dokumen(did: int):
    """An image opens in the browser, in a sandbox that runs nothing; a PDF is downloaded (the phone's own viewer
    opens it), so no uploaded content ever renders as a page of this site."""
    return penyimpanan.kirim(dokumen_or_404(did))


@bp.get("/usulan/<int:uid>/daftar")
@access.staff(roles=access.REGISTRASI)
@caching.pribadi
def daftar(uid: int):
    """The list of pengurus and kader, printed from the picture the desa submitted (or, in a draf, the profile)."""
    u = usulan_or_404(uid)
    data = u.potret or berkas.potret(u.posyandu)
    return render_template("registrasi/daftar.html", u=u, p=u.posyandu, data=data, label_kader=berkas.label_kader,
                           path=wilayah.path(u.posyandu.desa_kode) + [u.posyandu.desa])
