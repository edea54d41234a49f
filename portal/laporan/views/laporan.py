"""One report: its page (the reason of the last return first, the entry while the user may change it, the steps,
the timeline), saving the entry (a small fragment with htmx), taking a step, and the printable report."""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, caching, formulir
from portal import wilayah_baca as wilayah
from portal.domain import DomainError
from portal.formatting import BULAN_PANJANG
from portal.laporan import service, workflow
from portal.laporan.views import bp, laporan_or_404
from portal.models.laporan import (BIDANG_LAPORAN, STATUS_LAPORAN, STATUS_SUNTING_LAPORAN, SUMBER_INDIKATOR,
                                   Laporan)

PESAN = {
    "kirim": "Laporan dikirim ke kecamatan.", "terima_kecamatan": "Laporan diterima kecamatan, diteruskan ke kabupaten.",
    "terima_kabupaten": "Laporan diterima kabupaten dan kini terkunci.",
    "kembalikan": "Laporan dikembalikan ke desa untuk diperbaiki.",
    "koreksi": "Laporan dibuka untuk koreksi; desa dapat memperbaikinya lalu mengirim ulang.",
}


def _bulan(periode: str) -> str:
    return f"{BULAN_PANJANG[int(periode[5:]) - 1]} {periode[:4]}"


def _per_bidang(laporan: Laporan) -> list[tuple[str, str, list]]:
    groups = {b: [] for b in BIDANG_LAPORAN}
    for n in laporan.nilai:
        groups.setdefault(n.bidang, []).append(n)
    return [(b, BIDANG_LAPORAN.get(b, b), rows) for b, rows in groups.items() if rows]


def _alasan(laporan: Laporan):
    """The step that returned the report (or opened it for correction), while it waits for the fix."""
    if laporan.status != "dikembalikan":
        return None
    for step in reversed(laporan.langkah):
        if step.aksi in ("kembalikan", "koreksi"):
            return step
    return None


def _sunting(laporan: Laporan) -> bool:
    return laporan.status in STATUS_SUNTING_LAPORAN and access.may_isi_laporan(current_user, laporan.desa_kode)


def _konteks(laporan: Laporan, errors: dict | None = None, form=None, aksi: dict | None = None) -> dict:
    p = laporan.posyandu
    hari_buka = set(form.getlist("hari_buka")) if form is not None else set(laporan.hari_buka)
    return {"l": laporan, "p": p, "path": wilayah.path(p.desa_kode) + [p.desa], "bulan": _bulan(laporan.periode),
            "bidang": _per_bidang(laporan), "alasan": _alasan(laporan), "sunting": _sunting(laporan),
            "hari": service.hari_dalam(laporan.periode), "hari_buka": hari_buka, "form": form,
            "errors": errors or {}, "langkah": [(a, workflow.LANGKAH[a]) for a in
                                                workflow.available_steps(current_user, laporan)],
            "aksi": aksi or {}, "SUMBER": SUMBER_INDIKATOR, "STATUS_LAPORAN": STATUS_LAPORAN}


def _halaman(laporan: Laporan, status: int = 200, **kw):
    return render_template("laporan/detail.html", **_konteks(laporan, **kw)), status


@bp.get("/<int:lid>")
@access.staff(roles=access.LAPORAN)
def detail(lid: int):
    return _halaman(laporan_or_404(lid))


@bp.post("/<int:lid>")
@access.staff(roles=access.LAPORAN)
def simpan(lid: int):
    laporan = laporan_or_404(lid)
    if not access.may_isi_laporan(current_user, laporan.desa_kode):
        access.deny(visible=True)
    form = request.form
    try:
        laporan = service.simpan(current_user, laporan, form, form.getlist("hari_buka"), form.get("version"))
    except DomainError as e:
        laporan = laporan_or_404(lid)
        if caching.fragmen():  # the form again, with the messages beside its fields, in place of the old one
            response = make_response(render_template("laporan/_isian.html", **_konteks(laporan, e.errors, form),
                                                     pesan=e.message), e.status)
            response.headers["HX-Retarget"], response.headers["HX-Reswap"] = "#isian", "outerHTML"
            return response
        status = formulir.show_errors(None, e, shown=tuple(e.errors))
        if e.errors:
            flash(e.message)
        return _halaman(laporan, status, errors=e.errors, form=form)
    if caching.fragmen():
        return render_template("laporan/_tersimpan.html", l=laporan,
                               langkah=workflow.available_steps(current_user, laporan))
    flash("Isian laporan disimpan.")
    return redirect(url_for(".detail", lid=lid), 303)


@bp.post("/<int:lid>/<any(" + ", ".join(workflow.LANGKAH) + "):aksi>")
@access.staff(roles=access.LAPORAN)
def langkah(lid: int, aksi: str):
    laporan = laporan_or_404(lid)
    catatan = request.form.get("catatan", "")
    try:
        laporan = workflow.jalankan(current_user, lid, aksi, versi=request.form.get("version") or None,
                                    catatan=catatan)
    except DomainError as e:
        status = formulir.show_errors(None, e, shown=("catatan",))
        return _halaman(laporan_or_404(lid), status, errors=e.errors, aksi={"aksi": aksi, "catatan": catatan})
    flash(PESAN.get(aksi, f"Laporan kini berstatus «{laporan.status_label}»."))
    return redirect(url_for(".detail", lid=lid), 303)


@bp.get("/<int:lid>/cetak")
@access.staff(roles=access.LAPORAN)
def cetak(lid: int):
    laporan = laporan_or_404(lid)
    p = laporan.posyandu
    return render_template("laporan/cetak.html", l=laporan, p=p, path=wilayah.path(p.desa_kode) + [p.desa],
                           bulan=_bulan(laporan.periode), bidang=_per_bidang(laporan), BIDANG=BIDANG_LAPORAN)
