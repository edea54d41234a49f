"""Hostile input the first trial found (issue 13, items 5, 6 and 12): Unicode digits, a file part or a JSON body where
a form's text belongs, people added to a closed Posyandu, and "today" read on the server's UTC clock."""
import io
import json
from datetime import datetime, timezone

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import String, Text, func, or_, select

from portal import formatting
from portal.domain import DomainError
from portal.auth.service import load_user
from portal.extensions import db
from portal.formulir import Formulir
from portal.models import Kader, Kegiatan, Pengurus, Posyandu, Tahap, User, Usulan
from portal.models.wilayah import is_valid_kode
from portal.kelola import service as posyandu_service
from portal.registrasi import workflow
from portal.wilayah_baca import parse_kode
from tests.helpers import counts, csrf_token, forms_of, post

# Each passes str.isdigit(); int() crashes on the first two and reads the last two as 3.
UNICODE = ["²", "①", "٣", "３"]


@pytest.fixture
def o(records):
    """The hostile suite's records: a Posyandu with a kader, two dossiers, a kegiatan with a peserta, a tahap."""
    return records


KEGIATAN_BARU = {"jenis": "bimtek", "judul": "Bimtek kader", "penyelenggara": "DPMD", "tempat": "Tanjung",
                 "tanggal_mulai": "2025-11-03", "wilayah_kode": "63.09.01", "sasaran": "kader"}


# --- item 5: one parser for integers, ASCII digits only ---------------------------------------------------------------

def _case(name: str, x: str, o: dict):
    """(account, path, form, status, message) of one endpoint that reads a number or a code from the user."""
    profil = f"/kelola/posyandu/{o['pid']}/ubah"
    versi = {"version": str(db.session.get(Posyandu, o["pid"]).version), "nama": "Posyandu Melati"}
    tahap = str(db.session.get(Tahap, o["tid"]).version)
    siap = db.session.scalar(select(Usulan.id).where(Usulan.status == "diverifikasi_kabupaten",
                                                     Usulan.tahap_id.is_(None)))
    kader_baru = {"nama": "Rusmiati", "jenis_kelamin": "P", "bidang": "sosial"}
    return {
        "rt": ("kab_tabalong", profil, {**versi, "rt": x}, 422, "Isi dengan angka 1–999"),
        "rw": ("kab_tabalong", profil, {**versi, "rw": "00" + x}, 422, "Isi dengan angka 1–999"),
        "lintang": ("kab_tabalong", profil, {**versi, "latitude": f"-{x}.15", "longitude": "115.38"}, 422,
                    "Lintang harus berupa angka desimal"),
        "kuota": ("kab_tabalong", "/kegiatan/baru", {**KEGIATAN_BARU, "kuota": "1" + x}, 422,
                  "Kuota harus bilangan bulat"),
        "syarat_hadir": ("kab_tabalong", "/kegiatan/baru", {**KEGIATAN_BARU, "syarat_hadir": x}, 422,
                         "Syarat kehadiran harus bilangan bulat"),
        "wilayah_sasaran": ("kab_tabalong", "/kegiatan/baru", {**KEGIATAN_BARU, "wilayah_kode": f"63.09.0{x}"}, 422,
                            "Tulis kode wilayah sasaran yang ada"),
        "layanan": ("kab_tabalong", f"/kelola/posyandu/{o['pid']}/layanan", {**versi, "layanan": ["1", x]}, 422,
                    "Pilihan kegiatan tidak sah"),
        "usulan": ("kab_tabalong", f"/registrasi/tahap/{o['tid']}/tambah", {"version": tahap, "usulan": [siap, x]},
                   422, "Pilihan usulan tidak sah"),
        "kader": ("kab_tabalong", f"/kegiatan/{o['gid']}/peserta/pilih", {"kader": [str(o["kid"]), x]}, 422,
                  "Pilihan orang tidak sah"),
        "pengurus": ("kab_tabalong", f"/kegiatan/{o['gid']}/peserta/pilih", {"pengurus": x}, 422,
                     "Pilihan orang tidak sah"),
        "hadir": ("kab_tabalong", f"/kegiatan/{o['gid']}/hadir/2025-10-15", {"t": f"{x}:hadir"}, 400,
                  "Permintaan yang dikirim tidak dapat diproses"),
        "katalog": ("admin_nasional", "/kelola/katalog", {"id": x, "nama": "Kelas ibu baru", "bidang": "kesehatan"},
                    422, "Kegiatan tidak ditemukan"),
        "kode_akun": ("kab_tabalong", "/pengguna/baru", {"username": "desa.baru", "name": "Desa Baru", "role": "desa",
                                                         "wilayah_kode": f"63.09.01.200{x}"}, 422, "tidak sah"),
        "nik": ("kab_tabalong", f"/kelola/posyandu/{o['pid']}/kader/baru",
                {**kader_baru, "nik": "630901550190000" + x}, 422, "16 digit"),
        "telepon": ("kab_tabalong", f"/kelola/posyandu/{o['pid']}/kader/baru",
                    {**kader_baru, "telepon": "0851778899" + x + "0"}, 422, "Nomor telepon tidak sah"),
    }[name]


CASES = ["rt", "rw", "lintang", "kuota", "syarat_hadir", "wilayah_sasaran", "layanan", "usulan", "kader", "pengurus",
         "hadir", "katalog", "kode_akun", "nik", "telepon"]


@pytest.mark.parametrize("name", CASES)
def test_unicode_digits_are_refused_clearly_and_store_nothing(auth, o, name):
    before = counts()
    for x in UNICODE:
        account, path, data, status, message = _case(name, x, o)
        response = post(auth(account), path, data)
        body = response.get_data(as_text=True)
        assert response.status_code == status, (path, x, response.status_code)
        assert message in body, (path, x, body[-2000:])
        assert counts() == before, (path, x)
    p = db.session.get(Posyandu, o["pid"])
    db.session.refresh(p)
    assert p.version == 1 and p.rt is None and p.latitude is None and not p.layanan


@pytest.mark.parametrize("one", ["¹", "①", "١", "１"])
def test_a_unicode_one_is_not_version_one(auth, o, one):
    """int('١') is 1: a form that claimed version '١' was saved as if it had seen version 1."""
    response = post(auth("kab_tabalong"), f"/kelola/posyandu/{o['pid']}/ubah",
                    {"version": one, "nama": "Posyandu Melati Baru"})
    assert response.status_code == 409 and "sudah diubah orang lain" in response.get_data(as_text=True)
    p = db.session.get(Posyandu, o["pid"])
    db.session.refresh(p)
    assert p.nama == "Posyandu Melati" and p.version == 1


def test_unicode_page_numbers_open_the_first_page(auth, o):
    client = auth("kab_tabalong")
    for path in ("/pengguna", "/kegiatan", "/registrasi", "/kegiatan/{gid}/riwayat"):
        for x in UNICODE:
            assert client.get(path.format(**o), query_string={"page": x}).status_code == 200, (path, x)


def test_codes_are_ascii_digits_only(ctx):
    for kode in ("٦٣", "６３.０９", "63.0٩", "6３", "٦٣٠٩"):
        assert not is_valid_kode(kode) and not is_valid_kode(parse_kode(kode)), kode
    assert not is_valid_kode("63.09\n")  # $ once let a trailing newline through
    assert parse_kode("6309012001") == "63.09.01.2001" and is_valid_kode("63.09.01.2001")


def test_a_registration_number_takes_ascii_digits_only(ctx, o):
    u = db.session.get(Usulan, o["uid"])
    desa = u.posyandu.desa_kode
    assert workflow.clean_nomor(f"{desa}.001", u) == f"{desa}.001"
    for x in UNICODE:
        with pytest.raises(DomainError):
            workflow.clean_nomor(f"{desa}.00{x}", u)


def test_a_session_id_in_unicode_digits_loads_nobody(ctx, users):
    user = db.session.get(User, users["kab_tabalong"])
    assert load_user(user.get_id()) is user
    for forged in (f"{user.id}:{x}" for x in ("¹", "١", "１")):
        assert load_user(forged) is None
    assert load_user(f"{'١' * len(str(user.id))}:1") is None


# --- item 6: text fields take text only, a form takes no JSON -------------------------------------------------------

def _file():
    return io.BytesIO(b"<script>alert(1)</script>"), "x.txt"


def _no_file_stored() -> None:
    """No text column anywhere holds the repr of an uploaded file."""
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
        if columns:
            hits = db.session.scalar(select(func.count()).select_from(table).where(
                or_(*(c.like("%FileStorage%") for c in columns))))
            assert not hits, table.name
    db.session.rollback()


@pytest.mark.parametrize("path, fields, message", [
    ("/login", ("username", "password"), "Wajib diisi."),
    ("/pengguna/baru", ("username", "name", "role", "wilayah_kode"), "Wajib diisi."),
    ("/akun/password", ("current_password", "new_password", "confirm"), "Wajib diisi."),
    ("/kegiatan/{gid}/batal", ("alasan_batal",), "Tulis alasan pembatalan."),
    ("/kelola/posyandu/{pid}/tutup", ("ditutup_tanggal", "alasan_tutup"), "Wajib diisi."),
])
def test_a_file_part_in_a_text_field_is_no_text(app, auth, o, path, fields, message):
    client = app.test_client() if path == "/login" else auth("kab_tabalong")
    version = db.session.get(Kegiatan if "kegiatan" in path else Posyandu, o["gid" if "kegiatan" in path else "pid"]
                             ).version
    data = {name: _file() for name in fields} | {"csrf_token": csrf_token(client), "version": str(version)}
    before = counts()
    response = client.post(path.format(**o), data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert counts() == before
    k = db.session.get(Kegiatan, o["gid"])
    db.session.refresh(k)
    assert not k.dibatalkan and k.alasan_batal is None
    _no_file_stored()


ROLES = ("kab_tabalong", "desa_hapalah", "admin_kalsel", "peny_tabalong")


def test_every_form_takes_file_parts_without_a_500_or_a_stored_file(auth, o):
    for username in ROLES:
        client = auth(username)
        token = csrf_token(client)
        for action, fields in forms_of(client, o):
            data = {name: _file() for name in fields if name != "version"}
            response = client.post(action, data={**data, "csrf_token": token, "version": fields.get("version") or ""},
                                   content_type="multipart/form-data")
            assert response.status_code < 500, (username, action, response.status_code)
    _no_file_stored()


def test_every_form_refuses_a_json_body(auth, o):
    for username in ROLES:
        client = auth(username)
        token = csrf_token(client)
        for action, fields in forms_of(client, o):
            before = counts()
            response = client.post(action, data=json.dumps({name: "1" for name in fields}),
                                   content_type="application/json", headers={"X-CSRFToken": token})
            assert response.status_code == 415, (username, action, response.status_code)
            assert "bukan JSON" in response.get_data(as_text=True)
            assert counts() == before, action


def test_every_form_class_reads_text_only(app):
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)
    forms = [f for f in subclasses(FlaskForm) if f.__module__.startswith("portal.")]
    assert len(forms) >= 10 and all(issubclass(f, Formulir) for f in forms), forms


# --- item 12: closed Posyandu, today in WITA -------------------------------------------------------------------

@pytest.fixture
def tutup(ctx, o):
    """Posyandu Melati closed, with one kader taken off earlier."""
    p = db.session.get(Posyandu, o["pid"])
    kader = db.session.get(Kader, o["kid"])
    posyandu_service.set_person_active(None, kader, False, kader.version)
    posyandu_service.close_posyandu(None, p, "2025-11-01", "Digabung ke Posyandu Mawar", p.version)
    return o


@pytest.mark.parametrize("jenis, data", [
    ("kader", {"nama": "Rusmiati", "jenis_kelamin": "P", "bidang": "sosial"}),
    ("pengurus", {"jabatan": "ketua", "nama": "Rahmat", "jenis_kelamin": "L"}),
])
def test_nobody_joins_a_closed_posyandu(auth, tutup, jenis, data):
    client = auth("desa_hapalah")
    before = counts()
    for headers in ({}, {"HX-Request": "true"}):
        response = post(client, f"/kelola/posyandu/{tutup['pid']}/{jenis}/baru", data, headers=headers)
        body = response.get_data(as_text=True)
        assert response.status_code == 422 and "nonaktif: aktifkan kembali Posyandu ini dulu" in body
    assert counts() == before
    page = client.get(f"/kelola/posyandu/{tutup['pid']}").get_data(as_text=True)
    assert f"+ Tambah {jenis}" not in page


def test_nobody_is_reactivated_in_a_closed_posyandu(auth, tutup):
    client = auth("desa_hapalah")
    kader = db.session.get(Kader, tutup["kid"])
    response = post(client, f"/kelola/kader/{kader.id}/aktifkan", {"version": str(kader.version)},
                    follow_redirects=True)
    assert "nonaktif: aktifkan kembali Posyandu ini dulu" in response.get_data(as_text=True)
    db.session.refresh(kader)
    assert not kader.aktif
    with pytest.raises(posyandu_service.DomainError):
        posyandu_service.add_pengurus(None, kader.posyandu, {"jabatan": "ketua", "nama": "Rahmat"})
    assert db.session.scalar(select(func.count()).select_from(Pengurus)) == 0


def test_after_reopening_people_join_again(auth, tutup):
    p = db.session.get(Posyandu, tutup["pid"])
    posyandu_service.reopen_posyandu(None, p, p.version)
    kader = db.session.get(Kader, tutup["kid"])
    posyandu_service.set_person_active(None, kader, True, kader.version)
    assert kader.aktif


class _Jam(datetime):
    """2026-12-03 23:30 UTC: already 4 December, 07.30, in WITA."""

    @classmethod
    def now(cls, tz=None):
        frozen = datetime(2026, 12, 3, 23, 30, tzinfo=timezone.utc)
        return frozen.astimezone(tz) if tz else frozen.replace(tzinfo=None)


@pytest.mark.parametrize("field", ["sk_tanggal", "musdes_tanggal"])
def test_today_is_today_in_wita(auth, o, monkeypatch, field):
    monkeypatch.setattr(formatting, "datetime", _Jam)
    client = auth("desa_hapalah")
    path = f"/kelola/posyandu/{o['pid']}/ubah"
    tomorrow = post(client, path, {"version": "1", "nama": "Posyandu Melati", field: "2026-12-05"})
    assert tomorrow.status_code == 422 and "antara 1900 dan hari ini" in tomorrow.get_data(as_text=True)
    today = post(client, path, {"version": "1", "nama": "Posyandu Melati", field: "2026-12-04"})
    assert today.status_code == 303
    p = db.session.get(Posyandu, o["pid"])
    db.session.refresh(p)
    assert str(getattr(p, field)) == "2026-12-04"

