"""Backups (issue 7): `flask db backup` / `flask db restore` round trip, compared table by table; refusals."""
import io
import json
import os

import pytest
from sqlalchemy import select, text

from portal import cadangan
from portal.extensions import db
from portal.models import Kader, Posyandu
from portal.models.registrasi import DokumenUsulan
from portal.kelola import service as posyandu_service
from portal import dokumen
from portal.registrasi import dokumen as registrasi_dokumen, workflow

PDF = b"%PDF-1.4\n% cadangan\n%%EOF\n"


def isi_semua() -> dict[str, list]:
    """Every row of every table (alembic_version too), in a stable order."""
    result = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        result[table.name] = sorted(repr(tuple(r)) for r in rows)
    result["alembic_version"] = [r[0] for r in db.session.execute(text("SELECT version_num FROM alembic_version"))]
    db.session.rollback()
    return result


@pytest.fixture
def data(app, ctx, users, tmp_path):
    app.config["UPLOAD_FOLDER"] = ctx.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    p = posyandu_service.create_posyandu(None, "63.09.01.2001", {"nama": "Posyandu Melati", "sk_nomor": "1/2025"})
    posyandu_service.add_kader(None, p, {"nama": "Siti Aminah", "jenis_kelamin": "P", "bidang": "kesehatan",
                                         "nik": "6309015501900001"})
    u = workflow.create(None, p)
    db.session.commit()
    registrasi_dokumen.unggah(None, u, "sk", io.BytesIO(PDF), "sk.pdf")
    return p.id


def test_round_trip_gives_back_every_table_and_document(ctx, data, tmp_path):
    before = isi_semua()
    hasil = cadangan.backup(str(tmp_path / "cadangan"))
    assert hasil.files == 1 and hasil.tables["posyandu"] == 1 and hasil.tables["wilayah"] > 90_000
    manifest = json.loads((tmp_path / "cadangan" / cadangan.MANIFEST).read_text())
    assert manifest["revisi"] == before["alembic_version"][0] and manifest["tabel"]["kader"] == 1
    # Life goes on, then something goes wrong: a rename, a new kader, a document file lost.
    p = db.session.get(Posyandu, data)
    posyandu_service.update_posyandu(None, p, {"nama": "Posyandu Mawar"}, p.version)
    posyandu_service.add_kader(None, p, {"nama": "Rahmah", "jenis_kelamin": "P", "bidang": "sosial"})
    dok = db.session.scalar(select(DokumenUsulan))
    os.remove(dokumen.path(dok))
    assert isi_semua() != before
    restored = cadangan.restore(str(tmp_path / "cadangan"))
    assert isi_semua() == before
    assert restored.files == 1 and open(dokumen.path(db.session.scalar(select(DokumenUsulan))), "rb").read() == PDF
    assert db.session.scalar(select(Kader.nama)) == "Siti Aminah"


def test_backup_never_overwrites_and_restore_refuses_a_damaged_folder(ctx, data, tmp_path):
    target = tmp_path / "cadangan"
    cadangan.backup(str(target))
    with pytest.raises(cadangan.BackupError, match="sudah ada"):
        cadangan.backup(str(target))
    assert not (tmp_path / "cadangan.sebagian").exists()
    before = isi_semua()
    victim = next((target / "dokumen").iterdir())
    victim.write_bytes(b"rusak")
    with pytest.raises(cadangan.BackupError, match="tidak sesuai MANIFEST.json"):
        cadangan.restore(str(target))
    with pytest.raises(cadangan.BackupError, match="bukan folder cadangan"):
        cadangan.restore(str(tmp_path))
    assert isi_semua() == before


def test_the_commands(app, ctx, data, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "backup", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "Cadangan tersimpan" in result.output and "1 dokumen" in result.output
    assert runner.invoke(args=["db", "backup", str(tmp_path / "c")]).exit_code == 1
    refused = runner.invoke(args=["db", "restore", str(tmp_path / "c")], input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    done = runner.invoke(args=["db", "restore", str(tmp_path / "c"), "--ya"])
    assert done.exit_code == 0 and "Dipulihkan" in done.output, done.output
