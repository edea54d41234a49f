"""The columns of a stored document (a dossier's, an SK's): what the uploader named it, where it lies, what its
content is. The file lies under a random name; nothing is deleted, a replaced or withdrawn one is marked inactive."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from portal.models.base import utcnow
from portal.models.user import User


class Berkas:
    id: Mapped[int] = mapped_column(primary_key=True)
    # As the uploader named it (shown, never used as a path).
    nama_berkas: Mapped[str] = mapped_column(String(200))
    berkas: Mapped[str] = mapped_column(String(64), unique=True)
    # Read from the content, not from the name or the browser.
    tipe: Mapped[str] = mapped_column(String(40))
    ukuran: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    aktif: Mapped[bool] = mapped_column(default=True)
    diunggah_oleh_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    diunggah_pada: Mapped[datetime] = mapped_column(default=utcnow)
    dinonaktifkan_pada: Mapped[datetime | None]

    @declared_attr
    def diunggah_oleh(cls) -> Mapped[User | None]:
        return relationship()
