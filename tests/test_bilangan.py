"""The one parser of integers typed by users (issue 13, item 5)."""
import pytest
from werkzeug.datastructures import FileStorage

from portal.bilangan import ascii_angka, bulat
from portal.models.base import ID_MAKS, baca_id


@pytest.mark.parametrize("value", ["²", "①", "٣", "３", "1²", "", " ", "-1", "1.0", "+1", "1e3", None, "1" * 19])
def test_not_ascii_digits_is_no_number(value):
    assert bulat(value) is None


def test_a_file_part_is_no_number():
    assert bulat(FileStorage(filename="x.txt")) is None


def test_ascii_digits_in_bounds():
    assert bulat(" 42 ") == 42
    assert bulat("0007") == 7
    assert bulat("5", 1, 5) == 5
    assert bulat("6", 1, 5) is None
    assert bulat("0", 1) is None


def test_record_ids_stay_in_the_key_range():
    assert baca_id(str(ID_MAKS)) == ID_MAKS
    assert baca_id(str(ID_MAKS + 1)) is None
    assert baca_id("٣") is None


def test_codes_are_checked_as_ascii():
    assert ascii_angka("6309")
    assert not ascii_angka("63٠9")
    assert not ascii_angka("")
