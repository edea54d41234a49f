"""Spreadsheet import of Posyandu and kader: validation with row and column, preview before writing, one
transaction, idempotent upsert, access."""
import csv
import gzip
import io
import json
import os
import re
import zipfile
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from portal import lembar_baca, unggahan
from portal.extensions import db
from portal.models import User
from portal.models.audit import AuditLog
from portal.models.posyandu import Kader, Posyandu
from portal.kelola.impor import importer
from portal.kelola import service
from tests.helpers import post

POSYANDU = ["kode_desa", "nama", "dusun", "rt", "rw", "kontak", "sk_tanggal"]
KADER = ["kode_desa", "posyandu", "nama", "jenis_kelamin", "bidang", "level", "tanggal_lahir", "telepon", "nik"]
HAPALAH = "63.09.01.2001"
NIK = "6309015204880001"
SITI = [HAPALAH, "Posyandu Melati", "Siti Aminah", "P", "kesehatan", "madya", "12-04-1988", "0813-5123-4567", NIK]
BUDI = ["6309012001", "posyandu  MELATI", "Budi Santoso", "L", "sosial", "", "", "", ""]


@pytest.fixture(autouse=True)
def uploads(app, tmp_path):
    """Uploads waiting for confirmation go to a temporary instance folder, not the real one."""
    app.instance_path = str(tmp_path)
    return tmp_path / "uploads" / "impor"


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, delimiter=";", encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, jenis, content: bytes, filename="data.xlsx"):
    """The upload, followed as the browser follows it: to the preview, or back to the form with the error."""
    return post(client, "/kelola/impor", {"jenis": jenis, "berkas": (io.BytesIO(content), filename)},
                content_type="multipart/form-data", follow_redirects=True)


def token_of(response) -> str:
    return re.search(r'action="/kelola/impor/([A-Za-z0-9_-]{32})"', response.get_data(as_text=True)).group(1)


def confirm(client, token):
    return post(client, f"/kelola/impor/{token}")


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audits(action=None) -> int:
    """Audit rows of Posyandu and kader (creating the test accounts is audited too)."""
    where = [AuditLog.object_type.in_(("posyandu", "kader"))]
    return count(AuditLog, *where, *([AuditLog.action == action] if action else []))


def user(users, username) -> User:
    return db.session.get(User, users[username])


@pytest.fixture
def melati(ctx, users):
    """Posyandu Melati in Desa Hapalah, made through the form's service."""
    return service.create_posyandu(user(users, "desa_hapalah"), HAPALAH, {"nama": "Posyandu Melati"})


def problems(preview) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in preview.problems]


# --- validation: every error with its row and column ----------------------------------------------------------------

def _with(row, **changes):
    row = list(row)
    for column, value in changes.items():
        row[KADER.index(column)] = value
    return row


@pytest.mark.parametrize("cells, column, message", [
    ({"nik": "12345"}, "nik", "16 digit"),
    ({"tanggal_lahir": "31-02-1990"}, "tanggal_lahir", "Tanggal tidak dikenali"),
    ({"bidang": "olahraga"}, "bidang", "Bidang tidak dikenal"),
    ({"jenis_kelamin": ""}, "jenis_kelamin", "Wajib diisi"),
    ({"telepon": "12"}, "telepon", "Nomor telepon tidak sah"),
    ({"kode_desa": "63.09.04.2006"}, "kode_desa", "Desa/kelurahan 63.09.04.2006 di luar wilayah kerja Anda."),
    ({"kode_desa": "63.09.01.2999"}, "kode_desa", "tidak ada dalam daftar wilayah"),
    ({"kode_desa": "63.09.01"}, "kode_desa", "bukan kode desa/kelurahan"),
    ({"kode_desa": "63090120011"}, "kode_desa", "Kode desa tidak sah"),
    ({"kode_desa": "Hapalah"}, "kode_desa", "Kode desa tidak sah"),
    ({"posyandu": "Posyandu Mawar"}, "posyandu", "belum terdaftar di 63.09.01.2001"),
    ({"posyandu": ""}, "posyandu", "Wajib diisi"),
    ({"nik": NIK}, "nik", "sudah ada di baris 2"),
    ({"nama": "SITI  aminah", "jenis_kelamin": "P"}, "nama", "sudah ada di baris 2"),
])
def test_a_bad_kader_cell_is_reported_with_row_and_column(melati, users, cells, column, message):
    preview = importer.check(user(users, "desa_hapalah"), "kader", xlsx([KADER, SITI, _with(BUDI, **cells)]), "xlsx")
    assert problems(preview) == [(3, column)], preview.problems
    assert message in preview.problems[0].message
    assert [c.row for c in preview.changes] == [2]  # the good row is planned, the bad one is not


@pytest.mark.parametrize("rows, row, column, message", [
    ([KADER, SITI, [None] * 9, [], _with(BUDI, bidang="x")], 5, "bidang", "Bidang tidak dikenal"),
    ([KADER[:4] + KADER[5:], SITI[:4] + SITI[5:]], 1, "bidang", "Kolom wajib tidak ditemukan"),
    ([[c.upper() for c in KADER[:2]], SITI[:2]], 1, "nama, jenis_kelamin, bidang", "Kolom wajib tidak ditemukan"),
    ([KADER], 2, "–", "Tidak ada baris data"),
])
def test_kader_file_errors_name_row_and_column(melati, users, rows, row, column, message):
    preview = importer.check(user(users, "desa_hapalah"), "kader", xlsx(rows), "xlsx")
    assert problems(preview) == [(row, column)], preview.problems
    assert message in preview.problems[0].message
    assert [c.row for c in preview.changes] == ([2] if row > 2 else [])


@pytest.mark.parametrize("rows, row, column, message", [
    ([POSYANDU, [HAPALAH, "Melati"], ["6309012001", "  MELATI "]], 3, "nama", "sudah ada di baris 2"),
    ([POSYANDU, [HAPALAH, "Melati", "", "tiga"]], 2, "rt", "angka 1–999"),
    ([POSYANDU, [HAPALAH, "Melati", "", "", "", "", "01-01-2999"]], 2, "sk_tanggal", "antara 1900 dan hari ini"),
    ([POSYANDU, [HAPALAH, ""]], 2, "nama", "Wajib diisi"),
    ([POSYANDU, ["", "Melati"]], 2, "kode_desa", "Wajib diisi"),
    ([["Nama Desa", "Kecamatan", "nama"], ["Hapalah", "Banua Lawas", "Melati"]], 1, "kode_desa", "Kolom wajib"),
])
def test_posyandu_errors_name_row_and_column(ctx, users, rows, row, column, message):
    preview = importer.check(user(users, "desa_hapalah"), "posyandu", xlsx(rows), "xlsx")
    assert problems(preview) == [(row, column)], preview.problems
    assert message in preview.problems[0].message


def test_error_names_the_column_as_the_file_wrote_it(ctx, users):
    rows = [["Kode Desa", "NAMA-Posyandu", "Nama"], [HAPALAH, "x", "Melati"], ["123", "", "Mawar"]]
    preview = importer.check(user(users, "desa_hapalah"), "posyandu", csv_bytes(rows), "csv")
    assert [(p.row, p.column) for p in preview.problems] == [(3, "Kode Desa")]
    assert preview.count("baru") == 1


def test_latitude_needs_longitude(ctx, users):
    rows = [["kode_desa", "nama", "latitude"], [HAPALAH, "Melati", "-2,15"]]
    preview = importer.check(user(users, "kab_tabalong"), "posyandu", csv_bytes(rows), "csv")
    assert problems(preview) == [(2, "longitude")]


def test_kader_nik_of_another_posyandu_is_refused(melati, users):
    desa = user(users, "desa_hapalah")
    mawar = service.create_posyandu(desa, HAPALAH, {"nama": "Posyandu Mawar"})
    service.add_kader(desa, mawar, {"nama": "Siti Aminah", "jenis_kelamin": "P", "bidang": "kesehatan", "nik": NIK})
    preview = importer.check(desa, "kader", xlsx([KADER, SITI]), "xlsx")
    assert problems(preview) == [(2, "nik")]
    # The forms' own message: inside the region it names the kader and where.
    assert preview.problems[0].message.startswith("NIK ini sudah terdaftar untuk kader Siti Aminah di Posyandu Mawar")
    # Another desa learns only that the NIK conflicts: not with whom, nor where.
    pamarangan = user(users, "desa_pamarangan")
    service.create_posyandu(pamarangan, "63.09.04.2006", {"nama": "Posyandu Melati"})
    preview = importer.check(pamarangan, "kader", xlsx([KADER, _with(SITI, kode_desa="6309042006")]), "xlsx")
    assert [(p.row, p.column, p.message) for p in preview.problems] == \
        [(2, "nik", "NIK ini bentrok dengan data yang sudah ada, jadi tidak dapat dipakai. Periksa kembali NIK-nya.")]


def test_a_file_that_is_not_a_spreadsheet_is_refused(ctx, users):
    with pytest.raises(importer.FileRefused, match="Excel"):
        importer.check(user(users, "kab_tabalong"), "posyandu", b"PK\x03\x04 bukan excel", "xlsx")


def test_more_than_the_row_limit_is_refused(ctx, users):
    rows = [POSYANDU] + [[HAPALAH, f"Posyandu {i}"] for i in range(lembar_baca.MAKS_BARIS_DATA + 1)]
    with pytest.raises(importer.FileRefused, match="lebih dari 5.000 baris"):
        importer.check(user(users, "kab_tabalong"), "posyandu", csv_bytes(rows, ","), "csv")


# --- the whole journey over HTTP ------------------------------------------------------------------------------------

TWO_POSYANDU = [POSYANDU, [HAPALAH, "Posyandu Melati", "Dusun I", "3", "1", "0812-3456-7890", "10-03-2025"],
                ["6309012001", "Posyandu Mawar", "Dusun II", "", "", "", ""]]


def test_nothing_is_written_before_confirmation_then_all_is_written_and_audited(app, auth, uploads):
    client = auth("kab_tabalong")
    content = xlsx(TWO_POSYANDU)
    response = upload(client, "posyandu", content)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Simpan impor" in page and "Pratinjau impor Posyandu" in page
    token = token_of(response)
    meta = json.loads((uploads / f"{token}.json").read_text())
    assert meta["jenis"] == "posyandu" and meta["filename"] == "data.xlsx" and len(meta["sha256"]) == 64
    assert (uploads / f"{token}.xlsx").read_bytes() == content
    with app.app_context():
        assert count(Posyandu) == 0 and audits() == 0

    response = confirm(client, token)
    assert response.status_code == 303 and response.headers["Location"] == "/beranda"
    assert "Impor selesai: 2 baru, 0 diperbarui, 0 tidak berubah." in client.get("/beranda").get_data(as_text=True)
    assert not list(uploads.iterdir())  # the stored file is gone
    with app.app_context():
        melati = db.session.scalar(select(Posyandu).where(Posyandu.nama == "Posyandu Melati"))
        assert (melati.desa_kode, melati.rt, melati.kontak, melati.sk_tanggal) == \
            (HAPALAH, "003", "+6281234567890", date(2025, 3, 10))
        assert audits("buat") == 2 and audits() == 2
        entry = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "posyandu",
                                                         AuditLog.object_id == str(melati.id)))
        assert entry.action == "buat" and entry.on_behalf_of == HAPALAH and entry.changes["rt"] == [None, "003"]
        assert entry.changes["sumber"] == [None, "impor berkas data.xlsx"]  # the audit says where it came from
    assert confirm(client, token).status_code == 404  # a token is used once


def test_reimporting_the_same_file_changes_nothing(app, auth):
    client = auth("kab_tabalong")
    confirm(client, token_of(upload(client, "posyandu", xlsx(TWO_POSYANDU))))
    with app.app_context():
        before = (count(Posyandu), audits(), [p.version for p in db.session.scalars(select(Posyandu))])
    response = upload(client, "posyandu", xlsx(TWO_POSYANDU))
    assert re.search(r"<dt>Tidak berubah</dt><dd>2</dd>", response.get_data(as_text=True))
    assert confirm(client, token_of(response)).status_code == 303
    assert "Impor selesai: 0 baru, 0 diperbarui, 2 tidak berubah." in client.get("/beranda").get_data(as_text=True)
    with app.app_context():
        assert (count(Posyandu), audits(), [p.version for p in db.session.scalars(select(Posyandu))]) == before


def test_blank_cells_keep_stored_values(app, auth):
    client = auth("kab_tabalong")
    confirm(client, token_of(upload(client, "posyandu", xlsx(TWO_POSYANDU))))
    changed = [["KODE DESA", "Nama", "dusun", "RT", "kontak", "Kecamatan"],
               [HAPALAH, "posyandu melati", "", "5", None, "Banua Lawas"]]
    response = upload(client, "posyandu", csv_bytes(changed), "ubah.csv")
    assert re.search(r"<dt>Diperbarui</dt><dd>1</dd>", response.get_data(as_text=True))
    assert confirm(client, token_of(response)).status_code == 303
    with app.app_context():
        melati = db.session.scalar(select(Posyandu).where(Posyandu.desa_kode == HAPALAH, Posyandu.rt == "005"))
        assert (melati.nama, melati.dusun, melati.rw, melati.kontak) == \
            ("posyandu melati", "Dusun I", "001", "+6281234567890")
        change = db.session.scalar(select(AuditLog).where(AuditLog.action == "ubah"))
        assert change.changes == {"nama": ["Posyandu Melati", "posyandu melati"], "rt": ["003", "005"],
                                  "sumber": [None, "impor berkas ubah.csv"]}
        assert audits("ubah") == 1


@pytest.mark.parametrize("filename, content", [
    ("kader.xlsx", xlsx([KADER, SITI, BUDI])),
    ("kader.csv", csv_bytes([KADER, SITI, BUDI], ";")),
    ("kader.csv", csv_bytes([KADER, SITI, BUDI], ",", "cp1252")),
    ("KADER.XLSX", xlsx([[c.replace("_", " ").title() for c in KADER], SITI, [], BUDI])),
])
def test_xlsx_and_csv_both_work(app, auth, melati, filename, content):
    client = auth("desa_hapalah")
    response = upload(client, "kader", content, filename)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert confirm(client, token_of(response)).status_code == 303
    again = upload(client, "kader", content, filename)  # the same file once more: nothing to change
    assert re.search(r"<dt>Tidak berubah</dt><dd>2</dd>", again.get_data(as_text=True))
    confirm(client, token_of(again))
    with app.app_context():
        kader = {k.nama: k for k in db.session.scalars(select(Kader))}
        assert set(kader) == {"Siti Aminah", "Budi Santoso"}
        siti = kader["Siti Aminah"]
        assert (siti.nik, siti.telepon, siti.tanggal_lahir, siti.level, siti.jenis_kelamin) == \
            (NIK, "+6281351234567", date(1988, 4, 12), "madya", "P")
        assert audits("buat") == 3 and audits() == 3  # the Posyandu and two kader, once


def test_cp1252_csv_keeps_its_letters(app, auth, melati):
    client = auth("desa_hapalah")
    rows = [KADER, _with(BUDI, nama="Désy Çahyani", jenis_kelamin="P")]
    assert confirm(client, token_of(upload(client, "kader", csv_bytes(rows, ";", "cp1252"), "k.csv"))).status_code \
        == 303
    with app.app_context():
        assert db.session.scalar(select(Kader.nama)) == "Désy Çahyani"


def as_excel_writes_numbers(content: bytes, numbers: dict[str, str]) -> bytes:
    """The workbook with some number cells stored the way Excel may store them (6.309015204880001E+15, 3.0),
    which openpyxl reads back as floats."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                for plain, excel in numbers.items():
                    data = data.replace(f"<v>{plain}</v>".encode(), f"<v>{excel}</v>".encode())
            target.writestr(item, data)
    return out.getvalue()


def test_excel_number_and_date_cells(app, auth, melati):
    client = auth("desa_hapalah")
    content = xlsx([KADER,
                    [6309012001, "Posyandu Melati", "Siti Aminah", "P", "Kesehatan", None, date(1988, 4, 12),
                     81351234567, int(NIK)],
                    [6309012001, "Posyandu Melati", "Budi", "L", "pu", None, 32245, None, 6309011507900002]])
    content = as_excel_writes_numbers(content, {"6309012001": "6.309012001E+9", NIK: "6.309015204880001E+15",
                                                "81351234567": "8.1351234567E+10", "32245": "32245.0"})
    assert openpyxl.load_workbook(io.BytesIO(content)).active["I2"].value == float(NIK)
    response = upload(client, "kader", content)
    assert response.status_code == 200, response.get_data(as_text=True)
    confirm(client, token_of(response))
    with app.app_context():
        kader = {k.nama: k for k in db.session.scalars(select(Kader))}
        assert (kader["Siti Aminah"].nik, kader["Siti Aminah"].tanggal_lahir, kader["Siti Aminah"].telepon) == \
            (NIK, date(1988, 4, 12), "+6281351234567")
        assert (kader["Budi"].nik, kader["Budi"].tanggal_lahir) == ("6309011507900002", date(1988, 4, 12))


def test_excel_rt_typed_as_number(app, auth):
    client = auth("kab_tabalong")
    content = xlsx([["kode_desa", "nama", "rt", "rw"], [HAPALAH, "Melati", 3, 12]])
    response = upload(client, "posyandu", as_excel_writes_numbers(content, {"3": "3.0", "12": "1.2E+1"}))
    confirm(client, token_of(response))
    with app.app_context():
        assert db.session.execute(select(Posyandu.rt, Posyandu.rw)).one() == ("003", "012")


def test_kader_upsert_by_nik_updates_the_existing_kader(app, auth, melati, users):
    with app.app_context():
        kader_id = service.add_kader(None, db.session.merge(melati), {
            "nama": "Siti", "jenis_kelamin": "P", "bidang": "pendidikan", "nik": NIK, "telepon": "0812-1111-2222"}).id
    client = auth("desa_hapalah")
    response = upload(client, "kader", xlsx([KADER, SITI]))
    assert re.search(r"<dt>Diperbarui</dt><dd>1</dd>", response.get_data(as_text=True))
    assert confirm(client, token_of(response)).status_code == 303
    with app.app_context():
        kader = db.session.scalars(select(Kader)).one()
        assert (kader.id, kader.nama, kader.bidang, kader.telepon) == \
            (kader_id, "Siti Aminah", "kesehatan", "+6281351234567")
        change = db.session.scalar(select(AuditLog).where(AuditLog.action == "ubah"))
        assert change.object_id == str(kader_id) and "nik" not in change.changes
        assert change.changes["bidang"] == ["pendidikan", "kesehatan"]


def test_kader_without_nik_is_matched_by_name_in_its_posyandu(app, auth, melati):
    with app.app_context():
        kader_id = service.add_kader(None, db.session.merge(melati), {
            "nama": "Siti Aminah", "jenis_kelamin": "P", "bidang": "kesehatan"}).id
    client = auth("desa_hapalah")
    confirm(client, token_of(upload(client, "kader", xlsx([KADER, _with(SITI, nama="SITI AMINAH")]))))
    with app.app_context():
        kader = db.session.scalars(select(Kader)).one()
        assert (kader.id, kader.nik, kader.nama) == (kader_id, NIK, "SITI AMINAH")


def test_the_template_validates_as_downloaded(app, auth):
    """The example row of each template passes the same rules as the forms."""
    client = auth("kab_tabalong")
    for jenis in ("posyandu", "kader"):
        response = client.get(f"/kelola/impor/templat/{jenis}.xlsx")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        assert book.sheetnames == [importer.KINDS[jenis].label, "Petunjuk"]
        header = [c.value for c in book.worksheets[0][1]]
        assert header == [c.name for c in importer.KINDS[jenis].columns]
        assert book.worksheets[0]["A2"].value == HAPALAH
        guide = [row for row in book["Petunjuk"].iter_rows(values_only=True) if row[0] in header]
        assert {row[0]: row[1] for row in guide}["kode_desa"] == "Ya" and len(guide) == len(header)
        response = upload(client, jenis, response.data, f"templat-{jenis}.xlsx")
        assert response.status_code == 200, response.get_data(as_text=True)
        assert confirm(client, token_of(response)).status_code == 303
    with app.app_context():
        assert count(Posyandu) == 1 and count(Kader) == 1


def test_confirm_writes_nothing_when_a_row_fails_while_writing(app, auth, melati, monkeypatch):
    client = auth("desa_hapalah")
    response = upload(client, "kader", xlsx([KADER, SITI, BUDI]))
    real, calls = service.add_kader, []

    def failing_second(actor, p, raw, commit=True, sumber=None):
        calls.append(raw)
        if len(calls) == 2:
            raise service.FormErrors({"nama": "Ditolak."})
        return real(actor, p, raw, commit=commit)
    monkeypatch.setattr(service, "add_kader", failing_second)
    token = token_of(response)
    response = confirm(client, token)
    assert response.status_code == 303 and response.headers["Location"] == f"/kelola/impor/{token}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)  # the preview again, with the reason
    assert "Impor dibatalkan; tidak ada data yang disimpan. Baris 3 (Budi Santoso), kolom nama: Ditolak." in page
    with app.app_context():
        assert count(Kader) == 0 and audits() == 1  # only the Posyandu of the fixture


# --- what may go wrong between preview and confirmation ------------------------------------------------------------

def test_a_stored_file_changed_after_the_preview_writes_nothing(app, auth, uploads):
    client = auth("kab_tabalong")
    token = token_of(upload(client, "posyandu", csv_bytes(TWO_POSYANDU), "p.csv"))
    (uploads / f"{token}.csv").write_bytes(csv_bytes([POSYANDU, ["63.09.99.9999", "Melati"]]))
    response = confirm(client, token)
    assert response.status_code == 303 and response.headers["Location"] == "/kelola/impor#unggah"
    response = client.get(response.headers["Location"])  # the form, the reason beside the file field
    assert response.status_code == 422
    assert re.search(r'<p class="error" id="berkas-err" role="alert">Berkas unggahan berubah sejak pratinjau',
                     response.get_data(as_text=True))
    assert not list(uploads.iterdir())
    with app.app_context():
        assert count(Posyandu) == 0 and audits() == 0


def test_data_changed_after_the_preview_is_checked_again(app, auth, melati):
    client = auth("desa_hapalah")
    token = token_of(upload(client, "kader", xlsx([KADER, SITI, BUDI])))
    with app.app_context():  # meanwhile someone registers Siti's NIK in another Posyandu
        mawar = service.create_posyandu(None, HAPALAH, {"nama": "Posyandu Mawar"})
        service.add_kader(None, mawar, {"nama": "Siti", "jenis_kelamin": "P", "bidang": "sosial", "nik": NIK})
    response = confirm(client, token)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Data berubah sejak pratinjau" in page
    assert "sudah terdaftar untuk kader" in page and "Posyandu Mawar" in page and "Simpan impor" not in page
    assert "Simpan baris yang benar saja (1)" in page  # Budi is still fine
    with app.app_context():
        assert count(Kader) == 1 and count(Kader, Kader.nama == "Budi Santoso") == 0


def test_errors_are_listed_without_a_save_button(app, auth, melati, uploads):
    client = auth("desa_hapalah")
    rows = [KADER] + [_with(BUDI, nama=f"Kader {i}", bidang="olahraga") for i in range(250)]
    response = upload(client, "kader", xlsx(rows))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Simpan impor" not in page and "Simpan baris yang benar saja" not in page  # no row is right
    assert "Unduh baris yang salah" in page
    with app.app_context():
        assert count(Kader) == 0
    assert page.count("Bidang tidak dikenal") == 200
    assert "dan 50 kesalahan lain" in page
    assert re.search(r"<dt>Baris bermasalah</dt><dd>250</dd>", page)
    assert len(gzip.compress(response.data)) <= 14 * 1024
    assert " style=" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)


def test_cancel_deletes_the_stored_file(auth, uploads):
    client = auth("kab_tabalong")
    token = token_of(upload(client, "posyandu", xlsx(TWO_POSYANDU)))
    assert len(list(uploads.iterdir())) == 2
    response = post(client, f"/kelola/impor/{token}/batal")
    assert response.status_code == 303 and response.headers["Location"] == "/kelola/impor"
    assert not list(uploads.iterdir())


# --- refusals -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("filename, content, message", [
    ("data.xls", b"\xd0\xcf\x11\xe0", "Hanya berkas Excel (.xlsx) atau CSV"),
    ("data.txt", b"kode_desa,nama", "Hanya berkas Excel (.xlsx) atau CSV"),
    ("data.xlsx", b"kode_desa,nama\n", "tidak dapat dibaca sebagai Excel"),
])
def test_files_of_another_kind_are_refused(auth, filename, content, message):
    response = upload(auth("kab_tabalong"), "posyandu", content, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_upload_without_file_or_kind(auth):
    client = auth("kab_tabalong")
    response = post(client, "/kelola/impor", {"jenis": "pengurus"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Pilih jenis data" in page and "Pilih berkas" in page


def test_penyelenggara_is_forbidden_and_anonymous_sent_to_login(client, auth):
    peny = auth("peny_tabalong")
    assert peny.get("/kelola/impor").status_code == 403
    assert peny.get("/kelola/impor/templat/kader.xlsx").status_code == 403
    assert upload(peny, "posyandu", xlsx(TWO_POSYANDU)).status_code == 403
    response = client.get("/kelola/impor")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_desa_user_cannot_import_into_another_desa(app, auth):
    client = auth("desa_hapalah")
    rows = [POSYANDU, [HAPALAH, "Posyandu Melati"], ["63.09.04.2006", "Posyandu Pamarangan"]]
    response = upload(client, "posyandu", xlsx(rows))
    assert "Desa/kelurahan 63.09.04.2006 di luar wilayah kerja Anda." in response.get_data(as_text=True)
    with app.app_context():
        assert count(Posyandu) == 0


def test_a_token_of_another_user_is_refused(app, auth, uploads):
    owner, other = auth("kab_tabalong"), auth("kec_banualawas")
    token = token_of(upload(owner, "posyandu", xlsx(TWO_POSYANDU)))
    assert confirm(other, token).status_code == 404
    assert post(other, f"/kelola/impor/{token}/batal").status_code == 404
    for bad in ("../../etc/passwd", "x" * 31, token[:-1] + "!"):
        assert confirm(owner, bad).status_code in (404, 405)
    with app.app_context():
        assert count(Posyandu) == 0
    assert len(list(uploads.iterdir())) == 2
    assert confirm(owner, token).status_code == 303


def test_index_page_fits_the_budget_and_links_the_templates(auth):
    client = auth("desa_hapalah")
    response = client.get("/kelola/impor", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and len(response.data) <= 14 * 1024
    page = gzip.decompress(response.data).decode()
    assert "/kelola/impor/templat/posyandu.xlsx" in page and "/kelola/impor/templat/kader.xlsx" in page
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page
    assert '<label for="berkas">' in page and " style=" not in page
    for column in importer.KINDS["kader"].columns:
        assert f"<code>{column.name}</code>" in page


def test_token_files_are_named_only_by_the_token(tmp_path):
    token = unggahan.store_upload(str(tmp_path), 7, "kader", "../../x.csv", "csv", b"a;b")
    assert unggahan.TOKEN.match(token)
    assert sorted(os.listdir(tmp_path)) == [f"{token}.csv", f"{token}.json"]
    assert importer.load_upload(str(tmp_path), token, 8) is None
    assert importer.load_upload(str(tmp_path), token, 7).data == b"a;b"
    assert importer.load_upload(str(tmp_path), "../" + token, 7) is None
