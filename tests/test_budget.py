"""Byte budgets (DESIGN.md §5), which are deterministic: asserted here. Timings live in bench/."""
import gzip
import re

import pytest

PAGE_BUDGET = 14 * 1024
FIRST_VISIT_BUDGET = 40 * 1024

PUBLIC_PAGES = ["/", "/login", "/wilayah", "/wilayah/63", "/wilayah/63.09", "/wilayah/63.09.12",
                "/wilayah/63.09.12.2003", "/wilayah?q=sungai", "/tidak-ada"]
STAFF_PAGES = ["/beranda", "/pengguna", "/pengguna/baru", "/akun/password"]


def _compressed_size(response) -> int:
    """Bytes on the wire. Error pages go out uncompressed (Flask-Compress skips them): count them gzipped."""
    if response.status_code < 400:
        assert response.headers.get("Content-Encoding") == "gzip"
        return len(response.data)
    return len(gzip.compress(response.data))


def _largest_regions(client):
    """The kabupaten and the kecamatan with the most children: the heaviest drill-down pages."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import Wilayah
    with client.application.app_context():
        biggest = lambda level: db.session.scalar(  # noqa: E731
            select(Wilayah.parent_kode).where(Wilayah.level == level).group_by(Wilayah.parent_kode)
            .order_by(func.count().desc()).limit(1))
        return [biggest(2), biggest(3), biggest(4)]


def test_every_public_page_fits_in_the_first_flight(client):
    for path in PUBLIC_PAGES + [f"/wilayah/{k}" for k in _largest_regions(client)]:
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        size = _compressed_size(response)
        assert size <= PAGE_BUDGET, (path, size)


def test_every_staff_page_fits_in_the_first_flight(auth):
    client = auth("admin_nasional")
    for path in STAFF_PAGES:
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert _compressed_size(response) <= PAGE_BUDGET, path


def test_fragments_fit_in_two_kilobytes(auth):
    client = auth("admin_nasional")
    for path in ("/wilayah?q=hapalah", "/pengguna?q=desa"):
        response = client.get(path, headers={"HX-Request": "true", "Accept-Encoding": "gzip"})
        body = response.data if response.headers.get("Content-Encoding") != "gzip" else gzip.decompress(response.data)
        assert len(gzip.compress(body)) <= 2048, path


def test_first_visit_is_three_requests_within_budget(client):
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    html = gzip.decompress(page.data).decode()
    assets = re.findall(r'<(?:link rel="stylesheet"|script)[^>]*(?:href|src)="([^"]+)"', html)
    assert len(assets) == 2  # one stylesheet, htmx
    assert 'rel="icon" href="data:,"' in html  # no favicon request
    assert not re.search(r'(?:href|src)="(?:https?:)?//', html)  # no third-party origin
    assert re.search(r'<script src="/static/htmx\.min\.[0-9a-f]{10}\.js" defer>', html)
    total = len(page.data)
    for url in assets:
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        total += len(response.data)
    assert total <= FIRST_VISIT_BUDGET, total


def test_static_files_have_hashed_names_and_are_immutable(client):
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/app\.[0-9a-f]{10}\.css)"', html).group(1)
    response = client.get(css)
    assert response.status_code == 200 and response.mimetype == "text/css"
    cache = response.headers["Cache-Control"]
    assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
    assert client.get("/static/app.css").status_code == 404  # only the hashed name is served
    assert client.get("/static/app.0000000000.css").status_code == 404


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_html_is_compressed(client, encoding):
    response = client.get("/wilayah", headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding


def test_wilayah_pages_for_staff_stay_small(auth):
    client = auth("kab_tabalong")
    response = client.get("/wilayah/63.09", headers={"Accept-Encoding": "gzip"})
    assert _compressed_size(response) <= PAGE_BUDGET


def test_static_files_are_precompressed_and_revalidate(client):
    html = client.get("/").get_data(as_text=True)
    js = re.search(r'src="(/static/htmx\.min\.[0-9a-f]{10}\.js)"', html).group(1)
    br = client.get(js, headers={"Accept-Encoding": "br"})
    assert br.headers["Content-Encoding"] == "br" and len(br.data) < 20000
    plain = client.get(js, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.data.startswith(b"var htmx")
    again = client.get(js, headers={"Accept-Encoding": "br", "If-None-Match": br.headers["ETag"]})
    assert again.status_code == 304


def test_a_full_posyandu_profile_fits(auth, ctx):
    """A large Posyandu (9 pengurus, 45 kader with phones and NIK) and a full beranda page stay in budget."""
    from tests.test_posyandu import _complete, make_posyandu
    pid = make_posyandu(hari_buka="Setiap tanggal 10", dusun="Dusun Karya Bakti")
    _complete(pid, kader_per_bidang=7)
    for i in range(30):
        make_posyandu(nama=f"Posyandu Anggrek {i}")
    client = auth("kab_tabalong")
    for path in (f"/kelola/posyandu/{pid}", "/beranda", f"/kelola/posyandu/{pid}/riwayat",
                 f"/kelola/posyandu/{pid}/layanan", f"/kelola/posyandu/{pid}/ubah", "/kelola/katalog"):
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code in (200, 403)
        if response.status_code == 200:
            assert _compressed_size(response) <= PAGE_BUDGET, (path, _compressed_size(response))


def test_kader_fragments_fit_in_two_kilobytes(auth, ctx):
    from tests.helpers import post
    from tests.test_posyandu import make_posyandu
    pid = make_posyandu()
    client = auth("desa_hapalah")
    htmx = {"HX-Request": "true"}
    added = post(client, f"/kelola/posyandu/{pid}/kader/baru",
                 {"nama": "Siti Aminah", "jenis_kelamin": "P", "bidang": "kesehatan", "nik": "6309015501900001",
                  "telepon": "081234567890"}, headers=htmx)
    kader_id = int(re.search(r'id="kader-(\d+)"', added.get_data(as_text=True)).group(1))
    fragments = {
        "added": added,
        "edit form": client.get(f"/kelola/kader/{kader_id}/ubah", headers=htmx),
        "row": client.get(f"/kelola/kader/{kader_id}", headers=htmx),
        "saved": post(client, f"/kelola/kader/{kader_id}/ubah", {"version": "1", "nama": "Siti Aminah",
                                                                   "jenis_kelamin": "P", "bidang": "sosial"},
                      headers=htmx),
        "beranda list": client.get("/beranda?q=melati", headers=htmx),
    }
    for name, response in fragments.items():
        assert response.status_code == 200, name
        assert len(gzip.compress(response.data)) <= 2048, (name, len(gzip.compress(response.data)))


@pytest.fixture
def directory_page(ctx):
    """More than a page of Posyandu with long names spread over many desa, one with every service of the catalogue,
    and registration states: the heaviest directory, profile and rollup pages."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Posyandu, Wilayah
    from portal.kelola import service
    from tests.test_posyandu import _complete
    desa = db.session.scalars(select(Wilayah.kode).where(Wilayah.level == 4, Wilayah.kode.like("63.%"))
                              .order_by(Wilayah.kode).limit(40)).all()
    states = ["belum", "draf", "diajukan", "diverifikasi_kecamatan", "teregistrasi", "dikembalikan"]
    for i, kode in enumerate(desa):
        p = service.create_posyandu(None, kode, {"nama": f"Posyandu Bunga Tanjung Harapan Sejahtera {i:02d}"},
                                    commit=False)
        p.status_registrasi = states[i % len(states)]
        p.pilot = i % 7 == 0
    db.session.commit()
    full = db.session.scalar(select(Posyandu).order_by(Posyandu.id).limit(1))
    _complete(full.id, kader_per_bidang=4)
    full = db.session.get(Posyandu, full.id)
    service.set_layanan(None, full, [k.id for k in service.katalog()], full.version)
    return full.id


def test_directory_profile_and_rollups_with_full_pages_fit(client, directory_page):
    paths = ["/posyandu", "/posyandu?q=tanjung", "/posyandu?wilayah=63&urut=nama", f"/posyandu/{directory_page}",
             "/wilayah?tabel=registrasi", "/wilayah?tabel=layanan"]
    for kode in _largest_regions(client)[:2]:
        paths += [f"/wilayah/{kode}?tabel=registrasi", f"/wilayah/{kode}?tabel=layanan"]
    for path in paths:
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, path
        assert _compressed_size(response) <= PAGE_BUDGET, (path, _compressed_size(response))
    listing = client.get("/posyandu?q=tanjung").get_data(as_text=True)
    assert listing.count('href="/posyandu/') == 25, "a full page of results"


def test_directory_fragment_with_a_full_page_fits_in_two_kilobytes(client, directory_page):
    response = client.get("/posyandu?q=tanjung&urut=nama", headers={"HX-Request": "true", "Accept-Encoding": "gzip"})
    body = gzip.decompress(response.data)
    assert body.count(b'href="/posyandu/') == 25
    assert len(gzip.compress(body)) <= 2048, len(gzip.compress(body))


PRINT_BUDGET = 150 * 1024  # DESIGN.md §5: a print page, 100 peserta, QR codes inline, one request


@pytest.fixture
def kegiatan_100(ctx, users):
    """A finished two-day bimtek with 100 peserta with long names, every one of whom earned a sertifikat."""
    from datetime import timedelta

    from sqlalchemy import update

    from portal.extensions import db
    from portal.formatting import hari_ini
    from portal.kegiatan import peserta, service
    from portal.models import Peserta, User
    from tests.helpers import BINTANG_ARA_DESA, WALING, kegiatan_form
    organiser = db.session.get(User, users["peny_tabalong"])
    today = hari_ini()
    k = service.create(organiser, kegiatan_form(today - timedelta(days=3), today - timedelta(days=2),
                                        judul="Bimbingan Teknis Peningkatan Kapasitas Kader Posyandu 6 Bidang SPM",
                                        penandatangan="Drs. H. Ahmad Yani, M.Si", jabatan_penandatangan="Kepala DPMD"))
    for i in range(100):
        peserta.register_at_venue(organiser, k, {"nama": f"Peserta Nomor {i:03d} Binti Abdullah Rahmatullah",
                                                 "asal_kode": WALING if i % 2 else BINTANG_ARA_DESA, "peran": "kader",
                                                 "bidang": "kesehatan"}, tetap_baru=True)
    db.session.execute(update(Peserta).where(Peserta.kegiatan_id == k.id).values(hari_hadir=2, lulus=True))
    db.session.commit()
    return k.id


def _subresources(html: str) -> list[str]:
    """Everything the page makes the browser fetch: src/srcset/data/poster attributes, stylesheets and icons, SVG
    image and use references, CSS url()."""
    found = re.findall(r'\s(?:src|srcset|data|poster)="([^"]*)"', html)
    found += re.findall(r'<link[^>]*href="([^"]*)"', html)
    found += re.findall(r'<(?:image|use|feImage)[^>]*href="([^"]*)"', html)
    found += re.findall(r"url\(([^)]*)\)", html)
    return found


def test_print_pages_of_100_peserta_are_one_request_within_their_budget(app, auth, kegiatan_100, tmp_path):
    from tests.test_kegiatan_cetak import png
    (tmp_path / "logo.png").write_bytes(png(64, 64))
    app.config["SERTIFIKAT_LOGO"] = str(tmp_path / "logo.png")
    client = auth("peny_tabalong")
    for page, count in (("kartu", '<svg role="img" aria-label="Kode QR check-in'), ("sertifikat", 'class="sertifikat"'),
                        ("daftar-hadir", "Binti Abdullah")):
        response = client.get(f"/kegiatan/{kegiatan_100}/{page}", headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, page
        html = gzip.decompress(response.data).decode()
        assert html.count(count) == 100, page
        size = _compressed_size(response)
        assert size <= PRINT_BUDGET, (page, size)
        assets = [url for url in _subresources(html) if not url.startswith(("data:", "#"))]
        # Only the stylesheet and htmx, cached immutable from every other page: the page itself is the one request.
        assert len(assets) == 2 and all(re.fullmatch(r"/static/(app|htmx\.min)\.[0-9a-f]{10}\.(css|js)", u)
                                        for u in assets), (page, assets)
    sertifikat = client.get(f"/kegiatan/{kegiatan_100}/sertifikat").get_data(as_text=True)
    assert sertifikat.count("data:image/png;base64,") == 1 and sertifikat.count('<use href="#logo"/>') == 100
