"""Tim Pembina Posyandu (Permendagri 13/2024; DOMAIN.md §2, §9) and the register of OPD its members come from.

- Opd: an office of a provinsi or kabupaten/kota and the bidang SPM it carries. Seeded from OPD_BAWAAN, renamed and
  extended by each kabupaten, never deleted (aktif False).
- TimPembina: one period of the tim of one wilayah, set by one SK. At most one is current (aktif) per wilayah; a new
  SK ends the current one, which stays as history.
- KursiPembina: a seat of a tim (jabatan, bidang, unsur, ex officio). The ex officio flag belongs to the seat:
  AnggotaPembina is the person in it for a time (mulai, selesai); a new holder ends the old one's term and the seat
  carries on, into the next period too.
- DokumenSK: the SK's file, read by its content like a dossier's documents; a replaced one stays, inactive.

The flags on TimPembina (ketua_terisi, bidang_kurang, berkas_sk) are derived: portal/pembina/service.py recomputes
them at every change of the tim, its seats, its documents or the OPD register, so rollups count them in SQL.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.berkas import Berkas
from portal.models.posyandu import BIDANG
from portal.models.wilayah import KodeWilayah, Wilayah

JABATAN_PEMBINA = {
    "penasihat": "Penasihat",
    "pembina": "Pembina",
    "ketua": "Ketua",
    "wakil_ketua": "Wakil Ketua",
    "sekretaris_1": "Sekretaris I",
    "sekretaris_2": "Sekretaris II",
    "bendahara": "Bendahara",
    "koordinator": "Koordinator bidang",
    "anggota": "Anggota",
}
_URUT_JABATAN = {k: i for i, k in enumerate(JABATAN_PEMBINA)}
_URUT_BIDANG = {k: i for i, k in enumerate(BIDANG)}
# Seats a tim has once (the koordinator: once per bidang).
JABATAN_TUNGGAL = ("ketua", "sekretaris_1", "sekretaris_2", "bendahara", "koordinator")
UNSUR = {
    "opd": "Perangkat daerah (OPD)",
    "tp_pkk": "TP PKK",
    "kecamatan": "Kecamatan",
    "pemerintah_desa": "Pemerintah desa/kelurahan",
    "puskesmas": "Puskesmas",
    "tni_polri": "TNI/Polri",
    "tokoh_masyarakat": "Tokoh masyarakat",
    "lainnya": "Lainnya",
}
# Who signs the SK of each level's tim (level of the kode wilayah).
PENANDATANGAN = {1: "Gubernur", 2: "Bupati/Wali Kota", 3: "Camat", 4: "Kepala Desa/Lurah"}
TINGKAT = {1: "Provinsi", 2: "Kabupaten/Kota", 3: "Kecamatan", 4: "Desa/Kelurahan"}
# An SK that ends within this many days is announced.
HARI_PERINGATAN_SK = 90

# The levels whose tim must have, per bidang, a member from an OPD that carries it (besides its koordinator): the
# provinsi and the kabupaten/kota, whose tims are made of their OPD. A kecamatan's or a desa's tim draws on the
# Puskesmas, the UPT, the pemerintah desa and the community: there a koordinator per bidang is what is asked.
TINGKAT_OPD = (1, 2)
# The register every kabupaten/kota and provinsi starts from: (nama, singkatan, bidang).
OPD_BAWAAN = (
    ("Dinas Pendidikan", "Disdik", ("pendidikan",)),
    ("Dinas Kesehatan", "Dinkes", ("kesehatan",)),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR", ("pu",)),
    ("Dinas Perumahan dan Kawasan Permukiman", "Disperkim", ("perumahan",)),
    ("Satuan Polisi Pamong Praja", "Satpol PP", ("trantibumlinmas",)),
    ("Badan Penanggulangan Bencana Daerah", "BPBD", ("trantibumlinmas",)),
    ("Dinas Pemadam Kebakaran", "Damkar", ("trantibumlinmas",)),
    ("Dinas Sosial", "Dinsos", ("sosial",)),
    ("Dinas Pemberdayaan Masyarakat dan Desa", "DPMD", ()),
    ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DP3A", ()),
    ("Badan Perencanaan Pembangunan Daerah", "Bappeda", ()),
    ("Tim Penggerak PKK", "TP PKK", ()),
)


def pisah_bidang(value: str | None) -> list[str]:
    """The bidang keys of a comma-separated column, in BIDANG's order."""
    keys = set((value or "").split(","))
    return [b for b in BIDANG if b in keys]


class Opd(db.Model):
    __tablename__ = "opd"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A provinsi or kabupaten/kota.
    wilayah_kode: Mapped[str] = mapped_column(KodeWilayah, ForeignKey("wilayah.kode"))
    nama: Mapped[str] = mapped_column(String(200))
    singkatan: Mapped[str] = mapped_column(String(40))
    bidang: Mapped[str] = mapped_column(String(120), default="")  # keys of BIDANG, comma separated
    urutan: Mapped[int] = mapped_column(default=0)
    aktif: Mapped[bool] = mapped_column(default=True, server_default=true())
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    wilayah: Mapped[Wilayah] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("wilayah_kode", "singkatan", name="uq_opd_wilayah_singkatan"),)

    @property
    def bidang_list(self) -> list[str]:
        return pisah_bidang(self.bidang)

    @property
    def bidang_label(self) -> str:
        return ", ".join(BIDANG[b] for b in self.bidang_list) or "–"


class TimPembina(db.Model):
    __tablename__ = "tim_pembina"

    id: Mapped[int] = mapped_column(primary_key=True)
    wilayah_kode: Mapped[str] = mapped_column(KodeWilayah, ForeignKey("wilayah.kode"))
    # The current period of its wilayah; an ended one stays as history (aktif False, berakhir_pada set).
    aktif: Mapped[bool] = mapped_column(default=True, server_default=true())
    sk_nomor: Mapped[str] = mapped_column(String(120))
    sk_tanggal: Mapped[date]
    sk_penandatangan: Mapped[str] = mapped_column(String(120))
    masa_bakti_mulai: Mapped[date]
    masa_bakti_selesai: Mapped[date]
    pengukuhan_tanggal: Mapped[date | None]
    keterangan: Mapped[str | None] = mapped_column(Text)
    berakhir_pada: Mapped[datetime | None]
    # Derived (service.hitung_ulang): a holder in the ketua seat; the bidang without a koordinator or an OPD member;
    # an active SK document.
    ketua_terisi: Mapped[bool] = mapped_column(default=False, server_default=false())
    bidang_kurang: Mapped[str] = mapped_column(String(120), default=",".join(BIDANG))
    berkas_sk: Mapped[bool] = mapped_column(default=False, server_default=false())
    dibuat_oleh_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    wilayah: Mapped[Wilayah] = relationship()
    kursi: Mapped[list[KursiPembina]] = relationship(back_populates="tim",
                                                     order_by="(KursiPembina.urutan, KursiPembina.id)")
    dokumen: Mapped[list[DokumenSK]] = relationship(back_populates="tim", order_by="DokumenSK.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # One current tim per wilayah: a second one fails in the database, whatever raced.
        Index("uq_tim_pembina_aktif", "wilayah_kode", unique=True, sqlite_where=text("aktif"),
              postgresql_where=text("aktif")),
        Index("ix_tim_pembina_wilayah", "wilayah_kode", "aktif"),
        Index("ix_tim_pembina_selesai", "aktif", "masa_bakti_selesai"),
    )

    @property
    def kursi_aktif(self) -> list[KursiPembina]:
        return [k for k in self.kursi if k.aktif]

    @property
    def susunan(self) -> list[KursiPembina]:
        """The current seats in the order an SK lists them (KursiPembina.kunci_urut)."""
        return sorted(self.kursi_aktif, key=KursiPembina.kunci_urut)

    @property
    def dokumen_aktif(self) -> DokumenSK | None:
        return next((d for d in reversed(self.dokumen) if d.aktif), None)

    @property
    def bidang_kurang_list(self) -> list[str]:
        return pisah_bidang(self.bidang_kurang)

    @property
    def bidang_lengkap(self) -> bool:
        return not self.bidang_kurang_list

    def sk_berlaku(self, hari: date) -> bool:
        """The SK holds on this day (the current period, within its masa bakti)."""
        return self.aktif and self.masa_bakti_mulai <= hari <= self.masa_bakti_selesai


class KursiPembina(db.Model):
    __tablename__ = "kursi_pembina"

    id: Mapped[int] = mapped_column(primary_key=True)
    tim_id: Mapped[int] = mapped_column(ForeignKey("tim_pembina.id"), index=True)
    jabatan: Mapped[str] = mapped_column(String(20))
    bidang: Mapped[str | None] = mapped_column(String(20))  # of a koordinator
    unsur: Mapped[str] = mapped_column(String(20))
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id"), index=True)  # when unsur is opd
    # The office that holds the seat, as the SK writes it: "Ketua TP PKK Kabupaten Tabalong", "Kepala DPMD".
    jabatan_dinas: Mapped[str | None] = mapped_column(String(200))
    ex_officio: Mapped[bool] = mapped_column(default=False, server_default=false())
    urutan: Mapped[int] = mapped_column(default=0)
    aktif: Mapped[bool] = mapped_column(default=True, server_default=true())
    version: Mapped[int] = mapped_column(default=1)

    tim: Mapped[TimPembina] = relationship(back_populates="kursi")
    opd: Mapped[Opd | None] = relationship()
    pemegang: Mapped[list[AnggotaPembina]] = relationship(back_populates="kursi",
                                                         order_by="(AnggotaPembina.id)")

    __mapper_args__ = {"version_id_col": version}

    def kunci_urut(self) -> tuple:
        """Penasihat … Anggota, the koordinator by bidang, then as entered."""
        return (_URUT_JABATAN.get(self.jabatan, len(_URUT_JABATAN)), _URUT_BIDANG.get(self.bidang, -1), self.urutan,
                self.id or 0)

    @property
    def jabatan_label(self) -> str:
        label = JABATAN_PEMBINA[self.jabatan]
        return f"{label} {BIDANG[self.bidang]}" if self.jabatan == "koordinator" and self.bidang else label

    @property
    def unsur_label(self) -> str:
        if self.unsur == "opd" and self.opd is not None:
            return self.opd.singkatan
        return UNSUR[self.unsur]

    @property
    def sekarang(self) -> AnggotaPembina | None:
        """The current holder, or None: the seat is empty."""
        return next((a for a in self.pemegang if a.aktif), None)


class AnggotaPembina(db.Model):
    """A person in a seat for a time. Contacts are seen by staff in scope only, never on public pages."""
    __tablename__ = "anggota_pembina"

    id: Mapped[int] = mapped_column(primary_key=True)
    kursi_id: Mapped[int] = mapped_column(ForeignKey("kursi_pembina.id"))
    nama: Mapped[str] = mapped_column(String(120))
    telepon: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(120))
    mulai: Mapped[date | None]
    selesai: Mapped[date | None]
    aktif: Mapped[bool] = mapped_column(default=True, server_default=true())
    dicatat_oleh_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    kursi: Mapped[KursiPembina] = relationship(back_populates="pemegang")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # One holder per seat at a time.
        Index("uq_anggota_pembina_aktif", "kursi_id", unique=True, sqlite_where=text("aktif"),
              postgresql_where=text("aktif")),
        Index("ix_anggota_pembina_kursi", "kursi_id", "aktif"),
    )


class DokumenSK(Berkas, db.Model):
    __tablename__ = "dokumen_sk_pembina"

    tim_id: Mapped[int] = mapped_column(ForeignKey("tim_pembina.id"), index=True)

    tim: Mapped[TimPembina] = relationship(back_populates="dokumen")
