"""The "Riwayat" of an account as its manager reads it: who (by name) created, deactivated, reset it, when."""
from __future__ import annotations

from portal import audit
from portal.models.user import ROLE_LABEL, User
from portal.riwayat import AKTIF, Entry, Kamus, aktor, perubahan, wilayah_dari

KAMUS = Kamus(
    label={"username": "Nama pengguna", "name": "Nama", "role": "Peran", "wilayah_kode": "Wilayah",
           "active": "Status", "must_change_password": "Wajib ganti kata sandi", "sumber": "Sumber"},
    pilihan={"role": ROLE_LABEL, "active": AKTIF},
)
ACTION = {"buat": "membuat akun", "ubah": "mengubah akun", "nonaktifkan": "menonaktifkan akun",
          "aktifkan": "mengaktifkan kembali akun", "reset_password": "mereset kata sandi akun",
          "ganti_password": "mengganti kata sandi akun"}


def entries(target: User, limit: int = 50) -> list[Entry]:
    logs = audit.history("users", target.id, limit)
    wilayah = wilayah_dari(logs)
    return [Entry(at=e.at, actor=aktor(e.actor), action=ACTION.get(e.action, e.action.replace("_", " ")),
                  subject=target.name, changes=perubahan(KAMUS, e.object_type, e.changes, wilayah, True))
            for e in logs]
