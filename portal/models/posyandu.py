"""Posyandu, their services, pengurus and kader: the institutional record (DOMAIN.md §1, §4).

Nothing here is ever hard-deleted: a Posyandu is closed with a date, a person is set inactive.
Every record carries a version; SQLAlchemy refuses an UPDATE whose version moved underneath it.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.status_registrasi import KELOMPOK_STATUS, STATUS_REGISTRASI  # noqa: F401 (their old home)
from portal.models.wilayah import KodeWilayah, Wilayah

# The six SPM fields, in the order of Permendagri 13/2024. Keys are fixed; labels are what the UI says.
BIDANG = {
    "pendidikan": "Pendidikan",
    "kesehatan": "Kesehatan",
    "pu": "Pekerjaan Umum",
    "perumahan": "Perumahan Rakyat",
    "trantibumlinmas": "Trantibumlinmas",
    "sosial": "Sosial",
}
BIDANG_SINGKAT = {"pendidikan": "Pend.", "kesehatan": "Kes.", "pu": "PU", "perumahan": "Perum.",
                  "trantibumlinmas": "Trantib.", "sosial": "Sos."}
JABATAN = {"ketua": "Ketua", "sekretaris": "Sekretaris", "bendahara": "Bendahara", "koordinator": "Koordinator bidang"}
# Kemenkes levels of kader competence.
LEVEL_KADER = {"purwa": "Purwa", "madya": "Madya", "utama": "Utama"}
JENIS_KELAMIN = {"L": "Laki-laki", "P": "Perempuan"}
# Bits of Posyandu.layanan_bidang: which bidang it runs at least one activity in.
BIT_BIDANG = {b: 1 << i for i, b in enumerate(BIDANG)}

class KatalogKegiatan(db.Model):
    """The catalogue of activities per bidang (DOMAIN.md §4), seeded by a migration, edited by admin."""
    __tablename__ = "katalog_kegiatan"

    id: Mapped[int] = mapped_column(primary_key=True)
    bidang: Mapped[str] = mapped_column(String(20), index=True)
    nama: Mapped[str] = mapped_column(String(200))
    urutan: Mapped[int] = mapped_column(default=0)
    aktif: Mapped[bool] = mapped_column(default=True)


posyandu_layanan = Table(
    "posyandu_layanan", db.metadata,
    Column("posyandu_id", ForeignKey("posyandu.id"), primary_key=True),
    Column("kegiatan_id", ForeignKey("katalog_kegiatan.id"), primary_key=True, index=True),
)


class Posyandu(db.Model):
    __tablename__ = "posyandu"

    id: Mapped[int] = mapped_column(primary_key=True)
    nama: Mapped[str] = mapped_column(String(120))
    desa_kode: Mapped[str] = mapped_column(KodeWilayah, ForeignKey("wilayah.kode"))
    dusun: Mapped[str | None] = mapped_column(String(80))
    rt: Mapped[str | None] = mapped_column(String(3))
    rw: Mapped[str | None] = mapped_column(String(3))
    alamat: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    sk_nomor: Mapped[str | None] = mapped_column(String(100))
    sk_tanggal: Mapped[date | None]
    musdes_tanggal: Mapped[date | None]
    hari_buka: Mapped[str | None] = mapped_column(String(100))
    kontak: Mapped[str | None] = mapped_column(String(16))  # E.164
    aktif: Mapped[bool] = mapped_column(default=True)
    ditutup_tanggal: Mapped[date | None]
    alasan_tutup: Mapped[str | None] = mapped_column(Text)
    pilot: Mapped[bool] = mapped_column(default=False)
    status_registrasi: Mapped[str] = mapped_column(String(24), default="belum", server_default="belum")
    nomor_registrasi: Mapped[str | None] = mapped_column(String(40), unique=True)
    # Derived from the records by portal/rekap.py at every commit, never edited: they keep the directory and the
    # rollups fast at national scale.
    lengkap: Mapped[bool] = mapped_column(default=False, server_default=false())
    layanan_bidang: Mapped[int] = mapped_column(default=0, server_default="0")  # BIT_BIDANG
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    desa: Mapped[Wilayah] = relationship()
    kader: Mapped[list[Kader]] = relationship(back_populates="posyandu", order_by="Kader.nama")
    pengurus: Mapped[list[Pengurus]] = relationship(back_populates="posyandu", order_by="Pengurus.id")
    layanan: Mapped[list[KatalogKegiatan]] = relationship(secondary=posyandu_layanan,
                                                          order_by="KatalogKegiatan.urutan")

    __mapper_args__ = {"version_id_col": version}
    # The directory's orders: by wilayah (also serves the wilayah filter), by name, the most recently updated.
    # A status or the pilot projects alone are rare enough to need their own way in (the latter a partial index).
    __table_args__ = (Index("ix_posyandu_desa_nama", "desa_kode", "nama", "id"), Index("ix_posyandu_nama", "nama", "id"),
                      Index("ix_posyandu_updated_at", "updated_at", "id"),
                      Index("ix_posyandu_status", "status_registrasi", "desa_kode", "nama", "id"),
                      Index("ix_posyandu_pilot", "desa_kode", "nama", "id", sqlite_where=text("pilot = 1"),
                            postgresql_where=text("pilot")))

    @property
    def status_label(self) -> str:
        return STATUS_REGISTRASI[self.status_registrasi]

    @property
    def bidang_layanan(self) -> list[str]:
        return [b for b, bit in BIT_BIDANG.items() if self.layanan_bidang & bit]


# The directory's search index: every word of a Posyandu's name, its desa and its kecamatan, folded by portal/teks.py.
# A word typed is looked up as a prefix, an index range scan on (kata, posyandu_id).
posyandu_kata = Table(
    "posyandu_kata", db.metadata,
    Column("kata", String(40).with_variant(String(40, collation="C"), "postgresql"), primary_key=True),
    Column("posyandu_id", ForeignKey("posyandu.id"), primary_key=True, index=True),
)


class Pengurus(db.Model):
    """Ketua, sekretaris, bendahara and one koordinator per bidang. They may live outside the desa."""
    __tablename__ = "pengurus"

    id: Mapped[int] = mapped_column(primary_key=True)
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"), index=True)
    jabatan: Mapped[str] = mapped_column(String(20))
    bidang: Mapped[str | None] = mapped_column(String(20))  # koordinator only
    nama: Mapped[str] = mapped_column(String(120))
    jenis_kelamin: Mapped[str | None] = mapped_column(String(1))
    telepon: Mapped[str | None] = mapped_column(String(16))  # E.164
    alamat: Mapped[str | None] = mapped_column(String(200))
    aktif: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    posyandu: Mapped[Posyandu] = relationship(back_populates="pengurus")

    __mapper_args__ = {"version_id_col": version}

    @property
    def jabatan_label(self) -> str:
        if self.jabatan == "koordinator" and self.bidang:
            return f"Koordinator {BIDANG[self.bidang]}"
        return JABATAN[self.jabatan]


class Kader(db.Model):
    __tablename__ = "kader"

    id: Mapped[int] = mapped_column(primary_key=True)
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"), index=True)
    nama: Mapped[str] = mapped_column(String(120))
    jenis_kelamin: Mapped[str | None] = mapped_column(String(1))
    tanggal_lahir: Mapped[date | None]
    telepon: Mapped[str | None] = mapped_column(String(16))  # E.164
    # Personal data (UU 27/2022): masked on every page but the person's own edit form; never public or exported.
    nik: Mapped[str | None] = mapped_column(String(16), unique=True)
    # Each kader serves exactly one bidang.
    bidang: Mapped[str] = mapped_column(String(20))
    level: Mapped[str | None] = mapped_column(String(10))
    aktif: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    posyandu: Mapped[Posyandu] = relationship(back_populates="kader")

    __mapper_args__ = {"version_id_col": version}

    @property
    def nik_tersamar(self) -> str:
        return mask_nik(self.nik)


def mask_nik(nik: str | None) -> str:
    """************1234: enough to tell two people apart, not enough to use."""
    if not nik:
        return "–"
    return "*" * (len(nik) - 4) + nik[-4:]
