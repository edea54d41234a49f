"""Laporan bulanan 6 SPM (issue 16; DOMAIN.md §3, §9): what a Posyandu did in one month, and the catalogue of what it
reports.

- Indikator: one indicator of one year's catalogue — national (wilayah_kode None) or a provinsi's or kabupaten's own
  additions — per bidang (or kelembagaan), a count or a yes/no, typed in or computed (sumber: from the referral
  register, the opening days, the kader present). No official monthly 6-SPM form exists: the catalogue is data.
- Laporan: one Posyandu, one period (YYYY-MM), one state (STATUS_LAPORAN), moved only by portal/laporan/workflow.py.
- NilaiLaporan: one indicator's value in one report, with the indicator's code, label, unit and kind copied in when
  the report was made, so a later change of the catalogue never changes a report.
- LangkahLaporan: one move of a report, the timeline everybody involved sees; written once.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.langkah import Langkah
from portal.models.posyandu import BIDANG, Posyandu
from portal.models.wilayah import KodeWilayah

STATUS_LAPORAN = {
    "draf": "Draf",
    "dikirim": "Dikirim ke kecamatan",
    "dikembalikan": "Dikembalikan untuk perbaikan",
    "diterima_kecamatan": "Diterima kecamatan",
    "diterima_kabupaten": "Diterima kabupaten (terkunci)",
}
# The states in which the desa (or its kader) may still change the report.
STATUS_SUNTING_LAPORAN = ("draf", "dikembalikan")
# What a report is about beyond the six bidang: the Posyandu as an institution (opening days, kader, meetings).
BIDANG_LAPORAN = {**BIDANG, "kelembagaan": "Kelembagaan"}
JENIS_INDIKATOR = {"jumlah": "Jumlah", "ya_tidak": "Ya/tidak"}
# Where a value comes from: typed in, or counted by the portal (never typed again).
SUMBER_INDIKATOR = {"isian": "Diisi kader", "rujukan": "Dihitung dari register rujukan",
                    "hari_buka": "Dihitung dari hari buka", "kader_hadir": "Dihitung dari kader hadir"}
PERIODE_POLA = r"^(20[0-9]{2})-(0[1-9]|1[0-2])$"


class Indikator(db.Model):
    __tablename__ = "indikator"

    id: Mapped[int] = mapped_column(primary_key=True)
    tahun: Mapped[int] = mapped_column(index=True)
    # None: the national catalogue; a provinsi or kabupaten/kota: its own additions for the Posyandu inside it.
    wilayah_kode: Mapped[str | None] = mapped_column(KodeWilayah, ForeignKey("wilayah.kode"))
    bidang: Mapped[str] = mapped_column(String(20))  # BIDANG_LAPORAN
    kode: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    satuan: Mapped[str] = mapped_column(String(30))
    jenis: Mapped[str] = mapped_column(String(10), default="jumlah")  # JENIS_INDIKATOR
    sumber: Mapped[str] = mapped_column(String(12), default="isian")  # SUMBER_INDIKATOR
    # For sumber rujukan: which referrals it counts, "<bidang>:<jenis>:<status>" (issue 16's register).
    rumus: Mapped[str | None] = mapped_column(String(80))
    urutan: Mapped[int] = mapped_column(default=0)
    aktif: Mapped[bool] = mapped_column(default=True, server_default=true())
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("tahun", "wilayah_kode", "kode", name="uq_indikator_tahun_wilayah_kode"),
        # NULLs are distinct in a unique constraint: the national catalogue's codes are unique by their own index.
        Index("uq_indikator_nasional", "tahun", "kode", unique=True, sqlite_where=text("wilayah_kode IS NULL"),
              postgresql_where=text("wilayah_kode IS NULL")),
    )

    @property
    def bidang_label(self) -> str:
        return BIDANG_LAPORAN.get(self.bidang, self.bidang)


class Laporan(db.Model):
    __tablename__ = "laporan"

    id: Mapped[int] = mapped_column(primary_key=True)
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"))
    # Its desa, copied in: rollups and queues select by region without a join.
    desa_kode: Mapped[str] = mapped_column(KodeWilayah, ForeignKey("wilayah.kode"))
    periode: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    status: Mapped[str] = mapped_column(String(24), default="draf")
    # The days it opened this month (ISO dates), and how many kader served.
    hari_buka: Mapped[list[str]] = mapped_column(JSON, default=list)
    kader_hadir: Mapped[int | None]
    # A note per bidang (BIDANG_LAPORAN key → text).
    catatan: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    dibuat_oleh_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dikirim_pada: Mapped[datetime | None]
    diterima_pada: Mapped[datetime | None]  # by the kabupaten: locked from then on
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    posyandu: Mapped[Posyandu] = relationship()
    nilai: Mapped[list[NilaiLaporan]] = relationship(back_populates="laporan", order_by="NilaiLaporan.urutan",
                                                     cascade="all, delete-orphan")
    langkah: Mapped[list[LangkahLaporan]] = relationship(back_populates="laporan", order_by="LangkahLaporan.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("posyandu_id", "periode", name="uq_laporan_posyandu_periode"),
        # The queues and the completeness of a period in a region: by period, then code range.
        Index("ix_laporan_periode_desa", "periode", "desa_kode", "status"),
    )

    @property
    def status_label(self) -> str:
        return STATUS_LAPORAN[self.status]

    @property
    def nilai_per_kode(self) -> dict[str, NilaiLaporan]:
        return {n.kode: n for n in self.nilai}


class NilaiLaporan(db.Model):
    __tablename__ = "nilai_laporan"

    id: Mapped[int] = mapped_column(primary_key=True)
    laporan_id: Mapped[int] = mapped_column(ForeignKey("laporan.id"))
    # The indicator as the catalogue had it when the report was made.
    kode: Mapped[str] = mapped_column(String(40))
    bidang: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200))
    satuan: Mapped[str] = mapped_column(String(30))
    jenis: Mapped[str] = mapped_column(String(10))
    sumber: Mapped[str] = mapped_column(String(12))
    urutan: Mapped[int] = mapped_column(default=0)
    nilai: Mapped[int | None]  # None: not filled in yet; ya_tidak: 1 or 0

    laporan: Mapped[Laporan] = relationship(back_populates="nilai")

    __table_args__ = (UniqueConstraint("laporan_id", "kode", name="uq_nilai_laporan_kode"),)


class LangkahLaporan(Langkah, db.Model):
    """One move of a report (portal/alur.py's timeline model). Written once, never changed."""
    __tablename__ = "langkah_laporan"

    laporan_id: Mapped[int] = mapped_column(ForeignKey("laporan.id"), index=True)

    laporan: Mapped[Laporan] = relationship(back_populates="langkah")
