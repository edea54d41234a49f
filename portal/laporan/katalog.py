"""The indicator catalogue of a year: the national one (written from BAWAAN, or copied from the year before, the first
time a year is asked for) plus what a provinsi or kabupaten/kota adds for the Posyandu inside it. A report copies the
catalogue into its own rows when it is made (models/laporan.py): changing the catalogue never changes a report."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.extensions import db
from portal.models.laporan import Indikator
from portal.models.wilayah import ancestors


@dataclass(frozen=True)
class Bawaan:
    bidang: str
    kode: str
    label: str
    satuan: str
    jenis: str = "jumlah"
    sumber: str = "isian"
    rumus: str | None = None


# Health: S (sasaran) and D (datang, dilayani) per life-cycle group, K and N for balita (SKDN); the other bidang
# mostly "identify and refer" (DOMAIN.md §4), the referrals counted from the register; the Posyandu itself.
_KELOMPOK = (("BUMIL", "ibu hamil"), ("BALITA", "bayi dan balita"), ("REMAJA", "anak usia sekolah dan remaja"),
             ("DEWASA", "usia dewasa"), ("LANSIA", "lansia"))
BAWAAN: tuple[Bawaan, ...] = (
    *(b for kode, nama in _KELOMPOK for b in (
        Bawaan("kesehatan", f"KES-{kode}-S", f"Sasaran {nama} (S)", "orang"),
        Bawaan("kesehatan", f"KES-{kode}-D", f"{nama.capitalize()} datang dan dilayani (D)", "orang"))),
    Bawaan("kesehatan", "KES-BALITA-K", "Balita punya buku KIA/KMS (K)", "orang"),
    Bawaan("kesehatan", "KES-BALITA-N", "Balita naik berat badannya (N)", "orang"),
    Bawaan("pendidikan", "PDK-PAUD-TIDAK", "Anak 3–6 tahun belum ikut PAUD", "orang"),
    Bawaan("pendidikan", "PDK-ATS-DITEMUKAN", "Anak tidak sekolah (ATS) ditemukan", "orang"),
    Bawaan("pendidikan", "PDK-ATS-DIRUJUK", "Anak tidak sekolah (ATS) dirujuk", "orang", sumber="rujukan",
           rumus="pendidikan:ats:diteruskan"),
    Bawaan("pu", "PU-AIR-TIDAK", "KK tanpa air minum layak", "KK"),
    Bawaan("pu", "PU-JAMBAN-TIDAK", "KK tanpa jamban sehat", "KK"),
    Bawaan("perumahan", "PRM-RTLH-DITEMUKAN", "Rumah tidak layak huni (RTLH) ditemukan", "rumah"),
    Bawaan("perumahan", "PRM-RTLH-DIUSULKAN", "RTLH diusulkan ke Disperkim", "rumah", sumber="rujukan",
           rumus="perumahan:rtlh:diteruskan"),
    Bawaan("trantibumlinmas", "TRN-KEJADIAN", "Kejadian gangguan ketenteraman dan ketertiban", "kejadian"),
    Bawaan("trantibumlinmas", "TRN-BENCANA", "Kejadian bencana", "kejadian"),
    Bawaan("sosial", "SOS-RENTAN-DITEMUKAN", "Warga rentan ditemukan (disabilitas, terlantar)", "orang"),
    Bawaan("sosial", "SOS-RENTAN-DIRUJUK", "Warga rentan dirujuk ke Dinas Sosial", "orang", sumber="rujukan",
           rumus="sosial:rentan:diteruskan"),
    Bawaan("kelembagaan", "KLB-HARI-BUKA", "Hari buka pelayanan", "hari", sumber="hari_buka"),
    Bawaan("kelembagaan", "KLB-KADER-HADIR", "Kader yang bertugas", "orang", sumber="kader_hadir"),
    Bawaan("kelembagaan", "KLB-RAPAT", "Rapat pengurus dan kader diadakan", "ya/tidak", jenis="ya_tidak"),
)


def nasional(tahun: int) -> list[Indikator]:
    """The national catalogue of the year, written the first time it is asked for: a copy of the year before (what
    the admin changed carries on), else BAWAAN. Recorded as the system's."""
    rows = _daftar(tahun, [Indikator.wilayah_kode.is_(None)])
    if rows:
        return rows
    lalu = db.session.scalar(select(func.max(Indikator.tahun)).where(Indikator.wilayah_kode.is_(None),
                                                                       Indikator.tahun < tahun))
    sumber = [dict(bidang=i.bidang, kode=i.kode, label=i.label, satuan=i.satuan, jenis=i.jenis, sumber=i.sumber,
                   rumus=i.rumus, aktif=i.aktif) for i in _daftar(lalu, [Indikator.wilayah_kode.is_(None)], True)] \
        if lalu else [asdict(b) | {"aktif": True} for b in BAWAAN]
    try:
        for n, row in enumerate(sumber, 1):
            ind = Indikator(tahun=tahun, wilayah_kode=None, urutan=n, **row)
            db.session.add(ind)
            db.session.flush()
            audit.record(None, "buat", ind, wilayah_kode=None, changes={
                "kode": [None, ind.kode], "tahun": [None, tahun],
                "sumber_katalog": [None, f"katalog {lalu}" if lalu else "katalog bawaan"]})
        db.session.commit()
    except IntegrityError:  # another request wrote the year's catalogue at the same moment: theirs stands
        db.session.rollback()
    return _daftar(tahun, [Indikator.wilayah_kode.is_(None)])


def _daftar(tahun: int | None, where: list, semua: bool = False) -> list[Indikator]:
    stmt = select(Indikator).where(Indikator.tahun == tahun, *where)
    if not semua:
        stmt = stmt.where(Indikator.aktif.is_(True))
    return list(db.session.scalars(stmt.order_by(Indikator.wilayah_kode.is_not(None), Indikator.urutan,
                                                 Indikator.id)))


def untuk(desa_kode: str, tahun: int) -> list[Indikator]:
    """What a Posyandu of this desa reports in that year: the national catalogue, then its provinsi's and its
    kabupaten's own indicators."""
    nasional(tahun)
    daerah = [k for k in ancestors(desa_kode) if len(k) <= 5]
    return _daftar(tahun, [or_(Indikator.wilayah_kode.is_(None), Indikator.wilayah_kode.in_(daerah))])
