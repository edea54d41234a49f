"""The OPD register of a provinsi or kabupaten/kota (staff): the list, adding and changing an office, taking it out of
the register (or back), and filling in the default offices it lacks. Those inside the region and above read it (to
choose a member's unsur); its keepers change it (access.may_keep_opd)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, formulir
from portal import wilayah_baca as wilayah
from portal.domain import ConflictError, DomainError
from portal import konflik
from portal.models.pembina import Opd, pisah_bidang
from portal.models.wilayah import level_of
from portal.pembina import opd as register
from portal.pembina.forms import OpdForm
from portal.pembina.service import kode_register
from portal.pembina.views import bp

# What the three-way merge of a conflict compares, each as the form shows it (bidang: keys, comma separated).
SKEMA = {**register.ATURAN, "bidang": lambda value: ",".join(pisah_bidang(value))}


def _kode(keep: bool = False) -> str:
    """The register ?wilayah= names (a kecamatan or desa: its kabupaten's), else the user's own; '' for a national
    admin who has not chosen one. Out of the user's sight: 404; seen but not theirs to keep (keep): 403."""
    asked = request.args.get("wilayah", "").strip()
    kode = wilayah.parse_kode(asked) if asked else current_user.scope
    if not kode:
        if keep:
            abort(404)
        return ""
    if wilayah.get(kode) is None:
        abort(404)
    kode = kode_register(kode)
    if not access.may_see_opd(current_user, kode):
        abort(404)
    if keep and not access.may_keep_opd(current_user, kode):
        access.deny(visible=True)
    return kode


def _opd(oid: int) -> Opd:
    o = register.get(oid)
    if o is None or not access.may_see_opd(current_user, o.wilayah_kode):
        abort(404)
    if not access.may_keep_opd(current_user, o.wilayah_kode):
        access.deny(visible=True)
    return o


def _daftar(kode: str, status: int = 200):
    keep = access.may_keep_opd(current_user, kode)
    provinsi = kode[:2]
    return render_template(
        "pembina/opd.html", w=wilayah.get(kode), kode=kode, keep=keep, daftar=register.daftar(kode, semua=keep),
        # A keeper of the provinsi opens its kabupaten's registers from it; a kabupaten's page links its provinsi's.
        kabupaten=register.wilayah_pilihan(kode) if level_of(kode) == 1 and keep else None,
        provinsi=wilayah.get(provinsi) if level_of(kode) == 2 and access.may_see_opd(current_user, provinsi) else None,
        nasional=not current_user.scope), status


@bp.get("/opd", endpoint="opd")
@access.staff(roles=access.PEMBINA)
def daftar():
    kode = _kode()
    if not kode:  # a national admin picks the provinsi first
        return render_template("pembina/opd.html", w=None, provinsi_pilihan=register.wilayah_pilihan(""))
    return _daftar(kode)


def _isian(form: OpdForm) -> dict:
    return {"nama": form.nama.data, "singkatan": form.singkatan.data}


def _form(form: OpdForm, kode: str, o: Opd | None, status: int = 200):
    return render_template("pembina/opd_form.html", form=form, w=wilayah.get(kode), kode=kode, o=o,
                           conflict=status == 409), status


@bp.route("/opd/baru", methods=["GET", "POST"], endpoint="opd_baru")
@access.staff(roles=access.PENGELOLA_OPD)
def baru():
    kode = _kode(keep=True)
    form = OpdForm()
    status = 200
    if request.method == "POST":
        try:
            o = register.tambah(current_user, kode, _isian(form), form.bidang.data or [])
        except DomainError as e:
            status = formulir.show_errors(form, e)
        else:
            flash(f"{o.nama} ({o.singkatan}) ditambahkan ke daftar OPD.")
            return redirect(url_for(".opd", wilayah=kode), 303)
    return _form(form, kode, None, status)


def _gabung(form: OpdForm, current: Opd) -> None:
    """A conflict: what only the other person changed is taken over, what both changed is flagged beside the field,
    and the form moves to today's version, so the next save is a knowing one (as kelola's forms)."""
    theirs = konflik.display(current, SKEMA)
    mine = {**_isian(form), "bidang": ",".join(form.bidang.data or ())}
    merged, clashes = konflik.merge(SKEMA, mine, form.asal or {}, theirs)
    form.nama.data, form.singkatan.data = merged["nama"], merged["singkatan"]
    form.bidang.data = pisah_bidang(merged["bidang"])
    for name in clashes:
        shown = current.bidang_label if name == "bidang" else theirs[name]
        getattr(form, name).errors = [f"Juga diubah orang lain menjadi: {shown or '(kosong)'}. Isian Anda "
                                      "dipertahankan; periksa sebelum menyimpan."]
    form.asal, form.clashes, form.version.data = theirs, clashes, current.version


@bp.route("/opd/<int:oid>/ubah", methods=["GET", "POST"], endpoint="opd_ubah")
@access.staff(roles=access.PENGELOLA_OPD)
def ubah(oid: int):
    o = _opd(oid)
    if request.method == "GET":
        form = OpdForm(data={"nama": o.nama, "singkatan": o.singkatan, "bidang": o.bidang_list,
                             "version": o.version})
        form.asal = konflik.display(o, SKEMA)
        return _form(form, o.wilayah_kode, o)
    form = OpdForm()
    form.asal = {name: request.form.get(f"asal-{name}", "") for name in SKEMA}
    try:
        register.ubah(current_user, o, _isian(form), form.bidang.data or [], form.version.data)
    except ConflictError as e:
        _gabung(form, e.current)
        return _form(form, o.wilayah_kode, o, e.status)
    except DomainError as e:
        return _form(form, o.wilayah_kode, o, formulir.show_errors(form, e))
    flash(f"{o.nama} ({o.singkatan}) sudah disimpan.")
    return redirect(url_for(".opd", wilayah=o.wilayah_kode), 303)


@bp.post("/opd/<int:oid>/aktif", endpoint="opd_aktif")
@access.staff(roles=access.PENGELOLA_OPD)
def aktif(oid: int):
    o = _opd(oid)
    pilihan = request.form.get("aktif")
    try:
        if pilihan not in ("0", "1"):
            raise DomainError("Pilihan aktif tidak sah.")
        register.set_aktif(current_user, o, pilihan == "1", request.form.get("version"))
    except ConflictError as e:
        flash(f"{o.singkatan} baru saja diubah orang lain, jadi belum diubah. Periksa keadaannya di bawah, lalu "
              "ulangi bila perlu.")
        return _daftar(o.wilayah_kode, e.status)
    except DomainError as e:
        formulir.show_errors(None, e)
        return _daftar(o.wilayah_kode, e.status)
    flash(f"{o.singkatan} aktif kembali di daftar OPD." if o.aktif else
          f"{o.singkatan} dinonaktifkan: tidak ditawarkan lagi untuk anggota baru. Anggota dari {o.singkatan} tetap "
          "tercatat di kursinya, tetapi tidak dihitung lagi untuk bidangnya: Tim Pembina yang hanya punya anggota "
          "dari OPD ini untuk suatu bidang kini tercatat belum lengkap.")
    return redirect(url_for(".opd", wilayah=o.wilayah_kode), 303)


@bp.post("/opd/bawaan", endpoint="opd_bawaan")
@access.staff(roles=access.PENGELOLA_OPD)
def bawaan():
    kode = _kode(keep=True)
    n = register.isi_bawaan(current_user, kode)
    flash(f"{n} OPD bawaan ditambahkan ke daftar." if n else "Semua OPD bawaan sudah ada di daftar ini.")
    return redirect(url_for(".opd", wilayah=kode), 303)

