"""kelengkapan without HTTP: the database's count of what a Posyandu lacks (the beranda's order) is periksa()'s."""
import random
from datetime import date

from sqlalchemy import select

from portal import kelengkapan
from portal.extensions import db
from portal.models.posyandu import BIDANG, Kader, Pengurus, Posyandu
from portal.models.wilayah import Wilayah

DESA = ["63.09.01.2001", "63.09.12.2003", "63.09.12.2004", "63.03.01.2001"]
JABATAN = ["ketua", "sekretaris", "bendahara", "koordinator", "koordinator", "koordinator"]


def _posyandu(rng: random.Random, i: int) -> int:
    """A Posyandu with a random part of what a complete one has: edge cases included (an empty SK number, a
    koordinator without bidang, inactive people, a kader of an unknown bidang)."""
    full = rng.random() < 0.3
    p = Posyandu(nama=rng.choice(["Posyandu Mawar", "posyandu mawar", "Posyandu Ánggrek", f"Posyandu {i % 7}"]),
                 desa_kode=rng.choice(DESA), aktif=rng.random() > 0.2,
                 sk_nomor=rng.choice([None, "", "141/1/2025"]), sk_tanggal=rng.choice([None, date(2025, 1, 2)]),
                 musdes_tanggal=rng.choice([None, date(2024, 12, 20)]))
    if full and rng.random() < 0.7:
        p.sk_nomor, p.sk_tanggal, p.musdes_tanggal = "141/1/2025", date(2025, 1, 2), date(2024, 12, 20)
    db.session.add(p)
    db.session.flush()
    for jabatan in (["ketua", "sekretaris", "bendahara"] if full else rng.sample(JABATAN, rng.randint(0, 4))):
        db.session.add(Pengurus(posyandu_id=p.id, jabatan=jabatan, nama="P", aktif=rng.random() > 0.1))
    for bidang in BIDANG if full else rng.sample([*BIDANG, None], rng.randint(0, 3)):
        db.session.add(Pengurus(posyandu_id=p.id, jabatan="koordinator", bidang=bidang, nama="K",
                                aktif=full or rng.random() > 0.1))
    for n in range(16 if full else rng.choice([0, 2, 6, 15, 16])):
        bidang = list(BIDANG)[n % 6] if full else rng.choice([*BIDANG, "lain"])
        db.session.add(Kader(posyandu_id=p.id, nama=f"K{n}", bidang=bidang, aktif=full or rng.random() > 0.1))
    return p.id


def test_the_database_counts_what_periksa_finds_missing_and_the_beranda_keeps_its_order(ctx):
    rng = random.Random(14)
    ids = [_posyandu(rng, i) for i in range(70)]
    db.session.commit()
    where = Posyandu.id.in_(ids)
    desa = dict(db.session.execute(select(Wilayah.kode, Wilayah.nama).where(Wilayah.kode.in_(DESA))).all())
    for minimum in (None, 1, 6, 16):
        checks = kelengkapan.semua(where, minimum)
        missing = {pid: sum(not s.ok for s in syarat) for pid, syarat in checks.items()}
        stmt, _ = kelengkapan.dengan_kurang(select(Posyandu.id).where(where), minimum)
        assert dict(db.session.execute(stmt).all()) == missing, minimum
        assert len(set(missing.values())) >= 3  # the cases differ
        # The beranda's order, page after page: the one sort the whole list had in Python before issue 14.
        rows = {p.id: p for p in db.session.scalars(select(Posyandu).where(where))}
        expected = sorted(ids, key=lambda pid: (not rows[pid].aktif, -missing[pid], desa[rows[pid].desa_kode],
                                                rows[pid].nama, pid))
        pages, listed = [], []
        for nomor in (1, 2, 3):
            daftar = kelengkapan.perlu_perhatian(where, nomor=nomor, minimum=minimum)
            pages.append(daftar.halaman.pages)
            listed += [r.id for r in daftar.halaman]
            assert [len(r.kurang) for r in daftar.halaman] == [missing[r.id] for r in daftar.halaman]
        assert listed == expected and pages == [3, 3, 3]
        assert daftar.halaman.total == 70
        assert daftar.lengkap == sum(1 for pid in ids if rows[pid].aktif and not missing[pid])
        assert daftar.nonaktif == sum(1 for pid in ids if not rows[pid].aktif)
        assert daftar.lengkap or minimum == 16, "some Posyandu are complete"


def test_kader_minimum_comes_from_the_configuration_unless_given(ctx):
    assert kelengkapan.kader_minimum() == ctx.config["KADER_MINIMUM"] and kelengkapan.kader_minimum(3) == 3
    ctx.config["KADER_MINIMUM"] = 2
    try:
        f = kelengkapan.Fakta(1, kader_per_bidang={"pu": 2})
        assert {s.key: s.ok for s in kelengkapan.periksa(f)}["kader_minimum"]
        assert not {s.key: s.ok for s in kelengkapan.periksa(f, 3)}["kader_minimum"]
    finally:
        ctx.config["KADER_MINIMUM"] = 15
