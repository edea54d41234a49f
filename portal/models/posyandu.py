"""Posyandu and their kader: the institutional record (DOMAIN.md §1, §4).

Only what the rollups need so far; the full profile grows here.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.wilayah import KodeWilayah, Wilayah

# The six SPM fields, in the order of Permendagri 13/2024.
BIDANG = {
    "pendidikan": "Pendidikan",
    "kesehatan": "Kesehatan",
    "pu": "Pekerjaan Umum",
    "perumahan": "Perumahan Rakyat",
    "trantibumlinmas": "Trantibumlinmas",
    "sosial": "Sosial",
}


class Posyandu(db.Model):
    __tablename__ = "posyandu"

    id: Mapped[int] = mapped_column(primary_key=True)
    nama: Mapped[str] = mapped_column(String(120))
    desa_kode: Mapped[str] = mapped_column(KodeWilayah, ForeignKey("wilayah.kode"), index=True)
    aktif: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    desa: Mapped[Wilayah] = relationship()
    kader: Mapped[list[Kader]] = relationship(back_populates="posyandu")


class Kader(db.Model):
    __tablename__ = "kader"

    id: Mapped[int] = mapped_column(primary_key=True)
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"), index=True)
    nama: Mapped[str] = mapped_column(String(120))
    # Each kader serves exactly one bidang.
    bidang: Mapped[str] = mapped_column(String(20))
    aktif: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    posyandu: Mapped[Posyandu] = relationship(back_populates="kader")
