"""The rules of a tim's period and of a seat, for the forms and the member import alike (portal/rules.py style)."""
from __future__ import annotations

import re

from portal import rules
from portal.formatting import hari_ini
from portal.models.pembina import JABATAN_PEMBINA, UNSUR

_EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+")


def email(value) -> str | None:
    value = rules.text(120)(value)
    if value is not None and not _EMAIL.fullmatch(value):
        raise rules.Invalid("Alamat email tidak sah, mis. nama@contoh.go.id.")
    return value.lower() if value else None


def ya(value) -> bool:
    """A checkbox, or ya/tidak in a sheet."""
    text = rules.text(10)(value)
    return (text or "").lower() in ("1", "y", "ya", "on", "true", "benar", "x")


jabatan = rules.choice(JABATAN_PEMBINA, "Jabatan", {"sekretaris": "sekretaris_1", "sekretaris i": "sekretaris_1",
                                                   "sekretaris ii": "sekretaris_2", "wakil": "wakil_ketua",
                                                   "koordinator": "koordinator"})
unsur = rules.choice(UNSUR, "Unsur", {"opd": "opd", "pkk": "tp_pkk", "tp pkk": "tp_pkk", "desa": "pemerintah_desa",
                                      "kelurahan": "pemerintah_desa", "tni": "tni_polri", "polri": "tni_polri",
                                      "tokoh": "tokoh_masyarakat"})


def masa_bakti(value):
    """A date of a masa bakti: may lie in the future (until 2100)."""
    result = rules.baca_tanggal(value)
    if result is not None and not 1990 <= result.year <= 2100:
        raise rules.Invalid("Tanggal harus antara 1990 dan 2100.")
    return result


TIM = {
    "sk_nomor": rules.required(rules.text(120)),
    "sk_tanggal": rules.required(rules.tanggal),
    "sk_penandatangan": rules.required(rules.text(120)),
    "masa_bakti_mulai": rules.required(masa_bakti),
    "masa_bakti_selesai": rules.required(masa_bakti),
    "pengukuhan_tanggal": rules.tanggal,
    "keterangan": rules.text(1000),
}

KURSI = {
    "jabatan": rules.required(jabatan),
    "bidang": rules.bidang,
    "unsur": rules.required(unsur),
    "jabatan_dinas": rules.text(200),
    "ex_officio": ya,
}

ANGGOTA = {
    "nama": rules.required(rules.nama),
    "telepon": rules.telepon,
    "email": email,
    "mulai": masa_bakti,
}


def _sesudah_hari_ini(value) -> bool:
    try:
        day = rules.baca_tanggal(value)
    except rules.Invalid:
        return False
    return day is not None and day > hari_ini()


def clean_tim(raw: dict) -> tuple[dict, dict]:
    values, errors = rules.clean(TIM, raw)
    if "pengukuhan_tanggal" in errors and _sesudah_hari_ini(raw.get("pengukuhan_tanggal")):
        errors["pengukuhan_tanggal"] = "Tanggal pengukuhan tidak boleh setelah hari ini; isi setelah pengukuhan " \
                                       "berlangsung."
    mulai, selesai = values.get("masa_bakti_mulai"), values.get("masa_bakti_selesai")
    if mulai and selesai and selesai <= mulai:
        errors["masa_bakti_selesai"] = "Akhir masa bakti harus sesudah awalnya."
    if values.get("pengukuhan_tanggal") and values.get("sk_tanggal") and \
            values["pengukuhan_tanggal"] < values["sk_tanggal"]:
        errors["pengukuhan_tanggal"] = "Pengukuhan tidak boleh sebelum tanggal SK."
    return values, errors


def clean_kursi(raw: dict) -> tuple[dict, dict]:
    values, errors = rules.clean(KURSI, raw)
    if values.get("jabatan") == "koordinator":
        if not values.get("bidang") and "bidang" not in errors:
            errors["bidang"] = "Koordinator bidang harus memilih satu bidang SPM."
    else:
        values["bidang"] = None
        errors.pop("bidang", None)
    return values, errors


def clean_anggota(raw: dict) -> tuple[dict, dict]:
    return rules.clean(ANGGOTA, raw)
