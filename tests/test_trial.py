"""Found in the new-user trial after issue 13: the public rollup says a passed pilot target is passed, not "✓"; the
tahap cover keeps its sign-off with the total."""
import re

from portal.extensions import db
from tests import test_kegiatan_cetak
from tests.test_wilayah import _posyandu

tahap = test_kegiatan_cetak.tahap  # the fixture of tests/test_kegiatan_cetak.py


def _kartu_pilot(client):
    html = client.get("/wilayah/63.09").get_data(as_text=True)
    return html.split("<dt>Pilot project</dt>", 1)[1].split("</div>", 1)[0]


def test_pilot_target_passed_is_said_not_ticked(app, client, ctx, monkeypatch):
    for _ in range(3):
        _posyandu("63.09.12.2003", 0).pilot = True
    db.session.commit()
    assert "target 3 ✓" in _kartu_pilot(client)
    monkeypatch.setitem(app.config, "PILOT_TARGET_PER_KABUPATEN", 2)
    kartu = _kartu_pilot(client)
    assert "target 2, sudah terlampaui" in kartu and "✓" not in kartu
    monkeypatch.setitem(app.config, "PILOT_TARGET_PER_KABUPATEN", 4)
    kartu = _kartu_pilot(client)
    assert "target 4" in kartu and "✓" not in kartu and "terlampaui" not in kartu


def test_tahap_cover_sign_off_stays_with_the_total(auth, tahap):
    """Printed, Tabalong's 206-Posyandu cover put the sign-off alone on page 11: it now shares the total's tbody,
    which does not break (tbody.akhir), so the signature page always carries the Jumlah row."""
    html = auth("kab_tabalong").get(f"/registrasi/tahap/{tahap}/cetak").get_data(as_text=True)
    akhir = re.search(r'<tbody class="jumlah akhir">(.*?)</tbody>', html, re.S)
    assert akhir and "Jumlah: 4 Posyandu" in akhir.group(1) and '<footer class="ttd-blok">' in akhir.group(1)
    assert html.count('class="ttd-blok"') == 1
    css = auth("kab_tabalong").get(re.search(r'href="(/static/app\.[0-9a-f]+\.css)"', html).group(1))
    assert re.search(r"[,}]tbody\.akhir(,[^{]*)?\{break-inside:avoid", css.get_data(as_text=True))
