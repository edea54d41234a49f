"""Searching a list by name: one rule for every search box but the directory's (which plans its own, see
direktori/service.py). Case, accents and punctuation do not matter (teks.lipat); % and _ typed by a user are
letters, never wildcards; a query is at most MAKS characters.

- posyandu(q): the Posyandu having a word that starts with each word of q, in the name of the Posyandu, its desa or
  its kecamatan. It reads the word index the directory keeps (posyandu_kata): an index range per word.
- nama(q, *columns): rows where each word of q is inside one of the columns (a person's or an account's name; no
  index can serve "inside", and these lists are bounded by the user's region).
"""
from __future__ import annotations

from sqlalchemy import and_, exists, func, or_

from portal.models.posyandu import Posyandu, posyandu_kata
from portal.teks import KATA_UMUM, PANJANG_KATA, kata, lipat

MAKS = 60
MAKS_KATA = 5


def clean(q, length: int = MAKS) -> str:
    """A search or filter of a query string as typed, as the page shows it back and the query reads it: printable
    characters only (PostgreSQL refuses a NUL in text: a 500 the hostile suite found), blanks collapsed, bounded.
    The one reading of every text filter of a list."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(q or "")).split())[:length]


def posyandu(q: str | None):
    """A WHERE clause on Posyandu, or None when q has no word to search."""
    words = kata(clean(q))[:MAKS_KATA]
    if not words:
        return None
    return and_(*(exists().where(posyandu_kata.c.posyandu_id == Posyandu.id, posyandu_kata.c.kata >= w,
                                 posyandu_kata.c.kata < w[:PANJANG_KATA] + "{") for w in words))


def _lipat_kolom(column):
    """The column folded as far as SQL can, as lipat() folds the query: lower case, no apostrophes, '-' a space."""
    return func.lower(func.replace(func.replace(func.replace(column, "'", ""), "’", ""), "-", " "))


def nama(q: str | None, *columns):
    """A WHERE clause, or None when q has no word to search."""
    words = [w for w in lipat(clean(q)).split() if w not in KATA_UMUM][:MAKS_KATA]
    if not words:
        return None
    return and_(*(or_(*(_lipat_kolom(c).contains(w, autoescape=True) for c in columns)) for w in words))
