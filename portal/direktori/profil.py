"""What the public profile of a Posyandu shows: the institution, never a person (issue 4).

Names, phones, NIK and addresses of pengurus and kader stay out; the public sees how many there are per bidang and
which seats of the pengurus are filled. The Posyandu's own contact number is left out too: it is usually the ketua's
own phone.
"""
from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models.posyandu import BIDANG, Kader, KatalogKegiatan, Pengurus, Posyandu, posyandu_layanan
from portal.kelengkapan import KURSI_PENGURUS, kursi_label
from portal import wilayah_baca as wilayah_service


def publik(posyandu_id: int) -> Posyandu | None:
    """The Posyandu whose public profile /posyandu/<id> shows (closed ones too, marked so); None: 404."""
    return db.session.get(Posyandu, posyandu_id)


def untuk(p: Posyandu) -> dict:
    layanan: dict[str, list[str]] = {b: [] for b in BIDANG}
    for bidang, nama in db.session.execute(
            select(KatalogKegiatan.bidang, KatalogKegiatan.nama)
            .join(posyandu_layanan, posyandu_layanan.c.kegiatan_id == KatalogKegiatan.id)
            .where(posyandu_layanan.c.posyandu_id == p.id).order_by(KatalogKegiatan.urutan, KatalogKegiatan.id)):
        layanan.setdefault(bidang, []).append(nama)
    kader = dict(db.session.execute(
        select(Kader.bidang, func.count()).where(Kader.posyandu_id == p.id, Kader.aktif.is_(True))
        .group_by(Kader.bidang)).all())
    seats = {f"{jabatan}:{bidang}" if jabatan == "koordinator" else jabatan
             for jabatan, bidang in db.session.execute(
                 select(Pengurus.jabatan, Pengurus.bidang).where(Pengurus.posyandu_id == p.id,
                                                                  Pengurus.aktif.is_(True)))}
    pengurus = db.session.scalar(select(func.count()).select_from(Pengurus).where(
        Pengurus.posyandu_id == p.id, Pengurus.aktif.is_(True)))
    return dict(
        p=p, path=wilayah_service.path(p.desa_kode) + [p.desa], layanan=layanan,
        kader_per_bidang={b: kader.get(b, 0) for b in BIDANG}, kader=sum(kader.values()), pengurus=pengurus,
        kursi=[(kursi_label(k), k in seats) for k in KURSI_PENGURUS],
    )
