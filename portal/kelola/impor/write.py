"""Writing a checked import: every change in one transaction through the same service functions as the forms, so it
is audited like a form edit; and the file of the rows that were not saved, to correct and upload again."""
from __future__ import annotations

import io

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portal import lembar
from portal.domain import DomainError
from portal.extensions import db
from portal.kelola import service
from portal.impor_umum import Problem, display_value
from portal.kelola.impor.check import Preview

KOLOM_KESALAHAN = "kesalahan"


class ImportFailed(DomainError):
    """A service refused a row while writing (the database changed since the check). Nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__("Impor dibatalkan; tidak ada data yang disimpan.")
        self.problems = problems


def sumber(filename: str, preview: Preview, part: bool) -> str:
    """Where the changes came from, as the audit log keeps it; a partial import lists the rows it left out."""
    if not part or not preview.bad:
        return f"impor berkas {filename}"
    rows = ", ".join(str(r) for r in sorted(preview.bad)[:50]) + (" …" if len(preview.bad) > 50 else "")
    return f"impor berkas {filename}, baris yang benar saja (tidak disimpan: baris {rows})"[:500]


def apply(user, preview: Preview, sumber: str | None = None, part: bool = False) -> None:
    """Writes a checked preview in one transaction: all its changes or none. Only with part=True may the preview
    have problems: then its valid rows are written and the others left out. sumber names the file in the audit log."""
    if preview.problems and not part:
        raise ValueError("a preview with problems is only applied in part, when the user chose so")
    change = None
    try:
        for change in preview.changes:
            if change.action == "tetap":
                continue
            target = change.target
            if preview.kind.key == "posyandu":
                if target is None:
                    service.create_posyandu(user, change.desa_kode, change.raw, commit=False, sumber=sumber)
                else:
                    service.update_posyandu(user, target, change.raw, change.version, commit=False, sumber=sumber)
            elif target is None:
                service.add_kader(user, change.posyandu, change.raw, commit=False, sumber=sumber)
            else:
                service.update_kader(user, target, change.raw, change.version, commit=False, sumber=sumber)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        errors = getattr(e, "errors", None) or {"–": e.message}
        nama = display_value(preview.records.get(change.row, {}).get("nama"))
        raise ImportFailed([Problem(change.row, preview.headers.get(column, column), message, nama)
                            for column, message in errors.items()]) from e
    except Exception:
        db.session.rollback()
        raise


def correction_workbook(preview: Preview) -> bytes:
    """An .xlsx of the rows with problems: the kind's columns as the file had them and, last, what is wrong. Every
    cell is text (nothing in it runs as a formula) and reads back unchanged, so the corrected file imports as is."""
    book = lembar.buku_teks()
    sheet = book.create_sheet(preview.kind.label)
    columns = [c.name for c in preview.kind.columns]
    sheet.append([_text(sheet, name, bold=True) for name in columns + [KOLOM_KESALAHAN]])
    messages: dict[int, list[str]] = {}
    for p in preview.problems:
        messages.setdefault(p.row, []).append(p.kalimat)
    for row in sorted(r for r in preview.bad if r in preview.records):
        record = preview.records[row]
        sheet.append([_text(sheet, record.get(name)) for name in columns] + [_text(sheet, " ".join(messages[row]))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(sheet, value, bold: bool = False) -> WriteOnlyCell:
    if value is None:
        return WriteOnlyCell(sheet, None)
    cell = WriteOnlyCell(sheet, f"{value:%d-%m-%Y}" if hasattr(value, "strftime") else str(value))
    cell.data_type = "s"  # openpyxl would take "=…" for a formula
    if bold:
        cell.font = Font(bold=True)
    return cell
