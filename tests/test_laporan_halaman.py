"""Laporan bulanan pages (issue 16): scope per role, the whole journey through the pages (make, fill, send, return
with a reason, fix, resend, accept, lock, koreksi), CSRF, hostile values, the save fragment's size, the print page."""
import gzip
import io
import re
from datetime import timedelta

import pytest

from helpers import csrf_token, form_values, post
from portal.extensions import db
from portal.formatting import hari_ini
from portal.kelola import service as posyandu_service
from portal.laporan import service
from portal.models.laporan import Laporan

HAPALAH = "63.09.01.2001"


def _periode_lalu() -> str:
    first = hari_ini().replace(day=1) - timedelta(days=1)
    return f"{first:%Y-%m}"


@pytest.fixture
def pid(ctx, users):
    return posyandu_service.create_posyandu(None, HAPALAH, {"nama": "Posyandu Melati"}).id


def _buat(client, pid, periode=None):
    periode = periode or _periode_lalu()
    r = post(client, f"/laporan/posyandu/{pid}/{periode}")
    assert r.status_code == 303, r.get_data(as_text=True)
    return int(re.search(r"/laporan/(\d+)$", r.headers["Location"]).group(1))


def _isi_lengkap(lid) -> dict:
    laporan = db.session.get(Laporan, lid)
    periode = laporan.periode
    data = {f"nilai-{n.kode}": "1" if n.jenis == "ya_tidak" else "3" for n in laporan.nilai if n.sumber == "isian"}
    return data | {"kader_hadir": "6", "hari_buka": [f"{periode}-05", f"{periode}-19"],
                   "catatan-kesehatan": "Imunisasi campak.", "version": str(laporan.version)}


def _page(client, lid):
    r = client.get(f"/laporan/{lid}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def _langkah(client, lid, aksi, catatan=None):
    html = _page(client, lid)
    version = re.search(rf'id="versi-{aksi}" value="(\d+)"', html).group(1)
    data = {"version": version} | ({"catatan": catatan} if catatan is not None else {})
    return post(client, f"/laporan/{lid}/{aksi}", data)


def _status(lid) -> str:
    db.session.expire_all()
    return db.session.get(Laporan, lid).status


# --- scope --------------------------------------------------------------------------------------------------------

def test_the_list_shows_the_region_and_the_desa_may_make_a_report(auth, pid):
    desa = auth("desa_hapalah")
    html = desa.get("/laporan").get_data(as_text=True)
    assert "Posyandu Melati" in html and "Buat laporan" in html and 'href="/laporan"' in html
    assert f'value="{_periode_lalu()}" selected' in html
    for other in ("desa_pamarangan", "kec_bintangara", "kab_balangan"):
        assert "Posyandu Melati" not in auth(other).get("/laporan").get_data(as_text=True), other
    kec = auth("kec_banualawas").get("/laporan").get_data(as_text=True)
    assert "Posyandu Melati" in kec and "Buat laporan" not in kec
    assert "Posyandu Melati" in auth("admin_nasional").get("/laporan").get_data(as_text=True)
    assert auth("peny_tabalong").get("/laporan").status_code == 403
    assert 'href="/laporan"' not in auth("peny_tabalong").get("/beranda").get_data(as_text=True)


def test_a_report_is_seen_inside_the_region_only(auth, pid):
    lid = _buat(auth("desa_hapalah"), pid)
    for name in ("desa_hapalah", "kec_banualawas", "kab_tabalong", "admin_kalsel"):
        assert auth(name).get(f"/laporan/{lid}").status_code == 200, name
        assert auth(name).get(f"/laporan/{lid}/cetak").status_code == 200, name
    for name in ("desa_pamarangan", "kec_bintangara", "kab_balangan", "admin_kaltim"):
        assert auth(name).get(f"/laporan/{lid}").status_code == 404, name
        assert post(auth(name), f"/laporan/{lid}", {"version": "1"}).status_code == 404, name
    assert auth("peny_tabalong").get(f"/laporan/{lid}").status_code == 403
    # in scope but not the one who fills it in: 403, and nothing made or saved
    kec = auth("kec_banualawas")
    assert post(kec, f"/laporan/{lid}", _isi_lengkap(lid)).status_code == 403
    assert post(kec, f"/laporan/posyandu/{pid}/{_periode_lalu()}").status_code == 403
    assert post(auth("desa_pamarangan"), f"/laporan/posyandu/{pid}/{_periode_lalu()}").status_code == 404
    assert db.session.get(Laporan, lid).kader_hadir is None


# --- the journey ---------------------------------------------------------------------------------------------------

def test_the_whole_journey_through_the_pages(auth, pid):
    desa, kec, kab = auth("desa_hapalah"), auth("kec_banualawas"), auth("kab_tabalong")
    lid = _buat(desa, pid)
    html = _page(desa, lid)
    assert html.count('name="hari_buka"') == len(service.hari_dalam(_periode_lalu())) and 'name="kader_hadir"' in html
    # sending an empty report is refused with the reason
    r = _langkah(desa, lid, "kirim")
    assert r.status_code == 422 and "hari buka" in r.get_data(as_text=True) and _status(lid) == "draf"
    r = post(desa, f"/laporan/{lid}", _isi_lengkap(lid))
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/laporan/{lid}")
    values = form_values(_page(desa, lid), 1)  # the entry form as the browser would send it again
    assert values["kader_hadir"] == "6" and values["hari_buka"] == [f"{_periode_lalu()}-05", f"{_periode_lalu()}-19"]
    assert _langkah(desa, lid, "kirim").status_code == 303 and _status(lid) == "dikirim"
    assert 'name="kader_hadir"' not in _page(desa, lid)  # read only once sent
    # the kecamatan returns it: a reason is required
    r = _langkah(kec, lid, "kembalikan", "")
    assert r.status_code == 422 and "alasan" in r.get_data(as_text=True).lower() and _status(lid) == "dikirim"
    assert _langkah(kec, lid, "kembalikan", "Jumlah balita ditimbang tidak masuk akal.").status_code == 303
    html = _page(desa, lid)
    assert html.index('id="alasan"') < html.index('id="isian"') and "tidak masuk akal" in html
    assert "Kecamatan" in html[html.index('id="alasan"'):html.index('id="isian"')]
    data = _isi_lengkap(lid) | {"kader_hadir": "7"}
    assert post(desa, f"/laporan/{lid}", data).status_code == 303
    assert _langkah(desa, lid, "kirim").status_code == 303
    assert _langkah(kec, lid, "terima_kecamatan").status_code == 303 and _status(lid) == "diterima_kecamatan"
    assert _langkah(kab, lid, "terima_kabupaten").status_code == 303 and _status(lid) == "diterima_kabupaten"
    # locked: no entry form, a save is refused with the reason
    assert 'id="isian"' not in _page(desa, lid)
    r = post(desa, f"/laporan/{lid}", _isi_lengkap(lid) | {"kader_hadir": "9"})
    assert r.status_code == 422 and db.session.get(Laporan, lid).kader_hadir == 7
    # the kabupaten opens it for a correction with a reason; the desa sees it first
    assert _langkah(kab, lid, "koreksi", "").status_code == 422
    assert _langkah(kab, lid, "koreksi", "Salah ketik jumlah ibu hamil.").status_code == 303
    html = _page(desa, lid)
    assert _status(lid) == "dikembalikan" and "Dibuka untuk koreksi" in html and 'id="isian"' in html
    timeline = html[html.index('id="linimasa"'):]
    assert timeline.count("<li>") == 7 and "Salah ketik" in timeline


def test_a_second_make_leads_to_the_report_and_a_stale_save_is_a_conflict(auth, pid):
    desa = auth("desa_hapalah")
    lid = _buat(desa, pid)
    r = post(desa, f"/laporan/posyandu/{pid}/{_periode_lalu()}")
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/laporan/{lid}")
    data = _isi_lengkap(lid)
    assert post(desa, f"/laporan/{lid}", data).status_code == 303
    r = post(desa, f"/laporan/{lid}", data | {"kader_hadir": "8"})  # the same version again
    assert r.status_code == 409 and db.session.get(Laporan, lid).kader_hadir == 6
    assert 'value="8"' in r.get_data(as_text=True)  # the user's input is kept, with today's version: sent again,
    again = form_values(r.get_data(as_text=True), 1)  # it is saved knowingly
    assert again["version"] == str(db.session.get(Laporan, lid).version)
    assert post(desa, f"/laporan/{lid}", again).status_code == 303 and db.session.get(Laporan, lid).kader_hadir == 8
    # a stale step form too
    r = post(desa, f"/laporan/{lid}/kirim", {"version": "1"})
    assert r.status_code == 409 and _status(lid) == "draf"


def test_bad_values_are_refused_beside_their_fields(auth, pid):
    desa = auth("desa_hapalah")
    lid = _buat(desa, pid)
    laporan = db.session.get(Laporan, lid)
    kode = next(n.kode for n in laporan.nilai if n.sumber == "isian" and n.jenis == "jumlah")
    data = _isi_lengkap(lid) | {f"nilai-{kode}": "٣", "kader_hadir": "-1", "hari_buka": ["2000-01-01"]}
    r = post(desa, f"/laporan/{lid}", data)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert f'id="nilai-{kode}-err"' in html and 'id="kader_hadir-err"' in html and 'id="hari_buka-err"' in html
    assert db.session.get(Laporan, lid).kader_hadir is None
    # a file part under a value's name is no value; a JSON body is refused
    data = _isi_lengkap(lid) | {f"nilai-{kode}": (io.BytesIO(b"5"), "x.txt")}
    r = post(desa, f"/laporan/{lid}", data, content_type="multipart/form-data")
    assert r.status_code == 303 and db.session.get(Laporan, lid).nilai_per_kode[kode].nilai is None
    r = desa.post(f"/laporan/{lid}", json={"kader_hadir": 5}, headers={"X-CSRFToken": csrf_token(desa)})
    assert r.status_code == 415


def test_csrf_is_required(auth, pid):
    desa = auth("desa_hapalah")
    assert desa.post(f"/laporan/posyandu/{pid}/{_periode_lalu()}").status_code == 400
    lid = _buat(desa, pid)
    data = _isi_lengkap(lid)
    assert desa.post(f"/laporan/{lid}", data=data).status_code == 400
    assert desa.post(f"/laporan/{lid}/kirim", data={"version": "1"}).status_code == 400
    assert db.session.get(Laporan, lid).kader_hadir is None


def test_the_htmx_save_answers_a_small_fragment_with_the_new_version(auth, pid):
    desa = auth("desa_hapalah")
    lid = _buat(desa, pid)
    r = post(desa, f"/laporan/{lid}", _isi_lengkap(lid), headers={"HX-Request": "true", "Accept-Encoding": "gzip"})
    body = gzip.decompress(r.data) if r.headers.get("Content-Encoding") == "gzip" else r.data
    assert r.status_code == 200 and len(gzip.compress(body)) <= 2048
    text = body.decode()
    version = db.session.get(Laporan, lid).version
    assert "tersimpan" in text and f'id="versi-isian" value="{version}"' in text
    assert f'id="versi-kirim" value="{version}"' in text and "<html" not in text
    # refused: the form again in place, with the messages beside the fields
    r = post(desa, f"/laporan/{lid}", _isi_lengkap(lid) | {"version": "1"}, headers={"HX-Request": "true"})
    assert r.status_code == 409 and r.headers["HX-Retarget"] == "#isian"
    data = _isi_lengkap(lid) | {"kader_hadir": "x"}
    r = post(desa, f"/laporan/{lid}", data, headers={"HX-Request": "true"})
    assert r.status_code == 422 and 'id="kader_hadir-err"' in r.get_data(as_text=True)


def test_the_print_page(auth, pid):
    desa = auth("desa_hapalah")
    lid = _buat(desa, pid)
    post(desa, f"/laporan/{lid}", _isi_lengkap(lid))
    html = desa.get(f"/laporan/{lid}/cetak").get_data(as_text=True)
    assert "LAPORAN BULANAN POSYANDU" in html and "Ketua Posyandu Melati" in html and "Kepala Desa Hapalah" in html
    assert html.count('class="ttd-blok"') == 2 and "Imunisasi campak." in html and "(2 hari)" in html
    assert "<script" not in html.split("</header>", 1)[1]


def test_the_roles_queue_comes_first_counted_and_paged(app, auth, pid, monkeypatch):
    for nama in ("Posyandu Anggrek", "Posyandu Zaitun"):
        last = posyandu_service.create_posyandu(None, HAPALAH, {"nama": nama})
    lid = _buat(auth("desa_hapalah"), last.id)
    db.session.get(Laporan, lid).status = "dikirim"
    db.session.commit()
    html = auth("kec_banualawas").get("/laporan").get_data(as_text=True)
    items = html[html.index('<ul class="list">'):]
    assert items.index("Posyandu Zaitun") < items.index("Posyandu Anggrek") < items.index("Posyandu Melati")
    assert re.search(r'class="antrian">Dikirim ke kecamatan <strong>1<', html)
    desa = auth("desa_hapalah").get("/laporan").get_data(as_text=True)
    items = desa[desa.index('<ul class="list">'):]
    assert items.index("Posyandu Anggrek") < items.index("Posyandu Zaitun")  # belum dibuat first, the sent one last
    monkeypatch.setitem(app.config, "PER_HALAMAN", 2)
    page = auth("kab_tabalong").get("/laporan?periode=2099-99").get_data(as_text=True)
    assert f'value="{_periode_lalu()}" selected' in page and 'class="pager"' in page and "Halaman 1 dari 2" in page
    assert auth("kab_tabalong").get(f"/laporan?periode={_periode_lalu()}&page=2").status_code == 200
