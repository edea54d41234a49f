"""The "Riwayat" of a Posyandu as a person reads it: who did what to which record, field by field, in words."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.formatting import nilai
from portal.models.posyandu import BIDANG, JABATAN, JENIS_KELAMIN, LEVEL_KADER, STATUS_REGISTRASI, Kader, Pengurus
from portal.models.wilayah import Wilayah

FIELD_LABEL = {
    "nama": "Nama", "desa_kode": "Kode desa", "dusun": "Dusun", "rt": "RT", "rw": "RW", "alamat": "Alamat",
    "latitude": "Lintang", "longitude": "Bujur", "sk_nomor": "Nomor SK", "sk_tanggal": "Tanggal SK",
    "musdes_tanggal": "Tanggal musyawarah desa", "hari_buka": "Hari buka", "kontak": "Telepon", "aktif": "Status",
    "ditutup_tanggal": "Tanggal nonaktif", "alasan_tutup": "Alasan", "pilot": "Pilot project",
    "jenis_kelamin": "Jenis kelamin", "bidang": "Bidang", "level": "Level", "tanggal_lahir": "Tanggal lahir",
    "telepon": "Telepon", "nik": "NIK", "jabatan": "Jabatan", "sumber": "Sumber",
    "status": "Status registrasi", "catatan": "Catatan", "nomor_registrasi": "Nomor registrasi", "dokumen": "Dokumen",
    "tahap": "Tahap", "atas_nama": "Atas nama",
}
CHOICES = {"bidang": BIDANG, "level": LEVEL_KADER, "jenis_kelamin": JENIS_KELAMIN, "jabatan": JABATAN,
           "status": STATUS_REGISTRASI}
ACTION = {"buat": "menambah", "ubah": "mengubah", "nonaktifkan": "menonaktifkan", "aktifkan": "mengaktifkan kembali",
          # registrasi nasional (registrasi/workflow.py)
          "ajukan": "mengajukan", "verifikasi_kecamatan": "memverifikasi (kecamatan)",
          "verifikasi_kabupaten": "memverifikasi (kabupaten)", "kembalikan": "mengembalikan",
          "usulkan": "mengusulkan ke Kemendagri", "registrasi": "mencatat nomor", "unggah": "mengunggah",
          "tarik": "menarik", "tahap": "mengubah tahap", "verifikasi_an_kecamatan": "memverifikasi atas nama kecamatan",
          "tolak": "mencatat penolakan Kemendagri atas", "koreksi_nomor": "mengoreksi nomor"}
SUBJECT = {"usulan": "usulan registrasi", "dokumen_usulan": "dokumen usulan registrasi"}


@dataclass
class Entry:
    at: datetime
    actor: str
    action: str
    subject: str
    on_behalf_of: str | None
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _value(name: str, value) -> str:
    if name in CHOICES and value in CHOICES[name]:
        return CHOICES[name][value]
    if name == "aktif":
        return "aktif" if value else "nonaktif"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and name.endswith(("tanggal", "lahir")):
        try:
            return nilai(date.fromisoformat(value))
        except ValueError:
            pass
    return nilai(value, name)


def _changes(changes: dict) -> list[tuple[str, str, str]]:
    rows = []
    for name, (before, after) in changes.items():
        if name == "layanan":
            added = sorted(set(after or []) - set(before or []))
            removed = sorted(set(before or []) - set(after or []))
            rows.append(("Layanan", "; ".join(removed) or "–", "; ".join(added) or "–"))
        else:
            rows.append((FIELD_LABEL.get(name, name), _value(name, before), _value(name, after)))
    return rows


def entries(posyandu_id: int) -> list[Entry]:
    logs = audit.history_of_posyandu(posyandu_id)
    ids = {kind: {int(e.object_id) for e in logs if e.object_type == kind} for kind in ("kader", "pengurus")}
    kader = {k.id: k.nama for k in db.session.scalars(select(Kader).where(Kader.id.in_(ids["kader"])))}
    pengurus = {p.id: f"{p.jabatan_label} {p.nama}"
                for p in db.session.scalars(select(Pengurus).where(Pengurus.id.in_(ids["pengurus"])))}
    desa = dict(db.session.execute(select(Wilayah.kode, Wilayah.nama).where(
        Wilayah.kode.in_({e.on_behalf_of for e in logs if e.on_behalf_of}))).all())
    result = []
    for e in logs:
        if e.object_type == "kader":
            subject = f"kader {kader.get(int(e.object_id), '')}"
        elif e.object_type == "pengurus":
            subject = f"pengurus {pengurus.get(int(e.object_id), '')}"
        elif e.object_type in SUBJECT:
            subject = SUBJECT[e.object_type]
        elif set(e.changes) == {"pilot"}:
            subject = "tanda pilot project"
        elif set(e.changes) == {"layanan"}:
            subject = "layanan (dihapus → ditambah)"
        else:
            subject = "profil Posyandu"
        result.append(Entry(
            at=e.at, actor=e.actor.username if e.actor else "sistem", action=ACTION.get(e.action, e.action),
            subject=subject, on_behalf_of=f"Desa {desa[e.on_behalf_of]}" if e.on_behalf_of in desa else None,
            changes=_changes(e.changes)))
    return result
