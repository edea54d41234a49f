"""The list of peserta of a kegiatan: adding kader and pengurus on record and members of the Tim Pembina (from the
picker), registering someone at the venue, taking a peserta off the list. The quota holds under concurrent adds;
someone taken off and added again gets their row (and attendance) back."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit, rules
from portal.domain import DomainError, FormErrors, refuse
from portal.extensions import db
from portal.kegiatan import sertifikat
from portal.kegiatan.pilih import Kandidat, kandidat
from portal.kegiatan.service import dalam_sasaran, ensure_running, jumlah_peserta, lock, write_audit
from portal.models.base import baca_id
from portal.models.kegiatan import PERAN, Kegiatan, Peserta
from portal.models.pembina import AnggotaPembina
from portal.models.posyandu import Kader, Pengurus
from portal.models.wilayah import level_of
from portal.teks import lipat
from portal.wilayah_baca import get as wilayah_dari_kode
from portal.wilayah_baca import parse_kode

# A peserta registered at the venue and a kader on record are "the same person" when their names match without these.
GELAR = frozenset({"h", "hj", "hjh", "haji", "hajjah", "ibu", "bu", "bapak", "pak", "sdr", "sdri"})
DI_TEMPAT = {
    "nama": rules.required(rules.nama),
    "peran": rules.required(rules.choice(PERAN, "Peran")),
    "bidang": rules.bidang,
    "jabatan": rules.text(120),
}
# The peran of a Tim Pembina's member, by the level of the tim's wilayah.
PERAN_TIM = {1: "tp_provinsi", 2: "tp_kabupaten", 3: "tp_kecamatan", 4: "tp_desa"}


def get(k: Kegiatan, pid: int | None) -> Peserta | None:
    """A peserta of this kegiatan (None for another kegiatan's)."""
    p = db.session.get(Peserta, pid) if pid is not None else None
    return p if p is not None and p.kegiatan_id == k.id else None


def nama_inti(nama: str | None) -> str:
    """The folded name without titles: 'Hj. Siti Aminah' and 'siti aminah' are the same."""
    return " ".join(w for w in lipat(nama).split() if w not in GELAR)


@dataclass
class HasilTambah:
    ditambah: list[Peserta] = field(default_factory=list)
    sudah: list[str] = field(default_factory=list)  # names already on the list


class MungkinSama(DomainError):
    """A refusal: the person registered at the venue looks like someone on record; kandidat offers that record
    instead (the page lists them, so the message is not flashed)."""

    def __init__(self, kandidat: list[Kandidat]):
        super().__init__("Nama ini sudah ada di data kader/pengurus desa tersebut. Tambahkan dari data supaya "
                         "pelatihannya tercatat pada orangnya, atau tandai bahwa ini orang lain.", "mirip")
        self.kandidat = kandidat


def _check_kuota(k: Kegiatan, tambahan: int) -> None:
    if k.kuota is None or tambahan <= 0:
        return
    sisa = k.kuota - jumlah_peserta(k)
    if tambahan > sisa:
        raise DomainError(f"Kuota kegiatan {k.kuota} peserta; tersisa {max(sisa, 0)} tempat, Anda memilih "
                          f"{tambahan}. Kurangi pilihan atau ubah kuotanya.")


def _read_ids(values) -> list[int]:
    ids = [baca_id(v) for v in values or []]
    if None in ids:  # not a record id ('²', a file part): refuse the lot rather than add part of it
        raise DomainError("Pilihan orang tidak sah. Muat ulang daftarnya lalu centang lagi.")
    return sorted(set(ids))


def _commit() -> None:
    """Two adds of the same person racing: the unique key stops the second."""
    try:
        db.session.commit()
    except IntegrityError:
        refuse(DomainError("Daftar peserta baru saja diubah orang lain. Muat ulang halaman lalu coba lagi."))


Orang = Kader | Pengurus | AnggotaPembina


def _asal(person: Orang) -> str:
    return person.kursi.tim.wilayah_kode if isinstance(person, AnggotaPembina) else person.posyandu.desa_kode


def _aktif(person: Orang) -> bool:
    """Still on record: a kader or pengurus of an active Posyandu; the holder of a seat of the current tim."""
    if isinstance(person, AnggotaPembina):
        return person.aktif and person.kursi.aktif and person.kursi.tim.aktif
    return person.aktif and person.posyandu.aktif


def _people(k: Kegiatan, dipilih) -> list[Orang]:
    """The people chosen, each checked: on record, active, inside the target; else nothing is added."""
    orang: list[Orang] = []
    for model, ids in dipilih:
        if ids:
            found = {p.id: p for p in db.session.scalars(select(model).where(model.id.in_(ids)))}
            for i in ids:
                person = found.get(i)
                if person is None or not dalam_sasaran(k, _asal(person)):
                    raise DomainError("Sebagian orang yang dipilih tidak berasal dari wilayah sasaran kegiatan ini "
                                      f"({k.wilayah.nama}). Tidak ada yang ditambahkan.")
                if not _aktif(person):
                    raise DomainError(f"{person.nama} sudah nonaktif" + (
                        " (bukan lagi anggota Tim Pembina yang berlaku)" if model is AnggotaPembina else "") +
                        ". Tidak ada yang ditambahkan.")
                orang.append(person)
    return orang


def _key(person: Orang) -> tuple:
    return (person.id if isinstance(person, Kader) else None, person.id if isinstance(person, Pengurus) else None,
            person.id if isinstance(person, AnggotaPembina) else None)


def add_from_records(actor, k: Kegiatan, kader_ids=(), pengurus_ids=(), anggota_ids=()) -> HasilTambah:
    """Adds kader and pengurus on record and members of the Tim Pembina. Everyone must come from the kegiatan's
    target wilayah (a member: hold a seat of a current tim there); otherwise nothing is added. Someone already
    listed is skipped; someone taken off earlier is listed again."""
    ensure_running(k)
    dipilih = ((Kader, _read_ids(kader_ids)), (Pengurus, _read_ids(pengurus_ids)),
               (AnggotaPembina, _read_ids(anggota_ids)))
    if not any(ids for _, ids in dipilih):
        raise DomainError("Centang dulu orang yang akan ditambahkan.")
    try:
        lock(k)
        orang = _people(k, dipilih)
        hasil = HasilTambah()
        existing = {(p.kader_id, p.pengurus_id, p.anggota_pembina_id): p for p in db.session.scalars(
            select(Peserta).where(Peserta.kegiatan_id == k.id))}
        baru, pulih = [], []
        for person in orang:
            p = existing.get(_key(person))
            if p is not None and p.aktif:
                hasil.sudah.append(person.nama)
            elif p is not None:
                pulih.append(p)
            else:
                baru.append(person)
        _check_kuota(k, len(baru) + len(pulih))
    except DomainError as e:
        refuse(e)
    for p in pulih:
        p.aktif = True
        write_audit(actor, "pulihkan", p, k, {"aktif": [False, True]})
        hasil.ditambah.append(p)
    dari_tim = {}
    for person in baru:
        if isinstance(person, AnggotaPembina):
            hasil.ditambah.append(p := peserta_from_anggota(actor, k, person))
            tim = person.kursi.tim
            dari_tim[p] = {"peran": [None, p.peran], "jabatan": [None, p.jabatan],
                           "tim_pembina": [None, f"{tim.wilayah.nama_lengkap}, SK {tim.sk_nomor}"]}
        else:
            hasil.ditambah.append(peserta_from_record(actor, k, person))
    db.session.flush()
    for p in hasil.ditambah:
        if p not in pulih:
            write_audit(actor, "tambah", p, k, {"nama": [None, p.nama], "asal_kode": [None, p.asal_kode],
                                                **dari_tim.get(p, {})})
    sertifikat.judge(k, [p.id for p in pulih])
    _commit()
    return hasil


def peserta_from_record(actor, k: Kegiatan, person: Kader | Pengurus) -> Peserta:
    """A new peserta row for a kader or pengurus on record (added to the session, not audited or committed)."""
    is_kader = isinstance(person, Kader)
    p = Peserta(kegiatan_id=k.id, nama=person.nama, nama_lipat=nama_inti(person.nama),
                asal_kode=person.posyandu.desa_kode, peran="kader" if is_kader else "pengurus",
                bidang=person.bidang, jabatan=None if is_kader else person.jabatan_label,
                kader_id=person.id if is_kader else None, pengurus_id=None if is_kader else person.id,
                posyandu_id=person.posyandu_id, kode_sertifikat=sertifikat.new_code(),
                didaftarkan_oleh_id=actor.id if actor else None, cara_daftar="data")
    db.session.add(p)
    return p


def peserta_from_anggota(actor, k: Kegiatan, orang: AnggotaPembina) -> Peserta:
    """A new peserta row for the holder of a seat of a Tim Pembina: from the tim's wilayah, with the seat's jabatan
    (and the office that holds it) as the daftar hadir writes it."""
    kursi = orang.kursi
    jabatan = f"{kursi.jabatan_label} ({kursi.jabatan_dinas})" if kursi.jabatan_dinas else kursi.jabatan_label
    kode = kursi.tim.wilayah_kode
    p = Peserta(kegiatan_id=k.id, nama=orang.nama, nama_lipat=nama_inti(orang.nama), asal_kode=kode,
                peran=PERAN_TIM[level_of(kode)], jabatan=jabatan[:120], anggota_pembina_id=orang.id,
                kode_sertifikat=sertifikat.new_code(), didaftarkan_oleh_id=actor.id if actor else None,
                cara_daftar="data")
    db.session.add(p)
    return p


def _clean_di_tempat(k: Kegiatan, raw: dict[str, Any]) -> tuple[dict[str, Any], str, Any]:
    """The values of a registration at the venue, its asal code and region; or FormErrors."""
    values, errors = rules.clean(DI_TEMPAT, raw)
    kode = parse_kode(raw.get("asal_kode"))
    asal = wilayah_dari_kode(kode)  # a code checked first: no stray byte reaches the database
    if asal is None or level_of(kode) < 3:
        errors["asal_kode"] = "Pilih asal peserta: desa/kelurahan, atau kecamatan untuk Tim Pembina."
    elif not dalam_sasaran(k, kode):
        errors["asal_kode"] = f"Asal harus di dalam wilayah sasaran kegiatan ({k.wilayah.nama}, {k.wilayah_kode})."
    if not errors and values["peran"] == "kader" and not values["bidang"]:
        errors["bidang"] = "Kader melayani satu bidang: pilih bidangnya."
    if not errors and values["peran"] != "kader":
        values["bidang"] = None
    if errors:
        raise FormErrors(errors)
    return values, kode, asal


def _same_on_record(k: Kegiatan, kode: str, inti: str, bidang: str | None) -> list[Kandidat]:
    """The kader and pengurus on record in that desa with the same name. The likeliest one is offered ticked: the
    only match, or the kader of the bidang given."""
    sama = [c for jenis in ("kader", "pengurus") for c in kandidat(k, jenis, kode, batas=500)[0]
            if nama_inti(c.nama) == inti]
    for c in sama:
        c.cocok = len(sama) == 1 or (bidang is not None and c.bidang == bidang)
    return sama


def register_at_venue(actor, k: Kegiatan, raw: dict[str, Any], tetap_baru: bool = False) -> Peserta:
    """Registers someone at the venue: name, asal (a desa or, for Tim Pembina, a kecamatan) and role. Someone who
    looks like a person on record is refused with MungkinSama unless tetap_baru."""
    ensure_running(k)
    values, kode, asal = _clean_di_tempat(k, raw)
    inti = nama_inti(values["nama"])
    try:
        lock(k)
        twin = db.session.scalar(select(Peserta).where(Peserta.kegiatan_id == k.id, Peserta.asal_kode == kode,
                                                       Peserta.nama_lipat == inti))
        if twin is not None and twin.aktif:
            raise FormErrors({"nama": f"{twin.nama} dari {asal.nama} sudah terdaftar sebagai peserta."})
        if not tetap_baru and level_of(kode) == 4:
            sama = _same_on_record(k, kode, inti, values["bidang"])
            if sama:
                raise MungkinSama(sama)
        _check_kuota(k, 1)
    except DomainError as e:
        refuse(e)
    if twin is not None:  # taken off the list earlier: listed again, not a second row
        twin.aktif = True
        write_audit(actor, "pulihkan", twin, k, {"aktif": [False, True]})
        _commit()
        return twin
    p = Peserta(kegiatan_id=k.id, nama=values["nama"], nama_lipat=inti, asal_kode=kode, peran=values["peran"],
                bidang=values["bidang"], jabatan=values["jabatan"], kode_sertifikat=sertifikat.new_code(),
                didaftarkan_oleh_id=actor.id if actor else None, cara_daftar="di_tempat")
    db.session.add(p)
    db.session.flush()
    write_audit(actor, "tambah", p, k, audit.diff({}, {**values, "asal_kode": kode, "cara_daftar": "di_tempat"}))
    _commit()
    return p


def remove(actor, p: Peserta) -> Peserta:
    """Takes a peserta off the list. The row and its attendance stay; listing them again brings both back."""
    k = p.kegiatan
    ensure_running(k)
    if p.aktif:
        p.aktif = False
        write_audit(actor, "keluarkan", p, k, {"aktif": [True, False]})
        db.session.flush()
        db.session.commit()
    return p
