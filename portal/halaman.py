"""Paged lists: one page size (PER_HALAMAN), one page object, one pager (templates/_partials/pager.html).

The page number comes from the URL: 1 when missing or not a number, never so large that the database's OFFSET
overflows (a 400-digit page= once gave a 500 on PostgreSQL), and a page past the last shows the last one.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from sqlalchemy import func, select

from portal.bilangan import bulat
from portal.extensions import db

HALAMAN_MAKS = 10_000


def nomor() -> int:
    """The page the URL asks for (page=)."""
    return min(bulat(request.args.get("page"), 1) or 1, HALAMAN_MAKS)


def per_halaman() -> int:
    return current_app.config["PER_HALAMAN"]


@dataclass
class Halaman:
    """One page of a list: its items, which page it is, and how many there are. total None: not counted (the
    directory stops counting at a bound); then lanjut says whether a next page exists."""
    items: Sequence[Any]
    nomor: int
    per: int
    total: int | None
    lanjut: bool | None = None

    @property
    def pages(self) -> int:
        return max(-(-(self.total or 0) // self.per), 1)

    @property
    def has_prev(self) -> bool:
        return self.nomor > 1

    @property
    def has_next(self) -> bool:
        return self.lanjut if self.lanjut is not None else self.nomor < self.pages

    @property
    def awal(self) -> int:
        """The ordinal of the first item (an <ol start=…>)."""
        return (self.nomor - 1) * self.per + 1

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _pada(total: int, halaman: int | None, per: int) -> int:
    """The page asked for, or the last one when it lies past the end."""
    halaman = nomor() if halaman is None else halaman
    return max(min(halaman, max(-(-total // per), 1)), 1)


def paginate(stmt, halaman: int | None = None, per: int | None = None, *, scalars: bool = True) -> Halaman:
    """A page of a SELECT: counted, then the page's rows fetched (scalars: the first column of each row)."""
    per = per or per_halaman()
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    halaman = _pada(total, halaman, per)
    result = db.session.execute(stmt.limit(per).offset((halaman - 1) * per))
    return Halaman(result.scalars().all() if scalars else result.all(), halaman, per, total)


def paginate_rows(total: int, ambil: Callable[[int, int], Sequence[Any]], halaman: int | None = None,
                per: int | None = None) -> Halaman:
    """A page of a list a service fetches itself: ambil(limit, offset) gives the rows of the page."""
    per = per or per_halaman()
    halaman = _pada(total, halaman, per)
    return Halaman(ambil(per, (halaman - 1) * per), halaman, per, total)
