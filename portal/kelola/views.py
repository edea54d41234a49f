"""Staff pages of a Posyandu: profile, services, pengurus and kader (inline with htmx, or plain forms without JS)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, caching, formulir, kelengkapan, rekap, rules
from portal.domain import ConflictError, DomainError
from portal.kegiatan import service as kegiatan_service
from portal.models.base import baca_id
from portal.models.posyandu import BIDANG, Kader, Pengurus, Posyandu
from portal.models.wilayah import ancestors
from portal import konflik
from portal.kelola import service
from portal.kelola.riwayat import entries as riwayat_entries
from portal.kelola.forms import KaderForm, PengurusForm, ProfilForm, TutupForm, VersionForm
from portal.registrasi import service as registrasi
from portal.registrasi import workflow
from portal import wilayah_baca as wilayah

bp = Blueprint("kelola", __name__, url_prefix="/kelola")


@dataclass(frozen=True)
class Jenis:
    """What differs between kader and pengurus; everything else is shared."""
    model: type
    form: type
    schema: dict
    add: callable
    update: callable


JENIS = {
    "kader": Jenis(Kader, KaderForm, rules.KADER, service.add_kader, service.update_kader),
    "pengurus": Jenis(Pengurus, PengurusForm, rules.PENGURUS, service.add_pengurus, service.update_pengurus),
}


def _posyandu(pid: int, edit: bool = False) -> Posyandu:
    p = service.get_posyandu(pid)
    if p is None or not access.may_view_posyandu(current_user, p):
        abort(404)
    if edit and not access.may_edit_posyandu(current_user, p):
        access.deny(visible=True)
    return p


def _person(jenis: str, person_id: int, edit: bool = False):
    person = service.get_person(JENIS[jenis].model, person_id)
    if person is None or not access.may_view_posyandu(current_user, person.posyandu):
        abort(404)
    if edit and not access.may_edit_posyandu(current_user, person.posyandu):
        access.deny(visible=True)
    return person


def _raw(schema) -> dict:
    return {field: request.form.get(field) for field in schema}


def _editing(form_class, obj, schema):
    """The edit form of a stored record, remembering what it showed (asal-*) for a later three-way merge."""
    if request.method == "GET":
        shown = konflik.display(obj, schema)
        form = form_class(data={**shown, "version": obj.version})
        form.asal = shown
    else:
        form = form_class()
        form.asal = {field: request.form.get(f"asal-{field}", "") for field in schema}
    return form


def _show_errors(form, error: DomainError, schema: dict | None = None, shown: tuple[str, ...] = (),
                 notice: bool = False) -> int:
    """Puts a refusal beside its fields (formulir.show_errors); returns the status the error carries.

    A conflict first merges the user's input with today's values: what only the other person changed is taken over,
    what both changed is flagged, and the form moves to the current version so the next save is a knowing one. The
    page says what happened itself (the conflict box above the form; the services page its own box), so nothing is
    flashed. notice: the page shows a message no field holds itself, beside the form.
    """
    if isinstance(error, ConflictError):
        form.version.data = error.current.version
        if schema is not None:
            theirs = konflik.display(error.current, schema)
            merged, clashes = konflik.merge(schema, _raw(schema), getattr(form, "asal", {}), theirs)
            for field, value in merged.items():
                getattr(form, field).data = value
            for field in clashes:
                getattr(form, field).errors = [f"Juga diubah orang lain menjadi: {theirs[field] or '(kosong)'}. "
                                               "Isian Anda dipertahankan; periksa sebelum menyimpan."]
            form.asal = theirs
            form.clashes = clashes
        return error.status
    if notice and not error.errors:
        return error.status
    return formulir.show_errors(form, error, shown)


def _pribadi(p: Posyandu) -> bool:
    """May the user see the phones, birth dates, addresses (and masked NIK) of this Posyandu's people?"""
    return access.may_see_personal_data(current_user, p.desa_kode)


def _kelengkapan(p: Posyandu):
    return kelengkapan.untuk(p)


def _profile_context(p: Posyandu) -> dict:
    layanan = {b: [k for k in p.layanan if k.bidang == b] for b in BIDANG}
    kader_per_bidang = {b: sum(1 for k in p.kader if k.aktif and k.bidang == b) for b in BIDANG}
    may_set_pilot = access.may_set_pilot(current_user, p)
    return dict(p=p, path=wilayah.path(p.desa_kode) + [p.desa], syarat=_kelengkapan(p), layanan=layanan,
                kader_per_bidang=kader_per_bidang, may_edit=access.may_edit_posyandu(current_user, p),
                may_set_pilot=may_set_pilot, pilot_keadaan=_pilot_keadaan(p) if may_set_pilot else None,
                pribadi=_pribadi(p), kader_form=KaderForm(formdata=None),
                pengurus_form=PengurusForm(formdata=None), usulan=registrasi.terakhir(p.id),
                may_view_usulan=access.may_view_usulan(current_user, p),
                may_create_usulan=workflow.may(current_user, p, None, "buat") and p.aktif)


# --- the Posyandu ---------------------------------------------------------------------------------------------------

@bp.route("/posyandu/baru", methods=["GET", "POST"])
@access.staff(roles=access.EDITORS)
@caching.pribadi
def create():
    desa_kode = wilayah.parse_kode(request.values.get("desa") or access.own_desa(current_user))
    desa = wilayah.get(desa_kode)
    form = ProfilForm()
    status = 200
    if desa is not None and not access.may_create_posyandu(current_user, desa_kode):
        desa = None
    if request.method == "POST":
        if desa is None:
            flash("Pilih desa/kelurahan di wilayah kerja Anda dengan kode lengkap, mis. 63.09.12.2003.")
            status = 422
        else:
            try:
                p = service.create_posyandu(current_user, desa_kode, _raw(rules.PROFIL))
            except DomainError as e:
                status = _show_errors(form, e)
            else:
                flash(f"{p.nama} sudah dibuat. Lengkapi pengurus dan kadernya.")
                return redirect(url_for(".detail", pid=p.id), 303)
    pilihan = wilayah.desa_grouped(current_user.scope) if desa is None else None
    return render_template("kelola/posyandu_baru.html", form=form, desa=desa, desa_kode=desa_kode,
                           pilihan=pilihan), status


@bp.get("/posyandu/<int:pid>")
@access.staff
@caching.pribadi
def detail(pid: int):
    return render_template("kelola/posyandu.html", **_profile_context(_posyandu(pid)))


@bp.route("/posyandu/<int:pid>/ubah", methods=["GET", "POST"])
@access.staff(roles=access.EDITORS)
@caching.pribadi
def edit(pid: int):
    p = _posyandu(pid, edit=True)
    form = _editing(ProfilForm, p, rules.PROFIL)
    status = 200
    if request.method == "POST":
        try:
            service.update_posyandu(current_user, p, _raw(rules.PROFIL), form.version.data)
        except DomainError as e:
            status = _show_errors(form, e, rules.PROFIL)
        else:
            flash("Profil sudah disimpan.")
            return redirect(url_for(".detail", pid=p.id), 303)
    return render_template("kelola/posyandu_ubah.html", form=form, p=p, conflict=status == 409), status


@bp.route("/posyandu/<int:pid>/layanan", methods=["GET", "POST"])
@access.staff(roles=access.EDITORS)
def layanan(pid: int):
    p = _posyandu(pid, edit=True)
    form = VersionForm(obj=p) if request.method == "GET" else VersionForm()
    chosen = {k.id for k in p.layanan}
    status, error = 200, None
    if request.method == "POST":
        chosen = set(request.form.getlist("layanan"))
        try:
            service.set_layanan(current_user, p, list(chosen), form.version.data)
        except DomainError as e:
            status = _show_errors(form, e, shown=("layanan",))
            error = e.message if isinstance(e, ConflictError) else e.errors.get("layanan")
            chosen = {i for i in map(baca_id, chosen) if i is not None}
        else:
            flash("Layanan sudah disimpan.")
            return redirect(url_for(".detail", pid=p.id), 303)
    katalog = service.katalog()
    return render_template("kelola/layanan.html", p=p, form=form, chosen=chosen, error=error,
                           katalog={b: [k for k in katalog if k.bidang == b] for b in BIDANG}), status


@bp.route("/posyandu/<int:pid>/tutup", methods=["GET", "POST"])
@access.staff(roles=access.EDITORS)
def close(pid: int):
    p = _posyandu(pid, edit=True)
    form = TutupForm(obj=p) if request.method == "GET" else TutupForm()
    status = 200
    if request.method == "POST":
        try:
            service.close_posyandu(current_user, p, form.ditutup_tanggal.data, form.alasan_tutup.data,
                                   form.version.data)
        except DomainError as e:
            status = _show_errors(form, e)
        else:
            flash(f"{p.nama} dinonaktifkan. Datanya tetap tersimpan dan dapat diaktifkan kembali.")
            return redirect(url_for(".detail", pid=p.id), 303)
    return render_template("kelola/tutup.html", p=p, form=form), status


@bp.post("/posyandu/<int:pid>/buka")
@access.staff(roles=access.EDITORS)
def reopen(pid: int):
    p = _posyandu(pid, edit=True)
    try:
        service.reopen_posyandu(current_user, p, request.form.get("version"))
    except DomainError as e:
        formulir.show_errors(None, e)
    else:
        flash(f"{p.nama} aktif kembali.")
    return redirect(url_for(".detail", pid=p.id), 303)


@bp.post("/posyandu/<int:pid>/pilot")
@access.staff
def pilot(pid: int):
    if not access.may_choose_pilots(current_user):
        abort(403)
    p = _posyandu(pid)
    if not access.may_set_pilot(current_user, p):
        access.deny(visible=True)
    try:
        service.set_pilot(current_user, p, request.form.get("pilot") == "1", request.form.get("version"))
    except DomainError as e:
        formulir.show_errors(None, e)
    else:
        # Flagging beyond the target is allowed (the kabupaten chooses); the message says where it stands.
        flash(f"{'Ditandai sebagai pilot project' if p.pilot else 'Tanda pilot project dicabut'}. "
              f"{_pilot_keadaan(p)}")
    return redirect(url_for(".detail", pid=p.id), 303)


def _pilot_keadaan(p: Posyandu) -> str:
    """The kabupaten's active pilot projects (its rollup row, kept in step with every change) against the target."""
    jumlah = rekap.wilayah(ancestors(p.desa_kode)[1]).pilot
    target = current_app.config["PILOT_TARGET_PER_KABUPATEN"]
    if jumlah > target:
        return f"Target {target} pilot per kabupaten sudah terlampaui: kini {jumlah}."
    if jumlah == target:
        return f"Target {target} pilot per kabupaten tercapai: kini {jumlah}."
    return f"Kini {jumlah} dari target {target} pilot per kabupaten."


@bp.get("/posyandu/<int:pid>/riwayat")
@access.staff
@caching.pribadi
def riwayat(pid: int):
    p = _posyandu(pid)
    return render_template("kelola/riwayat.html", p=p, entries=riwayat_entries(p.id, _pribadi(p)))


# --- kader and pengurus ---------------------------------------------------------------------------------------------

def _row(jenis: str, person):
    """The person's row, and the kelengkapan box refreshed out of band."""
    p = person.posyandu
    return render_template(f"kelola/_{jenis}_row.html", person=person, p=p, may_edit=True, pribadi=_pribadi(p),
                           syarat=_kelengkapan(p), oob=True)


def _done(jenis: str, person, message: str):
    if caching.fragmen():
        return _row(jenis, person)
    flash(message)  # shown at the top of the profile, where the page opens
    return redirect(url_for(".detail", pid=person.posyandu_id), 303)


@bp.route("/posyandu/<int:pid>/<any(kader, pengurus):jenis>/baru", methods=["GET", "POST"])
@access.staff(roles=access.EDITORS)
@caching.pribadi
def person_add(pid: int, jenis: str):
    p = _posyandu(pid, edit=True)
    form = JENIS[jenis].form()
    status, notice = 200, None
    if request.method == "POST":
        try:
            person = JENIS[jenis].add(current_user, p, _raw(JENIS[jenis].schema))
        except DomainError as e:
            status = _show_errors(form, e, notice=True)
            notice = None if e.errors else e.message  # about the Posyandu, not one field
            if caching.fragmen():  # the refused form, and why in the live region beside it
                why = notice or "periksa isian yang ditandai."
                return render_template("kelola/_person_added.html", jenis=jenis, p=p, form=form, added=None,
                                       notice=notice, pesan=f"{jenis.capitalize()} belum ditambahkan: {why}"), status
        else:
            pesan = f"{'Kader' if jenis == 'kader' else person.jabatan_label} {person.nama} ditambahkan."
            if not caching.fragmen():
                flash(pesan)
                return redirect(url_for(".detail", pid=p.id), 303)
            response = make_response(render_template(
                "kelola/_person_added.html", jenis=jenis, p=p, added=person, pesan=pesan,
                form=JENIS[jenis].form(formdata=None), syarat=_kelengkapan(p), pribadi=_pribadi(p)))
            # The fresh form replaces the old one; the page then scrolls to the new row (appended out of band).
            response.headers["HX-Reswap"] = f"outerHTML show:#{jenis}-{person.id}:top"
            return response
    template = "kelola/_person_form.html" if caching.fragmen() else "kelola/person_form.html"
    return render_template(template, jenis=jenis, p=p, form=form, person=None, notice=notice), status


@bp.get("/<any(kader, pengurus):jenis>/<int:person_id>")
@access.staff
@caching.pribadi
def person_row(jenis: str, person_id: int):
    person = _person(jenis, person_id)
    if not caching.fragmen():  # the person's own page: their data (masked) and the kegiatan they attended
        return render_template("kelola/orang.html", jenis=jenis, person=person, p=person.posyandu,
                               kegiatan=kegiatan_service.riwayat_orang(jenis, person.id),
                               pribadi=_pribadi(person.posyandu))
    return render_template(f"kelola/_{jenis}_row.html", person=person, p=person.posyandu,
                           may_edit=access.may_edit_posyandu(current_user, person.posyandu),
                           pribadi=_pribadi(person.posyandu))


@bp.route("/<any(kader, pengurus):jenis>/<int:person_id>/ubah", methods=["GET", "POST"])
@access.staff(roles=access.EDITORS)
@caching.pribadi
def person_edit(jenis: str, person_id: int):
    person = _person(jenis, person_id, edit=True)
    schema = JENIS[jenis].schema
    form = _editing(JENIS[jenis].form, person, schema)
    status = 200
    if request.method == "POST":
        try:
            JENIS[jenis].update(current_user, person, _raw(schema), form.version.data)
        except DomainError as e:
            status = _show_errors(form, e, schema)
        else:
            return _done(jenis, person, f"Data {person.nama} sudah disimpan.")
    template = "kelola/_person_form.html" if caching.fragmen() else "kelola/person_form.html"
    return render_template(template, jenis=jenis, p=person.posyandu, form=form, person=person,
                           conflict=status == 409), status


@bp.post("/<any(kader, pengurus):jenis>/<int:person_id>/<any(nonaktifkan, aktifkan):aksi>")
@access.staff(roles=access.EDITORS)
@caching.pribadi
def person_active(jenis: str, person_id: int, aksi: str):
    person = _person(jenis, person_id, edit=True)
    try:
        service.set_person_active(current_user, person, aksi == "aktifkan", request.form.get("version"))
    except DomainError as e:
        if caching.fragmen():  # the row as it is now, with the reason
            return render_template(f"kelola/_{jenis}_row.html", person=person, p=person.posyandu, may_edit=True,
                                   pribadi=_pribadi(person.posyandu), notice=e.message), e.status
        formulir.show_errors(None, e)
        return redirect(url_for(".detail", pid=person.posyandu_id), 303)
    return _done(jenis, person, f"{person.nama} {'diaktifkan kembali' if person.aktif else 'dinonaktifkan'}.")


# --- the catalogue of activities ------------------------------------------------------------------------------------

@bp.route("/katalog", methods=["GET", "POST"])
@access.staff
def katalog():
    if not access.may_edit_katalog(current_user):  # a provincial admin: the catalogue is the nation's
        access.deny(visible=True)
    status, errors = 200, {}
    if request.method == "POST":
        try:
            service.save_katalog(current_user, request.form.get("id"), request.form.get("bidang"),
                                 request.form.get("nama"), request.form.get("aktif") == "1")
        except DomainError as e:
            status, errors = formulir.show_errors(None, e, shown=tuple(e.errors)), e.errors
        else:
            flash("Katalog kegiatan sudah disimpan.")
            return redirect(url_for(".katalog"), 303)
    items = service.katalog(only_active=False)
    return render_template("kelola/katalog.html", katalog={b: [k for k in items if k.bidang == b] for b in BIDANG},
                           errors=errors), status
