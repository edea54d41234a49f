"""One dossier as its page shows it to one user (registrasi/views/usulan.py): the steps the user may take, what the
dossier still lacks, the reason it was returned or refused, the submitted picture against today's profile."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from portal import kelengkapan
from portal.models.registrasi import JENIS_DOKUMEN, LangkahUsulan, Usulan
from portal.models.status_registrasi import BERIKUTNYA
from portal import dokumen
from portal.registrasi import berkas, workflow
from portal.registrasi.service import terakhir


@dataclass
class HalamanUsulan:
    """What the dossier page shows to one user: the usulan, the steps the user may take, what is missing."""
    usulan: Usulan
    aksi: list[str]  # the steps the user may take now (workflow.AKSI_HALAMAN)
    sunting: bool  # the user may change the dossier (and submit it)
    syarat: list  # the Posyandu's kelengkapan
    kurang: list[str]  # what the dossier lacks before it may be submitted (the documents asked for aside)
    siap: bool  # may be submitted now
    alasan: LangkahUsulan | None  # returned or refused: the step that did it
    diminta: list  # the documents the return asked to replace (workflow.dokumen_diminta)
    lanjutan: Usulan | None  # refused: the next attempt, if the desa started one
    buat_lagi: bool  # refused, no next attempt yet, and the user may start it
    berikutnya: str | None  # who acts next, for a user without a step
    beda: dict | None  # the submitted picture against the profile of today
    jumlah: tuple[int, int]  # pengurus and kader in the picture
    contoh_nomor: str
    wajib: list[str]  # the kinds of document required
    maks_mb: int
    langkah = workflow.LANGKAH
    jenis_dokumen = JENIS_DOKUMEN
    tipe = dokumen.TIPE


def read_usulan(user, u: Usulan) -> HalamanUsulan:
    p = u.posyandu
    syarat = kelengkapan.untuk(p)
    sunting = workflow.may(user, p, u.status, "ajukan")
    lanjutan = terakhir(p.id) if u.status == "ditolak" else None
    return HalamanUsulan(
        usulan=u, aksi=workflow.available_steps(user, u), sunting=sunting, syarat=syarat,
        kurang=workflow.syarat_ajukan(u, syarat, diminta=False) if sunting else [],
        siap=sunting and not workflow.syarat_ajukan(u, syarat),
        alasan=workflow.alasan(u), diminta=workflow.dokumen_diminta(u),
        lanjutan=lanjutan if lanjutan is not None and lanjutan.id != u.id else None,
        buat_lagi=(u.status == "ditolak" and lanjutan is not None and lanjutan.id == u.id
                   and workflow.may(user, p, None, "buat")),
        berikutnya=BERIKUTNYA.get(u.status),
        beda=berkas.bandingkan(u.potret, p) if u.potret else None, jumlah=berkas.jumlah(u.potret),
        contoh_nomor=workflow.contoh_nomor(p.desa_kode), wajib=current_app.config["REGISTRASI_DOKUMEN_WAJIB"],
        maks_mb=current_app.config["DOKUMEN_MAKS_MB"])
