"""Documents of a dossier: PDF or image, at most DOKUMEN_MAKS_MB, recognised by their content (the `filetype`
package reads the first bytes), stored under UPLOAD_FOLDER/dokumen with a random name. Nothing is ever deleted: a
replaced or withdrawn document keeps its row and its file, marked inactive."""
from __future__ import annotations

import hashlib
import os
import re
import secrets

import filetype
from flask import current_app

from portal import audit, unggahan
from portal.alur import all_or_nothing, lock
from portal.domain import DomainError
from portal.extensions import db
from portal.models.base import utcnow
from portal.models.registrasi import JENIS_DOKUMEN, DokumenUsulan, Usulan
from portal.models.status_registrasi import STATUS_SUNTING
from portal.teks import nama_berkas

TIPE = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
# The extension a document's name gets: the one of the type read from its content.
EKSTENSI = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
BERKAS = re.compile(r"^[0-9a-f]{32}$")


def folder() -> str:
    return unggahan.folder("dokumen")


def get(did: int) -> DokumenUsulan | None:
    return db.session.get(DokumenUsulan, did)


def path(dok: DokumenUsulan) -> str:
    if not BERKAS.match(dok.berkas):  # never a path from anywhere else
        raise FileNotFoundError(dok.berkas)
    return os.path.join(folder(), dok.berkas)


def maks_bytes() -> int:
    return current_app.config["DOKUMEN_MAKS_MB"] * 1024 * 1024


def nama_unduhan(filename: str | None, tipe: str) -> str:
    """The uploader's file name as shown and as downloaded, through teks.nama_berkas: no folders, no control or bidi
    characters, no quotes, the extension of the detected type (a PDF named 'Berita-Acara.hta' is served as
    'Berita-Acara.pdf')."""
    return nama_berkas(filename, EKSTENSI[tipe], cadangan="dokumen")


def baca(stream, filename: str | None) -> tuple[bytes, str]:
    """The bytes and their type, or DomainError with the reason. Reads at most one byte past the limit."""
    if stream is None or not filename:
        raise DomainError("Pilih berkas PDF atau foto (JPG/PNG) dokumennya.", "berkas")
    data = stream.read(maks_bytes() + 1)
    if not data:
        raise DomainError("Berkas itu kosong.", "berkas")
    if len(data) > maks_bytes():
        raise DomainError(f"Berkas lebih dari {current_app.config['DOKUMEN_MAKS_MB']} MB. Perkecil dulu (mis. foto "
                      "dengan resolusi lebih rendah atau PDF hasil pindai hitam-putih).", "berkas")
    kind = filetype.guess(data)
    if kind is None or kind.mime not in TIPE:
        raise DomainError("Isi berkas bukan PDF, JPG atau PNG (jenis berkas dibaca dari isinya, bukan dari namanya). "
                      "Pindai atau foto dokumennya, lalu unggah hasilnya.", "berkas")
    return data, kind.mime


def _masih_sunting(usulan_id: int) -> Usulan:
    """The usulan, locked, if its documents may still change (draf or dikembalikan); else DomainError with the reason."""
    usulan = lock(Usulan, usulan_id)
    if usulan.status not in STATUS_SUNTING:
        raise DomainError(f"Dokumen hanya dapat diubah selama usulan berstatus draf atau dikembalikan; kini "
                      f"«{usulan.status_label}».")
    return usulan


def simpan_berkas(data: bytes) -> str:
    """Writes the bytes under a new random name (complete or not at all); returns the name."""
    os.makedirs(folder(), exist_ok=True)
    name = secrets.token_hex(16)
    target = os.path.join(folder(), name)
    with open(target + ".tmp", "wb") as f:
        f.write(data)
    os.replace(target + ".tmp", target)
    return name


@all_or_nothing
def unggah(user, usulan: Usulan, jenis: str, stream, filename: str | None) -> DokumenUsulan:
    """Stores a document; one of the same jenis before it becomes inactive (kept). Commits, or rolls back and
    raises DomainError."""
    usulan = _masih_sunting(usulan.id)
    if jenis not in JENIS_DOKUMEN:
        raise DomainError("Pilih jenis dokumen.", "jenis")
    data, tipe = baca(stream, filename)
    name = simpan_berkas(data)
    lama = usulan.dokumen_aktif.get(jenis)
    if lama is not None:
        lama.aktif, lama.dinonaktifkan_pada = False, utcnow()
    dok = DokumenUsulan(usulan=usulan, jenis=jenis, nama_berkas=nama_unduhan(filename, tipe), berkas=name, tipe=tipe,
                        ukuran=len(data), sha256=hashlib.sha256(data).hexdigest(),
                        diunggah_oleh_id=user.id if user is not None else None)
    db.session.add(dok)
    db.session.flush()
    audit.record(user, "unggah", dok, wilayah_kode=usulan.posyandu.desa_kode, posyandu_id=usulan.posyandu_id,
                 changes={"dokumen": [lama.nama_berkas if lama else None, f"{JENIS_DOKUMEN[jenis]}: {dok.nama_berkas}"]})
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        os.remove(os.path.join(folder(), name))
        raise
    return dok


@all_or_nothing
def tarik(user, dok: DokumenUsulan) -> None:
    """Withdraws a document from the dossier (kept, inactive). Commits."""
    usulan = _masih_sunting(dok.usulan_id)
    db.session.refresh(dok)
    if not dok.aktif:
        return
    dok.aktif, dok.dinonaktifkan_pada = False, utcnow()
    audit.record(user, "tarik", dok, wilayah_kode=usulan.posyandu.desa_kode, posyandu_id=usulan.posyandu_id,
                 changes={"dokumen": [f"{dok.jenis_label}: {dok.nama_berkas}", None]})
    db.session.commit()
