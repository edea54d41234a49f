"""Issue 13, privacy and hostile output: personal data only for those who keep the record (item 2), no formula in
any spreadsheet the portal writes (3), document names that say what they are (4), no NIK lookup for Indonesia
(10), the national catalogue edited by the nation only (11), the CSV's BOM and Riwayat in people's words (18)."""
import csv
import io
import re
import zipfile
from collections import deque
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal import access, lembar
from portal.extensions import db
from portal.formatting import hari_ini
from portal.kegiatan import service as kegiatan_service
from portal.kegiatan import hadir as kegiatan_hadir, peserta as kegiatan_peserta
from portal.models import AuditLog, Kader, KatalogKegiatan, Kegiatan, Pengurus, Peserta, Posyandu, User
from portal.kelola.impor import importer
from portal.kelola import service
from portal.teks import aman
from tests.helpers import post

WALING = "63.09.12.2001"  # Kec. Bintang Ara, Kab. Tabalong
NIK = "6309015501900001"
# --- items 3 and 18: no formula in any spreadsheet the portal writes; the CSV's byte order mark ------------------

@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\",\"klik\")", "'=HYPERLINK(\"http://x\",\"klik\")"), ("+1", "'+1"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r1", "'\r1"), ("  =1+1", "'  =1+1"), ('"=1"', "'\"=1\""),
    ("＝1+1", "'＝1+1"), ("Mawar;=HYPERLINK(1)", "Mawar;'=HYPERLINK(1)"), ("Mawar\n@SUM(1)", "Mawar\n'@SUM(1)"),
    ("Posyandu =HYPERLINK(1)", "Posyandu =HYPERLINK(1)"), ("Jl. A-2; RT 3", "Jl. A-2; RT 3"), ("", ""),
    (-2, -2), (None, None), (1.5, 1.5)])
def test_aman_neutralises_every_cell_start_a_spreadsheet_would_run(value, expected):
    assert aman(value) == expected


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from("=+-@＝＋－＠;\r\n\t \u3000\"'aZ09.,"), max_size=12) | st.text(max_size=20))
def test_the_quick_path_of_aman_never_skips_a_cell_the_rule_would_change(value):
    from portal.teks import _FORMULA
    assert aman(value) == _FORMULA.sub(r"\1'", value)
    assert not _formula(aman(value))


HOSTILE = ("=HYPERLINK(\"http://x\",\"klik\") Melati", "+1 Mawar", "-2 Anggrek", "@SUM(A1) Kenanga")


def _formula(cell) -> bool:
    """Would a spreadsheet (in any locale) run this cell, or a part of it, as a formula?"""
    if not isinstance(cell, str) or re.fullmatch(r"-?\d+(\.\d+)?", cell):
        return False
    return any(re.match(r"[\s\"]*[=+\-@＝＋－＠]", part) for part in re.split(r"[;\r\n]", cell))


@pytest.fixture
def hostile(ctx, users):
    """Four Posyandu whose names, dusun, address and hari buka start like formulas, and a kegiatan with peserta from
    them and one registered at the venue under a formula."""
    ids = []
    for nama in HOSTILE:
        p = service.create_posyandu(None, WALING, {"nama": nama, "dusun": "+1", "alamat": "-2",
                                                    "hari_buka": "Senin;=1+1", "sk_nomor": "@SUM(A1)"})
        service.add_kader(None, p, {"nama": f"Kader {nama[:5]}", "jenis_kelamin": "P", "bidang": "sosial"})
        ids.append(p.id)
    organiser = db.session.get(User, users["peny_tabalong"])
    today = hari_ini()
    k = kegiatan_service.create(organiser, {
        "jenis": "bimtek", "judul": "=1+1 Bimtek", "penyelenggara": "@DPMD", "tempat": "-Tanjung",
        "tanggal_mulai": today.isoformat(), "tanggal_selesai": today.isoformat(), "wilayah_kode": "63.09.12",
        "sasaran": ["kader"]})
    kegiatan_peserta.add_from_records(organiser, k, list(db.session.scalars(select(Kader.id))))
    kegiatan_peserta.register_at_venue(organiser, k, {"nama": "=HYPERLINK(\"http://x\") Ani", "asal_kode": WALING,
                                                     "peran": "lainnya"})
    return {"posyandu": ids, "kegiatan": k.id}


def test_open_data_csv_neutralises_formulas_and_json_keeps_the_values(client, hostile):
    raw = client.get("/posyandu.csv").get_data()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(HOSTILE)
    for row in rows:
        for cell in row:
            assert not _formula(cell), cell
    names = {r[1] for r in rows[1:]}
    assert names == {"'" + n for n in HOSTILE} and {r[10] for r in rows[1:]} == {"'+1"}
    # JSON is read by programs, not run as a spreadsheet: its values stay as recorded (README, Open data).
    data = client.get("/posyandu.json").get_json()
    assert {r["nama"] for r in data["data"]} == set(HOSTILE) and {r["dusun"] for r in data["data"]} == {"+1"}


def test_attendance_exports_neutralise_formulas(auth, hostile):
    client = auth("peny_tabalong")
    k = hostile["kegiatan"]
    text = client.get(f"/kegiatan/{k}/kehadiran.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + len(HOSTILE) + 1
    assert not [c for r in rows for c in r if _formula(c)]
    assert {r[6] for r in rows[1:] if r[6]} == {"'" + n for n in HOSTILE}  # the posyandu column
    book = load_workbook(io.BytesIO(client.get(f"/kegiatan/{k}/kehadiran.xlsx").data))
    cells = [c for s in book.worksheets for r in s.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f" or _formula(c.value)]
    assert book.active["A1"].value == "'=1+1 Bimtek"


def test_the_tahap_workbook_and_the_import_templates_hold_no_formula(ctx):
    from portal.models.registrasi import Tahap
    from portal.registrasi import ekspor
    from portal.registrasi.service import BarisTahap
    rows = [BarisTahap(i, i, WALING, "-Waling", "63.09.12", "+Bintang Ara", nama, "=SK 1", "2025-01-01", 9, 15,
                       "@1") for i, nama in enumerate(HOSTILE, 1)]
    tahap = Tahap(kabupaten_kode="63.09", nomor=1, nomor_surat="=cmd|' /C calc'!A0", dikirim_tanggal=date(2025, 9, 30))
    for data in (ekspor.xlsx(tahap, rows, "=Kabupaten"), importer.template_workbook("kader"),
                 importer.template_workbook("posyandu")):
        book = load_workbook(io.BytesIO(data))
        cells = [c for s in book.worksheets for r in s.iter_rows() for c in r]
        assert cells and not [c.coordinate for c in cells if c.data_type == "f" or _formula(c.value)]
        # Below openpyxl: no <f> element in any sheet of the file.
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert not [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]


def test_no_module_writes_a_spreadsheet_past_the_one_writer():
    """csv writers and openpyxl Workbooks are made in portal/lembar.py only, so no export can skip aman()."""
    import pathlib
    root = pathlib.Path(__file__).resolve().parent.parent / "portal"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "lembar.py":
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|from openpyxl import[^\n]*\bWorkbook\b", source):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_a_buku_neutralises_cells_however_they_were_written():
    book = lembar.Buku()
    sheet = book.active
    sheet.append(["=1+1", "+2"])
    sheet["C1"] = "@SUM(A1)"
    sheet.cell(row=2, column=1, value="-3")
    reread = load_workbook(io.BytesIO(book.isi())).active
    assert [c.value for c in reread[1]] == ["'=1+1", "'+2", "'@SUM(A1)"] and reread["A2"].value == "'-3"


def test_the_open_data_csv_starts_with_a_bom_and_still_streams(client, hostile):
    response = client.get("/posyandu.csv")
    assert response.is_streamed
    assert response.get_data().startswith(b"\xef\xbb\xbfid,nama,kode_desa,")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_csv_chunks_are_made_as_the_rows_come():
    taken = []

    def rows():
        for i in range(2500):
            taken.append(i)
            yield (i, "=x")

    chunks = lembar.csv_mengalir(["id", "nama"], rows())
    first = next(chunks)
    assert first.startswith("\ufeffid,nama\r\n0,'=x\r\n") and len(taken) == 1000  # not all 2,500 read first
    assert len(list(chunks)) == 2 and len(taken) == 2500


# --- item 4: document names ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, ext, expected", [
    ("Berita-Acara.hta", "pdf", "Berita-Acara.pdf"), ("SK\u202egpj.exe", "jpg", "SKgpj.jpg"),
    ("..\\..\\C:\\x/evil\".pdf", "pdf", "evil.pdf"), ("foto.JPEG", "jpg", "foto.jpg"),
    ("a\u200b\u2066b\u2069\x00c\x1f.png", "png", "ab c.png"), ("..pdf", "pdf", "dokumen.pdf"),
    (None, "pdf", "dokumen.pdf"),
    ("'<scan>'.pdf", "pdf", "scan.pdf"), ("x" * 300 + ".pdf", "pdf", "x" * 120 + ".pdf"),
    ("Berita Acara Musdes.pdf", "pdf", "Berita Acara Musdes.pdf")])
def test_nama_berkas(name, ext, expected):
    from portal.teks import nama_berkas
    assert nama_berkas(name, ext) == expected


@pytest.fixture
def folder(app, ctx, tmp_path):
    """Uploaded documents go to a temporary folder."""
    app.config["UPLOAD_FOLDER"] = ctx.config["UPLOAD_FOLDER"] = str(tmp_path)
    return tmp_path


def test_a_document_is_named_and_served_by_its_detected_type(auth, ctx, users, folder):
    from tests.test_registrasi import PDF, _complete, _set_state
    from portal.models.registrasi import DokumenUsulan
    from portal.registrasi import workflow
    u = workflow.create(None, _complete("63.09.01.2001", "Posyandu Melati"))
    db.session.commit()
    _set_state(u.id, "draf")
    desa = auth("desa_hapalah")
    for jenis, filename in (("berita_acara", "Berita-Acara.hta"), ("sk", "SK-\u202efdp.exe")):
        r = post(desa, f"/registrasi/usulan/{u.id}/dokumen", {"jenis": jenis, "berkas": (io.BytesIO(PDF), filename)},
                 content_type="multipart/form-data")
        assert r.status_code == 303
    names = dict(db.session.execute(select(DokumenUsulan.jenis, DokumenUsulan.nama_berkas)).all())
    assert names == {"berita_acara": "Berita-Acara.pdf", "sk": "SK-fdp.pdf"}
    # A row stored before the sanitiser is served under a clean name too.
    dok = db.session.scalar(select(DokumenUsulan).where(DokumenUsulan.jenis == "sk"))
    dok.nama_berkas = "SK \u202efdp.hta"
    db.session.commit()
    served = desa.get(f"/registrasi/dokumen/{dok.id}")
    disposition = served.headers["Content-Disposition"]
    assert served.status_code == 200 and "\u202e" not in disposition and "%E2%80%AE" not in disposition
    assert disposition == 'attachment; filename="SK fdp.pdf"'


# --- item 10: no NIK lookup --------------------------------------------------------------------------------------

def test_a_nik_held_outside_ones_region_only_conflicts(auth, ctx, users):
    balangan = service.create_posyandu(None, "63.11.01.2001", {"nama": "Posyandu Rahasia Balangan"})
    service.add_kader(None, balangan, {"nama": "Jamilah Balangan", "jenis_kelamin": "P", "bidang": "sosial",
                                       "nik": NIK})
    hapalah = service.create_posyandu(None, "63.09.01.2001", {"nama": "Posyandu Kenanga"})
    service.add_kader(None, hapalah, {"nama": "Rusmiati", "jenis_kelamin": "P", "bidang": "sosial",
                                      "nik": "6309015501900002"})
    data = {"nama": "Aminah", "jenis_kelamin": "P", "bidang": "sosial", "nik": NIK}
    r = post(auth("desa_hapalah"), f"/kelola/posyandu/{hapalah.id}/kader/baru", data)
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and "bentrok dengan data yang sudah ada" in body
    for leak in ("Balangan", "Jamilah", "63.11", "sebagai kader", "sudah terdaftar"):
        assert leak not in body, leak
    # Inside one's region, the record is named so the user can find it.
    r = post(auth("kab_tabalong"), f"/kelola/posyandu/{hapalah.id}/kader/baru", {**data, "nik": "6309015501900002"})
    assert r.status_code == 422 and "sudah terdaftar untuk kader Rusmiati di Posyandu Kenanga (Desa Hapalah)" in \
        r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Kader)) == 2


# --- item 11: the national catalogue ---------------------------------------------------------------------------------

def test_only_a_national_admin_edits_the_catalogue(auth, ctx):
    item = db.session.scalar(select(KatalogKegiatan).order_by(KatalogKegiatan.id))
    before = item.nama
    provinsi = auth("admin_kalsel")
    assert provinsi.get("/kelola/katalog").status_code == 403
    r = post(provinsi, "/kelola/katalog", {"id": str(item.id), "nama": "Diganti provinsi", "aktif": "1"})
    assert r.status_code == 403
    r = post(provinsi, "/kelola/katalog", {"bidang": "sosial", "nama": "Tambahan provinsi"})
    assert r.status_code == 403
    db.session.refresh(item)
    assert item.nama == before and not db.session.scalar(select(KatalogKegiatan).where(
        KatalogKegiatan.nama == "Tambahan provinsi"))
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.object_type == "katalog_kegiatan")) == 0
    assert "Katalog kegiatan" not in provinsi.get("/beranda").get_data(as_text=True)
    nasional = auth("admin_nasional")
    assert "Katalog kegiatan" in nasional.get("/beranda").get_data(as_text=True)
    r = post(nasional, "/kelola/katalog", {"id": str(item.id), "nama": "Penimbangan balita", "aktif": "1"})
    assert r.status_code == 303


# --- item 2: personal data only for those who keep the record ---------------------------------------------------

PROFIL = {"nama": "Posyandu Melati", "dusun": "Dusun I", "rt": "3", "rw": "1", "alamat": "Jl. Balai Desa",
          "kontak": "0852 1111 2222"}
KADER = {"nama": "Siti Aminah", "jenis_kelamin": "P", "bidang": "kesehatan", "level": "madya",
         "tanggal_lahir": "1990-01-15", "telepon": "0812 3456 7890", "nik": NIK}
KETUA = {"jabatan": "ketua", "nama": "Hj. Mahdiah", "jenis_kelamin": "P", "telepon": "0813 1311 2222",
         "alamat": "Jl. Merpati Gg. Rahasia No. 7"}
# Every form the values above (and those the fixture changes them to) take on a page, a riwayat or an export.
PERSONAL = (NIK, "********", "15 Jan 1990", "1990-01-15", "Rahasia",
            "0812-3456-7890", "081234567890", "6281234567890", "0821-5555-6666", "082155556666", "6282155556666",
            "0813-1311-2222", "081313112222", "6281313112222",
            "0852-1111-2222", "085211112222", "6285211112222", "0853-7777-8888", "085377778888", "6285377778888")


@pytest.fixture
def pribadi(ctx, users):
    """A Posyandu in Waling with a contact phone, a kader with NIK, birth date and phone, a ketua with phone and
    home address, each changed once by the kabupaten (so every personal field is in the Riwayat), and a bimtek of
    the Tabalong organiser with the kader and the ketua as peserta."""
    kab = db.session.get(User, users["kab_tabalong"])
    p = service.create_posyandu(kab, WALING, PROFIL)
    kader = service.add_kader(kab, p, KADER)
    ketua = service.add_pengurus(kab, p, KETUA)
    service.update_posyandu(kab, p, {**PROFIL, "kontak": "0853 7777 8888"}, p.version)
    service.update_kader(kab, kader, {**KADER, "telepon": "0821 5555 6666", "tanggal_lahir": "1990-01-16"},
                         kader.version)
    service.update_pengurus(kab, ketua, {**KETUA, "alamat": "Jl. Kenari Rahasia 9"}, ketua.version)
    organiser = db.session.get(User, users["peny_tabalong"])
    today = hari_ini()
    k = kegiatan_service.create(organiser, {
        "jenis": "bimtek", "judul": "Bimtek Kader", "penyelenggara": "DPMD Tabalong", "tempat": "Tanjung",
        "tanggal_mulai": (today - timedelta(days=1)).isoformat(), "tanggal_selesai": today.isoformat(),
        "wilayah_kode": "63.09.12", "sasaran": ["kader"]})
    kegiatan_peserta.add_from_records(organiser, k, [kader.id], [ketua.id])
    return {"pid": p.id, "kader": kader.id, "ketua": ketua.id, "kegiatan": k.id}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "data-hx-get") and value and value.startswith("/"):
                self.links.append(value.split("#")[0])


STAFF = ("/beranda", "/kelola", "/kegiatan", "/registrasi", "/pengguna")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(response) -> str:
    """What a response shows: the page, or every cell of a workbook."""
    if response.mimetype == XLSX:
        book = load_workbook(io.BytesIO(response.data))
        return "\n".join(str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r if v)
    return response.get_data(as_text=True)


def _crawl(client, seeds, limit=150) -> dict[str, str]:
    """Every staff page reachable by links (and htmx GETs) from the seeds: {path: what it shows}."""
    seen, queue = {}, deque(seeds)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen or not path.startswith(STAFF) or "logout" in path:
            continue
        response = client.get(path)
        assert response.status_code < 500, path
        seen[path] = _text(response) if response.status_code == 200 else ""
        if response.mimetype == "text/html":
            parser = _Links()
            parser.feed(seen[path])
            queue.extend(parser.links)
    return seen


def test_a_penyelenggara_sees_no_personal_data_on_any_staff_page(auth, pribadi):
    client = auth("peny_tabalong")
    pid, kid, gid, k = pribadi["pid"], pribadi["kader"], pribadi["ketua"], pribadi["kegiatan"]
    qr = [f"/kegiatan/qr/{kegiatan_hadir.token_qr(p)}" for p in db.session.scalars(select(Peserta))]
    pages = _crawl(client, ["/beranda", "/beranda?q=melati", f"/kelola/posyandu/{pid}",
                            f"/kelola/posyandu/{pid}/riwayat", f"/kelola/kader/{kid}", f"/kelola/pengurus/{gid}",
                            f"/kegiatan/{k}", f"/kegiatan/{k}/peserta/pilih?peran=kader",
                            f"/kegiatan/{k}/peserta/pilih?peran=pengurus", *qr])
    for path in (f"/kelola/posyandu/{pid}", f"/kelola/posyandu/{pid}/riwayat", f"/kelola/kader/{kid}",
                 f"/kelola/pengurus/{gid}", f"/kegiatan/{k}/riwayat", f"/kegiatan/{k}/peserta",
                 f"/kegiatan/{k}/kehadiran.xlsx", f"/kegiatan/{k}/daftar-hadir", f"/kegiatan/{k}/kartu", *qr):
        assert pages.get(path), f"{path} was not reached"
    for kind, person in (("kader", kid), ("pengurus", gid)):  # the htmx row of the profile
        pages[f"{kind} row"] = client.get(f"/kelola/{kind}/{person}", headers={"HX-Request": "true"}).get_data(
            as_text=True)
    for path, body in pages.items():
        for value in PERSONAL:
            assert value not in body, (path, value)
    # Names, bidang and level are what a penyelenggara needs, and are there; a change to a phone is, not its value.
    riwayat = pages[f"/kelola/posyandu/{pid}/riwayat"]
    assert "Siti Aminah" in pages[f"/kelola/posyandu/{pid}"] and "Madya" in pages[f"/kelola/kader/{kid}"]
    assert "Telepon: (tidak ditampilkan) → (tidak ditampilkan)" in riwayat
    assert "Tanggal lahir: (tidak ditampilkan)" in riwayat and "Alamat: (tidak ditampilkan)" in riwayat


def test_those_who_keep_the_record_still_see_it(auth, pribadi):
    client = auth("kab_tabalong")
    pid = pribadi["pid"]
    profile = client.get(f"/kelola/posyandu/{pid}").get_data(as_text=True)
    assert "0853-7777-8888" in profile and "0821-5555-6666" in profile and "Jl. Kenari Rahasia 9" in profile
    assert "************0001" in profile and NIK not in profile
    riwayat = client.get(f"/kelola/posyandu/{pid}/riwayat").get_data(as_text=True)
    assert "Telepon: 0812-3456-7890 → 0821-5555-6666" in riwayat
    assert "Tanggal lahir: 15 Jan 1990 → 16 Jan 1990" in riwayat
    assert "Alamat: Jl. Merpati Gg. Rahasia No. 7 → Jl. Kenari Rahasia 9" in riwayat and NIK not in riwayat
    person = client.get(f"/kelola/kader/{pribadi['kader']}").get_data(as_text=True)
    assert "0821-5555-6666" in person and "16 Jan 1990" in person and "************0001" in person


@pytest.mark.parametrize("username, expected", [
    ("admin_nasional", True), ("admin_kalsel", True), ("kab_tabalong", True), ("kec_bintangara", True),
    ("kec_banualawas", False), ("desa_hapalah", False), ("peny_tabalong", False), ("admin_kaltim", False)])
def test_who_may_see_personal_data(ctx, users, username, expected):
    assert access.may_see_personal_data(db.session.get(User, users[username]), WALING) is expected


# --- item 18: Riwayat in people's words ---------------------------------------------------------------------------

def test_riwayat_names_people_and_labels_fields(auth, pribadi, users):
    kab = auth("kab_tabalong")
    pages = {"posyandu": kab.get(f"/kelola/posyandu/{pribadi['pid']}/riwayat").get_data(as_text=True),
             "kegiatan": kab.get(f"/kegiatan/{pribadi['kegiatan']}/riwayat").get_data(as_text=True),
             "akun": auth("admin_kalsel").get(f"/pengguna/{users['peny_tabalong']}").get_data(as_text=True)}
    assert "<strong>Kab Tabalong</strong> menambah kader Siti Aminah" in pages["posyandu"]
    assert "<strong>Kab Tabalong</strong> mengubah pengurus Ketua Hj. Mahdiah" in pages["posyandu"]
    assert "atas nama Desa Waling" in pages["posyandu"]
    assert "<strong>Peny Tabalong</strong> membuat kegiatan" in pages["kegiatan"]
    assert "Wilayah sasaran: – → Kecamatan Bintang Ara (63.09.12)" in pages["kegiatan"]
    assert "Sasaran: – → Kader semua bidang" in pages["kegiatan"]
    assert "<strong>Sistem</strong> membuat akun Peny Tabalong" in pages["akun"]
    assert "Peran: – → Penyelenggara kegiatan" in pages["akun"]
    for name, page in pages.items():
        entries = page[page.index("<ul class=\"list\">"):]
        for username in users:
            assert f">{username}<" not in entries and f" {username} " not in entries, (name, username)
        labels = re.findall(r'<ul class="changes">(.*?)</ul>', entries, re.S)
        for label in re.findall(r"<li>([^:<]+):", "".join(labels)):
            assert "_" not in label and label[0].isupper(), (name, label)


def _columns(model, technical) -> set[str]:
    return {c.key for c in model.__table__.columns} - technical


def test_every_audited_field_has_a_label():
    from portal.kegiatan import riwayat as kegiatan_riwayat
    from portal.models.kegiatan import Kehadiran, Peserta
    from portal.pengguna import riwayat as pengguna_riwayat
    from portal.kelola import riwayat as posyandu_riwayat
    technical = {"id", "version", "created_at", "updated_at", "posyandu_id", "lengkap", "layanan_bidang",
                 "kegiatan_id", "dibuat_oleh_id", "nama_lipat", "kader_id", "pengurus_id", "anggota_pembina_id", "peserta_id",
                 "kode_sertifikat", "hari_hadir", "lulus", "didaftarkan_oleh_id", "dicatat_oleh_id", "dicatat_pada",
                 "password_hash", "session_version", "created_by_id", "last_login_at"}
    for kamus, models in ((posyandu_riwayat.KAMUS, (Posyandu, Kader, Pengurus)),
                          (kegiatan_riwayat.KAMUS, (Kegiatan, Peserta, Kehadiran)),
                          (pengguna_riwayat.KAMUS, (User,))):
        for model in models:
            missing = _columns(model, technical) - kamus.label.keys()
            assert not missing, (model.__name__, missing)


def test_every_field_the_audit_log_holds_has_a_label(auth, pribadi, hostile, users):
    """Whatever the flows above wrote: each key of each entry shown on a Riwayat has its label."""
    from portal.kegiatan import riwayat as kegiatan_riwayat
    from portal.pengguna import riwayat as pengguna_riwayat
    from portal.kelola import riwayat as posyandu_riwayat
    post(auth("kab_tabalong"), f"/kelola/posyandu/{pribadi['pid']}/pilot", {"version": db.session.get(
        Posyandu, pribadi["pid"]).version, "pilot": "1"})
    seen = {"posyandu": set(), "kegiatan": set(), "akun": set()}
    for e in db.session.scalars(select(AuditLog)):
        kind = "posyandu" if e.posyandu_id else "kegiatan" if e.kegiatan_id else "akun" if e.object_type == "users" \
            else None
        if kind:
            seen[kind].update(e.changes or {})
    assert seen["posyandu"] >= {"nama", "kontak", "nik", "telepon", "alamat", "pilot", "tanggal_lahir"}
    for kind, kamus in (("posyandu", posyandu_riwayat.KAMUS), ("kegiatan", kegiatan_riwayat.KAMUS),
                        ("akun", pengguna_riwayat.KAMUS)):
        assert seen[kind] and not seen[kind] - kamus.label.keys(), (kind, seen[kind] - kamus.label.keys())
