"""Register rujukan (issue 16), the foundation: recording a case and its rules, who sees what (confidential cases and
the reporter), the one state machine (every step per role and state, two people at once), the OPD's due date in
working days, and the monthly count per rumus."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.domain import Conflict, DomainError, FormErrors
from portal.extensions import db
from portal.formatting import hari_ini
from portal.kelola import service as posyandu_service
from portal.laporan import katalog
from portal.models import AuditLog, User
from portal.models.pembina import Opd
from portal.models.posyandu import BIDANG
from portal.models.rujukan import JENIS_RUJUKAN, LangkahRujukan, Rujukan
from portal.pembina import opd as opd_register
from portal.rujukan import baca, hitung, service, workflow

HAPALAH = "63.09.01.2001"
NIK = "6309015501900001"


@pytest.fixture(autouse=True)
def _konteks(ctx):
    return ctx


def _user(users, name) -> User:
    return db.session.get(User, users[name])


@pytest.fixture
def posyandu(users):
    opd_register.isi_bawaan(None, "63.09")
    opd_register.isi_bawaan(None, "63.11")
    return posyandu_service.create_posyandu(None, HAPALAH, {"nama": "Posyandu Melati"})


def _opd(kode="63.09", singkatan="Disdik") -> Opd:
    return db.session.scalar(select(Opd).where(Opd.wilayah_kode == kode, Opd.singkatan == singkatan))


def _raw(**extra) -> dict:
    return {"bidang": "pendidikan", "jenis": "ats", "nama_warga": "Rahmat", "nik": NIK,
            "alamat_singkat": "RT 02 Dusun I", "uraian": "Putus sekolah sejak kelas 8.", "opd_id": str(_opd().id),
            **extra}


def _catat(users, posyandu, **extra) -> Rujukan:
    return service.catat(_user(users, "desa_hapalah"), posyandu, _raw(**extra))


def _jalan(rujukan, *steps, catatan="uji") -> Rujukan:
    for aksi in steps:
        rujukan = workflow.jalankan(None, rujukan.id, aksi, catatan=catatan)
    return rujukan


# --- recording and its rules ----------------------------------------------------------------------------------

def test_a_case_is_recorded_with_its_kabupatens_office(users, posyandu):
    rujukan = _catat(users, posyandu)
    assert (rujukan.status, rujukan.desa_kode, rujukan.opd.singkatan, rujukan.rahasia) == \
        ("didata", HAPALAH, "Disdik", False)
    assert rujukan.pelapor_id == users["desa_hapalah"] and rujukan.dicatat_pada is not None
    assert rujukan.nik_tersamar == "************0001" and rujukan.jenis_label == "Anak tidak sekolah (ATS)"
    assert [(s.aksi, s.dari, s.ke) for s in rujukan.langkah] == [("catat", None, "didata")]
    entry = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "rujukan", AuditLog.action == "catat"))
    assert entry.changes["status"] == ["belum", "didata"] and entry.changes["nik"] == [None, "************0001"]
    assert entry.changes["nama_warga"] == [None, "Rahmat"]


@pytest.mark.parametrize("field, value", [
    ("bidang", "olahraga"), ("jenis", "rtlh"), ("jenis", ""), ("nik", "630901550190000"),
    ("nik", "６３０９０１５５０１９００００１"), ("nik", "6309 0155 0190 0001"), ("nik", "0009015501900001"),
    ("uraian", ""), ("uraian", "x" * 2001), ("nama_warga", "1234"), ("alamat_singkat", "x" * 201),
    ("dicatat_pada", "2999-01-01"), ("opd_id", ""), ("opd_id", "abc"),
])
def test_what_a_case_refuses(users, posyandu, field, value):
    with pytest.raises(FormErrors) as e:
        _catat(users, posyandu, **{field: value})
    assert field in e.value.errors
    assert db.session.scalar(select(func.count()).select_from(Rujukan)) == 0


def test_the_office_is_from_the_posyandus_kabupaten_and_active(users, posyandu):
    with pytest.raises(FormErrors) as e:
        _catat(users, posyandu, opd_id=str(_opd("63.11").id))
    assert "kabupaten/kota Posyandu ini" in e.value.errors["opd_id"]
    disdik = _opd()
    opd_register.set_aktif(None, disdik, False, disdik.version)
    with pytest.raises(FormErrors) as e:
        _catat(users, posyandu)
    assert "tidak aktif" in e.value.errors["opd_id"]
    assert _opd("63.09", "Dinkes") in service.opd_pilihan(posyandu) and disdik not in service.opd_pilihan(posyandu)


def test_every_bidang_has_its_kinds():
    assert list(JENIS_RUJUKAN) == list(BIDANG) and all(JENIS_RUJUKAN.values())


def test_empty_personal_data_is_allowed(users, posyandu):
    rujukan = _catat(users, posyandu, nama_warga="", nik="", alamat_singkat="")
    assert (rujukan.nama_warga, rujukan.nik, rujukan.alamat_singkat) == (None, None, None)


def test_the_nik_never_reaches_the_audit_in_clear(users, posyandu):
    rujukan = _catat(users, posyandu)
    rujukan = service.ubah(_user(users, "desa_hapalah"), rujukan, _raw(nik="6309015204880001"), rujukan.version)
    assert rujukan.nik == "6309015204880001"
    dumped = json.dumps([e.changes for e in db.session.scalars(select(AuditLog))])
    assert NIK not in dumped and "6309015204880001" not in dumped and "************0001" in dumped


def test_a_case_changes_only_while_didata_and_only_by_the_desa(users, posyandu):
    rujukan = _catat(users, posyandu)
    with pytest.raises(DomainError, match="bukan wewenang"):
        service.ubah(_user(users, "kec_banualawas"), rujukan, _raw(uraian="Lain."), rujukan.version)
    with pytest.raises(DomainError, match="di luar wilayah"):
        service.ubah(_user(users, "desa_pamarangan"), rujukan, _raw(uraian="Lain."), rujukan.version)
    rujukan = service.ubah(_user(users, "desa_hapalah"), rujukan, _raw(uraian="Sudah 1 tahun."), rujukan.version)
    assert rujukan.uraian == "Sudah 1 tahun."
    with pytest.raises(Conflict):  # a form shown before that change
        service.ubah(_user(users, "desa_hapalah"), rujukan, _raw(uraian="Lagi."), rujukan.version - 1)
    rujukan = _jalan(rujukan, "verifikasi")
    with pytest.raises(DomainError, match="tidak diubah lagi"):
        service.ubah(_user(users, "desa_hapalah"), rujukan, _raw(uraian="Lagi."), rujukan.version)
    db.session.expire_all()
    assert service.get(rujukan.id).uraian == "Sudah 1 tahun."


def test_who_may_record(users, posyandu):
    for who in ("kec_banualawas", "kab_tabalong", "peny_tabalong", "desa_pamarangan"):
        with pytest.raises(DomainError):
            service.catat(_user(users, who), posyandu, _raw())
    assert service.catat(_user(users, "admin_kalsel"), posyandu, _raw()).status == "didata"


# --- confidentiality ------------------------------------------------------------------------------------------

def test_a_confidential_case_is_seen_by_the_desa_head_and_above_only(users, posyandu):
    biasa = _catat(users, posyandu)
    rahasia = _catat(users, posyandu, bidang="trantibumlinmas", jenis="gangguan",
                     opd_id=str(_opd("63.09", "Satpol PP").id))
    assert rahasia.rahasia and not biasa.rahasia

    def terlihat(who):
        return {r.id for r in db.session.scalars(baca.daftar_untuk(_user(users, who)))}

    # the desa head's account and above, in scope
    for who in ("desa_hapalah", "kec_banualawas", "kab_tabalong", "admin_kalsel"):
        assert terlihat(who) == {biasa.id, rahasia.id}, who
        assert baca.pelapor_untuk(_user(users, who), rahasia).id == users["desa_hapalah"], who
    assert terlihat("desa_pamarangan") == terlihat("kab_balangan") == terlihat("peny_tabalong") == set()
    # the roles to come below the desa head (a Posyandu's kader account) and beside it (an OPD) are not readers of
    # confidential cases nor of their reporter
    assert not {"kader", "opd"} & set(baca.PEMBACA_RAHASIA)
    peny = _user(users, "peny_tabalong")
    assert not baca.boleh_lihat(peny, rahasia) and baca.pelapor_untuk(peny, biasa) is None
    assert baca.data_pribadi_untuk(_user(users, "kec_banualawas"), biasa) and not baca.data_pribadi_untuk(peny, biasa)
    # whoever may not see it cannot move it and learns nothing of it
    rahasia = _jalan(rahasia, "verifikasi")
    assert workflow.may(_user(users, "kec_banualawas"), rahasia, "teruskan")
    with pytest.raises(DomainError, match="tidak ditemukan") as e:
        workflow.jalankan(_user(users, "kab_balangan"), rahasia.id, "teruskan", versi=rahasia.version)
    assert e.value.status == 404


def test_a_confidential_cases_story_stays_out_of_the_audit(users, posyandu):
    rahasia = _catat(users, posyandu, bidang="trantibumlinmas", jenis="kebakaran", nama_warga="Pak Rahasia",
                     uraian="Rumah terbakar di gang buntu.", opd_id=str(_opd("63.09", "Damkar").id))
    rahasia = service.ubah(_user(users, "desa_hapalah"), rahasia,
                           _raw(bidang="sosial", jenis="dtks", nama_warga="Pak Rahasia", uraian="Korban kebakaran."),
                           rahasia.version)
    assert rahasia.rahasia, "once confidential, always"
    dumped = json.dumps([e.changes for e in db.session.scalars(select(AuditLog))])
    assert "Pak Rahasia" not in dumped and "terbakar" not in dumped and "Korban" not in dumped and NIK not in dumped
    ubah = db.session.scalar(select(AuditLog).where(AuditLog.action == "ubah"))
    assert ubah.changes["uraian"] == ["(rahasia)", "(rahasia)"] and "nama_warga" not in ubah.changes
    assert service.catat(_user(users, "desa_hapalah"), posyandu, _raw(rahasia="1")).rahasia


# --- the state machine ----------------------------------------------------------------------------------------

JALAN = {"didata": [], "diverifikasi_desa": ["verifikasi"], "diteruskan": ["verifikasi", "teruskan"],
         "ditindaklanjuti": ["verifikasi", "teruskan", "tindaklanjuti"],
         "selesai": ["verifikasi", "teruskan", "tindaklanjuti", "selesai"],
         "tidak_dapat": ["verifikasi", "teruskan", "tidak_dapat"]}
ROLES = ("desa_hapalah", "desa_pamarangan", "kec_banualawas", "kec_bintangara", "kab_tabalong", "kab_balangan",
         "admin_kalsel", "admin_kaltim", "peny_tabalong")
# (state, step) → who may take it; everyone else is refused
BOLEH = {
    ("didata", "verifikasi"): {"desa_hapalah", "admin_kalsel"},
    ("diverifikasi_desa", "teruskan"): {"desa_hapalah", "kec_banualawas", "kab_tabalong", "admin_kalsel"},
    ("diteruskan", "tindaklanjuti"): {"kab_tabalong", "admin_kalsel"},
    ("diteruskan", "tidak_dapat"): {"kab_tabalong", "admin_kalsel"},
    ("ditindaklanjuti", "selesai"): {"kab_tabalong", "admin_kalsel"},
    ("ditindaklanjuti", "tidak_dapat"): {"kab_tabalong", "admin_kalsel"},
}
MATRIX = [(state, aksi, who, who in BOLEH.get((state, aksi), set()))
          for state in JALAN for aksi in workflow.ALUR_LANGKAH for who in ROLES
          if (state, aksi) in BOLEH or who in ("desa_hapalah", "kab_tabalong", "admin_kalsel")]


@pytest.mark.parametrize("state, aksi, who, allowed", MATRIX)
def test_every_step_by_role_and_state(users, posyandu, state, aksi, who, allowed):
    rujukan = _jalan(_catat(users, posyandu), *JALAN[state])
    assert rujukan.status == state
    user = _user(users, who)
    assert workflow.may(user, rujukan, aksi) == allowed
    assert (aksi in workflow.available_steps(user, rujukan)) == allowed
    before = db.session.scalar(select(func.count()).select_from(LangkahRujukan))
    if allowed:
        assert workflow.jalankan(user, rujukan.id, aksi, versi=rujukan.version, catatan="alasan uji").status == \
            workflow.LANGKAH[aksi].ke
    else:
        with pytest.raises(DomainError):
            workflow.jalankan(user, rujukan.id, aksi, versi=rujukan.version, catatan="alasan uji")
        db.session.expire_all()
        assert service.get(rujukan.id).status == state
        assert db.session.scalar(select(func.count()).select_from(LangkahRujukan)) == before


def test_the_whole_way_with_its_timeline_and_audit(users, posyandu):
    rujukan = _catat(users, posyandu)
    for who, aksi in (("desa_hapalah", "verifikasi"), ("kec_banualawas", "teruskan"),
                      ("kab_tabalong", "tindaklanjuti"), ("kab_tabalong", "selesai")):
        rujukan = workflow.jalankan(_user(users, who), rujukan.id, aksi, versi=service.get(rujukan.id).version)
    assert rujukan.status == "selesai" and rujukan.batas_waktu is not None
    assert [(s.aksi, s.peran) for s in rujukan.langkah] == [
        ("catat", "desa"), ("verifikasi", "desa"), ("teruskan", "kecamatan"), ("tindaklanjuti", "kabupaten"),
        ("selesai", "kabupaten")]
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.object_type == "rujukan", AuditLog.object_id == str(rujukan.id))) == 5


def test_tidak_dapat_needs_a_reason(users, posyandu):
    rujukan = _jalan(_catat(users, posyandu), "verifikasi", "teruskan")
    kab = _user(users, "kab_tabalong")
    for kosong in (None, "", "   "):
        with pytest.raises(DomainError, match="Tulis alasannya") as e:
            workflow.jalankan(kab, rujukan.id, "tidak_dapat", versi=rujukan.version, catatan=kosong)
        assert "catatan" in e.value.errors
    rujukan = workflow.jalankan(kab, rujukan.id, "tidak_dapat", versi=rujukan.version,
                                catatan="Anak sudah pindah ke luar kabupaten.")
    assert rujukan.status == "tidak_dapat" and rujukan.langkah[-1].catatan == "Anak sudah pindah ke luar kabupaten."


def test_unknown_step_and_missing_case(users, posyandu):
    with pytest.raises(DomainError, match="tidak dikenal"):
        workflow.jalankan(_user(users, "desa_hapalah"), _catat(users, posyandu).id, "catat")
    with pytest.raises(DomainError, match="tidak ditemukan"):
        workflow.jalankan(_user(users, "desa_hapalah"), 99999, "verifikasi")


def test_two_people_at_once_one_wins(users, posyandu):
    rujukan = _jalan(_catat(users, posyandu), "verifikasi", "teruskan")
    seen = rujukan.version
    workflow.jalankan(_user(users, "kab_tabalong"), rujukan.id, "tindaklanjuti", versi=seen)
    with pytest.raises(Conflict, match="baru saja diubah") as e:
        workflow.jalankan(_user(users, "admin_kalsel"), rujukan.id, "tidak_dapat", versi=seen, catatan="Tidak ada.")
    assert e.value.status == 409
    db.session.expire_all()
    assert service.get(rujukan.id).status == "ditindaklanjuti"
    assert [s.aksi for s in service.get(rujukan.id).langkah] == ["catat", "verifikasi", "teruskan", "tindaklanjuti"]


# --- the due date ----------------------------------------------------------------------------------------------

def _teruskan_pada(monkeypatch, users, posyandu, day: date) -> Rujukan:
    monkeypatch.setattr(workflow, "hari_ini", lambda: day)
    rujukan = _jalan(_catat(users, posyandu), "verifikasi")
    return workflow.jalankan(_user(users, "desa_hapalah"), rujukan.id, "teruskan", versi=rujukan.version)


def test_the_due_date_skips_a_weekend_and_a_holiday(monkeypatch, users, posyandu):
    # Friday 14 August 2026; 15–16 the weekend, 17 August Independence Day
    rujukan = _teruskan_pada(monkeypatch, users, posyandu, date(2026, 8, 14))
    assert (rujukan.diteruskan_pada, rujukan.batas_waktu) == (date(2026, 8, 14), date(2026, 8, 24))
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "teruskan"))
    assert entry.changes["batas_waktu"] == [None, "2026-08-24"]


def test_terlambat_by_date(monkeypatch, users, posyandu):
    rujukan = _teruskan_pada(monkeypatch, users, posyandu, date(2026, 8, 14))
    assert not workflow.terlambat(rujukan, date(2026, 8, 24))
    assert workflow.terlambat(rujukan, date(2026, 8, 25))
    rujukan = _jalan(rujukan, "tindaklanjuti")
    assert not workflow.terlambat(rujukan, date(2026, 9, 30)), "handled: no longer late"
    belum = _jalan(_catat(users, posyandu), "verifikasi")
    assert not workflow.terlambat(belum, date(2030, 1, 1)), "not forwarded: no due date"


# --- the monthly count -----------------------------------------------------------------------------------------

def test_hitung_per_rumus(monkeypatch, users, posyandu):
    for day in (date(2026, 8, 14), date(2026, 8, 31), date(2026, 9, 1)):
        _teruskan_pada(monkeypatch, users, posyandu, day)
    _jalan(_catat(users, posyandu), "verifikasi")  # not forwarded
    _catat(users, posyandu, bidang="perumahan", jenis="rtlh", opd_id=str(_opd("63.09", "Disperkim").id))
    sosial = [_catat(users, posyandu, bidang="sosial", jenis=j, opd_id=str(_opd("63.09", "Dinsos").id))
              for j in ("disabilitas", "lansia_terlantar")]
    monkeypatch.setattr(workflow, "hari_ini", lambda: date(2026, 8, 20))
    for r in sosial:
        _jalan(r, "verifikasi", "teruskan")
    pid = posyandu.id
    assert hitung.hitung(pid, "2026-08", "pendidikan:ats:diteruskan") == 2
    assert hitung.hitung(pid, "2026-09", "pendidikan:ats:diteruskan") == 1
    assert hitung.hitung(pid, "2026-08", "perumahan:rtlh:diteruskan") == 0
    assert hitung.hitung(pid, "2026-08", "sosial:rentan:diteruskan") == 2
    assert hitung.hitung(pid, "2026-08", "sosial:dtks:diteruskan") == 0
    bulan = f"{service.get(sosial[0].id).dicatat_pada:%Y-%m}"
    assert hitung.hitung(pid, bulan, "perumahan:rtlh:didata") == 1
    assert hitung.hitung(pid, bulan, "pendidikan:*:didata") == 4
    assert hitung.hitung(pid, f"{hari_ini():%Y-%m}", "pendidikan:ats:diverifikasi_desa") == 4
    assert hitung.hitung(pid + 1, "2026-08", "pendidikan:ats:diteruskan") == 0


def test_every_rumus_of_the_catalogue_is_understood_and_bad_ones_are_named():
    for b in katalog.BAWAAN:
        if b.sumber == "rujukan":
            hitung.baca_rumus(b.rumus)
    for bad in ("pendidikan:ats", "olahraga:ats:diteruskan", "pendidikan:rtlh:diteruskan", "pendidikan:ats:hilang"):
        with pytest.raises(ValueError, match="«"):
            hitung.baca_rumus(bad)
    with pytest.raises(ValueError, match="Periode"):
        hitung.hitung(1, "2026-13", "pendidikan:ats:diteruskan")
