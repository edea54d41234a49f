"""The peserta picker (issue 13, item 18): it pages its list, keeps the ticks across filters and pages, picks everyone
of a desa at once, has its button on top and at the bottom, and works without JavaScript."""
import gzip
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Kader, Peserta
from tests.helpers import csrf_token, post, BINTANG_ARA_DESA, WALING, posyandu_with



class _Form(HTMLParser):
    """What a browser without JavaScript sends for form#pilih when one of its buttons is pressed."""

    def __init__(self):
        super().__init__()
        self.inside, self.fields, self.buttons, self.select, self.action = False, [], [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "pilih":
            self.inside, self.action = True, a["action"]
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name") and (a.get("type") != "checkbox" or "checked" in a):
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "button":
            self.buttons.append(a)
        elif tag == "select":
            self.select = [a["name"], None, None]  # name, first, selected
        elif tag == "option" and self.select:
            self.select[1] = self.select[1] if self.select[1] is not None else a.get("value", "")
            if "selected" in a:
                self.select[2] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            name, first, chosen = self.select
            self.fields.append((name, chosen if chosen is not None else first))
            self.select = None
        elif tag == "form":
            self.inside = False


def _press(client, html, value, tick=(), untick=(), **fields):
    """Presses the button aksi=value of the page's picker form, after ticking or unticking some people
    (('kader', id), …) and changing some fields."""
    form = _Form()
    form.feed(html)
    button = next(b for b in form.buttons if b.get("value") == value)
    data = [(n, v) for n, v in form.fields if (n, v) not in {(j, str(i)) for j, i in untick} and n not in fields]
    data += [(j, str(i)) for j, i in tick] + list(fields.items()) + [("aksi", value)]
    body = {}
    for n, v in data:
        body.setdefault(n, []).append(v)
    return client.post(button.get("formaction") or form.action, data=body)


def _ids(*names):
    return [db.session.scalar(select(Kader.id).where(Kader.nama == n)) for n in names]


def _checked(html):
    return {int(i) for i in re.findall(r'name="kader" value="(\d+)" checked>', html)}


@pytest.fixture
def banyak(data):
    """35 kader in Waling (two pages of 25), 3 more in Bintang Ara, beside the fixture's own."""
    posyandu_with(WALING, "Posyandu Anggrek", kader=[(f"Kader Anggrek {i:02d}", "kesehatan") for i in range(35)])
    posyandu_with(BINTANG_ARA_DESA, "Posyandu Dahlia", kader=[(f"Kader Dahlia {i}", "sosial") for i in range(3)])
    return data


def test_the_picker_pages_its_list_and_clamps_the_page(auth, ctx, banyak):
    client = auth("peny_tabalong")
    url = f"/kegiatan/{banyak}/peserta/pilih"
    first = client.get(url).get_data(as_text=True)
    # 35 + 2 in Waling, 3 + 1 in Bintang Ara: 41 kader, pages of 25.
    assert first.count('type="checkbox" name="kader"') == 25 and "41 orang cocok, halaman 1 dari 2" in first
    assert f'formaction="{url}?page=2"' in first
    last = client.get(f"{url}?page=99").get_data(as_text=True)
    assert last.count('type="checkbox" name="kader"') == 16 and "halaman 2 dari 2" in last
    # Tampilkan is the form's first button (the one Enter presses); Tambahkan is on top and at the bottom.
    form = _Form()
    form.feed(first)
    values = [b.get("value") for b in form.buttons]
    assert values[0] == "tampilkan" and values.count("tambah") == 2
    assert first.index('value="tambah"') < first.index('type="checkbox"') < first.rindex('value="tambah"')


def test_ticks_survive_filters_and_pages_until_added(auth, ctx, banyak):
    client = auth("peny_tabalong")
    siti, rahmah, norhayati, last = _ids("Siti Aminah", "Rahmah", "Norhayati", "Kader Anggrek 34")
    page = client.get(f"/kegiatan/{banyak}/peserta/pilih?desa={WALING}").get_data(as_text=True)
    # Tick two in Waling, then look at Bintang Ara instead: the two stay chosen.
    response = _press(client, page, "tampilkan", tick=[("kader", siti), ("kader", rahmah)], desa=BINTANG_ARA_DESA)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "2</span> dipilih" in html
    assert _checked(html) == {siti, rahmah}
    assert "2 dipilih di saringan atau halaman lain" in html and "Kader Dahlia 0" in html
    # Tick one there, go back to Waling and on to its second page: still all three.
    html = _press(client, html, "tampilkan", tick=[("kader", norhayati)], desa=WALING).get_data(as_text=True)
    assert _checked(html) == {siti, rahmah, norhayati}
    html = _press(client, html, "halaman", tick=[("kader", last)]).get_data(as_text=True)
    assert "halaman 2 dari 2" in html and _checked(html) == {siti, rahmah, norhayati, last}
    # Untick one, then add: exactly the three left, nothing before that.
    assert db.session.scalar(select(func.count()).select_from(Peserta)) == 0
    added = _press(client, html, "tambah", untick=[("kader", rahmah)])
    assert added.status_code == 303
    names = set(db.session.scalars(select(Peserta.nama)))
    assert names == {"Siti Aminah", "Norhayati", "Kader Anggrek 34"}
    again = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "3 peserta ditambahkan" in again and "0</span> dipilih" in again


def test_pilih_semua_di_desa_ini_takes_every_page_of_the_desa(auth, ctx, banyak):
    client = auth("peny_tabalong")
    url = f"/kegiatan/{banyak}/peserta/pilih"
    post(client, url, {"kader": [str(i) for i in _ids("Siti Aminah")]})  # already a peserta: not picked again
    page = client.get(f"{url}?desa={WALING}").get_data(as_text=True)
    assert "Pilih semua di desa ini (37)" in page
    assert "Pilih semua di desa ini" not in client.get(url).get_data(as_text=True)  # only for one desa
    html = _press(client, page, "semua_desa", tick=_ids_as_kader("Norhayati")).get_data(as_text=True)
    assert "37</span> dipilih" in html and "36 orang lagi dipilih di desa ini" in html
    assert len(_checked(html)) == 37  # 24 on this page (Siti is a peserta already), 12 on the next, Norhayati
    assert _press(client, html, "tambah").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Peserta)) == 1 + 37


def _ids_as_kader(*names):
    return [("kader", i) for i in _ids(*names)]


def test_a_refused_add_keeps_the_ticks(auth, ctx, banyak):
    client = auth("peny_tabalong")
    outside = _ids("Jamilah")[0]  # Hapalah lies outside the target
    page = client.get(f"/kegiatan/{banyak}/peserta/pilih").get_data(as_text=True)
    tick = _ids_as_kader("Siti Aminah", "Rahmah") + [("kader", outside)]
    refused = _press(client, page, "tambah", tick=tick)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "tidak berasal dari wilayah sasaran" in html
    assert _checked(html) == set(_ids("Siti Aminah", "Rahmah"))  # the one from outside is not offered again
    assert f'value="{outside}"' not in html
    assert db.session.scalar(select(func.count()).select_from(Peserta)) == 0
    emptied = _press(client, html, "kosongkan").get_data(as_text=True)
    assert _checked(emptied) == set() and "0</span> dipilih" in emptied


def test_with_javascript_a_tick_updates_the_count_and_a_filter_the_list(auth, ctx, banyak):
    client = auth("peny_tabalong")
    url = f"/kegiatan/{banyak}/peserta/pilih"
    htmx = {"HX-Request": "true", "X-CSRFToken": csrf_token(client), "Accept-Encoding": "gzip"}
    ids = [str(i) for i in _ids("Siti Aminah", "Rahmah")]
    count = client.post(url, data={"aksi": "hitung", "kader": ids}, headers=htmx)
    body = count.get_data(as_text=True)
    if count.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(count.data).decode()
    assert count.status_code == 200 and body.count('data-hx-swap-oob="true">2</span>') == 3 and "<li" not in body
    listing = client.post(url, data={"aksi": "tampilkan", "kader": ids, "desa": BINTANG_ARA_DESA}, headers=htmx)
    html = gzip.decompress(listing.data).decode()
    assert "<html" not in html and "Kader Dahlia 0" in html and _checked(html) == set(map(int, ids))
    full = client.post(url, data={"aksi": "tampilkan", "desa": WALING}, headers=htmx)
    assert len(full.data) <= 2048, len(full.data)  # a page of 25 people, compressed (DESIGN.md §5)
    assert db.session.scalar(select(func.count()).select_from(Peserta)) == 0
