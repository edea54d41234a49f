"""The rows of a generated Posyandu: its profile, pengurus, kader and layanan, drawn from the one name pool (nama.py).

Both generators draw a profile through tempat(), sk() and hari_buka() (the same draws in the same order), people's
names through nama.nama_orang(), kader over the bidang by BOBOT_BIDANG and men by LAKI_LAKI. The province seed
(provinsi.py) has Rows draw each person on their own: names unique within a Posyandu, a NIK that carries the kecamatan
and the birth date, phone numbers unique. The national-scale generator (skala.py) draws people into pools once and
derives phones from random bits: at 300,000 Posyandu the time is in the drawing.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from portal.demo.nama import DUSUN, HARI, IBADAH, JALAN, MINGGU_KE, PAUD, PREFIX_HP, SUKU, SUKU_WILAYAH, TEMPAT, \
    nama_orang, singkatan
from portal.extensions import db
from portal.kelengkapan import KURSI_PENGURUS
from portal.models.posyandu import BIDANG, KatalogKegiatan
from portal.models.wilayah import jenis_of

# Dates are drawn relative to this day, not today, so every install gets the same data.
ACUAN = date(2025, 11, 24)
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
LEVEL = {"purwa": 55, "madya": 35, "utama": 10}


@dataclass
class Desa:
    kode: str
    nama: str
    kecamatan: str = ""  # the kecamatan's name, where the generator indexes search words

    @property
    def kelurahan(self) -> bool:
        return jenis_of(self.kode) == "kelurahan"

    @property
    def label(self) -> str:
        return f"{'Kelurahan' if self.kelurahan else 'Desa'} {self.nama}"


@dataclass(eq=False)
class Rencana:
    """One Posyandu to generate: where, its name, and what its profile will lack (empty: complete)."""
    desa: Desa
    nama: str
    kurang: set[str] = field(default_factory=set)
    kader: int = 0
    pilot: bool = False
    ditutup: tuple[str, str] | None = None  # (name of the Posyandu it went to, reason template)


def katalog() -> dict[str, list[int]]:
    """The active catalogue (seeded by the migrations), per bidang in its order."""
    found: dict[str, list[int]] = {}
    for kid, bidang in db.session.execute(select(KatalogKegiatan.id, KatalogKegiatan.bidang).where(
            KatalogKegiatan.aktif.is_(True)).order_by(KatalogKegiatan.urutan, KatalogKegiatan.id)):
        found.setdefault(bidang, []).append(kid)
    return found


def utc(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A local time of the install's timezone on that day, as the database stores it (naive UTC)."""
    local = datetime.combine(day, time(hour, minute), ZoneInfo(current_app.config["TIMEZONE"]))
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def ambil(rng: random.Random, bobot: dict[str, float], k: int) -> list[str]:
    """k different keys, drawn by weight (keys of weight 0 never)."""
    pool = {key: w for key, w in bobot.items() if w > 0}
    chosen = []
    for _ in range(min(k, len(pool))):
        key = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(key)
        del pool[key]
    return chosen


# --- The profile: where it meets, its SK, its opening day -----------------------------------------------------------

def tempat(rng: random.Random, desa: Desa) -> dict:
    """dusun, rt, rw and alamat: a street in a kelurahan, a dusun and a public building in a desa."""
    rt = f"{rng.randint(1, 15):03d}"
    if desa.kelurahan:
        dusun, rw, alamat = None, f"{rng.randint(1, 6):03d}", f"{rng.choice(JALAN)} RT {rt}"
    else:
        dusun = f"Dusun {rng.choice(DUSUN)}"
        rw = f"{rng.randint(1, 4):03d}" if rng.random() < .5 else None
        alamat = rng.choice(TEMPAT).format(desa=desa.nama, rt=rt, ibadah=rng.choice(IBADAH), paud=rng.choice(PAUD))
    return {"dusun": dusun, "rt": rt, "rw": rw, "alamat": alamat}


def sk(rng: random.Random, desa: Desa, musdes: date) -> tuple[str, date]:
    """(nomor, tanggal) of the SK that formed the Posyandu, a few weeks after the musyawarah desa."""
    tanggal = musdes + timedelta(days=rng.randint(3, 40))
    return f"141/{rng.randint(1, 60):02d}/SK/{singkatan(desa.nama)}/{tanggal.year}", tanggal


def hari_buka(rng: random.Random) -> str:
    if rng.random() < .6:
        return f"Setiap tanggal {rng.randint(1, 25)}"
    return f"Minggu {rng.choice(MINGGU_KE)}, {rng.choice(HARI)}"


# --- The province's people, one by one ------------------------------------------------------------------------------

class Rows:
    """Turns plans into rows, all from the caller's random.Random; Posyandu rows first, their children holding the
    index of their Posyandu in .posyandu until those are inserted."""

    def __init__(self, rng: random.Random, katalog: dict[str, list[int]], nik_terpakai: set[str]):
        self.rng = rng
        self.katalog = katalog
        self.nik = nik_terpakai
        self.telepon_terpakai: set[str] = set()
        self.posyandu: list[dict] = []
        self.kader: list[dict] = []
        self.pengurus: list[dict] = []
        self.layanan: list[dict] = []

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

    def orang(self, desa: Desa, laki_laki: float, dipakai: set[str], tua: bool = True) -> tuple[str, str]:
        """(name, jenis kelamin) of someone living around the desa, not yet used in this Posyandu."""
        rng = self.rng
        mix = next((SUKU_WILAYAH[k] for k in (desa.kode, desa.kode[:8], desa.kode[:5]) if k in SUKU_WILAYAH), SUKU)
        while True:
            jk = "L" if rng.random() < laki_laki else "P"
            suku = rng.choices(list(mix), weights=list(mix.values()))[0]
            nama = nama_orang(rng, suku, jk, tua)
            if nama not in dipakai:
                dipakai.add(nama)
                return nama, jk

    def per_bidang(self, plan: Rencana) -> dict[str, int]:
        """The plan's kader over the bidang; a plan that is to lack them leaves one to three bidang empty."""
        rng = self.rng
        kosong = ambil(rng, BOBOT_KOSONG, rng.choice((1, 1, 1, 2, 2, 3))) if "kader_bidang" in plan.kurang else []
        bobot = {b: w for b, w in BOBOT_BIDANG.items() if b not in kosong}
        counts = dict.fromkeys(BIDANG, 0)
        first = ["kesehatan", *ambil(rng, {b: w for b, w in bobot.items() if b != "kesehatan"}, plan.kader - 1)]
        for b in first[:plan.kader]:
            counts[b] += 1
        for b in rng.choices(list(bobot), weights=list(bobot.values()), k=max(plan.kader - len(first), 0)):
            counts[b] += 1
        return counts

    def kader_rows(self, index: int, plan: Rencana, dipakai: set[str]) -> None:
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

    def pengurus_rows(self, index: int, plan: Rencana, desa_lain: list[Desa], dipakai: set[str]) -> str | None:
        """The pengurus of the plan (some seats empty when it is to lack them); returns the ketua's phone."""
        rng = self.rng
        if plan.ditutup:
            kosong = [k for k in KURSI_PENGURUS if k != "ketua"]
        elif "pengurus" in plan.kurang:
            kosong = ambil(rng, BOBOT_KURSI_KOSONG, rng.choice((1, 1, 2, 2, 3, 4)))
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

    def profil(self, plan: Rencana) -> dict:
        rng = self.rng
        row = {"nama": plan.nama, "desa_kode": plan.desa.kode, **tempat(rng, plan.desa)}
        if plan.ditutup:
            musdes = date(rng.randint(2017, 2021), rng.randint(1, 12), rng.randint(1, 28))
        else:
            musdes = date(2024, 8, 1) + timedelta(days=rng.randint(0, 400))
        sk_nomor, sk_tanggal = sk(rng, plan.desa, musdes)
        if "sk" in plan.kurang:  # not issued yet, or the date not entered
            sk_nomor, sk_tanggal = (sk_nomor if rng.random() < .3 else None), None
        row.update(sk_nomor=sk_nomor, sk_tanggal=sk_tanggal, hari_buka=hari_buka(rng), kontak=None,
                   musdes_tanggal=None if "musdes" in plan.kurang else musdes, pilot=plan.pilot, aktif=True,
                   ditutup_tanggal=None, alasan_tutup=None)
        if plan.ditutup:
            aktif, alasan = plan.ditutup
            row.update(aktif=False, ditutup_tanggal=date(2025, 1, 15) + timedelta(days=rng.randint(0, 300)),
                       alasan_tutup=alasan.format(aktif=aktif))
        return row

    def tambah(self, plans: list[Rencana], desa_lain: list[Desa]) -> None:
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
