"""Accounts: create, deactivate, reactivate, reset password. Used by the UI and by `flask user create`."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import or_, select

from portal import access, audit, cari
from portal.domain import FormErrors
from portal.extensions import db
from portal.models.user import ROLE_LABEL, ROLE_LEVELS, ROLES, User
from portal.models.wilayah import Wilayah, is_valid_kode, level_of
from portal.wilayah_baca import parse_kode, search as search_wilayah

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
LEVEL_NAME = {0: "nasional (kosong)", 1: "provinsi", 2: "kabupaten/kota", 3: "kecamatan", 4: "desa/kelurahan"}
# No look-alike characters: the temporary password is read aloud or copied from a phone screen.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_password() -> str:
    groups = ["".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "-".join(groups)


def account_errors(actor: User | None, username: str, role: str, kode: str) -> dict[str, str]:
    """Every rule the account would break, by field, so a form shows them all in one answer (not the first only).

    actor None is the command line, which may create any account; a person only below their own role and inside
    their own scope (access.may_assign decides; this only words the refusal).
    """
    username, kode = (username or "").strip().lower(), parse_kode(kode)
    errors = {}
    if not USERNAME_PATTERN.match(username):
        errors["username"] = ("Nama pengguna 3–64 karakter: huruf kecil, angka, titik, garis bawah atau tanda "
                              "hubung, diawali huruf atau angka.")
    elif db.session.scalar(select(User.id).where(User.username == username)) is not None:
        errors["username"] = f"Nama pengguna '{username}' sudah dipakai."
    if role not in ROLES:
        errors["role"] = f"Peran '{role}' tidak dikenal. Pilihan: {', '.join(ROLES)}."
    elif actor is not None and role not in access.assignable_roles(actor):
        errors["role"] = "Anda hanya dapat membuat akun dengan peran di bawah peran Anda."
    if kode and not is_valid_kode(kode):
        errors["wilayah_kode"] = f"Kode wilayah '{kode}' tidak sah. Contoh: 63.09 atau 63.09.12.2003."
    elif kode and db.session.get(Wilayah, kode) is None:
        errors["wilayah_kode"] = f"Kode wilayah '{kode}' tidak ada dalam daftar Kemendagri."
    elif role in ROLES and not access.role_fits_kode(role, kode):
        wanted = " atau ".join(LEVEL_NAME[lv] for lv in ROLE_LEVELS[role])
        errors["wilayah_kode"] = (f"Peran {ROLE_LABEL[role]} memerlukan kode wilayah tingkat {wanted}; " + (
            f"'{kode}' adalah tingkat {LEVEL_NAME[level_of(kode)]}." if kode else
            "pilih wilayahnya dari pencarian, atau ketik kodenya."))
    elif actor is not None and "role" not in errors and not access.may_assign(actor, role, kode):
        if not access.in_scope(actor, kode):
            errors["wilayah_kode"] = (f"Kode {kode or '(kosong)'} di luar wilayah kerja Anda "
                                      f"({actor.scope or 'nasional'}).")
        else:
            wanted = " atau ".join(LEVEL_NAME[lv] for lv in access.assignable_levels(actor, role))
            errors["wilayah_kode"] = f"Akun {ROLE_LABEL[role]} yang dapat Anda buat memerlukan kode tingkat {wanted}."
    return errors


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise FormErrors(errors, " ".join(errors.values()))


def validate_account(username: str, role: str, kode: str) -> None:
    """The rules every account obeys, whoever creates it. Raises FormErrors naming each, in Indonesian."""
    _refuse(account_errors(None, username, role, kode))


def create_user(actor: User | None, *, username: str, name: str, role: str, wilayah_kode: str,
                password: str | None = None, min_length: int = 10) -> tuple[User, str]:
    """Creates an account. Without a password, a temporary one is generated and must be changed at first login.

    actor None is the command line, which may create any account; a person may only create accounts below their
    own role and inside their own scope.
    """
    username = (username or "").strip().lower()
    kode = parse_kode(wilayah_kode)
    name = (name or "").strip() or username
    errors = account_errors(actor, username, role, kode)
    if password is not None and len(password) < min_length:
        errors["password"] = f"Kata sandi minimal {min_length} karakter."
    _refuse(errors)
    temporary = password is None
    password = password or generate_password()
    user = User(username=username, name=name[:120], role=role, wilayah_kode=kode or None,
                must_change_password=temporary, created_by_id=actor.id if actor else None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "buat", user, wilayah_kode=user.wilayah_kode, changes=audit.diff(
        {}, {"username": username, "name": user.name, "role": role, "wilayah_kode": user.wilayah_kode}))
    db.session.commit()
    return user, password


def wilayah_pilihan(actor: User, q: str, role: str, limit: int = 10):
    """The regions matching q (a name, or the start of a code) that the manager may give an account of this role:
    inside their scope, of the role's level (without a role: any level some assignable role takes).
    Returns (regions with their path, whether there were more)."""
    roles = [role] if role in ROLES else access.assignable_roles(actor)
    levels = sorted({lv for r in roles for lv in access.assignable_levels(actor, r)})
    if not levels:
        return [], False
    found = search_wilayah(q, limit + 1, within=actor.scope, levels=levels)
    return found[:limit], len(found) > limit


def set_active(actor: User, target: User, active: bool) -> None:
    if target.active == active:
        return
    target.active = active
    target.session_version += 1
    audit.record(actor, "aktifkan" if active else "nonaktifkan", target, wilayah_kode=target.wilayah_kode,
                 changes={"active": [not active, active]})
    db.session.commit()


def reset_password(actor: User, target: User) -> str:
    password = generate_password()
    target.set_password(password)
    target.must_change_password = True
    target.session_version += 1
    audit.record(actor, "reset_password", target, wilayah_kode=target.wilayah_kode)
    db.session.commit()
    return password


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def search_users(actor: User, *, q: str = "", role: str = "", status: str = ""):
    """The accounts a manager may list, filtered."""
    stmt = select(User).where(access.users_in_scope(actor))
    q = cari.clean(q)
    if q:
        # A name (each word inside the username or the name), or the start of a region code.
        by_code = User.wilayah_kode.startswith(q, autoescape=True)
        by_name = cari.nama(q, User.username, User.name)
        stmt = stmt.where(by_code if by_name is None else or_(by_name, by_code))
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    if status in ("aktif", "nonaktif"):
        stmt = stmt.where(User.active.is_(status == "aktif"))
    return stmt.order_by(User.wilayah_kode, User.role, User.username)
