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


def aman(value):
    """A spreadsheet cell that cannot run as a formula (CSV injection): text starting with = + - @ gets a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
