import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maharat.common import jalali


def test_leap_years_named_in_the_domain() -> None:
    assert jalali.is_leap(1403)
    assert not any(jalali.is_leap(y) for y in (1404, 1405, 1406, 1407))
    assert jalali.is_leap(1408)


def test_esfand_30_of_a_leap_year() -> None:
    day = jalali.parse("1403/12/30")
    assert day == dt.date(2025, 3, 20)
    assert jalali.parse("1404/01/01") == dt.date(2025, 3, 21)  # the next day is Nowruz


def test_esfand_30_does_not_exist_in_1404() -> None:
    with pytest.raises(jalali.JalaliDateError) as exc:
        jalali.parse("1404/12/30")
    assert "کبیسه" in str(exc.value)


def test_1408_is_leap_and_1407_is_not() -> None:
    assert jalali.parse("1408/12/30").isoformat() == "2030-03-20"
    with pytest.raises(jalali.JalaliDateError):
        jalali.parse("1407/12/30")


@pytest.mark.parametrize("text", ["1402/05/07", "۱۴۰۲/۰۵/۰۷", "1402-5-7", "٠٢/٥/٧", "1402.05.07", " 1402 / 5 / 7 "])
def test_common_written_forms(text: str) -> None:
    assert jalali.parse(text) == dt.date(2023, 7, 29)


@pytest.mark.parametrize("text", ["", "1402/13/01", "1402/07/31", "1402/05", "hello", "1402/00/10"])
def test_bad_dates_have_persian_messages(text: str) -> None:
    with pytest.raises(jalali.JalaliDateError) as exc:
        jalali.parse(text)
    assert any("\u0600" <= ch <= "\u06ff" for ch in str(exc.value))


def test_year_bounds_follow_the_leap_rule() -> None:
    first, last = jalali.year_bounds(1403)
    assert (last - first).days == 365  # 366 days
    first, last = jalali.year_bounds(1404)
    assert (last - first).days == 364


def test_formatting() -> None:
    assert jalali.format_date(dt.date(2025, 3, 20)) == "۱۴۰۳/۱۲/۳۰"
    assert jalali.format_date(dt.date(2025, 3, 20), long=True) == "۳۰ اسفند ۱۴۰۳"
    assert jalali.format_date(dt.date(2025, 3, 20), persian_digits=False) == "1403/12/30"


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2080, 12, 31)))
def test_round_trip(day: dt.date) -> None:
    assert jalali.parse(jalali.format_date(day)) == day
