"""The demo province: the institutional data (Posyandu, pengurus, kader, layanan) of Kalimantan Selatan.

The data is GENERATED, not entered by anyone. Names come from the name pool (nama.py); NIK and phone numbers only have
a valid structure (a NIK carries the kecamatan code and the birth date, a phone number a real operator prefix) and
belong to no one. It follows the figures reported for the province (DOMAIN.md §7): Kabupaten Tabalong has exactly 288
active Posyandu and 3,444 active kader over all its 131 desa/kelurahan, 3 of them pilot projects, about a third with a
complete profile; every other kabupaten/kota gets 3–8 Posyandu, 1–3 of them pilot. random.Random(SEED) gives every
install the same data: Perencana draws the plans, baris.Rows their rows, from the one generator in turn. Each generated
Posyandu gets one audit entry, "buat" by the system, that says it is demo data, so its Riwayat does not pretend that a
person entered it.
"""
from __future__ import annotations

import random

from sqlalchemy import select

from portal import kelengkapan, rekap
from portal.demo.akun import DEMO_DESA
from portal.demo.baris import Desa, Rencana, Rows, katalog
from portal.demo.nama import NAMA_POSYANDU
from portal.extensions import db
from portal.formatting import angka
from portal.models.audit import AuditLog
from portal.models.base import utcnow
from portal.models.posyandu import BIDANG, Kader, Pengurus, Posyandu, posyandu_layanan
from portal.models.wilayah import Wilayah, desa_clause, within_clause

SEED = 6309
PROVINSI = "63"
TABALONG = "63.09"
TABALONG_POSYANDU = 288
TABALONG_KADER = 3444
TABALONG_PILOT = 3
POSYANDU_PER_DESA = 5
POSYANDU_LAIN = (3, 8)
PILOT_LAIN = (1, 3)
SUMBER = "Data demo buatan (flask demo seed), bukan isian petugas."
# What an incomplete profile lacks (keys of kelengkapan.Syarat), each with its chance; at least one.
KEKURANGAN = {"kader_minimum": .85, "sk": .35, "musdes": .3, "pengurus": .4, "kader_bidang": .35}
# Old single-purpose posts, closed when their work moved into a Posyandu 6 SPM.
DITUTUP = (
    ("Posyandu Lansia Sejahtera", "Digabung ke {aktif} dalam penataan Posyandu 6 bidang SPM (Permendagri 13/2024)."),
    ("Posbindu PTM Sehat Bersama", "Kegiatan skrining dewasa dan lansia pindah ke {aktif}; Posbindu tidak lagi "
                                   "berdiri sendiri."),
    ("Posyandu Remaja Generasi Bungas", "Tidak ada kegiatan sejak awal 2025; remaja dilayani di {aktif}."),
    ("Posyandu Balita Nusa Indah", "Kader pindah tempat tinggal dan warga bergabung ke {aktif}."),
)


class Perencana:
    """Draws the plans: how many Posyandu where, their names, which are complete, pilot or closed, how many kader."""

    def __init__(self, rng: random.Random, kader_minimum: int):
        self.rng = rng
        self.kader_minimum = kader_minimum

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

    def rentang_kader(self, plan: Rencana) -> tuple[int, int]:
        """How many active kader the plan may have: at least the minimum unless it is to lack them."""
        k = self.kader_minimum
        if "kader_minimum" in plan.kurang:
            low = 3 if "kader_bidang" in plan.kurang else len(BIDANG)
            return min(low, max(k - 1, 0)), max(k - 1, 0)
        return k, k + 4

    def jumlah_kader(self, plan: Rencana) -> int:
        low, high = self.rentang_kader(plan)
        return round(self.rng.triangular(low, high, low + (high - low) / 8))

    def tepatkan(self, plans: list[Rencana], total: int) -> None:
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

    def rencana(self, desa: list[Desa], per_desa: dict[str, int], lengkap: float | int) -> list[Rencana]:
        """Plans for per_desa[kode] Posyandu in each desa; lengkap is a share, or an exact number, of complete ones."""
        plans = [Rencana(d, nama) for d in desa for nama in self.nama_posyandu(per_desa.get(d.kode, 0))]
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

    def tabalong(self, desa: list[Desa]) -> list[Rencana]:
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
        by_kecamatan: dict[str, list[Rencana]] = {}
        for p in plans:
            if not p.kurang:
                by_kecamatan.setdefault(p.desa.kode[:8], []).append(p)
        for kecamatan in rng.sample(sorted(by_kecamatan), TABALONG_PILOT):
            rng.choice(by_kecamatan[kecamatan]).pilot = True
        closed = []
        for (nama, alasan), host in zip(DITUTUP, rng.sample(plans, len(DITUTUP))):
            closed.append(Rencana(host.desa, nama, kader=rng.randint(2, 6), ditutup=(host.nama, alasan)))
        return plans + closed

    def kabupaten_lain(self, desa: list[Desa]) -> list[Rencana]:
        rng = self.rng
        chosen = rng.sample(desa, min(rng.randint(*POSYANDU_LAIN), len(desa)))
        chosen.sort(key=lambda d: d.kode)
        plans = self.rencana(chosen, {d.kode: 1 for d in chosen}, 1 / 3)
        pilots = rng.sample(plans, min(rng.randint(*PILOT_LAIN), len(plans)))
        for p in pilots:
            p.pilot, p.kurang = True, set()
            p.kader = max(p.kader, self.kader_minimum)
        return plans


def simpan(rows: Rows) -> None:
    """Core bulk inserts (the ORM's bulk path goes row by row for versioned models): a few statements; then the
    derived data (kelengkapan, search words, rekap) through rekap.touch, as for any edit."""
    posyandu = Posyandu.__table__
    ids = db.session.execute(posyandu.insert().returning(posyandu.c.id, sort_by_parameter_order=True),
                             rows.posyandu).scalars().all()
    for children in (rows.kader, rows.pengurus, rows.layanan):
        for row in children:
            row["posyandu_id"] = ids[row["posyandu_id"]]
    for table, children in ((Pengurus.__table__, rows.pengurus), (Kader.__table__, rows.kader),
                            (posyandu_layanan, rows.layanan)):
        if children:
            db.session.execute(table.insert(), children)
    now = utcnow()
    db.session.execute(AuditLog.__table__.insert(), [
        {"at": now, "actor_id": None, "action": "buat", "object_type": posyandu.name, "object_id": str(pid),
         "wilayah_kode": row["desa_kode"], "on_behalf_of": None, "posyandu_id": pid,
         "changes": {"sumber": [None, SUMBER]}}
        for pid, row in zip(ids, rows.posyandu)])
    rekap.touch(db.session, ids, ids, {row["desa_kode"] for row in rows.posyandu})


def _desa_per_kabupaten() -> dict[str, list[Desa]]:
    desa: dict[str, list[Desa]] = {}
    for kode, nama in db.session.execute(
            select(Wilayah.kode, Wilayah.nama).where(Wilayah.level == 4, within_clause(Wilayah.kode, PROVINSI))
            .order_by(Wilayah.kode)):
        desa.setdefault(kode[:5], []).append(Desa(kode, nama))
    return desa


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
    rng = random.Random(SEED)
    plans, rows = Perencana(rng, kelengkapan.kader_minimum()), Rows(rng, katalog(), nik_terpakai)
    rows.tambah(plans.tabalong(tabalong), tabalong)
    for kabupaten in sorted(desa):
        rows.tambah(plans.kabupaten_lain(desa[kabupaten]), desa[kabupaten])
    simpan(rows)
    db.session.commit()
    lines = []
    for kode, label in ((TABALONG, "Kabupaten Tabalong"), (PROVINSI, "Kalimantan Selatan")):
        counts = rekap.wilayah(kode)
        lines.append(f"{label}: {angka(counts.posyandu)} Posyandu aktif ({counts.pilot} pilot, "
                     f"{angka(counts.lengkap)} profil lengkap), {angka(counts.kader)} kader aktif.")
    return lines
