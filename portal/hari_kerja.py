"""Working days in Indonesia (hari kerja): Monday to Friday, without the public holidays the `holidays` package keeps
for Indonesia (national days, the religious ones by their calendars). A referral is handled within 5 hari kerja
(DOMAIN.md §9); the same rule serves any due date. Cuti bersama (collective leave, set each year by a joint decree)
are not in the package: HARI_LIBUR_TAMBAHAN in the configuration adds them (ISO dates)."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from flask import current_app, has_app_context


@lru_cache(maxsize=16)
def _libur_nasional(tahun: int) -> frozenset[date]:
    return frozenset(holidays.Indonesia(years=tahun))


def _tambahan() -> frozenset[date]:
    if not has_app_context():
        return frozenset()
    return frozenset(date.fromisoformat(d) for d in current_app.config.get("HARI_LIBUR_TAMBAHAN", ()))


def libur(day: date) -> bool:
    """A Saturday, a Sunday, a public holiday or an added day off."""
    return day.weekday() >= 5 or day in _libur_nasional(day.year) or day in _tambahan()


def tambah(mulai: date, n: int) -> date:
    """The n-th working day after mulai (mulai itself not counted): a case recorded on a Friday before a long weekend
    is due n working days after it."""
    day, left = mulai, n
    while left > 0:
        day += timedelta(days=1)
        if not libur(day):
            left -= 1
    return day


def di_antara(mulai: date, sampai: date) -> int:
    """Working days after mulai up to and including sampai (0 when sampai is not after mulai)."""
    n, day = 0, mulai
    while day < sampai:
        day += timedelta(days=1)
        n += not libur(day)
    return n
