"""Issue 13, item 18: what the staff profile tells after adding a person inline, and after flagging a pilot project."""
import gzip
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Kader, Posyandu
from portal.kelola import service
from tests.helpers import post

HX = {"HX-Request": "true", "Accept-Encoding": "gzip"}
KADER = {"nama": "Rusmiati", "jenis_kelamin": "P", "bidang": "kesehatan", "level": "madya"}


@pytest.fixture
def melati(ctx, users):
    """A Posyandu in Desa Hapalah (63.09.01.2001, Kabupaten Tabalong)."""
    return service.create_posyandu(None, "63.09.01.2001", {"nama": "Posyandu Melati 1"}).id


def _body(response) -> str:
    if response.headers.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.data).decode()
    return response.get_data(as_text=True)


# --- a kader or pengurus added inline ---------------------------------------------------------------------------

def test_the_profile_holds_a_live_region_beside_each_add_form(auth, melati):
    html = auth("desa_hapalah").get(f"/kelola/posyandu/{melati}").get_data(as_text=True)
    for jenis in ("kader", "pengurus"):
        # It is in the page before anything happens (a region inserted later is not reliably announced)
        assert f'<p id="{jenis}-status" class="status" role="status"></p>' in html
        assert html.index(f'id="{jenis}-status"') < html.index(f'id="{jenis}-baru"')  # right above the form
        assert f'id="{jenis}-baru-kirim"' in html


def test_adding_a_kader_with_htmx_says_so_beside_the_form_and_shows_the_new_row(auth, melati):
    client = auth("desa_hapalah")
    response = post(client, f"/kelola/posyandu/{melati}/kader/baru", KADER, headers=HX)
    body = _body(response)
    kader = db.session.scalar(select(Kader).where(Kader.posyandu_id == melati))
    assert response.status_code == 200 and "<html" not in body
    # The confirmation goes into the live region's text (innerHTML: the region itself stays, so it is announced)
    assert re.search(r'<p id="kader-status" data-hx-swap-oob="innerHTML">Kader Rusmiati ditambahkan\. '
                     rf'<a href="#kader-{kader.id}">Lihat di daftar</a></p>', body)
    # The page scrolls to the new row, appended out of band and highlighted (not by colour alone)
    assert response.headers["HX-Reswap"] == f"outerHTML show:#kader-{kader.id}:top"
    assert f'<li id="kader-{kader.id}" class="person baru">' in body and '<span class="tag baru">baru</span>' in body
    # A fresh, empty form whose button keeps its id, so htmx gives the focus back to it
    assert 'id="kader-baru-kirim"' in body and 'value="Rusmiati"' not in body
    assert len(gzip.compress(body.encode())) <= 2048


def test_adding_a_pengurus_names_the_seat(auth, melati):
    response = post(auth("desa_hapalah"), f"/kelola/posyandu/{melati}/pengurus/baru",
                    {"jabatan": "ketua", "nama": "Hj. Norhayati"}, headers=HX)
    body = _body(response)
    assert response.status_code == 200 and "Ketua Hj. Norhayati ditambahkan." in body
    assert re.fullmatch(r"outerHTML show:#pengurus-\d+:top", response.headers["HX-Reswap"])
    assert 'class="person baru"' in body
    assert len(gzip.compress(body.encode())) <= 2048


def test_a_refused_inline_add_says_why_in_the_live_region_and_does_not_scroll(auth, melati):
    response = post(auth("desa_hapalah"), f"/kelola/posyandu/{melati}/kader/baru", {"nama": ""}, headers=HX)
    body = _body(response)
    assert response.status_code == 422 and "HX-Reswap" not in response.headers
    assert ('<p id="kader-status" data-hx-swap-oob="innerHTML">Kader belum ditambahkan: periksa isian yang '
            'ditandai.</p>') in body
    assert "Wajib diisi." in body and "person baru" not in body
    assert db.session.scalar(select(Kader.id)) is None


def test_without_javascript_the_add_still_redirects_with_the_same_message(auth, melati):
    client = auth("desa_hapalah")
    response = post(client, f"/kelola/posyandu/{melati}/kader/baru", KADER)
    assert response.status_code == 303 and response.headers["Location"] == f"/kelola/posyandu/{melati}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<p class="flash" role="status">Kader Rusmiati ditambahkan.</p>' in page


def test_the_profile_keeps_a_strict_csp_and_no_inline_script(auth, melati):
    response = auth("desa_hapalah").get(f"/kelola/posyandu/{melati}")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    html = response.get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # every script is a static file
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handler


# --- pilot projects against the target of 3 per kabupaten ------------------------------------------------------

def _pilots(n, desa="63.09.01.2002"):
    for i in range(n):
        p = service.create_posyandu(None, desa, {"nama": f"Posyandu Pilot {i + 1}"})
        service.set_pilot(None, p, True, p.version)


def _flag(client, pid, pilot="1"):
    p = db.session.get(Posyandu, pid)
    db.session.refresh(p)
    response = post(client, f"/kelola/posyandu/{pid}/pilot", {"pilot": pilot, "version": str(p.version)})
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _flash(html: str) -> str:
    return re.search(r'<p class="flash" role="status">([^<]+)</p>', html).group(1)


def test_flagging_a_fourth_pilot_says_the_target_is_passed(auth, melati):
    _pilots(3)
    _pilots(2, desa="63.11.01.2001")  # another kabupaten's pilots do not count for Tabalong
    client = auth("kab_tabalong")
    before = client.get(f"/kelola/posyandu/{melati}").get_data(as_text=True)
    assert ('<p class="muted" id="pilot-keadaan">Pilot project di Kabupaten Tabalong. Target 3 pilot per kabupaten '
            'tercapai: kini 3.</p>') in before
    assert 'aria-describedby="pilot-keadaan">Tandai pilot project</button>' in before
    after = _flag(client, melati)
    db.session.expire_all()
    assert db.session.get(Posyandu, melati).pilot  # allowed: the kabupaten chooses
    assert _flash(after) == "Ditandai sebagai pilot project. Target 3 pilot per kabupaten sudah terlampaui: kini 4."
    assert "Target 3 pilot per kabupaten sudah terlampaui: kini 4.</p>" in after  # beside the button too
    again = _flag(client, melati, pilot="0")
    assert _flash(again) == "Tanda pilot project dicabut. Target 3 pilot per kabupaten tercapai: kini 3."


@pytest.mark.parametrize("existing, message", [
    (0, "Ditandai sebagai pilot project. Kini 1 dari target 3 pilot per kabupaten."),
    (2, "Ditandai sebagai pilot project. Target 3 pilot per kabupaten tercapai: kini 3."),
])
def test_flagging_below_or_at_the_target_says_where_it_stands(auth, melati, existing, message):
    _pilots(existing)
    assert _flash(_flag(auth("admin_kalsel"), melati)) == message


def test_the_pilot_count_is_shown_only_to_those_who_may_flag(auth, melati):
    assert 'id="pilot-keadaan"' not in auth("desa_hapalah").get(f"/kelola/posyandu/{melati}").get_data(as_text=True)
