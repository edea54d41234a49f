"""The OPD register's staff pages (issue 15): who reads and who keeps which register, the form's refusals, a stale
version, the tims' bidang flags following the register, the default list filled in once, the audit and CSRF."""
import io
import json

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditLog
from portal.models.pembina import OPD_BAWAAN, Opd, TimPembina
from portal.pembina import opd as register
from tests.helpers import counts, csrf_token, form_values, post, tim_uji

TABALONG, BALANGAN, KALSEL = "63.09", "63.11", "63"


@pytest.fixture
def reg(ctx, users):
    """Tabalong's, Balangan's and Kalimantan Selatan's registers from the default list: {singkatan: id} of Tabalong's."""
    for kode in (TABALONG, BALANGAN, KALSEL):
        register.isi_bawaan(None, kode)
    return {o.singkatan: o.id for o in register.daftar(TABALONG)}


def fresh(oid: int) -> Opd:
    db.session.expire_all()
    return db.session.get(Opd, oid)


def opd_entries(oid: int) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.object_type == "opd",
                                                          AuditLog.object_id == str(oid)).order_by(AuditLog.id)))


def ubah_data(o: Opd, **changes) -> dict:
    data = {"nama": o.nama, "singkatan": o.singkatan, "bidang": o.bidang_list, "version": str(o.version)}
    return {**data, **changes}


def baru_data(**changes) -> dict:
    return {"nama": "Dinas Pengendalian Penduduk dan KB", "singkatan": "DPPKB", "bidang": ["kesehatan", "sosial"],
            **changes}


# --- reading and keeping: whose register is whose ---------------------------------------------------------------

def test_a_kabupaten_keeps_its_own_register(auth, reg):
    client = auth("kab_tabalong")
    page = client.get("/pembina/opd")  # by default the user's own register
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Daftar OPD Kabupaten Tabalong" in html
    assert "<strong>Dinas Kesehatan</strong> (Dinkes)" in html and "Bidang: Kesehatan" in html
    assert "Bidang: Trantibumlinmas" in html and "<strong>Bappeda</strong>" not in html  # the name, not the short one
    assert f'/pembina/opd/{reg["Dinkes"]}/ubah' in html and "Tambah OPD" in html and "Lengkapi OPD bawaan" in html
    response = post(client, "/pembina/opd/baru?wilayah=63.09", baru_data())
    assert response.status_code == 303 and response.headers["Location"].endswith("/pembina/opd?wilayah=63.09")
    o = db.session.scalar(select(Opd).where(Opd.singkatan == "DPPKB"))
    assert o.wilayah_kode == TABALONG and o.bidang_list == ["kesehatan", "sosial"] and o.urutan == len(OPD_BAWAAN) + 1
    page = client.get("/pembina/opd").get_data(as_text=True)
    assert "ditambahkan ke daftar OPD" in page and "Bidang: Kesehatan, Sosial" in page
    dinkes = fresh(reg["Dinkes"])
    response = post(client, f"/pembina/opd/{dinkes.id}/ubah",
                    ubah_data(dinkes, nama="Dinas Kesehatan dan KB", bidang=["kesehatan"]))
    assert response.status_code == 303
    assert fresh(dinkes.id).nama == "Dinas Kesehatan dan KB" and fresh(dinkes.id).version == 2


def test_the_edit_form_shows_the_office_and_its_bidang_as_plain_checkboxes(auth, reg):
    html = auth("kab_tabalong").get(f"/pembina/opd/{reg['Dinkes']}/ubah").get_data(as_text=True)
    values = form_values(html)
    assert values["nama"] == "Dinas Kesehatan" and values["singkatan"] == "Dinkes" and values["bidang"] == "kesehatan"
    assert values["version"] == "1" and values["asal-bidang"] == "kesehatan" and values["csrf_token"]
    # Six checkboxes, each inside its label (a large target, no script), under one legend.
    assert html.count('<label class="check"><input') == 6 and 'type="checkbox"' in html
    assert "<legend>Bidang SPM yang ditangani</legend>" in html and "<script>" not in html.split("</head>")[1]


@pytest.mark.parametrize("username, kode, status", [
    ("kab_balangan", TABALONG, 404),  # a neighbour: as if it did not exist
    ("admin_kaltim", TABALONG, 404),
    ("kec_bintangara", BALANGAN, 404),
    ("peny_tabalong", TABALONG, 403),  # no register of anyone's
])
def test_a_register_out_of_sight_is_not_found(auth, reg, username, kode, status):
    assert auth(username).get(f"/pembina/opd?wilayah={kode}").status_code == status


@pytest.mark.parametrize("username", ["kab_balangan", "admin_kaltim"])
def test_out_of_scope_keepers_touch_nothing_of_tabalong(auth, reg, username):
    client = auth(username)
    oid = reg["Dinkes"]
    o = fresh(oid)
    before = counts()
    assert client.get(f"/pembina/opd/{oid}/ubah").status_code == 404
    assert post(client, f"/pembina/opd/{oid}/ubah", ubah_data(o, nama="Diganti")).status_code == 404
    assert post(client, f"/pembina/opd/{oid}/aktif", {"aktif": "0", "version": "1"}).status_code == 404
    assert post(client, "/pembina/opd/bawaan?wilayah=63.09").status_code == 404
    assert client.get("/pembina/opd/baru?wilayah=63.09").status_code == 404
    assert post(client, "/pembina/opd/baru?wilayah=63.09", baru_data()).status_code == 404
    assert counts() == before
    assert fresh(oid).nama == "Dinas Kesehatan" and fresh(oid).aktif and fresh(oid).version == 1


def test_a_kabupaten_reads_its_provinsi_register_but_does_not_keep_it(auth, reg):
    client = auth("kab_balangan")
    kalsel = register.daftar(KALSEL)[0]
    html = client.get("/pembina/opd?wilayah=63").get_data(as_text=True)
    assert "Daftar OPD Kalimantan Selatan" in html and "Tambah OPD" not in html and "/ubah" not in html
    before = counts()
    assert client.get("/pembina/opd/baru?wilayah=63").status_code == 403
    assert post(client, f"/pembina/opd/{kalsel.id}/aktif", {"aktif": "0", "version": "1"}).status_code == 403
    assert post(client, "/pembina/opd/bawaan?wilayah=63").status_code == 403
    assert counts() == before
    # Its own page links the provinsi's register.
    own = client.get("/pembina/opd").get_data(as_text=True)
    assert "Daftar OPD Kabupaten Balangan" in own and "/pembina/opd?wilayah=63" in own


@pytest.mark.parametrize("username", ["kec_bintangara", "desa_hapalah"])
def test_kecamatan_and_desa_read_their_kabupaten_register_and_change_nothing(auth, reg, username):
    client = auth(username)
    html = client.get("/pembina/opd").get_data(as_text=True)
    assert "Daftar OPD Kabupaten Tabalong" in html and "Dinas Kesehatan" in html
    assert "/ubah" not in html and "Tambah OPD" not in html and "Nonaktifkan" not in html
    # A code below the kabupaten opens the kabupaten's register (the one its tims choose from).
    assert "Daftar OPD Kabupaten Tabalong" in client.get("/pembina/opd?wilayah=63.09.12").get_data(as_text=True)
    oid = reg["Dinkes"]
    before = counts()
    assert client.get(f"/pembina/opd/{oid}/ubah").status_code == 403
    assert post(client, f"/pembina/opd/{oid}/ubah", ubah_data(fresh(oid), nama="Diganti")).status_code == 403
    assert post(client, f"/pembina/opd/{oid}/aktif", {"aktif": "0", "version": "1"}).status_code == 403
    assert post(client, "/pembina/opd/bawaan?wilayah=63.09").status_code == 403
    assert post(client, "/pembina/opd/baru?wilayah=63.09", baru_data()).status_code == 403
    assert counts() == before and fresh(oid).aktif


def test_a_provinsi_admin_keeps_the_provinsi_and_its_kabupaten_on_their_behalf(auth, reg, users):
    client = auth("admin_kalsel")
    html = client.get("/pembina/opd").get_data(as_text=True)
    assert "Daftar OPD Kalimantan Selatan" in html and "Tambah OPD" in html
    assert '<option value="63.09">Kabupaten Tabalong</option>' in html  # the kabupaten's registers, one step away
    assert post(client, "/pembina/opd/baru?wilayah=63", baru_data(singkatan="DPPKB Prov")).status_code == 303
    oid = reg["Dinsos"]
    assert post(client, f"/pembina/opd/{oid}/aktif", {"aktif": "0", "version": "1"}).status_code == 303
    assert not fresh(oid).aktif
    entry = opd_entries(oid)[-1]
    assert entry.actor_id == users["admin_kalsel"] and entry.on_behalf_of == TABALONG
    assert entry.changes == {"aktif": [True, False]}


def test_a_national_admin_picks_a_provinsi_first(auth, reg):
    client = auth("admin_nasional")
    html = client.get("/pembina/opd").get_data(as_text=True)
    assert "Pilih provinsi" in html and 'href="/pembina/opd?wilayah=63"' in html and "Kalimantan Selatan" in html
    assert client.get("/pembina/opd/baru").status_code == 404  # no register without a region
    assert post(client, "/pembina/opd/bawaan").status_code == 404
    html = client.get("/pembina/opd?wilayah=63.09").get_data(as_text=True)
    assert "Daftar OPD Kabupaten Tabalong" in html and "Tambah OPD" in html


@pytest.mark.parametrize("kode", ["64.99", "abc", "63.09.99", "99"])
def test_an_unknown_region_is_not_found(auth, reg, kode):
    assert auth("admin_nasional").get(f"/pembina/opd?wilayah={kode}").status_code == 404


def test_beranda_links_the_register_for_its_keepers(auth, reg):
    assert "Daftar OPD" in auth("kab_tabalong").get("/beranda").get_data(as_text=True)
    assert "Daftar OPD" in auth("admin_nasional").get("/beranda").get_data(as_text=True)
    assert "Daftar OPD" not in auth("kec_bintangara").get("/beranda").get_data(as_text=True)


# --- the form's refusals --------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, field, message", [
    (baru_data(nama=""), "nama", "Wajib diisi."),
    (baru_data(nama="   \t "), "nama", "Wajib diisi."),
    (baru_data(singkatan=""), "singkatan", "Wajib diisi."),
    (baru_data(singkatan="dinkes"), "singkatan", "Singkatan «dinkes» sudah dipakai Dinas Kesehatan."),
    (baru_data(singkatan=" SATPOL pp "), "singkatan", "sudah dipakai Satuan Polisi Pamong Praja"),
    (baru_data(bidang=["kesehatan", "pertahanan"]), "bidang", "Bidang tidak dikenal."),
    (baru_data(nama="D" * 201), "nama", "Maksimal 200 karakter."),
    (baru_data(singkatan="S" * 41), "singkatan", "Maksimal 40 karakter."),
])
def test_a_new_office_is_refused_beside_its_field(auth, reg, data, field, message):
    before = counts()
    response = post(auth("kab_tabalong"), "/pembina/opd/baru?wilayah=63.09", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="error" id="{field}-err">' in html and message in html.split(f'id="{field}-err">')[1][:300]
    assert "Data belum benar" in html
    assert counts() == before


def test_a_refused_form_keeps_what_was_typed(auth, reg):
    response = post(auth("kab_tabalong"), "/pembina/opd/baru?wilayah=63.09",
                    baru_data(singkatan="Disdik", bidang=["sosial", "pu"]))
    values = form_values(response.get_data(as_text=True))
    assert values["nama"] == "Dinas Pengendalian Penduduk dan KB" and values["singkatan"] == "Disdik"
    assert values["bidang"] == ["pu", "sosial"]


def test_a_change_to_another_offices_short_name_is_refused(auth, reg):
    o = fresh(reg["Dinkes"])
    response = post(auth("kab_tabalong"), f"/pembina/opd/{o.id}/ubah", ubah_data(o, singkatan="DISDIK"))
    assert response.status_code == 422 and "sudah dipakai Dinas Pendidikan" in response.get_data(as_text=True)
    assert fresh(o.id).singkatan == "Dinkes" and fresh(o.id).version == 1 and len(opd_entries(o.id)) == 1
    # Its own short name in other letters is not another's.
    response = post(auth("kab_tabalong"), f"/pembina/opd/{o.id}/ubah", ubah_data(o, singkatan="DINKES"))
    assert response.status_code == 303 and fresh(o.id).singkatan == "DINKES"


def test_hostile_text_is_kept_as_text_and_shown_escaped(auth, reg):
    client = auth("kab_tabalong")
    nama = "<script>alert(1)</script>\x00 Dinas\u202e \"Baru\" ٣"
    response = post(client, "/pembina/opd/baru?wilayah=63.09", baru_data(nama=nama, singkatan="<b>x</b>"))
    assert response.status_code == 303
    o = db.session.scalar(select(Opd).where(Opd.singkatan == "<b>x</b>"))
    assert "\x00" not in o.nama and o.nama.startswith("<script>alert(1)</script>") and o.nama.endswith("٣")
    html = client.get("/pembina/opd").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


@pytest.mark.parametrize("version", ["١", "¹", "１", "", "x"])
def test_a_version_in_other_digits_is_no_version(auth, reg, version):
    o = fresh(reg["Dinkes"])
    response = post(auth("kab_tabalong"), f"/pembina/opd/{o.id}/ubah", ubah_data(o, nama="Baru", version=version))
    assert response.status_code == 409 and "sudah diubah orang lain" in response.get_data(as_text=True)
    assert fresh(o.id).nama == "Dinas Kesehatan" and fresh(o.id).version == 1


def test_a_file_part_sent_as_a_name_is_no_name(app, auth, reg):
    client = auth("kab_tabalong")
    before = counts()
    data = {"nama": (io.BytesIO(b"<script>alert(1)</script>"), "nama.txt"), "singkatan": "DPPKB",
            "csrf_token": csrf_token(client)}
    response = client.post("/pembina/opd/baru?wilayah=63.09", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and "Wajib diisi." in response.get_data(as_text=True)
    o = fresh(reg["Dinkes"])
    data = {"nama": (io.BytesIO(b"x"), "x.txt"), "singkatan": "Dinkes", "version": "1",
            "csrf_token": csrf_token(client)}
    response = client.post(f"/pembina/opd/{o.id}/ubah", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and counts() == before and fresh(o.id).nama == "Dinas Kesehatan"
    assert not db.session.scalar(select(func.count()).select_from(Opd).where(Opd.nama.like("%FileStorage%")))


def test_a_json_body_is_refused(auth, reg):
    client = auth("kab_tabalong")
    token = csrf_token(client)
    before = counts()
    oid = reg["Dinkes"]
    for path, body in (("/pembina/opd/baru?wilayah=63.09", baru_data()),
                       (f"/pembina/opd/{oid}/ubah", {"nama": "Baru", "singkatan": "Dinkes", "version": 1}),
                       (f"/pembina/opd/{oid}/aktif", {"aktif": "0", "version": 1}),
                       ("/pembina/opd/bawaan?wilayah=63.09", {})):
        response = client.post(path, data=json.dumps(body), content_type="application/json",
                               headers={"X-CSRFToken": token})
        assert response.status_code == 415 and "bukan JSON" in response.get_data(as_text=True), path
    assert counts() == before and fresh(oid).aktif


@pytest.mark.parametrize("aktif", ["", "2", "ya", "١"])
def test_the_active_switch_takes_one_or_zero(auth, reg, aktif):
    before = counts()
    response = post(auth("kab_tabalong"), f"/pembina/opd/{reg['Dinkes']}/aktif", {"aktif": aktif, "version": "1"})
    assert response.status_code == 422 and "Pilihan aktif tidak sah" in response.get_data(as_text=True)
    assert counts() == before and fresh(reg["Dinkes"]).aktif


# --- a stale version ---------------------------------------------------------------------------------------------

def test_a_stale_edit_is_refused_and_merged(auth, reg, ctx):
    client = auth("kab_tabalong")
    oid = reg["Dinkes"]
    seen = form_values(client.get(f"/pembina/opd/{oid}/ubah").get_data(as_text=True))
    # Meanwhile somebody else renames it and adds a bidang.
    register.ubah(None, fresh(oid), {"nama": "Dinas Kesehatan PPKB", "singkatan": "Dinkes"}, ["kesehatan", "sosial"], 1)
    mine = {**seen, "singkatan": "Diskes", "bidang": ["kesehatan", "pendidikan"]}
    response = post(client, f"/pembina/opd/{oid}/ubah", mine)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "sudah diubah orang lain sejak Anda membukanya" in html
    o = fresh(oid)
    assert o.singkatan == "Dinkes" and o.bidang_list == ["kesehatan", "sosial"] and o.version == 2
    merged = form_values(html)
    # Theirs where only they changed (nama), mine where only I did (singkatan), mine flagged where both did.
    assert merged["nama"] == "Dinas Kesehatan PPKB" and merged["singkatan"] == "Diskes"
    assert merged["bidang"] == ["pendidikan", "kesehatan"] and merged["version"] == "2"
    assert "Juga diubah orang lain menjadi: Kesehatan, Sosial" in html
    assert post(client, f"/pembina/opd/{oid}/ubah", merged).status_code == 303
    o = fresh(oid)
    assert (o.nama, o.singkatan, o.bidang_list, o.version) == ("Dinas Kesehatan PPKB", "Diskes",
                                                                ["pendidikan", "kesehatan"], 3)


def test_a_stale_switch_changes_nothing(auth, reg, ctx):
    oid = reg["Dinkes"]
    register.ubah(None, fresh(oid), {"nama": "Dinas Kesehatan", "singkatan": "DINKES"}, ["kesehatan"], 1)
    response = post(auth("kab_tabalong"), f"/pembina/opd/{oid}/aktif", {"aktif": "0", "version": "1"})
    assert response.status_code == 409 and "baru saja diubah orang lain" in response.get_data(as_text=True)
    assert fresh(oid).aktif and fresh(oid).version == 2


# --- the tims follow the register ------------------------------------------------------------------------------

def test_deactivating_an_office_reopens_the_bidang_of_the_tims_that_use_it(auth, reg, ctx):
    kab, kec = tim_uji(TABALONG, lengkap=True), tim_uji("63.09.12", lengkap=True)
    balangan = tim_uji(BALANGAN, lengkap=True)
    assert kab.bidang_kurang == kec.bidang_kurang == balangan.bidang_kurang == ""
    client = auth("kab_tabalong")
    oid = reg["Dinkes"]

    def kurang(tim):
        db.session.expire_all()
        return db.session.get(TimPembina, tim.id).bidang_kurang

    assert post(client, f"/pembina/opd/{oid}/aktif", {"aktif": "0", "version": "1"}).status_code == 303
    # the kabupaten's tim needs a member from an OPD per bidang; a kecamatan's a koordinator only (TINGKAT_OPD)
    assert kurang(kab) == "kesehatan" and kurang(kec) == kurang(balangan) == ""
    html = client.get("/pembina/opd").get_data(as_text=True)
    assert "nonaktif" in html and "Dinkes aktif kembali" not in html and "Aktifkan" in html
    assert post(client, f"/pembina/opd/{oid}/aktif", {"aktif": "1", "version": "2"}).status_code == 303
    assert kurang(kab) == kurang(kec) == ""
    # Taking a bidang off the office does the same.
    o = fresh(oid)
    assert post(client, f"/pembina/opd/{oid}/ubah", ubah_data(o, bidang=["sosial"])).status_code == 303
    assert kurang(kab) == "kesehatan" and kurang(kec) == kurang(balangan) == ""


# --- the default list ----------------------------------------------------------------------------------------

def test_the_default_list_is_filled_in_once(auth, ctx, users):
    client = auth("kab_tabalong")
    assert "masih kosong" in client.get("/pembina/opd").get_data(as_text=True)
    response = post(client, "/pembina/opd/bawaan?wilayah=63.09")
    assert response.status_code == 303
    assert f"{len(OPD_BAWAAN)} OPD bawaan ditambahkan" in client.get(response.headers["Location"]).get_data(as_text=True)
    before = counts()
    again = post(client, "/pembina/opd/bawaan?wilayah=63.09", follow_redirects=True)
    assert "Semua OPD bawaan sudah ada" in again.get_data(as_text=True) and counts() == before
    # An office renamed keeps its place; one whose short name is gone comes back, at the end.
    register.ubah(None, db.session.scalar(select(Opd).where(Opd.singkatan == "Dinsos")),
                  {"nama": "Dinas Sosial PPPA", "singkatan": "Dinsos P3A"}, ["sosial"], 1)
    assert post(client, "/pembina/opd/bawaan?wilayah=63.09").status_code == 303
    db.session.expire_all()
    names = [o.singkatan for o in register.daftar(TABALONG)]
    assert len(names) == len(OPD_BAWAAN) + 1 and names[-1] == "Dinsos" and "Dinsos P3A" in names


# --- the audit and CSRF ---------------------------------------------------------------------------------------

def test_every_change_is_audited(auth, ctx, users):
    client = auth("kab_tabalong")
    actor = users["kab_tabalong"]
    post(client, "/pembina/opd/bawaan?wilayah=63.09")
    dinkes = db.session.scalar(select(Opd).where(Opd.singkatan == "Dinkes"))
    (seeded,) = opd_entries(dinkes.id)
    assert seeded.action == "buat" and seeded.actor_id == actor and seeded.on_behalf_of is None
    assert seeded.changes == {"nama": [None, "Dinas Kesehatan"], "singkatan": [None, "Dinkes"],
                              "bidang": [None, "kesehatan"], "sumber": [None, "daftar bawaan"]}
    post(client, "/pembina/opd/baru?wilayah=63.09", baru_data())
    o = db.session.scalar(select(Opd).where(Opd.singkatan == "DPPKB"))
    (made,) = opd_entries(o.id)
    assert made.action == "buat" and made.wilayah_kode == TABALONG and made.changes == {
        "nama": [None, "Dinas Pengendalian Penduduk dan KB"], "singkatan": [None, "DPPKB"],
        "bidang": [None, "kesehatan,sosial"]}
    post(client, f"/pembina/opd/{o.id}/ubah", ubah_data(o, singkatan="DP2KB", bidang=["kesehatan"]))
    changed = opd_entries(o.id)[-1]
    assert changed.action == "ubah" and changed.changes == {"singkatan": ["DPPKB", "DP2KB"],
                                                            "bidang": ["kesehatan,sosial", "kesehatan"]}
    # Saving without a change records nothing and keeps the version.
    o = fresh(o.id)
    assert post(client, f"/pembina/opd/{o.id}/ubah", ubah_data(o)).status_code == 303
    assert len(opd_entries(o.id)) == 2 and fresh(o.id).version == 2
    post(client, f"/pembina/opd/{o.id}/aktif", {"aktif": "0", "version": "2"})
    assert opd_entries(o.id)[-1].changes == {"aktif": [True, False]}
    fields = {f for e in db.session.scalars(select(AuditLog).where(AuditLog.object_type == "opd")) for f in e.changes}
    assert fields == {"nama", "singkatan", "bidang", "aktif", "sumber"}


def test_every_form_of_the_register_needs_its_csrf_token(app, auth, reg):
    client = auth("kab_tabalong")
    oid = reg["Dinkes"]
    before = counts()
    for path, data in (("/pembina/opd/baru?wilayah=63.09", baru_data()),
                       (f"/pembina/opd/{oid}/ubah", ubah_data(fresh(oid), nama="Baru")),
                       (f"/pembina/opd/{oid}/aktif", {"aktif": "0", "version": "1"}),
                       ("/pembina/opd/bawaan?wilayah=63.09", {})):
        for token in (None, "palsu"):
            sent = data if token is None else {**data, "csrf_token": token}
            response = client.post(path, data=sent)
            assert response.status_code == 400, (path, token)
            assert "Sesi formulir sudah kedaluwarsa" in response.get_data(as_text=True)
    assert counts() == before and fresh(oid).nama == "Dinas Kesehatan" and fresh(oid).aktif


def test_the_pages_hold_every_token_their_forms_need(auth, reg):
    """The list's buttons and the forms carry the session's token: what a browser sends is accepted."""
    client = auth("kab_tabalong")
    html = client.get("/pembina/opd").get_data(as_text=True)
    token = csrf_token(client)
    assert html.count(f'name="csrf_token" value="{token}"') >= len(OPD_BAWAAN) + 2  # each switch, bawaan, logout
