"""The "Riwayat" of a Posyandu as a person reads it: who did what to which record, field by field, in words."""
from __future__ import annotations

from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.models.posyandu import BIDANG, JABATAN, JENIS_KELAMIN, LEVEL_KADER, STATUS_REGISTRASI, Kader, Pengurus
from portal.riwayat import AKTIF, Entry, Kamus, aktor, perubahan, wilayah_dari

KAMUS = Kamus(
    label={
        # the Posyandu
        "nama": "Nama", "desa_kode": "Desa/kelurahan", "dusun": "Dusun", "rt": "RT", "rw": "RW", "alamat": "Alamat",
        "latitude": "Lintang", "longitude": "Bujur", "sk_nomor": "Nomor SK", "sk_tanggal": "Tanggal SK",
        "musdes_tanggal": "Tanggal musyawarah desa", "hari_buka": "Hari buka", "kontak": "Telepon",
        "aktif": "Status", "ditutup_tanggal": "Tanggal nonaktif", "alasan_tutup": "Alasan", "pilot": "Pilot project",
        "layanan": "Layanan", "status_registrasi": "Status registrasi",
        # kader and pengurus
        "jenis_kelamin": "Jenis kelamin", "bidang": "Bidang", "level": "Level", "tanggal_lahir": "Tanggal lahir",
        "telepon": "Telepon", "nik": "NIK", "jabatan": "Jabatan",
        # where a change came from (an imported file, generated data)
        "sumber": "Sumber",
        # registrasi nasional (registrasi/workflow.py, dokumen.py, service.py)
        "status": "Status registrasi", "catatan": "Catatan", "nomor_registrasi": "Nomor registrasi",
        "dokumen": "Dokumen", "tahap": "Tahap", "atas_nama": "Atas nama",
    },
    pilihan={"bidang": BIDANG, "level": LEVEL_KADER, "jenis_kelamin": JENIS_KELAMIN, "jabatan": JABATAN,
             "status": STATUS_REGISTRASI, "status_registrasi": STATUS_REGISTRASI, "aktif": AKTIF},
    # Personal data (README: a penyelenggara sees names, bidang and level only). A Posyandu's address is where its
    # services are held (public); a pengurus's is their home. The contact number is usually the ketua's own.
    pribadi={"kader": frozenset({"nik", "telepon", "tanggal_lahir"}), "pengurus": frozenset({"telepon", "alamat"}),
             "posyandu": frozenset({"kontak"})},
)
ACTION = {"buat": "menambah", "ubah": "mengubah", "nonaktifkan": "menonaktifkan", "aktifkan": "mengaktifkan kembali",
          # registrasi nasional (registrasi/workflow.py)
          "ajukan": "mengajukan", "verifikasi_kecamatan": "memverifikasi (kecamatan)",
          "verifikasi_kabupaten": "memverifikasi (kabupaten)", "kembalikan": "mengembalikan",
          "usulkan": "mengusulkan ke Kemendagri", "registrasi": "mencatat nomor", "unggah": "mengunggah",
          "tarik": "menarik", "tahap": "mengubah tahap", "verifikasi_an_kecamatan": "memverifikasi atas nama kecamatan",
          "tolak": "mencatat penolakan Kemendagri atas", "koreksi_nomor": "mengoreksi nomor"}
SUBJECT = {"usulan": "usulan registrasi", "dokumen_usulan": "dokumen usulan registrasi"}


def entries(posyandu_id: int, pribadi_boleh: bool) -> list[Entry]:
    """The Posyandu's history, newest first. pribadi_boleh: access.may_see_personal_data for this Posyandu."""
    logs = audit.history_of_posyandu(posyandu_id)
    ids = {kind: {int(e.object_id) for e in logs if e.object_type == kind} for kind in ("kader", "pengurus")}
    kader = {k.id: k.nama for k in db.session.scalars(select(Kader).where(Kader.id.in_(ids["kader"])))}
    pengurus = {p.id: f"{p.jabatan_label} {p.nama}"
                for p in db.session.scalars(select(Pengurus).where(Pengurus.id.in_(ids["pengurus"])))}
    wilayah = wilayah_dari(logs)
    result = []
    for e in logs:
        if e.object_type == "kader":
            subject = f"kader {kader.get(int(e.object_id), '')}"
        elif e.object_type == "pengurus":
            subject = f"pengurus {pengurus.get(int(e.object_id), '')}"
        elif e.object_type in SUBJECT:
            subject = SUBJECT[e.object_type]
        elif set(e.changes) == {"pilot"}:
            subject = "tanda pilot project"
        elif set(e.changes) == {"layanan"}:
            subject = "layanan (dihapus → ditambah)"
        else:
            subject = "profil Posyandu"
        result.append(Entry(
            at=e.at, actor=aktor(e.actor), action=ACTION.get(e.action, e.action.replace("_", " ")),
            subject=subject.rstrip(), on_behalf_of=wilayah.get(e.on_behalf_of),
            changes=perubahan(KAMUS, e.object_type, e.changes, wilayah, pribadi_boleh)))
    return result
