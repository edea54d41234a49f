"""Register rujukan (issue 16; DOMAIN.md §9): a case a Posyandu found in the community and referred to the office (OPD)
of its kabupaten/kota that handles it — a child out of school to the Dinas Pendidikan, a house unfit to live in to the
Disperkim — followed until the office has handled it.

- Rujukan: one case, of one Posyandu (its desa copied in), of one bidang and one kind (JENIS_RUJUKAN), sent to one OPD
  of the Posyandu's kabupaten register; in one state (STATUS_RUJUKAN), moved only by portal/rujukan/workflow.py. The
  person's name, NIK and short address are personal data, shown only to those who keep the record; a case of
  trantibumlinmas is confidential (rahasia): seen only by the desa account and above, who alone see who reported it.
- LangkahRujukan: one move of a case, the timeline everybody involved sees; written once.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.langkah import Langkah
from portal.models.pembina import Opd
from portal.models.posyandu import BIDANG, Posyandu, mask_nik
from portal.models.user import User
from portal.models.wilayah import KodeWilayah

# The kinds of case per bidang (keys of BIDANG): key → label.
JENIS_RUJUKAN: dict[str, dict[str, str]] = {
    "pendidikan": {"ats": "Anak tidak sekolah (ATS)", "paud": "Anak usia dini belum ikut PAUD"},
    "kesehatan": {"gizi_buruk": "Balita gizi buruk/stunting", "ibu_hamil_risti": "Ibu hamil risiko tinggi",
                  "tbc": "Terduga TBC"},
    "pu": {"air_minum": "Tanpa akses air minum layak", "jamban": "Tanpa jamban sehat"},
    "perumahan": {"rtlh": "Rumah tidak layak huni (RTLH)"},
    "trantibumlinmas": {"gangguan": "Gangguan ketenteraman dan ketertiban", "bencana": "Bencana",
                        "kebakaran": "Kebakaran"},
    "sosial": {"disabilitas": "Penyandang disabilitas", "lansia_terlantar": "Lansia terlantar",
               "anak_terlantar": "Anak terlantar", "dtks": "Belum terdaftar di DTKS"},
}
# The bidang whose cases are confidential (rahasia) from the moment they are recorded.
BIDANG_RAHASIA = ("trantibumlinmas",)
STATUS_RUJUKAN = {
    "didata": "Didata Posyandu",
    "diverifikasi_desa": "Diverifikasi desa",
    "diteruskan": "Diteruskan ke OPD",
    "ditindaklanjuti": "Ditindaklanjuti OPD",
    "selesai": "Selesai",
    "tidak_dapat": "Tidak dapat ditindaklanjuti",
}
# The states in which the case waits for the OPD: past its batas_waktu it is late (terlambat).
STATUS_MENUNGGU_OPD = ("diteruskan",)
# Working days the OPD has to act after a case was forwarded to it.
HARI_KERJA_OPD = 5


class Rujukan(db.Model):
    __tablename__ = "rujukan"

    id: Mapped[int] = mapped_column(primary_key=True)
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"))
    # Its desa, copied in: queues and counts select by region without a join.
    desa_kode: Mapped[str] = mapped_column(KodeWilayah, ForeignKey("wilayah.kode"))
    bidang: Mapped[str] = mapped_column(String(20))  # BIDANG
    jenis: Mapped[str] = mapped_column(String(30))  # a key of JENIS_RUJUKAN[bidang]
    # The person concerned (personal data, all optional); NIK stored in full like a kader's, shown masked.
    nama_warga: Mapped[str | None] = mapped_column(String(120))
    nik: Mapped[str | None] = mapped_column(String(16))
    alamat_singkat: Mapped[str | None] = mapped_column(String(200))
    uraian: Mapped[str] = mapped_column(Text)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"))
    status: Mapped[str] = mapped_column(String(24), default="didata")  # STATUS_RUJUKAN
    dicatat_pada: Mapped[date]
    diteruskan_pada: Mapped[date | None]
    # HARI_KERJA_OPD working days after it was forwarded.
    batas_waktu: Mapped[date | None]
    rahasia: Mapped[bool] = mapped_column(default=False, server_default=false())
    pelapor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    posyandu: Mapped[Posyandu] = relationship()
    opd: Mapped[Opd] = relationship()
    pelapor: Mapped[User | None] = relationship()
    langkah: Mapped[list[LangkahRujukan]] = relationship(back_populates="rujukan", order_by="LangkahRujukan.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # The monthly count and the queues of a region: by desa, then kind and state.
        Index("ix_rujukan_desa_bidang", "desa_kode", "bidang", "jenis", "status"),
        Index("ix_rujukan_posyandu", "posyandu_id", "dicatat_pada"),
        Index("ix_rujukan_opd_status", "opd_id", "status"),
    )

    @property
    def status_label(self) -> str:
        return STATUS_RUJUKAN[self.status]

    @property
    def bidang_label(self) -> str:
        return BIDANG.get(self.bidang, self.bidang)

    @property
    def jenis_label(self) -> str:
        return JENIS_RUJUKAN.get(self.bidang, {}).get(self.jenis, self.jenis)

    @property
    def nik_tersamar(self) -> str:
        return mask_nik(self.nik)


class LangkahRujukan(Langkah, db.Model):
    """One move of a case (portal/alur.py's timeline model). Written once, never changed."""
    __tablename__ = "langkah_rujukan"

    rujukan_id: Mapped[int] = mapped_column(ForeignKey("rujukan.id"), index=True)

    rujukan: Mapped[Rujukan] = relationship(back_populates="langkah")
