"""The contract below every feature: how a service says no, and how it saves.

A service that changes data commits (or, called with commit=False by a caller that saves many changes at once, only
flushes); when a rule says no it rolls back what it did and raises DomainError. The error carries, per field, the
reason in the user's words, and the status a view answers with: 422 for input that is not right, 409 (Conflict) for
a record that changed since the user saw it. Views place the reasons with formulir.show_errors() and never decide the
status themselves.
"""
from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from portal.bilangan import bulat
from portal.extensions import db

PESAN_ISIAN = "Data belum benar: periksa isian yang ditandai."


class DomainError(ValueError):
    """A rule said no. message: the sentence for the whole answer; errors: {field: reason} (field given alone is
    the field of the message); status: what the view answers with."""
    status = 422

    def __init__(self, message: str | None = None, field: str | None = None, *,
                 errors: dict[str, str] | None = None, status: int | None = None):
        self.errors = dict(errors or {})
        if field and message:
            self.errors.setdefault(field, message)
        self.message = message or PESAN_ISIAN
        self.field = field
        if status is not None:
            self.status = status
        super().__init__(self.message)


class Conflict(DomainError):
    """Somebody else changed the record (or took the step) first: nothing was saved."""
    status = 409


class FormErrors(DomainError):
    """Several fields refused at once: {field: message}, so a form shows every error in one answer."""

    def __init__(self, errors: dict[str, str], message: str = PESAN_ISIAN):
        super().__init__(message, errors=errors)


class ConflictError(Conflict):
    """A stored record changed since its form was opened. Nothing was saved; current holds today's values, for the
    form to merge them with the user's input."""

    def __init__(self, obj):
        super().__init__("Data ini sudah diubah orang lain sejak Anda membukanya, jadi perubahan Anda belum "
                         "disimpan. Isian di bawah kini berisi nilai terbaru ditambah perubahan Anda; kolom yang "
                         "diubah kedua pihak ditandai. Periksa, lalu simpan lagi.")
        self.current = obj


def check_version(obj, version) -> None:
    """The version the form showed must be the record's: else ConflictError."""
    if bulat(version) != obj.version:  # also a missing or unreadable version: the form is not a knowing one
        raise ConflictError(obj)


def commit_or_conflict(obj, commit: bool = True) -> None:
    """Commit, or only flush when the caller (the import) commits many changes at once. A save that lost the race
    (the version moved under it) rolls back and raises ConflictError with the record as it is now."""
    try:
        db.session.commit() if commit else db.session.flush()
    except StaleDataError:
        db.session.rollback()
        db.session.refresh(obj)
        raise ConflictError(obj) from None


def refuse(error: DomainError):
    """Roll back what the service did so far, then raise: a refusal changes nothing."""
    db.session.rollback()
    raise error
