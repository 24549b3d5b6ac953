"""Working-day arithmetic on the loaded calendar, against answers worked out by hand on a printed calendar.

The days around the turn of 1405 to 1406 (weekday, and what the loaded table says):

    1405/12/26 Wed 2027-03-17   working            1406/01/01 Sun 2027-03-21  Nowruz
    1405/12/27 Thu 2027-03-18   working            1406/01/02 Mon .. 01/04 Wed  Nowruz
    1405/12/28 Fri 2027-03-19   weekly rest        1406/01/05 Thu 2027-03-25  working
    1405/12/29 Sat 2027-03-20   oil nationalisation 1406/01/06 Fri             weekly rest
                                                   1406/01/07 Sat 2027-03-27  working
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maharat.common import jalali
from maharat.workdays import selectors
from maharat.workdays.selectors import (
    OutOfCalendar,
    add_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = dt.date
J = jalali.to_gregorian


def test_the_turn_of_the_year_is_read_off_the_calendar() -> None:
    assert J(1405, 12, 26) == D(2027, 3, 17) and J(1406, 1, 7) == D(2027, 3, 27)  # the table above
    assert [is_working_day(J(1405, 12, d)) for d in (26, 27, 28, 29)] == [True, True, False, False]
    assert [is_working_day(J(1406, 1, d)) for d in range(1, 8)] == [False, False, False, False, True, False, True]


def test_from_a_wednesday_across_nowruz_1406() -> None:
    wednesday = J(1405, 12, 26)
    assert add_working_days(wednesday, 1) == D(2027, 3, 18)  # Thursday 1405/12/27
    assert add_working_days(wednesday, 2) == D(2027, 3, 25)  # past Friday, Esfand 29 and Nowruz: 1406/01/05
    assert add_working_days(wednesday, 3) == D(2027, 3, 27)  # past Friday 1406/01/06: Saturday 1406/01/07
    assert working_days_between(wednesday, D(2027, 3, 27)) == 3


def test_from_a_wednesday_across_nowruz_1405_where_eid_al_fitr_falls_on_nowruz() -> None:
    # 1404's holidays are not in the table: 1404/12/28 (Thu) counts as working, 1404/12/29 is a Friday.
    wednesday = D(2026, 3, 18)  # 1404/12/27
    assert add_working_days(wednesday, 1) == D(2026, 3, 19)
    assert add_working_days(wednesday, 2) == D(2026, 3, 25)  # Sat-Tue 1405/01/01-04: Nowruz (and Eid al-Fitr)
    # From 1405/01/05 (Wed): Thu 06, [Fri 07], Sat 08, Sun 09, Mon 10, Tue 11; then 12 and 13 Farvardin are
    # holidays and the 14th a Friday.
    assert add_working_days(D(2026, 3, 25), 5) == D(2026, 3, 31)  # 1405/01/11
    assert add_working_days(D(2026, 3, 25), 6) == D(2026, 4, 4)  # 1405/01/15 (Saturday)


def test_across_a_friday() -> None:
    thursday = J(1405, 1, 6)
    assert add_working_days(thursday, 1) == J(1405, 1, 8)  # Saturday
    assert working_days_between(thursday, J(1405, 1, 8)) == 1
    assert working_days_between(thursday, J(1405, 1, 7)) == 0  # the Friday itself adds nothing


def test_a_deadline_landing_on_a_holiday_moves_to_the_next_working_day() -> None:
    assert add_working_days(J(1405, 1, 12), 0) == J(1405, 1, 15)  # Wed holiday, Thu holiday, Fri -> Sat
    assert add_working_days(J(1405, 12, 29), 0) == J(1406, 1, 5)  # Esfand 29 -> after Nowruz
    assert add_working_days(J(1405, 12, 26), 0) == J(1405, 12, 26)  # a working day stays
    assert next_working_day(J(1405, 12, 26)) == J(1405, 12, 27)  # "next" is never the day itself
    assert next_working_day(J(1405, 12, 27)) == J(1406, 1, 5)


def test_the_year_boundary_from_esfand_29() -> None:
    assert not jalali.month_length(1405, 12) == 30  # 1405 is not a leap year: Esfand 29 is its last day
    assert add_working_days(J(1405, 12, 29), 1) == D(2027, 3, 25)  # 1406/01/05
    assert add_working_days(J(1405, 12, 29), 2) == D(2027, 3, 27)  # 1406/01/07
    assert working_days_between(J(1405, 12, 29), J(1406, 1, 5)) == 1


def test_negative_counts_go_back() -> None:
    saturday = J(1406, 1, 7)
    assert add_working_days(saturday, -1) == J(1406, 1, 5)
    assert add_working_days(saturday, -2) == J(1405, 12, 27)  # back over Nowruz, Esfand 29 and a Friday
    assert add_working_days(saturday, -3) == J(1405, 12, 26)
    assert add_working_days(J(1406, 1, 4), -1) == J(1405, 12, 27)  # from a holiday, too
    assert working_days_between(saturday, J(1405, 12, 26)) == -3
    assert working_days_between(J(1405, 12, 26), J(1405, 12, 26)) == 0


def test_leap_years_jalali_and_gregorian(planner) -> None:  # type: ignore[no-untyped-def]
    from maharat.workdays import services

    # 1403 is a leap year: Esfand has a 30th day (2025-03-20, a Thursday), and it is a working day.
    assert jalali.month_length(1403, 12) == 30 and J(1403, 12, 30) == D(2025, 3, 20)
    for day, title in ((J(1403, 12, 29), "روز ملی شدن صنعت نفت ایران"), *((J(1404, 1, d), "عید نوروز") for d in (2, 3, 4))):
        services.holiday_create(user=planner, date=day, title=title, kind="solar", confirmed=True)
    tuesday = J(1403, 12, 28)  # 2025-03-18
    assert add_working_days(tuesday, 1) == D(2025, 3, 20)  # over the oil day to Esfand 30
    assert add_working_days(tuesday, 2) == D(2025, 3, 25)  # 1404/01/01 is a Friday, 02-04 Nowruz: 1404/01/05
    assert working_days_between(tuesday, D(2025, 3, 25)) == 2
    # 2028-02-29 lies in 1406 (1406/12/10), two days after Eid al-Fitr 1449 (Sunday 27 and Monday 28 February).
    assert J(1406, 12, 10) == D(2028, 2, 29)
    assert add_working_days(D(2028, 2, 26), 1) == D(2028, 2, 29)  # Saturday -> Tuesday
    assert working_days_between(D(2028, 2, 26), D(2028, 3, 1)) == 2


def test_a_year_without_holidays_counts_fridays_only() -> None:
    assert not selectors.covered(J(1407, 5, 1)) and selectors.covered(J(1406, 5, 1))
    assert add_working_days(J(1407, 1, 1), 1) == J(1407, 1, 2)  # Nowruz 1407 is not loaded: said by covered()


def test_far_counts_end_inside_the_calendar_or_say_so() -> None:
    start = J(1405, 1, 1)
    # After 1405/01/01 come 364 days: 52 Fridays, and 22 holidays that are not Fridays (26 in the year, 3 of them
    # on a Friday, and 1 Farvardin itself not counted).
    assert working_days_between(start, J(1405, 12, 29)) == 364 - 52 - 22 == 290
    far = add_working_days(start, 20_000)
    assert working_days_between(start, far) == 20_000 and is_working_day(far)
    with pytest.raises(OutOfCalendar):
        add_working_days(start, 10**9)
    with pytest.raises(OutOfCalendar):
        add_working_days(start, -(10**7))


def naive_add(start: dt.date, n: int) -> dt.date:
    """The definition, walked one day at a time."""
    if n == 0:
        day = start
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day
    step = dt.timedelta(days=1 if n > 0 else -1)
    day, left = start, abs(n)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(min_value=-30, max_value=760), n=st.integers(min_value=-90, max_value=90))
def test_counting_agrees_with_walking_day_by_day(offset: int, n: int) -> None:
    start = D(2026, 3, 21) + dt.timedelta(days=offset)
    end = add_working_days(start, n)
    assert end == naive_add(start, n)
    if n > 0:
        assert working_days_between(start, end) == n and working_days_between(end, start) == -n
    if n < 0 and is_working_day(start):  # counting back from a holiday, the holiday itself is not one of them
        assert working_days_between(end, start) == -n
