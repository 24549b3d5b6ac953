"""A month's entry deadline counts working days of the official calendar (issue 17): Esfand 1405 ends on
Saturday 2027-03-20, and the ten working days after it skip Nowruz, two Fridays, 12-13 Farvardin and the
lunar holiday of 14 Farvardin 1406, as the calendar loaded by maharat/workdays has them."""

from __future__ import annotations

import datetime as dt

import pytest

from maharat.approval.locks import Period
from maharat.workdays.models import Holiday

pytestmark = pytest.mark.django_db


def test_ten_working_days_after_esfand_skip_nowruz_fridays_and_holidays(settings) -> None:  # type: ignore[no-untyped-def]
    assert Holiday.objects.filter(date=dt.date(2027, 3, 21)).exists()  # 1406/01/01, loaded by the migration
    settings.MAHARAT_ENTRY_DEADLINE_DAYS = 10
    # Thu 25 Mar (1), Sat 27 .. Wed 31 (2-6), Sun 4 .. Wed 7 Apr (7-10); Thu 1, Fri 2, Sat 3 Apr are holidays.
    assert Period(1405, 12).deadline() == dt.date(2027, 4, 7)
    settings.MAHARAT_ENTRY_DEADLINE_WORKING = False
    assert Period(1405, 12).deadline() == dt.date(2027, 3, 30)


def test_a_holiday_added_by_hq_moves_the_deadline_of_a_month_not_yet_due(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MAHARAT_ENTRY_DEADLINE_DAYS = 1
    # Aban 1405 ends on Saturday 2026-11-21: one working day later is Sunday the 22nd ...
    assert Period(1405, 8).deadline() == dt.date(2026, 11, 22)
    Holiday.objects.create(date=dt.date(2026, 11, 22), title="تعطیل اضطراری", kind="special", confirmed=True)
    assert Period(1405, 8).deadline() == dt.date(2026, 11, 23)  # ... and Monday once HQ closes the Sunday
