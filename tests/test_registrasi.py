"""Registrasi nasional (issue 6): every step for every role and scope, concurrent steps, the kelengkapan gate, the
documents, the tahap and its exports, and the numbers coming back."""
import csv
import io
import threading

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from portal.domain import Conflict, DomainError
from portal.extensions import db
from portal.models import AuditLog, Posyandu
from portal.models.registrasi import DokumenUsulan, LangkahUsulan, Tahap, Usulan
from portal.models.rekap import rekap_wilayah
from portal.models.status_registrasi import STATUS_USULAN
from portal.kelola import service as posyandu_service
from portal.registrasi import berkas, dokumen, service, workflow
from tests.helpers import ACCOUNTS, csrf_token, post
from tests.test_posyandu import _complete as complete_profile

HAPALAH = "63.09.01.2001"  # Kec. Banua Lawas, Kab. Tabalong
PASAR_ARBA = "63.09.01.2002"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40


def _complete(desa, nama, kader_per_bidang=3):
    """A Posyandu whose profile is complete (SK 141/1/2025, every seat, kader in every bidang)."""
    return complete_profile(posyandu_service.create_posyandu(None, desa, {"nama": nama}).id, kader_per_bidang)


@pytest.fixture
def uploads(app, ctx, tmp_path):
    app.config["UPLOAD_FOLDER"] = ctx.config["UPLOAD_FOLDER"] = str(tmp_path)
    return tmp_path


def _draf(desa, nama) -> Usulan:
    """A complete Posyandu with a draf usulan holding both required documents."""
    u = workflow.create(None, _complete(desa, nama))
    db.session.commit()
    for jenis in ("berita_acara", "sk"):
        dokumen.unggah(None, u, jenis, io.BytesIO(PDF), f"{jenis}.pdf")
    return u


@pytest.fixture
def melati(ctx, users, uploads):
    """Posyandu Melati in Desa Hapalah, its draf ready to submit."""
    return _draf(HAPALAH, "Posyandu Melati").id


def _u(uid) -> Usulan:
    return db.session.scalar(select(Usulan).where(Usulan.id == uid).execution_options(populate_existing=True))


def _set_state(uid, status, tahap_id=None):
    """Puts an usulan straight into a state (test setup only)."""
    u = _u(uid)
    nomor = f"{HAPALAH}.9{u.version % 100:02d}" if status == "teregistrasi" else None
    db.session.execute(update(Posyandu).where(Posyandu.id == u.posyandu_id).values(nomor_registrasi=None))
    db.session.execute(update(Usulan).where(Usulan.id == uid).values(status=status, tahap_id=tahap_id,
                                                                     nomor_registrasi=nomor))
    workflow.mirror([_u(uid)])  # the Posyandu and the rekap follow, as after a real step
    db.session.commit()
    return _u(uid)


def _langkah_count(uid):
    return db.session.scalar(select(func.count()).select_from(LangkahUsulan).where(LangkahUsulan.usulan_id == uid))


# --- the state machine: every step, every role and scope ----------------------------------------------------------

STATES = ["draf", "dikembalikan", "diajukan", "diverifikasi_kecamatan", "diverifikasi_kabupaten", "diusulkan",
          "ditolak", "teregistrasi"]
AKSI = ["ajukan", "verifikasi_kecamatan", "verifikasi_an_kecamatan", "verifikasi_kabupaten", "kembalikan",
        "registrasi", "tolak", "koreksi_nomor"]
# Written out by hand from DOMAIN.md §5 and the issues, not from the code: (role, step) → the states it may start
# from. verifikasi_an_kecamatan is legal for nobody here: Kec. Banua Lawas has its own active account (kec_banualawas);
# test_verification_on_behalf_of_a_kecamatan_without_an_account covers it without one.
LEGAL = {
    ("desa", "ajukan"): {"draf", "dikembalikan"},
    ("admin", "ajukan"): {"draf", "dikembalikan"},
    ("kecamatan", "verifikasi_kecamatan"): {"diajukan"},
    ("admin", "verifikasi_kecamatan"): {"diajukan"},
    ("kabupaten", "verifikasi_kabupaten"): {"diverifikasi_kecamatan"},
    ("admin", "verifikasi_kabupaten"): {"diverifikasi_kecamatan"},
    ("kecamatan", "kembalikan"): {"diajukan", "diverifikasi_kecamatan"},
    ("kabupaten", "kembalikan"): {"diajukan", "diverifikasi_kecamatan", "diverifikasi_kabupaten"},
    ("admin", "kembalikan"): {"diajukan", "diverifikasi_kecamatan", "diverifikasi_kabupaten"},
    ("kabupaten", "registrasi"): {"diusulkan"},
    ("admin", "registrasi"): {"diusulkan"},
    ("kabupaten", "tolak"): {"diusulkan"},
    ("admin", "tolak"): {"diusulkan"},
    ("kabupaten", "koreksi_nomor"): {"teregistrasi"},
    ("admin", "koreksi_nomor"): {"teregistrasi"},
}
TARGET = {"ajukan": "diajukan", "verifikasi_kecamatan": "diverifikasi_kecamatan",
          "verifikasi_an_kecamatan": "diverifikasi_kecamatan", "verifikasi_kabupaten": "diverifikasi_kabupaten",
          "kembalikan": "dikembalikan", "registrasi": "teregistrasi", "tolak": "ditolak",
          "koreksi_nomor": "teregistrasi"}
IN_SCOPE = {"admin_nasional", "admin_kalsel", "kab_tabalong", "kec_banualawas", "desa_hapalah", "peny_tabalong"}


def _account(users, name):
    from portal.models import User
    return db.session.get(User, users[name])


def _table(users, posyandu, states, aksi_list, legal_table, skip=()):
    """Every state × account × step through the workflow's own rules, no HTTP: the legal ones are exactly the
    table's, every other one is refused with its reason (outside the region; not the role's step; not from this
    state), and may() agrees with check_step(). Returns (checked, legal seen)."""
    checked = legal_seen = 0
    for state in states:
        for name, (role, _kode) in ACCOUNTS.items():
            if name in skip:
                continue
            user = _account(users, name)
            for aksi in aksi_list:
                where = f"{state} {name} {aksi}"
                legal = name in IN_SCOPE and state in legal_table.get((role, aksi), set())
                assert workflow.may(user, posyandu, state, aksi) is legal, where
                assert workflow.LANGKAH[aksi].ke == TARGET[aksi], where
                if legal:
                    legal_seen += 1
                    workflow.check_step(user, posyandu, state, aksi)
                else:
                    with pytest.raises(DomainError) as refused:
                        workflow.check_step(user, posyandu, state, aksi)
                    reason = refused.value.message
                    if name not in IN_SCOPE:
                        assert reason == "Posyandu ini di luar wilayah kerja Anda.", where
                    elif role == "penyelenggara":
                        assert "bukan wewenang akun Penyelenggara" in reason, where
                    elif (role, aksi, state) == ("kabupaten", "verifikasi_an_kecamatan", "diajukan"):
                        assert "punya akun Tim Pembina Posyandu Kecamatan yang aktif" in reason, where
                    else:
                        assert "Langkah" in reason or "wewenang" in reason, where
                checked += 1
    return checked, legal_seen


def _expected_legal(legal_table, skip=()):
    return sum(len(states) * sum(1 for n in IN_SCOPE if ACCOUNTS[n][0] == role and n not in skip)
               for (role, _a), states in legal_table.items())


def test_every_step_for_every_role_and_scope(ctx, users, melati):
    """8 states × 10 accounts × 8 steps, judged by the workflow's table: allowed exactly where the table written
    from DOMAIN.md says, refused with the reason everywhere else."""
    posyandu = _u(melati).posyandu
    checked, legal_seen = _table(users, posyandu, STATES, AKSI, LEGAL)
    assert checked == 8 * 10 * 8 and legal_seen == _expected_legal(LEGAL)


def test_every_legal_step_moves_the_usulan_as_the_table_says(ctx, users, melati):
    """Each legal (state, account, step), taken: the usulan, its timeline, the Posyandu and the number follow."""
    taken = 0
    for state in STATES:
        for name, (role, _kode) in ACCOUNTS.items():
            for aksi in AKSI:
                if name not in IN_SCOPE or state not in LEGAL.get((role, aksi), set()):
                    continue
                where = f"{state} {name} {aksi}"
                u = _set_state(melati, state)
                before, nomor_lama = _langkah_count(melati), u.nomor_registrasi
                nomor = f"{HAPALAH}.{taken % 1000:03d}"
                workflow.take_step(_account(users, name), melati, aksi, versi=u.version,
                                   catatan="SK belum ditandatangani.", nomor=nomor)
                after = _u(melati)
                assert after.status == TARGET[aksi], where
                assert _langkah_count(melati) == before + 1, where
                step = db.session.scalars(select(LangkahUsulan).where(LangkahUsulan.usulan_id == melati)
                                          .order_by(LangkahUsulan.id.desc())).first()
                assert (step.dari, step.ke, step.peran) == (state, TARGET[aksi], role), where
                assert db.session.get(Posyandu, after.posyandu_id, populate_existing=True).status_registrasi \
                    == TARGET[aksi], where
                if aksi in ("registrasi", "koreksi_nomor"):
                    assert after.nomor_registrasi == step.nomor == nomor, where
                    assert step.nomor_lama == nomor_lama, where
                taken += 1
    assert taken == _expected_legal(LEGAL)


@pytest.mark.parametrize("name, state, aksi, expected", [
    ("kec_banualawas", "diajukan", "verifikasi_kecamatan", 303),  # legal
    ("kab_tabalong", "teregistrasi", "koreksi_nomor", 303),  # legal, with a number
    ("kec_bintangara", "diajukan", "verifikasi_kecamatan", 404),  # outside the region
    ("admin_kaltim", "diusulkan", "registrasi", 404),
    ("peny_tabalong", "diajukan", "kembalikan", 403),  # a role with no part
    ("desa_hapalah", "diajukan", "verifikasi_kecamatan", 422),  # not the role's step
    ("kab_tabalong", "diajukan", "verifikasi_kabupaten", 422),  # not from this state
    ("admin_nasional", "draf", "tolak", 422),
])
def test_the_step_page_applies_the_table(auth, ctx, melati, name, state, aksi, expected):
    """Over HTTP: the views take the step the table allows (303) and answer every other with the reason, changing
    nothing (404 outside the region, 403 for a role that has no part, 422 otherwise)."""
    u = _set_state(melati, state)
    before = (_langkah_count(melati), u.version)
    response = post(auth(name), f"/registrasi/usulan/{melati}/{aksi}", {
        "version": u.version, "catatan": "SK belum ditandatangani.", "nomor": f"{HAPALAH}.077"})
    after = _u(melati)
    assert response.status_code == expected
    if expected == 303:
        assert after.status == TARGET[aksi] and _langkah_count(melati) == before[0] + 1
    else:
        assert (_langkah_count(melati), after.version, after.status) == (*before, state)
    if expected == 422:
        assert "Langkah" in response.get_data(as_text=True) or "wewenang" in response.get_data(as_text=True)


def test_a_step_on_a_stale_version_is_a_conflict(auth, ctx, users, melati):
    """The version the form showed moved on: 409 with what happened, nothing changed (never decided by the text)."""
    stale = _u(melati).version
    workflow.take_step(_account(users, "desa_hapalah"), melati, "ajukan", versi=stale)
    before = (_langkah_count(melati), _u(melati).version)
    response = post(auth("kec_banualawas"), f"/registrasi/usulan/{melati}/verifikasi_kecamatan",
                    {"version": stale})
    assert response.status_code == 409 and "baru saja berubah" in response.get_data(as_text=True)
    assert (_langkah_count(melati), _u(melati).version, _u(melati).status) == (*before, "diajukan")
    with pytest.raises(Conflict):
        workflow.take_step(_account(users, "kec_banualawas"), melati, "verifikasi_kecamatan", versi=stale)


def test_the_refusal_says_why(ctx, users, melati):
    from portal.models import User
    kec = db.session.get(User, users["kec_banualawas"])
    desa = db.session.get(User, users["desa_hapalah"])
    with pytest.raises(DomainError, match="bukan wewenang akun Kecamatan"):
        workflow.take_step(kec, melati, "ajukan")
    with pytest.raises(DomainError, match=r"berstatus «Draf usulan».*hanya dapat diambil dari status «Diajukan"):
        workflow.take_step(kec, melati, "verifikasi_kecamatan")
    workflow.take_step(desa, melati, "ajukan")
    with pytest.raises(DomainError, match="Tulis alasannya"):
        workflow.take_step(kec, melati, "kembalikan", catatan="   \x00 ")
    with pytest.raises(DomainError, match="baru saja berubah"):
        workflow.take_step(kec, melati, "verifikasi_kecamatan", versi=1)
    assert _u(melati).status == "diajukan"


def test_one_dossier_from_draf_to_teregistrasi_with_a_return(auth, ctx, melati):
    desa, kec, kab = auth("desa_hapalah"), auth("kec_banualawas"), auth("kab_tabalong")

    def step(client, aksi, **data):
        u = _u(melati)
        return post(client, f"/registrasi/usulan/{melati}/{aksi}", {"version": u.version, **data})

    assert step(desa, "ajukan").status_code == 303
    assert step(kec, "kembalikan", catatan="Tanggal SK tidak sesuai dokumen.").status_code == 303
    page = desa.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)
    assert "Tanggal SK tidak sesuai dokumen." in page and "Dikembalikan untuk perbaikan" in page
    assert step(desa, "ajukan").status_code == 303
    assert step(kec, "verifikasi_kecamatan").status_code == 303
    assert step(kab, "verifikasi_kabupaten").status_code == 303
    assert post(kab, "/registrasi/tahap").status_code == 303
    tahap = db.session.scalar(select(Tahap))
    assert post(kab, f"/registrasi/tahap/{tahap.id}/tambah", {"usulan": str(melati),
                                                               "version": tahap.version}).status_code == 303
    tahap = db.session.get(Tahap, tahap.id, populate_existing=True)
    assert post(kab, f"/registrasi/tahap/{tahap.id}/kirim", {"version": tahap.version, "tanggal": "2025-09-30",
                                                              "nomor_surat": "400/123/DPMD"}).status_code == 303
    assert _u(melati).status == "diusulkan"
    assert step(kab, "registrasi", nomor=f"{HAPALAH}.001").status_code == 303
    u = _u(melati)
    assert (u.status, u.nomor_registrasi) == ("teregistrasi", f"{HAPALAH}.001")
    assert [s.ke for s in u.langkah] == ["draf", "diajukan", "dikembalikan", "diajukan", "diverifikasi_kecamatan",
                                         "diverifikasi_kabupaten", "diusulkan", "teregistrasi"]
    # The timeline is the same for everyone involved.
    for client in (desa, kec, kab):
        html = client.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)
        assert html.count("<li><strong>") >= 8 and "Tanggal SK tidak sesuai dokumen." in html
    # Public: the profile and the directory show it; the rekap counts it.
    public = ctx.test_client()
    assert f"{HAPALAH}.001" in public.get(f"/posyandu/{u.posyandu_id}").get_data(as_text=True)
    assert "Posyandu Melati" in public.get("/posyandu?status=teregistrasi").get_data(as_text=True)
    row = db.session.execute(select(rekap_wilayah.c.status_teregistrasi).where(rekap_wilayah.c.kode == HAPALAH)).scalar()
    assert row == 1
    # Every step is audited on the Posyandu's history.
    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.posyandu_id == u.posyandu_id)))
    assert {"ajukan", "kembalikan", "verifikasi_kecamatan", "verifikasi_kabupaten", "usulkan", "registrasi"} <= actions


def _tanpa_akun_kecamatan(users):
    """Kec. Banua Lawas without an active account of its own (its only one deactivated)."""
    from portal.models import User
    db.session.execute(update(User).where(User.id == users["kec_banualawas"]).values(active=False))
    db.session.commit()


@pytest.mark.parametrize("state, a, b", [
    ("diajukan", ("kec_banualawas", "verifikasi_kecamatan"), ("admin_kalsel", "verifikasi_kecamatan")),
    ("diajukan", ("kec_banualawas", "verifikasi_kecamatan"), ("admin_kalsel", "kembalikan")),
    ("diajukan", ("kab_tabalong", "verifikasi_an_kecamatan"), ("admin_kalsel", "kembalikan")),
    ("diusulkan", ("kab_tabalong", "tolak"), ("admin_kalsel", "registrasi")),
    ("teregistrasi", ("kab_tabalong", "koreksi_nomor"), ("admin_kalsel", "koreksi_nomor")),
], ids=["verifikasi", "verifikasi-kembalikan", "atas-nama-kembalikan", "tolak-registrasi", "koreksi-koreksi"])
def test_concurrent_steps_exactly_one_wins(app, auth, ctx, users, melati, state, a, b):
    if a[1] == "verifikasi_an_kecamatan":
        _tanpa_akun_kecamatan(users)
    _set_state(melati, state)
    version = _u(melati).version
    clients = [auth(name) for name in (a[0], b[0]) * 3]
    aksi = [a[1], b[1]] * 3
    tokens = [csrf_token(c) for c in clients]
    barrier = threading.Barrier(len(clients))
    codes = []

    def act(i, client, token, step):
        barrier.wait()
        r = client.post(f"/registrasi/usulan/{melati}/{step}", data={
            "csrf_token": token, "version": version, "catatan": "Berkas kurang jelas.", "nomor": f"{HAPALAH}.{100 + i}"})
        codes.append(r.status_code)

    threads = [threading.Thread(target=act, args=(i, *args)) for i, args in enumerate(zip(clients, tokens, aksi))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [303] + [409] * 5
    assert _langkah_count(melati) == 2  # buat, and the winner's step
    assert _u(melati).status in (workflow.LANGKAH[a[1]].ke, workflow.LANGKAH[b[1]].ke)


# --- the dossier: kelengkapan gate and documents ------------------------------------------------------------------

def test_kelengkapan_gate_says_exactly_what_is_missing(auth, ctx, users, uploads):
    p = posyandu_service.create_posyandu(None, HAPALAH, {"nama": "Posyandu Kenanga"})
    posyandu_service.add_kader(None, p, {"nama": "Siti", "jenis_kelamin": "P", "bidang": "kesehatan"})
    desa = auth("desa_hapalah")
    assert post(desa, f"/registrasi/posyandu/{p.id}").status_code == 303
    uid = db.session.scalar(select(Usulan.id).where(Usulan.posyandu_id == p.id))
    page = desa.get(f"/registrasi/usulan/{uid}").get_data(as_text=True)
    assert "Belum dapat diajukan" in page and "Ajukan ke kecamatan</button>" not in page
    refused = post(desa, f"/registrasi/usulan/{uid}/ajukan", {"version": _u(uid).version})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    for missing in ("SK pembentukan (nomor dan tanggal)", "Tanggal musyawarah desa", "Belum ada: Ketua",
                    "Baru 1 kader aktif", "Belum ada kader: Pendidikan", "«Berita acara musyawarah desa» belum diunggah",
                    "«SK pembentukan Posyandu» belum diunggah"):
        assert missing in text, missing
    assert _u(uid).status == "draf" and _u(uid).potret is None
    # A second draf for the same Posyandu is refused and leads to the first.
    again = post(desa, f"/registrasi/posyandu/{p.id}")
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/registrasi/usulan/{uid}")
    assert db.session.scalar(select(func.count()).select_from(Usulan)) == 1


def test_submitting_takes_a_picture_that_verifiers_compare(auth, ctx, melati):
    desa = auth("desa_hapalah")
    assert post(desa, f"/registrasi/usulan/{melati}/ajukan", {"version": _u(melati).version}).status_code == 303
    u = _u(melati)
    assert len(u.potret["kader"]) == 18 and len(u.potret["pengurus"]) == 9 and "nik" not in str(u.potret)
    p = db.session.get(Posyandu, u.posyandu_id)
    posyandu_service.add_kader(None, p, {"nama": "Aulia Rahmah", "jenis_kelamin": "P", "bidang": "sosial"})
    kec = auth("kec_banualawas")
    page = kec.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)
    assert "Berubah sejak diajukan" in page and "Kader baru: Aulia Rahmah (Sosial)" in page
    printed = kec.get(f"/registrasi/usulan/{melati}/daftar").get_data(as_text=True)
    assert "Kader pendidikan A" in printed and "Aulia Rahmah" not in printed  # the list as submitted


@pytest.mark.parametrize("name, data, ok", [
    ("ba.pdf", PDF, True), ("foto.jpg", JPEG, True), ("scan.png", PNG, True),
    ("sk.pdf", b"<html><script>alert(1)</script></html>", False),  # HTML named .pdf
    ("sk.jpg", b"MZ\x90\x00" + b"\x00" * 60, False),  # a Windows program named .jpg
    ("kosong.pdf", b"", False),
])
def test_upload_type_is_read_from_the_content(auth, ctx, melati, uploads, name, data, ok):
    _set_state(melati, "dikembalikan")
    desa = auth("desa_hapalah")
    before = db.session.scalar(select(func.count()).select_from(DokumenUsulan))
    r = post(desa, f"/registrasi/usulan/{melati}/dokumen", {"jenis": "sk", "berkas": (io.BytesIO(data), name)},
             content_type="multipart/form-data")
    after = db.session.scalar(select(func.count()).select_from(DokumenUsulan))
    if ok:
        assert r.status_code == 303 and after == before + 1
        dok = db.session.scalars(select(DokumenUsulan).order_by(DokumenUsulan.id.desc())).first()
        assert dok.nama_berkas == name and dok.berkas != name and (uploads / "dokumen" / dok.berkas).read_bytes() == data
        served = desa.get(f"/registrasi/dokumen/{dok.id}")
        assert served.status_code == 200 and served.data == data and served.mimetype == dok.tipe
        csp = served.headers["Content-Security-Policy"]
        assert served.headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in csp and "default-src 'none'" in csp
        inline = not served.headers.get("Content-Disposition", "").startswith("attachment")
        assert inline == dok.tipe.startswith("image/")  # a PDF is downloaded, never rendered as a page of the site
        # The one it replaced is kept, inactive.
        assert db.session.scalar(select(func.count()).select_from(DokumenUsulan).where(
            DokumenUsulan.jenis == "sk", DokumenUsulan.aktif.is_(False))) == 1
    else:
        assert r.status_code == 422 and after == before
        assert "bukan PDF, JPG atau PNG" in r.get_data(as_text=True) or "kosong" in r.get_data(as_text=True)


def test_upload_over_the_limit_is_refused(auth, ctx, melati, uploads):
    desa = auth("desa_hapalah")
    big = PDF + b"0" * (5 * 1024 * 1024)
    r = post(desa, f"/registrasi/usulan/{melati}/dokumen", {"jenis": "sk", "berkas": (io.BytesIO(big), "sk.pdf")},
             content_type="multipart/form-data")
    assert r.status_code == 422 and "lebih dari 5 MB" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DokumenUsulan)) == 2
    assert len(list((uploads / "dokumen").iterdir())) == 2


def test_documents_only_for_those_whose_region_covers_the_posyandu(auth, ctx, melati, client):
    dok = db.session.scalars(select(DokumenUsulan)).first()
    for name in ("desa_hapalah", "kec_banualawas", "kab_tabalong", "admin_kalsel"):
        assert auth(name).get(f"/registrasi/dokumen/{dok.id}").status_code == 200, name
    for name in ("kab_balangan", "kec_bintangara", "desa_pamarangan", "admin_kaltim"):
        assert auth(name).get(f"/registrasi/dokumen/{dok.id}").status_code == 404, name
        assert auth(name).get(f"/registrasi/usulan/{melati}").status_code == 404, name
    assert auth("peny_tabalong").get(f"/registrasi/dokumen/{dok.id}").status_code == 403
    assert client.get(f"/registrasi/dokumen/{dok.id}").status_code == 302  # to the login
    assert auth("kab_tabalong").get("/registrasi/dokumen/2147483647").status_code == 404


def test_documents_are_frozen_once_submitted_and_withdrawal_keeps_them(auth, ctx, melati):
    desa = auth("desa_hapalah")
    dok = db.session.scalars(select(DokumenUsulan)).first()
    assert post(desa, f"/registrasi/dokumen/{dok.id}/tarik").status_code == 303
    db.session.expire_all()
    assert db.session.get(DokumenUsulan, dok.id).aktif is False
    assert desa.get(f"/registrasi/dokumen/{dok.id}").status_code == 200  # still there, in the history
    _set_state(melati, "diajukan")
    r = post(desa, f"/registrasi/usulan/{melati}/dokumen", {"jenis": "sk", "berkas": (io.BytesIO(PDF), "b.pdf")},
             content_type="multipart/form-data")
    assert r.status_code == 422
    kec = auth("kec_banualawas")
    _set_state(melati, "draf")
    r = post(kec, f"/registrasi/usulan/{melati}/dokumen", {"jenis": "sk", "berkas": (io.BytesIO(PDF), "b.pdf")},
             content_type="multipart/form-data")
    assert r.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(DokumenUsulan)) == 2


# --- queues and Beranda -----------------------------------------------------------------------------------------------

def test_queues_and_beranda_counts(auth, ctx, melati):
    _set_state(melati, "diajukan")
    other = _complete(PASAR_ARBA, "Posyandu Mawar")
    u2 = workflow.create(None, other)
    db.session.commit()
    _set_state(u2.id, "diverifikasi_kecamatan")
    kec = auth("kec_banualawas")
    assert "1</strong> usulan menunggu verifikasi kecamatan" in kec.get("/beranda").get_data(as_text=True)
    queue = kec.get("/registrasi").get_data(as_text=True)
    assert "Posyandu Melati" in queue and "Posyandu Mawar" not in queue
    kab = auth("kab_tabalong")
    assert "1</strong> usulan menunggu verifikasi kabupaten" in kab.get("/beranda").get_data(as_text=True)
    assert "Posyandu Mawar" in kab.get("/registrasi").get_data(as_text=True)
    assert "Posyandu Melati" not in auth("kec_bintangara").get("/registrasi?status=diajukan").get_data(as_text=True)
    assert auth("peny_tabalong").get("/registrasi").status_code == 403


# --- tahap ----------------------------------------------------------------------------------------------------------

@pytest.fixture
def verified(ctx, users, uploads):
    """Three usulan verified by the kabupaten: two in Hapalah, one in Pasar Arba; one in Balangan."""
    ids = []
    for desa, nama in ((HAPALAH, "Posyandu Melati"), (HAPALAH, "Posyandu =HYPERLINK(\"x\")"),
                       (PASAR_ARBA, "Posyandu Mawar"), ("63.11.01.2001", "Posyandu Balangan")):
        u = workflow.create(None, _complete(desa, nama, kader_per_bidang=2 + len(ids)))
        db.session.commit()
        u.potret = berkas.potret(u.posyandu)
        db.session.commit()
        _set_state(u.id, "diverifikasi_kabupaten")
        ids.append(u.id)
    return ids


def test_tahap_export_and_cover_list(auth, ctx, verified):
    kab = auth("kab_tabalong")
    assert post(kab, "/registrasi/tahap").status_code == 303
    tahap = db.session.scalar(select(Tahap))
    assert tahap.nama == "Usulan Tahap I" and tahap.kabupaten_kode == "63.09"
    page = kab.get(f"/registrasi/tahap/{tahap.id}").get_data(as_text=True)
    assert "Posyandu Mawar" in page and "Posyandu Balangan" not in page  # another kabupaten's
    # Another kabupaten's usulan cannot be slipped in.
    refused = post(kab, f"/registrasi/tahap/{tahap.id}/tambah", {"usulan": [str(i) for i in verified],
                                                                  "version": tahap.version})
    assert refused.status_code == 422 and db.session.scalar(select(func.count()).select_from(Usulan).where(
        Usulan.tahap_id.is_not(None))) == 0
    assert post(kab, f"/registrasi/tahap/{tahap.id}/tambah", {"pakai": "semua", "semua": [str(i) for i in verified[:3]],
                                                               "version": tahap.version}).status_code == 303
    cover = kab.get(f"/registrasi/tahap/{tahap.id}/cetak").get_data(as_text=True)
    assert "3 Posyandu di 2 desa/kelurahan (1 kecamatan)" in cover and "Kecamatan Banua Lawas" in cover
    book = load_workbook(io.BytesIO(kab.get(f"/registrasi/tahap/{tahap.id}.xlsx").data))
    rows = list(book["Usulan"].iter_rows(values_only=True))
    assert rows[0][:6] == ("No", "ID usulan", "Kode wilayah", "Desa/Kelurahan", "Kecamatan", "Nama Posyandu")
    assert rows[0][6:] == ("Nomor SK pembentukan", "Tanggal SK", "Jumlah pengurus", "Jumlah kader",
                           "Nomor registrasi")
    body = {r[5]: r for r in rows[1:]}
    assert set(body) == {"Posyandu Melati", "'Posyandu =HYPERLINK(\"x\")", "Posyandu Mawar"} or \
        set(body) == {"Posyandu Melati", "Posyandu =HYPERLINK(\"x\")", "Posyandu Mawar"}
    melati = body["Posyandu Melati"]
    assert melati[1] == verified[0] and melati[2] == HAPALAH and melati[3] == "Hapalah" and melati[4] == "Banua Lawas"
    assert melati[6] == "141/1/2025" and melati[8:10] == (9, 12) and melati[10] is None
    assert body["Posyandu Mawar"][9] == 24
    assert "3 Posyandu di 2 desa/kelurahan" in book["Keterangan"]["A2"].value
    # Sending: all three become diusulkan, the tahap is frozen.
    tahap = db.session.get(Tahap, tahap.id, populate_existing=True)
    assert post(kab, f"/registrasi/tahap/{tahap.id}/kirim", {"version": tahap.version, "tanggal": "2999-01-01"}
                ).status_code == 422
    assert post(kab, f"/registrasi/tahap/{tahap.id}/kirim", {"version": tahap.version}).status_code == 303
    assert {_u(i).status for i in verified[:3]} == {"diusulkan"} and _u(verified[3]).status == "diverifikasi_kabupaten"
    tahap = db.session.get(Tahap, tahap.id, populate_existing=True)
    assert post(kab, f"/registrasi/tahap/{tahap.id}/keluarkan", {"usulan": verified[0], "version": tahap.version}
                ).status_code == 422
    # Public rollup of the kabupaten.
    public = ctx.test_client().get("/wilayah/63.09?tabel=registrasi").get_data(as_text=True)
    assert "Usulan Tahap I</strong>: 3 Posyandu di 2 desa/kelurahan" in public
    # Other kabupaten and other roles: not theirs.
    assert auth("kab_balangan").get(f"/registrasi/tahap/{tahap.id}").status_code == 404
    assert auth("kec_banualawas").get(f"/registrasi/tahap/{tahap.id}").status_code == 403


# --- numbers back in ----------------------------------------------------------------------------------------------

def _csv(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_number_import_reports_every_bad_row_and_writes_nothing_until_confirmed(auth, ctx, verified):
    for uid in verified[:3]:
        _set_state(uid, "diusulkan")
    m, h, w, b = verified
    taken = _complete(PASAR_ARBA, "Posyandu Lama")
    db.session.execute(update(Posyandu).where(Posyandu.id == taken.id).values(nomor_registrasi=f"{PASAR_ARBA}.007"))
    db.session.commit()
    data = _csv([
        ["ID usulan", "Nama Posyandu", "Nomor registrasi"],
        [m, "Posyandu Melati", f"{HAPALAH}.001"],
        [h, "x", f"{PASAR_ARBA}.001"],  # another desa's code
        [w, "Posyandu Mawar", f"{PASAR_ARBA}.007"],  # used by another Posyandu
        [m, "Posyandu Melati", f"{HAPALAH}.002"],  # the same Posyandu twice
        [b, "Posyandu Balangan", "63.11.01.2001.001"],  # another kabupaten: not found
        [999999, "?", f"{HAPALAH}.003"],  # unknown
    ])
    kab = auth("kab_tabalong")
    r = post(kab, "/registrasi/nomor", {"berkas": (io.BytesIO(data), "nomor.csv")}, content_type="multipart/form-data",
             follow_redirects=True)  # to the preview at its own URL
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and "5 baris salah" in text
    for message in ("harus diawali kode desa Posyandu ini, 63.09.01.2001", "sudah dipakai Posyandu Lama",
                    "sudah ada di baris 2", "tidak ditemukan di wilayah Anda"):
        assert message in text, message
    assert "Catat" not in text  # nothing to confirm
    assert {_u(i).status for i in verified[:3]} == {"diusulkan"}
    # A number within the file twice, and a usulan not yet sent.
    _set_state(w, "diverifikasi_kabupaten")
    dup = _csv([["ID usulan", "Nomor registrasi"], [m, f"{HAPALAH}.001"], [h, f"{HAPALAH}.001"],
                [w, f"{PASAR_ARBA}.002"], [m, f"{HAPALAH}.7"]])
    text = post(kab, "/registrasi/nomor", {"berkas": (io.BytesIO(dup), "n.csv")},
                content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "sudah dipakai Posyandu lain dalam berkas yang sama" in text and "belum dikirim ke Kemendagri" in text
    assert "sudah ada di baris 2" in text
    # A clean file: previewed, nothing written, then confirmed.
    _set_state(w, "diusulkan")
    good = _csv([["Kode wilayah", "Nama Posyandu", "Nomor registrasi"], [HAPALAH, "POSYANDU MELATI", f"{HAPALAH}.001"],
                 [PASAR_ARBA, "Posyandu Mawar", ""]])
    r = post(kab, "/registrasi/nomor", {"berkas": (io.BytesIO(good), "n.csv")}, content_type="multipart/form-data",
             follow_redirects=True)
    assert r.status_code == 200 and "Catat 1 nomor registrasi" in r.get_data(as_text=True)
    assert _u(m).status == "diusulkan"
    token = r.get_data(as_text=True).split("/registrasi/nomor/")[1].split('"')[0]
    assert auth("kab_balangan").post(f"/registrasi/nomor/{token}").status_code in (400, 404)
    assert post(kab, f"/registrasi/nomor/{token}").status_code == 303
    assert (_u(m).status, _u(m).nomor_registrasi) == ("teregistrasi", f"{HAPALAH}.001")
    assert _u(w).status == "diusulkan"
    assert db.session.get(Posyandu, _u(m).posyandu_id, populate_existing=True).nomor_registrasi == f"{HAPALAH}.001"


def test_manual_number_is_checked(auth, ctx, verified):
    m = verified[0]
    _set_state(m, "diusulkan")
    kab = auth("kab_tabalong")
    for bad, message in ((f"{PASAR_ARBA}.001", "harus diawali kode desa"), (f"{HAPALAH}.12345", "tidak sesuai pola"),
                         ("", "Isi nomor registrasi")):
        r = post(kab, f"/registrasi/usulan/{m}/registrasi", {"version": _u(m).version, "nomor": bad})
        assert r.status_code == 422 and message in r.get_data(as_text=True), bad
    assert _u(m).status == "diusulkan"


def test_every_registrasi_page_of_the_demo_fits_the_first_flight(app, ctx, tmp_path):
    """Tahap I of 206 Posyandu, its cover list, the queues and one dossier per state: each within 14 KB compressed,
    for the kabupaten, the kecamatan and the desa of the demo."""
    from portal import demo
    from tests.helpers import login
    ctx.instance_path = str(tmp_path)
    demo.seed(ctx.instance_path)
    passwords = demo.demo_passwords(ctx.instance_path)
    per_state = {}
    for u in db.session.scalars(select(Usulan).order_by(Usulan.id)):
        per_state.setdefault(u.status, u.id)
    tid = db.session.scalar(select(Tahap.id))
    pages = {
        "kabupaten": ["/beranda", "/registrasi/tahap", f"/registrasi/tahap/{tid}", f"/registrasi/tahap/{tid}/cetak",
                      "/registrasi/nomor", "/wilayah/63.09?tabel=registrasi", "/wilayah/63.09?tabel=alur"]
        + [f"/registrasi?status={s}" for s in ("belum", *STATUS_USULAN)]
        + [f"/registrasi/usulan/{uid}" for uid in per_state.values()]
        + [f"/registrasi/usulan/{uid}/daftar" for uid in per_state.values()],
        "kecamatan": ["/beranda", "/registrasi"], "desa": ["/beranda", "/registrasi"],
    }
    for username, paths in pages.items():
        c = app.test_client()
        assert login(c, username, passwords[username]).status_code == 303
        for path in paths:
            response = c.get(path, headers={"Accept-Encoding": "gzip"})
            assert response.status_code == 200, path
            assert len(response.data) <= 14 * 1024, (path, len(response.data))


def test_the_posyandu_riwayat_tells_the_registration_steps(auth, ctx, melati):
    desa = auth("desa_hapalah")
    assert post(desa, f"/registrasi/usulan/{melati}/ajukan", {"version": _u(melati).version}).status_code == 303
    kec = auth("kec_banualawas")
    assert post(kec, f"/registrasi/usulan/{melati}/kembalikan", {"version": _u(melati).version,
                                                                  "catatan": "Foto SK buram."}).status_code == 303
    html = kec.get(f"/kelola/posyandu/{_u(melati).posyandu_id}/riwayat").get_data(as_text=True)
    for text in ("mengajukan usulan registrasi", "mengembalikan usulan registrasi", "Foto SK buram.",
                 "Diajukan desa", "mengunggah dokumen usulan registrasi"):
        assert text in html, text


def test_a_tahap_being_put_together_stays_off_the_public_rollup(auth, ctx, verified, client):
    kab = auth("kab_tabalong")
    assert post(kab, "/registrasi/tahap").status_code == 303
    tahap = db.session.scalar(select(Tahap))
    page = kab.get(f"/registrasi/tahap/{tahap.id}").get_data(as_text=True)
    assert "Unduh Excel" not in page  # nothing to print while empty
    public = client.get("/wilayah/63.09?tabel=registrasi").get_data(as_text=True)
    assert "Usulan Tahap I" not in public and "Belum ada tahap usulan" in public


def test_who_acts_next_is_said_to_those_without_a_step(auth, ctx, melati):
    desa = auth("desa_hapalah")
    assert post(desa, f"/registrasi/usulan/{melati}/ajukan", {"version": _u(melati).version}).status_code == 303
    page = desa.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)
    assert "Menunggu verifikasi Tim Pembina Posyandu Kecamatan." in page
    # A forged form without the version is judged on the state: the reason, not a conflict.
    r = post(desa, f"/registrasi/usulan/{melati}/verifikasi_kecamatan")
    assert r.status_code == 422 and "bukan wewenang akun Operator desa" in r.get_data(as_text=True)


# --- issue 13: a returned dossier says why, who and when, first; the ministry's refusal; corrections; atas nama -----

def _step(client, uid, aksi, **data):
    return post(client, f"/registrasi/usulan/{uid}/{aksi}", {"version": _u(uid).version, **data})


def test_a_returned_dossier_shows_its_reason_who_and_when_first(auth, ctx, melati):
    desa, kec = auth("desa_hapalah"), auth("kec_banualawas")
    assert _step(desa, melati, "ajukan").status_code == 303
    reason = "Tanggal SK tidak sesuai dokumen; scan SK buram."
    assert _step(kec, melati, "kembalikan", catatan=reason, ganti=["sk", "bukan-dokumen"]).status_code == 422
    assert _u(melati).status == "diajukan"  # an unknown document kind changes nothing
    assert _step(kec, melati, "kembalikan", catatan=reason, ganti=["sk"]).status_code == 303
    html = desa.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)
    main = html[html.index("<h1"):]
    # The reason, who returned it (name, role, region) and when come before anything else of the dossier.
    card = main[main.index('id="alasan"'):main.index("</section>")]
    for text in (reason, "Kec Banualawas", "Kecamatan (Tim Pembina)", "Kecamatan Banua Lawas", "WITA"):
        assert text in card, text
    assert main.index(reason) < main.index("Nomor registrasi") < main.index("Langkah Anda")
    # What to fix comes before the submit button: the SK to replace, so no button yet and a submit is refused.
    assert "Ganti dokumen «SK pembentukan Posyandu»" in main and "belum diganti" in main
    assert "Ajukan ke kecamatan</button>" not in main
    refused = _step(desa, melati, "ajukan")
    assert refused.status_code == 422 and "diminta diganti" in refused.get_data(as_text=True)
    # A new SK: ticked off, and the dossier may go again.
    assert post(desa, f"/registrasi/usulan/{melati}/dokumen", {"jenis": "sk", "berkas": (io.BytesIO(PDF), "sk2.pdf")},
                content_type="multipart/form-data").status_code == 303
    main = desa.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)
    assert "belum diganti" not in main and "sk2.pdf)" in main
    assert main.index("Ganti dokumen «SK pembentukan Posyandu»") < main.index("Ajukan ke kecamatan</button>")
    # The kecamatan sees the same reason on top; the timeline says which document was asked for.
    html = kec.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)
    assert html.index(reason) < html.index("Nomor registrasi") and "Dokumen diminta diganti: SK pembentukan" in html
    assert _step(desa, melati, "ajukan").status_code == 303
    assert 'id="alasan"' not in desa.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)


def test_beranda_and_queue_list_each_returned_usulan_with_its_reason(auth, ctx, melati):
    u2 = _draf(HAPALAH, "Posyandu Mawar")
    desa, kec = auth("desa_hapalah"), auth("kec_banualawas")
    reasons = {melati: "Foto berita acara terpotong.", u2.id: "Nama ketua di SK berbeda dengan data pengurus."}
    for uid, reason in reasons.items():
        assert _step(desa, uid, "ajukan").status_code == 303
        assert _step(kec, uid, "kembalikan", catatan=reason).status_code == 303
    beranda = desa.get("/beranda").get_data(as_text=True)
    for uid, reason in reasons.items():
        assert reason in beranda and f'href="/registrasi/usulan/{uid}"' in beranda
        # Near the top: before the figures and the buttons.
        assert beranda.index(reason) < beranda.index("Posyandu aktif")
    assert "Perlu diperbaiki: 2 usulan" in beranda and "Dikembalikan oleh Kec Banualawas" in beranda
    queue = desa.get("/registrasi?status=dikembalikan").get_data(as_text=True)
    assert all(reason in queue for reason in reasons.values()) and "Kecamatan Banua Lawas" in queue
    assert desa.get("/registrasi").get_data(as_text=True).count("Alasan:") == 2  # the desa's own queue first
    # Other roles' Beranda carry no such list; a long reason is shortened in lists, whole on the dossier.
    assert "Perlu diperbaiki" not in kec.get("/beranda").get_data(as_text=True)
    long = "Periksa lagi. " * 60
    assert _step(desa, melati, "ajukan").status_code == 303
    assert _step(kec, melati, "kembalikan", catatan=long).status_code == 303
    assert long.strip() not in desa.get("/beranda").get_data(as_text=True)
    assert long.strip() in desa.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)


def _numbered(ctx, uid, nomor):
    """The usulan sent in a tahap and numbered through the state machine (the kabupaten as the system)."""
    tahap = Tahap(kabupaten_kode="63.09", nomor=1, status="dikirim")
    db.session.add(tahap)
    db.session.commit()
    _set_state(uid, "diusulkan", tahap.id)
    if nomor:
        workflow.take_step(None, uid, "registrasi", nomor=nomor)
    return tahap


def test_the_ministry_refuses_and_the_desa_starts_attempt_two(auth, ctx, melati, client):
    tahap = _numbered(ctx, melati, None)
    kab, desa = auth("kab_tabalong"), auth("desa_hapalah")
    pid = _u(melati).posyandu_id
    r = _step(kab, melati, "tolak", catatan="  ")
    assert r.status_code == 422 and "Tulis alasan penolakan dari Kemendagri" in r.get_data(as_text=True)
    assert _u(melati).status == "diusulkan"
    assert _step(desa, melati, "tolak", catatan="x").status_code == 422  # not the desa's step
    reason = "SK pembentukan belum mencantumkan 6 bidang SPM (surat Ditjen Bina Pemdes 400/77)."
    assert _step(kab, melati, "tolak", catatan=reason).status_code == 303
    u = _u(melati)
    # The attempt ends; its tahap keeps it as it was sent.
    assert (u.status, u.tahap_id, u.nomor_registrasi) == ("ditolak", tahap.id, None)
    assert db.session.get(Tahap, tahap.id, populate_existing=True).status == "dikirim"
    assert [r.usulan_id for r in service.isi_tahap(tahap)] == [melati]
    assert db.session.get(Posyandu, pid, populate_existing=True).status_registrasi == "ditolak"
    row = db.session.execute(select(rekap_wilayah.c.status_ditolak, rekap_wilayah.c.status_diusulkan)
                             .where(rekap_wilayah.c.kode == HAPALAH)).one()
    assert tuple(row) == (1, 0)
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "tolak")).one()
    assert entry.changes["status"] == ["diusulkan", "ditolak"] and entry.changes["catatan"][1] == reason
    # Public: the state is a filter and an open-data value; the alur table has its column.
    assert "Posyandu Melati" in client.get("/posyandu?status=ditolak").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(client.get("/posyandu.csv?status=ditolak").get_data(as_text=True)
                                           .lstrip("\ufeff"))))
    assert [r["status_registrasi"] for r in rows] == ["ditolak"]
    assert 'title="Ditolak Kemendagri"' in client.get("/wilayah/63.09.01?tabel=alur").get_data(as_text=True)
    # The desa reads the reason first and starts the next attempt; the refused one stays as it is.
    page = desa.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)
    assert page.index(reason) < page.index("Nomor registrasi") and "Buat usulan baru</button>" in page
    beranda = desa.get("/beranda").get_data(as_text=True)
    assert reason in beranda and "Ditolak Kemendagri: 1 usulan" in beranda
    r = post(desa, f"/registrasi/posyandu/{pid}")
    assert r.status_code == 303
    second = db.session.scalar(select(Usulan).where(Usulan.posyandu_id == pid, Usulan.percobaan == 2))
    assert second.status == "draf" and r.headers["Location"].endswith(f"/registrasi/usulan/{second.id}")
    assert _u(melati).status == "ditolak"
    assert f'href="/registrasi/usulan/{second.id}"' in desa.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)
    assert post(desa, f"/registrasi/posyandu/{pid}").headers["Location"].endswith(f"/usulan/{second.id}")  # not a 3rd
    assert db.session.get(Posyandu, pid, populate_existing=True).status_registrasi == "draf"


def test_a_recorded_number_is_corrected_with_a_reason_and_the_old_one_kept(auth, ctx, melati):
    _numbered(ctx, melati, f"{HAPALAH}.001")
    other = _complete(HAPALAH, "Posyandu Mawar")
    u2 = workflow.create(None, other)
    db.session.commit()
    _set_state(u2.id, "diusulkan")
    workflow.take_step(None, u2.id, "registrasi", nomor=f"{HAPALAH}.002")
    kab = auth("kab_tabalong")
    for data, message in (({"nomor": f"{HAPALAH}.003", "catatan": ""}, "Tulis alasan koreksi nomor"),
                          ({"nomor": f"{HAPALAH}.001", "catatan": "x"}, "sudah tercatat untuk Posyandu ini"),
                          ({"nomor": f"{HAPALAH}.002", "catatan": "x"}, "sudah dipakai Posyandu Mawar"),
                          ({"nomor": f"{PASAR_ARBA}.001", "catatan": "x"}, "harus diawali kode desa")):
        r = _step(kab, melati, "koreksi_nomor", **data)
        assert r.status_code == 422 and message in r.get_data(as_text=True), message
    assert _u(melati).nomor_registrasi == f"{HAPALAH}.001" and _langkah_count(melati) == 2
    assert _step(auth("desa_hapalah"), melati, "koreksi_nomor", nomor=f"{HAPALAH}.009",
                 catatan="x").status_code == 422
    reason = "Salah ketik saat mencatat; surat ralat Kemendagri 400/88."
    assert _step(kab, melati, "koreksi_nomor", nomor=f"{HAPALAH}.003", catatan=reason).status_code == 303
    u = _u(melati)
    assert (u.status, u.nomor_registrasi) == ("teregistrasi", f"{HAPALAH}.003")
    assert db.session.get(Posyandu, u.posyandu_id, populate_existing=True).nomor_registrasi == f"{HAPALAH}.003"
    step = u.langkah[-1]
    assert (step.aksi, step.dari, step.ke, step.nomor_lama, step.nomor, step.catatan) == (
        "koreksi_nomor", "teregistrasi", "teregistrasi", f"{HAPALAH}.001", f"{HAPALAH}.003", reason)
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "koreksi_nomor")).one()
    assert entry.changes == {"catatan": [None, reason], "nomor_registrasi": [f"{HAPALAH}.001", f"{HAPALAH}.003"]}
    page = kab.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)
    timeline = page[page.index('id="linimasa"'):]
    assert f"<del>{HAPALAH}.001</del> → <strong>{HAPALAH}.003</strong>" in timeline and reason in timeline
    assert f"<strong>{HAPALAH}.001</strong>" in timeline  # the first registrasi step keeps its number
    history = kab.get(f"/kelola/posyandu/{u.posyandu_id}/riwayat").get_data(as_text=True)
    assert "mengoreksi nomor" in history and reason in history
    # The freed number is free; a number in use stays unique.
    assert _step(kab, u2.id, "koreksi_nomor", nomor=f"{HAPALAH}.001", catatan="Tertukar.").status_code == 303
    assert _step(kab, u2.id, "koreksi_nomor", nomor=f"{HAPALAH}.003", catatan="Lagi.").status_code == 422


def test_verification_on_behalf_of_a_kecamatan_without_an_account(app, auth, ctx, users, melati):
    """Kec. Banua Lawas has an active account: the kabupaten has no such step (no button, 422 with the reason). With
    that account deactivated: every state × account for the step, legal only for the kabupaten from diajukan, and
    the step says "atas nama Kecamatan Banua Lawas" on the timeline and in the audit log."""
    kab = auth("kab_tabalong")
    _set_state(melati, "diajukan")
    page = kab.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)
    assert "atas nama kecamatan</button>" not in page
    r = _step(kab, melati, "verifikasi_an_kecamatan")
    assert r.status_code == 422 and "Kecamatan Banua Lawas punya akun Tim Pembina Posyandu Kecamatan yang aktif" in \
        r.get_data(as_text=True)
    assert _u(melati).status == "diajukan"
    # Deactivated, the kecamatan's account no longer counts (kec_bintangara, another kecamatan's, stays active).
    _tanpa_akun_kecamatan(users)
    assert "Nyatakan sesuai atas nama kecamatan</button>" in kab.get(f"/registrasi/usulan/{melati}").get_data(
        as_text=True)
    legal = {("kabupaten", "verifikasi_an_kecamatan"): {"diajukan"}}
    checked, legal_seen = _table(users, _u(melati).posyandu, STATES, ["verifikasi_an_kecamatan"], legal,
                                 skip={"kec_banualawas"})
    assert checked == 8 * 9 and legal_seen == _expected_legal(legal) == 1
    for name, state, expected in (("kab_tabalong", "diverifikasi_kecamatan", 422), ("admin_kalsel", "diajukan", 422),
                                  ("kab_balangan", "diajukan", 404), ("peny_tabalong", "diajukan", 403)):
        _set_state(melati, state)
        assert _step(auth(name), melati, "verifikasi_an_kecamatan").status_code == expected, name
        assert _u(melati).status == state
    _set_state(melati, "diajukan")
    assert _step(kab, melati, "verifikasi_an_kecamatan", catatan="Diperiksa di kantor DPMD.").status_code == 303
    step = _u(melati).langkah[-1]
    assert (step.aksi, step.ke, step.peran, step.atas_nama) == ("verifikasi_an_kecamatan", "diverifikasi_kecamatan",
                                                              "kabupaten", "63.09.01")
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "verifikasi_an_kecamatan")
                               .order_by(AuditLog.id.desc())).first()
    assert entry.changes["atas_nama"] == [None, "Kecamatan Banua Lawas (63.09.01)"]
    page = kab.get(f"/registrasi/usulan/{melati}").get_data(as_text=True)
    assert "atas nama Kecamatan Banua Lawas" in page[page.index('id="linimasa"'):]
    assert "memverifikasi atas nama kecamatan" in kab.get(f"/kelola/posyandu/{_u(melati).posyandu_id}/riwayat") \
        .get_data(as_text=True)


def test_two_numbers_corrected_to_the_same_one_at_once(app, auth, ctx, melati):
    """Two usulan, two kabupaten users, the same new number at the same moment: exactly one gets it."""
    _numbered(ctx, melati, f"{HAPALAH}.001")
    u2 = workflow.create(None, _complete(HAPALAH, "Posyandu Mawar"))
    db.session.commit()
    _set_state(u2.id, "diusulkan")
    workflow.take_step(None, u2.id, "registrasi", nomor=f"{HAPALAH}.002")
    clients = [auth("kab_tabalong"), auth("admin_kalsel")]
    tokens = [csrf_token(c) for c in clients]
    versions = {uid: _u(uid).version for uid in (melati, u2.id)}
    barrier = threading.Barrier(2)
    codes = []

    def act(client, token, uid):
        barrier.wait()
        codes.append(client.post(f"/registrasi/usulan/{uid}/koreksi_nomor", data={
            "csrf_token": token, "version": versions[uid], "nomor": f"{HAPALAH}.050", "catatan": "Ralat."}).status_code)

    threads = [threading.Thread(target=act, args=args) for args in zip(clients, tokens, (melati, u2.id))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes)[0] == 303 and sorted(codes)[1] in (409, 422)
    numbers = sorted(_u(uid).nomor_registrasi for uid in (melati, u2.id))
    assert f"{HAPALAH}.050" in numbers and len(set(numbers)) == 2
