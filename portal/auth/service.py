"""Logging in, sessions, own password."""
from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from portal import audit
from portal.bilangan import bulat
from portal.domain import DomainError
from portal.extensions import db
from portal.models.base import baca_id, utcnow
from portal.models.user import User

# Checked when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("tidak-ada-akun-ini")


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the id carries the session version, so a reset or deactivation ends old sessions."""
    pk, _, version = (user_id or "").partition(":")
    pk, version = baca_id(pk), bulat(version)
    if pk is None or version is None:
        return None
    user = db.session.get(User, pk)
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def authenticate(username: str, password: str) -> User | None:
    """The account, when the username and password match an active account; otherwise None."""
    user = db.session.scalar(select(User).where(User.username == normalize_username(username)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


def check_new_password(user: User, new: str, min_length: int) -> None:
    if len(new) < min_length:
        raise DomainError(f"Kata sandi minimal {min_length} karakter.", "new_password")
    if new.lower() == user.username or new.lower() in user.name.lower():
        raise DomainError("Kata sandi tidak boleh sama dengan nama pengguna atau nama.", "new_password")
    if user.check_password(new):
        raise DomainError("Kata sandi baru harus berbeda dari yang lama.", "new_password")


def change_own_password(user: User, current: str, new: str, min_length: int) -> None:
    if not user.check_password(current):
        raise DomainError("Kata sandi saat ini salah.", "current_password")
    check_new_password(user, new, min_length)
    user.set_password(new)
    user.must_change_password = False
    user.session_version += 1
    audit.record(user, "ganti_password", user, wilayah_kode=user.wilayah_kode)
    db.session.commit()


def end_sessions(user: User) -> None:
    """Logout: every session and remember-me cookie of the account carries the old version and stops loading it."""
    user.session_version += 1
    db.session.commit()


def safe_next(target: str | None) -> str | None:
    """A redirect target on this site only: a path, never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
