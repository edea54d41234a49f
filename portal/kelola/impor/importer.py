"""Spreadsheet import of Posyandu and kader (DOMAIN.md §8): forgiving about the sheet, precise about errors,
idempotent.

Three steps, none of which reads a request: check() reads a .xlsx or .csv through the one bounded reader
(portal/lembar_baca.py) and validates every row with the same rules as the forms (rules.clean), writing nothing
(periksa.py); the views show that preview and keep the file under a random token (portal/unggahan.py); on
confirmation the stored file is checked again and apply() writes the whole plan, or only its valid rows when the user
chose so, in one transaction through the same service functions as the forms, so every change is audited the same
way (tulis.py). The templates come from templat.py.

Natural keys: a Posyandu is (kode desa, spelling-normalised name); a kader is its NIK when given, else (Posyandu,
normalised name). A blank cell keeps the stored value. Region names in the file are never used: only kode_desa.
"""
from functools import partial

from portal import unggahan
from portal.lembar_baca import EKSTENSI as EXTENSIONS
from portal.lembar_baca import MAKS_BARIS_DATA as MAX_ROWS
from portal.lembar_baca import FileRefused, column_key, extension
from portal.kelola.impor.jenis import KINDS, NOTES, Column, Kind
from portal.kelola.impor.periksa import ERRORS_SHOWN, Change, Preview, Problem, check, check_file
from portal.kelola.impor.templat import template_workbook
from portal.kelola.impor.tulis import ImportFailed, apply, rows_to_correct, sumber
from portal.unggahan import TOKEN, UPLOAD_TTL_SECONDS, Upload, delete_upload, store_upload

load_upload = partial(unggahan.load_upload, kinds=KINDS)

__all__ = ["EXTENSIONS", "MAX_ROWS", "FileRefused", "column_key", "extension", "KINDS", "NOTES", "Column", "Kind",
           "ERRORS_SHOWN", "Change", "Preview", "Problem", "check", "check_file", "template_workbook", "ImportFailed", "apply",
           "rows_to_correct", "sumber", "TOKEN", "UPLOAD_TTL_SECONDS", "Upload", "delete_upload", "store_upload",
           "load_upload"]
