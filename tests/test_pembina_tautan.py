"""Tim Pembina in the features that existed before it: the desa's dossier shows its tim's SK and attaches it."""
import io

import pytest

from portal.extensions import db
from portal.kelola import service as posyandu_service
from portal.models.registrasi import Usulan
from portal.pembina import service as pembina
from portal.registrasi import workflow
from tests.helpers import post, tim_uji

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
HAPALAH = "63.09.01.2001"


@pytest.fixture
def usulan(app, ctx, users, tmp_path):
    app.config["UPLOAD_FOLDER"] = ctx.config["UPLOAD_FOLDER"] = str(tmp_path)
    p = posyandu_service.create_posyandu(None, HAPALAH, {"nama": "Posyandu Anggrek"})
    u = workflow.create(None, p)
    db.session.commit()
    return u.id


def _dokumen(uid):
    db.session.expire_all()
    return db.session.get(Usulan, uid).dokumen_aktif


def test_a_desa_attaches_its_tim_pembina_sk_to_its_usulan(auth, usulan):
    desa = auth("desa_hapalah")
    page = desa.get(f"/registrasi/usulan/{usulan}").get_data(as_text=True)
    assert "belum mencatat Tim Pembina Posyandu Desa" in page
    tim = tim_uji(HAPALAH, mulai="2024-01-01")
    page = desa.get(f"/registrasi/usulan/{usulan}").get_data(as_text=True)
    assert f"SK SK-UJI/{HAPALAH}" in page and "Berkas SK belum diunggah di data Tim Pembina" in page
    r = post(desa, f"/registrasi/usulan/{usulan}/sk-tim-pembina")
    assert r.status_code == 422 and "belum menyimpan berkas SK Tim Pembina" in r.get_data(as_text=True)
    assert "sk_tim_pembina" not in _dokumen(usulan)
    sk = pembina.unggah_sk(None, tim, io.BytesIO(PDF), "SK TP Desa Hapalah.pdf")
    page = desa.get(f"/registrasi/usulan/{usulan}").get_data(as_text=True)
    assert "Lampirkan dari data Tim Pembina" in page
    r = post(desa, f"/registrasi/usulan/{usulan}/sk-tim-pembina")
    assert r.status_code == 303, r.get_data(as_text=True)
    dok = _dokumen(usulan)["sk_tim_pembina"]
    assert dok.sha256 == sk.sha256 and dok.berkas != sk.berkas and dok.nama_berkas == "SK TP Desa Hapalah.pdf"
    # the same file is not offered twice
    assert "Lampirkan dari data Tim Pembina" not in desa.get(f"/registrasi/usulan/{usulan}").get_data(as_text=True)


@pytest.mark.parametrize("who, status", [("desa_pamarangan", 404), ("kab_balangan", 404), ("kec_banualawas", 403)])
def test_only_the_dossiers_editor_attaches(auth, usulan, who, status):
    tim = tim_uji(HAPALAH, mulai="2024-01-01")
    pembina.unggah_sk(None, tim, io.BytesIO(PDF), "sk.pdf")
    assert post(auth(who), f"/registrasi/usulan/{usulan}/sk-tim-pembina").status_code == status
    assert "sk_tim_pembina" not in _dokumen(usulan)
