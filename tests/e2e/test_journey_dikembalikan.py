"""A returned dossier on a 360 px phone, with and without JavaScript (issue 13): the kecamatan returns it with a
reason and a document to replace; the desa sees the reason above the fold on its Beranda and on the dossier, who
returned it and when, what to fix before the submit button, replaces the document and submits again."""
import re

import pytest

from tests.helpers import PASSWORD
from tests.e2e.helpers import PHONE
from tests.e2e.test_journeys import dossier_ready  # noqa: F401 (the fixture, shared with that journey)

REASON = "SK belum ditandatangani kepala desa; unggah SK yang sudah ditandatangani."


@pytest.fixture
def submitted(ctx, request):
    """Posyandu Melati's dossier (both documents) waiting for Kec. Banua Lawas; the signed SK to upload later."""
    from portal.extensions import db
    from portal.models import Posyandu
    from portal.registrasi import dokumen, workflow
    pid, scans = request.getfixturevalue("dossier_ready")
    u = workflow.create(None, db.session.get(Posyandu, pid))
    db.session.commit()
    for jenis, name in (("berita_acara", "berita-acara.pdf"), ("sk", "sk-lama.pdf")):
        with open(scans[name], "rb") as f:
            dokumen.unggah(None, u, jenis, f, name)
    workflow.take_step(None, u.id, "ajukan")
    return u.id, scans["sk-baru.pdf"]


def above_the_fold(locator) -> None:
    """The element lies wholly inside the first screen (740 px) of the page as it opens."""
    locator.wait_for()
    box = locator.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_returned_dossier_says_why_first(journey, submitted, javascript):
    uid, scan = submitted
    tag = "js" if javascript else "nojs"
    j = journey(f"dikembalikan-{tag}", javascript)
    page = j.page

    def logout():
        page.click("header button:has-text('Keluar')")
        page.wait_for_url(re.compile(r"/$|/login"))

    # Kecamatan: returns the dossier with a reason and the SK to replace.
    j.login_as("kec_banualawas", PASSWORD)
    page.click("text=usulan menunggu verifikasi kecamatan")
    page.click("text=Posyandu Melati")
    page.click("summary:has-text('Kembalikan untuk perbaikan')")
    page.fill("#catatan-k", REASON)
    page.check("input[name=ganti][value=sk]")
    j.shot("kecamatan-kembalikan")
    page.click("button:has-text('Kembalikan ke desa')")
    assert "Usulan dikembalikan ke desa" in page.content()
    logout()

    # Desa: the Beranda names the usulan and its reason on the first screen, linked to the dossier.
    j.login_as("desa_hapalah", PASSWORD)
    reason = page.locator(".perhatian .alasan", has_text="SK belum ditandatangani")
    above_the_fold(reason)
    assert "Dikembalikan oleh Kec Banualawas" in page.inner_text(".perhatian")
    j.shot("desa-beranda")

    # The queue's dikembalikan tab says it too.
    page.click("nav >> text=Registrasi")
    assert REASON in page.inner_text("main") and "Kecamatan Banua Lawas" in page.inner_text("main")
    j.shot("desa-antrian")

    # The dossier: the reason, who returned it (name, role, region) and when, on the first screen.
    page.click("header >> text=Beranda")
    page.locator(".perhatian a", has_text="Posyandu Melati").click()
    page.wait_for_url(re.compile(rf"/registrasi/usulan/{uid}$"))
    above_the_fold(page.locator("#alasan .alasan"))
    who = page.inner_text("#alasan")
    for text in ("Kec Banualawas", "Kecamatan (Tim Pembina)", "Kecamatan Banua Lawas", "WITA"):
        assert text in who, text
    # What to fix comes before any submit button, and there is none until the SK is replaced.
    fix = page.locator("#langkah li.missing", has_text="Ganti dokumen «SK pembentukan Posyandu»")
    assert fix.is_visible() and page.locator("button:has-text('Ajukan ke kecamatan')").count() == 0
    j.shot("desa-berkas")
    page.set_input_files("#berkas-sk", scan)
    page.locator("form:has(#berkas-sk) button").click()
    page.wait_for_url(re.compile(r"#dokumen$"))
    assert page.locator("#langkah li.ok", has_text="sk-baru.pdf").is_visible()
    submit = page.locator("button:has-text('Ajukan ke kecamatan')")
    fixed = page.locator("#langkah li.ok").first.bounding_box()
    assert fixed["y"] < submit.bounding_box()["y"]
    j.shot("desa-diperbaiki")
    submit.click()
    assert "Usulan diajukan ke kecamatan." in page.content() and page.locator("#alasan").count() == 0
    j.shot("desa-diajukan-ulang")
