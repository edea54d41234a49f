"""Typo tolerance of the directory's search (issue 13): "mawr", "tanjng", "nuri harapn" find nothing as typed.

When a search word is the start of no indexed word, the nearest words of the search index (posyandu_kata) are tried
instead. The vocabulary is the index's distinct words that begin with a letter, read with one recursive query that
hops from word to word along the primary key (kata, posyandu_id) — a skip scan, the same SQL on SQLite and
PostgreSQL — and kept per process. rapidfuzz compares a word with those of its first letter in about a millisecond.

The copy is rebuilt when the data changed (the newest audit entry, as for the ETags) and it is older than JEDA
seconds (at national scale a rebuild reads some 50,000 words, a few hundred ms): a new name may be missing from the
suggestions for five minutes. A suggestion is only shown when it finds something, so a stale word never leads to an
empty page.
"""
from __future__ import annotations

import time

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel
from sqlalchemy import func, literal, select, text, union_all

from portal.caching import versi_data
from portal.extensions import db
from portal.models.posyandu import posyandu_kata

JEDA = 300
PANJANG_MIN = 4  # shorter words are too ambiguous to correct ("maw" is two edits from a hundred words)
_KOSAKATA = text("""
WITH RECURSIVE w(kata) AS (
  SELECT (SELECT kata FROM posyandu_kata WHERE kata >= 'a' ORDER BY kata LIMIT 1)
  UNION ALL
  SELECT (SELECT k.kata FROM posyandu_kata k WHERE k.kata > w.kata ORDER BY k.kata LIMIT 1) FROM w
  WHERE w.kata IS NOT NULL
)
SELECT kata FROM w WHERE kata IS NOT NULL
""")


class Kosakata:
    """The words, and the same grouped by first letter: a typo seldom changes the first letter, so that group of a
    few thousand words is compared first."""

    def __init__(self, words: tuple[str, ...]):
        self.semua = words
        self.awal: dict[str, list[str]] = {}
        for w in words:
            self.awal.setdefault(w[0], []).append(w)


_simpanan: dict[str, tuple[float, int, Kosakata]] = {}  # database → (built at, data version, words)


def kosakata() -> Kosakata:
    """The distinct indexed words made of letters only (numbers such as "000123" are not corrected)."""
    kunci = str(db.engine.url)
    ada = _simpanan.get(kunci)
    sekarang = time.monotonic()
    if ada and sekarang - ada[0] < JEDA:
        return ada[2]
    versi = versi_data()[0]
    if ada and ada[1] == versi:
        _simpanan[kunci] = (sekarang, versi, ada[2])
        return ada[2]
    words = Kosakata(tuple(w for w in db.session.scalars(_KOSAKATA) if w.isalpha()))
    _simpanan[kunci] = (sekarang, versi, words)
    return words


def lupakan() -> None:
    """Drops the copies (tests that change the data and search at once)."""
    _simpanan.clear()


def _sering(words: list[str], cap: int = 100) -> dict[str, int]:
    """How many Posyandu have each word (counted up to cap): one statement of index range counts."""
    parts = [select(literal(w).label("kata"), select(func.count()).select_from(
        select(posyandu_kata.c.posyandu_id).where(posyandu_kata.c.kata == w).limit(cap).subquery())
        .scalar_subquery().label("n")) for w in words]
    return dict(db.session.execute(union_all(*parts)).all()) if parts else {}


def mirip(word: str, n: int = 3) -> list[str]:
    """Up to n indexed words nearest to word: one edit away for words of up to 5 letters, two for longer ones (an edit:
    a letter added, dropped, changed, or two neighbours swapped). Among equals, first the word reached by adding or
    dropping letters (a letter left out is the commonest slip: "mawr" is "mawar" before "mawi"), then the word of more
    Posyandu ("tanjng": "tanjung", not "tanjang")."""
    if len(word) < PANJANG_MIN or not word.isalpha():
        return []
    batas = 1 if len(word) <= 5 else 2
    words = kosakata()
    found = []
    for choices in (words.awal.get(word[0], ()), words.semua):
        found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=batas, limit=None)
        if found:
            break
    dekat = sorted((f[1], Indel.distance(word, f[0]), f[0][:1] != word[:1], f[0]) for f in found)[:n + 3]
    sering = _sering([f[-1] for f in dekat])
    dekat.sort(key=lambda f: (f[0], f[1], -sering.get(f[-1], 0), f[2], f[-1]))
    return [f[-1] for f in dekat[:n]]
