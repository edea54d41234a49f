"""The "Riwayat" of a kegiatan as a person reads it: who changed the event, its list of peserta, or a mark, when."""
from __future__ import annotations

from sqlalchemy import select

from portal import halaman
from portal.extensions import db
from portal.models.audit import AuditLog
from portal.models.kegiatan import CARA_CATAT, JENIS_KEGIATAN, PERAN, SASARAN, STATUS_HADIR, Peserta
from portal.models.posyandu import BIDANG
from portal.riwayat import Entry, Kamus, aktor, perubahan, wilayah_dari

KAMUS = Kamus(
    label={
        "jenis": "Jenis", "judul": "Judul", "penyelenggara": "Penyelenggara", "tempat": "Tempat",
        "tanggal_mulai": "Tanggal mulai", "tanggal_selesai": "Tanggal selesai", "wilayah_kode": "Wilayah sasaran",
        "sasaran": "Sasaran", "kuota": "Kuota", "syarat_hadir": "Syarat hari hadir", "penandatangan": "Penandatangan",
        "jabatan_penandatangan": "Jabatan penandatangan", "keterangan": "Keterangan", "dibatalkan": "Dibatalkan",
        "alasan_batal": "Alasan pembatalan", "nama": "Nama", "asal_kode": "Asal", "peran": "Peran",
        "bidang": "Bidang", "jabatan": "Jabatan", "cara_daftar": "Didaftarkan", "aktif": "Dalam daftar peserta",
        "status": "Kehadiran", "tanggal": "Hari", "peserta": "Peserta", "cara": "Dicatat lewat", "sumber": "Sumber",
        "tim_pembina": "Tim Pembina",
    },
    pilihan={"jenis": JENIS_KEGIATAN, "status": STATUS_HADIR, "cara": CARA_CATAT, "peran": PERAN, "bidang": BIDANG,
             "cara_daftar": {"data": "dari data", "di_tempat": "di tempat"},
             "sasaran": lambda v: ", ".join(SASARAN.get(x, x) for x in str(v).split(",") if x)},
    # A peserta's record holds no personal data beyond the name; should it ever, it is hidden like a kader's.
    pribadi={"peserta": frozenset({"nik", "telepon", "tanggal_lahir", "alamat"})},
)
ACTION = {"buat": "membuat", "ubah": "mengubah", "batal": "membatalkan", "tambah": "menambahkan",
          "keluarkan": "mengeluarkan", "pulihkan": "memulihkan", "tandai": "menandai", "koreksi": "mengoreksi"}
OBJEK = {"kegiatan": "kegiatan", "peserta": "peserta", "kehadiran": "kehadiran"}


def entries(kegiatan_id: int, nomor: int = 1, pribadi_boleh: bool = False) -> halaman.Halaman:
    """One page of the kegiatan's history, newest first: Entry items."""
    page = halaman.paginate(select(AuditLog).where(AuditLog.kegiatan_id == kegiatan_id)
                            .order_by(AuditLog.at.desc(), AuditLog.id.desc()), nomor)
    rows = page.items
    ids = [int(r.object_id) for r in rows if r.object_type == "peserta"]
    nama = dict(db.session.execute(select(Peserta.id, Peserta.nama).where(Peserta.id.in_(ids))).all()) if ids else {}
    wilayah = wilayah_dari(rows)
    result = []
    for r in rows:
        changes = dict(r.changes or {})
        subject = OBJEK.get(r.object_type, r.object_type)
        if r.object_type == "peserta":
            subject += f" {nama.get(int(r.object_id), '')}".rstrip()
        elif r.object_type == "kehadiran":
            who = (changes.pop("peserta", None) or [None, ""])[1]
            day = (changes.pop("tanggal", None) or [None, None])[1]
            subject += f" {who}" + (f", {KAMUS.nilai('tanggal', day)}" if day else "")
        result.append(Entry(r.at, aktor(r.actor), ACTION.get(r.action, r.action.replace("_", " ")), subject, None,
                            perubahan(KAMUS, r.object_type, changes, wilayah, pribadi_boleh)))
    page.items = result
    return page
