"""How dates and numbers read in Indonesian: 15 Okt 2025, 3.444."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from lokal.phone import parse_phone

from portal.models.posyandu import (BIDANG, BIDANG_SINGKAT, JENIS_KELAMIN, KELOMPOK_STATUS, LEVEL_KADER,
                                     STATUS_REGISTRASI, mask_nik)

BULAN = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def angka(value) -> str:
    if value is None:
        return "–"
    return f"{int(value):,}".replace(",", ".")


def persen(part, whole, digits: int = 1) -> str:
    if not whole:
        return "–"
    return f"{100 * part / whole:.{digits}f}".replace(".", ",") + "%"


def tanggal(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def waktu(value: datetime | None) -> str:
    """Times are stored in UTC and shown in the deployment's zone (TIMEZONE, TIMEZONE_LABEL)."""
    if value is None:
        return "–"
    local = value.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return f"{tanggal(local)} {local:%H.%M} {current_app.config['TIMEZONE_LABEL']}"


def telepon(e164: str | None) -> str:
    """+6281234567890 → 0812-3456-7890."""
    if not e164:
        return "–"
    return parse_phone(e164).national or e164


def nilai(value, field: str = "") -> str:
    """Any stored value as a person reads it; personal numbers masked."""
    if value is None or value == "":
        return "–"
    if field == "nik":
        return mask_nik(value)
    if field in ("telepon", "kontak"):
        return telepon(value)
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, (date, datetime)):
        return tanggal(value)
    return str(value)


def init_app(app) -> None:
    app.jinja_env.filters.update(angka=angka, persen=persen, tanggal=tanggal, waktu=waktu, telepon=telepon)
    app.jinja_env.globals.update(BIDANG=BIDANG, BIDANG_SINGKAT=BIDANG_SINGKAT, LEVEL_KADER=LEVEL_KADER,
                                 JENIS_KELAMIN=JENIS_KELAMIN, STATUS_REGISTRASI=STATUS_REGISTRASI,
                                 KELOMPOK_STATUS=KELOMPOK_STATUS)
