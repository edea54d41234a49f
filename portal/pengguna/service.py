"""Accounts: create, deactivate, reactivate, reset password. Used by the UI and by `flask user create`."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import func, or_, select

from portal import access, audit
from portal.domain import DomainError
from portal.extensions import db
from portal.models.user import ROLE_LABEL, ROLE_LEVELS, ROLES, User
from portal.models.wilayah import Wilayah, is_valid_kode, level_of
from portal.wilayah.service import parse_kode

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
LEVEL_NAME = {0: "nasional (kosong)", 1: "provinsi", 2: "kabupaten/kota", 3: "kecamatan", 4: "desa/kelurahan"}
# No look-alike characters: the temporary password is read aloud or copied from a phone screen.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_password() -> str:
    groups = ["".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "-".join(groups)


def validate_account(username: str, role: str, kode: str) -> None:
    """The rules every account obeys, whoever creates it. Raises DomainError in Indonesian."""
    if not USERNAME_PATTERN.match(username):
        raise DomainError("Nama pengguna 3–64 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung, "
                          "diawali huruf atau angka.", "username")
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise DomainError(f"Nama pengguna '{username}' sudah dipakai.", "username")
    if role not in ROLES:
        raise DomainError(f"Peran '{role}' tidak dikenal. Pilihan: {', '.join(ROLES)}.", "role")
    if kode and not is_valid_kode(kode):
        raise DomainError(f"Kode wilayah '{kode}' tidak sah. Contoh: 63.09 atau 63.09.12.2003.", "wilayah_kode")
    if kode and db.session.get(Wilayah, kode) is None:
        raise DomainError(f"Kode wilayah '{kode}' tidak ada dalam daftar Kemendagri.", "wilayah_kode")
    if not access.role_fits_kode(role, kode):
        wanted = " atau ".join(LEVEL_NAME[lv] for lv in ROLE_LEVELS[role])
        raise DomainError(f"Peran {ROLE_LABEL[role]} memerlukan kode wilayah tingkat {wanted}; "
                          f"'{kode or '(kosong)'}' adalah tingkat {LEVEL_NAME[level_of(kode)]}.", "wilayah_kode")


def create_user(actor: User | None, *, username: str, name: str, role: str, wilayah_kode: str,
                password: str | None = None, min_length: int = 10) -> tuple[User, str]:
    """Creates an account. Without a password, a temporary one is generated and must be changed at first login.

    actor None is the command line, which may create any account; a person may only create accounts below their
    own role and inside their own scope.
    """
    username = (username or "").strip().lower()
    kode = parse_kode(wilayah_kode)
    name = (name or "").strip() or username
    validate_account(username, role, kode)
    if actor is not None and not access.may_assign(actor, role, kode):
        if role not in access.assignable_roles(actor):
            raise DomainError("Anda hanya dapat membuat akun dengan peran di bawah peran Anda.", "role")
        raise DomainError(f"Kode {kode or '(kosong)'} di luar wilayah kerja Anda ({actor.scope or 'nasional'}).",
                          "wilayah_kode")
    if password is not None and len(password) < min_length:
        raise DomainError(f"Kata sandi minimal {min_length} karakter.", "password")
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


def search_users(actor: User, *, q: str = "", role: str = "", status: str = ""):
    """The accounts a manager may list, filtered."""
    stmt = select(User).where(access.users_in_scope(actor))
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(User.username.like(like), func.lower(User.name).like(like),
                              User.wilayah_kode.like(f"{q}%")))
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    if status in ("aktif", "nonaktif"):
        stmt = stmt.where(User.active.is_(status == "aktif"))
    return stmt.order_by(User.wilayah_kode, User.role, User.username)
