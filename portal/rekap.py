"""Derived data, kept in step with the records inside every transaction (issue 4).

At national scale (300,000 Posyandu, 3.6 M kader) no page may count the records per request. So, beside the records:
- `posyandu.lengkap` and `posyandu.layanan_bidang`: the kelengkapan verdict and the bidang it runs activities in;
- `posyandu_kata`: the words of its name, desa and kecamatan, for the directory's search;
- `rekap_wilayah`: one row of counts per wilayah (portal/models/rekap.py), including the kader trained in a bimtek.

One mechanism keeps them right. What a transaction touched is collected in one set per session (session.info):
- ORM changes, by an `after_flush` listener (`_collect`): a Posyandu, its kader, pengurus or layanan; a peserta who
  passed, lost a pass, joined or left a training; a kegiatan whose jenis or cancellation changed;
- writes that bypass the ORM (a Core UPDATE of Posyandu.status_registrasi, a bulk insert), by calling
  `touch(session, desa=…)` (or posyandu=…), which feeds the same set.
At `before_commit` (`_recompute`) exactly those are recomputed from the records, in the same transaction — each
Posyandu's derived columns, the desa's rekap row from its Posyandu, then each ancestor's row as the sum of its
children's rows. On PostgreSQL the wilayah rows concerned are locked first (in code order, so two writers never
deadlock), so two transactions in the same kecamatan cannot both sum a stale child. A rollback forgets the set.
`bangun()` rebuilds everything from the records (the synthetic-data generator, `flask rekap bangun`).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

from sqlalchemy import bindparam, delete, event, func, insert, inspect, or_, select, update
from sqlalchemy.orm import Session, aliased

from portal.extensions import db
from portal.models.audit import AuditLog
from portal.models.base import utcnow
from portal.models.kegiatan import JENIS_PELATIHAN, Kegiatan, Peserta
from portal.models.posyandu import (BIDANG, BIT_BIDANG, Kader, KatalogKegiatan, Pengurus, Posyandu, posyandu_kata,
                                    posyandu_layanan)
from portal.models.rekap import UKURAN, rekap_wilayah
from portal.models.wilayah import KODE_LENGTH, Wilayah, anak_dari, ancestors
from portal import kelengkapan
from portal.teks import kata

KUNCI = "portal.rekap"
BATCH = 5_000


@dataclass
class _Touched:
    """What this transaction changed, to recompute at its commit."""
    posyandu: set[int] = field(default_factory=set)  # lengkap, layanan_bidang and their desa's rekap
    kata: set[int] = field(default_factory=set)  # search words to rewrite (new, renamed or moved Posyandu)
    desa: set[str] = field(default_factory=set)  # desa whose rekap to recompute (e.g. the one a Posyandu left)
    peserta: set[tuple[int, int]] = field(default_factory=set)  # (kegiatan, kader) whose training outcome changed
    kegiatan: set[int] = field(default_factory=set)  # kegiatan whose jenis or cancellation changed

    def __bool__(self) -> bool:
        return bool(self.posyandu or self.kata or self.desa or self.peserta or self.kegiatan)


def _touched(session: Session) -> _Touched:
    return session.info.setdefault(KUNCI, _Touched())


def touch(session: Session, posyandu: Iterable[int] = (), kata: Iterable[int] = (), desa: Iterable[str] = ()) -> None:
    """Marks Posyandu (their derived columns and desa), search words and desa to recompute when this transaction
    commits. For writes the ORM does not see (a Core UPDATE or INSERT); ORM changes are collected by themselves."""
    touched = _touched(session)
    touched.posyandu.update(i for i in posyandu if i is not None)
    touched.kata.update(i for i in kata if i is not None)
    touched.desa.update(d for d in desa if d)


def _values(history) -> Iterable:
    return (v for v in chain(history.added or (), history.deleted or (), history.unchanged or ()) if v is not None)


def _changed(state, *names: str) -> bool:
    return any(state.attrs[name].history.has_changes() for name in names)


def _collect(session: Session, _flush_context) -> None:
    """after_flush: collect what the flushed ORM changes touch. Ids of new rows are known by now."""
    touched = _touched(session)
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Posyandu):
            state = inspect(obj)
            touched.posyandu.add(obj.id)
            moved = state.attrs.desa_kode.history
            touched.desa.update(_values(moved))
            if obj in session.new or moved.has_changes() or state.attrs.nama.history.has_changes():
                touched.kata.add(obj.id)
        elif isinstance(obj, (Kader, Pengurus)):
            state = inspect(obj)
            ids = set(_values(state.attrs.posyandu_id.history)) or {state.dict.get("posyandu_id")}
            touched.posyandu.update(i for i in ids if i is not None)
        elif isinstance(obj, Peserta):
            state = inspect(obj)
            if obj in session.new or obj in session.deleted or _changed(state, "lulus", "aktif", "kader_id"):
                kegiatan_id = state.dict.get("kegiatan_id")
                kader = set(_values(state.attrs.kader_id.history)) or {state.dict.get("kader_id")}
                touched.peserta.update((kegiatan_id, k) for k in kader if k is not None)
        elif isinstance(obj, Kegiatan) and obj not in session.new and _changed(inspect(obj), "jenis", "dibatalkan"):
            touched.kegiatan.add(obj.id)


def _training_desa(session: Session, touched: _Touched) -> set[str]:
    """The desa whose count of trained kader a peserta or kegiatan change may have moved."""
    kader = set()
    if touched.peserta:
        pelatihan = set(session.scalars(select(Kegiatan.id).where(
            Kegiatan.id.in_({k for k, _ in touched.peserta}), Kegiatan.jenis.in_(JENIS_PELATIHAN))))
        kader = {kader_id for kegiatan_id, kader_id in touched.peserta if kegiatan_id in pelatihan}
    where = []
    if kader:
        where.append(Kader.id.in_(sorted(kader)))
    if touched.kegiatan:
        where.append(Kader.id.in_(select(Peserta.kader_id).where(Peserta.kegiatan_id.in_(touched.kegiatan))))
    if not where:
        return set()
    return set(session.scalars(select(Posyandu.desa_kode).distinct().join(Kader, Kader.posyandu_id == Posyandu.id)
                               .where(or_(*where))))


def _recompute(session: Session) -> None:
    """before_commit: bring the derived data in line with what this transaction touched. SQLAlchemy calls it before
    its own final flush, so the pending changes are flushed here first (which completes the set)."""
    session.flush()
    touched = session.info.pop(KUNCI, None)
    if touched:
        _recompute_now(session, touched.posyandu, touched.kata, touched.desa | _training_desa(session, touched))


def _forget(session: Session, *_args) -> None:
    session.info.pop(KUNCI, None)


def init_app(app) -> None:
    if not event.contains(Session, "after_flush", _collect):
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "before_commit", _recompute)
        event.listen(Session, "after_rollback", _forget)


# --- Per Posyandu: lengkap, layanan_bidang, search words ------------------------------------------------------------

def _posyandu_turunan(session: Session, ids: list[int]) -> None:
    minimum = kelengkapan.kader_minimum()
    facts = kelengkapan.fakta(Posyandu.id.in_(ids), session=session)
    bits: Counter[int] = Counter()
    for pid, bidang in session.execute(
            select(posyandu_layanan.c.posyandu_id, KatalogKegiatan.bidang).distinct()
            .join(KatalogKegiatan, KatalogKegiatan.id == posyandu_layanan.c.kegiatan_id)
            .where(posyandu_layanan.c.posyandu_id.in_(ids))):
        bits[pid] |= BIT_BIDANG.get(bidang, 0)
    table = Posyandu.__table__
    rows = [{"pid": pid, "l": kelengkapan.lengkap(kelengkapan.periksa(f, minimum)), "b": bits[pid]}
            for pid, f in facts.items()]
    if rows:
        # Core UPDATE: neither the record's version nor its updated_at move for a derived value.
        session.execute(update(table).where(table.c.id == bindparam("pid"))
                        .values(lengkap=bindparam("l"), layanan_bidang=bindparam("b"),
                                updated_at=table.c.updated_at), rows)


def kata_posyandu(session: Session, where) -> Iterable[dict]:
    """The search words of the Posyandu matching where: its name, its desa's and its kecamatan's."""
    desa, kecamatan = aliased(Wilayah), aliased(Wilayah)
    rows = session.execute(
        select(Posyandu.id, Posyandu.nama, desa.nama, kecamatan.nama)
        .join(desa, desa.kode == Posyandu.desa_kode).join(kecamatan, kecamatan.kode == desa.parent_kode).where(where))
    for pid, nama, nama_desa, nama_kecamatan in rows:
        for word in kata(nama, nama_desa, nama_kecamatan):
            yield {"kata": word, "posyandu_id": pid}


def _tulis_kata(session: Session, ids: list[int]) -> None:
    session.execute(delete(posyandu_kata).where(posyandu_kata.c.posyandu_id.in_(ids)))
    rows = list(kata_posyandu(session, Posyandu.id.in_(ids)))
    if rows:
        session.execute(insert(posyandu_kata), rows)


# --- Per wilayah: rekap rows ----------------------------------------------------------------------------------------

def _kosong() -> dict[str, int]:
    return dict.fromkeys(UKURAN, 0)


def hitung_desa(session: Session, where) -> dict[str, dict[str, int]]:
    """The rekap measures of every desa holding an active Posyandu that matches where, from the records."""
    hasil: dict[str, dict[str, int]] = defaultdict(_kosong)
    active = [Posyandu.aktif.is_(True), where]
    for kode, status, pilot, lengkap, bits, n in session.execute(
            select(Posyandu.desa_kode, Posyandu.status_registrasi, Posyandu.pilot, Posyandu.lengkap,
                   Posyandu.layanan_bidang, func.count()).where(*active)
            .group_by(Posyandu.desa_kode, Posyandu.status_registrasi, Posyandu.pilot, Posyandu.lengkap,
                      Posyandu.layanan_bidang)):
        row = hasil[kode]
        row["posyandu"] += n
        row["pilot"] += n if pilot else 0
        row["lengkap"] += n if lengkap else 0
        row[f"status_{status}"] += n
        for bidang, bit in BIT_BIDANG.items():
            if bits & bit:
                row[f"layanan_{bidang}"] += n
    for kode, bidang, n in session.execute(
            select(Posyandu.desa_kode, Kader.bidang, func.count()).join(Posyandu)
            .where(Kader.aktif.is_(True), *active).group_by(Posyandu.desa_kode, Kader.bidang)):
        hasil[kode]["kader"] += n
        if bidang in BIDANG:
            hasil[kode][f"kader_{bidang}"] += n
    for kode, n in session.execute(
            select(Posyandu.desa_kode, func.count()).join(Posyandu)
            .select_from(Pengurus).where(Pengurus.aktif.is_(True), *active).group_by(Posyandu.desa_kode)):
        hasil[kode]["pengurus"] += n
    # Trained kader, counted from the peserta side: few rows even at national scale.
    for kode, n in session.execute(
            select(Posyandu.desa_kode, func.count(Kader.id.distinct())).select_from(Peserta)
            .join(Kegiatan, Kegiatan.id == Peserta.kegiatan_id).join(Kader, Kader.id == Peserta.kader_id)
            .join(Posyandu, Posyandu.id == Kader.posyandu_id)
            .where(Peserta.aktif.is_(True), Peserta.lulus.is_(True), Kegiatan.jenis.in_(JENIS_PELATIHAN),
                   Kegiatan.dibatalkan.is_(False), Kader.aktif.is_(True), *active).group_by(Posyandu.desa_kode)):
        hasil[kode]["kader_terlatih"] += n
    for row in hasil.values():
        row["desa"], row["desa_berposyandu"] = 1, int(row["posyandu"] > 0)
    return hasil


def _simpan(session: Session, rows: dict[str, dict[str, int]]) -> None:
    """Writes rekap rows: an UPDATE per row, an INSERT where the row did not exist yet."""
    now, table = utcnow(), rekap_wilayah
    for kode, values in rows.items():
        done = session.execute(update(table).where(table.c.kode == kode).values(**values, diperbarui=now))
        if not done.rowcount:
            session.execute(insert(table).values(kode=kode, **values, diperbarui=now))


def _jumlah_anak(session: Session, kode: str) -> dict[str, int]:
    total = _kosong()
    columns = [rekap_wilayah.c[name] for name in UKURAN]
    for row in session.execute(select(*columns).join(Wilayah, Wilayah.kode == rekap_wilayah.c.kode)
                               .where(anak_dari(kode))):
        for name, value in zip(UKURAN, row):
            total[name] += value
    return total


def _recompute_wilayah(session: Session, desa: set[str]) -> None:
    codes = sorted(desa | {a for d in desa for a in ancestors(d)})
    if session.get_bind().dialect.name == "postgresql":
        # FOR NO KEY UPDATE: serialises rekap writers of these wilayah without blocking inserts that reference them.
        session.execute(select(Wilayah.kode).where(Wilayah.kode.in_(codes)).order_by(Wilayah.kode)
                        .with_for_update(key_share=True))
    counted = hitung_desa(session, Posyandu.desa_kode.in_(sorted(desa)))
    rows = {}
    for kode in desa:
        rows[kode] = counted.get(kode) or {**_kosong(), "desa": 1}
    _simpan(session, rows)
    for level in (3, 2, 1):
        parents = sorted({d[:KODE_LENGTH[level]] for d in desa})
        _simpan(session, {kode: _jumlah_anak(session, kode) for kode in parents})


def _recompute_now(session: Session, posyandu: Iterable[int] = (), kata_ids: Iterable[int] = (),
                   desa: Iterable[str] = ()) -> None:
    """Recomputes the derived data of these Posyandu and desa (and their ancestors), inside the transaction."""
    posyandu, kata_ids, desa = sorted(set(posyandu)), sorted(set(kata_ids)), set(desa)
    for start in range(0, len(posyandu), BATCH):
        chunk = posyandu[start:start + BATCH]
        _posyandu_turunan(session, chunk)
        desa.update(session.scalars(select(Posyandu.desa_kode).distinct().where(Posyandu.id.in_(chunk))))
    for start in range(0, len(kata_ids), BATCH):
        _tulis_kata(session, kata_ids[start:start + BATCH])
    desa = {d for d in desa if len(d) == KODE_LENGTH[4]}
    if desa:
        _recompute_wilayah(session, desa)


def bangun(session: Session | None = None, turunan: bool = True, catat: bool = True) -> int:
    """Rebuilds every rekap row from the records (and, with turunan, every Posyandu's derived columns and search
    words, chunk by chunk). Returns the number of rekap rows. Part of the caller's transaction: the caller commits."""
    session = session or db.session
    session.info.pop(KUNCI, None)
    if turunan:
        ids = session.scalars(select(Posyandu.id).order_by(Posyandu.id)).all()
        for start in range(0, len(ids), BATCH):
            _posyandu_turunan(session, ids[start:start + BATCH])
        session.execute(delete(posyandu_kata))
        batch: list[dict] = []
        for row in kata_posyandu(session, Posyandu.id.is_not(None)):
            batch.append(row)
            if len(batch) >= BATCH:
                session.execute(insert(posyandu_kata), batch)
                batch = []
        if batch:
            session.execute(insert(posyandu_kata), batch)
    counted = hitung_desa(session, Posyandu.id.is_not(None))
    rows: dict[str, dict[str, int]] = {}
    for (kode,) in session.execute(select(Wilayah.kode).where(Wilayah.level == 4)):
        own = counted.get(kode) or {**_kosong(), "desa": 1}
        rows[kode] = own
        for parent in ancestors(kode):
            total = rows.setdefault(parent, _kosong())
            for name, value in own.items():
                total[name] += value
    for (kode,) in session.execute(select(Wilayah.kode).where(Wilayah.level < 4)):
        rows.setdefault(kode, _kosong())  # a kecamatan without desa in the list still gets its row
    now = utcnow()
    session.execute(delete(rekap_wilayah))
    items = [{"kode": kode, **values, "diperbarui": now} for kode, values in rows.items()]
    for start in range(0, len(items), BATCH):
        session.execute(insert(rekap_wilayah), items[start:start + BATCH])
    # An audit entry (unless the caller writes its own): the change of public figures is traceable, and it moves the
    # public pages' ETag (caching.py).
    if catat:
        session.execute(insert(AuditLog).values(
            at=now, actor_id=None, action="bangun", object_type=rekap_wilayah.name, object_id=str(len(items)),
            wilayah_kode=None, on_behalf_of=None, posyandu_id=None,
            changes={"kader_minimum": [None, kelengkapan.kader_minimum()], "turunan": [None, turunan]}))
    session.info.pop(KUNCI, None)
    return len(items)


def sudah_dibangun() -> bool:
    return db.session.scalar(select(rekap_wilayah.c.kode).limit(1)) is not None


# --- Reading --------------------------------------------------------------------------------------------------------

class Angka(dict):
    """A rekap row: counts by measure name, readable as attributes (angka.posyandu)."""

    def __getattr__(self, name: str) -> int:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _baris(row) -> Angka:
    return Angka(zip(UKURAN, row)) if row is not None else Angka(_kosong())


def wilayah(kode: str = "") -> Angka:
    """The counts of a wilayah ('' = the whole country: the sum of the provinces)."""
    columns = [rekap_wilayah.c[name] if kode else func.coalesce(func.sum(rekap_wilayah.c[name]), 0) for name in UKURAN]
    where = rekap_wilayah.c.kode == kode if kode else rekap_wilayah.c.kode.in_(select(Wilayah.kode).where(anak_dari("")))
    return _baris(db.session.execute(select(*columns).where(where)).first())


def anak(kode: str = "") -> list[tuple[Wilayah, Angka]]:
    """Each child wilayah of kode with its counts, in code order."""
    columns = [rekap_wilayah.c[name] for name in UKURAN]
    rows = db.session.execute(
        select(Wilayah, *columns).outerjoin(rekap_wilayah, rekap_wilayah.c.kode == Wilayah.kode)
        .where(anak_dari(kode)).order_by(Wilayah.kode))
    return [(row[0], _baris(row[1:] if row[1] is not None else None)) for row in rows]
