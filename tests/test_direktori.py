"""The public directory, profile and open data (issue 4): search, every filter, order, pages, exports, caching, and no
person's data anywhere."""
import csv
import gzip
import html
import io
import json
import re

import pytest
from sqlalchemy import event, func, select

from portal.direktori import ejaan
from portal.direktori import service as direktori
from portal.extensions import db
from portal.models import Posyandu, Wilayah
from portal.kelola import service

BINTANG_ARA = "63.09.12"
PERSONAL = ("Siti Rahmah Uji", "6309125501900001", "0812-3456-7890", "081234567890", "+6281234567890",
            "Rahmawati Ketua", "0813-1111-2222")


def _ids(body: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/posyandu/(\d+)"', body)]


def _set(pid: int, **values) -> None:
    p = db.session.get(Posyandu, pid)
    for key, value in values.items():
        setattr(p, key, value)
    db.session.commit()


@pytest.fixture
def posyandu(ctx):
    """A few Posyandu in Tabalong and one in Banjar, with names, statuses, services and people."""
    made = {}
    for key, desa, nama in [
        ("mawar", "63.09.12.2003", "Posyandu Mawar Indah"),
        ("melati", "63.09.12.2001", "Posyandu Melati"),
        ("cempaka", "63.09.01.2001", "Posyandu Cempaka Putih"),
        ("anggrek", "63.09.01.2001", "Posyandu Anggrek"),
        ("banjar", "63.03.01.2001", "Posyandu Mawar Banjar"),
        ("tutup", "63.09.12.2003", "Posyandu Mawar Lama"),
    ]:
        made[key] = service.create_posyandu(None, desa, {"nama": nama, "dusun": "Dusun Karya", "rt": "003",
                                                         "rw": "001", "hari_buka": "Setiap tanggal 5",
                                                         "kontak": "081313112222"}).id
    p = db.session.get(Posyandu, made["mawar"])
    service.add_kader(None, p, {"nama": PERSONAL[0], "jenis_kelamin": "P", "bidang": "kesehatan", "nik": PERSONAL[1],
                                "telepon": PERSONAL[3]})
    service.add_pengurus(None, p, {"jabatan": "ketua", "nama": PERSONAL[5], "telepon": "081311112222"})
    katalog = {}
    for k in service.katalog():
        katalog.setdefault(k.bidang, k.id)  # the first of each bidang: Penimbangan… for kesehatan
    service.set_layanan(None, p, [katalog["kesehatan"], katalog["pu"]], p.version)
    _set(made["mawar"], status_registrasi="teregistrasi", nomor_registrasi="63.09.12.2003.001", pilot=True)
    _set(made["melati"], status_registrasi="diajukan")
    _set(made["cempaka"], status_registrasi="diverifikasi_kabupaten")
    tutup = db.session.get(Posyandu, made["tutup"])
    service.close_posyandu(None, tutup, "2025-06-01", "Digabung", tutup.version)
    return made


def test_search_by_name_desa_and_kecamatan_ignoring_case_and_accents(client, posyandu):
    def found(q):
        return set(_ids(client.get("/posyandu", query_string={"q": q}).get_data(as_text=True)))
    assert found("mawar") == {posyandu["mawar"], posyandu["banjar"]}  # closed ones are not listed
    assert found("MAWAR") == found("máwar") == found("  Mawar ") == found("maw")  # case, accents, spaces, prefix
    assert found("indah") == {posyandu["mawar"]}  # any word of the name
    assert found("mawar banjar") == {posyandu["banjar"]}  # every word must match
    assert found("posyandu mawar") == found("mawar")  # "posyandu" says nothing
    assert found("bintang ara") == {posyandu["mawar"], posyandu["melati"]}  # kecamatan name
    hapalah = db.session.get(Posyandu, posyandu["cempaka"]).desa.nama
    assert found(hapalah) == {posyandu["cempaka"], posyandu["anggrek"]}  # desa name
    assert found("putih cempaka") == {posyandu["cempaka"]}  # word order does not matter
    assert found("zzzz") == set()
    assert "Tidak ada Posyandu yang cocok" in client.get("/posyandu?q=zzzz").get_data(as_text=True)


@pytest.mark.parametrize("query, expected", [
    ({"wilayah": "63"}, {"mawar", "melati", "cempaka", "anggrek", "banjar"}),
    ({"wilayah": "63.09"}, {"mawar", "melati", "cempaka", "anggrek"}),
    ({"wilayah": "6309"}, {"mawar", "melati", "cempaka", "anggrek"}),  # typed without dots
    ({"wilayah": BINTANG_ARA}, {"mawar", "melati"}),
    ({"wilayah": "63.09.12.2003"}, {"mawar"}),
    ({"status": "teregistrasi"}, {"mawar"}),
    ({"status": "diajukan"}, {"melati"}),
    ({"status": "verifikasi"}, {"melati", "cempaka"}),
    ({"status": "belum_diajukan"}, {"anggrek", "banjar"}),
    ({"bidang": "pu"}, {"mawar"}),
    ({"bidang": "sosial"}, set()),
    ({"pilot": "1"}, {"mawar"}),
    ({"wilayah": "63.09", "status": "verifikasi", "q": "cempaka"}, {"cempaka"}),
    ({"wilayah": "63.03", "q": "mawar"}, {"banjar"}),
])
def test_filters(client, posyandu, query, expected):
    body = client.get("/posyandu", query_string=query).get_data(as_text=True)
    assert set(_ids(body)) == {posyandu[k] for k in expected}
    assert re.search(rf"<strong>{len(expected)} Posyandu</strong>", body), "the count says the same"


@pytest.mark.parametrize("query, message", [
    ({"wilayah": "99.99"}, "Kode wilayah '99.99' tidak dikenal"),
    ({"wilayah": "<script>"}, "Kode wilayah '<script>' tidak dikenal"),
    ({"status": "lulus"}, "Status registrasi tidak dikenal"),
    ({"bidang": "olahraga"}, "Bidang tidak dikenal"),
    ({"page": "-3"}, "Nomor halaman tidak sah"),
    ({"page": "abc"}, "Nomor halaman tidak sah"),
    ({"urut": "acak"}, "Urutan tidak dikenal"),
    ({"pilot": "mungkin"}, "Nilai pilot tidak dikenal"),
])
def test_bad_filter_values_get_a_message_and_are_ignored(client, posyandu, query, message):
    response = client.get("/posyandu", query_string=query)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html.unescape(body)
    assert "<script>'" not in body  # escaped
    assert len(_ids(body)) == 5  # the filter is dropped, the rest still works


def test_order(client, posyandu):
    def order(urut):
        return _ids(client.get("/posyandu", query_string={"urut": urut}).get_data(as_text=True))
    by_name = order("nama")
    names = [db.session.get(Posyandu, i).nama for i in by_name]
    assert names == sorted(names)
    by_region = order("wilayah")
    codes = [db.session.get(Posyandu, i).desa_kode for i in by_region]
    assert codes == sorted(codes) and by_region == _ids(client.get("/posyandu").get_data(as_text=True))
    _set(posyandu["anggrek"], hari_buka="Setiap tanggal 9")
    assert order("terbaru")[0] == posyandu["anggrek"]


@pytest.fixture
def many(ctx):
    """60 Posyandu in one desa: three pages."""
    desa = "63.09.12.2004"
    ids = [service.create_posyandu(None, desa, {"nama": f"Posyandu Kenanga {i:02d}"}, commit=False).id
           for i in range(60)]
    db.session.commit()
    return ids


def test_pages_link_to_each_other(client, many):
    first = client.get("/posyandu?q=kenanga").get_data(as_text=True)
    assert _ids(first) == many[:25] and "<strong>60 Posyandu</strong>" in first and "halaman 1 dari 3" in first
    assert '<link rel="next" href="/posyandu?q=kenanga&amp;page=2">' in first and 'rel="prev"' not in first
    last = client.get("/posyandu?q=kenanga&page=3").get_data(as_text=True)
    assert _ids(last) == many[50:]
    assert '<link rel="prev" href="/posyandu?q=kenanga&amp;page=2">' in last and '<link rel="next"' not in last
    beyond = client.get("/posyandu?q=kenanga&page=9").get_data(as_text=True)
    assert _ids(beyond) == many[50:] and "halaman 3 dari 3" in beyond  # the last page (issue 13)


def test_htmx_gets_the_results_only_and_history_restore_the_page(client, many):
    fragment = client.get("/posyandu?q=kenanga&page=2", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "<title>" in body and _ids(body) == many[25:50]
    assert 'data-hx-push-url="true"' in body and len(gzip.compress(fragment.data)) <= 2048
    restore = client.get("/posyandu?q=kenanga&page=2",
                         headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_counts_beyond_the_cap_say_so(client, many, monkeypatch):
    monkeypatch.setattr(direktori, "BATAS_HITUNG", 30)
    body = client.get("/posyandu?q=kenanga").get_data(as_text=True)
    assert "<strong>30+ Posyandu</strong>" in body and "lebih dari 30" in body and 'rel="next"' in body


def test_rekap_counts_equal_real_counts(ctx, posyandu):
    """The count of the directory comes from the rekap where it can: it must be the records' own count."""
    from werkzeug.datastructures import MultiDict
    for query in ({}, {"wilayah": "63.09"}, {"status": "verifikasi"}, {"bidang": "kesehatan"}, {"pilot": "1"},
                  {"wilayah": BINTANG_ARA, "status": "teregistrasi"}):
        s = direktori.Saring.dari(MultiDict(query))
        real = db.session.scalar(select(func.count()).select_from(Posyandu).where(*direktori._where(s)))
        assert direktori.jumlah(s).n == real, query


def test_no_query_per_row(client, many, ctx):
    """One page costs the same number of statements whether it lists 5 or 25 Posyandu."""
    statements = []

    def count(*_args):
        statements.append(1)

    with client.application.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/posyandu?q=kenanga&page=3")  # 10 rows
        few = len(statements)
        statements.clear()
        client.get("/posyandu?q=kenanga")  # 25 rows
        assert len(statements) == few <= 8  # version, rekap, word count (and ids on PostgreSQL), page, names
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_public_profile_shows_the_institution_and_no_person(client, posyandu):
    body = client.get(f"/posyandu/{posyandu['mawar']}").get_data(as_text=True)
    assert "Posyandu Mawar Indah" in body and "63.09.12.2003.001" in body and "Teregistrasi" in body
    assert "Dusun Karya" in body and "RT 003/RW 001" in body and "Setiap tanggal 5" in body
    assert "Pilot project" in body and "Bintang Ara" in body
    assert "Penimbangan" in body  # a service of the health bidang
    assert "1 kader aktif, 1 pengurus" in body
    for value in PERSONAL + ("0813-1311-2222", "081313112222"):
        assert value not in body, value
    closed = client.get(f"/posyandu/{posyandu['tutup']}").get_data(as_text=True)
    assert "Ditutup sejak" in closed
    assert client.get("/posyandu/999999").status_code == 404


def _csv(client, query=""):
    response = client.get("/posyandu.csv" + query)
    assert response.status_code == 200 and response.mimetype == "text/csv" and response.is_streamed
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))  # after the BOM


def test_csv_export_columns_filters_and_no_personal_data(client, posyandu):
    rows = _csv(client)
    assert list(rows[0]) == list(direktori.KOLOM)
    assert sorted(int(r["id"]) for r in rows) == sorted(v for k, v in posyandu.items() if k != "tutup")
    mawar = next(r for r in rows if int(r["id"]) == posyandu["mawar"])
    assert (mawar["kode_desa"], mawar["kode_kecamatan"], mawar["kode_kabupaten"], mawar["kode_provinsi"]) == (
        "63.09.12.2003", BINTANG_ARA, "63.09", "63")
    assert mawar["kecamatan"] == "Bintang Ara" and mawar["kabupaten"] == "Kabupaten Tabalong"
    assert mawar["status_registrasi"] == "teregistrasi" and mawar["nomor_registrasi"] == "63.09.12.2003.001"
    assert (mawar["pilot"], mawar["layanan_kesehatan"], mawar["layanan_pu"], mawar["layanan_sosial"]) == (
        "1", "1", "1", "0")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", mawar["diperbarui"])
    text = json.dumps(rows)
    for value in PERSONAL + ("081313112222", "6281313112222"):
        assert value not in text, value
    assert [r["id"] for r in _csv(client, "?wilayah=63.09.12&status=teregistrasi")] == [str(posyandu["mawar"])]
    assert _csv(client, "?q=zzzz") == []


def test_json_export_has_meta_and_the_same_rows(client, posyandu):
    response = client.get("/posyandu.json?wilayah=63.09")
    assert response.status_code == 200 and response.is_streamed
    data = json.loads(response.get_data(as_text=True))
    assert set(data["kolom"]) == set(direktori.KOLOM) and data["filter"] == {"wilayah": "63.09"}
    assert data["diperbarui"].endswith("Z")
    assert sorted(r["id"] for r in data["data"]) == sorted(posyandu[k] for k in ("mawar", "melati", "cempaka",
                                                                                  "anggrek"))
    assert all(list(r) == list(direktori.KOLOM) for r in data["data"])
    assert PERSONAL[0] not in response.get_data(as_text=True)


def test_every_list_page_links_to_the_exports(client, posyandu):
    body = client.get("/posyandu?wilayah=63.09&status=verifikasi").get_data(as_text=True)
    assert 'href="/posyandu.csv?wilayah=63.09&amp;status=verifikasi"' in body
    assert 'href="/posyandu.json?wilayah=63.09&amp;status=verifikasi"' in body


@pytest.mark.parametrize("path", ["/posyandu", "/posyandu?q=mawar", "/posyandu.csv", "/posyandu.json", "/wilayah",
                                  "/wilayah/63.09", "/", "PROFILE"])
def test_conditional_requests_answer_304_until_the_data_changes(client, posyandu, path):
    path = path.replace("PROFILE", f"/posyandu/{posyandu['mawar']}")
    first = client.get(path)
    first.get_data()  # read the streamed exports to the end
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"')
    assert "public" in first.headers["Cache-Control"] and "max-age" in first.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    fragment = client.get(path, headers={"If-None-Match": etag, "HX-Request": "true"})
    fragment.get_data()
    assert fragment.status_code == 200, "a fragment is another representation"
    p = db.session.get(Posyandu, posyandu["melati"])
    service.update_posyandu(None, p, {"nama": "Posyandu Melati Baru"}, p.version)
    changed = client.get(path, headers={"If-None-Match": etag})
    changed.get_data()
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_exports_say_when_the_data_last_changed(client, posyandu):
    response = client.get("/posyandu.csv")
    response.get_data()
    assert response.headers.get("Last-Modified") and "max-age=300" in response.headers["Cache-Control"]


def test_logged_in_pages_are_private_and_not_cached(auth, posyandu):
    client = auth("kab_tabalong")
    response = client.get("/posyandu")
    assert response.status_code == 200 and "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-cache" and "Cookie" in response.headers["Vary"]


@pytest.mark.parametrize("path, user", [("/posyandu?q=mawar", None), ("/wilayah?q=hapalah", None),
                                        ("/beranda?q=mawar", "kab_tabalong"), ("/pengguna?q=desa", "kab_tabalong")])
def test_back_button_gets_the_whole_page_wherever_htmx_pushes_the_url(client, auth, path, user):
    """htmx restores history with HX-Request set as well: the answer must be the page, not the fragment."""
    c = auth(user) if user else client
    fragment = c.get(path, headers={"HX-Request": "true"}).get_data(as_text=True)
    restore = c.get(path, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" not in fragment
    assert restore.status_code == 200 and "<html" in restore.get_data(as_text=True)


# --- Issue 13: typos forgiven, pages clamped, the status filter grouped, no Host in a body, no 304 for nothing ------

@pytest.fixture
def kosakata():
    """The vocabulary of the typo fallback is kept per process: start and end each test without it."""
    ejaan.lupakan()
    yield
    ejaan.lupakan()


def _saran(body: str) -> str | None:
    match = re.search(r'Maksud Anda: <a href="([^"]+)">([^<]+)</a>\?', body)
    return match and (html.unescape(match.group(1)), match.group(2))


def test_a_typo_is_forgiven_with_a_suggestion(client, posyandu, kosakata):
    tanjung = db.session.scalar(select(Wilayah.kode).where(Wilayah.parent_kode == "63.09", Wilayah.nama == "Tanjung"))
    desa = db.session.scalar(select(Wilayah.kode).where(Wilayah.parent_kode == tanjung).limit(1))
    nuri = service.create_posyandu(None, desa, {"nama": "Posyandu Nuri Harapan"}).id
    kenari = [service.create_posyandu(None, "63.09.01.2001", {"nama": nama}).id
              for nama in ("Posyandu Kenari Indah Jaya", "Posyandu Kenari Jaya")]
    ejaan.lupakan()
    for typed, corrected, expected in [("mawr", "mawar", {posyandu["mawar"], posyandu["banjar"]}),
                                       ("tanjng", "tanjung", {nuri}),
                                       ("nuri harapn", "nuri harapan", {nuri}),
                                       ("Posyandu Mawr Indh", "mawar indah", {posyandu["mawar"]}),
                                       ("kenari indh jaya", "kenari indah jaya", {kenari[0]}),  # kept words
                                       ("jaya kenari indh", "jaya kenari indah", {kenari[0]}),  # around the typo
                                       ("cempeka", "cempaka", {posyandu["cempaka"]})]:
        body = client.get("/posyandu", query_string={"q": typed}).get_data(as_text=True)
        assert set(_ids(body)) == expected, typed
        assert _saran(body) == (f"/posyandu?q={corrected.replace(' ', '+')}", corrected), typed
        assert f'value="{typed}"' in body, "the box keeps what was typed"
    # The other filters stay in the corrected search and its link.
    body = client.get("/posyandu", query_string={"q": "mawr", "wilayah": "63.03"}).get_data(as_text=True)
    assert set(_ids(body)) == {posyandu["banjar"]} and _saran(body)[0] == "/posyandu?q=mawar&wilayah=63.03"
    # htmx gets it in the fragment, within its budget.
    fragment = client.get("/posyandu?q=mawr", headers={"HX-Request": "true"})
    assert _saran(fragment.get_data(as_text=True)) and len(gzip.compress(fragment.data)) <= 2048


@pytest.mark.parametrize("typed, found", [("mawar", True), ("maw", True), ("zzzz", False), ("qxjv mawar", False),
                                          ("mawr99", False), ("mwr", False)])
def test_no_suggestion_when_the_search_finds_something_or_nothing_is_near(client, posyandu, kosakata, typed, found):
    body = client.get("/posyandu", query_string={"q": typed}).get_data(as_text=True)
    assert _saran(body) is None
    assert bool(_ids(body)) == found and ("Tidak ada Posyandu yang cocok" in body) != found


def test_the_nearest_word_of_more_posyandu_wins(ctx, kosakata):
    """'tanjng' is one letter from tanjung, tanjang and tanjong: the word of more Posyandu is the suggestion."""
    for nama in ("Posyandu Tanjang", "Posyandu Tanjong", "Posyandu Tanjung Sari", "Posyandu Tanjung Baru"):
        service.create_posyandu(None, "63.03.01.2001", {"nama": nama})
    assert ejaan.mirip("tanjng") == ["tanjung", "tanjang", "tanjong"]
    assert ejaan.mirip("tnj") == [] and ejaan.mirip("tanj00") == []  # too short to guess; digits are not corrected


@pytest.mark.parametrize("path", ["/posyandu", "/posyandu.csv", "/posyandu.json"])
@pytest.mark.parametrize("page", ["²", "①", "٣", "0", "-1", "9" * 40, "1e3", " "])
def test_a_page_that_is_not_a_number_is_page_1_never_a_500(client, many, path, page):
    response = client.get(path, query_string={"q": "kenanga", "page": page})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    if path == "/posyandu":
        assert "halaman 1 dari 3" in body and _ids(body) == many[:25]
        assert "Nomor halaman tidak sah" in body or not page.strip()


def test_a_page_past_the_last_shows_the_last(client, many):
    body = client.get("/posyandu?q=kenanga&page=99").get_data(as_text=True)
    assert "halaman 3 dari 3" in body and "Halaman 99 tidak ada" in body and _ids(body) == many[50:]
    assert 'rel="prev" href="/posyandu?q=kenanga&amp;page=2"' in body and 'rel="next"' not in body
    body = client.get("/posyandu?q=zzzz&page=5").get_data(as_text=True)
    assert "Tidak ada Posyandu yang cocok" in body and "halaman 5" not in body.lower() and 'rel="prev"' not in body
    body = client.get("/posyandu?q=kenanga&page=3").get_data(as_text=True)
    assert "tidak ada;" not in body and _ids(body) == many[50:]


def test_the_status_filter_groups_the_four_steps_and_their_states(client, posyandu):
    body = client.get("/posyandu?status=dikembalikan").get_data(as_text=True)
    select_html = re.search(r'<select id="ds" name="status">(.*?)</select>', body, re.S).group(1)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select_html)
    assert [g for g, _ in groups] == ["1. Belum diajukan", "2. Dalam verifikasi", "3. Diusulkan ke Kemendagri",
                                      "4. Teregistrasi"]
    values = [re.findall(r'<option value="([^"]+)"', options) for _, options in groups]
    assert values == [["belum_diajukan", "belum", "draf", "dikembalikan", "ditolak"],
                      ["verifikasi", "diajukan", "diverifikasi_kecamatan", "diverifikasi_kabupaten"],
                      ["diusulkan"], ["teregistrasi"]]
    assert "Belum diusulkan" not in select_html and ">Belum ada usulan<" in select_html
    assert '<option value="dikembalikan" selected>' in select_html


def test_json_sumber_never_takes_the_host_header(database_url, posyandu):
    from tests.helpers import make_app
    for public_url, sumber in [(None, "/posyandu?wilayah=63.09"),
                               ("https://posyandu.kalselprov.go.id/", "https://posyandu.kalselprov.go.id/posyandu?wilayah=63.09")]:
        app = make_app(database_url, PUBLIC_URL=public_url, TRUSTED_PROXIES=1)
        client = app.test_client()
        headers = {"Host": "jahat.example", "X-Forwarded-Host": "jahat.example"}
        response = client.get("/posyandu.json?wilayah=63.09", headers=headers)
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and json.loads(body)["sumber"] == sumber
        for path in ("/", "/posyandu", f"/posyandu/{posyandu['mawar']}", "/posyandu.csv", "/wilayah/63.09",
                     "/wilayah?q=mawar", "/sertifikat", "/login", "/tidak-ada"):
            assert "jahat" not in client.get(path, headers=headers).get_data(as_text=True), path


@pytest.mark.parametrize("missing", ["/posyandu/999999", "/wilayah/99", "/wilayah/63.09.99"])
def test_if_none_match_for_something_that_does_not_exist_is_404(client, posyandu, missing):
    real = client.get(f"/posyandu/{posyandu['mawar']}")
    etag = real.headers["ETag"]
    assert client.get(missing, headers={"If-None-Match": etag}).status_code == 404
    assert client.get(missing, headers={"If-None-Match": "*"}).status_code == 404
    again = client.get(f"/posyandu/{posyandu['mawar']}", headers={"If-None-Match": etag})
    assert again.status_code == 304, "the cheap 304 stays for what exists"
    assert client.get("/wilayah/63.09", headers={"If-None-Match": etag}).status_code == 304
