"""The members of one Tim Pembina from a spreadsheet (.xlsx or .csv), with the kader import's rules (DOMAIN.md §8):
every row checked with the form's rules (aturan.clean_kursi, aturan.clean_anggota), a preview before anything is
written, nothing written while a row is wrong, and all rows or none on confirmation (service.tambah_kursi with
commit=False, then one commit), each seat audited as a form's would be.

Idempotent: a row whose seat the tim already has with the same holder is "sudah ada" and is not added again. A seat is
its jabatan and bidang for the seats a tim has once (ketua, sekretaris, bendahara, the koordinator of a bidang), else
its jabatan and the holder's name. A second holder for a single seat (a second ketua, in the file or beside the
stored one) is an error: the import adds seats, it never replaces a holder (that is the seat's own form).

The file is read by the one bounded reader (portal/lembar_baca.py, its limits and bomb guards) through the kernel's
import machinery (portal/impor_umum.py); the template's example row is marked "Contoh:" and skipped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal import impor_umum
from portal.domain import DomainError
from portal.alur import lock
from portal.extensions import db
from portal.impor_umum import Column
from portal.lembar_baca import FileRefused, kosong
from portal.models.pembina import JABATAN_PEMBINA, JABATAN_TUNGGAL, UNSUR, KursiPembina, Opd, TimPembina
from portal.models.posyandu import BIDANG
from portal.models.wilayah import Wilayah
from portal.pembina import aturan, opd as opd_register, service
from portal.teks import lipat

JENIS = "anggota_pembina"  # the kind of upload kept between the preview and the confirmation (portal/unggahan.py)
# The template's example row: its nama starts so, and the import skips it.
CONTOH = "Contoh:"
_CONTOH = re.compile(r"\s*contoh\s*:", re.IGNORECASE)
_YA = {"1", "y", "ya", "on", "true", "benar", "x"}  # as aturan.ya reads a checkbox
_TIDAK = {"0", "t", "n", "tidak", "tdk", "bukan", "false", "salah"}
_TANGGAL = "Tanggal seperti 15-10-2025, 15/10/2025, 2025-10-15, atau sel bertipe tanggal di Excel."

KOLOM = (
    Column("nama", "Nama lengkap pemegang kursi, dengan gelar seperti di SK.", f"{CONTOH} Hj. Siti Rahmah, S.Pd."),
    Column("jabatan", "Jabatan dalam tim: " + ", ".join(JABATAN_PEMBINA.values()) + ".", "Ketua"),
    Column("bidang", "Hanya untuk Koordinator bidang: satu bidang SPM (" + ", ".join(BIDANG.values()) + ").", ""),
    Column("unsur", "Asal anggota: " + ", ".join(UNSUR.values()) + ". Boleh kosong bila kolom opd diisi.", "TP PKK"),
    Column("opd", "Untuk unsur OPD: singkatan atau nama OPD dari daftar OPD kabupaten/kota (atau provinsi), mis. "
                  "Dinkes.", ""),
    Column("jabatan_dinas", "Jabatan di dinas atau lembaganya seperti tertulis di SK, mis. Kepala Dinas Kesehatan.",
           "Ketua TP PKK"),
    Column("ex_officio", "ya bila kursi melekat pada jabatan dinasnya (pindah ke pejabat berikutnya), tidak atau "
                         "kosong bila tidak.", "ya"),
    Column("telepon", "Nomor telepon/WhatsApp, mis. 0812-3456-7890. Hanya terlihat oleh petugas.", "0812-3456-7890",
           angka=True),
    Column("email", "Alamat email, mis. nama@contoh.go.id. Hanya terlihat oleh petugas.", "ketua.pkk@contoh.go.id"),
    Column("mulai", f"Tanggal mulai menjabat. {_TANGGAL}", date(2025, 1, 15), angka=True),
)
WAJIB = ("nama", "jabatan", "unsur")
CATATAN = (
    "Satu baris satu kursi dan pemegangnya. Baris 1 berisi nama kolom seperti di templat (huruf besar/kecil, spasi "
    "dan garis bawah boleh berbeda); kolom lain diabaikan.",
    "Kursi yang sudah ada dengan pemegang yang sama dilewati (sudah ada): mengimpor ulang berkas yang sama tidak "
    "menambah apa pun. Impor hanya menambah kursi; mengganti pemegang kursi dilakukan lewat kursinya.",
    "Ketua, Sekretaris I/II, Bendahara dan Koordinator tiap bidang hanya satu per tim.",
    "Semua baris diperiksa dulu dan ditampilkan sebagai pratinjau. Selama ada baris yang salah tidak ada yang "
    "disimpan; bila semuanya benar, semua baris disimpan sekaligus.",
    f"Baris contoh (nama diawali «{CONTOH}») dilewati; hapus atau timpa baris itu.",
)
# One tim's members: more rows than this is no tim's list (each seat is written with the tim's checks).
MAKS_BARIS = 500


def wajib(column: str) -> bool:
    return column in WAJIB


@dataclass
class Baris:
    """A row that is right: a seat to add ("baru") or one the tim has already ("tetap")."""
    row: int
    aksi: str
    jabatan: str  # the seat as the page shows it: "Koordinator bidang Kesehatan"
    nama: str
    unsur: str
    raw: dict[str, Any]  # what service.tambah_kursi receives
    catatan: str = ""  # a "tetap" row whose other cells differ from the stored seat
    kunci: tuple = ()  # the seat's key (_kunci), checked again when the preview is written


@dataclass
class Pratinjau(impor_umum.PratinjauDasar):
    tim_id: int
    rows: int = 0
    baris: list[Baris] = field(default_factory=list)
    contoh: list[int] = field(default_factory=list)  # rows of the template's example, skipped

    @property
    def baru(self) -> list[Baris]:
        return [b for b in self.baris if b.aksi == "baru"]

    @property
    def tetap(self) -> list[Baris]:
        return [b for b in self.baris if b.aksi == "tetap"]

    @property
    def boleh_simpan(self) -> bool:
        return not self.problems and bool(self.baru)


class ImporGagal(DomainError):
    """A seat was refused while writing (the tim changed since the check): nothing was written."""


def _register(tim: TimPembina) -> tuple[str, dict[str, Opd], dict[str, Opd]]:
    """The name of the register the tim's OPD come from, its active offices and its inactive ones, each by folded
    short name and name."""
    kode = service.kode_register(tim.wilayah_kode)
    wilayah = db.session.get(Wilayah, kode)
    offices = opd_register.daftar(kode, semua=True)

    def by_name(aktif: bool) -> dict[str, Opd]:
        chosen = [o for o in offices if o.aktif == aktif]
        return {lipat(o.nama): o for o in chosen} | {lipat(o.singkatan): o for o in chosen}
    return (wilayah.nama_lengkap if wilayah else kode), by_name(True), by_name(False)


def _kunci(jabatan: str, bidang: str | None, nama: str | None) -> tuple:
    return ("tunggal", jabatan, bidang) if jabatan in JABATAN_TUNGGAL else ("orang", jabatan, lipat(nama))


def _ada(tim: TimPembina) -> dict[tuple, KursiPembina]:
    """The tim's current seats by key: every single seat (held or empty), the others by their holder's name."""
    found = {}
    for k in tim.kursi_aktif:
        holder = k.sekarang
        if k.jabatan in JABATAN_TUNGGAL or holder is not None:
            found.setdefault(_kunci(k.jabatan, k.bidang, holder.nama if holder else None), k)
    return found


def _beda(kursi: KursiPembina, nilai: dict, opd: Opd | None, raw: dict) -> list[str]:
    """The file's non-blank cells that differ from the stored seat and holder."""
    holder = kursi.sekarang
    stored = {"unsur": kursi.unsur, "jabatan_dinas": kursi.jabatan_dinas, "ex_officio": kursi.ex_officio,
              "telepon": holder.telepon, "email": holder.email, "mulai": holder.mulai}
    beda = [c for c in stored if not kosong(raw.get(c)) and nilai.get(c) != stored[c]]
    if opd is not None and kursi.opd_id != opd.id:
        beda.append("opd")
    return beda


class _Periksa:
    """One file's rows against one tim: the register, the stored seats, the seats taken by earlier rows."""

    def __init__(self, p: Pratinjau, tim: TimPembina):
        self.p = p
        self.nama_register, self.register, self.nonaktif = _register(tim)
        self.ada = _ada(tim)
        self.seen: dict[tuple, int] = {}

    def _problem(self, row: int, column: str, message: str) -> None:
        if (row, column) not in self.p.flagged:
            self.p.problem(row, column, message)

    def _opd(self, row: int, raw: dict, unsur: str | None) -> Opd | None:
        cell = raw.get("opd")
        if unsur != "opd":
            if unsur and not kosong(cell):
                self._problem(row, "opd", "Kolom opd hanya diisi untuk unsur OPD. Kosongkan, atau tulis «OPD» di "
                                          "kolom unsur.")
            return None
        if kosong(cell):
            self._problem(row, "opd", f"Untuk unsur OPD tulis singkatan atau nama OPD dari daftar OPD "
                                      f"{self.nama_register}.")
            return None
        found = self.register.get(lipat(str(cell)))
        if found is None and (lama := self.nonaktif.get(lipat(str(cell)))) is not None:
            self._problem(row, "opd", f"OPD «{lama.singkatan}» sudah dinonaktifkan di daftar OPD {self.nama_register}. "
                                      "Aktifkan lagi di Daftar OPD, atau pilih OPD lain.")
        elif found is None:
            pilihan = ", ".join(sorted({o.singkatan for o in self.register.values()}))
            self._problem(row, "opd", f"OPD ini tidak ada dalam daftar OPD {self.nama_register}. Pilihan: "
                                      f"{pilihan or '(daftar masih kosong)'}.")
        return found

    def baris(self, row: int, raw: dict) -> None:
        raw = dict(raw)
        eo = raw.get("ex_officio")
        if not kosong(eo) and lipat(str(eo)) not in _YA | _TIDAK:
            self._problem(row, "ex_officio", "Tulis ya atau tidak.")
            raw["ex_officio"] = None
        if kosong(raw.get("unsur")) and not kosong(raw.get("opd")):
            raw["unsur"] = "opd"  # an office named: the member comes from an OPD
        kursi, errors = aturan.clean_kursi(raw)
        anggota, errors_anggota = aturan.clean_anggota(raw)
        for column, message in (errors | errors_anggota).items():
            self._problem(row, column, message)
        opd = self._opd(row, raw, kursi.get("unsur") if "unsur" not in errors else None)
        jabatan, nama = kursi.get("jabatan"), anggota.get("nama")
        if not jabatan or "bidang" in errors or (jabatan not in JABATAN_TUNGGAL and not nama):
            return
        kunci = _kunci(jabatan, kursi.get("bidang"), nama)
        label = JABATAN_PEMBINA[jabatan] + (f" {BIDANG[kursi['bidang']]}" if kursi.get("bidang") else "")
        if kunci in self.seen:
            earlier = self.seen[kunci]
            if kunci[0] == "tunggal":
                self._problem(row, "jabatan", f"Kursi {label} sudah diisi di baris {earlier} berkas ini; satu tim "
                                              f"hanya punya satu {label}.")
            else:
                self._problem(row, "nama", f"Orang ini sudah tercatat sebagai {label} di baris {earlier} berkas ini.")
            return
        self.seen[kunci] = row
        stored = self.ada.get(kunci)
        holder = stored.sekarang if stored is not None else None
        if stored is not None and (holder is None or lipat(holder.nama) != lipat(nama)):
            self._problem(row, "jabatan", f"Tim ini sudah punya {stored.jabatan_label} "
                                          f"({holder.nama if holder else 'kosong'}). Impor hanya menambah kursi; "
                                          "ganti pemegangnya lewat kursi itu.")
        if row in self.p.bad:
            return
        unsur = opd.singkatan if opd is not None else UNSUR[kursi["unsur"]]
        if stored is not None:
            beda = _beda(stored, kursi | anggota, opd, raw)
            catatan = ("Kolom " + ", ".join(self.p.headers.get(c, c) for c in beda) + " berbeda dari yang "
                       "tersimpan; impor tidak mengubah kursi yang sudah ada, ubah lewat kursinya.") if beda else ""
            self.p.baris.append(Baris(row, "tetap", label, nama or "", unsur, {}, catatan))
            return
        raw.update({"unsur": kursi["unsur"], "opd_id": opd.id if opd is not None else None})
        self.p.baris.append(Baris(row, "baru", label, nama or "", unsur, raw, kunci=kunci))


def _baca(p: Pratinjau, data: bytes, ext: str) -> list[tuple[int, dict]]:
    headers, records = impor_umum.baca(KOLOM, wajib, data, ext, p.problem)
    p.headers.update(headers)
    if len(records) > MAKS_BARIS:
        raise FileRefused(f"Berkas memuat {len(records)} baris; satu tim paling banyak {MAKS_BARIS} baris anggota. "
                          "Periksa apakah berkasnya benar.")
    return records


def periksa_berkas(data: bytes, ext: str) -> None:
    """The file read, without the database: FileRefused when it cannot be imported at all (unreadable, too large,
    a required column missing, no data row)."""
    p = Pratinjau(tim_id=0)
    _baca(p, data, ext)
    if p.problems:
        raise FileRefused(p.problems[0].message)


def periksa(tim: TimPembina, data: bytes, ext: str) -> Pratinjau:
    """Every row of the file judged against the tim; writes nothing. FileRefused for a file that cannot be read."""
    p = Pratinjau(tim_id=tim.id)
    records = _baca(p, data, ext)
    p.rows = len(records)
    p.records = {row: dict(raw) for row, raw in records}
    p.flagged |= impor_umum.angka_asing_ditolak(KOLOM, records, p.problem)
    check = _Periksa(p, tim)
    for row, raw in records:
        if _CONTOH.match(str(raw.get("nama") or "")):
            p.contoh.append(row)
        else:
            check.baris(row, raw)
    p.problems.sort(key=lambda m: m.row)
    return p


def sumber(filename: str) -> str:
    return f"impor berkas {filename}"[:500]


def simpan(actor, tim: TimPembina, p: Pratinjau, sumber: str | None = None) -> int:
    """Adds every new seat of a checked preview in one transaction and commits; returns how many. A preview with
    problems is never written; a seat refused now (the tim changed) rolls everything back: ImporGagal."""
    if p.problems or p.tim_id != tim.id:
        raise ValueError("only a preview of this tim without problems is written")
    baris = None
    tim = lock(TimPembina, tim.id)  # confirms of one tim go one at a time; each sees what the one before wrote
    db.session.expire(tim, ["kursi"])
    ada = _ada(tim)
    # A single seat taken meanwhile is refused by tambah_kursi below; a person added meanwhile (the same import
    # confirmed twice at once) is caught here, since the seats of many are not unique.
    if sudah := [b for b in p.baru if b.kunci and b.kunci[0] == "orang" and b.kunci in ada]:
        db.session.rollback()
        raise ImporGagal(f"Baris {sudah[0].row} ({sudah[0].nama}): sudah tercatat sebagai {sudah[0].jabatan} sejak "
                         "pratinjau dibuat (impor ini mungkin sudah disimpan). Tidak ada yang disimpan; periksa "
                         "susunan tim, lalu unggah lagi bila perlu.", status=409)
    try:
        for baris in p.baru:
            service.tambah_kursi(actor, tim, baris.raw, commit=False, sumber=sumber)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        errors = getattr(e, "errors", None) or {}
        pesan = " ".join(errors.values()) or e.message
        raise ImporGagal(f"Baris {baris.row} ({baris.nama}): {pesan} Impor dibatalkan; tidak ada anggota yang "
                         "disimpan.", status=409) from e
    except Exception:
        db.session.rollback()
        raise
    return len(p.baru)


def templat(kode: str | None = None) -> bytes:
    """The .xlsx to fill in: the columns with the example row (skipped on import), and a "Petunjuk" sheet; with the
    register of the region kode belongs to, its OPD are listed there."""
    contoh = {c.name: c.example for c in KOLOM}
    petunjuk = ["Petunjuk impor anggota Tim Pembina Posyandu", *CATATAN]
    register = service.kode_register(kode) if kode else ""
    if register:
        offices = opd_register.daftar(register)
        wilayah = db.session.get(Wilayah, register)
        if offices and wilayah is not None:
            petunjuk.append(f"OPD {wilayah.nama_lengkap} untuk kolom opd: "
                            + "; ".join(f"{o.singkatan} ({o.nama})" for o in offices) + ".")
    return impor_umum.buku_templat("Anggota", KOLOM, contoh, petunjuk, wajib, tanda_contoh=True)
