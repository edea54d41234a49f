"""Registrasi nasional beyond a single step: the queues, the tahap (batches to
Kemendagri) and their contents, and the kabupaten's view of what is still to be proposed. Every move of an usulan goes
through workflow.take_step. A function that changes data commits, or rolls back and raises DomainError."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from portal import audit, cari, halaman, rekap, rules
from portal.alur import all_or_nothing, clean_catatan, lock
from portal.domain import Conflict, DomainError
from portal.extensions import db
from portal.formatting import angka, hari_ini
from portal.formatting import tanggal as tanggal_id
from portal.models.base import utcnow
from portal.models.posyandu import Posyandu
from portal.models.registrasi import LangkahUsulan, Tahap, Usulan, romawi
from portal.models.rekap import rekap_wilayah
from portal.models.status_registrasi import BELUM_DIUSULKAN, BERALASAN, STATUS, STATUS_USULAN
from portal.models.wilayah import Wilayah, desa_clause, within_clause
from portal.registrasi import berkas, workflow

SURAT_MAKS = 120
# Permendagri 13/2024: no tahap can have been sent before it.
TAHAP_PERTAMA = date(2024, 1, 1)
# Lists of these show the latest first; the others (work waiting) the longest waiting first.
SELESAI = ("diusulkan", "teregistrasi")


def terakhir(posyandu_id: int) -> Usulan | None:
    """The Posyandu's latest usulan (its current attempt)."""
    return db.session.scalar(select(Usulan).where(Usulan.posyandu_id == posyandu_id)
                             .order_by(Usulan.percobaan.desc()).limit(1))


def get_posyandu(pid: int) -> Posyandu | None:
    return db.session.get(Posyandu, pid)


def get_usulan(uid: int) -> Usulan | None:
    return db.session.get(Usulan, uid)


def get_tahap(tid: int) -> Tahap | None:
    return db.session.get(Tahap, tid)


def kabupaten_pilihan(scope: str) -> list[Wilayah]:
    """The kabupaten inside a provinsi or the nation, for an admin to pick one."""
    return list(db.session.scalars(select(Wilayah).where(Wilayah.level == 2, Wilayah.kode.startswith(scope))
                                   .order_by(Wilayah.kode)))


# --- queues ---------------------------------------------------------------------------------------------------------

@dataclass
class BarisAntrian:
    """One Posyandu in a queue: its usulan (None for "belum") and since when it waits."""
    usulan_id: int | None
    posyandu_id: int
    nama: str
    desa: str
    kecamatan: str
    status: str
    sejak: object  # datetime of the last step (None for "belum")
    tahap: str | None = None
    alasan: LangkahUsulan | None = None  # returned or refused: the step that did it, its note the reason

    @property
    def status_label(self) -> str:
        return STATUS_USULAN.get(self.status, "Belum diusulkan")


def _cari(stmt, q: str):
    where = cari.nama(q, Posyandu.nama)
    return stmt if where is None else stmt.where(where)


def antrian(user, status: str, q: str = "", page: int | None = None, per: int | None = None) -> halaman.Halaman:
    """The usulan in the user's region in this state (the longest waiting first), or with status "belum" the
    active Posyandu without one: one page of them. Returned and refused ones carry their reason."""
    desa, kec = aliased(Wilayah), aliased(Wilayah)
    scope = desa_clause(Posyandu.desa_kode, user.scope)
    if status == "belum":
        h = halaman.paginate(_cari(
            select(Posyandu.id, Posyandu.nama, desa.nama, kec.nama)
            .join(desa, desa.kode == Posyandu.desa_kode).join(kec, kec.kode == desa.parent_kode)
            .where(scope, Posyandu.aktif.is_(True), Posyandu.status_registrasi == "belum"), q)
            .order_by(Posyandu.desa_kode, Posyandu.nama), page, per, scalars=False)
        h.items = [BarisAntrian(None, pid, nama, d, k, "belum", None) for pid, nama, d, k in h.items]
        return h
    tahap = aliased(Tahap)
    h = halaman.paginate(_cari(
        select(Usulan.id, Posyandu.id, Posyandu.nama, desa.nama, kec.nama, Usulan.status, Usulan.updated_at,
               tahap.nomor)
        .join(Posyandu, Posyandu.id == Usulan.posyandu_id)
        .join(desa, desa.kode == Posyandu.desa_kode).join(kec, kec.kode == desa.parent_kode)
        .outerjoin(tahap, tahap.id == Usulan.tahap_id).where(scope, Usulan.status == status), q)
        .order_by(*((Usulan.updated_at.desc(), Usulan.id.desc()) if status in SELESAI else (Usulan.updated_at, Usulan.id))),
        page, per, scalars=False)
    h.items = [BarisAntrian(uid, pid, nama, d, k, st, at, f"Tahap {romawi(n)}" if n else None)
               for uid, pid, nama, d, k, st, at, n in h.items]
    if status in BERALASAN and h.items:
        alasan = alasan_untuk([r.usulan_id for r in h.items], status)
        for r in h.items:
            r.alasan = alasan.get(r.usulan_id)
    return h


def alasan_untuk(usulan_ids: list[int], status: str) -> dict[int, LangkahUsulan]:
    """The latest step into status (dikembalikan, ditolak) of each usulan, with who took it."""
    steps = db.session.scalars(select(LangkahUsulan).where(LangkahUsulan.usulan_id.in_(usulan_ids),
                                                           LangkahUsulan.ke == status)
                               .options(selectinload(LangkahUsulan.oleh))
                               .order_by(LangkahUsulan.pada, LangkahUsulan.id))
    return {step.usulan_id: step for step in steps}


def perlu_tindakan(user, per: int = 5) -> list[tuple[str, list[BarisAntrian], int]]:
    """For the Beranda: the returned and refused usulan waiting for this user (the desa), each with its reason;
    (status, the first rows, how many in all) per state that has any."""
    result = []
    for status in BERALASAN:
        if status in workflow.ANTRIAN.get(user.role, ()):
            h = antrian(user, status, page=1, per=per)
            if h.total:
                result.append((status, list(h.items), h.total))
    return result


def hitungan(user) -> dict[str, int]:
    """How many active Posyandu of the user's region are in each state ('belum' included), from the rekap."""
    angka = rekap.wilayah(user.scope)
    return {s: angka[f"status_{s}"] for s in STATUS}


def status_antrian(user, counts: dict[str, int], status: str | None) -> str:
    """The state whose queue to show: the one asked for, else the first that waits for the user's role."""
    if status in STATUS:
        return status
    mine = workflow.ANTRIAN.get(user.role, ())
    return next((s for s in mine if counts.get(s)), mine[0] if mine else "belum")


def menunggu(user) -> list[tuple[str, str, int]]:
    """What waits for this user, for the Beranda: (status, sentence, count), only those with something waiting."""
    counts = hitungan(user)
    return [(s, STATUS[s].menunggu, counts[s]) for s in workflow.ANTRIAN.get(user.role, ()) if counts.get(s)]


# --- tahap ----------------------------------------------------------------------------------------------------------

def daftar_tahap(kabupaten_kode: str) -> list[tuple[Tahap, int, int, int]]:
    """The kabupaten's tahap, newest first, each with (Posyandu, desa, teregistrasi) counts."""
    rows = db.session.execute(
        select(Tahap, func.count(Usulan.id), func.count(Posyandu.desa_kode.distinct()),
               func.count(Usulan.nomor_registrasi))
        .outerjoin(Usulan, Usulan.tahap_id == Tahap.id).outerjoin(Posyandu, Posyandu.id == Usulan.posyandu_id)
        .where(Tahap.kabupaten_kode == kabupaten_kode).group_by(Tahap.id).order_by(Tahap.nomor.desc()))
    return [tuple(r) for r in rows]


def tahap_dikirim(kabupaten_kode: str) -> list[tuple[Tahap, int, int, int]]:
    """The kabupaten's tahap already sent, for the public rollup (one being put together stays off it)."""
    return [t for t in daftar_tahap(kabupaten_kode) if t[0].status == "dikirim"]


def tahap_terbuka(kabupaten_kode: str) -> Tahap | None:
    return db.session.scalar(select(Tahap).where(Tahap.kabupaten_kode == kabupaten_kode, Tahap.status == "disusun"))


@all_or_nothing
def buat_tahap(user, kabupaten_kode: str) -> Tahap:
    """The next "Usulan Tahap N"; one is put together at a time."""
    if tahap_terbuka(kabupaten_kode) is not None:
        raise DomainError("Masih ada tahap yang sedang disusun. Kirim atau lengkapi tahap itu dulu.")
    nomor = (db.session.scalar(select(func.max(Tahap.nomor)).where(Tahap.kabupaten_kode == kabupaten_kode)) or 0) + 1
    tahap = Tahap(kabupaten_kode=kabupaten_kode, nomor=nomor, dibuat_oleh_id=user.id)
    db.session.add(tahap)
    db.session.flush()
    audit.record(user, "buat", tahap, wilayah_kode=kabupaten_kode, changes={"nama": [None, tahap.nama]})
    db.session.commit()
    return tahap


def siap_ditahapkan(kabupaten_kode: str):
    """WHERE clause: usulan verified by the kabupaten, in no tahap yet, of an active Posyandu in the kabupaten."""
    return and_(Usulan.status == "diverifikasi_kabupaten", Usulan.tahap_id.is_(None), Posyandu.aktif.is_(True),
                desa_clause(Posyandu.desa_kode, kabupaten_kode))


def calon_tahap(kabupaten_kode: str) -> list[BarisAntrian]:
    desa, kec = aliased(Wilayah), aliased(Wilayah)
    rows = db.session.execute(
        select(Usulan.id, Posyandu.id, Posyandu.nama, desa.nama, kec.nama, Usulan.updated_at)
        .join(Posyandu, Posyandu.id == Usulan.posyandu_id)
        .join(desa, desa.kode == Posyandu.desa_kode).join(kec, kec.kode == desa.parent_kode)
        .where(siap_ditahapkan(kabupaten_kode)).order_by(Posyandu.desa_kode, Posyandu.nama))
    return [BarisAntrian(uid, pid, nama, d, k, "diverifikasi_kabupaten", at) for uid, pid, nama, d, k, at in rows]


def _masih_disusun(tahap: Tahap, versi) -> None:
    if tahap.status != "disusun":
        raise DomainError(f"{tahap.nama} sudah dikirim ke Kemendagri; isinya tidak dapat diubah lagi.")
    if versi is not None and str(versi) != str(tahap.version):
        raise Conflict(f"{tahap.nama} baru saja diubah pengguna lain. Periksa isinya yang terbaru, lalu ulangi.")


@all_or_nothing
def tambah_ke_tahap(user, tahap: Tahap, usulan_ids: list[int | None], versi) -> int:
    """Puts these verified usulan into the tahap: all of them, or none with the reason (None: not a record id)."""
    if None in usulan_ids:  # refuse the lot rather than add part of it
        raise DomainError("Pilihan usulan tidak sah. Muat ulang daftarnya lalu centang lagi.")
    tahap = lock(Tahap, tahap.id)
    _masih_disusun(tahap, versi)
    ids = sorted(set(usulan_ids))
    if not ids:
        raise DomainError("Centang dulu usulan yang akan dimasukkan.")
    ok = set(db.session.scalars(select(Usulan.id).join(Posyandu, Posyandu.id == Usulan.posyandu_id)
                                .where(Usulan.id.in_(ids), siap_ditahapkan(tahap.kabupaten_kode))))
    if len(ok) != len(ids):
        raise DomainError(f"{len(ids) - len(ok)} usulan yang dicentang tidak lagi siap dimasukkan (sudah di tahap lain, "
                      "dikembalikan, atau bukan dari kabupaten ini). Tidak ada yang dimasukkan; muat ulang daftarnya.")
    for u in db.session.scalars(select(Usulan).where(Usulan.id.in_(ids))):
        u.tahap = tahap
        audit.record(user, "tahap", u, wilayah_kode=tahap.kabupaten_kode, posyandu_id=u.posyandu_id,
                     changes={"tahap": [None, tahap.nama]})
    tahap.updated_at = utcnow()  # the tahap's version moves: a form opened before this is refused
    db.session.commit()
    return len(ids)


@all_or_nothing
def keluarkan(user, tahap: Tahap, usulan_id: int, versi) -> None:
    tahap = lock(Tahap, tahap.id)
    _masih_disusun(tahap, versi)
    u = db.session.get(Usulan, usulan_id)
    if u is None or u.tahap_id != tahap.id:
        raise DomainError("Usulan itu tidak ada di tahap ini.")
    u.tahap = None
    audit.record(user, "tahap", u, wilayah_kode=tahap.kabupaten_kode, posyandu_id=u.posyandu_id,
                 changes={"tahap": [tahap.nama, None]})
    tahap.updated_at = utcnow()
    db.session.commit()


@all_or_nothing
def kirim_tahap(user, tahap: Tahap, versi, tanggal: str | None, nomor_surat: str | None) -> int:
    """Marks the tahap sent: every usulan in it becomes diusulkan, in one transaction."""
    tahap = lock(Tahap, tahap.id)
    _masih_disusun(tahap, versi)
    errors = {}
    try:
        dikirim = rules.baca_tanggal(tanggal) or hari_ini()
        if not TAHAP_PERTAMA <= dikirim <= hari_ini():  # today where the portal runs (WITA), not the server's UTC
            raise rules.Invalid(f"Tanggal kirim harus antara {tanggal_id(TAHAP_PERTAMA)} dan hari ini.")
    except rules.Invalid as e:
        errors["tanggal"] = str(e)
        dikirim = None
    nomor_surat = clean_catatan(nomor_surat)
    if nomor_surat and len(nomor_surat) > SURAT_MAKS:
        errors["nomor_surat"] = f"Nomor surat paling panjang {SURAT_MAKS} karakter."
    if errors:
        raise DomainError(next(iter(errors.values())), errors=errors)
    isi = list(db.session.scalars(select(Usulan).where(Usulan.tahap_id == tahap.id).order_by(Usulan.id)))
    if not isi:
        raise DomainError(f"{tahap.nama} masih kosong.")
    catatan = f"Dikirim dalam {tahap.nama}" + (f", surat {nomor_surat}" if nomor_surat else "") + "."
    for u in isi:
        workflow.take_step(user, u.id, "usulkan", catatan=catatan, tahap=tahap, commit=False)
    tahap.status, tahap.dikirim_tanggal, tahap.nomor_surat, tahap.dikirim_oleh_id = "dikirim", dikirim, nomor_surat, user.id
    audit.record(user, "kirim", tahap, wilayah_kode=tahap.kabupaten_kode,
                 changes={"status": ["disusun", "dikirim"], "dikirim_tanggal": [None, dikirim.isoformat()],
                          "nomor_surat": [None, nomor_surat]})
    db.session.commit()
    return len(isi)


@dataclass
class BarisTahap:
    no: int
    usulan_id: int
    desa_kode: str
    desa: str
    kecamatan_kode: str
    kecamatan: str
    nama: str
    sk_nomor: str
    sk_tanggal: str | None
    pengurus: int
    kader: int
    nomor_registrasi: str | None
    status: str = ""


def isi_tahap(tahap: Tahap) -> list[BarisTahap]:
    """One row per Posyandu in code order of kecamatan and desa; the SK and the counts as the desa submitted them."""
    desa, kec = aliased(Wilayah), aliased(Wilayah)
    rows = db.session.execute(
        select(Usulan, desa.kode, desa.nama, kec.kode, kec.nama)
        .join(Posyandu, Posyandu.id == Usulan.posyandu_id)
        .join(desa, desa.kode == Posyandu.desa_kode).join(kec, kec.kode == desa.parent_kode)
        .where(Usulan.tahap_id == tahap.id).options(selectinload(Usulan.posyandu))
        .order_by(desa.kode, Posyandu.nama, Usulan.id))
    result = []
    for i, (u, dk, dn, kk, kn) in enumerate(rows, 1):
        potret = u.potret or berkas.potret(u.posyandu)
        pengurus, kader = berkas.jumlah(potret)
        profil = potret["profil"]
        result.append(BarisTahap(i, u.id, dk, dn, kk, kn, profil["nama"], profil.get("sk_nomor") or "",
                                 profil.get("sk_tanggal"), pengurus, kader, u.nomor_registrasi, u.status))
    return result


@dataclass
class Kelompok:
    """A kecamatan on the cover list: its desa, each with its rows, and the totals."""
    kode: str
    nama: str
    desa: list[tuple[str, str, list[BarisTahap]]]

    @property
    def posyandu(self) -> int:
        return sum(len(rows) for _k, _n, rows in self.desa)


def kelompokkan(rows: list[BarisTahap]) -> list[Kelompok]:
    groups: dict[str, Kelompok] = {}
    for r in rows:
        g = groups.setdefault(r.kecamatan_kode, Kelompok(r.kecamatan_kode, r.kecamatan, []))
        if not g.desa or g.desa[-1][0] != r.desa_kode:
            g.desa.append((r.desa_kode, r.desa, []))
        g.desa[-1][2].append(r)
    return list(groups.values())


def ringkasan(rows: list[BarisTahap]) -> str:
    """'206 Posyandu di 87 desa/kelurahan (12 kecamatan)'."""
    return (f"{angka(len(rows))} Posyandu di {angka(len({r.desa_kode for r in rows}))} desa/kelurahan "
            f"({angka(len({r.kecamatan_kode for r in rows}))} kecamatan)")


# --- the kabupaten's rollup -------------------------------------------------------------------------------------------

def desa_belum_diusulkan(kode: str) -> list[tuple[Wilayah, int]]:
    """Desa/kelurahan inside kode with active Posyandu not yet proposed to the ministry, with how many."""
    belum = sum(rekap_wilayah.c[f"status_{s}"] for s in BELUM_DIUSULKAN)
    rows = db.session.execute(
        select(Wilayah, belum).join(rekap_wilayah, rekap_wilayah.c.kode == Wilayah.kode)
        .where(Wilayah.level == 4, within_clause(Wilayah.kode, kode), belum > 0).order_by(Wilayah.kode))
    return [(w, n) for w, n in rows]


def tahap_wilayah(kode: str) -> list[tuple[Tahap, int, int, int]]:
    """The tahap of the kabupaten kode (or of every kabupaten inside a provinsi), for the public rollup."""
    kabupaten = select(Tahap.kabupaten_kode).where(or_(Tahap.kabupaten_kode == kode,
                                                       within_clause(Tahap.kabupaten_kode, kode)))
    result = []
    for kab in sorted(set(db.session.scalars(kabupaten))):
        result.extend(reversed(daftar_tahap(kab)))
    return result
