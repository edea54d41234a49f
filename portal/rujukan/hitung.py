"""The monthly report's counts from the referral register (issue 16): an indicator of sumber «rujukan» names what it
counts as "<bidang>:<jenis>:<status>" (portal/laporan/katalog.py), e.g. "pendidikan:ats:diteruskan" = the cases of
that bidang and kind the Posyandu forwarded in that month.

A case counts in the month (WITA) in which it reached the state: for didata the day it was recorded (dicatat_pada), for
diteruskan the day it was forwarded, for any other state the step that took it there (its timeline). jenis may be
"*" (every kind of the bidang) or a group of KELOMPOK_JENIS ("sosial:rentan" = every kind of vulnerable person of bidang sosial).
"""
from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from portal.extensions import db
from portal.models.laporan import PERIODE_POLA
from portal.models.rujukan import JENIS_RUJUKAN, STATUS_RUJUKAN, LangkahRujukan, Rujukan

# The states whose day the case keeps (a WITA date); the others are read from the timeline.
TANGGAL = {"didata": Rujukan.dicatat_pada, "diteruskan": Rujukan.diteruskan_pada}
KELOMPOK_JENIS: dict[tuple[str, str], tuple[str, ...]] = {
    ("sosial", "rentan"): tuple(JENIS_RUJUKAN["sosial"]),
}


def baca_rumus(rumus: str) -> tuple[str, tuple[str, ...], str]:
    """(bidang, the kinds counted, status) of a rumus, or ValueError saying what is wrong with it."""
    parts = rumus.split(":") if isinstance(rumus, str) else []
    if len(parts) != 3:
        raise ValueError(f"Rumus rujukan ditulis <bidang>:<jenis>:<status>, bukan «{rumus}».")
    bidang, jenis, status = parts
    if bidang not in JENIS_RUJUKAN:
        raise ValueError(f"Bidang «{bidang}» tidak dikenal dalam rumus «{rumus}».")
    if jenis == "*":
        kinds = tuple(JENIS_RUJUKAN[bidang])
    elif (bidang, jenis) in KELOMPOK_JENIS:
        kinds = KELOMPOK_JENIS[bidang, jenis]
    elif jenis in JENIS_RUJUKAN[bidang]:
        kinds = (jenis,)
    else:
        raise ValueError(f"Jenis «{jenis}» tidak dikenal untuk bidang {bidang} dalam rumus «{rumus}».")
    if status not in STATUS_RUJUKAN:
        raise ValueError(f"Status «{status}» tidak dikenal dalam rumus «{rumus}».")
    return bidang, kinds, status


def _bulan(periode: str) -> tuple[date, date]:
    """The first day of the period and of the month after it."""
    match = re.fullmatch(PERIODE_POLA, periode or "")
    if not match:
        raise ValueError(f"Periode ditulis TTTT-BB, bukan «{periode}».")
    tahun, bulan = int(match[1]), int(match[2])
    return date(tahun, bulan, 1), date(tahun + bulan // 12, bulan % 12 + 1, 1)


def _utc(day: date) -> datetime:
    """Midnight WITA of day, as the naive UTC the timeline stores."""
    local = datetime.combine(day, time(), ZoneInfo(current_app.config["TIMEZONE"]))
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def hitung(posyandu_id: int, periode: str, rumus: str) -> int:
    """How many of the Posyandu's cases match the rumus in the period (YYYY-MM)."""
    bidang, kinds, status = baca_rumus(rumus)
    mulai, sampai = _bulan(periode)
    stmt = select(func.count(func.distinct(Rujukan.id))).where(
        Rujukan.posyandu_id == posyandu_id, Rujukan.bidang == bidang, Rujukan.jenis.in_(kinds))
    if status in TANGGAL:
        stmt = stmt.where(TANGGAL[status] >= mulai, TANGGAL[status] < sampai)
    else:
        stmt = stmt.join(LangkahRujukan, LangkahRujukan.rujukan_id == Rujukan.id).where(
            LangkahRujukan.ke == status, LangkahRujukan.pada >= _utc(mulai), LangkahRujukan.pada < _utc(sampai))
    return db.session.scalar(stmt) or 0
