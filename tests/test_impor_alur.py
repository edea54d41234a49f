"""The import as a user meets it (issue 13, items 5 and 18): a refused upload shows its error beside the file field
(htmx and plain forms) and a refresh never posts again; every row error names the Posyandu or person and repeats the
refused value; digits other than 0-9 are refused by name; the template's example lies in the user's own region; the
valid rows may be saved alone, the others offered as a file to correct; the README's limits are the code's."""
import io
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from portal import lembar_baca as lembar
from portal.extensions import db
from portal.models.audit import AuditLog
from portal.models.posyandu import Kader, Posyandu
from portal.kelola.impor import importer
from portal.kelola import service
from tests.helpers import post
from tests.test_impor import BUDI, HAPALAH, KADER, POSYANDU, SITI, _with, csv_bytes, upload, user, xlsx

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def uploads(app, tmp_path):
    app.instance_path = str(tmp_path)
    return tmp_path / "uploads" / "impor"


@pytest.fixture
def melati(ctx, users):
    return service.create_posyandu(user(users, "desa_hapalah"), HAPALAH, {"nama": "Posyandu Melati"})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def send(client, content: bytes, filename: str, jenis="posyandu", headers=None, **fields):
    return post(client, "/kelola/impor", {"jenis": jenis, "berkas": (io.BytesIO(content), filename), **fields},
                content_type="multipart/form-data", headers=headers or {})


# --- a refused upload: the error where the user is, no re-post on refresh ---------------------------------------------

def test_a_refused_upload_comes_back_beside_the_field_and_a_refresh_does_not_post(auth):
    client = auth("kab_tabalong")
    response = send(client, b"PK\x03\x04 rusak", "data.xlsx", jenis="kader")
    assert response.status_code == 303 and response.headers["Location"] == "/kelola/impor?jenis=kader#unggah"
    page = client.get(response.headers["Location"])
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert re.search(r'<input type="file" id="berkas" name="berkas"[^>]*aria-invalid="true"', html)
    assert '<p class="error" id="berkas-err" role="alert">Berkas tidak dapat dibaca sebagai Excel' in html
    assert 'value="kader" checked' in html  # the kind the user chose stays chosen
    again = client.get(response.headers["Location"])  # a refresh is a GET: nothing posted again, the error shown once
    assert again.status_code == 200 and "berkas-err" not in again.get_data(as_text=True)


def test_with_htmx_the_form_alone_comes_back_with_its_error(auth):
    client = auth("kab_tabalong")
    response = send(client, b"kode_desa;nama\n" + b"\n" * 30_000, "data.csv", headers=HX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<form id="unggah"')
    assert "<html" not in html and 'data-hx-target="this"' in html
    assert '<p class="error" id="berkas-err" role="alert">Lembar kerja memuat lebih dari 25.000 baris' in html
    ok = send(client, csv_bytes([POSYANDU, [HAPALAH, "Posyandu Melati"]]), "p.csv", headers=HX)
    assert ok.status_code == 204 and re.fullmatch(r"/kelola/impor/[A-Za-z0-9_-]{32}", ok.headers["HX-Redirect"])


def test_the_preview_has_its_own_address_and_a_refresh_changes_nothing(app, auth):
    client = auth("kab_tabalong")
    response = send(client, csv_bytes([POSYANDU, [HAPALAH, "Posyandu Melati"]]), "p.csv")
    assert response.status_code == 303
    preview = response.headers["Location"]
    first, second = client.get(preview), client.get(preview)
    assert first.status_code == second.status_code == 200 and "Simpan impor" in second.get_data(as_text=True)
    with app.app_context():
        assert count(Posyandu) == 0


def test_a_file_refused_on_the_preview_page_returns_to_it(auth):
    client = auth("kab_tabalong")
    preview = send(client, csv_bytes([POSYANDU, ["63.09.99.9999", "Melati"]]), "p.csv").headers["Location"]
    token = preview.rsplit("/", 1)[1]
    page = client.get(preview).get_data(as_text=True)
    assert f'name="dari" value="{token}"' in page  # the form under the errors knows where it is
    response = send(client, b"bukan excel", "lagi.xlsx", dari=token)
    assert response.headers["Location"] == f"{preview}#unggah"
    again = client.get(preview)
    assert again.status_code == 422 and "berkas-err" in again.get_data(as_text=True)
    assert send(client, b"x", "lagi.xlsx", dari="../../x").headers["Location"].startswith("/kelola/impor?")


def test_the_number_import_answers_the_same_way(auth):
    client = auth("kab_tabalong")
    response = post(client, "/registrasi/nomor", {"berkas": (io.BytesIO(b"ID usulan;nama\n1;x\n"), "n.csv")},
                    content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"] == "/registrasi/nomor#unggah"
    page = client.get("/registrasi/nomor")
    assert page.status_code == 422 and re.search(r'<p class="error" id="berkas-err"[^>]*>Baris 1 harus memuat',
                                                 page.get_data(as_text=True))
    assert client.get("/registrasi/nomor").status_code == 200
    fragment = post(client, "/registrasi/nomor", {"berkas": (io.BytesIO(b"x"), "n.txt")},
                    content_type="multipart/form-data", headers=HX)
    assert fragment.status_code == 422 and fragment.get_data(as_text=True).lstrip().startswith('<form id="unggah"')
    good = "ID usulan;Nomor registrasi\n1;63.09.01.2001.001\n".encode()
    response = post(client, "/registrasi/nomor", {"berkas": (io.BytesIO(good), "n.csv")},
                    content_type="multipart/form-data")
    assert response.status_code == 303 and re.fullmatch(r"/registrasi/nomor/[A-Za-z0-9_-]{32}",
                                                          response.headers["Location"])
    assert client.get(response.headers["Location"]).status_code == 200


# --- row errors name the person and repeat the value ---------------------------------------------------------------

def test_a_row_error_names_the_person_and_repeats_the_value(melati, users):
    rows = [KADER, SITI, _with(BUDI, nik="12345"), _with(BUDI, nama="<b>Ani</b>", nik="", telepon="9" * 300)]
    preview = importer.check(user(users, "desa_hapalah"), "kader", xlsx(rows), "xlsx")
    nik, telepon = preview.problems
    assert (nik.row, nik.nama, nik.column, nik.nilai) == (3, "Budi Santoso", "nik", "12345")
    assert nik.kalimat.startswith("Baris 3 (Budi Santoso), kolom nik «12345»: ")
    assert (telepon.nama, len(telepon.nilai), telepon.nilai[-1]) == ("<b>Ani</b>", 40, "…")  # cut to 40 characters


def test_the_preview_shows_name_and_value_escaped(auth, melati):
    client = auth("desa_hapalah")
    page = upload(client, "kader", xlsx([KADER, _with(BUDI, nama="<script>x</script>", bidang="olahraga")]))
    html = page.get_data(as_text=True)
    assert "<strong>Baris 2</strong> · &lt;script&gt;x&lt;/script&gt; · kolom <code>bidang</code> «olahraga»<br>" in html


# --- digits other than 0-9 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("column, value", [
    ("rt", "²"), ("rw", "①"), ("kode_desa", "٦٣٠٩٠١٢٠٠١"), ("sk_tanggal", "١٥-٠٣-٢٠٢٠"), ("kontak", "０８１２３４５６７８９"),
    ("latitude", "-٢.١٥"), ("longitude", "١١٥.٣"),
])
def test_foreign_digits_in_a_posyandu_cell_are_refused_by_name(auth, app, column, value):
    header = ["kode_desa", "nama", "latitude", "longitude", column] if column not in ("kode_desa", "latitude",
                                                                                       "longitude") else \
        ["kode_desa", "nama", "latitude", "longitude"]
    row = {"kode_desa": HAPALAH, "nama": "Posyandu Melati", "latitude": "-2.15", "longitude": "115.3", column: value}
    content = csv_bytes([header, [row[h] for h in header]])
    client = auth("kab_tabalong")
    response = upload(client, "posyandu", content, "p.csv")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"kolom <code>{column}</code> «{value}»<br>Memuat angka selain 0–9" in html
    assert html.count("<strong>Baris 2</strong>") == 1  # one problem, no second one from the rules
    assert "Simpan impor" not in html
    with app.app_context():
        assert count(Posyandu) == 0


@pytest.mark.parametrize("column, value", [("nik", "６３０９０１５２０４８８０００１"), ("tanggal_lahir", "١٢-٠٤-١٩٨٨"),
                                           ("telepon", "٠٨١٢٣٤٥٦٧٨٩")])
def test_foreign_digits_in_a_kader_cell_are_refused_by_name(melati, users, column, value):
    preview = importer.check(user(users, "desa_hapalah"), "kader", xlsx([KADER, _with(SITI, **{column: value})]),
                             "xlsx")
    assert [(p.row, p.column, p.nilai) for p in preview.problems] == [(2, column, value)]
    assert "angka selain 0–9" in preview.problems[0].message and not preview.changes


@pytest.mark.parametrize("cells", [["²", "63.09.01.2001.001"], ["٣", "63.09.01.2001.001"],
                                   ["1", "63.09.01.2001.٠٠١"]])
def test_foreign_digits_in_the_number_import_are_refused_by_name(ctx, users, cells):
    from portal.registrasi import impor_nomor
    p = impor_nomor.preview(user(users, "kab_tabalong"), csv_bytes([["ID usulan", "Nomor registrasi"], cells]), "csv")
    assert [(r.baris, r.hasil) for r in p.rows] == [(2, "salah")]
    assert "angka selain 0–9" in p.rows[0].pesan and (cells[0] in p.rows[0].pesan or cells[1] in p.rows[0].pesan)


# --- the template's example row lies in the user's region -----------------------------------------------------------

@pytest.mark.parametrize("username, kode", [("desa_pamarangan", "63.09.04.2006"), ("kab_balangan", "63.11.01.2001"),
                                            ("kec_bintangara", "63.09.12.")])
def test_the_template_example_lies_in_the_users_region(auth, username, kode):
    response = auth(username).get("/kelola/impor/templat/posyandu.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.worksheets[0]["A2"].value.startswith(kode)
    guide = {row[0]: row[3] for row in book["Petunjuk"].iter_rows(values_only=True) if row[0]}
    assert guide["kode_desa"].startswith(book.worksheets[0]["A2"].value + " (")


def test_the_kader_template_names_a_posyandu_of_the_region(ctx, auth, users):
    service.create_posyandu(None, "63.09.04.2006", {"nama": "Posyandu Anggrek"})
    book = openpyxl.load_workbook(io.BytesIO(auth("desa_pamarangan").get("/kelola/impor/templat/kader.xlsx").data))
    assert [c.value for c in book.worksheets[0][2]][:2] == ["63.09.04.2006", "Posyandu Anggrek"]


# --- saving the valid rows only ------------------------------------------------------------------------------------

def _token(location: str) -> str:
    return location.rsplit("/", 1)[1]


def test_the_valid_rows_may_be_saved_alone_and_the_others_come_back_as_a_file(app, auth, melati, uploads):
    client = auth("desa_hapalah")
    ani = _with(BUDI, nama="=HYPERLINK(\"http://x\")", bidang="olahraga")
    response = send(client, csv_bytes([KADER, SITI, ani, BUDI]), "kader.csv", jenis="kader")
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Simpan baris yang benar saja (2)" in preview and "Unduh baris yang salah (.xlsx)" in preview
    token = _token(response.headers["Location"])
    assert post(client, f"/kelola/impor/{token}").status_code == 303  # without choosing so: nothing saved
    with app.app_context():
        assert count(Kader) == 0
    response = post(client, f"/kelola/impor/{token}", {"sebagian": "1"})
    assert response.status_code == 303 and response.headers["Location"] != f"/kelola/impor/{token}"
    rest = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Baris yang benar disimpan: 2 baru, 0 diperbarui, 0 tidak berubah. 1 baris salah belum disimpan" in rest
    assert "perbaiki-kader.xlsx" in rest and "Simpan baris yang benar saja" not in rest
    with app.app_context():
        assert {k.nama for k in db.session.scalars(select(Kader))} == {"Siti Aminah", "Budi Santoso"}
        sources = {e.changes["sumber"][1] for e in db.session.scalars(select(AuditLog).where(
            AuditLog.object_type == "kader"))}
        assert sources == {"impor berkas kader.csv, baris yang benar saja (tidak disimpan: baris 3)"}
    assert client.get(f"/kelola/impor/{token}").status_code == 404  # the original is gone

    download = client.get(f"/kelola/impor/{_token(response.headers['Location'])}/perbaiki.xlsx")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "private, no-store"
    assert "perbaiki-kader.xlsx" in download.headers["Content-Disposition"]
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(download.data)).read("xl/worksheets/sheet1.xml")  # no formula
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == KADER + ["kesalahan"] and len(rows) == 2
    assert rows[1][2] == "=HYPERLINK(\"http://x\")" and sheet["C2"].data_type == "s"
    assert rows[1][-1].startswith("Baris 2 (=HYPERLINK(\"http://x\")), kolom bidang «olahraga»: Bidang tidak dikenal")

    fixed = io.BytesIO()
    sheet["E2"] = "sosial"
    sheet["C2"] = "Ani"
    sheet.parent.save(fixed)
    again = send(client, fixed.getvalue(), "perbaiki-kader.xlsx", jenis="kader")
    assert post(client, f"/kelola/impor/{_token(again.headers['Location'])}").status_code == 303
    with app.app_context():
        assert count(Kader) == 3


def test_a_file_with_no_valid_row_offers_no_partial_save(auth, melati):
    client = auth("desa_hapalah")
    page = upload(client, "kader", xlsx([KADER, _with(BUDI, bidang="x")])).get_data(as_text=True)
    assert "Simpan baris yang benar saja" not in page and "Unduh baris yang salah" in page


# --- README -----------------------------------------------------------------------------------------------------------

def test_the_readme_limits_are_the_codes():
    readme = open("README.md", encoding="utf-8").read()
    section = " ".join(readme.split("## Spreadsheet import", 1)[1].split("\n## ", 1)[0].split())
    for figure in (f"{lembar.MAKS_MB} MB", f"{lembar.MAKS_BARIS_DATA:,} data rows", f"{lembar.MAKS_BARIS:,} rows",
                   f"{lembar.MAKS_KOLOM} columns", f"{lembar.MAKS_SEL:,} cells", f"{lembar.MAKS_TEKS_BERSAMA:,} shared",
                   f"{lembar.MAKS_ISI_ANGGOTA // 2**20} MB", f"{lembar.MAKS_ISI // 2**20} MB",
                   f"{lembar.MAKS_REKAM_CSV // 1024} KB", f"{lembar.MAKS_ANGGOTA} members",
                   f"{lembar.MAKS_TEKS_SEL:,} inline", f"{lembar.MAKS_RICH:,} elements of rich",
                   f"{lembar.MAKS_STRUKTUR:,} elements of styles", f"{lembar.MAKS_ELEMEN:,} XML elements",
                   f"{lembar.MAKS_KOLOM} cells in a row", f"ratio of {lembar.MAKS_RASIO}"):
        assert figure in section, figure
    from portal import config
    assert f"`MAX_CONTENT_LENGTH` ({config.MAX_CONTENT_LENGTH // 2**20} MB" in " ".join(readme.split())
