"""Documents of a dossier, read and stored by portal/dokumen.py. Nothing is ever deleted: a replaced or withdrawn
document keeps its row and its file, marked inactive."""
from __future__ import annotations

from portal import audit, dokumen
from portal.alur import all_or_nothing, lock
from portal.domain import DomainError
from portal.extensions import db
from portal.models.base import utcnow
from portal.models.registrasi import JENIS_DOKUMEN, DokumenUsulan, Usulan
from portal.models.status_registrasi import STATUS_SUNTING

def get(did: int) -> DokumenUsulan | None:
    return db.session.get(DokumenUsulan, did)


def _masih_sunting(usulan_id: int) -> Usulan:
    """The usulan, locked, if its documents may still change (draf or dikembalikan); else DomainError with the reason."""
    usulan = lock(Usulan, usulan_id)
    if usulan.status not in STATUS_SUNTING:
        raise DomainError(f"Dokumen hanya dapat diubah selama usulan berstatus draf atau dikembalikan; kini "
                      f"«{usulan.status_label}».")
    return usulan


@all_or_nothing
def unggah(user, usulan: Usulan, jenis: str, stream, filename: str | None) -> DokumenUsulan:
    """Stores a document; one of the same jenis before it becomes inactive (kept). Commits, or rolls back and
    raises DomainError."""
    usulan = _masih_sunting(usulan.id)
    if jenis not in JENIS_DOKUMEN:
        raise DomainError("Pilih jenis dokumen.", "jenis")
    data, tipe = dokumen.baca(stream, filename)
    lama = usulan.dokumen_aktif.get(jenis)
    if lama is not None:
        lama.aktif, lama.dinonaktifkan_pada = False, utcnow()
    dok = DokumenUsulan(usulan=usulan, jenis=jenis, **dokumen.kolom(user, data, tipe, filename))
    db.session.add(dok)
    db.session.flush()
    audit.record(user, "unggah", dok, wilayah_kode=usulan.posyandu.desa_kode, posyandu_id=usulan.posyandu_id,
                 changes={"dokumen": [lama.nama_berkas if lama else None, f"{JENIS_DOKUMEN[jenis]}: {dok.nama_berkas}"]})
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        dokumen.hapus_berkas(dok.berkas)
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
