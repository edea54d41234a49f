from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, caching, cari, halaman
from portal.domain import FormErrors
from portal.models.user import ROLE_LABEL, ROLES, User
from portal.pengguna import riwayat, service
from portal.pengguna.forms import UserForm

bp = Blueprint("pengguna", __name__, url_prefix="/pengguna")
managers = access.staff(roles=access.USER_MANAGERS)


def _target(user_id: int) -> User:
    target = service.get_user(user_id)
    if target is None or not access.may_see_user(current_user, target):
        abort(404)
    return target


@bp.get("")
@managers
@caching.pribadi
def index():
    q = cari.clean(request.args.get("q"))
    role = request.args.get("role", "")
    status = request.args.get("status", "")
    h = halaman.paginate(service.search_users(current_user, q=q, role=role, status=status))
    template = "pengguna/_rows.html" if caching.fragmen() else "pengguna/index.html"
    return render_template(template, h=h, q=q, role=role, status=status, roles=ROLES, role_label=ROLE_LABEL)


@bp.route("/baru", methods=["GET", "POST"])
@managers
@caching.pribadi
def create():
    # A search for the region (GET, with the form's other values so none is lost) or, from htmx, just its list.
    form = UserForm(request.args) if request.method == "GET" and request.args else UserForm()
    form.set_roles(access.assignable_roles(current_user))
    pilih = request.values.get("wilayah_pilih", "").strip()
    if pilih:  # a region picked from the list wins over the typed code
        form.wilayah_kode.data = pilih
    status = 200
    if request.method == "POST":
        # Every error at once: the form's own checks (required, lengths) and the account rules (role, region).
        form.validate()
        if form.errors:
            refused = service.account_errors(current_user, form.username.data, form.role.data,
                                             form.wilayah_kode.data)
        else:
            try:
                user, password = service.create_user(
                    current_user, username=form.username.data, name=form.name.data, role=form.role.data,
                    wilayah_kode=form.wilayah_kode.data, min_length=current_app.config["PASSWORD_MIN_LENGTH"])
            except FormErrors as e:
                refused = e.errors
            else:
                return render_template("pengguna/password.html", target=user, password=password, created=True)
        for field, message in refused.items():
            if field in form and not form[field].errors:
                form[field].errors.append(message)
        status = 422
    pilihan = _wilayah_pilihan(form)
    if request.method == "GET" and caching.fragmen():
        return render_template("pengguna/_wilayah.html", form=form, oob=True, **pilihan)
    return render_template("pengguna/form.html", form=form, **pilihan), status


def _wilayah_pilihan(form) -> dict:
    cari = (form.wilayah_cari.data or "").strip()[:100]
    found, more = service.wilayah_pilihan(current_user, cari, form.role.data) if cari else ([], False)
    return dict(cari=cari, pilihan=found, lebih=more)


@bp.get("/<int:user_id>")
@managers
@caching.pribadi
def detail(user_id: int):
    target = _target(user_id)
    return render_template("pengguna/detail.html", target=target, history=riwayat.entries(target))


@bp.post("/<int:user_id>/nonaktifkan")
@managers
def deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/<int:user_id>/aktifkan")
@managers
def reactivate(user_id: int):
    return _set_active(user_id, True)


# CSRFProtect checks the token of every POST before these run.
def _set_active(user_id: int, active: bool):
    target = _target(user_id)
    if not access.may_manage_user(current_user, target):
        access.deny(visible=True)
    service.set_active(current_user, target, active)
    flash(f"Akun {target.username} sudah {'diaktifkan' if active else 'dinonaktifkan'}.")
    return redirect(url_for(".detail", user_id=target.id), 303)


@bp.post("/<int:user_id>/reset-password")
@managers
@caching.pribadi
def reset_password(user_id: int):
    target = _target(user_id)
    if not access.may_manage_user(current_user, target):
        access.deny(visible=True)
    password = service.reset_password(current_user, target)
    return render_template("pengguna/password.html", target=target, password=password, created=False)
