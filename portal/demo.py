"""Demo data for `make run`: one account per role in Kabupaten Tabalong, and the institutional data (Posyandu,
pengurus, kader, layanan) of Kalimantan Selatan.

Passwords are generated once per install and kept in instance/demo-akun.json, so a re-seed keeps them.

The institutional data is GENERATED, not entered by anyone. Names are made up from common names of the region; NIK and
phone numbers only have a valid structure (a NIK carries the kecamatan code and the birth date, a phone number a real
operator prefix) and belong to no one. It follows the figures reported for the province (DOMAIN.md §7): Kabupaten
Tabalong has exactly 288 active Posyandu and 3,444 active kader over all its 131 desa/kelurahan, 3 of them pilot
projects, about a third with a complete profile; every other kabupaten/kota gets 3–8 Posyandu, 1–3 of them pilot.
random.Random(SEED) gives every install the same data. Each generated Posyandu gets one audit entry, "buat" by the
system, that says it is demo data, so its Riwayat does not pretend that a person entered it.
"""
from __future__ import annotations

import json
import os
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from portal import rekap
from portal.extensions import db
from portal.formatting import angka
from portal.kegiatan import demo as demo_kegiatan
from portal.models.audit import AuditLog
from portal.models.base import utcnow
from portal.models.posyandu import BIDANG, Kader, KatalogKegiatan, Pengurus, Posyandu, posyandu_layanan
from portal.models.user import User
from portal.models.wilayah import Wilayah, desa_clause, jenis_of, within_clause
from portal.pengguna import service as pengguna
from portal.kelengkapan import KURSI_PENGURUS
from portal.registrasi import demo as demo_registrasi

DEMO_ACCOUNTS = [
    # username, role, kode wilayah, name. Desa → kecamatan → kabupaten form a chain, so each verifies what the one
    # below submits; the desa is one of the 7 of Bintang Ara that sent kader to the demo bimtek (kegiatan/demo.py).
    ("admin", "admin", "63", "Admin Dinas PMD Provinsi Kalimantan Selatan"),
    ("kabupaten", "kabupaten", "63.09", "DPMD Kabupaten Tabalong"),
    ("kecamatan", "kecamatan", "63.09.12", "Tim Pembina Posyandu Kecamatan Bintang Ara"),
    ("desa", "desa", "63.09.12.2003", "Operator Desa Bintang Ara"),
    ("penyelenggara", "penyelenggara", "63.09", "Panitia Bimtek Kabupaten Tabalong"),
]


def _password_file(instance_path: str) -> str:
    return os.path.join(instance_path, "demo-akun.json")


def demo_passwords(instance_path: str) -> dict[str, str]:
    path = _password_file(instance_path)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    passwords = {username: pengguna.generate_password() for username, *_ in DEMO_ACCOUNTS}
    os.makedirs(instance_path, exist_ok=True)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as f:
        json.dump(passwords, f, indent=1)
    return passwords


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


@dataclass
class SeedResult:
    accounts: list[str]  # the usernames created
    kelembagaan: list[str]  # what institutional data was generated, one line each (empty: skipped)
    kegiatan: list[str] = field(default_factory=list)  # the demo kegiatan created, one line each
    registrasi: list[str] = field(default_factory=list)  # the demo usulan and tahap, one line


def seed(instance_path: str) -> SeedResult:
    """The demo accounts that do not exist yet, and the institutional data of Kalimantan Selatan when the province
    has no Posyandu yet. Idempotent."""
    accounts, kelembagaan = seed_accounts(instance_path), seed_kelembagaan()
    organiser = db.session.scalar(select(User).where(User.username == DEMO_PENYELENGGARA))
    chain = {u.role: u for u in db.session.scalars(select(User).where(User.username.in_(DEMO_RANTAI)))}
    return SeedResult(accounts, kelembagaan, demo_kegiatan.seed(organiser),
                      demo_registrasi.seed(DEMO_DESA, DEMO_KECAMATAN, chain))


def seed_accounts(instance_path: str) -> list[str]:
    """Creates the demo accounts that do not exist yet; returns the usernames created. Idempotent."""
    passwords = demo_passwords(instance_path)
    created = []
    for username, role, kode, name in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.username == username)) is None:
            pengguna.create_user(None, username=username, name=name, role=role, wilayah_kode=kode,
                                 password=passwords[username])
            created.append(username)
    return created


# --- Institutional data ---------------------------------------------------------------------------------------------

SEED = 6309
PROVINSI = "63"
TABALONG = "63.09"
TABALONG_POSYANDU = 288
TABALONG_KADER = 3444
TABALONG_PILOT = 3
POSYANDU_PER_DESA = 5
POSYANDU_LAIN = (3, 8)
PILOT_LAIN = (1, 3)
DEMO_PENYELENGGARA = "penyelenggara"
# The `desa` account's desa: several Posyandu, complete and not, so the operator has something to do; and the
# kecamatan account's kecamatan, which holds it.
DEMO_DESA = next(kode for _u, role, kode, _n in DEMO_ACCOUNTS if role == "desa")
DEMO_KECAMATAN = next(kode for _u, role, kode, _n in DEMO_ACCOUNTS if role == "kecamatan")
assert DEMO_DESA.startswith(DEMO_KECAMATAN + ".")
# The accounts whose region holds the demo desa: the registration demo records their steps under their names.
DEMO_RANTAI = ("desa", "kecamatan", "kabupaten")
SUMBER = "Data demo buatan (flask demo seed), bukan isian petugas."
# Dates are drawn relative to this day, not today, so every install gets the same data.
ACUAN = date(2025, 11, 24)

# What an incomplete profile lacks (keys of kelengkapan.Syarat), each with its chance; at least one.
KEKURANGAN = {"kader_minimum": .85, "sk": .35, "musdes": .3, "pengurus": .4, "kader_bidang": .35}
# How kader spread over the bidang: health has by far the most, public works, housing and trantibumlinmas the fewest.
BOBOT_BIDANG = {"pendidikan": 2, "kesehatan": 6, "pu": .8, "perumahan": .7, "trantibumlinmas": .8, "sosial": 1.5}
# Which bidang a Posyandu most often has no kader in, and which pengurus seat most often stays empty.
BOBOT_KOSONG = {"pendidikan": 1, "kesehatan": 0, "pu": 4, "perumahan": 4, "trantibumlinmas": 3, "sosial": 1.5}
BOBOT_KURSI_KOSONG = {"ketua": .2, "sekretaris": 1, "bendahara": 1} | {
    f"koordinator:{b}": w + .5 for b, w in BOBOT_KOSONG.items()}
assert set(BOBOT_KURSI_KOSONG) == set(KURSI_PENGURUS) and set(BOBOT_BIDANG) == set(BIDANG)
# Chance that a kader of the bidang (or its koordinator) is a man; ketua, sekretaris and bendahara: "umum".
LAKI_LAKI = {"pendidikan": .1, "kesehatan": .03, "pu": .45, "perumahan": .35, "trantibumlinmas": .7, "sosial": .2,
             "umum": .15}

# Who lives where, roughly: Banjar everywhere; Dayak (Maanyan, Deah, Lawangan) in the hills of the north and east;
# Javanese and Sundanese in the transmigration villages.
SUKU = {"banjar": 9, "jawa": 1}
SUKU_WILAYAH = {
    "63.09.05": {"banjar": 7, "dayak": 3},
    "63.09.07": {"banjar": 7, "dayak": 3},
    "63.09.10": {"banjar": 5, "dayak": 5},
    "63.09.11": {"banjar": 6, "dayak": 4},
    "63.09.12": {"banjar": 5, "dayak": 3, "jawa": 2},
    "63.09.05.2021": {"jawa": 8, "banjar": 2},  # Catur Karya
    "63.09.12.2007": {"jawa": 8, "banjar": 2},  # Argo Mulyo
    "63.09.12.2008": {"jawa": 8, "banjar": 2},  # Bumi Makmur
    "63.09.12.2009": {"jawa": 8, "banjar": 2},  # Hegarmanah
    "63.72": {"banjar": 7, "jawa": 3},  # Banjarbaru
}
NAMA_ORANG = {
    ("banjar", "P"): (
        "Siti Aminah", "Rusmiati", "Norhayati", "Rahmah", "Aulia", "Nurul Hidayah", "Rabiatul Adawiyah", "Mahdiah",
        "Jumiati", "Norhasanah", "Masitah", "Salasiah", "Hamidah", "Fatimah", "Syarifah", "Nursiah", "Rusdiana",
        "Rismawati", "Mardiana", "Normila", "Noorhidayati", "Husnul Khatimah", "Raudah", "Lailatul Fitriah",
        "Misnawati", "Jamilah", "Zubaidah", "Rahmawati", "Yuliani", "Herlina", "Nor Aini", "Siti Rahmah",
        "Khairunnisa", "Ernawati", "Paridah", "Arbainah", "Saniah", "Noorjannah", "Norlaila", "Normiah",
        "Siti Khadijah", "Mariani", "Marhamah", "Halimah", "Hafsah", "Rosmaniah", "Juwairiyah", "Ainun Jariah",
        "Nur Hasanah", "Siti Fatimah", "Mulyani", "Fitriani", "Masriah", "Ratna Sari", "Nurlita", "Aisyah",
        "Nadia Ulfah", "Annisa Rahmi", "Siti Norbaya", "Rahimah", "Saudah", "Darmiati", "Jariyah", "Nurmala",
        "Hairiyah", "Nordiana", "Muslimah", "Wardah", "Maulida", "Rizka Amalia", "Syifa Fauziah", "Laila Rahmah",
        "Helda Yanti", "Eka Fitriani", "Nurbaiti", "Jubaidah", "Sa'adah", "Mahmudah", "Noor Laila", "Isnawati",
    ),
    ("banjar", "L"): (
        "Muhammad Rizki", "Ahmad Fauzi", "Syahrani", "Muhammad Noor", "Abdul Hadi", "Rahmadi", "Hairil Anwar",
        "Gusti Irwan", "Saipul Rahman", "Ahmad Yani", "Fahrul Razi", "M. Arsyad", "Zainal Arifin", "Abdul Karim",
        "Basri", "Jumberi", "Mursidi", "Hamdani", "Rusdi", "Aspihani", "Samsul Bahri", "Taufik Hidayat", "Masrani",
        "Rahmat Hidayat", "Ahmad Rifani", "Normansyah", "Akhmad Fitriadi", "Syarifuddin", "Mahyuni", "Yusran",
        "Sahrudin", "Helmi", "Fauzan Noor", "Riduan", "Ahmad Juhdi", "Arbani", "Muhammad Ramadhan", "Isnaini",
    ),
    ("jawa", "P"): (
        "Sri Wahyuni", "Sumarni", "Suparmi", "Tri Lestari", "Endang Susilowati", "Siti Maryam", "Wartini",
        "Sulastri", "Yuni Astuti", "Dwi Handayani", "Sugiyem", "Winarsih", "Kusmiyati", "Rini Widyastuti",
        "Eni Kurniasih", "Tutik Haryati", "Euis Rohaeni", "Neneng Hasanah", "Yayah Sopiah", "Cucu Sumiati",
        "Sri Rahayu", "Nurjanah", "Puji Lestari", "Siti Muawanah", "Ngatini", "Sumiyati", "Wiwik Sulistyowati",
    ),
    ("jawa", "L"): (
        "Suyanto", "Sugeng Riyadi", "Bambang Supriyadi", "Slamet", "Agus Salim", "Joko Susilo", "Wagiman",
        "Teguh Prasetyo", "Dedi Kurniawan", "Asep Saepudin", "Sutrisno", "Paijo", "Eko Wahyudi", "Mulyono",
    ),
    ("dayak", "P"): (
        "Yuliana", "Marta Ulina", "Elisabet", "Debora", "Natalia", "Sarlina", "Mariati", "Lidia", "Rosalina",
        "Kristina", "Nopita Sari", "Helena", "Yohana", "Sintia", "Juliati", "Erni Santi", "Rita Damayanti",
        "Yanti Kristiani", "Mince", "Lusiana", "Agustina", "Serli", "Nelly Yuliani", "Darmawati",
    ),
    ("dayak", "L"): (
        "Yohanes", "Markus", "Petrus", "Yulius", "Rinto", "Alpian", "Simson", "Natanael", "Rudi Hartono",
        "Ferdinand", "Lamberthus", "Darius", "Hendri Kusnadi", "Wilson",
    ),
}
# Hajjah and haji: a title many older Banjar women and men carry in their name.
GELAR = {"P": "Hj. ", "L": "H. "}

NAMA_POSYANDU = (
    "Melati", "Mawar", "Anggrek", "Bougenville", "Teratai", "Kenanga", "Cempaka", "Dahlia", "Flamboyan", "Seruni",
    "Kamboja", "Nusa Indah", "Kemuning", "Asoka", "Sedap Malam", "Matahari", "Tulip", "Aster", "Kasturi",
    "Harapan Bunda", "Kasih Ibu", "Permata Hati", "Sehati", "Bina Sehat", "Tunas Harapan", "Bungas", "Galuh",
    "Intan", "Sasirangan", "Idaman", "Pelangi", "Cempaka Putih",
)
# Old single-purpose posts, closed when their work moved into a Posyandu 6 SPM.
DITUTUP = (
    ("Posyandu Lansia Sejahtera", "Digabung ke {aktif} dalam penataan Posyandu 6 bidang SPM (Permendagri 13/2024)."),
    ("Posbindu PTM Sehat Bersama", "Kegiatan skrining dewasa dan lansia pindah ke {aktif}; Posbindu tidak lagi "
                                   "berdiri sendiri."),
    ("Posyandu Remaja Generasi Bungas", "Tidak ada kegiatan sejak awal 2025; remaja dilayani di {aktif}."),
    ("Posyandu Balita Nusa Indah", "Kader pindah tempat tinggal dan warga bergabung ke {aktif}."),
)
DUSUN = ("Hulu", "Hilir", "Tengah", "Padang", "Baru", "Murung", "Karya Bakti", "Sungai Ulin", "Harapan", "Sejahtera",
         "Mekar Sari", "Banua Anyar", "Pematang", "Rantau", "I", "II", "III", "IV")
TEMPAT = ("Balai Desa {desa}", "Gedung Posyandu RT {rt}", "Polindes {desa}", "Samping Langgar {ibadah}",
          "Dekat Masjid {ibadah}", "Rumah Ketua RT {rt}", "Gedung PAUD {paud}")
JALAN = ("Jl. A. Yani", "Jl. Pangeran Antasari", "Jl. Jend. Sudirman", "Jl. Pangeran Hidayatullah",
         "Jl. Lambung Mangkurat", "Jl. Hasan Basri", "Jl. Kenanga", "Jl. Delima", "Gang Keluarga", "Gang Bersama")
IBADAH = ("Al-Ikhlas", "Nurul Huda", "Darussalam", "Al-Muhajirin", "Nurul Iman", "At-Taqwa", "Miftahul Jannah")
PAUD = ("Harapan Bunda", "Tunas Bangsa", "Al-Hidayah", "Bina Anak Sholeh", "Permata Bunda")
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Sabtu")
MINGGU_KE = ("pertama", "kedua", "ketiga", "keempat")
# Mobile prefixes with their weight: Telkomsel has most of the signal in rural Kalimantan Selatan.
PREFIX_HP = {"0812": 6, "0813": 5, "0821": 4, "0822": 5, "0823": 3, "0852": 6, "0853": 5, "0811": 1, "0851": 2,
             "0857": 2, "0856": 1, "0878": 1, "0819": 1, "0895": 1, "0896": 1, "0838": 1}
LEVEL = {"purwa": 55, "madya": 35, "utama": 10}


def _ambil(rng: random.Random, bobot: dict[str, float], k: int) -> list[str]:
    """k different keys, drawn by weight (keys of weight 0 never)."""
    pool = {key: w for key, w in bobot.items() if w > 0}
    chosen = []
    for _ in range(min(k, len(pool))):
        key = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(key)
        del pool[key]
    return chosen


def _singkatan(nama: str) -> str:
    """The desa in an SK number: Pamarangan Kiwa → PMK, Hapalah → HPL."""
    words = re.sub(r"[^A-Za-z ]", "", nama).upper().split()
    consonants = [c for c in words[0][1:] if c not in "AIUEO"]
    if len(words) == 1:
        return words[0][0] + "".join(consonants[:2])
    return words[0][0] + "".join(consonants[:1]) + "".join(w[0] for w in words[1:])


@dataclass
class _Desa:
    kode: str
    nama: str

    @property
    def kelurahan(self) -> bool:
        return jenis_of(self.kode) == "kelurahan"

    @property
    def label(self) -> str:
        return f"{'Kelurahan' if self.kelurahan else 'Desa'} {self.nama}"


@dataclass(eq=False)
class _Rencana:
    """One Posyandu to generate: where, its name, and what its profile will lack (empty: complete)."""
    desa: _Desa
    nama: str
    kurang: set[str] = field(default_factory=set)
    kader: int = 0
    pilot: bool = False
    ditutup: tuple[str, str] | None = None  # (name of the Posyandu it went to, reason template)


class _Pembuat:
    """Draws the plans and turns them into rows, all from one random.Random."""

    def __init__(self, kader_minimum: int, katalog: dict[str, list[int]], nik_terpakai: set[str]):
        self.rng = random.Random(SEED)
        self.kader_minimum = kader_minimum
        self.katalog = katalog
        self.nik = nik_terpakai
        self.telepon_terpakai: set[str] = set()
        self.posyandu: list[dict] = []
        # Rows of the children, posyandu_id holding the index into self.posyandu until the Posyandu are inserted.
        self.kader: list[dict] = []
        self.pengurus: list[dict] = []
        self.layanan: list[dict] = []

    # -- plans ---------------------------------------------------------------------------------------------------

    def nama_posyandu(self, n: int) -> list[str]:
        """n names, different within one desa: a numbered series (Melati 1, Melati 2) or different flowers."""
        rng = self.rng
        if n > 1 and rng.random() < .35:
            base = rng.choice(NAMA_POSYANDU)
            return [f"Posyandu {base} {i}" for i in range(1, n + 1)]
        names = rng.sample(NAMA_POSYANDU, n)
        if n == 1 and rng.random() < .15:
            names[0] += " 1"
        return [f"Posyandu {name}" for name in names]

    def kekurangan(self) -> set[str]:
        kurang = {key for key, chance in KEKURANGAN.items() if self.rng.random() < chance}
        return kurang or {self.rng.choice(list(KEKURANGAN))}

    def rentang_kader(self, plan: _Rencana) -> tuple[int, int]:
        """How many active kader the plan may have: at least the minimum unless it is to lack them."""
        k = self.kader_minimum
        if "kader_minimum" in plan.kurang:
            low = 3 if "kader_bidang" in plan.kurang else len(BIDANG)
            return min(low, max(k - 1, 0)), max(k - 1, 0)
        return k, k + 4

    def jumlah_kader(self, plan: _Rencana) -> int:
        low, high = self.rentang_kader(plan)
        return round(self.rng.triangular(low, high, low + (high - low) / 8))

    def tepatkan(self, plans: list[_Rencana], total: int) -> None:
        """Moves kader counts one at a time, inside each plan's range, until they add up to total exactly."""
        ranges = {p: self.rentang_kader(p) for p in plans}
        low, high = (sum(r[i] for r in ranges.values()) for i in (0, 1))
        if not low <= total <= high:
            raise RuntimeError(f"{total} kader tidak muat dalam rentang {low}–{high}")
        diff = total - sum(p.kader for p in plans)
        step = 1 if diff > 0 else -1
        while diff:
            movable = [p for p in plans if ranges[p][0] <= p.kader + step <= ranges[p][1]]
            self.rng.choice(movable).kader += step
            diff -= step

    def rencana(self, desa: list[_Desa], per_desa: dict[str, int], lengkap: float | int) -> list[_Rencana]:
        """Plans for per_desa[kode] Posyandu in each desa; lengkap is a share, or an exact number, of complete ones."""
        plans = [_Rencana(d, nama) for d in desa for nama in self.nama_posyandu(per_desa.get(d.kode, 0))]
        n = lengkap if isinstance(lengkap, int) else round(len(plans) * lengkap)
        # In the demo desa the first two Posyandu are complete (one to submit, one waiting for the kecamatan) and the
        # others are not.
        demo = [p for p in plans if p.desa.kode == DEMO_DESA][:2]
        others = [p for p in plans if p.desa.kode != DEMO_DESA]
        complete = set(demo) | set(self.rng.sample(others, n - len(demo)))
        for p in plans:
            if p not in complete:
                p.kurang = self.kekurangan()
            p.kader = self.jumlah_kader(p)
        return plans

    def tabalong(self, desa: list[_Desa]) -> list[_Rencana]:
        """Exactly TABALONG_POSYANDU active Posyandu over every desa, TABALONG_KADER active kader, a few closed."""
        rng = self.rng
        per_desa = {d.kode: 1 for d in desa}
        if DEMO_DESA in per_desa:
            per_desa[DEMO_DESA] = 3
        size = {d.kode: rng.choice((1, 1, 1, 2, 2, 3)) * (3 if d.kelurahan else 1) for d in desa}
        while sum(per_desa.values()) < TABALONG_POSYANDU:
            room = [kode for kode, n in per_desa.items() if n < POSYANDU_PER_DESA]
            per_desa[rng.choices(room, weights=[size[k] for k in room])[0]] += 1
        plans = self.rencana(desa, per_desa, TABALONG_POSYANDU // 3)
        self.tepatkan(plans, TABALONG_KADER)
        by_kecamatan: dict[str, list[_Rencana]] = {}
        for p in plans:
            if not p.kurang:
                by_kecamatan.setdefault(p.desa.kode[:8], []).append(p)
        for kecamatan in rng.sample(sorted(by_kecamatan), TABALONG_PILOT):
            rng.choice(by_kecamatan[kecamatan]).pilot = True
        closed = []
        for (nama, alasan), host in zip(DITUTUP, rng.sample(plans, len(DITUTUP))):
            closed.append(_Rencana(host.desa, nama, kader=rng.randint(2, 6), ditutup=(host.nama, alasan)))
        return plans + closed

    def kabupaten_lain(self, desa: list[_Desa]) -> list[_Rencana]:
        rng = self.rng
        chosen = rng.sample(desa, min(rng.randint(*POSYANDU_LAIN), len(desa)))
        chosen.sort(key=lambda d: d.kode)
        plans = self.rencana(chosen, {d.kode: 1 for d in chosen}, 1 / 3)
        pilots = rng.sample(plans, min(rng.randint(*PILOT_LAIN), len(plans)))
        for p in pilots:
            p.pilot, p.kurang = True, set()
            p.kader = max(p.kader, self.kader_minimum)
        return plans

    # -- rows ----------------------------------------------------------------------------------------------------

    def telepon(self) -> str:
        while True:
            prefix = self.rng.choices(list(PREFIX_HP), weights=list(PREFIX_HP.values()))[0]
            n = self.rng.choice((7, 8, 8, 8))
            e164 = f"+62{prefix[1:]}{self.rng.randrange(10 ** n):0{n}d}"
            if e164 not in self.telepon_terpakai:
                self.telepon_terpakai.add(e164)
                return e164

    def nik_untuk(self, desa_kode: str, lahir: date, jenis_kelamin: str) -> str:
        """PP KK CC DDMMYY SSSS: the desa's kecamatan, the birth date (+40 on the day for a woman), a serial."""
        day = lahir.day + (40 if jenis_kelamin == "P" else 0)
        head = f"{desa_kode[:8].replace('.', '')}{day:02d}{lahir:%m%y}"
        while True:
            nik = f"{head}{self.rng.randint(1, 9999):04d}"
            if nik not in self.nik:
                self.nik.add(nik)
                return nik

    def orang(self, desa: _Desa, laki_laki: float, dipakai: set[str], tua: bool = True) -> tuple[str, str]:
        """(name, jenis kelamin) of someone living around the desa, not yet used in this Posyandu; only someone
        older (tua) may carry the title of a haji."""
        rng = self.rng
        mix = next((SUKU_WILAYAH[k] for k in (desa.kode, desa.kode[:8], desa.kode[:5]) if k in SUKU_WILAYAH), SUKU)
        while True:
            jk = "L" if rng.random() < laki_laki else "P"
            suku = rng.choices(list(mix), weights=list(mix.values()))[0]
            nama = rng.choice(NAMA_ORANG[suku, jk])
            if tua and suku == "banjar" and rng.random() < .1:
                nama = GELAR[jk] + nama
            if nama not in dipakai:
                dipakai.add(nama)
                return nama, jk

    def per_bidang(self, plan: _Rencana) -> dict[str, int]:
        """The plan's kader over the bidang; a plan that is to lack them leaves one to three bidang empty."""
        rng = self.rng
        kosong = _ambil(rng, BOBOT_KOSONG, rng.choice((1, 1, 1, 2, 2, 3))) if "kader_bidang" in plan.kurang else []
        bobot = {b: w for b, w in BOBOT_BIDANG.items() if b not in kosong}
        counts = dict.fromkeys(BIDANG, 0)
        first = ["kesehatan", *_ambil(rng, {b: w for b, w in bobot.items() if b != "kesehatan"}, plan.kader - 1)]
        for b in first[:plan.kader]:
            counts[b] += 1
        for b in rng.choices(list(bobot), weights=list(bobot.values()), k=max(plan.kader - len(first), 0)):
            counts[b] += 1
        return counts

    def kader_rows(self, index: int, plan: _Rencana, dipakai: set[str]) -> None:
        rng = self.rng
        inactive = 1 if plan.ditutup is None and rng.random() < .1 else 0
        bidang_list = [b for b, n in self.per_bidang(plan).items() for _ in range(n)]
        bidang_list += rng.choices(list(BIDANG), k=inactive)
        for i, bidang in enumerate(bidang_list):
            lahir = ACUAN - timedelta(days=rng.randint(19 * 365, 62 * 365))
            nama, jk = self.orang(plan.desa, LAKI_LAKI[bidang], dipakai, tua=(ACUAN - lahir).days > 40 * 365)
            nik = self.nik_untuk(plan.desa.kode, lahir, jk) if rng.random() < .35 else None
            self.kader.append({
                "posyandu_id": index, "nama": nama, "jenis_kelamin": jk, "bidang": bidang,
                "tanggal_lahir": lahir if nik or rng.random() < .3 else None,
                "telepon": self.telepon() if rng.random() < .45 else None,
                "nik": nik,
                "level": rng.choices(list(LEVEL), weights=list(LEVEL.values()))[0]
                if bidang == "kesehatan" and rng.random() < .65 else None,
                "aktif": i < len(bidang_list) - inactive,
            })

    def pengurus_rows(self, index: int, plan: _Rencana, desa_lain: list[_Desa], dipakai: set[str]) -> str | None:
        """The pengurus of the plan (some seats empty when it is to lack them); returns the ketua's phone."""
        rng = self.rng
        if plan.ditutup:
            kosong = [k for k in KURSI_PENGURUS if k != "ketua"]
        elif "pengurus" in plan.kurang:
            kosong = _ambil(rng, BOBOT_KURSI_KOSONG, rng.choice((1, 1, 2, 2, 3, 4)))
        else:
            kosong = []
        ketua_telepon = None
        for kursi in KURSI_PENGURUS:
            if kursi in kosong:
                continue
            jabatan, _, bidang = kursi.partition(":")
            nama, jk = self.orang(plan.desa, LAKI_LAKI[bidang or "umum"], dipakai)
            # Pengurus need not live in the desa.
            tinggal = rng.choice(desa_lain) if rng.random() < .15 else plan.desa
            telepon = self.telepon() if rng.random() < .75 else None
            self.pengurus.append({
                "posyandu_id": index, "jabatan": jabatan, "bidang": bidang or None, "nama": nama,
                "jenis_kelamin": jk, "telepon": telepon, "alamat": f"RT {rng.randint(1, 15):03d}, {tinggal.label}",
                "aktif": True,
            })
            if jabatan == "ketua":
                ketua_telepon = telepon
        return ketua_telepon

    def layanan_rows(self, index: int, bidang_aktif: set[str]) -> None:
        """What the Posyandu runs: weighing and immunisation always, more where it has kader."""
        rng = self.rng
        for bidang, ids in self.katalog.items():
            if bidang == "kesehatan":
                chosen = ids[:2] + rng.sample(ids[2:], min(rng.randint(1, 3), len(ids[2:])))
            elif bidang in bidang_aktif and rng.random() < .85:
                chosen = rng.sample(ids, min(rng.randint(1, 2), len(ids)))
            else:
                continue
            self.layanan.extend({"posyandu_id": index, "kegiatan_id": i} for i in chosen)

    def profil(self, plan: _Rencana) -> dict:
        rng = self.rng
        rt = f"{rng.randint(1, 15):03d}"
        if plan.desa.kelurahan:
            dusun, rw, alamat = None, f"{rng.randint(1, 6):03d}", f"{rng.choice(JALAN)} RT {rt}"
        else:
            dusun = f"Dusun {rng.choice(DUSUN)}"
            rw = f"{rng.randint(1, 4):03d}" if rng.random() < .5 else None
            alamat = rng.choice(TEMPAT).format(desa=plan.desa.nama, rt=rt, ibadah=rng.choice(IBADAH),
                                               paud=rng.choice(PAUD))
        if plan.ditutup:
            musdes = date(rng.randint(2017, 2021), rng.randint(1, 12), rng.randint(1, 28))
        else:
            musdes = date(2024, 8, 1) + timedelta(days=rng.randint(0, 400))
        sk_tanggal = musdes + timedelta(days=rng.randint(3, 40))
        sk_nomor = f"141/{rng.randint(1, 60):02d}/SK/{_singkatan(plan.desa.nama)}/{sk_tanggal.year}"
        if "sk" in plan.kurang:  # not issued yet, or the date not entered
            sk_nomor, sk_tanggal = (sk_nomor if rng.random() < .3 else None), None
        if rng.random() < .6:
            hari_buka = f"Setiap tanggal {rng.randint(1, 25)}"
        else:
            hari_buka = f"Minggu {rng.choice(MINGGU_KE)}, {rng.choice(HARI)}"
        row = {
            "nama": plan.nama, "desa_kode": plan.desa.kode, "dusun": dusun, "rt": rt, "rw": rw, "alamat": alamat,
            "sk_nomor": sk_nomor, "sk_tanggal": sk_tanggal, "hari_buka": hari_buka, "kontak": None,
            "musdes_tanggal": None if "musdes" in plan.kurang else musdes, "pilot": plan.pilot,
            "aktif": True, "ditutup_tanggal": None, "alasan_tutup": None,
        }
        if plan.ditutup:
            aktif, alasan = plan.ditutup
            row.update(aktif=False, ditutup_tanggal=date(2025, 1, 15) + timedelta(days=rng.randint(0, 300)),
                       alasan_tutup=alasan.format(aktif=aktif))
        return row

    def tambah(self, plans: list[_Rencana], desa_lain: list[_Desa]) -> None:
        for plan in plans:
            index = len(self.posyandu)
            row = self.profil(plan)
            dipakai: set[str] = set()
            row["kontak"] = self.pengurus_rows(index, plan, desa_lain, dipakai)
            self.posyandu.append(row)
            start = len(self.kader)
            self.kader_rows(index, plan, dipakai)
            if not plan.ditutup:
                self.layanan_rows(index, {k["bidang"] for k in self.kader[start:] if k["aktif"]})

    def simpan(self) -> None:
        """Core bulk inserts (the ORM's bulk path goes row by row for versioned models): a few statements."""
        posyandu = Posyandu.__table__
        ids = db.session.execute(posyandu.insert().returning(posyandu.c.id, sort_by_parameter_order=True),
                                 self.posyandu).scalars().all()
        for rows in (self.kader, self.pengurus, self.layanan):
            for row in rows:
                row["posyandu_id"] = ids[row["posyandu_id"]]
        for table, rows in ((Pengurus.__table__, self.pengurus), (Kader.__table__, self.kader),
                            (posyandu_layanan, self.layanan)):
            if rows:
                db.session.execute(table.insert(), rows)
        now = utcnow()
        db.session.execute(AuditLog.__table__.insert(), [
            {"at": now, "actor_id": None, "action": "buat", "object_type": posyandu.name, "object_id": str(pid),
             "wilayah_kode": row["desa_kode"], "on_behalf_of": None, "posyandu_id": pid,
             "changes": {"sumber": [None, SUMBER]}}
            for pid, row in zip(ids, self.posyandu)])
        rekap.perbarui(db.session, ids, ids, {row["desa_kode"] for row in self.posyandu})


def _desa_per_kabupaten() -> dict[str, list[_Desa]]:
    desa: dict[str, list[_Desa]] = {}
    for kode, nama in db.session.execute(
            select(Wilayah.kode, Wilayah.nama).where(Wilayah.level == 4, within_clause(Wilayah.kode, PROVINSI))
            .order_by(Wilayah.kode)):
        desa.setdefault(kode[:5], []).append(_Desa(kode, nama))
    return desa


def _katalog() -> dict[str, list[int]]:
    """The active catalogue (seeded by the migrations), per bidang in its order."""
    katalog: dict[str, list[int]] = {}
    for kid, bidang in db.session.execute(select(KatalogKegiatan.id, KatalogKegiatan.bidang).where(
            KatalogKegiatan.aktif.is_(True)).order_by(KatalogKegiatan.urutan, KatalogKegiatan.id)):
        katalog.setdefault(bidang, []).append(kid)
    return katalog


def seed_kelembagaan() -> list[str]:
    """Generates the Posyandu, pengurus, kader and layanan of Kalimantan Selatan, in one transaction, unless the
    province already has a Posyandu or its regions are not imported. Returns what was created, one line each."""
    existing = select(Posyandu.id).where(desa_clause(Posyandu.desa_kode, PROVINSI)).limit(1)
    if db.session.scalar(existing) is not None:
        return []
    desa = _desa_per_kabupaten()
    tabalong = desa.pop(TABALONG, [])
    if not tabalong:
        return []
    nik_terpakai = set(db.session.scalars(select(Kader.nik).where(Kader.nik.like(f"{PROVINSI}%"))))
    maker = _Pembuat(current_app.config["KADER_MINIMUM"], _katalog(), nik_terpakai)
    maker.tambah(maker.tabalong(tabalong), tabalong)
    for kabupaten in sorted(desa):
        maker.tambah(maker.kabupaten_lain(desa[kabupaten]), desa[kabupaten])
    maker.simpan()
    db.session.commit()
    lines = []
    for kode, label in ((TABALONG, "Kabupaten Tabalong"), (PROVINSI, "Kalimantan Selatan")):
        counts = rekap.wilayah(kode)
        lines.append(f"{label}: {angka(counts.posyandu)} Posyandu aktif ({counts.pilot} pilot, "
                     f"{angka(counts.lengkap)} profil lengkap), {angka(counts.kader)} kader aktif.")
    return lines
