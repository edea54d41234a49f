"""All models, imported once so Alembic and the app see the whole schema."""
from portal.models.audit import AuditLog
from portal.models.kegiatan import Kegiatan, Kehadiran, Peserta
from portal.models.laporan import Indikator, LangkahLaporan, Laporan, NilaiLaporan
from portal.models.pembina import AnggotaPembina, DokumenSK, KursiPembina, Opd, TimPembina
from portal.models.posyandu import (BIDANG, JABATAN, JENIS_KELAMIN, LEVEL_KADER, Kader, KatalogKegiatan, Pengurus,
                                     Posyandu, mask_nik)
from portal.models.registrasi import DokumenUsulan, LangkahUsulan, Tahap, Usulan
from portal.models.rekap import rekap_wilayah
from portal.models.rujukan import LangkahRujukan, Rujukan
from portal.models.user import ROLE_LABEL, ROLE_LEVELS, ROLES, User
from portal.models.wilayah import Wilayah

__all__ = ["AuditLog", "BIDANG", "JABATAN", "JENIS_KELAMIN", "LEVEL_KADER", "Kader", "KatalogKegiatan", "Kegiatan",
           "Kehadiran", "Pengurus", "Peserta", "Posyandu", "mask_nik", "rekap_wilayah", "ROLES", "ROLE_LABEL", "ROLE_LEVELS", "User", "Wilayah",
           "DokumenUsulan", "LangkahUsulan", "Tahap", "Usulan", "AnggotaPembina", "DokumenSK", "KursiPembina", "Opd",
           "TimPembina", "Indikator", "LangkahLaporan", "Laporan", "NilaiLaporan",
           "LangkahRujukan", "Rujukan"]
