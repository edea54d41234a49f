from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from portal import access
from portal.auth import batas, service
from portal.auth.forms import LoginForm, PasswordForm
from portal.domain import DomainError
from portal.extensions import limiter

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "Nama pengguna atau kata sandi salah."
PASSWORD_THROTTLED = "Terlalu banyak percobaan kata sandi yang salah. Tunggu beberapa menit lalu coba lagi."


def _failed(response) -> bool:
    # Only failed attempts count against the limits.
    return response.status_code != 303


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_failed,
               scope="login-ip")
@access.public
def login():
    form = LoginForm()
    next_url = service.safe_next(request.args.get("next"))
    if access.is_staff(current_user) and request.method == "GET":
        return redirect(next_url or url_for("beranda.index"))
    if form.validate_on_submit():
        username = service.normalize_username(form.username.data)
        if batas.habis("login-user", username, "LOGIN_LIMIT_PER_USERNAME"):
            abort(429)  # even the right password waits
        user = service.authenticate(username, form.password.data)
        if user is None:
            batas.gagal("login-user", username, "LOGIN_LIMIT_PER_USERNAME")
        else:
            session.clear()
            login_user(user)
            if user.must_change_password:
                return redirect(url_for("auth.password"), 303)
            return redirect(next_url or url_for("beranda.index"), 303)
        form.password.errors.append(LOGIN_FAILED)
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form, next=next_url), status


@bp.errorhandler(429)
def login_throttled(_error):
    form = LoginForm()
    form.password.errors = ["Terlalu banyak percobaan masuk yang gagal. Tunggu beberapa menit lalu coba lagi."]
    return render_template("auth/login.html", form=form, next=service.safe_next(request.args.get("next"))), 429


@bp.post("/logout")
@access.public
def logout():
    """Ends the session on the server too: a copy of the cookie (or a remember-me cookie) carries the old session
    version and no longer loads the account. Sessions are signed cookies, so this ends the account's other sessions
    as well."""
    if access.is_staff(current_user):
        service.end_sessions(current_user)
    logout_user()
    session.clear()
    flash("Anda sudah keluar. Sesi akun ini di perangkat lain juga berakhir.")
    return redirect(url_for("public.home"), 303)


@bp.route("/akun/password", methods=["GET", "POST"])
@access.staff(allow_password_change_pending=True)
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        key = str(current_user.id)
        if batas.habis("password-user", key, "PASSWORD_CHECK_LIMIT"):
            form.current_password.errors.append(PASSWORD_THROTTLED)
            return render_template("auth/password.html", form=form), 429
        try:
            service.change_own_password(current_user, form.current_password.data, form.new_password.data,
                                        current_app.config["PASSWORD_MIN_LENGTH"])
        except DomainError as e:
            getattr(form, e.field).errors.append(e.message)
            if e.field == "current_password":
                batas.gagal("password-user", key, "PASSWORD_CHECK_LIMIT")
        else:
            login_user(current_user._get_current_object())  # the session version changed; keep this session, end the others
            flash("Kata sandi sudah diganti. Sesi di perangkat lain telah diakhiri.")
            return redirect(url_for("beranda.index"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form), status
