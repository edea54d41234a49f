import json

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditLog, User, Wilayah
from portal.models.pembina import OPD_BAWAAN, Opd


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_wilayah_import_is_idempotent(runner, app):
    result = runner.invoke(args=["wilayah", "import"])
    assert result.exit_code == 0, result.output
    assert "0 baru, 0 berubah nama, 91599 tetap" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Wilayah)) == 91599


def test_wilayah_import_repairs_a_changed_name(runner, app):
    with app.app_context():
        db.session.get(Wilayah, "63.09.12.2003").nama = "Salah Eja"
        db.session.commit()
    result = runner.invoke(args=["wilayah", "import", "--only", "63.09"])
    assert result.exit_code == 0, result.output
    assert "0 baru, 1 berubah nama" in result.output
    with app.app_context():
        assert db.session.get(Wilayah, "63.09.12.2003").nama != "Salah Eja"


def test_wilayah_import_gives_each_new_region_the_default_opd_register_once(runner, app):
    with app.app_context():
        regions = db.session.scalar(select(func.count()).select_from(Wilayah).where(Wilayah.level.in_((1, 2))))
        # Tabalong already keeps a register of its own (one office, renamed): it is left as it is.
        db.session.add(Opd(wilayah_kode="63.09", nama="Dinas Kesehatan, PPKB", singkatan="Dinkes PPKB", urutan=1))
        db.session.commit()
    first = runner.invoke(args=["wilayah", "import", "--only", "63"])
    assert first.exit_code == 0, first.output
    assert f"Daftar OPD bawaan: {regions - 1:,} wilayah baru.".replace(",", ".") in first.output
    second = runner.invoke(args=["wilayah", "import", "--only", "63"])
    assert "Daftar OPD bawaan: 0 wilayah baru." in second.output
    with app.app_context():
        per_region = dict(db.session.execute(select(Opd.wilayah_kode, func.count()).group_by(Opd.wilayah_kode)).all())
        assert len(per_region) == regions and per_region["63.09"] == 1
        assert per_region["63"] == per_region["63.11"] == per_region["11.01"] == len(OPD_BAWAAN)
        entry = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "opd", AuditLog.wilayah_kode == "63.11"))
        assert entry.actor_id is None and entry.changes["sumber"] == [None, "daftar bawaan"]


def test_pembina_opd_bawaan_fills_one_register(runner, app):
    with app.app_context():
        db.session.add(Opd(wilayah_kode="63.09", nama="Dinas Kesehatan", singkatan="DINKES", urutan=1))
        db.session.commit()
    result = runner.invoke(args=["pembina", "opd-bawaan", "--wilayah", "6309"])
    assert result.exit_code == 0, result.output
    assert f"Daftar OPD 63.09: {len(OPD_BAWAAN) - 1} OPD bawaan ditambahkan." in result.output
    again = runner.invoke(args=["pembina", "opd-bawaan", "--wilayah", "63.09"])
    assert "Daftar OPD 63.09: 0 OPD bawaan ditambahkan." in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Opd)) == len(OPD_BAWAAN)
        assert db.session.scalar(select(func.count()).select_from(Opd).where(func.lower(Opd.singkatan) == "dinkes")) == 1


@pytest.mark.parametrize("code", ["63.09.12", "63.99", "abc", ""])
def test_pembina_opd_bawaan_refuses_a_code_without_a_register(runner, app, code):
    result = runner.invoke(args=["pembina", "opd-bawaan", "--wilayah", code or " "])
    assert result.exit_code != 0 and "bukan kode provinsi atau kabupaten/kota" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Opd)) == 0


@pytest.mark.parametrize("code", ["6309", "63.9", "abc", "63.09.12.20031"])
def test_wilayah_import_refuses_bad_code(runner, code):
    result = runner.invoke(args=["wilayah", "import", "--only", code])
    assert result.exit_code != 0 and "tidak sah" in result.output


def test_user_create(runner, app, monkeypatch):
    monkeypatch.setenv("PORTAL_PASSWORD", "sandi-yang-panjang")
    result = runner.invoke(args=["user", "create", "Operator.Hapalah", "--role", "desa", "--wilayah", "63.09.01.2001",
                                 "--name", "Operator Hapalah"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "operator.hapalah"))
        assert user.role == "desa" and user.wilayah_kode == "63.09.01.2001" and user.name == "Operator Hapalah"
        assert user.check_password("sandi-yang-panjang") and not user.must_change_password
        entry = db.session.scalar(select(AuditLog).where(AuditLog.object_id == str(user.id)))
        assert entry.action == "buat" and entry.actor_id is None
        assert entry.changes["role"] == [None, "desa"]


def test_user_create_prompts_for_the_password(runner, app, monkeypatch):
    monkeypatch.delenv("PORTAL_PASSWORD", raising=False)
    result = runner.invoke(args=["user", "create", "nasional", "--role", "admin"],
                           input="sandi-yang-panjang\nsandi-yang-panjang\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "nasional"))
        assert user.wilayah_kode is None and user.check_password("sandi-yang-panjang")


@pytest.mark.parametrize("args, message", [
    (["x.y", "--role", "bupati", "--wilayah", "63.09"], "Peran 'bupati' tidak dikenal"),
    (["x.y", "--role", "kabupaten", "--wilayah", "63.99"], "tidak ada dalam daftar Kemendagri"),
    (["x.y", "--role", "kabupaten", "--wilayah", "63-09"], "tidak sah"),
    (["x.y", "--role", "desa", "--wilayah", "63.09"], "memerlukan kode wilayah tingkat desa/kelurahan"),
    (["x.y", "--role", "kabupaten", "--wilayah", "63.09.12.2003"], "tingkat kabupaten/kota"),
    (["x.y", "--role", "kecamatan"], "tingkat kecamatan"),
    (["a", "--role", "admin"], "Nama pengguna 3–64 karakter"),
    (["x y", "--role", "admin"], "Nama pengguna 3–64 karakter"),
])
def test_user_create_refuses_bad_arguments(runner, app, monkeypatch, args, message):
    monkeypatch.setenv("PORTAL_PASSWORD", "sandi-yang-panjang")
    result = runner.invoke(args=["user", "create", *args])
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_user_create_refuses_duplicate_and_short_password(runner, app, monkeypatch):
    monkeypatch.setenv("PORTAL_PASSWORD", "sandi-yang-panjang")
    assert runner.invoke(args=["user", "create", "kab", "--role", "kabupaten", "--wilayah", "63.09"]).exit_code == 0
    again = runner.invoke(args=["user", "create", "KAB", "--role", "kabupaten", "--wilayah", "63.09"])
    assert again.exit_code != 0 and "sudah dipakai" in again.output
    monkeypatch.setenv("PORTAL_PASSWORD", "pendek")
    short = runner.invoke(args=["user", "create", "kab2", "--role", "kabupaten", "--wilayah", "63.09"])
    assert short.exit_code != 0 and "minimal 10 karakter" in short.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_demo_seed_is_idempotent_and_prints_accounts(runner, app, tmp_path):
    app.instance_path = str(tmp_path)
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0 and "5 akun baru" in first.output
    second = runner.invoke(args=["demo", "seed"])
    assert "0 akun baru" in second.output
    passwords = json.loads((tmp_path / "demo-akun.json").read_text())
    with app.app_context():
        roles = dict(db.session.execute(select(User.username, User.role)).all())
        assert roles == {"admin": "admin", "kabupaten": "kabupaten", "kecamatan": "kecamatan", "desa": "desa",
                         "penyelenggara": "penyelenggara"}
        assert db.session.scalar(select(User).where(User.username == "desa")).check_password(passwords["desa"])
    accounts = runner.invoke(args=["demo", "accounts"])
    assert all(f"{u}" in accounts.output and p in accounts.output for u, p in passwords.items())


def test_demo_seed_if_empty_leaves_a_real_install_alone(runner, app, users, tmp_path):
    app.instance_path = str(tmp_path)
    result = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert "dilewati" in result.output
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "admin")) is None
