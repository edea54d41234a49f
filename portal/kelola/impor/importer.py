"""Spreadsheet import of Posyandu and kader (DOMAIN.md §8): forgiving about the sheet, precise about errors,
idempotent. What the views and the tests use, from the modules that do the work:

- kinds.py: what a file holds (KINDS: Posyandu, kader; their columns, help and example) and how to fill it (NOTES);
- check.py: check() reads a .xlsx or .csv through the one bounded reader (portal/lembar_baca.py) and checks every
  row with the same rules as the forms (rules.clean), writing nothing: a Preview; check_file() only reads it;
- write.py: on confirmation apply() writes the checked preview, or only its valid rows when the user chose so, in
  one transaction through the same service functions as the forms, so every change is audited the same way;
  correction_workbook() is the file of the rows that were not saved, to correct and upload again;
- template.py: the templates to fill in.
The views keep the file between the preview and the confirmation under a random token (portal/unggahan.py).

Natural keys: a Posyandu is (kode desa, spelling-normalised name); a kader is its NIK when given, else (Posyandu,
normalised name). A blank cell keeps the stored value. Region names in the file are never used: only kode_desa.
"""
from functools import partial

from portal import unggahan
from portal.lembar_baca import FileRefused
from portal.kelola.impor.check import ERRORS_SHOWN, Preview, check, check_file
from portal.kelola.impor.kinds import KINDS, NOTES
from portal.kelola.impor.template import template_workbook
from portal.kelola.impor.write import ImportFailed, apply, correction_workbook, sumber

# The user's stored upload of an import kind (None for another kind: a file of numbers is not an import of data).
load_upload = partial(unggahan.load_upload, kinds=KINDS)

__all__ = ["ERRORS_SHOWN", "FileRefused", "ImportFailed", "KINDS", "NOTES", "Preview", "apply", "check", "check_file",
           "correction_workbook", "load_upload", "sumber", "template_workbook"]
