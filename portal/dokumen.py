"""Stored documents (a dossier's, a Tim Pembina's SK): PDF or image, at most DOKUMEN_MAKS_MB, recognised by their
content (the `filetype` package reads the first bytes), kept under UPLOAD_FOLDER/dokumen with a random name and
served so that nothing uploaded ever runs as a page of this site. Nothing is ever deleted: the features mark a
replaced or withdrawn document inactive and keep its file."""
from __future__ import annotations

import hashlib
import io
import os
import re
import secrets

import filetype
from flask import abort, current_app, send_file

from portal import unggahan
from portal.domain import DomainError
from portal.teks import nama_berkas

TIPE = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
# The extension a document's name gets: the one of the type read from its content.
EKSTENSI = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
BERKAS = re.compile(r"^[0-9a-f]{32}$")
# A served document: an image opens in a sandbox that runs nothing, a PDF is downloaded.
CSP_DOKUMEN = {"default-src": "'none'", "img-src": "'self'", "sandbox": ""}


def folder() -> str:
    return unggahan.folder("dokumen")


def path(dok) -> str:
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
    if stream is None or not filename or not hasattr(stream, "read"):
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


def simpan_berkas(data: bytes) -> str:
    """Writes the bytes under a new random name (complete or not at all); returns the name."""
    os.makedirs(folder(), exist_ok=True)
    name = secrets.token_hex(16)
    target = os.path.join(folder(), name)
    with open(target + ".tmp", "wb") as f:
        f.write(data)
    os.replace(target + ".tmp", target)
    return name


def hapus_berkas(name: str) -> None:
    """Takes back a file written for a transaction that then failed (its row never existed)."""
    if BERKAS.match(name):
        try:
            os.remove(os.path.join(folder(), name))
        except FileNotFoundError:
            pass


def kolom(user, data: bytes, tipe: str, filename: str | None) -> dict:
    """The columns of a new document row (models/berkas.py) for bytes baca() accepted, their file written."""
    return dict(nama_berkas=nama_unduhan(filename, tipe), berkas=simpan_berkas(data), tipe=tipe, ukuran=len(data),
                sha256=hashlib.sha256(data).hexdigest(), diunggah_oleh_id=user.id if user is not None else None)


def isi(dok) -> io.BytesIO:
    """The stored bytes of a document, to attach it elsewhere (checked again by baca())."""
    with open(path(dok), "rb") as f:
        return io.BytesIO(f.read())


def kirim(dok):
    """The response that serves a stored document (the view sets CSP_DOKUMEN); 404 when its file is gone."""
    try:
        target = path(dok)
        if not os.path.isfile(target):
            raise FileNotFoundError(target)
    except FileNotFoundError:
        abort(404)
    # The name is cleaned again here: rows stored before the sanitiser keep the uploader's name as it came.
    response = send_file(target, mimetype=dok.tipe, download_name=nama_unduhan(dok.nama_berkas, dok.tipe),
                         max_age=0, conditional=True, as_attachment=not dok.tipe.startswith("image/"))
    response.headers["Cache-Control"] = "private, no-store"
    return response
