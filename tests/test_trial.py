"""Found in the new-user trial after issue 13: the public rollup says a passed pilot target is passed, not "✓"."""
from portal import rekap
from portal.extensions import db
from tests.test_wilayah import _posyandu


def _kartu_pilot(client):
    html = client.get("/wilayah/63.09").get_data(as_text=True)
    return html.split("<dt>Pilot project</dt>", 1)[1].split("</div>", 1)[0]


def test_pilot_target_passed_is_said_not_ticked(app, client, ctx, monkeypatch):
    for _ in range(3):
        _posyandu("63.09.12.2003", 0).pilot = True
    db.session.commit()
    rekap.bangun()
    db.session.commit()
    assert "target 3 ✓" in _kartu_pilot(client)
    monkeypatch.setitem(app.config, "PILOT_TARGET_PER_KABUPATEN", 2)
    kartu = _kartu_pilot(client)
    assert "target 2, sudah terlampaui" in kartu and "✓" not in kartu
    monkeypatch.setitem(app.config, "PILOT_TARGET_PER_KABUPATEN", 4)
    kartu = _kartu_pilot(client)
    assert "target 4" in kartu and "✓" not in kartu and "terlampaui" not in kartu
