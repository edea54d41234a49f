"""Text as people search it: case, accents and punctuation do not matter (issue 4).

lipat() folds a text to lowercase ASCII words; kata() splits it into the words the directory indexes.
"""
from __future__ import annotations

import re
import unicodedata

_GABUNG = re.compile(r"['’`]")  # Ku'u is one word: kuu
_PEMISAH = re.compile(r"[^a-z0-9]+")
# Every Posyandu is called "Posyandu …": the word says nothing, so it is neither indexed nor searched.
KATA_UMUM = frozenset({"posyandu"})
PANJANG_KATA = 40


def lipat(text: str | None) -> str:
    """'Pulau Ku'u', 'PULAU KUU' and 'pulau  kuú' all become 'pulau kuu'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(_PEMISAH.sub(" ", _GABUNG.sub("", text)).split())


def kata(*texts: str | None) -> list[str]:
    """The distinct searchable words of the texts, in order of first appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in lipat(text).split():
            if word not in KATA_UMUM:
                seen.setdefault(word[:PANJANG_KATA], None)
    return list(seen)


# A spreadsheet runs a cell as a formula when it starts with = + - @ (or their full-width forms), also after blanks
# or a quote; tab and CR lead other attacks (OWASP "CSV injection"). Excel in an Indonesian locale splits a comma CSV
# on ";" and a cell's line breaks start new rows, so every segment after ";" or a line break counts as a cell start.
_FORMULA = re.compile(r"(^|[;\r\n])(?=[\t\r]|[\s\"]*[=+\-@\uff1d\uff0b\uff0d\uff20])")


# How a cell the regex may change starts (whitespace as the regex's \s: every Unicode space, the last is U+3000).
_AWAL = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\"") | frozenset(c for c in map(chr, range(0x3001)) if c.isspace())


def aman(value):
    """A spreadsheet cell that cannot run as a formula: a quote before each segment that would. Other values as is.
    Only for files people open in a spreadsheet (CSV, XLSX); portal/lembar.py applies it to every cell written."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] not in _AWAL and ";" not in value and "\n" not in value and "\r" not in value:
        return value  # the common case, without the regex: the open-data export calls this millions of times
    return _FORMULA.sub(r"\1'", value)


# Characters a file name shown or sent must not carry: controls, bidi overrides and isolates (U+202E makes
# "gpj.exe" read "exe.jpg"), zero-width and other invisible format characters, and what a path or header quotes.
_HAPUS = frozenset(("Cf", "Cs", "Co", "Cn"))  # invisible: dropped
_SPASI = frozenset(("Cc", "Zl", "Zp"))  # controls and line breaks: a space
_TANDA_BERKAS = re.compile(r'["\'`<>:*?|]+')
PANJANG_NAMA_BERKAS = 120


def nama_berkas(filename: str | None, ekstensi: str, cadangan: str = "dokumen") -> str:
    """The one sanitiser of file names from users: no folders, no invisible or bidi characters, no quotes, at most
    PANJANG_NAMA_BERKAS characters, and the extension of the type detected from the content (never the uploader's:
    'Berita-Acara.hta' holding a PDF is 'Berita-Acara.pdf')."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(" " if unicodedata.category(c) in _SPASI else c for c in name
                   if unicodedata.category(c) not in _HAPUS)
    name = " ".join(_TANDA_BERKAS.sub(" ", name).split())
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem.strip(" .")[:PANJANG_NAMA_BERKAS].rstrip(" .") or cadangan
    return f"{stem}.{ekstensi.lstrip('.')}"
