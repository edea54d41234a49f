import re

import pytest
from sqlalchemy import func, select

from portal import rekap
from portal.extensions import db
from portal.models import Kader, Posyandu, Wilayah
from portal.models.wilayah import jenis_of
from portal import rules
from portal import wilayah_baca as service


def test_first_import_brings_the_whole_country(wilayah_import):
    first, second = wilayah_import
    assert (first.added, first.renamed, first.unchanged) == (91599, 0, 0)
    assert (second.added, second.renamed, second.unchanged, second.absent) == (0, 0, 91599, 0)


def test_country_counts(ctx):
    counts = dict(db.session.execute(select(Wilayah.level, func.count()).group_by(Wilayah.level)).all())
    assert counts == {1: 38, 2: 514, 3: 7285, 4: 83762}


def test_tabalong_and_kalsel(ctx):
    assert service.composition("63.09") == {"kecamatan": 12, "kelurahan": 10, "desa": 121}
    kalsel = service.composition("63")
    assert kalsel == {"kabupaten": 11, "kota": 2, "kecamatan": 156, "kelurahan": 144, "desa": 1872}
    assert service.composition("63.09.12") == {"desa": 9}
    assert db.session.get(Wilayah, "63.09.04.2006").nama == "Pamarangan Kiwa"
    pembataan = db.session.get(Wilayah, "63.09.06.1009")
    assert pembataan.nama == "Pembataan" and pembataan.jenis == "kelurahan"
    assert db.session.get(Wilayah, "63.09.01.2001").nama_lengkap == "Desa Hapalah"


@pytest.mark.parametrize("kode, jenis", [
    ("63", "provinsi"), ("63.09", "kabupaten"), ("63.71", "kota"), ("63.09.12", "kecamatan"),
    ("94.01.01", "distrik"), ("63.09.06.1009", "kelurahan"), ("63.09.12.2003", "desa"), ("91.03.01.3001", "desa_adat"),
])
def test_jenis_derived_from_code(kode, jenis):
    assert jenis_of(kode) == jenis


def _posyandu(desa, n_kader, aktif=True, kader_aktif=True):
    p = Posyandu(nama=f"Posyandu {desa}", desa_kode=desa, aktif=aktif)
    db.session.add(p)
    db.session.flush()
    for i in range(n_kader):
        db.session.add(Kader(posyandu_id=p.id, nama=f"Kader {i}", bidang="kesehatan", aktif=kader_aktif))
    return p


@pytest.fixture
def some_posyandu(ctx):
    _posyandu("63.09.12.2003", 15)
    _posyandu("63.09.12.2003", 3)
    _posyandu("63.09.01.2001", 4)
    _posyandu("63.11.01.2001", 2)
    _posyandu("63.09.12.2001", 9, aktif=False)  # closed: not counted
    _posyandu("63.09.12.2001", 0)
    _posyandu("63.09.12.2002", 5, kader_aktif=False)  # its kader left: Posyandu counted, kader not
    db.session.commit()


def _dpk(counts) -> tuple[int, int, int]:
    return counts.desa, counts.posyandu, counts.kader


def test_rollup_counts_only_active_records_in_scope(some_posyandu):
    assert _dpk(rekap.wilayah("63.09")) == (131, 5, 22)
    assert _dpk(rekap.wilayah("63.09.12")) == (9, 4, 18)
    assert _dpk(rekap.wilayah("63")) == (2016, 6, 24)
    assert rekap.wilayah("64").posyandu == 0
    assert _dpk(rekap.wilayah("")) == (83762, 6, 24)
    kids = {w.kode: c for w, c in rekap.anak("63.09")}
    assert len(kids) == 12
    assert _dpk(kids["63.09.12"]) == (9, 4, 18)
    assert kids["63.09.01"].posyandu == 1 and kids["63.09.01"].kader == 4
    desa = {w.kode: c for w, c in rekap.anak("63.09.12")}
    assert desa["63.09.12.2003"].posyandu == 2 and desa["63.09.12.2003"].kader == 18
    assert desa["63.09.12.2001"].posyandu == 1 and desa["63.09.12.2001"].kader == 0
    assert rekap.wilayah("63.09.12").desa_berposyandu == 3
    provinces = {w.kode: c for w, c in rekap.anak("")}
    assert len(provinces) == 38 and provinces["63"].posyandu == 6 and provinces["63"].desa == 2016


def test_rekap_follows_every_change_and_matches_a_rebuild(ctx, some_posyandu):
    """Moving, closing and reopening Posyandu and changing kader keep every level right, and a full rebuild from the
    records gives the very same rows."""
    p = db.session.scalar(select(Posyandu).where(Posyandu.desa_kode == "63.09.01.2001"))
    p.desa_kode = "63.09.12.2002"
    db.session.commit()
    assert rekap.wilayah("63.09.01").posyandu == 0 and _dpk(rekap.wilayah("63.09.12")) == (9, 5, 22)
    k = db.session.scalar(select(Kader).where(Kader.posyandu_id == p.id).limit(1))
    k.aktif = False
    db.session.commit()
    assert rekap.wilayah("63.09").kader == 21 and rekap.wilayah("63").kader == 23
    before = _rows()
    rekap.bangun()
    db.session.commit()
    assert _rows() == before


def test_a_write_the_orm_does_not_see_is_touched_and_recomputed_at_commit(ctx, some_posyandu):
    """A Core UPDATE (as registrasi mirrors an usulan's status) feeds the same set through rekap.touch(); the commit
    recomputes it, a rollback forgets it."""
    from sqlalchemy import update
    table = Posyandu.__table__
    p = db.session.scalar(select(Posyandu).where(Posyandu.desa_kode == "63.09.01.2001"))
    db.session.execute(update(table).where(table.c.id == p.id).values(status_registrasi="diajukan"))
    rekap.touch(db.session, desa={p.desa_kode})
    db.session.rollback()
    db.session.commit()
    assert rekap.wilayah("63.09").status_diajukan == 0
    db.session.execute(update(table).where(table.c.id == p.id).values(status_registrasi="diajukan"))
    rekap.touch(db.session, desa={p.desa_kode})
    assert rekap.wilayah("63.09").status_diajukan == 0  # nothing until the commit
    db.session.commit()
    assert rekap.wilayah("63.09.01").status_diajukan == rekap.wilayah("63").status_diajukan == 1
    before = _rows()
    rekap.bangun()
    db.session.commit()
    assert _rows() == before


def _rows():
    from portal.models.rekap import UKURAN, rekap_wilayah
    return db.session.execute(select(rekap_wilayah.c.kode, *(rekap_wilayah.c[u] for u in UKURAN))
                              .where(rekap_wilayah.c.posyandu > 0).order_by(rekap_wilayah.c.kode)).all()


def _cells(html: str, name: str) -> list[str]:
    row = re.search(rf">{re.escape(name)}</a>(?: <small[^>]*>[^<]*</small>)?</th>(.*?)</tr>", html).group(1)
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r'<td class="num[^"]*">(.*?)</td>', row)]


def test_drill_down(client, some_posyandu):
    country = client.get("/wilayah").get_data(as_text=True)
    assert "Kalimantan Selatan" in country and 'href="/wilayah/63"' in country
    assert _cells(country, "Kalimantan Selatan") == ["2.016", "6", "24", "0%"]
    assert "83.762" in country  # desa/kelurahan in the whole country

    kalsel = client.get("/wilayah/63").get_data(as_text=True)
    assert 'href="/wilayah/63.09"' in kalsel and '>Tabalong</a>' in kalsel

    tabalong = client.get("/wilayah/63.09").get_data(as_text=True)
    assert "12 kecamatan · 10 kelurahan · 121 desa" in tabalong
    assert _cells(tabalong, "Bintang Ara") == ["9", "4", "18", "0%"]
    assert 'href="/wilayah/63">Kalimantan Selatan</a>' in tabalong  # breadcrumb

    bintang_ara = client.get("/wilayah/63.09.12").get_data(as_text=True)
    assert bintang_ara.count('href="/wilayah/63.09.12.') == 9
    name = db.session.get(Wilayah, "63.09.12.2003").nama
    assert _cells(bintang_ara, name) == ["2", "18", "0%"]  # at kecamatan level the children are desa: no desa column

    desa = client.get("/wilayah/63.09.12.2003")
    assert desa.status_code == 200 and "kode 63.09.12.2003" in desa.get_data(as_text=True)


def test_drill_down_shows_zero_before_any_profile(client):
    page = client.get("/wilayah/63.09").get_data(as_text=True)
    assert _cells(page, "Bintang Ara") == ["9", "0", "0", "–"]


@pytest.mark.parametrize("kode", ["99", "63.99", "6309", "63.09.12.2003.1", "x", "63.09.12.9999"])
def test_unknown_region_is_404(client, kode):
    assert client.get(f"/wilayah/{kode}").status_code == 404


@pytest.mark.parametrize("q, expected", [
    ("hapalah", "63.09.01.2001"), ("HAPALAH", "63.09.01.2001"), ("pamarangan kiwa", "63.09.04.2006"),
    ("63.09.12", "63.09.12"), ("tabalong", "63.09"), ("kab tabalong", "63.09"), ("Kec. Bintang Ara", "63.09.12"),
])
def test_search(client, q, expected):
    response = client.get("/wilayah", query_string={"q": q})
    assert response.status_code == 200
    assert f'href="/wilayah/{expected}"' in response.get_data(as_text=True)


def test_search_ignores_spelling_noise(ctx):
    # Names with an apostrophe are found without it, and the other way round.
    with_apostrophe = db.session.scalar(select(Wilayah).where(Wilayah.nama.like("%'%"), Wilayah.level == 4))
    plain = service.normalize_name(with_apostrophe.nama)
    assert with_apostrophe.kode in [w.kode for w, _ in service.search(plain, limit=500)]


def test_search_fragment_for_htmx(client):
    response = client.get("/wilayah", query_string={"q": "hapalah"}, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and "Desa Hapalah" in body
    assert "HX-Request" in response.headers["Vary"]


def test_search_without_result(client):
    body = client.get("/wilayah", query_string={"q": "zzzzqqq"}).get_data(as_text=True)
    assert "Tidak ada wilayah atau Posyandu yang cocok" in body


def test_home_shows_totals(client, some_posyandu):
    body = client.get("/").get_data(as_text=True)
    assert "83.762" in body and 'name="q"' in body


def test_rollup_of_pengurus_pilot_and_complete_profiles(client, ctx):
    from tests.test_posyandu import _complete
    complete = _posyandu("63.09.12.2003", 0)
    db.session.commit()
    _complete(complete.id)
    pilot = _posyandu("63.09.01.2001", 2)
    pilot.pilot = True
    closed_pilot = _posyandu("63.09.01.2001", 2, aktif=False)
    closed_pilot.pilot = True
    db.session.commit()
    totals = rekap.wilayah("63.09")
    assert (totals.posyandu, totals.kader, totals.pengurus, totals.pilot, totals.lengkap) == (2, 20, 9, 1, 1)
    assert {b: totals[f"kader_{b}"] for b in rules.BIDANG} == {
        "pendidikan": 3, "kesehatan": 5, "pu": 3, "perumahan": 3, "trantibumlinmas": 3, "sosial": 3}
    kids = {w.kode: c for w, c in rekap.anak("63.09")}
    assert kids["63.09.12"].lengkap == 1 and kids["63.09.01"].lengkap == 0 and kids["63.09.01"].pilot == 1
    # KADER_MINIMUM decides: raised, a rebuild finds the profile incomplete.
    ctx.config["KADER_MINIMUM"] = 21
    rekap.bangun()
    db.session.commit()
    assert rekap.wilayah("63.09").lengkap == 0 and not db.session.get(Posyandu, complete.id).lengkap
    ctx.config["KADER_MINIMUM"] = 15
    rekap.bangun()
    db.session.commit()
    tabalong = client.get("/wilayah/63.09").get_data(as_text=True)
    assert "target 3" in tabalong and "50,0%" in tabalong
    assert _cells(tabalong, "Bintang Ara") == ["9", "1", "18", "100%"]
    kalsel = client.get("/wilayah/63").get_data(as_text=True)
    assert _cells(kalsel, "Tabalong") == ["131", "2", "20", "50%", "1/3"]


def test_alur_cells_sit_under_their_own_state_heads(app, client):
    """The alur table's heads follow the four steps (ditolak sits with belum diajukan); each row's cells follow the
    same order, so no number stands under another state's head."""
    from sqlalchemy import update

    from portal.models.posyandu import KELOMPOK_STATUS
    from portal.models.rekap import rekap_wilayah
    urutan = [st for _, states in KELOMPOK_STATUS.values() for st in states]
    with app.app_context():
        db.session.execute(update(rekap_wilayah).where(rekap_wilayah.c.kode == "63.09.12").values(
            posyandu=100, **{f"status_{st}": i + 1 for i, st in enumerate(urutan)}))
        db.session.commit()
    body = client.get("/wilayah/63.09?tabel=alur").get_data(as_text=True)
    row = re.search(r"Bintang Ara</a>.*?</tr>\s*<tr>(.*?)</tr>", body, re.S).group(1)
    assert re.findall(r"status=(\w+)\">(\d+)</a>", row) == [(st, str(i + 1)) for i, st in enumerate(urutan)]
