"""The member import of a Tim Pembina (issue 15): the kader import's rules for one tim's seats. Preview first, nothing
written while a row is wrong, all or nothing on confirmation, audited; idempotent (a seat held by the same person is
"sudah ada"); scope (404 outside, 403 in scope but not one's own to keep); the file guards of every import."""
import io
import re
from urllib.parse import urlsplit

import openpyxl
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models.audit import AuditLog
from portal.models.pembina import AnggotaPembina, KursiPembina, TimPembina
from portal.models.user import User
from portal.pembina import impor, service
from tests.helpers import PASSWORD, login, post, tim_uji
from tests.test_impor import csv_bytes, xlsx
from tests.test_impor_bom import GUARDS, bomb

KOLOM = ["nama", "jabatan", "bidang", "unsur", "opd", "jabatan_dinas", "ex_officio", "telepon", "email", "mulai"]
KETUA = ["Ibu Ketua Uji", "Ketua", "", "TP PKK", "", "Ketua TP PKK Kabupaten Tabalong", "ya", "", "", ""]
SEKRETARIS = ["H. Ahmad Fauzi", "Sekretaris I", "", "", "DPMD", "Kepala DPMD", "ya", "0812-3456-7890",
              "dpmd@tabalongkab.go.id", "15-01-2025"]
KOORDINATOR = ["dr. Rina Marlina", "Koordinator bidang", "Kesehatan", "OPD", "Dinas Kesehatan", "Kepala Dinas Kesehatan",
               "tidak", "", "", ""]
ANGGOTA = ["Bapak Tokoh Uji", "Anggota", "", "Tokoh masyarakat", "", "", "", "", "", ""]
CONTOH = ["Contoh: Hj. Siti Rahmah", "Bendahara", "", "TP PKK", "", "", "", "", "", ""]
TABALONG, BANUA_LAWAS, HAPALAH = "63.09", "63.09.01", "63.09.01.2001"


@pytest.fixture
def web(app):
    return app


@pytest.fixture(autouse=True)
def uploads(app, ctx, tmp_path):
    """Uploads go to the test's folder."""
    app.config["UPLOAD_FOLDER"] = ctx.config["UPLOAD_FOLDER"] = str(tmp_path)
    return tmp_path / "pembina"


@pytest.fixture
def masuk(web, users):
    def make(username):
        client = web.test_client()
        assert login(client, username, PASSWORD).status_code == 303
        return client
    return make


@pytest.fixture
def tim(ctx, users):
    """The current Tim Pembina of Kabupaten Tabalong with its ketua (Ibu Ketua Uji) and the default OPD register."""
    t = tim_uji(TABALONG, actor=db.session.get(User, users["kab_tabalong"]))
    db.session.commit()
    return t.id


def seats(tid) -> list[tuple[str, str | None, str | None]]:
    """(jabatan, bidang, holder) of the tim's current seats, read afresh."""
    db.session.rollback()
    found = db.session.scalars(select(KursiPembina).where(KursiPembina.tim_id == tid, KursiPembina.aktif.is_(True))
                               .order_by(KursiPembina.id)).all()
    return [(k.jabatan, k.bidang, k.sekarang.nama if k.sekarang else None) for k in found]


def audits(action="buat") -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.object_type == "kursi_pembina", AuditLog.action == action))


def send(client, tid, content: bytes, filename="anggota.xlsx", headers=None):
    return post(client, f"/pembina/tim/{tid}/impor", {"berkas": (io.BytesIO(content), filename)},
                content_type="multipart/form-data", headers=headers or {})


def preview_of(client, tid, content: bytes, filename="anggota.xlsx"):
    """The upload, then its preview: (the preview's address, its page)."""
    response = send(client, tid, content, filename)
    assert response.status_code == 303, response.get_data(as_text=True)
    where = response.headers["Location"]
    assert re.fullmatch(rf"/pembina/tim/{tid}/impor/[A-Za-z0-9_-]{{32}}", where), where
    page = client.get(where)
    assert page.status_code == 200
    return where, page.get_data(as_text=True)


def stat(page: str, label: str) -> int:
    return int(re.search(rf"<dt>{label}</dt><dd>(\d+)</dd>", page).group(1))


def user(users, name) -> User:
    return db.session.get(User, users[name])


# --- preview, confirm, idempotent ------------------------------------------------------------------------------------

def test_preview_then_confirm_adds_the_seats_and_their_holders_audited(masuk, tim, uploads):
    client = masuk("kab_tabalong")
    content = xlsx([KOLOM, CONTOH, KETUA, SEKRETARIS, KOORDINATOR, ANGGOTA])
    before = audits()
    where, page = preview_of(client, tim, content)
    assert (stat(page, "Baru"), stat(page, "Sudah ada"), stat(page, "Baris bermasalah")) == (3, 1, 0)
    assert "Baris contoh templat dilewati: baris 2." in page
    assert "H. Ahmad Fauzi" in page and "Koordinator bidang Kesehatan" in page and "Dinkes" in page
    assert "Simpan 3 kursi" in page
    assert client.get(where).get_data(as_text=True) == page  # a refresh is the same preview: nothing written
    assert seats(tim) == [("ketua", None, "Ibu Ketua Uji")] and audits() == before

    response = post(client, where)
    assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == "/pembina/63.09"
    assert seats(tim) == [("ketua", None, "Ibu Ketua Uji"), ("sekretaris_1", None, "H. Ahmad Fauzi"),
                          ("koordinator", "kesehatan", "dr. Rina Marlina"), ("anggota", None, "Bapak Tokoh Uji")]
    sekretaris = db.session.scalar(select(AnggotaPembina).where(AnggotaPembina.nama == "H. Ahmad Fauzi"))
    assert (sekretaris.telepon, sekretaris.email, sekretaris.mulai.isoformat()) == \
        ("+6281234567890", "dpmd@tabalongkab.go.id", "2025-01-15")
    assert (sekretaris.kursi.unsur, sekretaris.kursi.opd.singkatan, sekretaris.kursi.ex_officio) == ("opd", "DPMD", True)
    koordinator = db.session.scalar(select(KursiPembina).where(KursiPembina.jabatan == "koordinator"))
    assert (koordinator.opd.singkatan, koordinator.ex_officio, koordinator.jabatan_dinas) == \
        ("Dinkes", False, "Kepala Dinas Kesehatan")
    assert audits() == before + 3
    entries = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "kursi_pembina",
                                                        AuditLog.action == "buat").order_by(AuditLog.id)).all()[-3:]
    assert {e.changes["sumber"][1] for e in entries} == {"impor berkas anggota.xlsx"}
    assert {e.actor_id for e in entries} == {db.session.get(User, _uid("kab_tabalong")).id}
    assert not [e for e in entries if {"telepon", "email"} & set(e.changes)]  # contacts stay out of the log
    tim_row = db.session.get(TimPembina, tim)
    assert "kesehatan" not in tim_row.bidang_kurang_list  # the derived flags follow
    assert list(uploads.iterdir()) == []  # the file is gone once saved


def _uid(username) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def test_confirming_twice_or_importing_the_same_file_again_adds_nothing(masuk, tim):
    client = masuk("kab_tabalong")
    content = csv_bytes([KOLOM, KETUA, SEKRETARIS, ANGGOTA])
    where, _ = preview_of(client, tim, content, "anggota.csv")
    assert post(client, where).status_code == 303
    assert post(client, where).status_code == 404  # a token is used once
    assert len(seats(tim)) == 3 and audits() == 3  # the ketua of tim_uji and the two rows
    again, page = preview_of(client, tim, content, "anggota.csv")
    assert (stat(page, "Baru"), stat(page, "Sudah ada")) == (0, 3)
    assert "Semua kursi di berkas ini sudah ada" in page and "Simpan" not in page
    response = post(client, again)
    assert response.status_code == 303 and response.headers["Location"] == again
    assert "tidak ada yang ditambahkan" in client.get(again).get_data(as_text=True)
    assert len(seats(tim)) == 3 and audits() == 3


def test_a_seat_already_held_shows_what_differs_and_changes_nothing(masuk, tim):
    client = masuk("kab_tabalong")
    other = list(KETUA)
    other[KOLOM.index("telepon")] = "0813-5123-4567"
    other[KOLOM.index("nama")] = "IBU  KETUA uji"  # the same person, spelled otherwise
    _, page = preview_of(client, tim, xlsx([KOLOM, other]))
    assert stat(page, "Sudah ada") == 1
    assert "Kolom jabatan_dinas, telepon berbeda dari yang tersimpan" in page and "ubah lewat kursinya" in page


# --- errors: shown by row, nothing saved while any remains -----------------------------------------------------------

def _row(base, **cells):
    row = list(base)
    for column, value in cells.items():
        row[KOLOM.index(column)] = value
    return row


@pytest.mark.parametrize("cells, column, message", [
    ({"jabatan": "Ketua Umum"}, "jabatan", "Jabatan tidak dikenal"),
    ({"jabatan": "Ketua", "unsur": "TP PKK", "opd": ""}, "jabatan", "Tim ini sudah punya Ketua (Ibu Ketua Uji)"),
    ({"jabatan": "Koordinator bidang", "bidang": ""}, "bidang", "harus memilih satu bidang SPM"),
    ({"bidang": "Olahraga", "jabatan": "Koordinator"}, "bidang", "Bidang tidak dikenal"),
    ({"opd": "Dinas Pariwisata"}, "opd", "OPD ini tidak ada dalam daftar OPD Kabupaten Tabalong. Pilihan: "),
    ({"unsur": "OPD", "opd": ""}, "opd", "Untuk unsur OPD tulis singkatan atau nama OPD"),
    ({"unsur": "TP PKK"}, "opd", "Kolom opd hanya diisi untuk unsur OPD"),
    ({"unsur": "Ormas"}, "unsur", "Unsur tidak dikenal"),
    ({"telepon": "０８１２３４５６７８９０"}, "telepon", "Memuat angka selain 0–9"),
    ({"telepon": "٠٨١٢٣٤٥٦٧٨٩٠"}, "telepon", "Memuat angka selain 0–9"),
    ({"telepon": "12"}, "telepon", "Nomor telepon tidak sah"),
    ({"email": "dpmd-at-tabalong"}, "email", "Alamat email tidak sah"),
    ({"mulai": "31-02-2025"}, "mulai", "Tanggal tidak dikenali"),
    ({"mulai": "2025-0١-15"}, "mulai", "Memuat angka selain 0–9"),
    ({"ex_officio": "mungkin"}, "ex_officio", "Tulis ya atau tidak"),
    ({"nama": ""}, "nama", "Wajib diisi"),
    ({"nama": "12345"}, "nama", "Nama harus memuat huruf"),
])
def test_a_bad_cell_is_reported_with_its_row_and_column(ctx, tim, cells, column, message):
    p = impor.periksa(db.session.get(TimPembina, tim), xlsx([KOLOM, ANGGOTA, _row(SEKRETARIS, **cells)]), "xlsx")
    assert [(m.row, m.column) for m in p.problems] == [(3, column)], [m.kalimat for m in p.problems]
    assert message in p.problems[0].message
    assert [b.nama for b in p.baru] == ["Bapak Tokoh Uji"]  # the other rows are judged all the same
    assert not p.boleh_simpan


def test_two_holders_of_one_seat_in_the_file_are_refused(ctx, users):
    t = tim_uji(TABALONG, ketua=None)
    p = impor.periksa(t, xlsx([KOLOM, KETUA, _row(KETUA, nama="Ibu Lain"), ANGGOTA, ANGGOTA,
                               _row(KOORDINATOR, nama="drg. Lain")]), "xlsx")
    assert [(m.row, m.column, m.message) for m in p.problems] == [
        (3, "jabatan", "Kursi Ketua sudah diisi di baris 2 berkas ini; satu tim hanya punya satu Ketua."),
        (5, "nama", "Orang ini sudah tercatat sebagai Anggota di baris 4 berkas ini."),
    ]
    assert [b.row for b in p.baru] == [2, 4, 6]  # another bidang's koordinator is another seat


def test_rows_with_errors_block_the_confirmation_and_are_listed_by_row(masuk, tim):
    client = masuk("kab_tabalong")
    content = xlsx([KOLOM, SEKRETARIS, _row(ANGGOTA, telepon="０８１２"), _row(KETUA, nama="Ibu Lain"), ANGGOTA])
    where, page = preview_of(client, tim, content)
    assert (stat(page, "Baru"), stat(page, "Baris bermasalah")) == (1, 3)
    assert "<strong>Baris 3</strong> · Bapak Tokoh Uji · kolom <code>telepon</code> «０８１２»" in page
    assert "<strong>Baris 4</strong> · Ibu Lain · kolom <code>jabatan</code>" in page
    assert "Orang ini sudah tercatat sebagai Anggota di baris 3" in page
    assert "Simpan" not in page and "H. Ahmad Fauzi" in page  # the good rows are listed, not offered to save
    response = post(client, where)  # a confirmation sent anyway
    assert response.status_code == 303 and response.headers["Location"] == where
    assert "tidak ada yang disimpan" in client.get(where).get_data(as_text=True)
    assert seats(tim) == [("ketua", None, "Ibu Ketua Uji")] and audits() == 1


def test_a_change_between_preview_and_confirmation_writes_nothing(ctx, tim, users):
    """The tim gained a sekretaris since the preview: the whole import rolls back, the rows before it too."""
    actor = user(users, "kab_tabalong")
    t = db.session.get(TimPembina, tim)
    p = impor.periksa(t, xlsx([KOLOM, ANGGOTA, KOORDINATOR, SEKRETARIS]), "xlsx")
    assert p.boleh_simpan and len(p.baru) == 3
    service.tambah_kursi(actor, t, {"jabatan": "sekretaris_1", "unsur": "tokoh_masyarakat", "nama": "Pak Cepat"})
    with pytest.raises(impor.ImporGagal, match=r"^Baris 4 \(H. Ahmad Fauzi\): Tim ini sudah punya Sekretaris I "
                                               r"\(Pak Cepat\).*tidak ada anggota yang disimpan"):
        impor.simpan(actor, t, p, sumber="impor berkas uji.xlsx")
    assert seats(tim) == [("ketua", None, "Ibu Ketua Uji"), ("sekretaris_1", None, "Pak Cepat")]
    assert audits() == 2


def test_formulas_are_never_run(masuk, tim):
    """A formula cell is read for its stored value only (none, written by openpyxl): its row lacks a name. A text
    that looks like a formula is kept as text."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(KOLOM)
    sheet.append(ANGGOTA)
    sheet.append(['=HYPERLINK("http://contoh.invalid","Klik")', "Anggota", "", "Tokoh masyarakat"])
    out = io.BytesIO()
    book.save(out)
    p = impor.periksa(db.session.get(TimPembina, tim), out.getvalue(), "xlsx")
    assert [(m.row, m.column, m.message) for m in p.problems] == [(3, "nama", "Wajib diisi.")]
    p = impor.periksa(db.session.get(TimPembina, tim), csv_bytes([KOLOM, _row(ANGGOTA, jabatan_dinas="=1+1")]), "csv")
    assert p.baru[0].raw["jabatan_dinas"] == "=1+1" and not p.problems


# --- access ----------------------------------------------------------------------------------------------------------

def test_outside_its_region_a_user_gets_404_on_the_tim_and_on_the_token(masuk, tim, uploads):
    owner = masuk("kab_tabalong")
    where, _ = preview_of(owner, tim, xlsx([KOLOM, ANGGOTA]))
    token = where.rsplit("/", 1)[1]
    balangan = masuk("kab_balangan")
    assert balangan.get(f"/pembina/tim/{tim}/impor").status_code == 404
    assert send(balangan, tim, xlsx([KOLOM, ANGGOTA])).status_code == 404
    assert balangan.get(where).status_code == 404
    assert post(balangan, where).status_code == 404
    assert post(balangan, f"{where}/batal").status_code == 404
    # In scope, keeping the tim too (an admin of the province), but not the uploader: the token is not theirs.
    admin = masuk("admin_kalsel")
    assert admin.get(f"/pembina/tim/{tim}/impor").status_code == 200
    assert admin.get(where).status_code == 404 and post(admin, where).status_code == 404
    assert owner.get(f"/pembina/tim/{tim + 999}/impor/{token}").status_code == 404
    assert seats(tim) == [("ketua", None, "Ibu Ketua Uji")]
    assert len(list(uploads.iterdir())) == 2  # the upload (file and its note) is still there for its owner
    assert post(owner, where).status_code == 303


def test_a_token_belongs_to_its_tim(masuk, ctx, tim, users):
    """kec_banualawas keeps its own tim; an upload for it cannot be confirmed into another tim it may keep."""
    kec = tim_uji(BANUA_LAWAS, ketua=None).id
    db.session.commit()
    admin = masuk("admin_kalsel")
    where, _ = preview_of(admin, kec, xlsx([KOLOM, ANGGOTA]))
    token = where.rsplit("/", 1)[1]
    assert admin.get(f"/pembina/tim/{tim}/impor/{token}").status_code == 404
    assert post(admin, f"/pembina/tim/{tim}/impor/{token}").status_code == 404
    assert seats(tim) == [("ketua", None, "Ibu Ketua Uji")] and seats(kec) == []


def test_a_desa_cannot_import_into_its_kecamatan_and_a_kecamatan_not_into_a_desa_with_its_own_account(masuk, ctx,
                                                                                                     users):
    kec = tim_uji(BANUA_LAWAS, ketua=None).id
    desa = tim_uji(HAPALAH, ketua=None).id
    db.session.commit()
    hapalah = masuk("desa_hapalah")
    assert hapalah.get(f"/pembina/tim/{kec}/impor").status_code == 404
    assert send(hapalah, kec, xlsx([KOLOM, ANGGOTA])).status_code == 404
    assert hapalah.get(f"/pembina/tim/{desa}/impor").status_code == 200
    banua_lawas = masuk("kec_banualawas")
    assert banua_lawas.get(f"/pembina/tim/{kec}/impor").status_code == 200
    assert banua_lawas.get(f"/pembina/tim/{desa}/impor").status_code == 403  # Hapalah keeps its own
    assert send(banua_lawas, desa, xlsx([KOLOM, ANGGOTA])).status_code == 403
    assert masuk("peny_tabalong").get(f"/pembina/tim/{kec}/impor").status_code == 403
    assert seats(kec) == seats(desa) == []


def test_an_ended_period_takes_no_import(masuk, ctx, tim, users):
    client = masuk("kab_tabalong")
    where, _ = preview_of(client, tim, xlsx([KOLOM, ANGGOTA]))
    service.buat_tim(user(users, "kab_tabalong"), TABALONG, {
        "sk_nomor": "SK-BARU", "sk_tanggal": "2025-06-01", "sk_penandatangan": "Bupati", "masa_bakti_mulai":
        "2025-06-01", "masa_bakti_selesai": "2030-06-01"})
    for response in (client.get(f"/pembina/tim/{tim}/impor"), client.get(where), post(client, where)):
        assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == "/pembina/63.09"
    assert [b for _, _, b in seats(tim)] == ["Ibu Ketua Uji"]


# --- the file: guards, refusals, the template -------------------------------------------------------------------------

_HEADER = ";".join(KOLOM).encode() + b"\n"
# The CSV bombs of bench/bom.py with this import's header (theirs is the Posyandu import's: refused for its columns).
CSV_BOMBS = {"csv_deep": _HEADER + b"\n" * 30_000, "csv_wide": _HEADER + b"1;" * (2 * 1024 * 1024 - len(_HEADER))}


@pytest.mark.parametrize("name", ["zip_bomb", "wide_numeric", "shared_strings_hidden", "declared_dimension",
                                  "nested_rows", "entities", "csv_deep", "csv_wide"])
def test_a_hostile_file_is_refused_beside_the_field_and_nothing_is_kept(masuk, tim, uploads, name):
    ext, data = ("csv", CSV_BOMBS[name]) if name in CSV_BOMBS else bomb(name)
    client = masuk("kab_tabalong")
    response = send(client, tim, data, f"bom.{ext}")
    assert response.status_code == 303 and response.headers["Location"] == f"/pembina/tim/{tim}/impor#unggah"
    page = client.get(response.headers["Location"])
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert '<p class="error" id="berkas-err" role="alert">' in html and GUARDS[name] in html
    assert client.get(response.headers["Location"]).status_code == 200  # the error is shown once
    assert not uploads.exists() or list(uploads.iterdir()) == []
    assert seats(tim) == [("ketua", None, "Ibu Ketua Uji")]


@pytest.mark.parametrize("content, filename, message", [
    (b"PK\x03\x04 rusak", "anggota.xlsx", "Berkas tidak dapat dibaca sebagai Excel"),
    (b"%PDF-1.7 bukan tabel", "anggota.pdf", "Hanya berkas Excel (.xlsx) atau CSV (.csv)"),
    (csv_bytes([["nama", "telepon"], ["Ibu A", "0812"]]), "a.csv", "Kolom wajib tidak ditemukan di baris 1: jabatan, unsur"),
    (csv_bytes([KOLOM]), "a.csv", "Tidak ada baris data"),
    (csv_bytes([KOLOM] + [_row(ANGGOTA, nama=f"Anggota {i}") for i in range(impor.MAKS_BARIS + 1)]), "a.csv",
     "satu tim paling banyak 500 baris anggota"),
    (b"x" * (4 * 1024 * 1024 + 1), "a.csv", "Berkas lebih dari 4 MB"),
])
def test_a_file_that_is_no_member_list_is_refused(masuk, tim, uploads, content, filename, message):
    client = masuk("kab_tabalong")
    response = send(client, tim, content, filename, headers={"HX-Request": "true"})
    assert response.status_code == 422  # with htmx: the form alone, in place
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<form id="unggah"') and "<html" not in html
    assert message in html
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_the_template_has_the_columns_a_marked_example_and_the_register(masuk, tim):
    client = masuk("kab_tabalong")
    response = client.get("/pembina/impor/contoh.xlsx")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Anggota", "Petunjuk"]
    sheet = book["Anggota"]
    assert [c.value for c in sheet[1]] == KOLOM
    assert sheet["A2"].value.startswith("Contoh:") and sheet["A2"].font.i
    guide = [r[0] for r in book["Petunjuk"].iter_rows(values_only=True) if r[0]]
    assert any(line.startswith("OPD Kabupaten Tabalong untuk kolom opd: Disdik (Dinas Pendidikan);") for line in guide)
    cells = [c for s in book.worksheets for r in s.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    # As downloaded: only the example, skipped; with the example filled in for real, it is a seat to add.
    _, page = preview_of(client, tim, response.data, "templat.xlsx")
    assert (stat(page, "Baru"), stat(page, "Baris bermasalah")) == (0, 0)
    assert "Baris contoh templat dilewati: baris 2." in page
    sheet["A2"].value, sheet["B2"].value = "Hj. Siti Rahmah", "Bendahara"
    out = io.BytesIO()
    book.save(out)
    where, page = preview_of(client, tim, out.getvalue())
    assert stat(page, "Baru") == 1 and post(client, where).status_code == 303
    assert seats(tim)[-1] == ("bendahara", None, "Hj. Siti Rahmah")
    # An account without a register of its own (the national admin) gets the template without an OPD list.
    book = openpyxl.load_workbook(io.BytesIO(masuk("admin_nasional").get("/pembina/impor/contoh.xlsx").data))
    assert not [r for r in book["Petunjuk"].iter_rows(values_only=True) if r[0] and r[0].startswith("OPD ")]


def test_the_pages_work_without_javascript_and_cancel_removes_the_file(masuk, tim, uploads):
    client = masuk("kab_tabalong")
    form = client.get(f"/pembina/tim/{tim}/impor")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and form.headers["Cache-Control"] == "private, no-store"
    assert 'enctype="multipart/form-data"' in html and '<label for="berkas">' in html and " style=" not in html
    assert "/pembina/impor/contoh.xlsx" in html and "<code>ex_officio</code>" in html
    hx = send(client, tim, xlsx([KOLOM, SEKRETARIS]), headers={"HX-Request": "true"})  # htmx: the whole page moves
    assert hx.status_code == 204 and re.fullmatch(rf"/pembina/tim/{tim}/impor/[A-Za-z0-9_-]{{32}}",
                                                  hx.headers["HX-Redirect"])
    where, page = preview_of(client, tim, xlsx([KOLOM, SEKRETARIS]))
    assert "dpmd@tabalongkab.go.id" not in page and "0812" not in page  # the preview shows no contacts
    assert client.get(where).headers["Cache-Control"] == "private, no-store"
    response = post(client, f"{where}/batal")
    assert response.status_code == 303 and response.headers["Location"] == f"/pembina/tim/{tim}/impor"
    assert len(list(uploads.iterdir())) == 2  # the htmx upload's file and note: only the cancelled one went
    assert client.get(where).status_code == 404
    assert seats(tim) == [("ketua", None, "Ibu Ketua Uji")]


def test_the_same_preview_confirmed_twice_adds_each_person_once(ctx, tim, users):
    """Two confirmations of one upload at the same moment: the second, waiting for the tim's lock, finds the people
    of the first and writes nothing."""
    actor = user(users, "kab_tabalong")
    t = db.session.get(TimPembina, tim)
    p = impor.periksa(t, xlsx([KOLOM, ANGGOTA]), "xlsx")
    assert impor.simpan(actor, t, p) == 1
    with pytest.raises(impor.ImporGagal, match=r"^Baris 2 \(Bapak Tokoh Uji\): sudah tercatat sebagai Anggota"):
        impor.simpan(actor, db.session.get(TimPembina, tim), p)
    assert [s for s in seats(tim) if s[0] == "anggota"] == [("anggota", None, "Bapak Tokoh Uji")]
