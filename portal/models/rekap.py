"""Rekap wilayah: the rollup of every wilayah, one row each, kept current by portal/rekap.py at every commit.

A row holds the counts of active Posyandu (and their active kader and pengurus) inside its wilayah. Pages read a
wilayah's row and its children's rows instead of counting 300,000 Posyandu per request. The whole country is the sum
of the provinces' rows.
"""
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Table

from portal.extensions import db
from portal.models.posyandu import BIDANG, STATUS_REGISTRASI
from portal.models.wilayah import KodeWilayah

UKURAN = [
    "desa",  # desa and kelurahan inside the wilayah (1 on a desa's own row)
    "desa_berposyandu",  # those with at least one active Posyandu
    "posyandu", "kader", "pengurus", "pilot",
    "lengkap",  # complete profiles (portal/kelengkapan.py)
    *(f"status_{s}" for s in STATUS_REGISTRASI),
    *(f"layanan_{b}" for b in BIDANG),  # Posyandu running at least one activity of the bidang
    *(f"kader_{b}" for b in BIDANG),
    # Active kader who met the attendance rule of a bimtek (models/kegiatan.py JENIS_PELATIHAN): trained in 6 SPM.
    "kader_terlatih",
]

rekap_wilayah = Table(
    "rekap_wilayah", db.metadata,
    Column("kode", KodeWilayah, ForeignKey("wilayah.kode"), primary_key=True),
    *(Column(name, Integer, nullable=False, server_default="0") for name in UKURAN),
    Column("diperbarui", DateTime, nullable=True),
)
