"""The demo data: Kabupaten Tabalong's reported figures (DOMAIN.md §7), exact and traceable to records; values that
the portal's own rules accept; the same data on every install; nothing created twice."""
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

import pytest
from lokal.nik import parse_nik
from sqlalchemy import func, select

from portal import demo, rekap
from portal.formatting import hari_ini
from portal.kegiatan import laporan
from portal.extensions import db
from portal.models.posyandu import BIDANG
from portal.formatting import angka
from portal.models import (AuditLog, Kader, KatalogKegiatan, Kegiatan, Kehadiran, Pengurus, Peserta, Posyandu,
                           Wilayah)
from portal.models.posyandu import posyandu_layanan
from portal.models.registrasi import DokumenUsulan, Tahap, Usulan
from portal.models.wilayah import within_clause
from portal import kelengkapan, rules
from portal.kelola import service
from portal.wilayah_baca import normalize_name
from tests.helpers import login, post
from tests.shared_data import Generated

TABALONG = "63.09"


@pytest.fixture
def instance(ctx, tmp_path):
    """The instance folder for demo-akun.json: the test's own, never the repository's."""
    ctx.instance_path = str(tmp_path)
    return ctx.instance_path


@dataclass
class Province:
    """The module's one seeded Kalimantan Selatan, and what seeding it twice showed."""
    instance: str
    result: demo.SeedResult
    before: dict  # snapshot() before the first seed, after it, and after the second
    after: dict
    again: demo.SeedResult
    after_again: dict
    fingerprint: list


@pytest.fixture(scope="module")
def province(database_url, wilayah_import, tmp_path_factory):
    instance = str(tmp_path_factory.mktemp("demo-instance"))

    def make(app):
        app.instance_path = instance
        before = snapshot()
        result = demo.seed(instance)
        after = snapshot()
        again = demo.seed(instance)
        return Province(instance, result, before, after, again, snapshot(), fingerprint())
    data = Generated(database_url, make)
    yield data
    data.drop()


@pytest.fixture
def seeded(province):
    """The shared seeded province, for checks that only read it."""
    value = province.get()
    with province.direct.app_context():
        yield value


@pytest.fixture
def shared_client(province):
    return province.app.test_client()


@pytest.fixture
def fresh(province):
    """The empty database, for a test that seeds or changes data itself."""
    province.drop()


def aktif_di(kode):
    """The WHERE clause of the active Posyandu inside kode."""
    return Posyandu.aktif.is_(True) & within_clause(Posyandu.desa_kode, kode)


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def active_kader(kode):
    return db.session.scalar(select(func.count()).select_from(Kader).join(Posyandu)
                             .where(aktif_di(kode), Kader.aktif.is_(True)))


def snapshot():
    return {t.name: count(t) for t in (Posyandu.__table__, Kader.__table__, Pengurus.__table__, posyandu_layanan,
                                       AuditLog.__table__, KatalogKegiatan.__table__)}


def test_tabalong_has_the_reported_figures(seeded, shared_client):
    client = shared_client
    assert seeded.result.accounts == ["admin", "kabupaten", "kecamatan", "desa", "penyelenggara"]
    assert count(Posyandu, aktif_di(TABALONG)) == 288
    assert active_kader(TABALONG) == 3444
    totals = rekap.wilayah(TABALONG)
    assert (totals.desa, totals.posyandu, totals.kader, totals.pilot) == (131, 288, 3444, 3)
    # Closed Posyandu and inactive kader exist, and are not counted.
    closed = db.session.scalars(select(Posyandu).where(
        Posyandu.aktif.is_(False), within_clause(Posyandu.desa_kode, TABALONG))).all()
    assert closed and all(p.ditutup_tanggal and p.alasan_tutup and not p.pilot for p in closed)
    assert count(Kader, Kader.aktif.is_(False), Kader.posyandu_id.in_(select(Posyandu.id).where(aktif_di(TABALONG))))
    # Every desa/kelurahan has at least one Posyandu, the bigger ones up to five.
    desa = set(db.session.scalars(select(Wilayah.kode).where(
        Wilayah.level == 4, within_clause(Wilayah.kode, TABALONG))))
    per_desa = Counter(db.session.scalars(select(Posyandu.desa_kode).where(aktif_di(TABALONG))))
    assert set(per_desa) == desa and len(desa) == 131
    assert max(per_desa.values()) == 5 and Counter(per_desa.values())[1] < 131 // 2
    page = client.get(f"/wilayah/{TABALONG}").get_data(as_text=True)
    assert re.search(r">\s*288\s*<", page) and re.search(r">\s*3\.444\s*<", page)


def test_pilot_projects_in_every_kabupaten(seeded):
    assert count(Posyandu, aktif_di(TABALONG), Posyandu.pilot.is_(True)) == 3
    others = db.session.scalars(select(Wilayah.kode).where(Wilayah.level == 2, within_clause(Wilayah.kode, "63"),
                                                           Wilayah.kode != TABALONG)).all()
    assert len(others) == 12
    for kode in others:
        assert 3 <= count(Posyandu, aktif_di(kode)) <= 8, kode
        assert 1 <= count(Posyandu, aktif_di(kode), Posyandu.pilot.is_(True)) <= 3, kode
        assert active_kader(kode) and count(Pengurus, Pengurus.posyandu_id.in_(
            select(Posyandu.id).where(aktif_di(kode)))), kode
    # A pilot project shows what a complete Posyandu looks like.
    pilots = kelengkapan.semua(Posyandu.pilot.is_(True), 15)
    assert len(pilots) >= 15 and all(kelengkapan.lengkap(s) for s in pilots.values())


def test_profiles_are_a_realistic_mix(seeded, province):
    ctx = province.direct
    checks = kelengkapan.semua(aktif_di(TABALONG), ctx.config["KADER_MINIMUM"])
    complete = [pid for pid, s in checks.items() if kelengkapan.lengkap(s)]
    assert 0.25 < len(complete) / len(checks) < 0.45
    lacking = Counter(s.key for syarat in checks.values() for s in syarat if not s.ok)
    assert set(lacking) == set(kelengkapan.SINGKAT) and min(lacking.values()) >= 20
    # The demo desa operator sees both kinds.
    demo_desa = [kelengkapan.lengkap(s) for s in kelengkapan.semua(
        aktif_di(demo.DEMO_DESA), ctx.config["KADER_MINIMUM"]).values()]
    assert True in demo_desa and False in demo_desa
    # Health has the most kader; public works, housing and trantibumlinmas the fewest.
    counts = rekap.wilayah(TABALONG)
    per_bidang = {b: counts[f"kader_{b}"] for b in BIDANG}
    ranked = sorted(per_bidang, key=per_bidang.get)
    assert ranked[-1] == "kesehatan" and min(per_bidang.values()) > 0
    assert set(ranked[:3]) == {"pu", "perumahan", "trantibumlinmas"}
    assert per_bidang["kesehatan"] > 2 * per_bidang["pendidikan"]


def test_every_stored_value_passes_the_portal_rules(seeded):
    """What the edit forms would accept, and store unchanged: so an operator can save a demo record as it is."""
    schemas = {
        Posyandu: (rules.PROFIL, Posyandu.desa_kode.startswith("63")),
        Kader: (rules.KADER, Kader.id.is_not(None)),
        Pengurus: (rules.PENGURUS, Pengurus.id.is_not(None)),
    }
    for model, (schema, where) in schemas.items():
        for obj in db.session.scalars(select(model).where(where)):
            stored = {f: getattr(obj, f) for f in schema}
            values, errors = rules.clean(schema, stored)
            assert not errors and values == stored, (model.__name__, obj.id, errors)
    kader = db.session.scalars(select(Kader)).all()
    niks = [k.nik for k in kader if k.nik]
    assert len(niks) == len(set(niks)) and len(kader) // 5 < len(niks) < len(kader) // 2
    for k in kader:
        if k.nik:
            info = parse_nik(k.nik)
            assert info.district_code == k.posyandu.desa_kode[:8] and info.gender == k.jenis_kelamin
            assert date.fromisoformat(info.birth_date) == k.tanggal_lahir
    phones = [k.telepon for k in kader]
    assert 0.2 < phones.count(None) / len(phones) < 0.8, "many kader have no phone"
    assert Counter(k.jenis_kelamin for k in kader).most_common(1)[0][0] == "P"
    assert {k.level for k in kader} == {None, "purwa", "madya", "utama"}


def test_names_layanan_and_audit(seeded):
    posyandu = db.session.scalars(select(Posyandu).where(Posyandu.desa_kode.startswith("63"))).all()
    names = Counter((p.desa_kode, normalize_name(p.nama)) for p in posyandu)
    assert max(names.values()) == 1
    assert {"Posyandu Melati 1", "Posyandu Mawar", "Posyandu Anggrek"} <= {p.nama for p in posyandu}
    assert all(service.find_by_name(p.desa_kode, p.nama).id == p.id for p in posyandu[:50])
    katalog = dict(db.session.execute(select(KatalogKegiatan.id, KatalogKegiatan.bidang)).all())
    for p in posyandu:
        bidang = {katalog[k.id] for k in p.layanan}
        assert not p.aktif or "kesehatan" in bidang, p.nama
        assert bidang <= {"kesehatan"} | {k.bidang for k in p.kader if k.aktif}, p.nama
    # One honest audit entry per generated Posyandu: made by the system, saying it is demo data.
    entries = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "posyandu")).all()
    assert sorted(e.posyandu_id for e in entries) == sorted(p.id for p in posyandu)
    assert all(e.actor_id is None and e.action == "buat" and "demo" in e.changes["sumber"][1] for e in entries)


def test_seeding_twice_changes_nothing(seeded):
    before = seeded.before
    assert len(seeded.result.accounts) == 5
    after = seeded.after
    assert after["katalog_kegiatan"] == before["katalog_kegiatan"]
    assert after["posyandu"] > 288 and after["kader"] > 3444
    assert seeded.again == demo.SeedResult([], [])
    assert seeded.after_again == after


def fingerprint():
    return sorted(db.session.execute(
        select(Posyandu.desa_kode, Posyandu.nama, Posyandu.sk_nomor, Posyandu.kontak, Posyandu.pilot,
               Kader.nama, Kader.bidang, Kader.nik, Kader.telepon, Kader.aktif).join(Kader)).all())


# --- the demo kegiatan (DOMAIN.md §6) -------------------------------------------------------------------------------

def test_the_bintang_ara_bimtek_as_reported(seeded, shared_client):
    instance, client = seeded.instance, shared_client
    bimtek = db.session.scalar(select(Kegiatan).where(Kegiatan.jenis == "bimtek"))
    assert (bimtek.tanggal_mulai, bimtek.tanggal_selesai) == (date(2025, 10, 15), date(2025, 10, 16))
    assert bimtek.tempat.startswith("Aston Tanjung City Hotel") and bimtek.wilayah_kode == "63.09.12"
    r = laporan.rekap(bimtek)
    assert r.peserta == 84 and len(r.desa) == 7 and r.jumlah_desa == 9 and len(r.tanpa_peserta) == 2
    assert all(p.peran == "kader" and p.kader_id for p in laporan.peserta(bimtek))
    # Realistic days: nearly everyone present, a few izin, on the second day a few absent; every mark by the
    # organiser's account, on the day itself.
    assert r.hadir == [83, 80] and r.izin == [1, 2]
    marks = db.session.scalars(select(Kehadiran).join(Peserta).where(Peserta.kegiatan_id == bimtek.id)).all()
    assert len(marks) == 168 and {m.dicatat_oleh.username for m in marks} == {"penyelenggara"}
    # The organiser's recap names the two desa that sent nobody, before the table.
    assert login(client, "penyelenggara", demo.demo_passwords(instance)["penyelenggara"]).status_code == 303
    html = client.get(f"/kegiatan/{bimtek.id}/rekap").get_data(as_text=True)
    assert "84 peserta · 7 dari 9 desa/kelurahan sasaran mengirim peserta" in html and "Belum mengirim peserta: 2 desa/kelurahan" in html
    for row in r.tanpa_peserta:
        assert html.index(row.desa.nama_lengkap) < html.index("<table")
    # Those who came both days are trained in 6 SPM: trained in 6 SPM, in the rollups.
    trained = sum(p.lulus for p in laporan.peserta(bimtek))
    assert trained == rekap.wilayah("63.09.12").kader_terlatih == rekap.wilayah(TABALONG).kader_terlatih


def test_the_tabalong_sosialisasi_as_reported(seeded):
    instance = seeded.instance
    sosialisasi = db.session.scalar(select(Kegiatan).where(Kegiatan.jenis == "sosialisasi"))
    assert sosialisasi.hari == [date(2025, 11, 24)] and "Pendopo Bersinar Pembataan" in sosialisasi.tempat
    r = laporan.rekap(sosialisasi)
    assert r.jumlah_desa == 131 and not r.tanpa_peserta  # a kader from every desa/kelurahan
    ketua = [p for p in laporan.peserta(sosialisasi) if p.peran == "tp_kecamatan"]
    assert len(ketua) == 12 and all(p.jabatan.startswith("Ketua TP Posyandu Kecamatan") for p in ketua)
    assert r.peserta == 131 + 12
    assert demo.seed(instance).kegiatan == []  # never twice


# --- the demo registration (DOMAIN.md §5) ---------------------------------------------------------------------------

def test_tabalong_tahap_i_as_reported(seeded, shared_client):
    from portal.registrasi import service as registrasi
    instance, client, result = seeded.instance, shared_client, seeded.result
    assert result.registrasi and "Usulan Tahap I 206 Posyandu di 87 desa/kelurahan" in result.registrasi[0]
    tahap = db.session.scalar(select(Tahap))
    rows = registrasi.isi_tahap(tahap)
    assert (tahap.nama, tahap.status, len(rows), len({r.desa_kode for r in rows})) == ("Usulan Tahap I", "dikirim",
                                                                                       206, 87)
    numbered = [r for r in rows if r.nomor_registrasi]
    assert 0 < len(numbered) < 206 and all(r.nomor_registrasi.startswith(r.desa_kode + ".") for r in numbered)
    # The other 82 active Posyandu are on their way, in every state before the ministry; each dossier past draf was
    # complete with its documents when submitted.
    rest = db.session.scalars(select(Usulan).where(Usulan.tahap_id.is_(None))).all()
    states = Counter(u.status for u in rest)
    assert sum(states.values()) == 82 and set(states) == {"draf", "diajukan", "dikembalikan",
                                                          "diverifikasi_kecamatan", "diverifikasi_kabupaten"}
    for u in rest:
        if u.status != "draf":
            assert u.potret and set(u.dokumen_aktif) == {"berita_acara", "sk"}
        if u.status in ("diajukan", "diverifikasi_kecamatan", "diverifikasi_kabupaten"):
            assert u.posyandu.lengkap
    ready = [u for u in rest if u.status == "draf" and u.dokumen]
    assert db.session.scalar(select(func.count()).select_from(DokumenUsulan)) == 2 * (sum(
        n for s, n in states.items() if s != "draf") + len(ready))
    # Every active Posyandu of Tabalong has its status on record, the rekap agrees, and the demo accounts have work.
    counts = rekap.wilayah(TABALONG)
    assert counts.status_belum == 0 and counts.status_diusulkan + counts.status_teregistrasi == 206
    assert counts.status_teregistrasi == len(numbered)
    assert any(u.status == "diajukan" and u.posyandu.desa_kode.startswith("63.09.12.") for u in rest)
    assert [u.posyandu.desa_kode for u in ready] == [demo.DEMO_DESA]
    # The public kabupaten rollup says it.
    html = client.get("/wilayah/63.09?tabel=registrasi").get_data(as_text=True)
    assert "Usulan Tahap I</strong>: 206 Posyandu di 87 desa/kelurahan" in html
    assert "Desa/kelurahan dengan Posyandu belum diusulkan: 44" in html
    assert demo.seed(instance).registrasi == []  # never twice


# --- the demo Tim Pembina (issue 15) --------------------------------------------------------------------------------

def test_tim_pembina_of_tabalong_and_below(seeded, shared_client):
    from portal.models.pembina import Opd, TimPembina
    from portal.models.wilayah import Wilayah, anak_dari
    from portal.pembina import service as pembina
    today = hari_ini()
    assert len(seeded.result.pembina) == 2 and "11 dari 12 kecamatan" in seeded.result.pembina[1]
    # the kabupaten's: ketua ex officio from the TP PKK, sekretaris from DPMD, a koordinator from each bidang's OPD
    tim = pembina.tim_aktif(TABALONG)
    assert (tim.masa_bakti_mulai.year, tim.masa_bakti_selesai.year) == (2025, 2030) and tim.sk_berlaku(today)
    kursi = {k.jabatan: k for k in tim.kursi_aktif if k.jabatan != "koordinator"}
    assert kursi["ketua"].ex_officio and kursi["ketua"].unsur == "tp_pkk"
    assert kursi["sekretaris_1"].opd.singkatan == "DPMD" and tim.bidang_lengkap and tim.berkas_sk
    assert "demo" in tim.keterangan.lower()
    # 12 kecamatan: one without a tim, one expired
    kecamatan = db.session.scalars(select(Wilayah.kode).where(anak_dari(TABALONG))).all()
    tims = {k: pembina.tim_aktif(k) for k in kecamatan}
    assert len(kecamatan) == 12 and sum(t is None for t in tims.values()) == 1
    assert sum(1 for t in tims.values() if t is not None and not t.sk_berlaku(today)) == 1
    # about two thirds of the desa; the demo desa's with its SK file; the provinsi's; every register seeded
    desa = db.session.scalar(select(func.count()).select_from(Wilayah).where(
        Wilayah.level == 4, Wilayah.kode.startswith(TABALONG + ".")))
    bertim = db.session.scalar(select(func.count()).select_from(TimPembina).where(
        func.length(TimPembina.wilayah_kode) == 13, TimPembina.wilayah_kode.startswith(TABALONG + ".")))
    assert 0.55 < bertim / desa < 0.78
    assert pembina.tim_aktif(demo.DEMO_DESA).berkas_sk and pembina.tim_aktif("63").ketua_terisi
    assert db.session.scalar(select(func.count(Opd.wilayah_kode.distinct()))) == 14
    assert demo.seed(seeded.instance).pembina == []  # never twice


def test_the_demo_accounts_form_a_chain_that_works_both_ways(fresh, instance, app, ctx):
    """desa → kecamatan → kabupaten: the desa submits its ready draf, the kecamatan verifies a dossier of that very
    desa, the kabupaten verifies what the kecamatan verified; the desa reads a return by the kecamatan."""
    from portal.models import User
    from portal.registrasi import workflow
    demo.seed(instance)
    accounts = {u.role: u for u in db.session.scalars(select(User))}
    desa, kecamatan, kabupaten = (accounts[r].wilayah_kode for r in ("desa", "kecamatan", "kabupaten"))
    assert desa == demo.DEMO_DESA and desa.startswith(kecamatan + ".") and kecamatan.startswith(kabupaten + ".")
    assert (kecamatan, kabupaten) == ("63.09.12", "63.09")  # Bintang Ara, of the bimtek
    # The demo desa is one of the 7 desa that sent kader to the bimtek.
    bimtek = db.session.scalar(select(Kegiatan).where(Kegiatan.jenis == "bimtek"))
    assert desa in {row.desa.kode for row in laporan.rekap(bimtek).desa}
    di_desa = db.session.scalars(select(Usulan).join(Posyandu).where(Posyandu.desa_kode == desa)
                                 .order_by(Usulan.id)).all()
    ready = [u for u in di_desa if u.status == "draf" and not workflow.syarat_ajukan(u)]
    waiting = [u for u in di_desa if u.status == "diajukan"]
    returned = [u for u in di_desa if u.status == "dikembalikan"]
    assert ready and waiting and returned
    # The return was the kecamatan account's, with its reason and a document to replace.
    step = workflow.alasan(returned[0])
    assert step.oleh.username == "kecamatan" and step.catatan and step.perbaikan == ["sk"]
    passwords = demo.demo_passwords(instance)
    clients = {}
    for username in ("desa", "kecamatan", "kabupaten"):
        clients[username] = app.test_client()
        assert login(clients[username], username, passwords[username]).status_code == 303
    assert step.catatan in clients["desa"].get("/beranda").get_data(as_text=True)
    # Both directions: up (the desa submits) and down (the kecamatan, then the kabupaten, verify).
    for username, uid, aksi in (("desa", ready[0].id, "ajukan"), ("kecamatan", waiting[0].id, "verifikasi_kecamatan"),
                                ("kabupaten", waiting[0].id, "verifikasi_kabupaten")):
        u = db.session.get(Usulan, uid, populate_existing=True)
        response = post(clients[username], f"/registrasi/usulan/{uid}/{aksi}", {"version": u.version})
        assert response.status_code == 303, (username, aksi, response.get_data(as_text=True)[-2000:])
    assert db.session.get(Usulan, ready[0].id, populate_existing=True).status == "diajukan"
    assert db.session.get(Usulan, waiting[0].id, populate_existing=True).status == "diverifikasi_kabupaten"
    assert "usulan menunggu verifikasi kecamatan" in clients["kecamatan"].get("/beranda").get_data(as_text=True)


# --- tests that seed on their own, on the empty database -------------------------------------------------------------

@pytest.fixture
def first_install(province):
    """The fingerprint of the module's seeded province, then the empty database."""
    value = province.get().fingerprint
    province.drop()
    return value


def test_every_install_gets_the_same_data(first_install, ctx):
    first = first_install
    lines = demo.seed_kelembagaan()
    assert fingerprint() == first
    tabalong, kalsel = rekap.wilayah(TABALONG), rekap.wilayah("63")
    assert lines == [
        f"Kabupaten Tabalong: 288 Posyandu aktif (3 pilot, {tabalong.lengkap} profil lengkap), 3.444 kader aktif.",
        f"Kalimantan Selatan: {kalsel.posyandu} Posyandu aktif ({kalsel.pilot} pilot, {kalsel.lengkap} profil "
        f"lengkap), {angka(kalsel.kader)} kader aktif."]


def test_a_province_with_posyandu_is_left_alone(fresh, instance):
    """Demo Posyandu never mix with real ones: one Posyandu anywhere in Kalimantan Selatan and none is generated."""
    desa = db.session.scalar(select(Wilayah.kode).where(Wilayah.level == 4, within_clause(Wilayah.kode, "63.11"))
                             .order_by(Wilayah.kode))
    service.create_posyandu(None, desa, {"nama": "Posyandu Kenanga"})
    assert len(demo.seed(instance).accounts) == 5
    assert count(Posyandu) == 1 and count(Kader) == 0
