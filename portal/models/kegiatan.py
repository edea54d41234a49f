"""Kegiatan: bimtek, sosialisasi, rakor, jambore (DOMAIN.md §6), their peserta and the attendance of every day.

Every day from tanggal_mulai to tanggal_selesai is a sesi. A peserta is linked to the kader or pengurus record they
came from when there is one, so the training shows on that person's page and in the rollups. Nothing is deleted: a
peserta taken off the list keeps the row (aktif False), an attendance mark is changed in place and the audit log keeps
every earlier value.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.posyandu import BIDANG, Kader, Pengurus, Posyandu
from portal.models.user import User
from portal.models.wilayah import KodeWilayah, Wilayah

JENIS_KEGIATAN = {
    "bimtek": "Bimbingan teknis (bimtek)",
    "sosialisasi": "Sosialisasi",
    "rakor": "Rapat koordinasi (rakor)",
    "jambore": "Jambore kader",
    "lainnya": "Lainnya",
}
# The kinds that train kader in the 6 SPM: a kader who meets such a kegiatan's attendance rule counts as trained
# ("kader terlatih") in the rollups.
JENIS_PELATIHAN = ("bimtek",)

# Whom a kegiatan is for; the participant picker offers these people first.
SASARAN = {
    "kader": "Kader semua bidang",
    **{f"kader_{b}": f"Kader bidang {label}" for b, label in BIDANG.items()},
    "ketua": "Ketua Posyandu",
    "pengurus": "Pengurus Posyandu",
    "tp_kabupaten": "Tim Pembina Posyandu Kabupaten/Kota",
    "tp_kecamatan": "Tim Pembina Posyandu Kecamatan",
    "tp_desa": "Tim Pembina Posyandu Desa",
    "perangkat": "Perangkat desa/kelurahan",
}
# What a peserta is at the kegiatan. kader and pengurus come from the records or are registered on the spot.
PERAN = {
    "kader": "Kader",
    "pengurus": "Pengurus Posyandu",
    "tp_provinsi": "Tim Pembina Posyandu Provinsi",
    "tp_kabupaten": "Tim Pembina Posyandu Kabupaten/Kota",
    "tp_kecamatan": "Tim Pembina Posyandu Kecamatan",
    "tp_desa": "Tim Pembina Posyandu Desa",
    "perangkat": "Perangkat desa/kelurahan",
    "lainnya": "Lainnya",
}
STATUS_HADIR = {"hadir": "Hadir", "izin": "Izin", "tidak_hadir": "Tidak hadir"}
STATUS_SINGKAT = {"hadir": "H", "izin": "I", "tidak_hadir": "TH"}
# How a mark was made: a tap in the day's list, a scanned QR card, or a later correction.
CARA_CATAT = {"daftar": "daftar hadir", "qr": "kode QR", "koreksi": "koreksi"}


def hari_antara(mulai: date, selesai: date) -> list[date]:
    """Every day from mulai to selesai: one sesi each."""
    return [mulai + timedelta(days=i) for i in range((selesai - mulai).days + 1)]


class Kegiatan(db.Model):
    __tablename__ = "kegiatan"

    id: Mapped[int] = mapped_column(primary_key=True)
    jenis: Mapped[str] = mapped_column(String(20))
    judul: Mapped[str] = mapped_column(String(200))
    # The organising office as it signs: "DPMD Kabupaten Tabalong".
    penyelenggara: Mapped[str] = mapped_column(String(200))
    tempat: Mapped[str] = mapped_column(String(200))
    tanggal_mulai: Mapped[date]
    tanggal_selesai: Mapped[date]
    # The target wilayah (e.g. a kecamatan): peserta come from inside it, the recap lists its desa.
    wilayah_kode: Mapped[str] = mapped_column(KodeWilayah, ForeignKey("wilayah.kode"), index=True)
    sasaran: Mapped[str] = mapped_column(String(300), default="")  # keys of SASARAN, comma separated
    kuota: Mapped[int | None]
    # Days present needed for the sertifikat; None: every day.
    syarat_hadir: Mapped[int | None]
    # Who signs the daftar hadir and the sertifikat.
    penandatangan: Mapped[str | None] = mapped_column(String(120))
    jabatan_penandatangan: Mapped[str | None] = mapped_column(String(200))
    keterangan: Mapped[str | None] = mapped_column(Text)
    dibatalkan: Mapped[bool] = mapped_column(default=False, server_default=false())
    alasan_batal: Mapped[str | None] = mapped_column(Text)
    dibuat_oleh_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    wilayah: Mapped[Wilayah] = relationship()
    dibuat_oleh: Mapped[User | None] = relationship()
    peserta: Mapped[list[Peserta]] = relationship(back_populates="kegiatan", order_by="Peserta.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_kegiatan_mulai", "tanggal_mulai", "id"),)

    @property
    def hari(self) -> list[date]:
        """Every day of the kegiatan: one sesi each."""
        return hari_antara(self.tanggal_mulai, self.tanggal_selesai)

    @property
    def syarat(self) -> int:
        """Days present a peserta needs for the sertifikat."""
        return self.syarat_hadir or len(self.hari)

    @property
    def sasaran_list(self) -> list[str]:
        return [s for s in (self.sasaran or "").split(",") if s in SASARAN]

    @property
    def jenis_label(self) -> str:
        return JENIS_KEGIATAN.get(self.jenis, self.jenis)

    @property
    def pelatihan(self) -> bool:
        return self.jenis in JENIS_PELATIHAN


class Peserta(db.Model):
    __tablename__ = "peserta"

    id: Mapped[int] = mapped_column(primary_key=True)
    kegiatan_id: Mapped[int] = mapped_column(ForeignKey("kegiatan.id"), index=True)
    nama: Mapped[str] = mapped_column(String(120))
    # The name folded (portal/teks.py) to find the same person registered twice.
    nama_lipat: Mapped[str] = mapped_column(String(120), default="")
    # Where the peserta comes from: a desa, or a kecamatan for its Tim Pembina.
    asal_kode: Mapped[str] = mapped_column(KodeWilayah, ForeignKey("wilayah.kode"), index=True)
    peran: Mapped[str] = mapped_column(String(20))
    bidang: Mapped[str | None] = mapped_column(String(20))  # of a kader
    jabatan: Mapped[str | None] = mapped_column(String(120))  # as it is written on the daftar hadir
    kader_id: Mapped[int | None] = mapped_column(ForeignKey("kader.id"), index=True)
    pengurus_id: Mapped[int | None] = mapped_column(ForeignKey("pengurus.id"), index=True)
    # A member of a Tim Pembina (a rakor takes its peserta from the tims of its wilayah).
    anggota_pembina_id: Mapped[int | None] = mapped_column(ForeignKey("anggota_pembina.id"), index=True)
    posyandu_id: Mapped[int | None] = mapped_column(ForeignKey("posyandu.id"))
    # Printed on the sertifikat; /sertifikat/<kode> confirms it. Random, not derived from anything.
    kode_sertifikat: Mapped[str] = mapped_column(String(16), unique=True)
    # Derived from the attendance at every mark (portal/kegiatan/service.py): days present, rule met.
    hari_hadir: Mapped[int] = mapped_column(default=0, server_default="0")
    lulus: Mapped[bool] = mapped_column(default=False, server_default=false())
    aktif: Mapped[bool] = mapped_column(default=True)
    didaftarkan_oleh_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Taken from the records ("data") or registered at the venue ("di_tempat").
    cara_daftar: Mapped[str] = mapped_column(String(10), default="data")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    kegiatan: Mapped[Kegiatan] = relationship(back_populates="peserta")
    asal: Mapped[Wilayah] = relationship()
    kader: Mapped[Kader | None] = relationship()
    pengurus: Mapped[Pengurus | None] = relationship()
    posyandu: Mapped[Posyandu | None] = relationship()
    kehadiran: Mapped[list[Kehadiran]] = relationship(back_populates="peserta", order_by="Kehadiran.tanggal")

    # A kader or pengurus is on a kegiatan's list at most once.
    __table_args__ = (UniqueConstraint("kegiatan_id", "kader_id", name="uq_peserta_kegiatan_kader"),
                      UniqueConstraint("kegiatan_id", "pengurus_id", name="uq_peserta_kegiatan_pengurus"),
                      UniqueConstraint("kegiatan_id", "anggota_pembina_id", name="uq_peserta_kegiatan_anggota_pembina"))

    @property
    def peran_label(self) -> str:
        if self.jabatan and self.anggota_pembina_id is not None:
            # "Ketua" alone would read as a Posyandu's ketua in a mixed list
            return f"{self.jabatan}, {PERAN.get(self.peran, self.peran)}"
        if self.jabatan:
            return self.jabatan
        if self.peran == "kader" and self.bidang:
            return f"Kader {BIDANG.get(self.bidang, self.bidang)}"
        return PERAN.get(self.peran, self.peran)


class Kehadiran(db.Model):
    """One mark per peserta and day. A repeated or concurrent mark finds this row; it never adds a second one."""
    __tablename__ = "kehadiran"

    id: Mapped[int] = mapped_column(primary_key=True)
    peserta_id: Mapped[int] = mapped_column(ForeignKey("peserta.id"))
    tanggal: Mapped[date]
    status: Mapped[str] = mapped_column(String(12))
    cara: Mapped[str] = mapped_column(String(10), default="daftar")
    dicatat_oleh_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dicatat_pada: Mapped[datetime] = mapped_column(default=utcnow)

    peserta: Mapped[Peserta] = relationship(back_populates="kehadiran")
    dicatat_oleh: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("peserta_id", "tanggal"),)
