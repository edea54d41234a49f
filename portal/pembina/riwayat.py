"""The "Riwayat" of a wilayah's Tim Pembina (every period, seat and SK file) and of an OPD register, as a person reads
it."""
from __future__ import annotations

from sqlalchemy import select

from portal import halaman
from portal.extensions import db
from portal.models.audit import AuditLog
from portal.models.pembina import JABATAN_PEMBINA, UNSUR, KursiPembina, Opd, TimPembina, pisah_bidang
from portal.models.posyandu import BIDANG
from portal.riwayat import AKTIF, Entry, Kamus, aktor, perubahan, wilayah_dari


def _opd_nama(value) -> str:
    opd = db.session.get(Opd, value) if isinstance(value, int) else None
    return opd.singkatan if opd is not None else str(value)


KAMUS = Kamus(
    label={
        # a period (its SK)
        "sk_nomor": "Nomor SK", "sk_tanggal": "Tanggal SK", "sk_penandatangan": "Penandatangan SK",
        "masa_bakti_mulai": "Masa bakti mulai", "masa_bakti_selesai": "Masa bakti selesai",
        "pengukuhan_tanggal": "Tanggal pengukuhan", "keterangan": "Keterangan", "aktif": "Status",
        "periode_sebelumnya": "Periode sebelumnya", "kursi_disalin": "Kursi dibawa dari periode sebelumnya",
        "dokumen": "Berkas SK", "wilayah_kode": "Wilayah", "berakhir_pada": "Berakhir pada",
        "ketua_terisi": "Kursi ketua terisi", "bidang_kurang": "Bidang belum lengkap", "berkas_sk": "Berkas SK ada",
        # a seat and its holder
        "jabatan": "Jabatan", "bidang": "Bidang", "unsur": "Unsur", "opd_id": "OPD", "jabatan_dinas": "Jabatan dinas",
        "ex_officio": "Ex officio", "urutan": "Urutan", "nama": "Nama", "telepon": "Nomor HP", "email": "Email",
        "mulai": "Menjabat sejak", "selesai": "Menjabat sampai", "pemegang": "Pemegang", "kursi": "Kursi",
        "alasan": "Alasan", "sumber": "Sumber",
        # an office of the register
        "singkatan": "Singkatan",
    },
    pilihan={"jabatan": JABATAN_PEMBINA, "unsur": UNSUR, "bidang": lambda v: ", ".join(
        BIDANG[b] for b in pisah_bidang(str(v))) or str(v), "aktif": AKTIF, "opd_id": _opd_nama,
        "ex_officio": {True: "ya", False: "tidak"}},
    pribadi={"kursi_pembina": frozenset({"telepon", "email"}), "anggota_pembina": frozenset({"telepon", "email"})},
)
ACTION = {"buat": "mencatat", "ubah": "mengubah", "akhiri": "mengakhiri", "unggah": "mengunggah",
          "ganti": "mengganti pemegang", "hapus": "melepas", "kosongkan": "mengosongkan", "impor": "mengimpor"}
OBJEK = {"tim_pembina": "periode Tim Pembina", "kursi_pembina": "kursi", "dokumen_sk_pembina": "berkas SK",
         "opd": "OPD"}
JENIS_TIM = tuple(k for k in OBJEK if k != "opd")


def _subjek(rows) -> dict[tuple[str, str], str]:
    """The name of each object the entries mention, in two queries."""
    ids = {kind: [int(r.object_id) for r in rows if r.object_type == kind] for kind in OBJEK}
    out = {}
    for t in db.session.scalars(select(TimPembina).where(TimPembina.id.in_(ids["tim_pembina"]))):
        out[("tim_pembina", str(t.id))] = f"{OBJEK['tim_pembina']} SK {t.sk_nomor}"
    for k in db.session.scalars(select(KursiPembina).where(KursiPembina.id.in_(ids["kursi_pembina"]))):
        out[("kursi_pembina", str(k.id))] = f"kursi {k.jabatan_label}"
    for o in db.session.scalars(select(Opd).where(Opd.id.in_(ids["opd"]))):
        out[("opd", str(o.id))] = f"OPD {o.singkatan}"
    return out


def _halaman(stmt, nomor: int, pribadi_boleh: bool) -> halaman.Halaman:
    page = halaman.paginate(stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc()), nomor)
    rows = page.items
    nama, wilayah = _subjek(rows), wilayah_dari(rows)
    page.items = [Entry(r.at, aktor(r.actor), ACTION.get(r.action, r.action.replace("_", " ")),
                        nama.get((r.object_type, r.object_id), OBJEK.get(r.object_type, r.object_type)),
                        wilayah.get(r.on_behalf_of) if r.on_behalf_of else None,
                        perubahan(KAMUS, r.object_type, r.changes, wilayah, pribadi_boleh)) for r in rows]
    return page


def entries(kode: str, nomor: int = 1, pribadi_boleh: bool = False) -> halaman.Halaman:
    """One page of the history of the wilayah's tim, every period, newest first."""
    return _halaman(select(AuditLog).where(AuditLog.wilayah_kode == kode, AuditLog.object_type.in_(JENIS_TIM)),
                    nomor, pribadi_boleh)


def entries_opd(kode: str, nomor: int = 1) -> halaman.Halaman:
    """One page of the history of a provinsi's or kabupaten's OPD register."""
    return _halaman(select(AuditLog).where(AuditLog.wilayah_kode == kode, AuditLog.object_type == "opd"), nomor, True)
