"""`flask demo scale`: synthetic national-scale data for benchmarks. Real desa codes all over the country, about the
asked number of kader, values the portal's own rules accept, one audit entry per batch, and every run adds without
touching what is there."""
from collections import Counter

import pytest
from sqlalchemy import func, select

from portal import rekap
from portal.demo import skala as scale
from portal.extensions import db
from portal.models import AuditLog, Kader, Pengurus, Posyandu, Wilayah
from portal.models.posyandu import posyandu_kata, posyandu_layanan
from portal.models.rekap import rekap_wilayah
from portal import kelengkapan, rules
from portal.kelola import service
from tests.shared_data import Generated

N = 500


def count(table, *where):
    return db.session.scalar(select(func.count()).select_from(table).where(*where))


def generate(app):
    return scale.generate(N, kader_minimum=app.config["KADER_MINIMUM"])


@pytest.fixture(scope="module")
def generated(database_url, wilayah_import):
    data = Generated(database_url, generate)
    yield data
    data.drop()


@pytest.fixture
def batch(generated):
    """The module's one batch of N, for checks that only read it."""
    value = generated.get()
    with generated.direct.app_context():
        yield value


@pytest.fixture
def last_use(generated):
    """The module's batch for a check that changes it: dropped afterwards, so no later check reads the change."""
    value = generated.get()
    with generated.direct.app_context():
        yield value
    generated.drop()


@pytest.fixture
def fresh(generated):
    """The empty database, for a test that generates or changes data itself."""
    generated.drop()


@pytest.fixture
def own_batch(fresh, ctx):
    return generate(ctx)


def test_counts_and_spread_over_real_desa(batch):
    assert (count(Posyandu), count(Kader), count(Pengurus)) == (N, batch.kader, batch.pengurus)
    assert count(posyandu_layanan) == batch.layanan > N
    assert 0.9 * 12 * N < batch.kader < 1.1 * 12 * N
    assert 3 * N <= batch.pengurus <= 9 * N
    per_posyandu = Counter(db.session.scalars(select(Kader.posyandu_id)))
    assert len(per_posyandu) == N and len(set(per_posyandu.values())) > 5, "kader counts vary"
    codes = db.session.scalars(select(Posyandu.desa_kode)).all()
    desa = Posyandu.__table__.join(Wilayah.__table__, Wilayah.kode == Posyandu.desa_kode)
    assert count(desa, Wilayah.level == 4) == N, "only real desa/kelurahan codes"
    assert batch.provinsi == len({c[:2] for c in codes}) >= 30
    assert len(set(codes)) == N, "one per desa until every desa has one"
    names = db.session.scalars(select(Posyandu.nama)).all()
    assert all(n.startswith("Posyandu Uji ") for n in names) and len(set(names)) == N
    assert 0 < count(Posyandu, Posyandu.pilot.is_(True)) < N // 20
    with_sk = count(Posyandu, Posyandu.sk_nomor.is_not(None), Posyandu.sk_tanggal.is_not(None))
    assert N // 3 < with_sk < N
    assert count(Kader, Kader.nik.is_not(None)) == 0


def test_every_value_passes_the_portal_rules(batch):
    """What the edit forms would accept and store unchanged."""
    for model, schema in ((Posyandu, rules.PROFIL), (Kader, rules.KADER), (Pengurus, rules.PENGURUS)):
        objects = db.session.scalars(select(model).order_by(model.id)).all()
        for obj in objects[::3]:
            stored = {f: getattr(obj, f) for f in schema}
            values, errors = rules.clean(schema, stored)
            assert not errors and values == stored, (model.__name__, obj.id, errors)
    kader = db.session.scalars(select(Kader)).all()
    assert 0.3 < sum(k.telepon is not None for k in kader) / len(kader) < 0.6
    assert {k.level for k in kader} == {None, "purwa", "madya", "utama"}
    assert {k.bidang for k in kader} == set(rules.BIDANG)


def test_a_plausible_mix_of_complete_profiles(batch):
    totals = rekap.wilayah("")
    assert (totals.posyandu, totals.kader, totals.pengurus) == (N, batch.kader, batch.pengurus)
    assert totals.pilot == count(Posyandu, Posyandu.pilot.is_(True))
    assert 0.15 * N < totals.lengkap < 0.35 * N
    lacking = Counter(s.key for syarat in kelengkapan.semua(Posyandu.id.is_not(None), 15).values()
                      for s in syarat if not s.ok)
    assert set(lacking) == set(kelengkapan.SINGKAT)


def test_one_audit_entry_per_batch(batch):
    entries = db.session.scalars(select(AuditLog)).all()
    assert len(entries) == 1
    entry = entries[0]
    first, last = db.session.execute(select(func.min(Posyandu.id), func.max(Posyandu.id))).one()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (None, "demo_scale", f"{first}-{last}")
    assert entry.changes["sumber"][0] is None and entry.changes["sumber"][1].startswith("flask demo scale")
    assert entry.changes["posyandu"] == [None, N]


def derived():
    return (db.session.execute(select(Posyandu.id, Posyandu.lengkap, Posyandu.layanan_bidang).order_by(Posyandu.id)).all(),
            sorted(db.session.execute(select(posyandu_kata)).all()),
            db.session.execute(select(rekap_wilayah).where(rekap_wilayah.c.posyandu > 0)
                               .order_by(rekap_wilayah.c.kode)).all())


def test_derived_data_is_what_the_records_give(last_use):
    """The generator writes lengkap, layanan_bidang and the search words itself; a rebuild from the records agrees."""
    generated = derived()
    assert generated[1] and len(generated[2]) > N
    assert sum(lengkap for _, lengkap, _ in generated[0]) == rekap.wilayah("").lengkap
    statuses = Counter(db.session.scalars(select(Posyandu.status_registrasi)))
    assert {"belum", "draf", "teregistrasi"} <= set(statuses) and statuses["belum"] > N // 2
    numbered = db.session.execute(select(Posyandu.desa_kode, Posyandu.nomor_registrasi)
                                  .where(Posyandu.status_registrasi == "teregistrasi")).all()
    assert numbered and all(nomor.startswith(kode + ".") for kode, nomor in numbered)
    rekap.bangun()
    db.session.commit()
    rebuilt = derived()
    assert rebuilt[:2] == generated[:2]
    strip = [row[:-1] for row in generated[2]], [row[:-1] for row in rebuilt[2]]  # all but 'diperbarui'
    assert strip[0] == strip[1]


def snapshot(model):
    return {row[0]: tuple(row) for row in db.session.execute(select(model.__table__))}


def test_running_again_adds_and_never_touches_existing_rows(fresh, ctx):
    desa = "63.09.01.2001"
    own = service.create_posyandu(None, desa, {"nama": "Posyandu Kenanga"})
    service.add_kader(None, own, {"nama": "Siti Aminah", "jenis_kelamin": "P", "bidang": "kesehatan"})
    first = scale.generate(200, kader_minimum=15)
    before = {m: snapshot(m) for m in (Posyandu, Kader, Pengurus)}
    second = scale.generate(200, kader_minimum=15)
    after = {m: snapshot(m) for m in (Posyandu, Kader, Pengurus)}
    for model, rows in before.items():
        assert {k: after[model][k] for k in rows} == rows, model.__name__
    assert count(Posyandu) == 401 and count(Kader) == 1 + first.kader + second.kader
    assert first.batch != second.batch
    assert count(AuditLog, AuditLog.object_type == "demo_scale") == 2
    # A different batch, not a copy of the first: other desa, other people.
    codes = [set(db.session.scalars(select(Posyandu.desa_kode).where(Posyandu.id.between(*map(int, b.split("-"))))))
             for b in (first.batch, second.batch)]
    assert len(codes[0] & codes[1]) < 20


def test_normal_inserts_work_afterwards(own_batch):
    """On PostgreSQL the id sequences were moved past the generated ids."""
    batch = own_batch
    p = service.create_posyandu(None, "63.09.01.2001", {"nama": "Posyandu Kenanga"})
    k = service.add_kader(None, p, {"nama": "Siti Aminah", "jenis_kelamin": "P", "bidang": "kesehatan"})
    person = service.add_pengurus(None, p, {"jabatan": "ketua", "nama": "Rahmah", "jenis_kelamin": "P"})
    assert p.id > N and k.id > batch.kader and person.id > batch.pengurus


def fingerprint():
    return sorted(db.session.execute(
        select(Posyandu.id, Posyandu.desa_kode, Posyandu.sk_nomor, Posyandu.kontak, Posyandu.pilot, Kader.id,
               Kader.nama, Kader.bidang, Kader.telepon).join(Kader)).all())


def test_the_same_seed_gives_the_same_data(fresh, ctx):
    scale.generate(100, kader_minimum=15)
    first = fingerprint()
    for table in (AuditLog.__table__, posyandu_layanan, posyandu_kata, Kader.__table__, Pengurus.__table__, Posyandu.__table__):
        db.session.execute(table.delete())
    db.session.commit()
    scale.generate(100, kader_minimum=15)
    assert fingerprint() == first
    other = scale.generate(100, seed=1, kader_minimum=15)
    assert other.posyandu == 100


def test_kader_per_posyandu_is_an_average(fresh, ctx):
    result = scale.generate(300, kader_per_posyandu=5, kader_minimum=15)
    assert 0.8 * 5 * 300 < result.kader < 1.3 * 5 * 300


@pytest.fixture
def runner(fresh, app):
    return app.test_cli_runner()


def test_cli(runner, app):
    result = runner.invoke(args=["demo", "scale", "--posyandu", "200"])
    assert result.exit_code == 0, result.output
    assert "200 Posyandu" in result.output and "kader" in result.output and "detik" in result.output
    with app.app_context():
        assert count(Posyandu) == 200
    assert "MENAMBAH" in runner.invoke(args=["demo", "scale", "--help"]).output


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5"])
def test_cli_refuses_a_bad_number(runner, app, value):
    result = runner.invoke(args=["demo", "scale", "--posyandu", value])
    assert result.exit_code != 0 and "--posyandu" in result.output
    with app.app_context():
        assert count(Posyandu) == 0


def test_cli_needs_the_number(runner):
    result = runner.invoke(args=["demo", "scale"])
    assert result.exit_code != 0 and "--posyandu" in result.output
