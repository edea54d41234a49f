"""Attendance pages (issue 13, item 18): a day to come is read-only; a QR card opened while logged out explains
itself."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.formatting import hari_ini
from portal.kegiatan import hadir as kegiatan_hadir
from portal.models import Kehadiran
from tests.helpers import add_peserta, mark, peserta_named



def test_a_day_to_come_shows_a_read_only_list(dua_hari):
    k, client = dua_hari
    today = hari_ini()
    besok = f"/kegiatan/{k.id}/hadir/{(today + timedelta(days=1)).isoformat()}"
    for headers in ({}, {"HX-Request": "true"}):  # the page without JavaScript, and the list htmx fetches
        html = client.get(besok, headers=headers).get_data(as_text=True)
        assert "Siti Aminah" in html and "belum ditandai" in html
        assert 'name="t"' not in html and f'<form method="post" action="{besok}"' not in html, headers
    page = client.get(besok).get_data(as_text=True)
    assert "Hari 2" in page and "belum tiba: daftar ini hanya untuk dilihat" in page
    # Today keeps its buttons; a forged post for tomorrow is refused and its row comes back without buttons.
    assert client.get(f"/kegiatan/{k.id}/hadir/{today.isoformat()}").get_data(as_text=True).count('name="t"') == 3
    refused = mark(client, k.id, today + timedelta(days=1), peserta_named(k.id, "Siti Aminah").id, "hadir", htmx=True)
    assert refused.status_code == 422 and 'name="t"' not in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Kehadiran)) == 0


def test_a_qr_card_opened_logged_out_explains_it_is_for_the_panitia(auth, ctx, data, client):
    organiser = auth("peny_tabalong")
    add_peserta(organiser, data, "Siti Aminah")
    token = kegiatan_hadir.token_qr(peserta_named(data, "Siti Aminah"))
    url = f"/kegiatan/qr/{token}"
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Kode QR ini untuk panitia" in html
    assert "tunjukkan kepada panitia" in html  # what a peserta who scanned their own card should do
    assert "Siti Aminah" not in html and "Bimtek" not in html  # nothing about the person or the event
    login = re.search(r'href="(/login\?next=[^"]+)"', html).group(1)
    assert login == f"/login?next={url}"
    # The login it offers comes back to the check-in page.
    from tests.helpers import csrf_token
    response = client.post(login, data={"username": "peny_tabalong", "password": "kata-sandi-uji-123",
                                        "csrf_token": csrf_token(client)})
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    assert "Tandai hadir hari ini" in client.get(url).get_data(as_text=True)
    # A post while logged out still goes to the login (it marks nothing).
    other = client.application.test_client()
    assert other.post(url).status_code in (302, 400)
    assert db.session.scalar(select(func.count()).select_from(Kehadiran)) == 0
