"""Due dates in hari kerja: weekends and Indonesia's public holidays do not count."""
from datetime import date

from portal import hari_kerja


def test_five_working_days_skip_the_weekend():
    assert hari_kerja.tambah(date(2025, 10, 6), 5) == date(2025, 10, 13)  # Monday → the next Monday
    assert hari_kerja.tambah(date(2025, 10, 10), 5) == date(2025, 10, 17)  # Friday → the next Friday
    assert hari_kerja.di_antara(date(2025, 10, 10), date(2025, 10, 17)) == 5


def test_a_public_holiday_is_not_a_working_day():
    # 17 August 2026 (Hari Kemerdekaan) is a Monday: a case of Friday 14 August is due on Monday 24 August, not 21.
    assert hari_kerja.libur(date(2026, 8, 17))
    assert hari_kerja.tambah(date(2026, 8, 14), 5) == date(2026, 8, 24)
    # Christmas 2025 falls on a Thursday
    assert hari_kerja.tambah(date(2025, 12, 22), 5) == date(2025, 12, 30)


def test_cuti_bersama_from_the_configuration(app, ctx):
    ctx.config["HARI_LIBUR_TAMBAHAN"] = ["2025-12-26"]
    try:
        assert hari_kerja.tambah(date(2025, 12, 22), 5) == date(2025, 12, 31)
    finally:
        ctx.config["HARI_LIBUR_TAMBAHAN"] = []
