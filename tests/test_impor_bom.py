"""Spreadsheet bombs (issue 13, item 1): every one refused with a clear message and nothing stored, for /kelola/impor
and /registrasi/nomor alike (one reader, portal/lembar_baca.py); and no upload is parsed or checked while SQLite's write
lock is held, so other users' saves never wait for it. The timings are in bench/import_bomb.md."""
import functools
import io

import pytest
from sqlalchemy import create_engine, func, select, text

from bench import bom
from portal import lembar_baca as lembar
from portal.extensions import db
from portal.models.audit import AuditLog
from portal.models.posyandu import Posyandu
from portal.kelola.impor import check as checking
from tests.helpers import post

# Which guard stops each bomb: a fragment of its message.
GUARDS = {
    "wide_numeric": "berisi jauh lebih banyak data daripada ukurannya",
    "wide_numeric_hidden": "lebih dari 100.000 sel",
    "wide_row": "Satu baris lembar kerja memuat lebih dari 100 sel",
    "shared_strings": "berisi jauh lebih banyak data daripada ukurannya",
    "shared_strings_hidden": "lebih dari 100.000 teks berbeda",
    "rich_text": "lebih dari 20.000 bagian teks berformat",
    "declared_dimension": "menyatakan ukuran A1:XFD1048576 (16.384 kolom × 1.048.576 baris",
    "zip_bomb": "bagian xl/media/image1.png: 100 MB setelah dibuka",
    "many_members": "terlalu banyak bagian (paling banyak 100)",
    "styles": "lebih dari 20.000 unsur format dan struktur",
    "nested_rows": "lebih dari 100.000 sel",
    "entities": "DOCTYPE/ENTITY",
    "csv_deep": "lebih dari 25.000 baris (termasuk baris kosong)",
    "csv_wide": "Satu baris berkas CSV lebih dari 65.536 karakter",
    "csv_quoted": "Satu baris berkas CSV lebih dari 65.536 karakter",
}


@functools.cache
def bomb(name: str) -> tuple[str, bytes]:
    return bom.BOMBS[name]()


@pytest.fixture(autouse=True)
def uploads(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    return tmp_path


def test_every_bomb_has_its_guard():
    assert set(GUARDS) == set(bom.BOMBS)


@pytest.mark.parametrize("name", sorted(GUARDS))
def test_the_reader_refuses_each_bomb_by_its_guard(name):
    ext, data = bomb(name)
    assert len(data) <= lembar.MAKS_BYTES  # every bomb fits the upload limit
    with pytest.raises(lembar.FileRefused) as refused:
        with lembar.Lembar(data, ext) as sheet:
            for _ in sheet.baris({"kode_desa": 0, "nama": 1}):
                pass
    assert GUARDS[name] in refused.value.message


def _stored(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.mark.parametrize("name", sorted(GUARDS))
def test_a_bomb_is_refused_beside_the_field_and_nothing_is_stored(app, auth, uploads, name):
    ext, data = bomb(name)
    client = auth("kab_tabalong")
    with app.app_context():
        audits = db.session.scalar(select(func.count()).select_from(AuditLog))
    response = post(client, "/kelola/impor", {"jenis": "posyandu", "berkas": (io.BytesIO(data), f"bom.{ext}")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<p class="error" id="berkas-err" role="alert">' in page and GUARDS[name] in page
    response = post(client, "/registrasi/nomor", {"berkas": (io.BytesIO(data), f"bom.{ext}")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 422
    assert GUARDS[name] in response.get_data(as_text=True)
    assert _stored(uploads) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Posyandu)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditLog)) == audits


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(lembar.FileRefused, match="Berkas lebih dari 4 MB"):
        lembar.Lembar(b"kode_desa;nama\n" + b"x" * lembar.MAKS_BYTES, "csv")


def test_a_doctype_in_any_member_is_refused():
    """openpyxl parses the other members itself (content types, workbook, styles); entities need a DOCTYPE, and the
    measurement refuses one wherever it is. (defusedxml, which openpyxl would use, makes its parsing five times
    slower: the stdlib's pure-Python parser.)"""
    with_dtd = bom.package(bom.sheet_xml(b""), extra={"[Content_Types].xml": b'<?xml version="1.0"?><!DOCTYPE x ['
                                                      b'<!ENTITY a "b">]><Types/>'})
    with pytest.raises(lembar.FileRefused, match="DOCTYPE"):
        lembar.Lembar(with_dtd, "xlsx")


def test_shared_strings_are_read_as_openpyxl_reads_them():
    """The measurement reads the shared strings on its way (openpyxl's own reading costs 40 µs a string): plain ones,
    runs of rich text joined, phonetic runs left out, Excel's _x005F_ escape undone, empty ones kept."""
    from openpyxl.reader.strings import read_string_table
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{bom.MAIN}"><si><t>kode_desa</t></si><si><t>nama</t>'
           '</si><si><r><rPr><b/></rPr><t>Siti </t></r><r><t xml:space="preserve">Aminah </t></r><rPh sb="0" eb="1">'
           '<t>x</t></rPh></si><si><t>a_x005F_b</t></si><si><t/></si><si><t>&lt;&amp;&gt;</t></si></sst>').encode()
    sheet = bom.sheet_xml('<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>' + "".join(
        f'<row><c t="s"><v>{i}</v></c></row>' for i in range(2, 6)))
    with lembar.Lembar(bom.package(sheet, shared=sst), "xlsx") as read:
        assert read.judul == ("kode_desa", "nama")
        values = [cells["a"] for _, cells in read.baris({"a": 0})]
    assert values == [s for s in read_string_table(io.BytesIO(sst))[2:] if s]  # blank rows are skipped
    assert values == ["Siti Aminah ", "a_b", "<&>"]


def test_a_real_spreadsheet_passes_the_guards():
    """The limits leave room for a full template: 5,000 rows of every kader column, written by openpyxl."""
    from openpyxl import Workbook
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["kode_desa", "posyandu", "nama", "jenis_kelamin", "bidang", "level", "tanggal_lahir", "telepon",
                  "nik", "nama_desa", "kecamatan"])
    for i in range(lembar.MAKS_BARIS_DATA):
        sheet.append(["63.09.01.2001", "Posyandu Melati", f"Kader {i}", "P", "kesehatan", "madya", "12-04-1988",
                      f"0812{i:08d}", f"63090152048{i:05d}", "Hapalah", "Banua Lawas"])
    out = io.BytesIO()
    book.save(out)
    with lembar.Lembar(out.getvalue(), "xlsx") as read:
        assert sum(1 for _ in read.baris({"nama": 2})) == lembar.MAKS_BARIS_DATA


# --- no write lock while an upload is parsed and checked ---------------------------------------------------------

@pytest.fixture
def elsewhere(database_url):
    """Another user's save, from its own connection: on SQLite it fails at once ("database is locked") if anyone holds
    the write lock (timeout 0)."""
    sqlite = database_url.startswith("sqlite")
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1),
                           connect_args={"timeout": 0} if sqlite else {})
    done = []

    def save():
        with engine.begin() as conn:
            conn.execute(text("UPDATE users SET name = name WHERE username = 'kec_banualawas'"))
        done.append(True)
        return True
    yield save, done
    engine.dispose()


def _spy(monkeypatch, module, name, before):
    real = getattr(module, name)

    def spied(*args, **kwargs):
        before()
        return real(*args, **kwargs)
    monkeypatch.setattr(module, name, spied)


CSV = "kode_desa;nama\n63.09.01.2001;Posyandu Melati\n".encode()


def test_the_upload_is_parsed_and_checked_without_the_write_lock(app, auth, monkeypatch, elsewhere):
    save, done = elsewhere
    client = auth("kab_tabalong")
    seen = []

    def while_parsing():
        seen.append(db.session().in_transaction())  # the request holds no transaction: nothing locked
        save()
    _spy(monkeypatch, lembar, "_csv_rows", while_parsing)
    _spy(monkeypatch, checking, "_check_posyandu", save)  # the rows checked against the database
    response = post(client, "/kelola/impor", {"jenis": "posyandu", "berkas": (io.BytesIO(CSV), "p.csv")},
                    content_type="multipart/form-data")
    assert response.status_code == 303
    token = response.headers["Location"].rsplit("/", 1)[1]
    assert client.get(response.headers["Location"]).status_code == 200
    # The confirmation checks the stored file again, still without the lock, then writes.
    assert post(client, f"/kelola/impor/{token}").status_code == 303
    assert len(done) == 5  # while the upload, the preview and the confirmation parse; two checks
    assert seen[0] is False  # the upload's parse runs with no transaction open at all (both databases)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Posyandu)) == 1


def test_the_number_import_is_parsed_without_the_write_lock(auth, monkeypatch, elsewhere):
    save, done = elsewhere
    _spy(monkeypatch, lembar, "_csv_rows", save)
    data = "ID usulan;Nomor registrasi\n1;63.09.01.2001.001\n".encode()
    response = post(auth("kab_tabalong"), "/registrasi/nomor", {"berkas": (io.BytesIO(data), "n.csv")},
                    content_type="multipart/form-data")
    assert response.status_code == 303 and done == [True]
