"""How dates and numbers read in Indonesian: 15 Okt 2025, 3.444."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app

BULAN = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def angka(value) -> str:
    if value is None:
        return "–"
    return f"{int(value):,}".replace(",", ".")


def persen(part, whole) -> str:
    if not whole:
        return "–"
    return f"{100 * part / whole:.1f}".replace(".", ",") + "%"


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


def init_app(app) -> None:
    app.jinja_env.filters.update(angka=angka, persen=persen, tanggal=tanggal, waktu=waktu)
