"""The sertifikat of a peserta: its verification code, the one rule that makes it valid, and the recount that
judges it (days present against the kegiatan's syarat), keeping the rekap's trained-kader count in step.

Everyone who asks whether a sertifikat stands (the print pages, the public check) asks sah(); judge() is what
Peserta.hari_hadir and Peserta.lulus come from.
"""
from __future__ import annotations

import re
import secrets

from sqlalchemy import func, select

from portal.extensions import db
from portal.models.kegiatan import Kegiatan, Kehadiran, Peserta

# Verification codes: no 0/O, 1/I/L, so a code read off paper is typed right.
ALFABET_KODE = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PANJANG_KODE = 10


def new_code() -> str:
    return "".join(secrets.choice(ALFABET_KODE) for _ in range(PANJANG_KODE))


def tampil_kode(kode: str) -> str:
    """K7Q29XPM3D → K7Q2-9XPM-3D: easier to read off paper."""
    return "-".join(kode[i:i + 4] for i in range(0, len(kode), 4))


def baca_kode(text: str | None) -> str:
    """A code as people type it: dashes, spaces, lower case."""
    return re.sub(r"[^0-9A-Z]", "", (text or "").upper())[:PANJANG_KODE * 2]


def sah(p: Peserta) -> bool:
    """A sertifikat stands when its peserta met the attendance rule, is still on the list, and the kegiatan was not
    cancelled."""
    return p.lulus and p.aktif and not p.kegiatan.dibatalkan


def find(kode: str) -> Peserta | None:
    """The peserta whose valid sertifikat bears this code (as typed), or None."""
    wanted = baca_kode(kode)
    p = db.session.scalar(select(Peserta).where(Peserta.kode_sertifikat == wanted)) if wanted else None
    return p if p is not None and sah(p) else None


def judge(k: Kegiatan, peserta_ids: list[int]) -> None:
    """Recounts the days present of these peserta and judges the sertifikat rule; where a kader's verdict changed,
    brings the trained-kader count of its desa up to date (inside the caller's transaction)."""
    if not peserta_ids:
        return
    hadir = dict(db.session.execute(
        select(Kehadiran.peserta_id, func.count()).where(Kehadiran.peserta_id.in_(peserta_ids),
                                                          Kehadiran.status == "hadir",
                                                          Kehadiran.tanggal.between(k.tanggal_mulai, k.tanggal_selesai))
        .group_by(Kehadiran.peserta_id)).all())
    # A kader who passed or lost a pass changes the trained-kader rekap: the rekap's listener collects it.
    for p in db.session.scalars(select(Peserta).where(Peserta.id.in_(peserta_ids))):
        n = hadir.get(p.id, 0)
        p.hari_hadir, p.lulus = n, n >= k.syarat
    db.session.flush()

