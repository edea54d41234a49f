"""The public directory of Posyandu: search, filters, order, pages and the open-data rows (issue 4).

Every query is one indexed statement on the posyandu table (plus one for the names of the wilayah on the page):
- the wilayah filter is a range on desa_kode, served by ix_posyandu_desa_nama, which also gives the default order;
- each search word is a prefix range on posyandu_kata (kata, posyandu_id);
- status, bidang and pilot are stored on the row (posyandu.status_registrasi, .layanan_bidang, .pilot).
The number of results comes from the rekap row of the wilayah when the filters are ones it counts; otherwise it is
counted up to BATAS_HITUNG ("lebih dari 10.000").
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from sqlalchemy import Integer, and_, any_, bindparam, exists, false, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY

from portal import rekap
from portal.cari import clean as clean_query
from portal.bilangan import bulat
from portal.direktori import ejaan
from portal.formatting import angka
from portal.extensions import db
from portal.halaman import Halaman, per_halaman
from portal.models.posyandu import BIDANG, BIT_BIDANG, KELOMPOK_STATUS, STATUS_REGISTRASI, Posyandu, posyandu_kata
from portal.models.wilayah import Wilayah, anak_dari, ancestors, desa_clause
from portal.teks import PANJANG_KATA, kata
from portal import wilayah_baca as wilayah_service

# Beyond it a page number is refused with a message; below it, a page past the last shows the last one. (The page
# size is the one of every list: halaman.per_halaman().)
HALAMAN_MAKS = 1_000_000
BATAS_HITUNG = 10_000
MAKS_KATA = 6  # words of a search that are used
KATA_UMUM = 20_000  # a search word matching more Posyandu than this is common (see _cocok)
URUTAN = {"wilayah": "Wilayah", "nama": "Nama", "terbaru": "Terakhir diperbarui"}
# The status filter: the four steps, each with its states (issue 13: "Belum diajukan" beside "Belum diusulkan" in one
# flat list confused people). A step of one state is that state.
LABEL_SARING = {**STATUS_REGISTRASI, "belum": "Belum ada usulan"}
STATUS_PILIHAN = [(f"{n}. {label}", ([(key, f"Semua {label.lower()}")] if len(states) > 1 else [])
                   + [(state, LABEL_SARING[state]) for state in states])
                  for n, (key, (label, states)) in enumerate(KELOMPOK_STATUS.items(), 1)]


def status_anggota(status: str) -> tuple[str, ...]:
    """The registration states a status filter value stands for: a step of four, or one state."""
    if status in KELOMPOK_STATUS:
        return KELOMPOK_STATUS[status][1]
    return (status,) if status in STATUS_REGISTRASI else ()


@dataclass
class Saring:
    """The directory's query string, checked. Values that make no sense are dropped with a message (never a 500)."""
    q: str = ""
    wilayah: Wilayah | None = None
    status: str = ""
    bidang: str = ""
    pilot: bool = False
    urut: str = "wilayah"
    page: int = 1
    pesan: list[str] = field(default_factory=list)
    _where: list | None = field(default=None, repr=False, compare=False)
    cocok: dict[str, int] = field(default_factory=dict, repr=False, compare=False)  # search word: Posyandu (capped)
    dipandu: bool = field(default=False, repr=False, compare=False)  # a rare search word drives the query
    _lingkup: int | None = field(default=None, repr=False, compare=False)  # Posyandu in the wilayah (rekap)
    _klausa: dict = field(default_factory=dict, repr=False, compare=False)  # search word: (its clause, drives)

    @classmethod
    def dari(cls, args) -> Saring:
        s = cls(q=clean_query(args.get("q"), 100))
        kode = wilayah_service.parse_kode(args.get("wilayah"))
        if kode:
            s.wilayah = wilayah_service.get(kode)
            if s.wilayah is None:
                s.pesan.append(f"Kode wilayah '{kode[:20]}' tidak dikenal; filter wilayah diabaikan.")
        status = (args.get("status") or "").strip()
        if status:
            if status_anggota(status):
                s.status = status
            else:
                s.pesan.append("Status registrasi tidak dikenal; filter status diabaikan.")
        bidang = (args.get("bidang") or "").strip()
        if bidang:
            if bidang in BIDANG:
                s.bidang = bidang
            else:
                s.pesan.append("Bidang tidak dikenal; filter bidang diabaikan.")
        pilot = (args.get("pilot") or "").strip().lower()
        s.pilot = pilot in ("1", "ya", "true", "on")
        if pilot and not s.pilot and pilot not in ("0", "tidak", "false", "off"):
            s.pesan.append("Nilai pilot tidak dikenal; tulis pilot=1.")
        urut = (args.get("urut") or "").strip()
        if urut in URUTAN:
            s.urut = urut
        elif urut:
            s.pesan.append("Urutan tidak dikenal; diurutkan menurut wilayah.")
        page = args.get("page")
        if page not in (None, ""):
            nomor = bulat(page, 1, HALAMAN_MAKS)
            if nomor is None:
                s.pesan.append("Nomor halaman tidak sah; halaman 1 ditampilkan.")
            else:
                s.page = nomor
        return s

    @property
    def kode(self) -> str:
        return self.wilayah.kode if self.wilayah else ""

    @property
    def kata(self) -> list[str]:
        return kata(self.q)[:MAKS_KATA]

    def args(self, **changes) -> dict[str, str | int]:
        """The query string of this view (page 1, default order left out), with changes: for links."""
        values = {"q": self.q, "wilayah": self.kode, "status": self.status, "bidang": self.bidang,
                  "pilot": 1 if self.pilot else "", "urut": self.urut, "page": self.page}
        values.update(changes)
        if values["urut"] == "wilayah":
            values["urut"] = ""
        if values["page"] == 1:
            values["page"] = ""
        return {k: v for k, v in values.items() if v not in ("", None)}

    @property
    def disaring(self) -> bool:
        return bool(self.q or self.wilayah or self.status or self.bidang or self.pilot)


def _where(s: Saring) -> list:
    """The WHERE clauses of the query; worked out once per request (the search words cost a look-up each)."""
    if s._where is None:
        s._where = _bangun_where(s)
    return s._where


def _bangun_where(s: Saring) -> list:
    where = [Posyandu.aktif.is_(True)]
    if s.wilayah:
        where.append(desa_clause(Posyandu.desa_kode, s.wilayah.kode))
    if s.status:
        members = status_anggota(s.status)
        where.append(Posyandu.status_registrasi == members[0] if len(members) == 1
                     else Posyandu.status_registrasi.in_(members))
    if s.bidang:
        where.append(Posyandu.layanan_bidang.op("&")(BIT_BIDANG[s.bidang]) != 0)
    if s.pilot:
        where.append(Posyandu.pilot == true())  # "= 1", the predicate of the partial index ix_posyandu_pilot
    if s.kata:
        if s._lingkup is None:
            s._lingkup = rekap.wilayah(s.kode).posyandu
        where.extend(_cocok(s, word, s._lingkup) for word in s.kata)
    return where


def _awalan(word: str):
    """The words of the index that start with word: a range ('{' sorts after 'z' and every digit)."""
    return and_(posyandu_kata.c.kata >= word, posyandu_kata.c.kata < word[:PANJANG_KATA] + "{")


def _cocok(s: Saring, word: str, in_scope: int):
    """The WHERE clause of one search word: worked out once per search, and kept by the corrected search of a typo
    for the words it keeps."""
    if word in s._klausa:
        clause, drives = s._klausa[word]
    else:
        clause, drives = s._klausa[word] = _klausa(s, word, in_scope)
    s.dipandu = s.dipandu or drives
    return clause


def _klausa(s: Saring, word: str, in_scope: int) -> tuple:
    """The Posyandu with a word starting with word, in the form both databases plan well, and whether it drives:
    - a word that starts no indexed word: none;
    - a word of at most KATA_UMUM Posyandu, and fewer than the wilayah holds, drives the query: on PostgreSQL its ids,
      read first, as one array parameter (as a subquery, PostgreSQL may walk all 300,000 rows in order, probing);
      on SQLite the index range as a subquery (SQLite looks the ids up by rowid);
    - a common word ("uji", "sungai"), or one with more Posyandu than the wilayah: checked per row of the wilayah,
      walked in order, so no query builds a set of 100,000 ids."""
    limit = min(KATA_UMUM, max(in_scope, 1))
    in_range = select(posyandu_kata.c.posyandu_id).where(_awalan(word))
    s.cocok[word] = db.session.scalar(select(func.count()).select_from(in_range.limit(limit + 1).subquery()))
    if not s.cocok[word]:
        return false(), False
    if s.cocok[word] <= limit:
        if db.session.get_bind().dialect.name == "postgresql":
            ids = sorted(set(db.session.scalars(in_range)))  # a Posyandu may have both "kara" and "karang"
            return Posyandu.id == any_(bindparam("ids", ids, type_=ARRAY(Integer), unique=True)), True
        return Posyandu.id.in_(in_range), True
    return exists().where(posyandu_kata.c.posyandu_id == Posyandu.id, _awalan(word)), False


def _order(s: Saring, c=Posyandu.__table__.c) -> list:
    if s.urut == "nama":
        return [c.nama, c.id]
    if s.urut == "terbaru":
        return [c.updated_at.desc(), c.id.desc()]
    return [c.desa_kode, c.nama, c.id]


@dataclass
class Jumlah:
    n: int
    tepat: bool  # False: there are more than n


def jumlah(s: Saring) -> Jumlah:
    filters = [bool(s.status), bool(s.bidang), s.pilot]
    if not s.kata and sum(filters) <= 1:
        counts = rekap.wilayah(s.kode)
        if s.status:
            n = sum(counts[f"status_{state}"] for state in status_anggota(s.status))
        elif s.bidang:
            n = counts[f"layanan_{s.bidang}"]
        else:
            n = counts.pilot if s.pilot else counts.posyandu
        return Jumlah(n, True)
    where = _where(s)
    if len(s.kata) == 1 and not (s.wilayah or any(filters)) and s.cocok[s.kata[0]] > BATAS_HITUNG:
        return Jumlah(BATAS_HITUNG, False)  # one common word, nothing else: no need to walk the country to say so
    capped = select(Posyandu.id).where(*where).limit(BATAS_HITUNG + 1).subquery()
    n = db.session.scalar(select(func.count()).select_from(capped))
    return Jumlah(min(n, BATAS_HITUNG), n <= BATAS_HITUNG)


@dataclass
class BarisDirektori:
    id: int
    nama: str
    desa_kode: str
    status_registrasi: str
    pilot: bool
    tempat: list[Wilayah]  # desa, kecamatan, kabupaten/kota, provinsi (as far as known)

    @property
    def status_label(self) -> str:
        return STATUS_REGISTRASI[self.status_registrasi]


def anak(kode: str) -> list[Wilayah]:
    """The regions directly below kode (below Indonesia: the provinsi), to narrow the filter."""
    return db.session.scalars(select(Wilayah).where(anak_dari(kode)).order_by(Wilayah.kode)).all()


def _tempat(codes: set[str]) -> dict[str, Wilayah]:
    wanted = codes | {a for c in codes for a in ancestors(c)}
    if not wanted:
        return {}
    return {w.kode: w for w in db.session.scalars(select(Wilayah).where(Wilayah.kode.in_(sorted(wanted))))}


def cari(s: Saring) -> tuple[Jumlah, list[BarisDirektori]]:
    """The count and one page of results: two or three statements, whatever the page holds (no query per row)."""
    where = _where(s)
    if any(s.cocok[w] == 0 for w in s.kata):
        return Jumlah(0, True), []  # a word that starts no indexed word: nothing to look for (a typo, often)
    found = select(Posyandu.id, Posyandu.nama, Posyandu.desa_kode, Posyandu.status_registrasi, Posyandu.pilot,
                   Posyandu.updated_at).where(*where)
    total = None
    if s.dipandu:
        # The few matches of a rare word first, counted and ordered from there: otherwise PostgreSQL, expecting them
        # spread evenly, may walk the ordered index through the whole country to find 25 that sit in one province.
        found = found.cte("cocok").prefix_with("MATERIALIZED")
        stmt = select(found, select(func.count()).select_from(found).scalar_subquery().label("total"))
        stmt = stmt.order_by(*_order(s, found.c))
    else:
        stmt = found.order_by(*_order(s))
    per = per_halaman()
    rows = db.session.execute(stmt.limit(per).offset((s.page - 1) * per)).all()
    if s.dipandu and rows:
        total = Jumlah(min(rows[0].total, BATAS_HITUNG), rows[0].total <= BATAS_HITUNG)
    names = _tempat({r.desa_kode for r in rows})
    return total or jumlah(s), [
        BarisDirektori(r.id, r.nama, r.desa_kode, r.status_registrasi, r.pilot,
              [names[c] for c in [r.desa_kode, *reversed(ancestors(r.desa_kode))] if c in names])
        for r in rows]


@dataclass
class Hasil:
    """What a directory page lists: the search s (the corrected one when the typed words found nothing), the count,
    one page of rows, and the correction offered ("Maksud Anda: mawar?")."""
    s: Saring
    total: Jumlah
    rows: list[BarisDirektori]
    ditulis: str = ""  # the search as typed
    saran: str = ""  # the corrected search whose results are shown, when the typed one found nothing

    @property
    def halaman(self) -> Halaman:
        """The page for the pager; beyond an inexact count ("lebih dari 10.000") a full page may have a next one."""
        h = Halaman(self.rows, self.s.page, per_halaman(), self.total.n)
        h.lanjut = len(self.rows) == h.per and (not self.total.tepat or h.nomor < h.pages)
        return h


def _koreksi(s: Saring) -> tuple[Saring, Jumlah, list[BarisDirektori]] | None:
    """The search with each word that starts no indexed word replaced by a near one, when that finds something: the
    nearest first, up to three tries (a near word may not go with the other words: "tumbang kauyan" is not "tumbang
    kayan")."""
    salah = [w for w in s.kata if s.cocok.get(w) == 0]
    pilihan = {w: ejaan.mirip(w) for w in salah}
    if not salah or not all(pilihan.values()):
        return None
    for i in range(max(len(p) for p in pilihan.values())):
        q = " ".join(pilihan[w][min(i, len(pilihan[w]) - 1)] if w in pilihan else w for w in s.kata)
        lain = replace(s, q=q, _where=None, cocok=dict(s.cocok), _klausa=dict(s._klausa), dipandu=False)
        total, rows = cari(lain)
        if total.n:
            return lain, total, rows
    return None


def telusur(s: Saring) -> Hasil:
    """One page of the directory as people search it: small typos forgiven, and a page number past the last shows
    the last page (page 1 when nothing matches)."""
    total, rows = cari(s)
    hasil = Hasil(s, total, rows, ditulis=s.q)
    if not total.n and s.kata:
        found = _koreksi(s)
        if found:
            hasil = Hasil(*found, ditulis=s.q, saran=found[0].q)
    if not hasil.rows and hasil.s.page > 1:
        if hasil.total.n:
            s.pesan.append(f"Halaman {angka(hasil.s.page)} tidak ada; ditampilkan halaman terakhir.")
            hasil.s.page = hasil.halaman.pages if hasil.total.tepat else BATAS_HITUNG // per_halaman()
            hasil.total, hasil.rows = cari(hasil.s)
        else:
            hasil.s.page = 1
    return hasil


# --- Open data ------------------------------------------------------------------------------------------------------

# The columns of /posyandu.csv and /posyandu.json, in order, with what they mean (README.md repeats this list).
KOLOM = {
    "id": "Nomor Posyandu di portal; tetap, tidak pernah dipakai ulang.",
    "nama": "Nama Posyandu.",
    "kode_desa": "Kode desa/kelurahan Kemendagri (Kepmendagri 300.2.2-2138/2025).",
    "desa": "Nama desa/kelurahan.",
    "kode_kecamatan": "Kode kecamatan.",
    "kecamatan": "Nama kecamatan.",
    "kode_kabupaten": "Kode kabupaten/kota.",
    "kabupaten": "Nama kabupaten/kota.",
    "kode_provinsi": "Kode provinsi.",
    "provinsi": "Nama provinsi.",
    "dusun": "Dusun/lingkungan.",
    "rt": "RT.",
    "rw": "RW.",
    "alamat": "Alamat tempat pelayanan.",
    "latitude": "Lintang (WGS 84), bila dicatat.",
    "longitude": "Bujur (WGS 84), bila dicatat.",
    "hari_buka": "Jadwal buka, seperti ditulis desa.",
    "status_registrasi": "Status registrasi Kemendagri: " + ", ".join(STATUS_REGISTRASI) + ".",
    "nomor_registrasi": "Nomor registrasi Kemendagri, bila sudah terbit.",
    "sk_nomor": "Nomor SK pembentukan.",
    "sk_tanggal": "Tanggal SK pembentukan (YYYY-MM-DD).",
    "pilot": "1 bila Posyandu percontohan (pilot project) kabupaten, selain itu 0.",
    **{f"layanan_{b}": f"1 bila menjalankan sedikitnya satu kegiatan bidang {label}, selain itu 0."
       for b, label in BIDANG.items()},
    "diperbarui": "Waktu terakhir profil diubah (UTC, ISO 8601).",
}
EKSPOR_BATCH = 2_000


def baris_ekspor(s: Saring) -> Iterator[tuple]:
    """Every Posyandu matching the filters, in id order, as open-data rows: tuples in the order of KOLOM. Streams:
    keyset pages of EKSPOR_BATCH rows, so memory stays flat and no transaction is held between pages; the wilayah
    names are plain strings, read once each. No person's data is in the columns."""
    names: dict[str, str] = {}
    after = 0
    columns = (Posyandu.id, Posyandu.nama, Posyandu.desa_kode, Posyandu.dusun, Posyandu.rt, Posyandu.rw,
               Posyandu.alamat, Posyandu.latitude, Posyandu.longitude, Posyandu.hari_buka, Posyandu.status_registrasi,
               Posyandu.nomor_registrasi, Posyandu.sk_nomor, Posyandu.sk_tanggal, Posyandu.pilot,
               Posyandu.layanan_bidang, Posyandu.updated_at)
    where = _where(s)
    bits = list(BIT_BIDANG.values())
    while True:
        rows = db.session.execute(select(*columns).where(*where, Posyandu.id > after)
                                  .order_by(Posyandu.id).limit(EKSPOR_BATCH)).all()
        db.session.commit()  # ends the read transaction between pages
        if not rows:
            return
        missing = {c for r in rows for c in (r[2], *ancestors(r[2]))} - names.keys()
        if missing:
            names.update((kode, nama) for kode, nama in db.session.execute(
                select(Wilayah.kode, Wilayah.nama).where(Wilayah.kode.in_(sorted(missing)))))
        for (pid, nama, kode, dusun, rt, rw, alamat, lat, lon, hari_buka, status, nomor, sk_nomor, sk_tanggal, pilot,
             layanan, updated) in rows:
            kec, kab, prov = kode[:8], kode[:5], kode[:2]
            yield (pid, nama, kode, names.get(kode, ""), kec, names.get(kec, ""), kab, names.get(kab, ""), prov,
                   names.get(prov, ""), dusun, rt, rw, alamat, lat, lon, hari_buka, status, nomor, sk_nomor,
                   sk_tanggal.isoformat() if sk_tanggal else None, int(bool(pilot)),
                   *(int(bool(layanan & bit)) for bit in bits),
                   updated.replace(microsecond=0).isoformat() + "Z" if updated else None)
        after = rows[-1][0]
