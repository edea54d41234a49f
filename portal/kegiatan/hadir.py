"""Attendance: one mark per peserta and day (hadir, izin, tidak hadir), the day's counts, and the QR check-in of a
peserta's card."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import formatting
from portal.domain import DomainError
from portal.extensions import db
from portal.formatting import tanggal as tanggal_id
from portal.kegiatan import sertifikat
from portal.kegiatan.service import ensure_running, jumlah_peserta, write_audit
from portal.models.base import utcnow
from portal.models.kegiatan import STATUS_HADIR, Kegiatan, Kehadiran, Peserta

SALT_QR = "kehadiran-qr"


@dataclass
class Tanda:
    kehadiran: Kehadiran
    berubah: bool  # False: the same mark was already there (a double tap, a repeated request)


def kehadiran_pada(p: Peserta, day: date) -> Kehadiran | None:
    """The peserta's mark of that day, if any."""
    return db.session.scalar(select(Kehadiran).where(Kehadiran.peserta_id == p.id, Kehadiran.tanggal == day))


def hitung(k: Kegiatan, day: date) -> dict[str, int]:
    """The day's counts: peserta, each status, and those not marked yet."""
    counts = dict(db.session.execute(
        select(Kehadiran.status, func.count()).join(Peserta)
        .where(Peserta.kegiatan_id == k.id, Peserta.aktif.is_(True), Kehadiran.tanggal == day)
        .group_by(Kehadiran.status)).all())
    total = jumlah_peserta(k)
    return {"peserta": total, **{s: counts.get(s, 0) for s in STATUS_HADIR},
            "belum": total - sum(counts.get(s, 0) for s in STATUS_HADIR)}


def _check_markable(p: Peserta, tanggal: date, status: str, today: date) -> None:
    k = p.kegiatan
    ensure_running(k)
    if status not in STATUS_HADIR:
        raise DomainError("Status kehadiran tidak dikenal. Pilihan: hadir, izin, tidak hadir.")
    if tanggal not in k.hari:
        raise DomainError(f"{tanggal_id(tanggal)} bukan hari kegiatan ini.")
    if tanggal > today:
        raise DomainError(f"Hari {k.hari.index(tanggal) + 1} ({tanggal_id(tanggal)}) belum tiba: kehadiran dicatat "
                          "pada harinya.")
    if not p.aktif:
        raise DomainError(f"{p.nama} sudah dikeluarkan dari daftar peserta.")


def mark(actor, p: Peserta, tanggal: date, status: str, cara: str = "daftar", hari_ini: date | None = None) -> Tanda:
    """Marks a peserta on one day. Idempotent: the same mark again changes nothing and records nothing; concurrent
    marks of one peserta queue on the peserta's row (PostgreSQL) or on SQLite's write lock, and the unique
    (peserta, tanggal) key stops a second row in any case."""
    k = p.kegiatan
    _check_markable(p, tanggal, status, hari_ini or formatting.hari_ini())
    db.session.execute(select(Peserta.id).where(Peserta.id == p.id).with_for_update())
    kehadiran = db.session.scalar(select(Kehadiran).where(Kehadiran.peserta_id == p.id, Kehadiran.tanggal == tanggal)
                                  .execution_options(populate_existing=True))
    if kehadiran is not None and kehadiran.status == status:
        db.session.rollback()
        return Tanda(kehadiran, False)
    before = kehadiran.status if kehadiran is not None else None
    if kehadiran is None:
        kehadiran = Kehadiran(peserta_id=p.id, tanggal=tanggal, status=status, cara=cara,
                              dicatat_oleh_id=actor.id if actor else None)
        db.session.add(kehadiran)
    else:
        kehadiran.status, kehadiran.dicatat_oleh_id = status, actor.id if actor else None
        kehadiran.dicatat_pada = utcnow()
        kehadiran.cara = "koreksi" if cara == "daftar" else cara
    db.session.flush()
    write_audit(actor, "tandai" if before is None else "koreksi", kehadiran, k,
                {"status": [before, status], "tanggal": [None, tanggal.isoformat()], "peserta": [None, p.nama],
                 "cara": [None, cara]})
    sertifikat.judge(k, [p.id])
    try:
        db.session.commit()
    except IntegrityError:  # another request inserted the same day's mark first
        db.session.rollback()
        return Tanda(kehadiran_pada(p, tanggal), False)
    return Tanda(kehadiran, True)


# --- QR check-in ----------------------------------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT_QR)


def token_qr(p: Peserta) -> str:
    """The signed part of a peserta's QR URL: unguessable, and useless without a staff login."""
    return _serializer().dumps([p.id, p.kegiatan_id])


def peserta_of_token(token: str) -> Peserta:
    """The peserta of a card's QR code; a forged or foreign code is refused as not found (404)."""
    try:
        pid, kid = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        pid = kid = None
    p = db.session.get(Peserta, pid) if isinstance(pid, int) else None
    if p is None or p.kegiatan_id != kid:
        raise DomainError("Kode QR ini tidak sah. Pindai kartu peserta yang dicetak dari portal ini.", status=404)
    return p


def check_card(k: Kegiatan, hari_ini: date, status: int = 410) -> None:
    """A QR card marks today's sesi, so it works only on the days of the kegiatan: else DomainError with status
    (410: the card shown is gone; a check-in refused answers 422)."""
    rentang = formatting.rentang(k)
    if k.dibatalkan:
        raise DomainError("Kegiatan ini sudah dibatalkan: kartunya tidak berlaku lagi.", status=status)
    if hari_ini > k.tanggal_selesai:
        raise DomainError(f"Kode QR ini sudah kedaluwarsa: kegiatan selesai ({rentang}). Koreksi kehadiran "
                          "lewat daftar hadir per hari.", status=status)
    if hari_ini < k.tanggal_mulai:
        raise DomainError(f"Kode QR ini baru berlaku pada hari kegiatan ({rentang}).", status=status)


def check_in(actor, p: Peserta, hari_ini: date) -> Tanda:
    check_card(p.kegiatan, hari_ini, status=422)
    return mark(actor, p, hari_ini, "hadir", cara="qr", hari_ini=hari_ini)
