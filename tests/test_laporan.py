"""Laporan bulanan (issue 16), the foundation: the catalogue per year and its versioning, a report's draf and entry,
and the one state machine (every allowed and refused step per role, two verifiers at once)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.domain import Conflict, DomainError, FormErrors
from portal.extensions import db
from portal.formatting import hari_ini
from portal.kelola import service as posyandu_service
from portal.laporan import katalog, service, workflow
from portal.models import AuditLog, User
from portal.models.laporan import Indikator, LangkahLaporan, Laporan

HAPALAH = "63.09.01.2001"


@pytest.fixture(autouse=True)
def _konteks(ctx):
    return ctx


def _user(users, name) -> User:
    return db.session.get(User, users[name])


def _periode_lalu() -> str:
    first = hari_ini().replace(day=1) - timedelta(days=1)
    return f"{first:%Y-%m}"


@pytest.fixture
def posyandu(users):
    return posyandu_service.create_posyandu(None, HAPALAH, {"nama": "Posyandu Melati"})


def _isi_lengkap(laporan: Laporan) -> dict:
    raw = {f"nilai-{n.kode}": "3" for n in laporan.nilai if n.sumber == "isian" and n.jenis == "jumlah"}
    raw |= {f"nilai-{n.kode}": "1" for n in laporan.nilai if n.jenis == "ya_tidak"}
    return raw | {"kader_hadir": "6", "catatan-kesehatan": "Imunisasi campak."}


def _siap(users, posyandu) -> Laporan:
    """A report of last month, filled in and ready to send."""
    periode = _periode_lalu()
    laporan = service.buat_draf(_user(users, "desa_hapalah"), posyandu, periode)
    return service.simpan(_user(users, "desa_hapalah"), laporan, _isi_lengkap(laporan),
                          [f"{periode}-05", f"{periode}-19"], laporan.version)


# --- the catalogue --------------------------------------------------------------------------------------------

def test_a_years_catalogue_is_written_once_and_the_next_year_copies_it(users):
    rows = katalog.nasional(2025)
    assert [r.kode for r in rows] == [b.kode for b in katalog.BAWAAN] and len(katalog.nasional(2025)) == len(rows)
    assert {r.bidang for r in rows} == {"kesehatan", "pendidikan", "pu", "perumahan", "trantibumlinmas", "sosial",
                                        "kelembagaan"}
    # the admin renames one and retires another; 2026 starts from 2025 as it is now
    rows[0].label = "Ibu hamil terdata (S)"
    rows[1].aktif = False
    db.session.commit()
    kode = {r.kode: r for r in katalog.nasional(2026)}
    assert kode[rows[0].kode].label == "Ibu hamil terdata (S)" and rows[1].kode not in kode
    assert db.session.scalar(select(func.count()).select_from(Indikator).where(Indikator.tahun == 2026)) == len(rows)


def test_a_kabupaten_adds_its_own_indicator_for_its_posyandu_only(users):
    katalog.nasional(2025)
    db.session.add(Indikator(tahun=2025, wilayah_kode="63.09", bidang="kesehatan", kode="TBL-STUNTING",
                             label="Balita stunting didampingi", satuan="orang", urutan=1))
    db.session.commit()
    assert "TBL-STUNTING" in [i.kode for i in katalog.untuk(HAPALAH, 2025)]
    assert "TBL-STUNTING" not in [i.kode for i in katalog.untuk("63.11.01.2001", 2025)]


def test_changing_the_catalogue_never_changes_a_report(users, posyandu):
    laporan = _siap(users, posyandu)
    tahun = int(laporan.periode[:4])
    ind = next(i for i in katalog.nasional(tahun) if i.kode == "KES-BALITA-D")
    ind.label, ind.satuan = "Label baru", "jiwa"
    db.session.commit()
    db.session.expire_all()
    nilai = service.get(laporan.id).nilai_per_kode["KES-BALITA-D"]
    assert (nilai.label, nilai.satuan, nilai.nilai) == ("Bayi dan balita datang dan dilayani (D)", "orang", 3)


# --- the draf and its entry -----------------------------------------------------------------------------------

def test_one_report_per_posyandu_and_month(users, posyandu):
    desa = _user(users, "desa_hapalah")
    laporan = service.buat_draf(desa, posyandu, _periode_lalu())
    assert laporan.status == "draf" and len(laporan.nilai) == len(katalog.BAWAAN)
    assert [s.aksi for s in laporan.langkah] == ["buat"]
    with pytest.raises(Conflict, match="sudah ada"):
        service.buat_draf(desa, posyandu, _periode_lalu())
    nanti = hari_ini().replace(day=28) + timedelta(days=7)
    for bad in (f"{nanti:%Y-%m}", "2025-13", "25-10", "２０２５-10", ""):
        with pytest.raises(DomainError):
            service.buat_draf(desa, posyandu, bad)
    assert db.session.scalar(select(func.count()).select_from(Laporan)) == 1


def test_entry_checks_its_values_and_counts_what_it_can(users, posyandu):
    desa = _user(users, "desa_hapalah")
    periode = _periode_lalu()
    laporan = service.buat_draf(desa, posyandu, periode)
    bad = {"nilai-KES-BALITA-D": "٣", "nilai-KLB-RAPAT": "2", "kader_hadir": "-1"}
    with pytest.raises(FormErrors) as e:
        service.simpan(desa, laporan, bad, ["2020-01-01"], laporan.version)
    assert set(e.value.errors) == {"nilai-KES-BALITA-D", "nilai-KLB-RAPAT", "kader_hadir", "hari_buka"}
    db.session.expire_all()
    assert service.get(laporan.id).hari_buka == [] and service.get(laporan.id).version == laporan.version
    laporan = service.simpan(desa, service.get(laporan.id), _isi_lengkap(laporan),
                             [f"{periode}-19", f"{periode}-05", f"{periode}-05"], laporan.version)
    nilai = laporan.nilai_per_kode
    assert laporan.hari_buka == [f"{periode}-05", f"{periode}-19"] and nilai["KLB-HARI-BUKA"].nilai == 2
    assert nilai["KLB-KADER-HADIR"].nilai == 6 and laporan.catatan == {"kesehatan": "Imunisasi campak."}
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.object_type == "laporan",
                                                                              AuditLog.action == "isi")) == 1
    # a form shown before this save is stale
    with pytest.raises(Conflict):
        service.simpan(desa, laporan, _isi_lengkap(laporan), [], laporan.version - 1)


# --- the state machine ----------------------------------------------------------------------------------------

def test_the_report_goes_up_and_comes_back_with_a_reason(users, posyandu):
    laporan = _siap(users, posyandu)
    lid = laporan.id

    def step(who, aksi, catatan=None):
        current = service.get(lid)
        return workflow.jalankan(_user(users, who), lid, aksi, versi=current.version, catatan=catatan)

    assert step("desa_hapalah", "kirim").status == "dikirim"
    with pytest.raises(DomainError, match="Tulis alasannya"):
        step("kec_banualawas", "kembalikan")
    assert step("kec_banualawas", "kembalikan", "Hari buka tanggal 19 tidak tercatat di buku.").status == "dikembalikan"
    # returned: the desa fixes and sends again
    laporan = service.get(lid)
    service.simpan(_user(users, "desa_hapalah"), laporan, _isi_lengkap(laporan), [f"{laporan.periode}-05"],
                   laporan.version)
    assert step("desa_hapalah", "kirim").status == "dikirim"
    assert step("kec_banualawas", "terima_kecamatan").status == "diterima_kecamatan"
    assert step("kab_tabalong", "terima_kabupaten").status == "diterima_kabupaten"
    assert service.get(lid).diterima_pada is not None
    # locked: no entry, only a correction with a reason
    with pytest.raises(DomainError, match="tidak diubah lagi"):
        laporan = service.get(lid)
        service.simpan(_user(users, "desa_hapalah"), laporan, _isi_lengkap(laporan), [], laporan.version)
    with pytest.raises(DomainError, match="alasan koreksi"):
        step("kab_tabalong", "koreksi")
    assert step("kab_tabalong", "koreksi", "Salah isi jumlah balita.").status == "dikembalikan"
    assert [s.aksi for s in service.get(lid).langkah] == ["buat", "kirim", "kembalikan", "kirim", "terima_kecamatan",
                                                          "terima_kabupaten", "koreksi"]
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.object_type == "laporan", AuditLog.object_id == str(lid))) == 9  # buat, two saves, seven steps


def test_a_report_is_sent_complete(users, posyandu):
    desa = _user(users, "desa_hapalah")
    laporan = service.buat_draf(desa, posyandu, _periode_lalu())
    with pytest.raises(DomainError, match="hari buka"):
        workflow.jalankan(desa, laporan.id, "kirim", versi=laporan.version)
    laporan = service.simpan(desa, service.get(laporan.id), {"kader_hadir": "5"}, [f"{laporan.periode}-05"],
                             laporan.version)
    with pytest.raises(DomainError, match="isian kosong"):
        workflow.jalankan(desa, laporan.id, "kirim", versi=laporan.version)
    assert service.get(laporan.id).status == "draf"


# state → (who, step, allowed?) over every step and every role, in scope and out of it
MATRIX = [
    ("draf", "desa_hapalah", "kirim", True), ("draf", "admin_kalsel", "kirim", True),
    ("draf", "kec_banualawas", "kirim", False), ("draf", "kab_tabalong", "kirim", False),
    ("draf", "desa_pamarangan", "kirim", False), ("draf", "peny_tabalong", "kirim", False),
    ("dikirim", "kec_banualawas", "terima_kecamatan", True), ("dikirim", "kec_bintangara", "terima_kecamatan", False),
    ("dikirim", "kab_tabalong", "terima_kecamatan", False), ("dikirim", "desa_hapalah", "terima_kecamatan", False),
    ("dikirim", "kab_tabalong", "terima_kabupaten", False), ("dikirim", "kab_tabalong", "kembalikan", True),
    ("dikirim", "kab_balangan", "kembalikan", False), ("dikirim", "desa_hapalah", "kembalikan", False),
    ("dikirim", "desa_hapalah", "kirim", False),
    ("diterima_kecamatan", "kab_tabalong", "terima_kabupaten", True),
    ("diterima_kecamatan", "kec_banualawas", "terima_kabupaten", False),
    ("diterima_kecamatan", "kec_banualawas", "kembalikan", True),
    ("diterima_kecamatan", "admin_kaltim", "terima_kabupaten", False),
    ("diterima_kabupaten", "kab_tabalong", "koreksi", True), ("diterima_kabupaten", "kec_banualawas", "koreksi", False),
    ("diterima_kabupaten", "kab_tabalong", "kembalikan", False), ("diterima_kabupaten", "desa_hapalah", "kirim", False),
    ("dikembalikan", "desa_hapalah", "kirim", True), ("dikembalikan", "kec_banualawas", "terima_kecamatan", False),
]
JALAN = {"dikirim": ["kirim"], "diterima_kecamatan": ["kirim", "terima_kecamatan"],
         "diterima_kabupaten": ["kirim", "terima_kecamatan", "terima_kabupaten"], "dikembalikan": ["kirim", "kembalikan"],
         "draf": []}


@pytest.mark.parametrize("state, who, aksi, allowed", MATRIX)
def test_every_step_by_role_and_state(users, posyandu, state, who, aksi, allowed):
    laporan = _siap(users, posyandu)
    for a in JALAN[state]:
        laporan = workflow.jalankan(None, laporan.id, a, catatan="uji")
    assert laporan.status == state
    user = _user(users, who)
    assert workflow.may(user, laporan, aksi) == allowed
    before = db.session.scalar(select(func.count()).select_from(LangkahLaporan))
    if allowed:
        assert workflow.jalankan(user, laporan.id, aksi, versi=laporan.version, catatan="alasan uji").status == \
            workflow.LANGKAH[aksi].ke
    else:
        with pytest.raises(DomainError):
            workflow.jalankan(user, laporan.id, aksi, versi=laporan.version, catatan="alasan uji")
        db.session.expire_all()
        assert service.get(laporan.id).status == state
        assert db.session.scalar(select(func.count()).select_from(LangkahLaporan)) == before


def test_two_verifiers_at_once_one_wins(users, posyandu):
    laporan = workflow.jalankan(None, _siap(users, posyandu).id, "kirim")
    seen = laporan.version
    workflow.jalankan(_user(users, "kec_banualawas"), laporan.id, "terima_kecamatan", versi=seen)
    with pytest.raises(Conflict, match="baru saja diubah"):
        workflow.jalankan(_user(users, "kab_tabalong"), laporan.id, "kembalikan", versi=seen, catatan="Kurang.")
    db.session.expire_all()
    assert service.get(laporan.id).status == "diterima_kecamatan"
