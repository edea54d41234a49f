"""What a form takes from a request (issue 13): text fields take text only.

Flask-WTF fills a form from request.files and request.form together, and from a JSON body when there is no form.
So a file part sent under a text field's name reached the field as a FileStorage (a 500 in Length(), or
"<FileStorage …>" stored as a reason), and a JSON login reached the form past a throttle that read request.form.
Formulir, the base of every form, reads request.form, and request.files only for its file fields; any body that is
not a form is refused before a view runs (hanya_formulir). Views that read request.form directly get text only
too: Werkzeug puts every part with a file name in request.files.
"""
from __future__ import annotations

from flask import flash, request
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import SelectChoice
from wtforms.fields import FileField

from portal.domain import DomainError
from portal.errors import render_error

_DIKIRIM = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What a browser's form sends (htmx too); no body at all is fine as well.
JENIS_FORMULIR = frozenset({"", "application/x-www-form-urlencoded", "multipart/form-data"})
_DARI_PERMINTAAN = object()


class Formulir(FlaskForm):
    """FlaskForm that fills text fields from the form's text parts only, never from files or JSON."""

    def __init__(self, formdata=_DARI_PERMINTAAN, **kwargs):
        if formdata is _DARI_PERMINTAAN:
            berkas = {name for name, unbound in self._unbound_fields if issubclass(unbound.field_class, FileField)}
            formdata = isian(berkas)
        super().__init__(formdata=formdata, **kwargs)


def pilihan(options: dict[str, str], empty: str = "— pilih —") -> list[SelectChoice]:
    """A select's choices: an empty one first (nothing chosen yet), then the options in their order."""
    return [SelectChoice("", empty)] + [SelectChoice(k, v) for k, v in options.items()]


def isian(berkas: set[str] = frozenset()):
    """The submitted form data: its text parts, and the files of the fields named in berkas. None when nothing was
    submitted (as Flask-WTF: the form then keeps its defaults)."""
    if request.method not in _DIKIRIM:
        return None
    files = MultiDict([(k, v) for k, v in request.files.items(multi=True) if k in berkas])
    if files:
        return CombinedMultiDict([files, request.form])
    return request.form or None


def hanya_formulir():
    """before_request: a state change comes as a form. A JSON (or any other) body is refused with a clear message,
    so no view or form ever mistakes it for one."""
    if request.method in _DIKIRIM and request.mimetype not in JENIS_FORMULIR:
        return render_error(415)
    return None


def show_errors(form, error: DomainError, shown: tuple[str, ...] = ()) -> int:
    """Puts a refusal beside the form's fields; what no field holds is flashed on top. Returns the status to answer
    with, as the error says (422, or 409 for a conflict). shown: names the page shows itself (not fields of the
    form), e.g. a list of people refused as a whole. The one way every view answers a DomainError."""
    placed = False
    for name, message in error.errors.items():
        field = getattr(form, name, None) if form is not None else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [message]
            placed = True
        elif name in shown:
            placed = True
    if not placed:
        flash(error.message)
    return error.status
