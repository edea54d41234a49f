"""`flask demo scale`: synthetic Posyandu at national scale, for benchmarks (issue 4, DESIGN.md §5).

Every run ADDS n Posyandu (a load generator, not a seed): never an UPDATE or DELETE of an existing row. They are spread
round-robin over a shuffled list of every real desa/kelurahan in the wilayah table (several per desa once n exceeds
their number), each with about `kader_per_posyandu` kader, 3–9 pengurus and a few layanan from the catalogue. Names
say the data is synthetic ("Posyandu Uji 000123"); the profile is drawn as the demo province's (baris.py), person
names come from the one name pool (nama.py), phone numbers only have a valid structure, and no kader gets a NIK. Every
value passes portal/rules.py unchanged. Each Posyandu's kelengkapan is judged by portal/kelengkapan.py and its search
words are portal/teks.kata's, as the rekap derives them, from the facts generated here (no query needed).

Speed (300,000 Posyandu, ~3.6 M kader in minutes): the ids are computed here (after the current maximum, the tables
locked against other writers), so children reference their Posyandu without a round trip; rows are generated in
chunks (flat memory) from pools of people drawn once, and written through the raw DBAPI connection: COPY on PostgreSQL,
executemany on SQLite (synchronous=OFF for the run only). All in one transaction: the whole batch or nothing. One
audit_log row records the batch. random.Random(seed, first id) makes a run reproducible.
"""
from __future__ import annotations

import random
import time
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from portal import kelengkapan, rekap
from portal.demo.baris import ACUAN, BOBOT_BIDANG, LAKI_LAKI, Desa, hari_buka, katalog, sk, tempat
from portal.demo.nama import PREFIX_HP, SUKU_NASIONAL, nama_orang
from portal.extensions import db
from portal.kelengkapan import KURSI_PENGURUS
from portal.models.audit import AuditLog
from portal.models.base import utcnow
from portal.models.posyandu import BIDANG, BIT_BIDANG, Kader, Pengurus, Posyandu, posyandu_kata, posyandu_layanan
from portal.models.wilayah import Wilayah
from portal.teks import kata

SEED = 300_000
OBJECT_TYPE = "demo_scale"
CHUNK = 5_000  # Posyandu per write: ~60,000 kader rows in memory at a time
LENGKAP = .25  # share of Posyandu planned with a complete profile (enough kader in every bidang, all pengurus, SK)
PILOT = .03  # share of the complete ones that are pilot projects: ~0.75% overall, ~4 per kabupaten at 300,000
MUSDES, SK, SK_NOMOR_SAJA = .6, .5, .1  # shares of the other Posyandu with a musdes date, a full SK, an SK number only
TELEPON_KADER, TELEPON_PENGURUS = .45, .75
PENGURUS = (3, 9)  # seats filled per Posyandu: ketua, sekretaris, bendahara first, then koordinator bidang
LEVEL = {None: 35, "purwa": 36, "madya": 22, "utama": 7}  # kesehatan only
POOL_BITS = 11  # 2,048 people per bidang, drawn once
MUSDES_AWAL, MUSDES_HARI = date(2024, 8, 1), 400

POSYANDU_COLUMNS = ("id", "nama", "desa_kode", "dusun", "rt", "rw", "alamat", "sk_nomor", "sk_tanggal",
                    "musdes_tanggal", "hari_buka", "kontak", "aktif", "pilot", "status_registrasi", "nomor_registrasi",
                    "lengkap", "layanan_bidang", "version", "created_at", "updated_at")
KADER_COLUMNS = ("id", "posyandu_id", "nama", "jenis_kelamin", "tanggal_lahir", "telepon", "bidang", "level", "aktif",
                 "version", "created_at", "updated_at")
PENGURUS_COLUMNS = ("id", "posyandu_id", "jabatan", "bidang", "nama", "jenis_kelamin", "telepon", "alamat", "aktif",
                    "version", "created_at", "updated_at")
LAYANAN_COLUMNS = ("posyandu_id", "kegiatan_id")
KATA_COLUMNS = ("kata", "posyandu_id")
TABLES = ((Posyandu.__table__.name, POSYANDU_COLUMNS), (Kader.__table__.name, KADER_COLUMNS),
          (Pengurus.__table__.name, PENGURUS_COLUMNS), (posyandu_layanan.name, LAYANAN_COLUMNS),
          (posyandu_kata.name, KATA_COLUMNS))
# Registration states: only a complete profile gets past the draft (issue 6's gate). About 2.5% numbered overall,
# like the 7,304 of late 2025 (DOMAIN.md §5).
STATUS_LENGKAP = {"draf": 10, "dikembalikan": 5, "diajukan": 15, "diverifikasi_kecamatan": 15,
                  "diverifikasi_kabupaten": 15, "diusulkan": 30, "teregistrasi": 10}
STATUS_LAIN = {"belum": 85, "draf": 15}


@dataclass
class ScaleResult:
    batch: str  # the audit object_id: the range of Posyandu ids created
    posyandu: int
    kader: int
    pengurus: int
    layanan: int
    provinsi: int
    desa: int
    seconds: float


def sumber(n: int, kader_per_posyandu: int, seed: int) -> str:
    return f"flask demo scale --posyandu {n} --kader-per-posyandu {kader_per_posyandu} --seed {seed}"


class Batch:
    """Turns the plan of one batch into row tuples, chunk by chunk, from one random.Random."""

    def __init__(self, rng: random.Random, desa: list[Desa], katalog: dict[str, list[int]],
                 kader_per_posyandu: int, kader_minimum: int, start: dict[str, int]):
        self.rng = rng
        self.desa = desa
        self.ids = dict(start)
        self.now = utcnow().isoformat(sep=" ")
        self.k = kader_per_posyandu
        self.kader_minimum = kader_minimum
        self.bits = {k: BIT_BIDANG[b] for b, ids in katalog.items() for k in ids}
        self.k_lengkap = max(kader_minimum, kader_per_posyandu, len(BIDANG))
        # The others' mean keeps the overall mean at about k; spread ±k/3 around it.
        mean = max((kader_per_posyandu - LENGKAP * (self.k_lengkap + 1)) / (1 - LENGKAP), 0)
        spread = max(kader_per_posyandu // 3, 1)
        self.k_lain = (max(round(mean) - spread, 0), round(mean) + spread)
        self.orang = {b: self._pool(LAKI_LAKI[b], kesehatan=b == "kesehatan") for b in BIDANG}
        self.orang["umum"] = self._pool(LAKI_LAKI["umum"])
        self.prefix = [p[1:] for p, w in PREFIX_HP.items() for _ in range(w)]
        self.layanan = [self._layanan(katalog) for _ in range(512)]
        self.layanan_rows = 0
        self.bidang, self.bobot = list(BOBOT_BIDANG), list(BOBOT_BIDANG.values())

    def _pool(self, laki_laki: float, kesehatan: bool = False) -> list[tuple]:
        """(nama, jenis kelamin, tanggal lahir or None, level or None) of 2**POOL_BITS made-up people."""
        rng, people = self.rng, []
        for _ in range(1 << POOL_BITS):
            jk = "L" if rng.random() < laki_laki else "P"
            suku = rng.choices(list(SUKU_NASIONAL), weights=list(SUKU_NASIONAL.values()))[0]
            lahir = ACUAN - timedelta(days=rng.randint(19 * 365, 62 * 365))
            nama = nama_orang(rng, suku, jk, tua=(ACUAN - lahir).days > 40 * 365)
            level = rng.choices(list(LEVEL), weights=list(LEVEL.values()))[0] if kesehatan else None
            people.append((nama, jk, lahir.isoformat() if rng.random() < .4 else None, level))
        return people

    def _layanan(self, katalog: dict[str, list[int]]) -> list[int]:
        """Weighing and immunisation always, a few more health activities, now and then one of another bidang."""
        rng = self.rng
        ids = katalog.get("kesehatan", [])
        chosen = ids[:2] + rng.sample(ids[2:], min(rng.randint(1, 3), len(ids[2:])))
        for bidang, ids in katalog.items():
            if bidang != "kesehatan" and rng.random() < .35:
                chosen += rng.sample(ids, min(rng.randint(1, 2), len(ids)))
        return chosen

    def _id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def _telepon(self, bits: int) -> str:
        """+62 and a real operator prefix with eight digits: a valid structure, nobody's number."""
        return f"+62{self.prefix[bits % len(self.prefix)]}{(bits >> 6) % 100_000_000:08d}"

    def chunk(self, first: int, n: int) -> dict[str, list[tuple]]:
        """The rows of Posyandu number first .. first + n - 1 of the batch, per table."""
        rows: dict[str, list[tuple]] = {name: [] for name, _ in TABLES}
        for i in range(first, first + n):
            self._posyandu(self.desa[i % len(self.desa)], rows)
        return rows

    def _posyandu(self, desa: Desa, rows: dict[str, list[tuple]]) -> None:
        rng, now = self.rng, self.now
        pid = self._id("posyandu")
        lengkap = rng.random() < LENGKAP
        profil = tempat(rng, desa)
        musdes = MUSDES_AWAL + timedelta(days=rng.randrange(MUSDES_HARI))
        sk_nomor, sk_tanggal = sk(rng, desa, musdes)
        r = rng.random()
        if not lengkap and r >= SK:
            sk_nomor, sk_tanggal = (sk_nomor if r < SK + SK_NOMOR_SAJA else None), None
        if not lengkap and rng.random() >= MUSDES:
            musdes = None
        buka = hari_buka(rng)
        kontak, kursi = self._pengurus(pid, f"RT {profil['rt']}, {desa.label}", lengkap, rows["pengurus"])
        bidang_kader = self._kader(pid, lengkap, rows["kader"])
        # What the rekap would derive from these records: the verdict of portal/kelengkapan.py on the same facts.
        fakta = kelengkapan.Fakta(pid, desa.kode, sk=bool(sk_nomor and sk_tanggal), musdes=musdes is not None,
                                  kader_per_bidang=Counter(bidang_kader), kursi_terisi=set(kursi))
        lengkap = kelengkapan.lengkap(kelengkapan.periksa(fakta, self.kader_minimum))
        status = rng.choices(*zip(*(STATUS_LENGKAP if lengkap else STATUS_LAIN).items()))[0]
        layanan = self.layanan[rng.getrandbits(9)]
        bits = 0
        for k in layanan:
            bits |= self.bits[k]
        nama = f"Posyandu Uji {pid:06d}"
        rows["posyandu"].append((
            pid, nama, desa.kode, profil["dusun"], profil["rt"], profil["rw"], profil["alamat"], sk_nomor,
            sk_tanggal and sk_tanggal.isoformat(), musdes and musdes.isoformat(), buka, kontak, True,
            lengkap and rng.random() < PILOT, status, f"{desa.kode}.{pid}" if status == "teregistrasi" else None,
            lengkap, bits, 1, now, now))
        rows["posyandu_layanan"].extend((pid, k) for k in layanan)
        self.layanan_rows += len(layanan)
        # The words the rekap indexes (rekap.kata_posyandu): the name's, the desa's and the kecamatan's.
        rows["posyandu_kata"].extend((w, pid) for w in kata(nama, desa.nama, desa.kecamatan))

    def _pengurus(self, pid: int, alamat: str, lengkap: bool, rows: list[tuple]) -> tuple[str | None, list[str]]:
        """The pengurus of the Posyandu; returns the ketua's phone (the Posyandu's contact) and the seats filled."""
        rng, now, mask = self.rng, self.now, (1 << POOL_BITS) - 1
        n = len(KURSI_PENGURUS) if lengkap else rng.randint(*PENGURUS)
        kursi = KURSI_PENGURUS[:3] + rng.sample(KURSI_PENGURUS[3:], n - 3)
        kontak = None
        for seat in kursi:
            jabatan, _, bidang = seat.partition(":")
            bits = rng.getrandbits(48)
            nama, jk, _lahir, _level = self.orang[bidang or "umum"][bits & mask]
            telepon = self._telepon(bits >> POOL_BITS) if (bits >> 40) < TELEPON_PENGURUS * 256 else None
            rows.append((self._id("pengurus"), pid, jabatan, bidang or None, nama, jk, telepon, alamat, True, 1,
                         now, now))
            if jabatan == "ketua":
                kontak = telepon
        return kontak, kursi

    def _kader(self, pid: int, lengkap: bool, rows: list[tuple]) -> list[str]:
        rng, now, mask = self.rng, self.now, (1 << POOL_BITS) - 1
        if lengkap:
            n = self.k_lengkap + rng.randint(0, 2)
            bidang = list(BIDANG) + rng.choices(self.bidang, self.bobot, k=n - len(BIDANG))
        else:
            bidang = rng.choices(self.bidang, self.bobot, k=rng.randint(*self.k_lain))
        for b in bidang:
            bits = rng.getrandbits(48)
            nama, jk, lahir, level = self.orang[b][bits & mask]
            telepon = self._telepon(bits >> POOL_BITS) if (bits >> 40) < TELEPON_KADER * 256 else None
            rows.append((self._id("kader"), pid, nama, jk, lahir, telepon, b, level, True, 1, now, now))
        return bidang


# --- Writers: the fastest plain path of each database -----------------------------------------------------------------

class _Writer:
    def __init__(self, dbapi):
        self.dbapi = dbapi

    def begin(self) -> None:
        """Called before the ids are read: keeps other writers out until the commit."""

    def prepare(self, rows: list[tuple]):
        """Rows in the form write() takes; runs in the generating thread."""
        return rows

    def write(self, table: str, columns: tuple[str, ...], rows) -> None:
        raise NotImplementedError

    def finish(self, max_ids: dict[str, int]) -> None:
        """Called after the last write, inside the transaction."""

    def close(self) -> None:
        """Called after the commit or rollback."""

    def analyze(self) -> None:
        """After the commit: fresh planner statistics, so the directory's queries pick their indexes."""
        self.dbapi.cursor().execute("ANALYZE")
        self.dbapi.commit()


class _SqliteWriter(_Writer):
    synchronous = None

    def begin(self) -> None:
        cursor = self.dbapi.cursor()
        self.synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
        cursor.execute("PRAGMA synchronous=OFF")
        # A write that changes nothing takes the database's write lock now, before the maximum ids are read.
        cursor.execute("UPDATE posyandu SET id = id WHERE 0")

    def write(self, table, columns, rows):
        if rows:
            self.dbapi.cursor().executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)

    def close(self) -> None:
        if self.synchronous is not None:
            self.dbapi.cursor().execute(f"PRAGMA synchronous={int(self.synchronous)}")


def _copy_text(rows: list[tuple]) -> str:
    """COPY's text format; the generated values hold no tab, newline or backslash."""
    return "".join("\t".join("\\N" if v is None else "t" if v is True else "f" if v is False else str(v)
                             for v in row) + "\n" for row in rows)


class _PostgresWriter(_Writer):
    def begin(self) -> None:
        tables = ", ".join(name for name, _ in TABLES)
        self.dbapi.cursor().execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")

    prepare = staticmethod(_copy_text)

    def write(self, table, columns, rows):
        if rows:
            with self.dbapi.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write(rows)

    def finish(self, max_ids: dict[str, int]) -> None:
        """Later normal inserts take their ids from the sequences: move them past the ids used here."""
        with self.dbapi.cursor() as cursor:
            for table in max_ids:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")


def _writer() -> _Writer:
    connection = db.session.connection()
    dbapi = connection.connection.driver_connection
    return _PostgresWriter(dbapi) if connection.dialect.name == "postgresql" else _SqliteWriter(dbapi)


def _desa(rng: random.Random) -> list[Desa]:
    """Every desa/kelurahan (kode, nama, nama kecamatan), shuffled: round-robin over it spreads a batch over the whole
    country."""
    kecamatan = aliased(Wilayah)
    desa = [Desa(*row) for row in db.session.execute(
        select(Wilayah.kode, Wilayah.nama, kecamatan.nama).join(kecamatan, kecamatan.kode == Wilayah.parent_kode)
        .where(Wilayah.level == 4).order_by(Wilayah.kode))]
    rng.shuffle(desa)
    return desa


def _chunks(maker: Batch, writer: _Writer, n: int) -> Iterator[dict]:
    """The rows of the batch chunk by chunk, ready to write; the next chunk is generated in a thread while the caller
    writes this one, so the database works (outside the GIL) while Python generates."""
    def make(first: int, size: int) -> dict:
        return {table: writer.prepare(rows) for table, rows in maker.chunk(first, size).items()}

    with ThreadPoolExecutor(1) as pool:
        pending: deque = deque()
        for first in range(0, n, CHUNK):
            pending.append(pool.submit(make, first, min(CHUNK, n - first)))
            if len(pending) > 1:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def generate(n: int, kader_per_posyandu: int = 12, seed: int = SEED, kader_minimum: int = 15) -> ScaleResult:
    """Adds n synthetic Posyandu with their kader, pengurus and layanan, and one audit entry, in one transaction."""
    if n < 1 or kader_per_posyandu < 0:
        raise ValueError("Jumlah Posyandu minimal 1 dan jumlah kader per Posyandu tidak boleh negatif.")
    started = time.perf_counter()
    writer = _writer()
    try:
        writer.begin()
        start = {name: db.session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
                 for name, table in (("posyandu", Posyandu.__table__), ("kader", Kader.__table__),
                                     ("pengurus", Pengurus.__table__))}
        rng = random.Random(f"{seed}:{start['posyandu']}")
        desa = _desa(rng)
        if not desa:
            raise ValueError("Tabel wilayah belum berisi desa/kelurahan: jalankan dulu `flask wilayah import`.")
        maker = Batch(rng, desa, katalog(), kader_per_posyandu, kader_minimum, start)
        for rows in _chunks(maker, writer, n):
            for table, columns in TABLES:
                writer.write(table, columns, rows[table])
        writer.finish(maker.ids)
        result = ScaleResult(
            batch=f"{start['posyandu'] + 1}-{maker.ids['posyandu']}", posyandu=n,
            kader=maker.ids["kader"] - start["kader"], pengurus=maker.ids["pengurus"] - start["pengurus"],
            layanan=maker.layanan_rows, provinsi=len({d.kode[:2] for d in desa[:n]}), desa=min(n, len(desa)),
            seconds=0)
        db.session.execute(AuditLog.__table__.insert().values(
            at=utcnow(), actor_id=None, action="buat", object_type=OBJECT_TYPE, object_id=result.batch,
            wilayah_kode=None, on_behalf_of=None, posyandu_id=None,
            changes={"sumber": [None, sumber(n, kader_per_posyandu, seed)], "posyandu": [None, n],
                     "kader": [None, result.kader], "pengurus": [None, result.pengurus]}))
        # The generator wrote each Posyandu's derived columns and search words; the rekap rows are summed.
        rekap.bangun(turunan=False, catat=False)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        writer.close()
    writer.analyze()
    result.seconds = time.perf_counter() - started
    return result
