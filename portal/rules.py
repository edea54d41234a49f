"""The rules every value of a profile, a pengurus or a kader obeys, in one place.

The forms and the spreadsheet import both call clean(); each returns the stored values and, per field, the reason in
Indonesian why a value was refused. Input is forgiving: "Laki-laki", "l" and "L" are the same; dates come as
2025-10-15, 15-10-2025, 15/10/2025 or an Excel date; phone numbers any common way (lokal-id).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from lokal.nik import parse_nik
from lokal.phone import parse_phone

from portal.bilangan import angka_asing, bulat
from portal.formatting import hari_ini
from portal.models.posyandu import BIDANG, JABATAN, JENIS_KELAMIN, LEVEL_KADER


class Invalid(ValueError):
    pass


_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DESIMAL = re.compile(r"[+-]?[0-9]{1,3}([.,][0-9]{1,15})?")


def text(max_length: int) -> Callable[[Any], str | None]:
    def clean(value):
        if value is None:
            return None
        if not isinstance(value, (str, int, float, date)):  # a file part, a list: never "<FileStorage …>" stored
            raise Invalid("Isian harus berupa teks.")
        value = _SPACES.sub(" ", _CONTROL.sub(" ", str(value))).strip()
        if len(value) > max_length:
            raise Invalid(f"Maksimal {max_length} karakter.")
        return value or None
    return clean


def nama(value) -> str | None:
    value = text(120)(value)
    if value is not None and not re.search(r"[A-Za-z]", value):
        raise Invalid("Nama harus memuat huruf.")
    return value


def choice(options: dict[str, str], what: str, aliases: dict[str, str] | None = None):
    lookup = {k.lower(): k for k in options} | {v.lower(): k for k, v in options.items()} | (aliases or {})

    def clean(value):
        value = text(40)(value)
        if value is None:
            return None
        key = lookup.get(value.lower())
        if key is None:
            raise Invalid(f"{what} tidak dikenal. Pilihan: {', '.join(options.values())}.")
        return key
    return clean


bidang = choice(BIDANG, "Bidang", {"pekerjaan umum": "pu", "pupr": "pu", "perumahan": "perumahan",
                                     "trantib": "trantibumlinmas", "linmas": "trantibumlinmas"})
jabatan = choice(JABATAN, "Jabatan", {"koordinator": "koordinator"})
level_kader = choice(LEVEL_KADER, "Level kader")
jenis_kelamin = choice(JENIS_KELAMIN, "Jenis kelamin", {"lk": "L", "laki": "L", "laki laki": "L", "pr": "P",
                                                         "wanita": "P"})

_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


def tanggal(value) -> date | None:
    """A date of the past (SK, musyawarah, birth): not after today where the portal is used (WITA), which at
    07.30 WITA is still yesterday on the server's UTC clock."""
    result = baca_tanggal(value)
    if result is not None and not date(1900, 1, 1) <= result <= hari_ini():
        raise Invalid("Tanggal harus antara 1900 dan hari ini.")
    return result


def baca_tanggal(value) -> date | None:
    """Any of the accepted spellings of a date, or an Excel date; no range check."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    else:
        raw = str(value).strip()
        if not raw:
            return None
        if angka_asing(raw):  # strptime's %Y reads '２０２５' as 2025
            raise Invalid("Tulis tanggal dengan angka 0-9, seperti 15-10-2025.")
        for fmt in _DATE_FORMATS:
            try:
                result = datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise Invalid("Tanggal tidak dikenali. Tulis seperti 15-10-2025.")
    return result


def tanggal_lahir(value) -> date | None:
    result = tanggal(value)
    if result is not None and (hari_ini() - result).days < 365 * 12:
        raise Invalid("Kader minimal berusia 12 tahun.")
    return result


def telepon(value) -> str | None:
    raw = text(30)(value)
    if raw is None:
        return None
    info = parse_phone(raw)
    if not info.valid:
        raise Invalid("Nomor telepon tidak sah. Tulis seperti 0812-3456-7890.")
    return info.e164


def nik(value) -> str | None:
    raw = text(30)(value)
    if raw is None:
        return None
    if raw.endswith(".0"):  # a NIK typed into an Excel number cell
        raw = raw[:-2]
    info = parse_nik(raw)
    if not info.valid:
        reason = info.errors[0].message if info.errors else "NIK tidak sah."
        raise Invalid(reason)
    return info.nik


def rt_rw(value) -> str | None:
    raw = text(5)(value)
    if raw is None:
        return None
    if raw.endswith(".0"):
        raw = raw[:-2]
    number = bulat(raw, 1, 999)
    if number is None:
        raise Invalid("Isi dengan angka 1–999, mis. 003.")
    return f"{number:03d}"


def koordinat(low: float, high: float, what: str, example: str):
    def clean(value):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):  # a number cell of a spreadsheet
            number = float(value)
        elif _DESIMAL.fullmatch(str(value).strip()):  # float() would also take '１.５', '1_0' and 'nan'
            number = float(str(value).strip().replace(",", "."))
        else:
            raise Invalid(f"{what} harus berupa angka desimal, mis. {example}.")
        if not low <= number <= high:
            raise Invalid(f"{what} di luar wilayah Indonesia ({low} sampai {high}).")
        return round(number, 6)
    return clean


def required(clean: Callable) -> Callable:
    def wrapped(value):
        result = clean(value)
        if result is None:
            raise Invalid("Wajib diisi.")
        return result
    wrapped.required = True
    return wrapped


PROFIL = {
    "nama": required(nama),
    "dusun": text(80),
    "rt": rt_rw,
    "rw": rt_rw,
    "alamat": text(200),
    "latitude": koordinat(-11.5, 6.5, "Lintang", "-2.1534"),
    "longitude": koordinat(94.5, 141.5, "Bujur", "115.3821"),
    "sk_nomor": text(100),
    "sk_tanggal": tanggal,
    "musdes_tanggal": tanggal,
    "hari_buka": text(100),
    "kontak": telepon,
}

KADER = {
    "nama": required(nama),
    "jenis_kelamin": required(jenis_kelamin),
    "bidang": required(bidang),
    "level": level_kader,
    "tanggal_lahir": tanggal_lahir,
    "telepon": telepon,
    "nik": nik,
}

PENGURUS = {
    "jabatan": required(jabatan),
    "bidang": bidang,
    "nama": required(nama),
    "jenis_kelamin": jenis_kelamin,
    "telepon": telepon,
    "alamat": text(200),
}


def clean(schema: dict[str, Callable], raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(values, errors): every field of the schema cleaned, or its error message."""
    values, errors = {}, {}
    for field, cleaner in schema.items():
        try:
            values[field] = cleaner(raw.get(field))
        except Invalid as e:
            errors[field] = str(e)
    if schema is PENGURUS and not errors:
        if values["jabatan"] == "koordinator" and not values["bidang"]:
            errors["bidang"] = "Koordinator harus memilih satu bidang."
        elif values["jabatan"] != "koordinator":
            values["bidang"] = None
    if schema is KADER and not errors and values["level"] and values["bidang"] != "kesehatan":
        errors["level"] = "Level Kemenkes (purwa, madya, utama) hanya untuk kader bidang kesehatan."
    if schema is PROFIL and not errors:
        if (values["latitude"] is None) != (values["longitude"] is None):
            errors["longitude" if values["longitude"] is None else "latitude"] = "Isi lintang dan bujur bersama-sama."
        if values["musdes_tanggal"] and values["sk_tanggal"] and values["musdes_tanggal"] > values["sk_tanggal"]:
            errors["musdes_tanggal"] = "Musyawarah desa mendahului SK pembentukan: tanggalnya tidak boleh sesudah " \
                                       "tanggal SK."
    return values, errors
