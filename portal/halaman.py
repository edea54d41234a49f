"""The page number of a paged list, as a URL gives it: 1 when missing or not a number, and never so large that the
database's OFFSET overflows (a 400-digit page= once gave a 500 on PostgreSQL)."""
from flask import request

from portal.bilangan import bulat

HALAMAN_MAKS = 10_000


def nomor() -> int:
    return min(bulat(request.args.get("page"), 1) or 1, HALAMAN_MAKS)
