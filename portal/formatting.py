"""How dates and numbers read in Indonesian: 15 Okt 2025, 3.444."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from lokal.phone import parse_phone

from portal.models.kegiatan import CARA_CATAT, JENIS_KEGIATAN, PERAN, SASARAN, STATUS_HADIR, STATUS_SINGKAT
from portal.models.user import ROLE_LABEL
from portal.models.posyandu import (BIDANG, BIDANG_SINGKAT, JENIS_KELAMIN, KELOMPOK_STATUS, LEVEL_KADER,
                                     STATUS_REGISTRASI, mask_nik)

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
BULAN = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
# Official documents (sertifikat, daftar hadir, signed lists) spell the month out.
BULAN_PANJANG = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
                 "November", "Desember")
SATUAN = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas")


def angka(value) -> str:
    if value is None:
        return "–"
    return f"{int(value):,}".replace(",", ".")


def persen(part, whole, digits: int = 1) -> str:
    if not whole:
        return "–"
    return f"{100 * part / whole:.{digits}f}".replace(".", ",") + "%"


def tanggal(value: date | datetime | None, bulan: tuple[str, ...] = BULAN) -> str:
    if value is None:
        return "–"
    return f"{value.day} {bulan[value.month - 1]} {value.year}"


def tanggal_panjang(value: date | datetime | None) -> str:
    """15 Oktober 2025: the date on an official document (a stored UTC moment: its local day)."""
    if isinstance(value, datetime):
        value = _lokal(value).date()
    return tanggal(value, BULAN_PANJANG)


def terbilang(n: int) -> str:
    """2 → 'dua', 14 → 'empat belas', 21 → 'dua puluh satu': a count of days as a document writes it."""
    if n < 12:
        return SATUAN[n]
    if n < 20:
        return f"{SATUAN[n - 10]} belas"
    if n < 100:
        puluh, sisa = divmod(n, 10)
        return " ".join(["sepuluh" if puluh == 1 else f"{SATUAN[puluh]} puluh"] + ([SATUAN[sisa]] if sisa else []))
    return angka(n)


def waktu(value: datetime | None) -> str:
    """Times are stored in UTC and shown in the deployment's zone (TIMEZONE, TIMEZONE_LABEL)."""
    if value is None:
        return "–"
    local = _lokal(value)
    return f"{tanggal(local)} {local:%H.%M} {current_app.config['TIMEZONE_LABEL']}"


def hari(value: date) -> str:
    """Rabu: the day of the week, as a daftar hadir names it."""
    return HARI[value.weekday()]


def hari_ini() -> date:
    """Today where the portal is used (TIMEZONE), not on the server's clock: a sesi's day."""
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def samarkan(nama: str | None) -> str:
    """Siti Aminah → S*** A*****: enough to compare with a paper in hand, not a name to harvest."""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in (nama or "").split())


def _lokal(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


def jam(value: datetime | None) -> str:
    """08.12: the local time of a stored UTC moment."""
    return "–" if value is None else f"{_lokal(value):%H.%M}"


def saat(value: datetime | None, day: date) -> str:
    """When a mark of that day was made: 08.12 on the day itself, 17 Okt 2025 08.12 when corrected later."""
    if value is None:
        return "–"
    local = _lokal(value)
    return f"{local:%H.%M}" if local.date() == day else f"{tanggal(local)} {local:%H.%M}"


def rentang(k, panjang: bool = False) -> str:
    """15–16 Okt 2025, 30 Okt – 2 Nov 2025, 24 Nov 2025: the dates of a kegiatan (panjang: 15–16 Oktober 2025)."""
    a, b = k.tanggal_mulai, k.tanggal_selesai
    bulan = BULAN_PANJANG if panjang else BULAN
    if a == b:
        return tanggal(a, bulan)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{tanggal(b, bulan)}"
    if a.year == b.year:
        return f"{a.day} {bulan[a.month - 1]} – {tanggal(b, bulan)}"
    return f"{tanggal(a, bulan)} – {tanggal(b, bulan)}"


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
    app.jinja_env.filters.update(angka=angka, persen=persen, tanggal=tanggal, waktu=waktu, telepon=telepon,
                                 tanggal_panjang=tanggal_panjang, terbilang=terbilang, jam=jam, rentang=rentang,
                                 samarkan=samarkan, hari=hari, saat=saat)
    app.jinja_env.globals.update(BIDANG=BIDANG, BIDANG_SINGKAT=BIDANG_SINGKAT, LEVEL_KADER=LEVEL_KADER,
                                 JENIS_KELAMIN=JENIS_KELAMIN, STATUS_REGISTRASI=STATUS_REGISTRASI,
                                 KELOMPOK_STATUS=KELOMPOK_STATUS, JENIS_KEGIATAN=JENIS_KEGIATAN, PERAN=PERAN,
                                 SASARAN=SASARAN, STATUS_HADIR=STATUS_HADIR, STATUS_SINGKAT=STATUS_SINGKAT,
                                 CARA_CATAT=CARA_CATAT, ROLE_LABEL=ROLE_LABEL)
