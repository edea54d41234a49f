"""One workflow mechanism for every record that moves from state to state: the usulan of the registration today, the
monthly laporan and the lomba next.

A feature declares its steps in a table (Langkah: the button's label, the state it leads to, per role the states it
may be taken from, whether a reason is required, a further condition) and gets, from one Alur:
- who may take which step from which state in which region: may() for showing a button, check() for taking it,
  raising DomainError that says exactly why not;
- the row locked (SELECT … FOR UPDATE; SQLite writers hold the database's write lock already) and read afresh, the
  version the user saw checked (a stale one raises Conflict, 409), the state moved, a row on the feature's own
  timeline and an audit entry, all in the caller's transaction (its service commits, or rolls back and raises).

It knows nothing of any feature: the feature supplies its table, its timeline model (columns aksi, dari, ke, oleh_id,
peran, catatan and a relationship to the record) and its own rules (documents, numbers…). The monthly laporan would
declare, e.g.:

    LAPORAN = Alur({
        "kirim": Langkah("Kirim ke kecamatan", "dikirim", {"desa": ("draf", "dikembalikan")}),
        "terima": Langkah("Terima laporan", "diterima", {"kecamatan": ("dikirim",)}),
        "kembalikan": Langkah("Kembalikan", "dikembalikan", {"kecamatan": ("dikirim",)},
                              catatan_wajib="Tulis apa yang harus diperbaiki desa."),
    }, label=STATUS_LAPORAN, timeline=LangkahLaporan, subjek="laporan",
       luar_wilayah="Laporan ini di luar wilayah kerja Anda.")

    def jalankan(user, laporan_id, aksi, versi, catatan):
        laporan = lock(Laporan, laporan_id)
        check_version(laporan, versi, "Laporan ini baru saja diubah pengguna lain; muat ulang halamannya.")
        LAPORAN.check(user, laporan.desa_kode, laporan.status, aksi)
        LAPORAN.move(user, laporan, aksi, LAPORAN.catatan(aksi, catatan), wilayah_kode=laporan.desa_kode)
        LAPORAN.flush("Laporan ini baru saja diubah pengguna lain.")
        db.session.commit()
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal import access, audit
from portal.domain import Conflict, DomainError
from portal.extensions import db
from portal.models.user import ROLE_LABEL

CATATAN_MAKS = 1000


@dataclass(frozen=True)
class Langkah:
    label: str  # the button
    ke: str  # the state it leads to
    dari: dict[str, tuple[str | None, ...]]  # role → the states it may take this step from (None: no record yet)
    catatan_wajib: str | None = None  # the note is required: the message when it is missing
    # A further condition on the subject: why the step may not be taken now, or None.
    syarat: Callable[[Any], str | None] | None = None
    # The refusal for a wrong state, if not the usual one; {status} is the state's label.
    pesan_status: str | None = None


def lock(model, record_id):
    """The record read afresh, its row locked until the transaction ends (SQLite renders no FOR UPDATE)."""
    return db.session.scalar(select(model).where(model.id == record_id).with_for_update()
                             .execution_options(populate_existing=True))


def check_version(obj, versi, pesan: str | Callable[[], str]) -> None:
    """The version the user saw must still be the record's (None: the caller holds the row already)."""
    if versi is not None and str(versi) != str(obj.version):
        raise Conflict(pesan() if callable(pesan) else pesan)


def all_or_nothing(service):
    """A service function that changes nothing when it refuses: a DomainError rolls back what it did so far (and
    what its caller did in the same transaction, with commit=False), then goes on to the view."""
    @wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except DomainError:
            db.session.rollback()
            raise
    return wrapper


def clean_catatan(catatan: str | None) -> str | None:
    """A note without control characters, trimmed; None when nothing is left."""
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", (catatan or "")).strip()
    return text or None


@dataclass
class Alur:
    langkah: dict[str, Langkah]
    label: Mapping[str, str]  # state → its label
    timeline: type  # the feature's model of one step
    subjek: str  # the timeline's relationship to the record
    luar_wilayah: str  # the refusal for a record outside the user's region
    belum_ada: str = "Belum ada yang dapat diproses."  # the refusal when there is no record yet
    awal: str = "belum"  # how the audit names the state before the first step

    def refusal(self, user, kode: str | None, state: str | None, aksi: str,
                keadaan: Callable[[], str] | None = None) -> str | None:
        """Why the user may not take this step from this state on a record of region kode (None: they may).
        user None is the system (command line, demo data): any state any role may start from. keadaan: the
        record's state told in full (since when, by whom), for the refusal of a wrong state."""
        step = self.langkah[aksi]
        if user is None:
            allowed = {s for states in step.dari.values() for s in states}
        elif not access.in_scope(user, kode):
            return self.luar_wilayah
        elif user.role not in step.dari:
            siapa = ", ".join(ROLE_LABEL[r] for r in step.dari if r != "admin")
            return (f"Langkah «{step.label}» bukan wewenang akun {ROLE_LABEL[user.role]}; langkah ini dilakukan "
                    f"oleh akun {siapa}.")
        else:
            allowed = step.dari[user.role]
        if state not in allowed:
            if state is None:
                return self.belum_ada
            if step.pesan_status:
                return step.pesan_status.format(status=self.label[state])
            now = keadaan() if keadaan else f"Berstatus «{self.label[state]}»"
            dari = ", ".join(f"«{self.label[s]}»" for s in allowed if s)
            return f"{now}. Langkah «{step.label}» hanya dapat diambil dari status {dari}."
        return None

    def may(self, user, kode: str | None, state: str | None, aksi: str, subject=None) -> bool:
        """May the user take the step now (a button is shown)? The step's own condition included."""
        step = self.langkah[aksi]
        return (self.refusal(user, kode, state, aksi) is None
                and (step.syarat is None or step.syarat(subject) is None))

    def available(self, user, kode: str | None, state: str | None, steps, subject=None) -> list[str]:
        return [a for a in steps if self.may(user, kode, state, a, subject)]

    def check(self, user, kode: str | None, state: str | None, aksi: str, subject=None, *,
              keadaan: Callable[[], str] | None = None, rules: tuple[Callable[[], str | None], ...] = ()) -> None:
        """Raises DomainError saying exactly why the step may not be taken. rules: the feature's further rules for
        taking it (not for showing it), judged after the state and before the step's own condition."""
        syarat = self.langkah[aksi].syarat
        why = self.refusal(user, kode, state, aksi, keadaan)
        for rule in (*rules, (lambda: syarat(subject)) if syarat else None):
            why = why or (rule and rule())
        if why:
            raise DomainError(why)

    def catatan(self, aksi: str, catatan: str | None) -> str | None:
        """The step's note cleaned, or DomainError on the field catatan: too long, or missing where required."""
        catatan = clean_catatan(catatan)
        if catatan and len(catatan) > CATATAN_MAKS:
            raise DomainError(f"Catatan paling panjang {CATATAN_MAKS} karakter.", "catatan")
        if self.langkah[aksi].catatan_wajib and not catatan:
            raise DomainError(self.langkah[aksi].catatan_wajib, "catatan")
        return catatan

    def move(self, user, obj, aksi: str, catatan: str | None = None, *, baru: bool = False,
             rincian: dict | None = None, changes: dict | None = None, wilayah_kode: str | None, **audit_kw):
        """The record into the step's state, the step on its timeline (rincian: the timeline's further columns)
        and in the audit log (changes: beyond state and note). baru: the record was just created (no state
        before). Returns the timeline row."""
        dari = None if baru else obj.status
        obj.status = self.langkah[aksi].ke
        row = self.timeline(**{self.subjek: obj}, aksi=aksi, dari=dari, ke=obj.status, catatan=catatan,
                            oleh_id=user.id if user is not None else None,
                            peran=user.role if user is not None else None, **(rincian or {}))
        db.session.add(row)
        diff = {"status": [dari or self.awal, obj.status]} if dari != obj.status else {}
        if catatan:
            diff["catatan"] = [None, catatan]
        audit.record(user, aksi, obj, wilayah_kode=wilayah_kode, changes={**diff, **(changes or {})}, **audit_kw)
        return row

    @staticmethod
    def flush(basi: str, unik: DomainError | None = None) -> None:
        """Writes the step. A record changed under us (where no lock is taken) rolls back and raises Conflict(basi);
        a unique constraint that refuses it, unik (when given)."""
        try:
            db.session.flush()
        except StaleDataError:
            db.session.rollback()
            raise Conflict(basi) from None
        except IntegrityError:
            if unik is None:
                raise
            db.session.rollback()
            raise unik from None
