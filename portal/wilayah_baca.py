"""Regions read: a code as people type it, look-up, the path above a code, search by name and what lies below.
Every feature reads regions here; only portal/wilayah/impor.py writes them."""
from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import func, select

from portal.bilangan import ascii_angka
from portal.extensions import db
from portal.models.wilayah import JENIS_LABEL, Wilayah, anak_dari, ancestors, is_valid_kode, level_of, within_clause


def parse_kode(text: str | None) -> str:
    """A code as people type it: '63.09.12.2003', '6309122003' or ' 63.09 ' all become the dotted form.
    Anything else is returned stripped, to be refused by is_valid_kode with the user's own spelling."""
    text = (text or "").strip()
    if ascii_angka(text) and len(text) in (2, 4, 6, 10):
        return ".".join(p for p in (text[0:2], text[2:4], text[4:6], text[6:10]) if p)
    return text


def get(kode: str) -> Wilayah | None:
    return db.session.get(Wilayah, kode) if is_valid_kode(kode) else None


def anak(kode: str) -> list[Wilayah]:
    """The regions directly below kode ("" : the provinsi), by code."""
    return list(db.session.scalars(select(Wilayah).where(anak_dari(kode)).order_by(Wilayah.kode)))


def desa_grouped(kode: str, limit: int = 400) -> list[tuple[Wilayah, list[Wilayah]]] | None:
    """The desa/kelurahan inside kode grouped by kecamatan, for a pick-list; None when there are more than limit."""
    count = db.session.scalar(select(func.count()).select_from(Wilayah).where(
        Wilayah.level == 4, within_clause(Wilayah.kode, kode)))
    if not count or count > limit:
        return None
    rows = db.session.scalars(select(Wilayah).where(Wilayah.level.in_((3, 4)), within_clause(Wilayah.kode, kode))
                              .order_by(Wilayah.kode)).all()
    groups: dict[str, tuple[Wilayah, list[Wilayah]]] = {}
    for w in rows:
        if w.level == 3:
            groups[w.kode] = (w, [])
        elif w.parent_kode in groups:
            groups[w.parent_kode][1].append(w)
    return list(groups.values())


def path(kode: str) -> list[Wilayah]:
    """The regions above kode, provinsi first."""
    codes = ancestors(kode)
    if not codes:
        return []
    found = {w.kode: w for w in db.session.scalars(select(Wilayah).where(Wilayah.kode.in_(codes)))}
    return [found[c] for c in codes if c in found]


_NOISE = re.compile(r"[^a-z0-9 ]+")
# "kab tabalong", "Kec. Bintang Ara": the kind in front of a name is not part of the name.
_KIND = re.compile(r"^(provinsi|prov|kabupaten|kab|kota|kecamatan|kec|distrik|kelurahan|kel|desa)\b\.?\s*")


def normalize_name(text: str) -> str:
    """Pulau Ku'u, PULAU KUU and pulau  kuu all become 'pulau kuu'."""
    return " ".join(_NOISE.sub("", (text or "").lower().replace("-", " ")).split())


def kode_dicari(q: str) -> bool:
    """q is (the start of) a code such as 63.09, not a name."""
    return bool(re.fullmatch(r"[0-9.]+", (q or "").strip()))


def search(q: str, limit: int = 30, *, within: str = "", levels=None) -> list[tuple[Wilayah, list[Wilayah]]]:
    """Regions whose name (spelling-normalised) contains q, or whose code starts with q; each with its path.
    within and levels narrow it (the account form offers only the codes a manager may hand out)."""
    q = (q or "").strip()
    if kode_dicari(q):
        stmt = select(Wilayah).where(Wilayah.kode.like(q.rstrip(".") + "%"))
    else:
        needle = normalize_name(_KIND.sub("", q.strip().lower()))
        if len(needle) < 3:
            return []
        name = func.lower(func.replace(func.replace(Wilayah.nama, "'", ""), "-", " "))
        stmt = select(Wilayah).where(name.like(f"%{needle}%"))
    if within:
        stmt = stmt.where(within_clause(Wilayah.kode, within))
    if levels is not None:
        stmt = stmt.where(Wilayah.level.in_(levels))
    found = db.session.scalars(stmt.order_by(Wilayah.level, Wilayah.nama, Wilayah.kode).limit(limit)).all()
    parents = {w.kode: w for w in db.session.scalars(select(Wilayah).where(
        Wilayah.kode.in_({a for w in found for a in ancestors(w.kode)})))}
    return [(w, [parents[a] for a in ancestors(w.kode) if a in parents]) for w in found]


@lru_cache(maxsize=2048)
def composition(kode: str = "") -> dict[str, int]:
    """How many regions of each kind lie below kode: {'kecamatan': 12, 'desa': 121, 'kelurahan': 10}.
    Kept in memory per process (the national answer groups 91,599 rows); an import clears it."""
    level = Wilayah.level
    papua = func.substr(Wilayah.kode, 1, 2) >= "91"
    kota = func.substr(Wilayah.kode, 4, 2) >= "71"
    digit = func.substr(Wilayah.kode, 10, 1)
    rows = db.session.execute(select(level, papua, kota, digit, func.count()).where(
        within_clause(Wilayah.kode, kode), level > level_of(kode)).group_by(level, papua, kota, digit))
    counts: dict[str, int] = {}
    for lv, is_papua, is_kota, first, n in rows:
        jenis = {2: "kota" if is_kota else "kabupaten", 3: "distrik" if is_papua else "kecamatan",
                 4: {"1": "kelurahan", "3": "desa_adat"}.get(first, "desa")}.get(lv, "provinsi")
        counts[jenis] = counts.get(jenis, 0) + n
    return {j: counts[j] for j in JENIS_LABEL if j in counts}
