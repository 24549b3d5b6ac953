"""A deadline told to people, in Persian and in English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from maharat.common import jalali
from maharat.workdays.deadlines import Deadline

pytestmark = pytest.mark.django_db

J = jalali.to_gregorian


def test_ten_working_days_from_a_letter_of_1405_12_17() -> None:
    # From Monday 12/17: Tue 18 (1), [Wed 19 and Thu 20 Eid al-Fitr, Fri 21], Sat 22 (2), Sun 23 (3), Mon 24 (4),
    # Tue 25 (5), Wed 26 (6), Thu 27 (7), [Fri 28, Sat 29 oil day, 1406/01/01-04 Nowruz], Thu 01/05 (8),
    # [Fri 01/06], Sat 01/07 (9), Sun 01/08 (10).
    deadline = Deadline.after(J(1405, 12, 17), 10)
    assert deadline.due == J(1406, 1, 8) == dt.date(2027, 3, 28)


def test_a_deadline_on_a_holiday_moves_on() -> None:
    assert Deadline.on(J(1406, 1, 1)).due == J(1406, 1, 5)
    assert Deadline.on(J(1406, 1, 5)).due == J(1406, 1, 5)


def test_left_today_and_passed_in_persian() -> None:
    deadline = Deadline(J(1406, 1, 8))  # Sunday
    with translation.override("fa"):
        assert deadline.describe(J(1405, 12, 26)) == "۴ روز کاری مانده"  # Thu 27, Thu 01/05, Sat 01/07, Sun 01/08
        assert deadline.describe(J(1406, 1, 8)) == "امروز"
        assert deadline.describe(J(1406, 1, 10)) == "۲ روز کاری گذشته"  # Mon 09, Tue 10
    assert deadline.state(J(1405, 12, 26)) == "open" and deadline.state(J(1406, 1, 8)) == "today"
    assert deadline.overdue(J(1406, 1, 9)) and not deadline.overdue(J(1406, 1, 8))


def test_passed_yesterday_is_late_even_on_a_friday() -> None:
    thursday = Deadline(J(1406, 1, 5))
    assert thursday.left(J(1406, 1, 6)) == -1  # Friday: no working day has passed, but the deadline has
    with translation.override("fa"):
        assert thursday.describe(J(1406, 1, 6)) == "۱ روز کاری گذشته"


def test_in_english() -> None:
    deadline = Deadline(J(1406, 1, 8))
    with translation.override("en"):
        assert deadline.describe(J(1405, 12, 26)) == "4 working days left"
        assert deadline.describe(J(1406, 1, 7)) == "1 working day left"
        assert deadline.describe(J(1406, 1, 8)) == "Due today"
        assert deadline.describe(J(1406, 1, 9)) == "1 working day overdue"
        assert deadline.describe(J(1406, 1, 10)) == "2 working days overdue"


def test_today_comes_from_the_platform_clock() -> None:
    from maharat.factories import today_is

    with today_is(dt.date(2026, 12, 3)), translation.override("fa"):  # 1405/09/12, a Thursday
        assert Deadline(dt.date(2026, 12, 5)).describe() == "۱ روز کاری مانده"  # Friday in between
