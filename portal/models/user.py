"""Staff accounts: one role and one kode wilayah each (DOMAIN.md §2)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.wilayah import KodeWilayah, Wilayah

ROLES = ("admin", "kabupaten", "kecamatan", "desa", "penyelenggara")
ROLE_LABEL = {
    "admin": "Admin (Dinas PMD Provinsi)",
    "kabupaten": "Kabupaten (DPMD / Tim Pembina)",
    "kecamatan": "Kecamatan (Tim Pembina)",
    "desa": "Operator desa/kelurahan",
    "penyelenggara": "Penyelenggara kegiatan",
}
# The levels of kode wilayah each role may hold; 0 is the empty, national code.
ROLE_LEVELS = {
    "admin": (0, 1),
    "kabupaten": (2,),
    "kecamatan": (3,),
    "desa": (4,),
    "penyelenggara": (1, 2, 3, 4),
}


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    # None only for a national admin.
    wilayah_kode: Mapped[str | None] = mapped_column(KodeWilayah, ForeignKey("wilayah.kode"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Bumped on password reset and deactivation: every session that carries the old value ends.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_login_at: Mapped[datetime | None]

    wilayah: Mapped[Wilayah | None] = relationship(lazy="joined")

    @property
    def scope(self) -> str:
        return self.wilayah_kode or ""

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def role_label(self) -> str:
        return ROLE_LABEL[self.role]

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role} {self.wilayah_kode}>"
