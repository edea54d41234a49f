"""What the Riwayat pages share (of a Posyandu, a kegiatan, an account): an audit entry as a person reads it. Who did
it by their name (never a username), what, to whom, and each changed field by its label with its value in words;
personal data hidden from those who may not see it (access.may_see_personal_data decides, the caller passes it)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from portal.extensions import db
from portal.formatting import nilai
from portal.models.wilayah import Wilayah

# Shown instead of a personal value to whom may not see it: that something changed is kept, the value is not.
TERSEMBUNYI = "(tidak ditampilkan)"
# Fields holding a kode wilayah: shown with the region's name.
KODE = frozenset({"desa_kode", "wilayah_kode", "asal_kode"})
_TANGGAL = re.compile(r"^\d{4}-\d\d-\d\d$")
AKTIF = {True: "aktif", False: "nonaktif"}


@dataclass
class Entry:
    at: datetime
    actor: str
    action: str
    subject: str
    on_behalf_of: str | None = None
    changes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Kamus:
    """How one Riwayat reads its fields: their labels, the words for coded values (a dict, or a function of the
    stored value), and which fields hold personal data, per audited object type."""
    label: dict[str, str]
    pilihan: dict[str, dict | Callable] = field(default_factory=dict)
    pribadi: dict[str, frozenset[str]] = field(default_factory=dict)

    def label_of(self, name: str) -> str:
        # Every audited field has a label (tests/test_privasi.py); a new one still never shows as a column name.
        return self.label.get(name) or name.replace("_", " ").capitalize()

    def nilai(self, name: str, value, wilayah: dict[str, str] | None = None) -> str:
        """A stored value in words: a coded value by its label, a kode wilayah with its name, a date as 15 Okt 2025,
        personal numbers masked (formatting.nilai)."""
        pilihan = self.pilihan.get(name)
        if callable(pilihan) and value not in (None, ""):
            return pilihan(value)
        if isinstance(pilihan, dict) and not isinstance(value, (list, dict)) and value in pilihan:
            return pilihan[value]
        if name in KODE and value in (wilayah or {}):
            return f"{wilayah[value]} ({value})"
        if isinstance(value, str) and _TANGGAL.match(value):
            try:
                return nilai(date.fromisoformat(value))
            except ValueError:
                pass
        return nilai(value, name)


def aktor(user) -> str:
    """The person who acted, by the name they are known by; changes from the command line are the system's."""
    return user.name if user is not None else "Sistem"


def wilayah_dari(logs: Iterable) -> dict[str, str]:
    """The full names of the regions the entries mention (acted on behalf of, or a changed kode), in one query."""
    codes = set()
    for e in logs:
        if e.on_behalf_of:
            codes.add(e.on_behalf_of)
        for name, values in (e.changes or {}).items():
            if name in KODE:
                codes.update(v for v in values if isinstance(v, str) and v)
    if not codes:
        return {}
    return {w.kode: w.nama_lengkap for w in db.session.scalars(select(Wilayah).where(Wilayah.kode.in_(sorted(codes))))}


def perubahan(kamus: Kamus, object_type: str, changes: dict | None, wilayah: dict[str, str],
              pribadi_boleh: bool) -> list[tuple[str, str, str]]:
    """(label, before, after) for every changed field; a list (layanan) as what was removed and what was added."""
    hidden = frozenset() if pribadi_boleh else kamus.pribadi.get(object_type, frozenset())
    rows = []
    for name, (before, after) in (changes or {}).items():
        label = kamus.label_of(name)
        if name in hidden:
            rows.append((label, TERSEMBUNYI, TERSEMBUNYI))
        elif isinstance(before, list) or isinstance(after, list):
            added = sorted(set(after or []) - set(before or []))
            removed = sorted(set(before or []) - set(after or []))
            rows.append((label, "; ".join(removed) or "–", "; ".join(added) or "–"))
        else:
            rows.append((label, kamus.nilai(name, before, wilayah), kamus.nilai(name, after, wilayah)))
    return rows
