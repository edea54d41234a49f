"""Registrasi Nasional (DOMAIN.md §5): the usulan of a Posyandu, the steps it took, its documents, and the batches
(tahap) the kabupaten sends to Kemendagri.

An usulan is one attempt to register one Posyandu. portal/registrasi/workflow.py is the only code that moves it from
state to state; each move is a LangkahUsulan (who, when, from, to, note), never edited. Posyandu.status_registrasi
and .nomor_registrasi mirror the Posyandu's latest usulan for the directory and the rollups. Documents are never
deleted: a replaced or withdrawn one keeps its row (aktif False) and its file.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.berkas import Berkas
from portal.models.posyandu import Posyandu
from portal.models.status_registrasi import STATUS_USULAN
from portal.models.user import User
from portal.models.wilayah import KodeWilayah, Wilayah

JENIS_DOKUMEN = {
    "berita_acara": "Berita acara musyawarah desa",
    "sk": "SK pembentukan Posyandu",
    "daftar": "Daftar pengurus dan kader",
    "sk_tim_pembina": "SK Tim Pembina Posyandu Desa",
}

STATUS_TAHAP = {"disusun": "Sedang disusun", "dikirim": "Dikirim ke Kemendagri"}


class Tahap(db.Model):
    """"Usulan Tahap N" of one kabupaten: put together while disusun, frozen once dikirim."""
    __tablename__ = "tahap"

    id: Mapped[int] = mapped_column(primary_key=True)
    kabupaten_kode: Mapped[str] = mapped_column(KodeWilayah, ForeignKey("wilayah.kode"))
    nomor: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="disusun")
    nomor_surat: Mapped[str | None] = mapped_column(String(120))
    dikirim_tanggal: Mapped[date | None]
    dikirim_oleh_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dibuat_oleh_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    keterangan: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    usulan: Mapped[list[Usulan]] = relationship(back_populates="tahap")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("kabupaten_kode", "nomor", name="uq_tahap_kabupaten_nomor"),)

    @property
    def nama(self) -> str:
        return f"Usulan Tahap {romawi(self.nomor)}"

    @property
    def status_label(self) -> str:
        return STATUS_TAHAP[self.status]


class Usulan(db.Model):
    __tablename__ = "usulan"

    id: Mapped[int] = mapped_column(primary_key=True)
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"))
    # 1 for the first attempt of this Posyandu, 2 for the next…
    percobaan: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(24), default="draf")
    tahap_id: Mapped[int | None] = mapped_column(ForeignKey("tahap.id"), index=True)
    nomor_registrasi: Mapped[str | None] = mapped_column(String(40), unique=True)
    # The profile, pengurus and kader as the desa submitted them (registrasi/service.py potret()): what the verifiers
    # compare with the profile of today, and what the list for the ministry counts.
    potret: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    dibuat_oleh_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    posyandu: Mapped[Posyandu] = relationship()
    tahap: Mapped[Tahap | None] = relationship(back_populates="usulan")
    langkah: Mapped[list[LangkahUsulan]] = relationship(back_populates="usulan",
                                                        order_by="(LangkahUsulan.pada, LangkahUsulan.id)")
    dokumen: Mapped[list[DokumenUsulan]] = relationship(back_populates="usulan",
                                                       order_by="(DokumenUsulan.jenis, DokumenUsulan.id)")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("posyandu_id", "percobaan", name="uq_usulan_posyandu_percobaan"),
                      Index("ix_usulan_status", "status", "posyandu_id"))

    @property
    def status_label(self) -> str:
        return STATUS_USULAN[self.status]

    @property
    def dokumen_aktif(self) -> dict[str, DokumenUsulan]:
        return {d.jenis: d for d in self.dokumen if d.aktif}


class LangkahUsulan(db.Model):
    """One move of an usulan: the timeline everybody involved sees. Written once, never changed."""
    __tablename__ = "langkah_usulan"

    id: Mapped[int] = mapped_column(primary_key=True)
    usulan_id: Mapped[int] = mapped_column(ForeignKey("usulan.id"), index=True)
    aksi: Mapped[str] = mapped_column(String(30))
    dari: Mapped[str | None] = mapped_column(String(24))
    ke: Mapped[str] = mapped_column(String(24))
    # None: recorded by the system (demo data, the command line).
    oleh_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    peran: Mapped[str | None] = mapped_column(String(20))
    pada: Mapped[datetime] = mapped_column(default=utcnow)
    catatan: Mapped[str | None] = mapped_column(Text)
    # The number a registrasi or koreksi_nomor step recorded, and the one a correction replaced: the timeline keeps
    # every number the usulan ever carried.
    nomor: Mapped[str | None] = mapped_column(String(40))
    nomor_lama: Mapped[str | None] = mapped_column(String(40))
    # The kecamatan a kabupaten account acted for (verifikasi_an_kecamatan: that kecamatan has no account).
    atas_nama: Mapped[str | None] = mapped_column(KodeWilayah, ForeignKey("wilayah.kode"))
    # A return (kembalikan): the kinds of document (JENIS_DOKUMEN) the desa must upload again.
    perbaikan: Mapped[list[str] | None] = mapped_column(JSON)

    usulan: Mapped[Usulan] = relationship(back_populates="langkah")
    oleh: Mapped[User | None] = relationship()
    atas_nama_wilayah: Mapped[Wilayah | None] = relationship()

    @property
    def ke_label(self) -> str:
        return STATUS_USULAN[self.ke]


class DokumenUsulan(Berkas, db.Model):
    __tablename__ = "dokumen_usulan"

    usulan_id: Mapped[int] = mapped_column(ForeignKey("usulan.id"), index=True)
    jenis: Mapped[str] = mapped_column(String(20))

    usulan: Mapped[Usulan] = relationship(back_populates="dokumen")

    @property
    def jenis_label(self) -> str:
        return JENIS_DOKUMEN[self.jenis]


_ROMAWI = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
           (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def romawi(n: int) -> str:
    """Tahap I, II, III… as the kabupaten letters say."""
    out = []
    for value, letters in _ROMAWI:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)
