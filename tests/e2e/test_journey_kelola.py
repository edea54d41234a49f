"""Issue 13, item 18, in Chromium at 360×740: the confirmation after adding a kader inline, and the wilayah search
of the account form; with and without JavaScript."""
import re

import pytest

from tests.helpers import PASSWORD


@pytest.fixture
def posyandu_ramai(app):
    """A Posyandu in Desa Hapalah with a dozen kader, so the list is longer than the phone's screen."""
    from portal.kelola import service
    with app.app_context():
        p = service.create_posyandu(None, "63.09.01.2001", {"nama": "Posyandu Melati 1"})
        for i in range(12):
            service.add_kader(None, p, {"nama": f"Kader Lama {chr(65 + i)}", "jenis_kelamin": "P",
                                        "bidang": "kesehatan"})
        return p.id


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] > -1 and box["y"] + box["height"] <= page.viewport_size["height"]  # subpixels


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_adding_a_kader_confirms_it_and_shows_the_new_row(journey, posyandu_ramai, javascript):
    j = journey(f"kelola-kader-{'js' if javascript else 'nojs'}", javascript)
    page = j.page
    j.login_as("desa_hapalah", PASSWORD)
    j.goto(f"/kelola/posyandu/{posyandu_ramai}")
    page.click("#kader summary")
    form = page.locator("#kader-baru")
    for name, value in {"nama": "Siti Aminah", "jenis_kelamin": "P", "bidang": "kesehatan"}.items():
        field = form.locator(f"[name={name}]")
        field.fill(value) if name == "nama" else field.select_option(value)
    form.locator("[name=nama]").scroll_into_view_if_needed()
    j.shot("kader-isi")
    form.locator("button.primary").click()
    row = page.locator("#kader-list li", has_text="Siti Aminah")
    if javascript:
        status = page.locator("#kader-status[role=status]")
        status.filter(has_text="Kader Siti Aminah ditambahkan.").wait_for()
        # htmx scrolls once the swap has settled: the new row's top comes to the top of the screen
        row_id = row.get_attribute("id")
        # Polled from here: wait_for_function evaluates its string inside the page, which the CSP forbids (no eval).
        top = f"Math.abs(document.getElementById('{row_id}').getBoundingClientRect().top)"
        for _ in range(50):
            if page.evaluate(top) < 2:
                break
            page.wait_for_timeout(100)
        assert page.evaluate(top) < 2
        assert "baru" in row.get_attribute("class") and row.locator(".tag.baru").inner_text() == "baru"
        assert _in_view(page, row) and _in_view(page, status)  # the new row and, below it, the confirmation
        assert page.evaluate("document.activeElement.id") == "kader-baru-kirim"  # focus back on the fresh form
        assert form.locator("[name=nama]").input_value() == ""
        j.shot("kader-ditambah")
        status.locator("text=Lihat di daftar").click()
        assert page.url.endswith(f"#{row_id}")
    else:
        page.wait_for_url(re.compile(rf"/kelola/posyandu/{posyandu_ramai}$"))
        flash = page.locator("p.flash[role=status]", has_text="Kader Siti Aminah ditambahkan.")
        assert _in_view(page, flash)  # where the page opens
        assert row.count() == 1
        j.shot("kader-ditambah")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_account_form_finds_the_wilayah_by_name(journey, app, javascript):
    j = journey(f"kelola-akun-{'js' if javascript else 'nojs'}", javascript)
    page = j.page
    j.login_as("kab_tabalong", PASSWORD)
    j.goto("/pengguna/baru")
    page.fill("#username", "operator.tanjung")
    page.select_option("#role", "desa")
    page.click("button.primary")  # the name and the region left out: every error at once
    assert page.locator("#name-err", has_text="Wajib diisi.").is_visible()
    assert page.locator("#wilayah_kode-err", has_text="tingkat desa/kelurahan").is_visible()
    j.shot("akun-galat")
    page.fill("#name", "Siti Aminah")
    page.fill("#wilayah_cari", "tanjung")
    choice = page.locator("#wilayah-hasil label", has_text="Kelurahan Tanjung")
    if javascript:
        choice.wait_for()  # active search: the list comes while typing
        assert page.url.endswith("/pengguna/baru")
    else:
        page.press("#wilayah_cari", "Enter")  # Enter searches (a GET carrying the form's values)
        page.wait_for_url(re.compile(r"wilayah_cari=tanjung"))
        assert "csrf_token" not in page.url
        assert page.input_value("#username") == "operator.tanjung" and page.input_value("#name") == "Siti Aminah"
    assert page.locator("#wilayah-jumlah[role=status]").inner_text() == "1 wilayah cocok dengan “tanjung”: pilih satu."
    assert page.locator("#wilayah-hasil input[type=radio]").count() == 1  # desa/kelurahan only, inside Tabalong
    assert "63.09.04.1002 · Kecamatan Tanjung · Kabupaten Tabalong" in choice.inner_text()
    choice.click()
    j.shot("akun-pilih-wilayah")
    page.click("button.primary")
    assert re.fullmatch(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}", page.locator("output").inner_text())
    assert "Kelurahan Tanjung" in page.content()
    j.shot("akun-dibuat")
    from portal.extensions import db
    from portal.models import User
    from sqlalchemy import select
    with app.app_context():
        assert db.session.scalar(select(User.wilayah_kode).where(User.username == "operator.tanjung")) == \
            "63.09.04.1002"
