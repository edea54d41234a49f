"""What the public finds from the home page (issue 13): the directory, the rollups and the sertifikat check are one
tap from / and from every page's header, and the home search finds Posyandu as well as regions."""
import gzip
import re

import pytest

from portal.direktori import ejaan
from portal.kelola import service
from tests.test_budget import PAGE_BUDGET, _compressed_size, _largest_regions, directory_page  # noqa: F401


def _links(body: str, where: str) -> set[str]:
    part = re.search(where, body, re.S).group(0)
    return set(re.findall(r'href="([^"?#]+)', part))


def test_home_leads_to_the_directory_the_rollups_and_the_sertifikat_check(client):
    body = client.get("/").get_data(as_text=True)
    assert {"/posyandu", "/wilayah", "/sertifikat"} <= _links(body, r"<main.*</main>")
    assert "Direktori Posyandu" in body and "Cek sertifikat" in body


@pytest.mark.parametrize("path", ["/", "/posyandu", "/wilayah/63.09", "/sertifikat", "/login"])
def test_every_public_header_leads_there_too(client, path):
    assert {"/posyandu", "/wilayah", "/sertifikat"} <= _links(client.get(path).get_data(as_text=True),
                                                              r"<header.*</header>")


def test_staff_keep_the_directory_and_the_rollups_in_the_header(auth):
    body = auth("kab_tabalong").get("/beranda").get_data(as_text=True)
    assert {"/posyandu", "/wilayah", "/beranda"} <= _links(body, r"<header.*</header>")
    assert "/sertifikat" in _links(body, r"<footer.*</footer>")


@pytest.fixture
def mawar(ctx):
    ejaan.lupakan()
    ids = [service.create_posyandu(None, "63.09.12.2003", {"nama": f"Posyandu Mawar {i}"}).id for i in range(7)]
    yield ids
    ejaan.lupakan()


def _posyandu_links(body: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/posyandu/(\d+)"', body)]


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "fragment"])
def test_home_search_finds_posyandu_and_regions(client, mawar, headers):
    body = client.get("/wilayah", query_string={"q": "Posyandu Mawar"}, headers=headers).get_data(as_text=True)
    assert "Tidak ada wilayah" not in body
    assert _posyandu_links(body) == mawar[:5], "the first five, each linked to its profile"
    assert 'href="/posyandu?q=Posyandu+Mawar">Semua 7 Posyandu di direktori</a>' in body
    both = client.get("/wilayah", query_string={"q": "bintang ara"}, headers=headers).get_data(as_text=True)
    assert 'href="/wilayah/63.09.12"' in both and len(_posyandu_links(both)) == 5


def test_home_search_forgives_a_typo(client, mawar):
    body = client.get("/wilayah", query_string={"q": "Posyandu Mawr"}).get_data(as_text=True)
    assert 'Maksud Anda: <a href="/wilayah?q=mawar">mawar</a>?' in body and _posyandu_links(body) == mawar[:5]
    assert 'href="/posyandu?q=mawar">Semua 7 Posyandu' in body


def test_home_search_by_code_lists_regions_only(client, mawar):
    body = client.get("/wilayah", query_string={"q": "63.09.12"}).get_data(as_text=True)
    assert 'href="/wilayah/63.09.12"' in body and _posyandu_links(body) == []
    nothing = client.get("/wilayah", query_string={"q": "zzzzqqq"}).get_data(as_text=True)
    assert "Tidak ada wilayah atau Posyandu yang cocok" in nothing


def test_pages_changed_for_issue_13_fit_the_budget(client, directory_page):  # noqa: F811
    ejaan.lupakan()
    paths = ["/", "/wilayah?q=tanjung", "/wilayah?q=posyandu+bunga", "/posyandu?q=bnga+tanjng",
             "/posyandu?page=99", "/wilayah?tabel=alur"]
    paths += [f"/wilayah/{kode}?tabel=alur" for kode in _largest_regions(client)[:2]]
    for path in paths:
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, path
        assert _compressed_size(response) <= PAGE_BUDGET, (path, _compressed_size(response))
    for path in ("/wilayah?q=tanjung", "/posyandu?q=bnga+tanjng&urut=nama"):
        response = client.get(path, headers={"HX-Request": "true"})
        assert len(gzip.compress(response.data)) <= 2048, (path, len(gzip.compress(response.data)))
