"""Tim Pembina in public and in the rollups (issue 15): /tim-pembina, /tim-pembina/<kode>, /tim-pembina.json, the
wilayah table ?tabel=pembina, the beranda's alerts. The Done-when check: the JSON of 63.09 lists its kecamatan, its
jumlah counts its anak, each child agrees with its own JSON, the children without a tim are those the wilayah table
lists. No contact on any public page; an SK holds through the last day of its masa bakti in WITA."""
import gzip
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import event, select

from portal import formatting
from portal.extensions import db
from portal.models import Wilayah
from portal.models.pembina import TimPembina
from portal.pembina import ringkasan, service
from tests.helpers import tim_uji
from tests.test_budget import PAGE_BUDGET, _compressed_size, _largest_regions

TELEPON, EMAIL = "081234567890", "ketua@contoh.go.id"
BANUA_LAWAS, BINTANG_ARA, MUARA_UYA = "63.09.01", "63.09.12", "63.09.07"
KECAMATAN_KEYS = {"kode", "nama", "ada_tim", "sk_berlaku", "bidang_lengkap"}


def _jam(utc: datetime):
    """formatting's clock frozen at this UTC moment (hari_ini() reads it in WITA)."""
    class Jam(datetime):
        @classmethod
        def now(cls, tz=None):
            frozen = utc.replace(tzinfo=timezone.utc)
            return frozen.astimezone(tz) if tz else frozen.replace(tzinfo=None)
    return Jam


@pytest.fixture
def tabalong(ctx):
    """Kecamatan of Tabalong: Bintang Ara a full tim, Banua Lawas one ending in 40 days with no ketua, Muara Uya one
    whose SK ended; the others none. A desa of Bintang Ara has one too."""
    hari = formatting.hari_ini()
    tim_uji(BINTANG_ARA, lengkap=True)
    tim_uji(BANUA_LAWAS, mulai="2022-01-01", selesai=date.fromordinal(hari.toordinal() + 40).isoformat(), ketua=None)
    tim_uji(MUARA_UYA, mulai="2019-01-01", selesai="2024-12-31")
    tim_uji("63.09.12.2003")
    return hari


def _json(client, kode=None):
    response = client.get("/tim-pembina.json", query_string={} if kode is None else {"wilayah": kode})
    assert response.status_code == 200 and response.mimetype == "application/json", kode
    return response.get_json()


def _tanpa_di_tabel(client, kode):
    html = client.get(f"/wilayah/{kode}?tabel=pembina").get_data(as_text=True)
    part = html.split('id="tanpa-tim"', 1)[1]
    return re.findall(r'data-tanpa="([^"]+)"', part), html


# --- the Done-when consistency --------------------------------------------------------------------------------------

def test_the_json_of_a_kabupaten_agrees_with_its_children_and_the_wilayah_table(client, tabalong):
    kecamatan = db.session.scalars(select(Wilayah.kode).where(Wilayah.parent_kode == "63.09")
                                   .order_by(Wilayah.kode)).all()
    assert len(kecamatan) == 12
    body = _json(client, "63.09")
    assert [a["kode"] for a in body["anak"]] == kecamatan
    anak = body["anak"]
    assert body["jumlah"] == {"wilayah_anak": len(anak), "dengan_tim": sum(a["ada_tim"] for a in anak),
                              "sk_berlaku": sum(a["sk_berlaku"] for a in anak)}
    assert body["jumlah"] == {"wilayah_anak": 12, "dengan_tim": 3, "sk_berlaku": 2}
    for a in anak:
        own = _json(client, a["kode"])
        assert own["wilayah"] == {"kode": a["kode"], "nama": a["nama"]}
        assert (own["tim"] is not None) == a["ada_tim"], a
        assert (own["tim"] is not None and own["tim"]["sk_berlaku"]) == a["sk_berlaku"], a
    by_kode = {a["kode"]: a for a in anak}
    assert by_kode[BINTANG_ARA] == {"kode": BINTANG_ARA, "nama": "Bintang Ara", "ada_tim": True, "sk_berlaku": True,
                                    "bidang_lengkap": True}
    assert by_kode[MUARA_UYA]["ada_tim"] and not by_kode[MUARA_UYA]["sk_berlaku"]
    assert not by_kode[BANUA_LAWAS]["bidang_lengkap"]
    tanpa, html = _tanpa_di_tabel(client, "63.09")
    assert tanpa == [a["kode"] for a in anak if not a["ada_tim"]] and len(tanpa) == 9
    assert "Belum membentuk Tim Pembina: 9 kecamatan" in html
    # The table's rows say the same as the JSON.
    for a in anak:
        row = re.search(rf'<tr data-kode="{re.escape(a["kode"])}">.*?</tr>', html).group(0)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        assert ("ya" in cells[0]) == a["ada_tim"]
        assert ("ya" in cells[1]) == a["sk_berlaku"] and ("ya" in cells[2]) == a["bidang_lengkap"]


def test_tanpa_tim_and_jumlah_are_counted_from_the_same_records(ctx, tabalong):
    rows = ringkasan.anak("63.09", tabalong)
    assert [w.kode for w in ringkasan.tanpa_tim("63.09")] == [r.kode for r in rows if not r.ada_tim]
    assert ringkasan.jumlah(rows) == {"wilayah_anak": 12, "dengan_tim": 3, "sk_berlaku": 2}
    provinsi = ringkasan.anak("", tabalong)
    assert len(provinsi) == db.session.scalar(select(db.func.count()).select_from(Wilayah).where(Wilayah.level == 1))
    assert not any(r.ada_tim for r in provinsi)
    desa = ringkasan.anak(BINTANG_ARA, tabalong)
    assert [r.kode for r in desa if r.ada_tim] == ["63.09.12.2003"]


def test_exact_json_keys(client, tabalong):
    body = _json(client, BINTANG_ARA)
    assert set(body) == {"wilayah", "tim", "anak", "jumlah"}
    assert body["wilayah"] == {"kode": BINTANG_ARA, "nama": "Bintang Ara"}
    tim = body["tim"]
    assert set(tim) == {"sk_nomor", "sk_tanggal", "masa_bakti_mulai", "masa_bakti_selesai", "sk_berlaku", "anggota"}
    assert tim["sk_nomor"] == f"SK-UJI/{BINTANG_ARA}" and tim["sk_tanggal"] == "2025-01-01"
    assert tim["masa_bakti_mulai"] == "2025-01-01" and tim["masa_bakti_selesai"] == "2030-12-31"
    assert tim["sk_berlaku"] is True
    assert all(set(a) == {"nama", "jabatan", "unsur"} for a in tim["anggota"])
    assert tim["anggota"][0] == {"nama": "Ibu Ketua Uji", "jabatan": "Ketua", "unsur": "TP PKK"}
    assert {"nama": "Koordinator Kesehatan", "jabatan": "Koordinator bidang Kesehatan", "unsur": "Dinkes"} \
        in tim["anggota"]
    assert len(tim["anggota"]) == 7
    assert all(set(a) == KECAMATAN_KEYS for a in body["anak"])
    assert set(body["jumlah"]) == {"wilayah_anak", "dengan_tim", "sk_berlaku"}
    assert body["jumlah"]["wilayah_anak"] == len(body["anak"]) > 0
    desa = _json(client, "63.09.12.2003")
    assert desa["anak"] == [] and desa["jumlah"] == {"wilayah_anak": 0, "dengan_tim": 0, "sk_berlaku": 0}
    assert _json(client, MUARA_UYA)["tim"]["sk_berlaku"] is False
    assert _json(client, "63.09.02")["tim"] is None


@pytest.mark.parametrize("kode", [None, ""])
def test_the_national_json_lists_the_provinsi(client, ctx, kode):
    body = _json(client, kode)
    assert body["wilayah"] == {"kode": "", "nama": "Indonesia"} and body["tim"] is None
    provinsi = db.session.scalars(select(Wilayah.kode).where(Wilayah.level == 1).order_by(Wilayah.kode)).all()
    assert [a["kode"] for a in body["anak"]] == provinsi
    assert body["jumlah"]["wilayah_anak"] == len(provinsi)


@pytest.mark.parametrize("kode", ["99.99", "63.09.99", "abc", "63.09.12.2003x"])
def test_an_unknown_wilayah_is_a_json_404(client, ctx, kode):
    response = client.get("/tim-pembina.json", query_string={"wilayah": kode})
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.get_json()["error"]
    assert client.get(f"/tim-pembina/{kode}").status_code == 404


def test_a_code_typed_without_dots_is_understood(client, tabalong):
    assert _json(client, "630912")["wilayah"]["kode"] == BINTANG_ARA


# --- the public pages -----------------------------------------------------------------------------------------------

def test_the_public_page_of_a_tim(client, tabalong):
    html = client.get(f"/tim-pembina/{BINTANG_ARA}").get_data(as_text=True)
    assert "Tim Pembina Posyandu Kecamatan Bintang Ara" in html
    assert f"SK-UJI/{BINTANG_ARA}" in html and "1 Jan 2025 – 31 Des 2030" in html and "SK berlaku" in html
    assert "<strong>Ketua</strong>: Ibu Ketua Uji <small class=\"muted\">TP PKK</small>" in html
    assert "Koordinator bidang Pekerjaan Umum" in html
    assert 'href="/tim-pembina/63.09">Tim Pembina Kabupaten Tabalong</a>' in html, "the tim above"
    # The tims below: its desa, the one with a tim linked.
    assert 'href="/tim-pembina/63.09.12.2003"' in html and 'id="tanpa-tim"' in html
    expired = client.get(f"/tim-pembina/{MUARA_UYA}").get_data(as_text=True)
    assert "Masa bakti SK sudah berakhir" in expired
    none = client.get("/tim-pembina/63.09.02").get_data(as_text=True)
    assert "belum membentuk Tim Pembina Posyandu" in none


def test_earlier_periods_are_listed_by_sk_and_masa_bakti(client, tabalong):
    tim_lama = service.tim_aktif(BINTANG_ARA)
    service.buat_tim(None, BINTANG_ARA, {"sk_nomor": "188/2026/BARU", "sk_tanggal": "2026-01-05",
                                         "masa_bakti_mulai": "2026-01-05", "masa_bakti_selesai": "2031-01-04",
                                         "sk_penandatangan": "Camat Bintang Ara"})
    html = client.get(f"/tim-pembina/{BINTANG_ARA}").get_data(as_text=True)
    assert "188/2026/BARU" in html.split("Periode sebelumnya")[0]
    earlier = html.split("Periode sebelumnya")[1]
    assert tim_lama.sk_nomor in earlier and "1 Jan 2025 – 31 Des 2030" in earlier
    assert _json(client, BINTANG_ARA)["tim"]["sk_nomor"] == "188/2026/BARU"
    # The ex officio ketua carried over into the new period, so the public list has her.
    assert {"nama": "Ibu Ketua Uji", "jabatan": "Ketua", "unsur": "TP PKK"} in _json(client, BINTANG_ARA)["tim"]["anggota"]


def test_the_index_lists_the_provinsi_and_finds_a_wilayah(client, ctx):
    tim_uji("63")
    html = client.get("/tim-pembina").get_data(as_text=True)
    assert 'href="/tim-pembina/63">Kalimantan Selatan</a>' in html and 'href="/tim-pembina/64"' in html
    assert 'data-tanpa="63"' not in html and 'data-tanpa="64"' in html
    found = client.get("/tim-pembina?q=63.09")
    assert found.status_code == 303 and found.headers["Location"].endswith("/tim-pembina/63.09")
    assert client.get("/tim-pembina?q=6309").headers["Location"].endswith("/tim-pembina/63.09")
    listing = client.get("/tim-pembina?q=tabalong").get_data(as_text=True)
    assert 'href="/tim-pembina/63.09">Kabupaten Tabalong</a>' in listing
    assert "Tidak ada wilayah" in client.get("/tim-pembina?q=zzzqqq").get_data(as_text=True)


def test_a_desa_page_shows_its_own_tim(client, tabalong):
    html = client.get("/wilayah/63.09.12.2003").get_data(as_text=True)
    assert 'href="/tim-pembina/63.09.12.2003">Tim Pembina Desa' in html and "SK berlaku" in html
    other = client.get("/wilayah/63.09.12.2001?tabel=pembina").get_data(as_text=True)
    assert "belum membentuk Tim Pembina Posyandu" in other


def test_no_contact_on_any_public_page_nor_the_json(client, tabalong):
    assert service.tim_aktif(BINTANG_ARA).kursi[0].pemegang[0].telepon == "+62" + TELEPON[1:]  # the data holds it
    paths = [f"/tim-pembina/{BINTANG_ARA}", f"/tim-pembina/{BANUA_LAWAS}", "/tim-pembina/63.09.12.2003",
             "/tim-pembina/63.09", "/tim-pembina", "/tim-pembina?q=bintang", f"/tim-pembina.json?wilayah={BINTANG_ARA}",
             "/tim-pembina.json?wilayah=63.09.12.2003", "/tim-pembina.json?wilayah=63.09", "/tim-pembina.json",
             "/wilayah/63.09?tabel=pembina", f"/wilayah/{BINTANG_ARA}?tabel=pembina", "/wilayah/63.09.12.2003",
             "/posyandu", "/posyandu.json", "/posyandu.csv", "/posyandu?q=bintang"]
    seen_name = False
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert TELEPON[1:] not in body and EMAIL not in body and "contoh.go.id" not in body, path
        seen_name |= "Ibu Ketua Uji" in body
    assert seen_name, "the names are public: the pages were read"


# --- the WITA day ----------------------------------------------------------------------------------------------------

@pytest.fixture
def berakhir_hari_ini(ctx):
    """Bintang Ara's SK ends on 3 Dec 2026."""
    tim_uji(BINTANG_ARA, mulai="2021-12-04", selesai="2026-12-03")


@pytest.mark.parametrize("utc, berlaku", [(datetime(2026, 12, 3, 15, 30), True),  # 23.30 WITA on the 3rd
                                          (datetime(2026, 12, 3, 16, 30), False)])  # 00.30 WITA on the 4th
def test_an_sk_holds_through_its_last_day_in_wita(client, auth, berakhir_hari_ini, monkeypatch, utc, berlaku):
    monkeypatch.setattr(formatting, "datetime", _jam(utc))
    hari = formatting.hari_ini()
    assert hari == (date(2026, 12, 3) if berlaku else date(2026, 12, 4))
    assert _json(client, BINTANG_ARA)["tim"]["sk_berlaku"] is berlaku
    child = next(a for a in _json(client, "63.09")["anak"] if a["kode"] == BINTANG_ARA)
    assert child["sk_berlaku"] is berlaku and child["ada_tim"]
    page = client.get(f"/tim-pembina/{BINTANG_ARA}").get_data(as_text=True)
    assert ('<span class="tag pilot">SK berlaku</span>' in page) is berlaku
    assert ("Masa bakti SK sudah berakhir" in page) is not berlaku
    alerts = ringkasan.peringatan_wilayah("63.09", hari)
    kunci = {(h.level, h.kunci): h.n for h in alerts.hitungan}
    assert kunci.get((3, "sk_kedaluwarsa"), 0) == (0 if berlaku else 1)
    assert kunci.get((3, "sk_segera_berakhir"), 0) == (1 if berlaku else 0)
    beranda = auth("kec_bintangara").get("/beranda").get_data(as_text=True)
    if berlaku:
        assert "berakhir 3 Des 2026 (0 hari lagi)" in beranda
    else:
        assert "SK sudah tidak berlaku" in beranda


def test_the_etag_of_a_day_is_not_the_next_days(client, berakhir_hari_ini, monkeypatch):
    monkeypatch.setattr(formatting, "datetime", _jam(datetime(2026, 12, 3, 15, 30)))
    first = client.get(f"/tim-pembina.json?wilayah={BINTANG_ARA}")
    etag = first.headers["ETag"]
    assert client.get(f"/tim-pembina.json?wilayah={BINTANG_ARA}", headers={"If-None-Match": etag}).status_code == 304
    monkeypatch.setattr(formatting, "datetime", _jam(datetime(2026, 12, 3, 16, 30)))
    again = client.get(f"/tim-pembina.json?wilayah={BINTANG_ARA}", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.get_json()["tim"]["sk_berlaku"] is False


# --- the beranda -----------------------------------------------------------------------------------------------------

def _alerts(client) -> list[str]:
    html = client.get("/beranda").get_data(as_text=True)
    part = re.search(r'<section class="card perhatian" aria-labelledby="pembina-h">.*?</section>', html, re.S)
    return re.findall(r"<li[^>]*><a[^>]*>(.*?)</a></li>", part.group(0), re.S) if part else []


def test_each_kecamatan_sees_its_own_alerts(auth, tabalong):
    desa = db.session.scalar(select(db.func.count()).select_from(Wilayah).where(Wilayah.parent_kode == BINTANG_ARA))
    bintang = _alerts(auth("kec_bintangara"))
    assert bintang == ["Tim Pembina Kecamatan Bintang Ara: Berkas SK belum diunggah.",
                       f"{desa - 1} desa/kelurahan belum membentuk Tim Pembina",
                       "1 desa/kelurahan: bidang Tim Pembina belum lengkap",
                       "1 desa/kelurahan: berkas SK Tim Pembina belum diunggah"]
    assert not any("Banua Lawas" in a for a in bintang)
    banua = _alerts(auth("kec_banualawas"))
    sisa = (service.tim_aktif(BANUA_LAWAS).masa_bakti_selesai - tabalong).days
    assert sisa == 40
    assert any(a.startswith("Tim Pembina Kecamatan Banua Lawas: Masa bakti SK") and "(40 hari lagi)" in a
               for a in banua)
    assert "Tim Pembina Kecamatan Banua Lawas: Kursi ketua kosong." in banua
    assert not any("Bintang Ara" in a for a in banua)


def test_a_kabupaten_sees_the_counts_below_it(auth, tabalong):
    desa = db.session.scalar(select(db.func.count()).select_from(Wilayah).where(
        Wilayah.level == 4, Wilayah.kode.like("63.09.%")))
    alerts = _alerts(auth("kab_tabalong"))
    assert alerts[0] == "Tim Pembina Kabupaten Tabalong belum tercatat."
    assert "SK Tim Pembina Kecamatan Banua Lawas berakhir" in alerts[1] and "(40 hari lagi)" in alerts[1]
    assert "1 kecamatan: SK Tim Pembina sudah berakhir" in alerts
    assert "1 kecamatan: SK Tim Pembina berakhir dalam 90 hari" in alerts
    assert "9 kecamatan belum membentuk Tim Pembina" in alerts
    assert "1 kecamatan: kursi ketua Tim Pembina kosong" in alerts
    assert "2 kecamatan: bidang Tim Pembina belum lengkap" in alerts
    assert "3 kecamatan: berkas SK Tim Pembina belum diunggah" in alerts
    assert f"{desa - 1} desa/kelurahan belum membentuk Tim Pembina" in alerts
    html = auth("kab_tabalong").get("/beranda").get_data(as_text=True)
    assert 'href="/wilayah/63.09?tabel=pembina#tanpa-tim">9 kecamatan' in html
    assert 'href="/pembina/63.09.01">SK Tim Pembina Kecamatan Banua Lawas' in html


def test_counts_are_the_scopes_own(auth, tabalong):
    assert not any("Tabalong" in a or "kecamatan:" in a for a in _alerts(auth("admin_kaltim")))
    national = ringkasan.peringatan_wilayah("", tabalong)
    assert {(h.level, h.kunci): h.n for h in national.hitungan}[(3, "sk_kedaluwarsa")] == 1
    kaltim = ringkasan.peringatan_wilayah("64", tabalong)
    assert not any(h.kunci == "sk_kedaluwarsa" for h in kaltim.hitungan) and not kaltim.segera
    desa = _alerts(auth("desa_hapalah"))
    assert desa == ["Tim Pembina Desa Hapalah belum tercatat."]


def test_only_the_roles_that_keep_tims_see_the_alerts(auth, tabalong):
    html = auth("peny_tabalong").get("/beranda").get_data(as_text=True)
    assert "Tim Pembina" not in html


def test_the_beranda_costs_the_same_queries_however_many_tims(auth, tabalong, app):
    client = auth("kab_tabalong")
    statements = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        statements.append(1)

    client.get("/beranda")  # the region composition is cached per process
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/beranda")
        few = len(statements)
        for kode in ("63.09.02", "63.09.03", "63.09.01.2001", "63.09.01.2002", "63.09.04.2006"):
            tim_uji(kode, selesai="2026-01-31" if kode.endswith("2") else "2030-12-31")
        statements.clear()
        client.get("/beranda")
        assert len(statements) == few
    finally:
        event.remove(engine, "before_cursor_execute", count)


# --- budgets ---------------------------------------------------------------------------------------------------------

def test_the_pages_fit_the_first_flight(client, auth, tabalong):
    paths = ["/tim-pembina", f"/tim-pembina/{BINTANG_ARA}", "/tim-pembina/63.09", "/wilayah?tabel=pembina",
             "/wilayah/63.09?tabel=pembina"]
    paths += [f"/wilayah/{kode}?tabel=pembina" for kode in _largest_regions(client)[:2]]
    paths += [f"/tim-pembina/{kode}" for kode in _largest_regions(client)[:2]]
    for path in paths:
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, path
        assert _compressed_size(response) <= PAGE_BUDGET, (path, _compressed_size(response))
    response = auth("admin_nasional").get("/beranda", headers={"Accept-Encoding": "gzip"})
    assert _compressed_size(response) <= PAGE_BUDGET
    assert len(gzip.decompress(response.data)) > 0


def test_no_tim_is_read_one_by_one_for_a_rollup(ctx, tabalong):
    """The rollups read the children's rows and counts, never TimPembina objects."""
    loaded = []

    def on_load(target, _context):
        loaded.append(target)

    event.listen(TimPembina, "load", on_load)
    try:
        ringkasan.anak("63.09", tabalong)
        ringkasan.tanpa_tim("63.09")
        alerts = ringkasan.peringatan_wilayah("63.09", tabalong)
    finally:
        event.remove(TimPembina, "load", on_load)
    assert loaded == [] and alerts.tim is None
